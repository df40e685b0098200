"""Referrals: programs, links, clicks, referrals, rewards and the public redirect (issue 4)."""

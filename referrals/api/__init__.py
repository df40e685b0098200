"""REST adapters of the referrals app."""

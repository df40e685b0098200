"""Write use-cases of referrals: programs and links, attribution, qualification, rewards."""

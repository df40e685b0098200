"""What referral domain events carry (one shape for every service that records them)."""

from __future__ import annotations

from typing import Any

from referrals.models import Referral


def referral_payload(referral: Referral) -> dict[str, Any]:
    return {
        "referral_id": referral.pk,
        "program_id": referral.program_id,
        "referrer_id": referral.referrer_id,
        "referee_id": referral.referee_id,
        "status": referral.status,
        "rejection_reason": referral.rejection_reason,
        "fraud_signals": referral.fraud_signals,
    }

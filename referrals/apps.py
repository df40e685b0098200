"""App config of referrals: installs the attribution of new customers and the handlers."""

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from customers import referral_hook
        from referrals import (
            event_types,  # noqa: F401  (declares the events it emits)
            personal_data,  # noqa: F401  (registers its export sections)
            subscribers,  # noqa: F401  (registers domain-event subscribers)
        )
        from referrals.models import ReferralProgram, Reward
        from referrals.services.attribution import code_problem, referral_create

        referral_hook.install(
            referral_hook.ReferralAttribution(
                check=code_problem,
                attribute=lambda customer, code, context: referral_create(
                    tenant=customer.tenant,
                    referee=customer,
                    code=code,
                    context=context,
                    at_signup=True,
                ),
            )
        )
        auditlog.register(ReferralProgram)
        auditlog.register(Reward)

"""REST adapters of referrals: programs, links, referrals and rewards."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.roles import Role
from accounts.tenant_api import TenantViewSet
from customers.models import Customer
from flywheel.core.views import CRUD, READ_ONLY, UpdateModelMixin
from referrals import selectors
from referrals.api import serializers as s
from referrals.filters import ReferralFilterSet, ReferralLinkFilterSet, RewardFilterSet
from referrals.models import Referral, ReferralLink, ReferralProgram, Reward
from referrals.services import links, rewards
from referrals.services.attribution import referral_create
from referrals.services.qualification import referral_qualify


@extend_schema(tags=["referrals"])
class ReferralProgramViewSet(*CRUD, TenantViewSet):
    """Double-sided referral programs (admins manage, everyone reads)."""

    model = ReferralProgram
    serializer_class = s.ReferralProgramSerializer
    scope_area = "referrals"
    write_role = Role.ADMIN
    filterset_fields = ["active", "qualification"]
    search_fields = ["name"]

    def perform_create(self, serializer):
        serializer.instance = links.program_save(
            program=ReferralProgram(tenant=self.tenant), data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = links.program_save(
            program=serializer.instance, data=serializer.validated_data
        )


@extend_schema_view(
    create=extend_schema(
        request=s.ReferralLinkCreateSerializer,
        responses={201: s.ReferralLinkSerializer, 200: s.ReferralLinkSerializer},
        description="The referrer's active link into the program; 201 when new, 200 when it "
        "existed (unless `force_new`).",
    ),
)
@extend_schema(tags=["referrals"])
class ReferralLinkViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, UpdateModelMixin, TenantViewSet
):
    """Referrers' personal links with their counters (clicks, referrals, qualified)."""

    model = ReferralLink
    serializer_class = s.ReferralLinkSerializer
    scope_area = "referrals"
    filterset_class = ReferralLinkFilterSet
    search_fields = ["code"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def safely_get_queryset(self, queryset):
        return selectors.links_with_stats(queryset)

    def create(self, request, tenant):
        serializer = s.ReferralLinkCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        link, created = links.referral_link_create(
            tenant=self.tenant,
            program=data["program"],
            referrer=data["referrer"],
            force_new=data["force_new"],
        )
        link = self.get_queryset().get(pk=link.pk)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(s.ReferralLinkSerializer(link).data, status=code)


@extend_schema_view(
    create=extend_schema(
        request=s.ReferralCreateSerializer,
        responses={201: s.ReferralSerializer},
        description="Attribute an existing customer to the link of `code`.",
    ),
)
@extend_schema(tags=["referrals"])
class ReferralViewSet(*READ_ONLY, TenantViewSet):
    """Referrals: pending, qualified, rejected (with the reason) or expired."""

    model = Referral
    serializer_class = s.ReferralSerializer
    scope_area = "referrals"
    filterset_class = ReferralFilterSet
    ordering_fields = ["id", "attributed_at", "qualified_at"]
    action_roles = {"qualify": Role.ADMIN}

    def create(self, request, tenant):
        serializer = s.ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referee = Customer.objects.filter(pk=serializer.validated_data["referee"]).first()
        if referee is None:
            raise ValidationError({"referee": ["No such customer."]}, code="does_not_exist")
        try:
            referral = referral_create(
                tenant=self.tenant, referee=referee, code=serializer.validated_data["code"]
            )
        except ValueError as error:
            raise ValidationError({"code": [str(error)]}, code="invalid_referral_code") from error
        return Response(s.ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.ReferralSerializer})
    @action(detail=True, methods=["post"])
    def qualify(self, request, tenant, pk=None):
        """Qualify a pending referral by hand (admins); 409 unless pending."""
        from flywheel.core.errors import ConflictError

        referral = self.get_object()
        if not referral_qualify(referral=referral):
            referral.refresh_from_db()
            raise ConflictError(
                f"A {referral.status} referral cannot be qualified.", code="invalid_transition"
            )
        referral.refresh_from_db()
        return Response(s.ReferralSerializer(referral).data)


@extend_schema(tags=["referrals"])
class RewardViewSet(*READ_ONLY, TenantViewSet):
    """Rewards: pending -> approved -> issued, or voided; invalid transitions answer 409."""

    model = Reward
    serializer_class = s.RewardSerializer
    scope_area = "referrals"
    filterset_class = RewardFilterSet
    ordering_fields = ["id", "created_at", "approve_after"]
    action_roles = {"approve": Role.ADMIN, "issue": Role.ADMIN, "void": Role.ADMIN}

    @extend_schema(request=None, responses={200: s.RewardSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, tenant, pk=None):
        """pending -> approved (also releases rewards held for fraud review)."""
        return Response(s.RewardSerializer(rewards.reward_approve(reward=self.get_object())).data)

    @extend_schema(request=None, responses={200: s.RewardSerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request, tenant, pk=None):
        """approved -> issued: the tenant paid it out."""
        return Response(s.RewardSerializer(rewards.reward_issue(reward=self.get_object())).data)

    @extend_schema(request=s.RewardVoidSerializer, responses={200: s.RewardSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request, tenant, pk=None):
        """pending or approved -> voided, with an optional reason."""
        serializer = s.RewardVoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reward = rewards.reward_void(
            reward=self.get_object(), reason=serializer.validated_data.get("reason", "")
        )
        return Response(s.RewardSerializer(reward).data)

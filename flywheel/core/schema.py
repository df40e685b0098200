"""OpenAPI generation: problem+json errors on every operation and the bearer schemes."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.permissions import AllowAny

from flywheel.core.errors import PROBLEM_CONTENT_TYPE
from flywheel.core.serializers import ProblemSerializer

_ERRORS = {
    "400": "Invalid input: malformed JSON, unknown or invalid fields (listed in `errors`).",
    "401": "No credential, or a wrong, revoked or expired one.",
    "403": "The role or key scopes do not allow this.",
    "404": "No such resource in this tenant (another tenant's objects are 404 too).",
    "429": "Rate limited; see the `Retry-After` header.",
}
_WRITE_ERRORS = {
    "409": "The resource's state does not allow this, or the Idempotency-Key is in use.",
    "413": "The body is too large.",
    "422": "The Idempotency-Key was used with another body.",
}


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 255},
    location=OpenApiParameter.HEADER,
    required=False,
    description="Up to 255 characters. A replay within 24 hours answers the first response "
    "(header `Idempotent-Replayed: true`; secrets shown once come back as null); the same key "
    "with another body is 422, one still running 409.",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before the next request.",
)


def _is_public(view) -> bool:
    return any(permission is AllowAny for permission in getattr(view, "permission_classes", []))


class AutoSchema(SpectacularAutoSchema):
    """Adds the problem+json error responses every endpoint can give, the `Idempotency-Key`
    header of authenticated POSTs and the `Retry-After` header of 429s."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST" and not _is_public(self.view):
            parameters.append(IDEMPOTENCY_KEY)
        parameters.append(RETRY_AFTER)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(_ERRORS)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(_WRITE_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ProblemSerializer, description=description),
                    code,
                    media_types=[PROBLEM_CONTENT_TYPE],
                    direction=direction,
                )
        return responses


class BearerAuthenticationScheme(OpenApiAuthenticationExtension):
    """Either bearer credential (alternatives, not both at once); views only people may use
    (`allow_api_keys = False`) list the personal token alone."""

    target_class = "accounts.authentication.BearerAuthentication"
    name = ["ApiKeyAuth", "PersonalTokenAuth"]

    def get_security_requirement(self, auto_schema):
        if getattr(auto_schema.view, "allow_api_keys", True):
            return [{"ApiKeyAuth": []}, {"PersonalTokenAuth": []}]
        return [{"PersonalTokenAuth": []}]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "fw_live_...",
                "description": "A tenant API key for partner integrations, limited by scopes.",
            },
            {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "fw_pat_...",
                "description": "A user's personal token for third-party frontends.",
            },
        ]

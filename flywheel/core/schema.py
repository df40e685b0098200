"""OpenAPI generation: problem+json errors on every operation and the bearer schemes."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

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


class AutoSchema(SpectacularAutoSchema):
    """Adds the problem+json error responses every endpoint can give."""

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
    target_class = "accounts.authentication.BearerAuthentication"
    name = ["ApiKeyAuth", "PersonalTokenAuth"]

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

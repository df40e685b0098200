"""What accounts' tables hold: members' own data (not a customer's), and configuration."""

from flywheel.core.personal_data import fields

fields("accounts.User", member=("email", "name"), none=("password",))
fields(
    "accounts.Tenant",
    none=(
        "name",
        "slug",
        "currency",
        "timezone",
        "language",
        "brand_color",
        "logo_url",
        "frontend_base_url",
    ),
)
fields("accounts.Membership", none=("role",))
fields("accounts.ApiKey", none=("name", "prefix", "key_hash", "scopes"))
fields("accounts.PersonalToken", none=("name", "prefix", "key_hash", "scopes"))

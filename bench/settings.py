"""Settings of benchmark servers: the project's settings plus the raw baseline views."""

from flywheel.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.raw_urls"
DEBUG = False
# The baseline takes the same fast path as /r/, so the two differ only in the view.
FAST_PATHS = [
    *FAST_PATHS,  # noqa: F405
    (rf"^/raw/{REFERRAL_CODE_PATTERN}$", "bench.raw_urls.raw_redirect"),  # noqa: F405
]

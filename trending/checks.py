"""trending's check for `manage.py doctor` (registered by TrendingConfig.ready()): trending
alerts can go out. With TRENDING_WEBHOOK_URL set, alerts are sent only signed, so a missing or
unusable TRENDING_WEBHOOK_SECRET holds every alert back: the doctor fails and says how many."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from carnivore.db_context import SERVICE, run_as
from carnivore.doctor import CheckResult, doctor_check
from trending.alerts import webhook_secret_problem
from trending.models import TrendingAlert

TRENDING_ALERTS = "trending alerts"


@doctor_check(TRENDING_ALERTS, order=85)
def check_trending_alerts() -> CheckResult:
    """Check that alerts can be delivered signed when a webhook is configured."""
    url = settings.TRENDING_WEBHOOK_URL
    if not url:
        return CheckResult(
            TRENDING_ALERTS, True, "no TRENDING_WEBHOOK_URL: alerts stay in the outbox"
        )
    problem = webhook_secret_problem(settings.TRENDING_WEBHOOK_SECRET)
    if problem is None:
        return CheckResult(TRENDING_ALERTS, True, f"signed deliveries to {urlsplit(url).netloc}")
    with run_as(SERVICE):
        held = TrendingAlert.objects.filter(delivered_at=None, failed_at=None).count()
    return CheckResult(
        TRENDING_ALERTS,
        False,
        f"{problem}; {held} alerts held unsent (alerts are only sent signed): set"
        " TRENDING_WEBHOOK_SECRET to whsec_ + base64 of 24-64 random bytes",
    )

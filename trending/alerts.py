"""Trending alerts: an outbox written with the change, delivered to a webhook by a job.

`alerts_raise` adds rows to `trending_alerts` in the caller's transaction (the import's), so an
alert exists exactly when its change committed. `alerts_deliver` (a django-q2 job, every
minute, and right after each import) POSTs due alerts to TRENDING_WEBHOOK_URL as JSON
`{event, topic_name, engagement_score, mention_count, creators, timestamp}`, signed as the
Standard Webhooks specification says (https://www.standardwebhooks.com/): headers `webhook-id`
(the alert's, the same on every retry, so a receiver can drop duplicates), `webhook-timestamp`
(the attempt's, in seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of
"<id>.<timestamp>.<body>">`, keyed by TRENDING_WEBHOOK_SECRET. Any Standard Webhooks library
verifies a delivery (`standardwebhooks.Webhook(secret).verify(body, headers)` in Python) and
refuses one replayed more than five minutes later.

The secret is in the specification's form, `whsec_` and the base64 of 24 to 64 random bytes,
which is what receivers' libraries expect; anything else (a bare password) is refused rather
than guessed at. Without a usable secret nothing is sent: alerts are never sent unsigned. They
wait in the outbox, the reason in their `last_error`, and go out once the secret is set.

A failure (timeout, refused, non-2xx) is retried with exponential backoff (1, 2, 4 ... minutes,
at most an hour apart) and recorded; after 10 attempts the alert is marked failed. The import
never waits for a webhook.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from carnivore.db_context import SERVICE, run_as
from trending.models import AlertEvent, TrendingAlert, TrendingTopic

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
TIMEOUT_SECONDS = 5
BATCH = 50
SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_MIN_BYTES = 24  # the specification's lower bound (192 bits)
SCORE_JUMP = Decimal("0.20")  # "jumps by more than 20%"


def alert_payload(event: AlertEvent, topic: TrendingTopic) -> dict:
    """The JSON an alert carries (SPEC section 5)."""
    return {
        "event": event.value,
        "topic_name": topic.topic_name,
        "topic_slug": topic.topic_slug,
        "engagement_score": float(topic.engagement_score),
        "mention_count": topic.mention_count,
        "creators": list(topic.creators_array),
        "timestamp": timezone.now().isoformat(),
    }


def is_score_jump(old: Decimal, new: Decimal) -> bool:
    """True when a topic's score rose by more than 20% (from a non-zero score)."""
    return old > 0 and (new - old) / old > SCORE_JUMP


def alerts_raise(*, new_topics: list[TrendingTopic], score_jumps: list[TrendingTopic]) -> int:
    """Queue alerts in the current transaction; queue a delivery for after the commit."""
    alerts = [
        TrendingAlert(
            event=AlertEvent.NEW_TOPIC, topic=t, payload=alert_payload(AlertEvent.NEW_TOPIC, t)
        )
        for t in new_topics
    ]
    alerts += [
        TrendingAlert(
            event=AlertEvent.SCORE_JUMP, topic=t, payload=alert_payload(AlertEvent.SCORE_JUMP, t)
        )
        for t in score_jumps
    ]
    if alerts:
        TrendingAlert.objects.bulk_create(alerts)
        transaction.on_commit(_deliver_soon)
    return len(alerts)


def _deliver_soon() -> None:
    """Ask the job queue to deliver now rather than at the next minute."""
    from django_q.tasks import async_task

    try:
        async_task("trending.tasks.deliver_trending_alerts")
    except Exception:  # the queue being down must not fail a committed import
        logger.exception("could not queue the delivery of trending alerts")


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    retried: int
    failed: int
    withheld: int = 0  # due, but not sent: no usable TRENDING_WEBHOOK_SECRET to sign them


def webhook_secret_problem(secret: str) -> str | None:
    """Return why `secret` cannot sign alerts (TRENDING_WEBHOOK_SECRET), or None if it can."""
    if not secret:
        return "TRENDING_WEBHOOK_SECRET is not set"
    if not secret.startswith(SECRET_PREFIX):
        return "TRENDING_WEBHOOK_SECRET is not a Standard Webhooks secret (whsec_<base64>)"
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        return "TRENDING_WEBHOOK_SECRET is not valid base64 after whsec_"
    if len(key) < SECRET_MIN_BYTES:
        return f"TRENDING_WEBHOOK_SECRET is shorter than {SECRET_MIN_BYTES} bytes"
    return None


def webhook_id(alert: TrendingAlert) -> str:
    """The alert's `webhook-id`: the same on every retry, never reused by another alert (the
    creation time tells apart alerts of a rebuilt database that reuse an id)."""
    return f"trending-alert-{alert.pk}-{alert.created_at:%Y%m%d%H%M%S%f}"


def signed_headers(webhook: Webhook, alert: TrendingAlert, body: str) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt to deliver `alert` with `body`."""
    message_id, now = webhook_id(alert), timezone.now()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": webhook.sign(message_id, now, body),
    }


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


# How long a delivery run owns the alerts it claimed: longer than it can take to post them all.
# Alerts of a run that died are due again after it.
LEASE = timedelta(seconds=BATCH * TIMEOUT_SECONDS + 60)


def alerts_deliver(*, url: str | None = None, secret: str | None = None) -> DeliveryReport:
    """POST the alerts that are due, signed; record each outcome. Does nothing without a
    webhook URL, and sends nothing without a usable secret (see `alerts_withhold`).

    Due alerts are claimed in a short transaction of their own (FOR UPDATE SKIP LOCKED, then
    leased by moving next_attempt_at past LEASE), so two delivery jobs never send one alert
    twice and no transaction stays open while a webhook is called. Each outcome is saved in a
    transaction of its own.
    """
    url = settings.TRENDING_WEBHOOK_URL if url is None else url
    secret = settings.TRENDING_WEBHOOK_SECRET if secret is None else secret
    if not url:
        return DeliveryReport(0, 0, 0)
    problem = webhook_secret_problem(secret)
    if problem is not None:
        return DeliveryReport(0, 0, 0, withheld=alerts_withhold(reason=problem))
    webhook = Webhook(secret)
    delivered = retried = failed = 0
    for alert in _claim_due_alerts():
        status, error = _post(url, webhook, alert)
        alert.attempts += 1
        alert.last_status, alert.last_error = status, error
        now = timezone.now()
        if error == "":
            alert.delivered_at = now
            delivered += 1
        elif alert.attempts >= MAX_ATTEMPTS:
            alert.failed_at = now
            failed += 1
        else:
            alert.next_attempt_at = now + backoff(alert.attempts)
            retried += 1
        with run_as(SERVICE):
            alert.save(
                update_fields=[
                    "attempts",
                    "last_status",
                    "last_error",
                    "delivered_at",
                    "failed_at",
                    "next_attempt_at",
                ]
            )
    return DeliveryReport(delivered, retried, failed)


def alerts_withhold(*, reason: str) -> int:
    """Keep the due alerts in the outbox unsent, `reason` in their last_error (written once,
    not every minute); return how many wait. Attempts and schedule are left as they were."""
    message = f"not sent: {reason}; alerts are only sent signed"
    with run_as(SERVICE):
        due = TrendingAlert.objects.filter(
            delivered_at=None, failed_at=None, next_attempt_at__lte=timezone.now()
        )  # trending_alerts_due
        due.exclude(last_error=message).update(last_error=message)
        return due.count()


def _claim_due_alerts() -> list[TrendingAlert]:
    """Claim up to BATCH due alerts for this run (see LEASE), in a transaction of its own."""
    with run_as(SERVICE):
        now = timezone.now()
        due = list(
            TrendingAlert.objects.select_for_update(skip_locked=True)
            .filter(delivered_at=None, failed_at=None, next_attempt_at__lte=now)
            .order_by("next_attempt_at")[:BATCH]
        )
        TrendingAlert.objects.filter(pk__in=[alert.pk for alert in due]).update(
            next_attempt_at=now + LEASE
        )
    return due


def _post(url: str, webhook: Webhook, alert: TrendingAlert) -> tuple[int | None, str]:
    """POST one alert, signed; return (HTTP status or None, error text or "" on success)."""
    body = json.dumps(alert.payload, separators=(",", ":"))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "carnivore-weekly-alerts/1",
        **signed_headers(webhook, alert, body),
    }
    request = urllib.request.Request(  # noqa: S310
        url, data=body.encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:  # refused, unreachable, timed out, bad URL
        return None, f"{exc.__class__.__name__}: {exc}"[:500]

"""Trending alerts against a real local HTTP server: deliveries signed per Standard Webhooks and
verified with the `standardwebhooks` package, replays refused, nothing sent unsigned, retries,
backoff, give-up."""

from __future__ import annotations

import base64
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest
import standardwebhooks
import standardwebhooks.webhooks
from django.db import connection, transaction
from django.utils import timezone

from tests import factories as f
from tests.conftest import server_conninfo
from trending import alerts
from trending.alerts import alerts_deliver, alerts_raise, is_score_jump
from trending.models import TrendingAlert

SECRET = "whsec_" + base64.b64encode(b"a 32-byte key for the test hook!").decode()


class Webhook:
    """A local HTTP server that answers with `status` (after `delay` seconds) and keeps what it got."""

    def __init__(self):
        self.status, self.delay, self.received = 200, 0.0, []
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                webhook.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                time.sleep(webhook.delay)
                self.send_response(webhook.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook(settings):
    hook = Webhook()
    settings.TRENDING_WEBHOOK_URL, settings.TRENDING_WEBHOOK_SECRET = hook.url, SECRET
    yield hook
    hook.close()


@pytest.fixture
def alert(db):
    topic = f.make_topic(
        topic_name="Budget Carnivore",
        engagement_score=88,
        mention_count=3,
        creators_array=["Steak and Butter Gal"],
    )
    alerts_raise(new_topics=[topic], score_jumps=[])
    return TrendingAlert.objects.get()


def test_an_alert_is_delivered_signed_per_standard_webhooks(webhook, alert):
    """The delivery verifies with the standardwebhooks package under the secret, and carries
    the alert's payload."""
    assert alerts_deliver().__dict__ == {"delivered": 1, "retried": 0, "failed": 0, "withheld": 0}
    ((headers, body),) = webhook.received

    payload = standardwebhooks.Webhook(SECRET).verify(body, headers)

    assert {
        k: payload[k]
        for k in ("event", "topic_name", "engagement_score", "mention_count", "creators")
    } == {
        "event": "new_topic",
        "topic_name": "Budget Carnivore",
        "engagement_score": 88.0,
        "mention_count": 3,
        "creators": ["Steak and Butter Gal"],
    }
    assert payload["timestamp"]
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    assert headers["webhook-signature"].startswith("v1,")
    alert.refresh_from_db()
    assert (alert.delivered_at is not None, alert.attempts, alert.last_status) == (True, 1, 200)
    assert alerts_deliver().delivered == 0  # delivered once only


def test_a_replayed_delivery_is_refused_by_a_receiver(webhook, alert, monkeypatch):
    """A delivery captured and sent again ten minutes later fails verification (its timestamp
    is too old), and bringing the timestamp up to date breaks the signature."""
    alerts_deliver()
    ((headers, body),) = webhook.received
    receiver = standardwebhooks.Webhook(SECRET)

    class TenMinutesLater(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(minutes=10)

    monkeypatch.setattr(standardwebhooks.webhooks, "datetime", TenMinutesLater)
    with pytest.raises(standardwebhooks.WebhookVerificationError, match="too old"):
        receiver.verify(body, headers)
    refreshed = {**headers, "webhook-timestamp": str(int(time.time()) + 600)}
    with pytest.raises(standardwebhooks.WebhookVerificationError, match="No matching signature"):
        receiver.verify(body, refreshed)


def test_a_retry_keeps_the_webhook_id_and_signs_anew(webhook, alert):
    """Every attempt at one alert carries the same webhook-id (receivers drop duplicates by
    it), each with its own valid signature; another alert has another id."""
    webhook.status = 500
    alerts_deliver()
    TrendingAlert.objects.filter(pk=alert.pk).update(next_attempt_at=timezone.now())
    webhook.status = 200
    alerts_deliver()
    alerts_raise(new_topics=[f.make_topic()], score_jumps=[])
    alerts_deliver()

    (first, _), (retry, body), (other, _) = webhook.received
    assert first["webhook-id"] == retry["webhook-id"] != other["webhook-id"]
    standardwebhooks.Webhook(SECRET).verify(body, retry)


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("", "TRENDING_WEBHOOK_SECRET is not set"),
        ("webhook-secret", "TRENDING_WEBHOOK_SECRET is not a Standard Webhooks secret"),
        ("whsec_not base64!", "TRENDING_WEBHOOK_SECRET is not valid base64 after whsec_"),
        ("whsec_" + base64.b64encode(b"16 bytes only...").decode(), "shorter than 24 bytes"),
    ],
)
def test_without_a_usable_secret_nothing_is_sent_unsigned(webhook, alert, settings, secret, reason):
    """No secret, or one not in the whsec_ form: the alert stays in the outbox, unsent and not
    counted as an attempt, with the reason recorded; it goes out once the secret is set."""
    settings.TRENDING_WEBHOOK_SECRET = secret

    assert alerts_deliver().__dict__ == {"delivered": 0, "retried": 0, "failed": 0, "withheld": 1}

    assert webhook.received == []
    alert.refresh_from_db()
    assert (alert.attempts, alert.delivered_at, alert.failed_at) == (0, None, None)
    assert reason in alert.last_error
    assert alert.last_error.endswith("alerts are only sent signed")
    settings.TRENDING_WEBHOOK_SECRET = SECRET
    assert alerts_deliver().delivered == 1
    standardwebhooks.Webhook(SECRET).verify(webhook.received[0][1], webhook.received[0][0])


def test_a_failing_webhook_is_retried_with_backoff_then_given_up(webhook, alert, monkeypatch):
    """A failing webhook is retried after a backoff and given up after MAX_ATTEMPTS attempts."""
    webhook.status = 500
    assert alerts_deliver().retried == 1
    alert.refresh_from_db()
    assert (alert.delivered_at, alert.attempts, alert.last_status, alert.last_error) == (
        None,
        1,
        500,
        "HTTP 500",
    )
    assert alert.next_attempt_at > timezone.now()
    assert alerts_deliver().__dict__ == {  # not due yet
        "delivered": 0,
        "retried": 0,
        "failed": 0,
        "withheld": 0,
    }

    TrendingAlert.objects.filter(pk=alert.pk).update(
        next_attempt_at=timezone.now(), attempts=alerts.MAX_ATTEMPTS - 1
    )
    assert alerts_deliver().failed == 1
    alert.refresh_from_db()
    assert alert.failed_at is not None and alert.delivered_at is None

    webhook.status = 200
    TrendingAlert.objects.filter(pk=alert.pk).update(failed_at=None, next_attempt_at=timezone.now())
    assert alerts_deliver().delivered == 1


def test_an_alert_claimed_by_a_run_is_not_sent_by_another_until_its_lease_ends(webhook, alert):
    """An alert claimed by one run is not sent by another until the claim's lease has ended."""
    (claimed,) = alerts._claim_due_alerts()  # a run that claimed it and has not posted yet
    assert claimed.pk == alert.pk
    assert alerts_deliver().__dict__ == {"delivered": 0, "retried": 0, "failed": 0, "withheld": 0}
    assert webhook.received == []
    alert.refresh_from_db()
    assert alert.next_attempt_at > timezone.now() + alerts.LEASE - timedelta(minutes=1)

    TrendingAlert.objects.filter(pk=alert.pk).update(next_attempt_at=timezone.now())  # it died
    assert alerts_deliver().delivered == 1
    assert len(webhook.received) == 1


@pytest.mark.django_db(transaction=True)
def test_no_transaction_holds_the_alert_while_the_webhook_is_called(settings):
    """The webhook is called outside any transaction: another connection can lock the alert."""
    topic = f.make_topic()
    with transaction.atomic():
        alerts_raise(new_topics=[topic], score_jumps=[])
    locked_during_post = []

    class Probe(Webhook):
        def __init__(self):
            super().__init__()
            handler = self.server.RequestHandlerClass
            original = handler.do_POST

            def do_post(handler_self):
                conninfo = server_conninfo(
                    connection.settings_dict, connection.settings_dict["NAME"]
                )
                with psycopg.connect(conninfo) as other:
                    try:
                        other.execute("SELECT 1 FROM trending_alerts FOR UPDATE NOWAIT")
                        locked_during_post.append(False)
                    except psycopg.errors.LockNotAvailable:
                        locked_during_post.append(True)
                original(handler_self)

            handler.do_POST = do_post

    hook = Probe()
    settings.TRENDING_WEBHOOK_URL, settings.TRENDING_WEBHOOK_SECRET = hook.url, SECRET
    try:
        assert alerts_deliver().delivered == 1
    finally:
        hook.close()
    assert locked_during_post == [False]


def test_a_hanging_webhook_times_out_quickly_and_is_retried(webhook, alert, monkeypatch):
    """A webhook that does not answer times out after TIMEOUT_SECONDS and the alert is retried."""
    monkeypatch.setattr(alerts, "TIMEOUT_SECONDS", 0.5)
    webhook.delay = 3
    started = time.monotonic()
    assert alerts_deliver().retried == 1
    assert time.monotonic() - started < 2.5
    alert.refresh_from_db()
    assert "timed out" in alert.last_error.lower() or "timeout" in alert.last_error.lower()


def test_an_unreachable_webhook_never_fails_the_transaction_that_raised_the_alert(settings, db):
    """Raising alerts with an unreachable webhook commits; delivery only schedules retries."""
    settings.TRENDING_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens-here"
    settings.TRENDING_WEBHOOK_SECRET = SECRET
    topic = f.make_topic()
    with transaction.atomic():
        alerts_raise(new_topics=[topic], score_jumps=[topic])
    assert TrendingAlert.objects.count() == 2
    assert alerts_deliver().retried == 2


def test_without_a_webhook_nothing_is_sent(settings, alert):
    """Without TRENDING_WEBHOOK_URL, delivery sends and changes nothing."""
    settings.TRENDING_WEBHOOK_URL = ""
    assert alerts_deliver().__dict__ == {"delivered": 0, "retried": 0, "failed": 0, "withheld": 0}


@pytest.mark.parametrize(
    ("old", "new", "jump"), [(50, 61, True), (50, 60, False), (0, 90, False), (80, 70, False)]
)
def test_score_jump_means_more_than_twenty_percent(old, new, jump):
    """A score jump is a rise of more than 20% from a non-zero score."""
    from decimal import Decimal

    assert is_score_jump(Decimal(old), Decimal(new)) is jump


@pytest.mark.django_db(transaction=True)
def test_the_import_succeeds_and_queues_alerts_whatever_the_webhook_does(
    settings, tmp_path, webhook
):
    """A hanging webhook neither blocks nor fails the import: the alert waits in the outbox."""
    from trending.weekly_import.run import SAMPLE_WEEK, weekly_import

    webhook.delay = 30  # would hang the import if it were called in it
    started = time.monotonic()
    summary = weekly_import(analyzed=[SAMPLE_WEEK / "analyzed_content.json"])
    assert time.monotonic() - started < alerts.TIMEOUT_SECONDS
    assert webhook.received == []  # not called by the import
    assert summary.new_topics
    alerts_waiting = TrendingAlert.objects.filter(delivered_at=None, attempts=0)
    assert alerts_waiting.count() == len(summary.new_topics)
    assert {a.payload["topic_name"] for a in alerts_waiting} == {
        t.topic_name for t in summary.new_topics
    }

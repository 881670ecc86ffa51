"""`manage.py engagement_rollup_worker`: count new engagement events into the figures, every
second or so, until stopped (SIGTERM or Ctrl-C). `manage.py up` starts one; a deployment runs one
beside the web processes (README, "Deploying"). Two at once are safe, only wasteful."""

from __future__ import annotations

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, transaction

from engagement.services import engagement_rollup_drain

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Keep the engagement figures within seconds of the events (the incremental rollup)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Drain once and exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.ENGAGEMENT_ROLLUP_INTERVAL,
            help="Seconds between runs (default: ENGAGEMENT_ROLLUP_INTERVAL).",
        )

    def handle(self, *args, once: bool, interval: float, **options):
        if once:
            with transaction.atomic():
                counted = engagement_rollup_drain()
            self.stdout.write(f"Counted {counted} events.")
            return
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            started = time.monotonic()
            try:
                with transaction.atomic():
                    engagement_rollup_drain()
            except DatabaseError:
                # The database is away or the run lost a lock race: nothing was counted, the
                # next run takes the same events.
                logger.exception("engagement rollup failed; retrying")
                close_old_connections()
            time.sleep(max(0.0, interval - (time.monotonic() - started)))

"""The scheduler process: APScheduler drives a short polling interval over the outbox.

The outbox table is the source of truth, not APScheduler's job store (which cannot be shared
between processes), so several scheduler processes may run side by side.
"""

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine

from bot.messenger import Messenger
from bot.sender import Tally, deliver_due

log = logging.getLogger(__name__)


def tick(engine: Engine, messenger: Messenger, now: datetime | None = None) -> Tally:
    """One pass as of `now`: send every message that is due."""
    tally = deliver_due(engine, messenger, now or datetime.now(UTC))
    if tally.sent or tally.failed or tally.retried or tally.suppressed:
        log.info("outbox: %s", tally)
    return tally


def run(engine: Engine, messenger: Messenger, interval_seconds: float = 1.0) -> None:
    scheduler = BlockingScheduler(timezone="Asia/Jakarta")
    scheduler.add_job(
        tick,
        "interval",
        seconds=interval_seconds,
        args=[engine, messenger],
        max_instances=1,
        coalesce=True,
        id="outbox",
    )
    log.info("scheduler started: outbox every %ss", interval_seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")

"""The scheduler process: APScheduler drives a short polling interval over the outbox.

The outbox table is the source of truth, not APScheduler's job store (which cannot be shared
between processes), so several scheduler processes may run side by side. Each pass makes the
day's schedules and digests when they are due (once per recipient and day, whoever makes
them), then sends what is due.
"""

import logging
import signal
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine

from bot.config import Settings
from bot.outbound.daily import make_daily
from bot.outbound.messenger import Messenger
from bot.outbound.sender import SendPolicy, Tally, deliver_due, let_go
from storage.db import transaction

log = logging.getLogger(__name__)


def tick(
    engine: Engine,
    messenger: Messenger,
    now: datetime | None = None,
    settings: Settings | None = None,
    policy: SendPolicy | None = None,
    chores: Sequence[Callable[[], object]] = (),
) -> Tally:
    """One pass as of `now`: the `chores` first (the spool's replay), the daily messages when
    due, then every message that is due."""
    now = now or datetime.now(UTC)
    settings = settings or Settings()
    for chore in chores:
        chore()
    with transaction(engine) as session:
        made = make_daily(session, now, settings)
    if made:
        log.info("daily messages queued: %s", made)
    tally = deliver_due(engine, messenger, now, policy=policy)
    if tally.sent or tally.failed or tally.retried or tally.suppressed or tally.held:
        log.info("outbox: %s", tally)
    return tally


def run(
    engine: Engine,
    messenger: Messenger,
    settings: Settings,
    policy: SendPolicy,
    interval_seconds: float = 1.0,
    chores: Sequence[Callable[[], object]] = (),
) -> None:
    scheduler = BlockingScheduler(timezone="Asia/Jakarta")
    scheduler.add_job(
        tick,
        "interval",
        seconds=interval_seconds,
        kwargs={"engine": engine, "messenger": messenger, "settings": settings, "policy": policy,
                "chores": chores},  # fmt: skip
        max_instances=1,
        coalesce=True,
        id="outbox",
    )

    def stop(signum: int, _frame) -> None:
        # Finish the message in flight, give the rest of the batch back at once, then exit.
        if not policy.stop.is_set():  # a second signal while stopping changes nothing
            policy.stop.set()
            raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    log.info("scheduler started: outbox every %ss", interval_seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        policy.stop.set()
        if scheduler.running:
            scheduler.shutdown(wait=True)  # the pass in progress releases what it has not sent
        let_go(engine, policy)  # another process may send from the number at once
        log.info("scheduler stopped")

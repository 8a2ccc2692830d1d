"""The retention setting (RETENTION_DAYS, 365 by default): once a day the scheduler empties
the raw payloads and texts of messages older than that (storage.privacy.purge_before)."""

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from flows.dates import WIB
from storage.db import transaction
from storage.privacy import purge_before

log = logging.getLogger(__name__)


class Retention:
    """A scheduler chore: the first pass of each day (WIB) purges; the others do nothing.
    After its first purge a process only purges the day that has newly passed the limit."""

    def __init__(self, engine: Engine, days: int,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:  # fmt: skip
        self.engine, self.days, self.clock = engine, days, clock
        self.done_on: date | None = None
        self.covered: datetime | None = None

    def __call__(self) -> dict[str, int] | None:
        now = self.clock()
        today = now.astimezone(WIB).date()
        if self.days <= 0 or self.done_on == today:
            return None
        cutoff = now - timedelta(days=self.days)
        with transaction(self.engine) as session:
            counts = purge_before(session, cutoff, self.covered)
        self.done_on, self.covered = today, cutoff
        if any(counts.values()):
            log.info("retention: emptied %s", counts)
        return counts

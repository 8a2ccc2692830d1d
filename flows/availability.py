"""Which session starts still have an expert free for a topic.

A start is offerable for a topic when the experts free at that time (active, not off that day,
no confirmed session overlapping) can take every request already holding that time *and* the
new one, each by an expert who handles its topic. That is a small bipartite matching, solved
with augmenting paths (Kuhn's algorithm): a handful of experts and requests per slot.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import NamedTuple

from flows.dates import WIB


class Hold(NamedTuple):
    """A session or a request occupying time: confirmed with its expert, or waiting without.
    A tuple: one is built for every hold of the days read, and a frozen dataclass takes
    four times as long to build."""

    code: str
    start: datetime
    topic: str
    expert_id: int | None = None


@dataclass(frozen=True)
class Pool:
    experts: Mapping[int, frozenset[str]]  # active experts -> the topics they handle
    days_off: Mapping[date, frozenset[int]] = field(default_factory=dict)
    holds: Sequence[Hold] = ()
    session_minutes: int = 60

    def is_free(self, start: datetime, topic: str, exclude: str | None = None) -> bool:
        """True when a request for `topic` at `start` can still be given an expert."""
        free, waiting = self._at(start, exclude)
        return _everyone_matched([*waiting, topic], free)

    def can_take(self, expert: int, start: datetime, topic: str, exclude: str | None) -> bool:
        """True when `expert` can take this request and the others waiting then still fit."""
        free, waiting = self._at(start, exclude)
        if topic not in free.get(expert, ()):
            return False
        others = {other: topics for other, topics in free.items() if other != expert}
        return _everyone_matched(waiting, others)

    def is_busy(self, expert: int, start: datetime, exclude: str | None = None) -> bool:
        """Off that day, or already holding a confirmed session that overlaps `start`."""
        busy, off, _overlapping = self._holding(start, exclude)
        return expert in busy or expert in off

    def _at(
        self, start: datetime, exclude: str | None
    ) -> tuple[dict[int, frozenset[str]], list[str]]:
        """The experts free at `start`, and the topics of requests waiting for that time."""
        busy, off, overlapping = self._holding(start, exclude)
        free = {
            expert: topics
            for expert, topics in self.experts.items()
            if expert not in busy and expert not in off
        }
        return free, [hold.topic for hold in overlapping if hold.expert_id is None]

    def _holding(
        self, start: datetime, exclude: str | None
    ) -> tuple[set[int], frozenset[int], list[Hold]]:
        length = timedelta(minutes=self.session_minutes)
        day = start.astimezone(WIB).date()
        starts, holds = self._holds_by_day.get(day, ((), ()))
        # Overlapping `start`: starting less than a session before it or after it.
        near = holds[bisect_right(starts, start - length) : bisect_left(starts, start + length)]
        overlapping = [hold for hold in near if hold.code != exclude]
        busy = {hold.expert_id for hold in overlapping if hold.expert_id is not None}
        return busy, self.days_off.get(day, frozenset()), overlapping

    @cached_property
    def _holds_by_day(self) -> dict[date, tuple[list[datetime], list[Hold]]]:
        """Each day's holds in order of their start, with those starts (to bisect)."""
        by_day: dict[date, list[Hold]] = defaultdict(list)
        for hold in sorted(self.holds, key=lambda hold: hold.start):
            by_day[hold.start.astimezone(WIB).date()].append(hold)
        return {day: ([hold.start for hold in holds], holds) for day, holds in by_day.items()}


def _everyone_matched(requests: list[str], experts: Mapping[int, frozenset[str]]) -> bool:
    if len(requests) > len(experts):
        return False
    taken_by: dict[int, int] = {}  # expert -> request index

    def place(request: int, seen: set[int]) -> bool:
        for expert, topics in experts.items():
            if requests[request] not in topics or expert in seen:
                continue
            seen.add(expert)
            if expert not in taken_by or place(taken_by[expert], seen):
                taken_by[expert] = request
                return True
        return False

    return all(place(request, set()) for request in range(len(requests)))

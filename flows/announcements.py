"""Who an announcement goes to: the groups an administrator chooses from (pure)."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flows.kecamatan import KECAMATAN

ANNOUNCEMENT_LENGTH = (10, 1500)  # one WhatsApp message, with the heading


class Audience(StrEnum):
    ALL = "all"  # every cooperative that booked
    KECAMATAN = "kecamatan"  # the cooperatives of one kecamatan
    OPEN_CASE = "open_case"  # those with a case still open
    PERIOD = "period"  # those who made a request between two days


@dataclass(frozen=True)
class Group:
    audience: Audience
    kecamatan: str = ""
    since: date | None = None
    until: date | None = None  # inclusive

    @property
    def value(self) -> str:
        """How the group is stored beside its audience."""
        if self.audience == Audience.KECAMATAN:
            return self.kecamatan
        if self.audience == Audience.PERIOD and self.since and self.until:
            return f"{self.since.isoformat()}..{self.until.isoformat()}"
        return ""


def read_group(audience: str, kecamatan: str = "", since: date | None = None,
               until: date | None = None) -> Group | str:  # fmt: skip
    """The group a form chose, or why it cannot be used (a key of [page.announcements])."""
    try:
        chosen = Audience(audience)
    except ValueError:
        return "no_group"
    if chosen == Audience.KECAMATAN and kecamatan not in KECAMATAN:
        return "no_kecamatan"
    if chosen == Audience.PERIOD and (since is None or until is None or since > until):
        return "no_period"
    return Group(chosen, kecamatan if chosen == Audience.KECAMATAN else "",
                 since if chosen == Audience.PERIOD else None,
                 until if chosen == Audience.PERIOD else None)  # fmt: skip

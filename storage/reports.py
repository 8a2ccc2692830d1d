"""The department's year, added up by the database: services against the target, by month,
four-month period, channel, topic, kecamatan, type of cooperative, problem area and expert;
new and returning cooperatives; the funnel; the medians; satisfaction and the SKM index.

A service is a session that took place (status done): an E-Klinik session held, a walk-in
whose expert recorded it, a past service imported as held. Every figure is one aggregate
query (GROUP BY, COUNT DISTINCT, SUM of CASE), so the cost grows with the number of groups,
never with a loop over the year's rows in Python.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, exists, func, or_
from sqlmodel import Session, col, select

from flows.choices import COOP_KINDS, PROBLEM_AREAS, TOPICS
from flows.dates import WIB
from flows.lifecycle import Channel, Event, Status
from flows.report import PERIODS, SEMESTERS, UNRECORDED
from flows.skm import ELEMENTS, Index, index_of_totals
from storage.models import Booking, BookingEvent, Case, Cooperative, Expert, SkmAnswer
from storage.services import target_of

CONFIRMING = (Event.CONFIRM.value, Event.ACCEPT.value, Event.VISIT.value)


@dataclass(frozen=True)
class Year:
    year: int

    @property
    def start(self) -> datetime:
        return datetime(self.year, 1, 1, tzinfo=WIB)

    @property
    def end(self) -> datetime:
        return datetime(self.year + 1, 1, 1, tzinfo=WIB)

    def month_start(self, month: int) -> datetime:
        return datetime(self.year + month // 13, (month - 1) % 12 + 1, 1, tzinfo=WIB)


def _month(year: Year, column) -> ColumnElement:
    """The month (1–12, in WIB) of a timestamp of the year, as the database works it out."""
    return case(*((col(column) < year.month_start(m + 1), m) for m in range(1, 12)), else_=12)


def _in(year: Year, column) -> ColumnElement:
    return and_(col(column) >= year.start, col(column) < year.end)


def _served(year: Year) -> ColumnElement:
    return and_(Booking.status == Status.DONE, _in(year, Booking.requested_start))


def _days(session: Session, earlier, later) -> ColumnElement:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def _median(session: Session, values) -> float | None:
    """The median of a one-column query, by the database: its one or two middle rows."""
    subquery = values.subquery()
    value = subquery.c[0]
    count = session.exec(select(func.count()).select_from(subquery)).one()
    if not count:
        return None
    middle = session.exec(
        select(value).order_by(value).offset((count - 1) // 2).limit(2 - count % 2)
    ).all()
    return round(sum(float(v) for v in middle) / len(middle), 1)


def _counts(session: Session, key, where, joined=None) -> dict[Any, int]:
    query = select(key, func.count()).select_from(Booking)
    if joined is not None:
        query = query.join(*joined)
    return dict(session.exec(query.where(where).group_by(key)).all())


def _by_choice(counts: dict[Any, int], keys) -> dict[str, int]:
    shown = {key: counts.get(key, 0) for key in keys}
    if missing := sum(n for key, n in counts.items() if key not in shown):
        shown[UNRECORDED] = missing
    return shown


def _problem_areas(counts: dict[str, int]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, group in PROBLEM_AREAS.groups.items():
        areas = found.setdefault(group, {"total": 0, "areas": {}})
        areas["areas"][key] = counts.get(key, 0)
        areas["total"] += counts.get(key, 0)
    found[UNRECORDED] = sum(n for key, n in counts.items() if key not in PROBLEM_AREAS.groups)
    return found


def _monthly(session: Session, year: Year, target: int | None) -> list[dict[str, Any]]:
    month = _month(year, Booking.requested_start)
    counts = _counts(session, month, _served(year))
    rows, total = [], 0
    for m in range(1, 13):
        total += counts.get(m, 0)
        line = round(target * m / 12, 1) if target else None
        rows.append({"month": m, "services": counts.get(m, 0), "cumulative": total,
                     "target_line": line})  # fmt: skip
    return rows


def _periods(session: Session, year: Year, spans) -> list[dict[str, Any]]:
    month = _month(year, Booking.requested_start)
    period = case(*((month <= last, name) for name, _first, last in spans[:-1]),
                  else_=spans[-1][0])  # fmt: skip
    query = (
        select(period, func.count(), func.count(distinct(Booking.cooperative_id)))
        .where(_served(year))
        .group_by(period)
    )
    found = {name: (services, cooperatives) for name, services, cooperatives in session.exec(query)}
    return [{"period": name, "months": [first, last], "services": found.get(name, (0, 0))[0],
             "cooperatives": found.get(name, (0, 0))[1]}
            for name, first, last in spans]  # fmt: skip


def _new_and_returning(session: Session, year: Year) -> dict[str, int]:
    """A cooperative is new in the year when its first service ever is in it."""
    first = (
        select(Booking.cooperative_id, func.min(Booking.requested_start).label("first"))
        .where(Booking.status == Status.DONE)
        .group_by(Booking.cooperative_id)
        .subquery()
    )
    served = select(Booking.cooperative_id).where(_served(year)).distinct()
    new, returning = session.exec(
        select(
            func.coalesce(func.sum(case((first.c.first >= year.start, 1), else_=0)), 0),
            func.coalesce(func.sum(case((first.c.first < year.start, 1), else_=0)), 0),
        ).where(first.c.cooperative_id.in_(served))
    ).one()
    return {"new": int(new), "returning": int(returning)}


def _funnel(session: Session, year: Year) -> dict[str, int]:
    confirmed = exists().where(BookingEvent.booking_id == Booking.id,
                               col(BookingEvent.action).in_(CONFIRMING))  # fmt: skip
    reached = or_(col(Booking.status).in_((Status.DONE, Status.NO_SHOW)), confirmed)

    def total(condition) -> ColumnElement:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.exec(
        select(
            func.count(),
            total(reached),
            total(Booking.status == Status.DONE),
            total(Booking.status == Status.NO_SHOW),
            total(col(Booking.prescription).is_not(None)),
            total(col(Booking.solved).is_(True)),
        ).where(_in(year, Booking.requested_start))
    ).one()
    keys = ("requested", "confirmed", "held", "no_show", "prescription", "solved")
    return {key: int(value) for key, value in zip(keys, row, strict=True)}


def _medians(session: Session, year: Year) -> dict[str, float | None]:
    first_confirmed = (
        select(BookingEvent.booking_id, func.min(BookingEvent.at).label("at"))
        .where(col(BookingEvent.action).in_((Event.CONFIRM.value, Event.ACCEPT.value)))
        .group_by(BookingEvent.booking_id)
        .subquery()
    )
    to_confirmation = (
        select(_days(session, Booking.created_at, first_confirmed.c.at))
        .join(first_confirmed, first_confirmed.c.booking_id == Booking.id)
        .where(_in(year, Booking.requested_start))
    )
    solved_cases = select(Booking.case_id).where(col(Booking.solved).is_(True))
    to_solved = select(_days(session, Case.opened_at, Case.closed_at)).where(
        col(Case.id).in_(solved_cases), _in(year, Case.closed_at)
    )
    return {"request_to_confirmation": _median(session, to_confirmation),
            "request_to_solved": _median(session, to_solved)}  # fmt: skip


def _satisfaction(session: Session, year: Year) -> dict[str, Any]:
    average, answers = session.exec(
        select(func.avg(Booking.satisfaction), func.count(Booking.satisfaction)).where(
            _served(year)
        )
    ).one()
    return {"average": round(float(average), 2) if average is not None else None,
            "answers": int(answers)}  # fmt: skip


def skm_index(session: Session, start: datetime, end: datetime) -> Index:
    """The SKM index of the questionnaires answered in [start, end)."""
    columns = [getattr(SkmAnswer, element) for element in ELEMENTS]
    row = session.exec(
        select(
            func.count(),
            *(func.coalesce(func.sum(column), 0) for column in columns),
            *(func.count(column) for column in columns),
        ).where(col(SkmAnswer.answered_at) >= start, col(SkmAnswer.answered_at) < end)
    ).one()
    respondents, sums, counts = row[0], row[1 : 1 + len(ELEMENTS)], row[1 + len(ELEMENTS) :]
    return index_of_totals(int(respondents), dict(zip(ELEMENTS, sums, strict=True)),
                           dict(zip(ELEMENTS, counts, strict=True)))  # fmt: skip


def _ikm(index: Index) -> dict[str, Any]:
    return {
        "respondents": index.respondents,
        "nrr": {key: round(float(value), 3) for key, value in index.nrr.items()},
        "ikm": float(index.ikm) if index.ikm is not None else None,
        "grade": index.grade,
    }


def _experts(session: Session, year: Year) -> list[dict[str, Any]]:
    query = (
        select(Expert.name, func.count())
        .select_from(Booking)
        .join(Expert, col(Booking.expert_id) == Expert.id, isouter=True)
        .where(_served(year))
        .group_by(Expert.name)
        .order_by(func.count().desc(), Expert.name)
    )
    rows = session.exec(query)
    return [{"expert": name or UNRECORDED, "services": count} for name, count in rows]


def year_report(session: Session, year_number: int) -> dict[str, Any]:
    """Everything the Laporan page, the exports and `eklinik report` show for the year."""
    year = Year(year_number)
    served = _served(year)
    target = target_of(session, year_number)
    services, cooperatives = session.exec(
        select(func.count(), func.count(distinct(Booking.cooperative_id))).where(served)
    ).one()
    with_cooperative = (Cooperative, col(Booking.cooperative_id) == Cooperative.id)
    kecamatan = _counts(session, Cooperative.kecamatan, served, with_cooperative)
    semesters = [
        {"semester": name, **_ikm(skm_index(session, year.month_start(first),
                                            year.month_start(last + 1)))}
        for name, first, last in SEMESTERS
    ]  # fmt: skip
    return {
        "year": year_number,
        "target": target,
        "services": services,
        "cooperatives": cooperatives,
        "realisation_percent": round(100 * services / target, 1) if target else None,
        "monthly": _monthly(session, year, target),
        "by_period": _periods(session, year, PERIODS),
        "by_channel": _by_choice(_counts(session, Booking.channel, served), list(Channel)),
        "by_topic": _by_choice(_counts(session, Booking.topic_key, served), list(TOPICS.words)),
        "by_kecamatan": dict(sorted(kecamatan.items(), key=lambda item: (-item[1], item[0]))),
        "by_type": _by_choice(_counts(session, Cooperative.kind, served, with_cooperative),
                              list(COOP_KINDS.words)),  # fmt: skip
        "by_problem_area": _problem_areas(_counts(session, Booking.problem_area, served)),
        "cooperatives_new_returning": _new_and_returning(session, year),
        "funnel": _funnel(session, year),
        "median_days": _medians(session, year),
        "satisfaction": _satisfaction(session, year),
        "ikm": {**_ikm(skm_index(session, year.start, year.end)), "by_semester": semesters},
        "by_expert": _experts(session, year),
    }


# One line per service of the CSV and the Excel sheet: columns, never whole objects.
SERVICE_COLUMNS = (
    Booking.code, Booking.requested_start, Booking.channel, Booking.origin, Booking.status,
    Cooperative.name, Cooperative.nik, Cooperative.kind, Cooperative.kecamatan,
    Booking.topic_key, Booking.problem_area, Expert.name, Booking.details,
    col(Booking.prescription).is_not(None), Booking.satisfaction, Booking.solved,
    *(getattr(SkmAnswer, element) for element in ELEMENTS), SkmAnswer.comment,
)  # fmt: skip


def service_rows(session: Session, year_number: int):
    """Every booking of the year that became a service or a no-show, with its answers, for the
    CSV: no phone number or contact name (the report is shared beyond the clinic)."""
    year = Year(year_number)
    query = (
        select(*SERVICE_COLUMNS)
        .select_from(Booking)
        .join(Cooperative, col(Booking.cooperative_id) == Cooperative.id)
        .join(Expert, col(Booking.expert_id) == Expert.id, isouter=True)
        .join(SkmAnswer, col(SkmAnswer.booking_id) == Booking.id, isouter=True)
        .where(col(Booking.status).in_((Status.DONE, Status.NO_SHOW)),
               _in(year, Booking.requested_start))  # fmt: skip
        .order_by(col(Booking.requested_start), col(Booking.id))
    )
    return session.exec(query.execution_options(yield_per=1000))

"""Every (status, event) pair through `apply`, on both backends: what the table allows
happens (status, history, the messages the registry names) and what it refuses changes
nothing at all."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.lifecycle import Acting, Change, apply
from bot.meetings import Prepared
from flows.kinds import always, at_once, sent_on
from flows.lifecycle import Actor, Event, NotAllowed, Status, check, find
from storage.bookings import new_booking, save_new
from storage.models import Booking, BookingEvent, Expert, OutboundMessage
from tests.helpers import COOP_PHONE, NOW, SRI, answers, at

START = at("2026-12-01 10:00")  # Tuesday
PROPOSED = at("2026-12-02 13:00")
WITH_EXPERT = {Status.CONFIRMED, Status.DONE, Status.NO_SHOW, Status.MOVE_PROPOSED}
ANSWERS = answers("2026-12-01 10:00", name="KSP Uji")


def _booking(session: Session, status: Status | None, sri: Expert) -> Booking:
    booking = new_booking(session, COOP_PHONE, ANSWERS)
    if status is None:
        return booking  # not saved: a request being made
    save_new(session, booking)
    booking.status = status
    if status in WITH_EXPERT:
        booking.expert, booking.meeting_link = sri, "https://zoom.us/j/1"
        booking.ends_at = START + timedelta(hours=1)
    if status in (Status.PROPOSED, Status.MOVE_PROPOSED):
        booking.proposed_start = PROPOSED
    session.add(booking)
    session.flush()
    return booking


def _change(event: Event, sri: Expert) -> Change:
    moves = {Event.CONFIRM, Event.MOVE, Event.ACCEPT, Event.UPDATE}
    return Change(
        start=PROPOSED if event not in (Event.UPDATE,) else None,
        expert=sri if event in moves else None,
        link="https://zoom.us/j/2" if event in moves else None,
        reason="alasan",
        text="Resep uji." if event == Event.PRESCRIBE else "",
    )


def _counts(session: Session) -> tuple[int, int]:
    return (len(session.exec(select(BookingEvent)).all()),
            len(session.exec(select(OutboundMessage)).all()))  # fmt: skip


@pytest.mark.parametrize("moment", ["before", "during"])
def test_every_status_and_event_through_apply(app, engine, moment) -> None:
    now = START - timedelta(days=1) if moment == "before" else START + timedelta(minutes=5)
    settings = app.extensions["settings"]
    walked = 0
    for status in [None, *Status]:
        for event in Event:
            row = find(status, event)
            actor = next(iter(sorted(row.actors))) if row else Actor.ADMINISTRATOR
            with engine.connect() as connection:
                outer = connection.begin()
                session = Session(bind=connection)
                sri = session.exec(select(Expert).where(Expert.phone == SRI)).one()
                booking = _booking(session, status, sri)
                act = Acting(session, actor, "tester", now, settings, Prepared())
                events, messages = _counts(session)
                try:
                    expected = check(status, START, event, actor, now)
                except NotAllowed:
                    expected = None
                if expected is None:
                    with pytest.raises(NotAllowed):
                        apply(act, booking, event, _change(event, sri))
                    assert booking.status == (status or Status.WAITING), (status, event)
                    assert _counts(session) == (events, messages), (status, event)
                else:
                    done = apply(act, booking, event, _change(event, sri))
                    assert done == expected and booking.status == expected.target
                    history = session.exec(select(BookingEvent.action).where(
                        BookingEvent.booking_id == booking.id)).all()  # fmt: skip
                    assert history[-1] == event.value
                    queued = {m.kind for m in session.exec(select(OutboundMessage).where(
                        OutboundMessage.booking_id == booking.id))}  # fmt: skip
                    named = {kind.name for kind, _to in sent_on(expected.name)}
                    assert queued <= named, (status, event, queued - named)
                    certain = {kind.name for kind, to in sent_on(expected.name)
                               if to == "cooperative" and kind.due is at_once
                               and kind.when is always}  # fmt: skip
                    assert certain <= queued, (status, event, certain - queued)
                    walked += 1
                session.close()
                outer.rollback()
    assert walked >= 10


def test_a_refused_event_is_answered_with_the_status_and_sends_nothing(app, engine) -> None:
    from tests.helpers import WhatsApp, admin, messages_to, request

    app.extensions["clock"] = lambda: NOW
    code = request(engine, COOP_PHONE, "2026-12-01 10:00")
    whatsapp = WhatsApp(app.test_client())
    assert f"*{code}* ditolak" in admin(whatsapp, f"TOLAK {code} topik di luar layanan")
    assert f"*{code}* tidak diubah: statusnya Ditolak" in admin(whatsapp, f"TOLAK {code} lagi")
    assert [m.kind for m in messages_to(engine, COOP_PHONE)] == ["decline"]

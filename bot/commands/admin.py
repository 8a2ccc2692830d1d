"""What the administrators' WhatsApp commands do: one row per verb in `COMMANDS`.

Every change goes through the lifecycle (bot/lifecycle), so the console and the commands
send the same messages. A verb the table does not have is an error, never a default action.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.commands import handler, mistyped
from bot.lifecycle import Acting, Change, apply, cases, refusal, threads
from bot.lifecycle.facts import case_line, facts
from bot.lifecycle.sessions import Refused, has_room, next_free, not_a_session_time, take
from flows.admin import Command, Mistyped, Verb
from flows.calendar import format_start
from flows.catalogue import STAFF, name, names, staff
from flows.choices import TOPICS
from flows.lifecycle import Actor, Event, NotAllowed, Status, check
from flows.pages import page_within, pages_of
from storage.agenda import waiting_requests
from storage.bookings import booking_by_code, history
from storage.models import Booking, BookingEvent
from storage.schedule import lock_schedule

PAGE = 10


@dataclass(frozen=True)
class Handler:
    run: Callable[[Acting, Command, Booking | None], list[str]]
    booking: bool = True  # the command names a booking, which must exist
    takes_slot: bool = False  # checks and takes a time: under the schedule lock


def _help(act: Acting, command: Command, _booking: Booking | None) -> list[str]:
    lines = names("help.admin", STAFF)
    listed = staff("admin_help", lines="\n".join(f"• {lines[verb]}" for verb in COMMANDS))
    if command.reason:  # a word with a booking code that is no command
        return [staff("admin_unknown_verb", text=command.reason) + "\n" + listed]
    return [listed]


def _list(act: Acting, command: Command, _booking: Booking | None) -> list[str]:
    count, rows = waiting_requests(act.session, PAGE, (max(command.page, 1) - 1) * PAGE)
    if not count:
        return [staff("admin_list_empty")]
    page = page_within(command.page, count, PAGE)
    if not rows:  # past the last page: the last one
        count, rows = waiting_requests(act.session, PAGE, (page - 1) * PAGE)
    lines = [
        staff("admin_list_line", code=b.code, coop=b.cooperative.name,
              topic=TOPICS.label(b.topic_key), start=format_start(b.requested_start))
        for b in rows
    ]  # fmt: skip
    return [staff("admin_list", total=count, page=page, pages=pages_of(count, PAGE),
                  lines="\n".join(lines))]  # fmt: skip


def _detail(act: Acting, command: Command, booking: Booking | None) -> list[str]:
    told = facts(booking, STAFF, act.settings.hours, act.settings.address)
    label = names("detail", STAFF)
    lines = [
        f"*{booking.code}* — {name('status', booking.status)}"
        + case_line(act.session, booking, "admin_follow_up"),
        f"{label['coop']}: {told['coop_nik']}",
        f"{label['kind']}: {told['kind']}",
        f"{label['kecamatan']}: {told['kecamatan']}",
        f"{label['contact']}: {told['contact']} ({told['role']}), {told['phone']}",
        f"{label['topic']}: {told['topic']}",
        f"{label['problem']}: {told['area']} — {told['problem']}",
        f"{label['start']}: {format_start(booking.requested_start)}",
    ]
    if booking.proposed_start:
        lines.append(f"{label['proposed']}: {format_start(booking.proposed_start)}")
    if booking.expert:
        lines.append(f"{label['expert']}: {booking.expert.name}")
    if booking.meeting_link:
        lines.append(f"{label['link']}: {booking.meeting_link}")
    details = (booking.details or {}).items()
    lines += [f"{name('summary_label', key)}: {value}" for key, value in details]
    if events := history(act.session, booking.id):
        lines.append(f"{label['history']}:")
        lines += [history_line(e) for e in events]
    return ["\n".join(lines)]


def history_line(event: BookingEvent) -> str:
    action = name("action", event.action, STAFF)
    return staff("detail_event", at=format_start(event.at), action=action, actor=event.actor,
                 detail=event.detail).rstrip()  # fmt: skip


def _confirm(act: Acting, command: Command, booking: Booking | None) -> list[str]:
    """KONFIRMASI: a request becomes a session; a confirmed session moves to a new time."""
    if booking.status in (Status.CONFIRMED, Status.MOVE_PROPOSED):
        start = command.start or (
            booking.proposed_start if booking.status == Status.MOVE_PROPOSED else None
        )
        event = Event.MOVE if start and start != booking.requested_start else Event.CONFIRM
    else:
        start, event = command.start or booking.proposed_start, Event.CONFIRM
    start = start or booking.requested_start
    try:
        take(act, booking, event, start, command.expert, command.expert_id, command.url)
    except NotAllowed as error:
        return [refusal(booking, error, act.actor)]
    except Refused as why:
        return [str(why)]
    told = facts(booking, STAFF, act.settings.hours, act.settings.address)
    return [staff("admin_moved" if event == Event.MOVE else "admin_confirmed", **told)]


def _propose(act: Acting, command: Command, booking: Booking | None) -> list[str]:
    try:
        check(booking.status, booking.requested_start, Event.PROPOSE, act.actor, act.now)
        if why := not_a_session_time(act, command.start):
            return [why]
        if not has_room(act, booking, command.start):
            full = staff("admin_no_expert", topic=TOPICS.label(booking.topic_key),
                         start=format_start(command.start))  # fmt: skip
            return [full + " " + next_free(act, booking, command.start)]
        apply(act, booking, Event.PROPOSE, Change(start=command.start))
    except NotAllowed as error:
        return [refusal(booking, error, act.actor)]
    return [staff("admin_proposed", code=booking.code, start=format_start(command.start))]


def _decline(act: Acting, command: Command, booking: Booking | None) -> list[str]:
    try:
        apply(act, booking, Event.DECLINE, Change(reason=command.reason or ""))
    except NotAllowed as error:
        return [refusal(booking, error, act.actor)]
    return [staff("admin_declined", code=booking.code)]


def _close(act: Acting, command: Command, booking: Booking | None) -> list[str]:
    return [cases.close(act, booking, command.reason or "")]


def _about(run: Callable[[Acting, str, Command], str]):
    """BALAS or TANGANI: about the number a booking code names, or the number itself."""

    def on_number(act: Acting, command: Command, _booking: Booking | None) -> list[str]:
        phone = command.phone
        if command.code is not None:
            if (booking := booking_by_code(act.session, command.code)) is None:
                return [staff("admin_unknown_code", code=command.code)]
            phone = booking.phone
        return [run(act, phone, command)]

    return on_number


COMMANDS: dict[Verb, Handler] = {
    Verb.LIST: Handler(_list, booking=False),
    Verb.DETAIL: Handler(_detail),
    Verb.CONFIRM: Handler(_confirm, takes_slot=True),
    Verb.PROPOSE: Handler(_propose, takes_slot=True),
    Verb.DECLINE: Handler(_decline),
    Verb.CLOSE: Handler(_close),
    Verb.REPLY: Handler(_about(lambda act, phone, c: threads.answer(act, phone, c.text or "")),
                        booking=False),
    Verb.TAKE: Handler(_about(lambda act, phone, _c: threads.take_over(act, phone)),
                       booking=False),
    Verb.HELP: Handler(_help, booking=False),
}


def run(act: Acting, command: Command | Mistyped) -> list[str]:
    """Carry out one administrator command (from WhatsApp or the console); the answers."""
    act = replace(act, actor=Actor.ADMINISTRATOR)
    if isinstance(command, Mistyped):
        return [mistyped("admin", command)]
    row = handler(COMMANDS, command.verb)
    if row.takes_slot:
        lock_schedule(act.session)  # before the booking's row lock, as every other path
    booking = None
    if row.booking:
        booking = booking_by_code(act.session, command.code or "", lock=True)
        if booking is None:
            return [staff("admin_unknown_code", code=command.code)]
    return row.run(act, command, booking)

"""The preferred time, typed freely ("senin depan jam 10", "tgl 8", "lusa jam 2"): a free
start is accepted; anything else is refused in one sentence with the nearest free times as a
numbered list (LAIN: the next ones); a bare date offers that day's free times."""

from datetime import date, datetime, time

from flows.calendar import (
    ClinicHours,
    Refusal,
    format_clock,
    format_date,
    format_day,
    format_start,
    hours_params,
    weekday_name,
)
from flows.catalogue import say
from flows.conversation.steps import Accept, Outcome, Reject
from flows.conversation.talk import Turn
from flows.dates import WIB, When, parse_clock, parse_when, weekday_mismatch
from flows.lifecycle import Channel
from flows.model import Offer
from flows.words import fold

# How people say where they want to meet, within their answer about the time.
CHANNEL_WORDS = {
    Channel.OFFICE: ("tatap muka", "tatapmuka", "tatap muka di kantor", "di kantor", "ke kantor",
                     "di kantor dinas", "ke kantor dinas", "datang langsung", "datang ke kantor",
                     "langsung ke kantor", "ketemu langsung", "bertemu langsung", "offline",
                     "luring", "face to face", "in person", "at the office"),
    Channel.ONLINE: ("zoom", "lewat zoom", "via zoom", "pakai zoom", "online", "daring",
                     "e klinik", "eklinik"),
}  # fmt: skip
_CHANNEL_FILLER = frozenset({"aja", "saja", "ya", "yah", "mau", "ingin", "dong", "pak", "bu",
                             "secara", "konsultasi", "konsul", "lewat", "via", "di", "ke",
                             "kantor", "dinas", "yang", "please", "by", "in", "kak", "deh"})


def channel_in(text: str) -> tuple[str | None, str]:
    """Where the cooperative wants to meet, said with the time ("senin jam 10 tatap muka",
    "rabu jam 9 di kantor aja", "zoom aja"), and the rest of the answer; (None, text) when
    the answer says nothing of it. Nothing left but filler: the rest is empty."""
    said = f" {fold(text)} "
    found = None
    for channel, phrases in CHANNEL_WORDS.items():
        for phrase in sorted(phrases, key=len, reverse=True):
            if f" {phrase} " in said:
                found = found or channel
                said = said.replace(f" {phrase} ", " ")
    if found is None:
        return None, text
    rest = [word for word in said.split()]
    return found, "" if all(word in _CHANNEL_FILLER for word in rest) else " ".join(rest)


MORE = {"lain", "lainnya", "yang lain", "more", "other", "others", "next"}
PART_HOURS = {"pagi": (0, 11), "siang": (11, 14), "sore": (14, 24), "malam": (17, 24)}
PART_WANTED = {"pagi": time(9), "siang": time(12), "sore": time(15), "malam": time(15)}


def refusal_line(refusal: Refusal, day: date, lang: str, hours: ClinicHours) -> str:
    return say(
        f"refuse_{refusal.reason}",
        lang,
        day=format_day(day, lang),
        detail=refusal.detail,
        **hours_params(hours),
    )


def slot_topic(turn: Turn) -> tuple[str | None, str | None]:
    """The topic a time is for, and the booking (being moved) whose own hold to ignore."""
    scratch = turn.scratch
    return turn.answers.get("topic") or (scratch and scratch.topic), scratch and scratch.code


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, 1))


def offer_nearest(turn: Turn, wanted: datetime, skip: int, reason: list[str]) -> Reject:
    today = turn.ctx.now.astimezone(WIB).date()
    topic, exclude = slot_topic(turn)
    options = turn.ctx.calendar.nearest(wanted, today, skip=skip, topic=topic, exclude=exclude)
    if not options:
        days = turn.ctx.calendar.hours.horizon_days
        return Reject([*reason, say("offer_none", turn.lang, days=days)], ask_again=False)
    listing = _numbered([format_start(start, turn.lang) for start in options])
    offer = Offer([start.isoformat() for start in options], wanted=wanted.isoformat(), skip=skip)
    text = say("offer_nearest", turn.lang, options=listing)
    return Reject([*reason, text], offer=offer, ask_again=False)


def _offer_day(turn: Turn, when: When) -> Reject | None:
    today = turn.ctx.now.astimezone(WIB).date()
    starts = turn.ctx.calendar.free_starts(when.date, today, *slot_topic(turn))
    if when.part:
        low, high = PART_HOURS[when.part]
        starts = [start for start in starts if low <= start.hour < high] or starts
    if not starts:
        return None
    listing = _numbered([format_clock(start) + " WIB" for start in starts[:10]])
    offer = Offer([start.isoformat() for start in starts[:10]], day=when.date.isoformat())
    text = say("offer_day", turn.lang, day=format_day(when.date, turn.lang), options=listing)
    return Reject([text], offer=offer, ask_again=False)


def _from_offer(turn: Turn) -> Outcome | None:
    """A number from the times offered, or LAIN for the next ones."""
    offer, folded = turn.offer, fold(turn.text)
    if offer is None or not offer.starts:
        return None
    if folded.isdigit():
        index = int(folded) - 1
        if 0 <= index < len(offer.starts):
            return Accept({"start": offer.starts[index]})
        return Reject([say("bad_choice", turn.lang, count=len(offer.starts))], ask_again=False)
    if folded in MORE and offer.wanted:
        return offer_nearest(turn, datetime.fromisoformat(offer.wanted), offer.skip + 3, [])
    return None


def _not_understood(turn: Turn) -> Outcome:
    now = turn.ctx.now
    clock = parse_clock(turn.text)
    if clock and turn.offer and turn.offer.day:
        return _at(turn, When(date.fromisoformat(turn.offer.day), clock))
    if clock:  # the hour is kept: "tgl 8" next is the 8th at that hour
        return Reject([say("when_needs_day", turn.lang, clock=format_clock(clock))],
                      offer=Offer([], clock=clock.isoformat()), ask_again=False)  # fmt: skip
    if mismatch := weekday_mismatch(turn.text, now):
        day, said = mismatch
        line = say(
            "weekday_mismatch",
            turn.lang,
            date=format_date(day, turn.lang),
            actual=weekday_name(day.weekday(), turn.lang),
            said=weekday_name(said, turn.lang),
        )
        return Reject([line], ask_again=False)
    return Reject([say("bad_when", turn.lang), say("help_when", turn.lang)], ask_again=False)


def _at(turn: Turn, when: When) -> Outcome:
    calendar = turn.ctx.calendar
    today = turn.ctx.now.astimezone(WIB).date()
    if when.time is None:
        refusal = calendar.day_refusal(when.date, today)
        if refusal is None and (offer := _offer_day(turn, when)):
            return offer
        wanted = datetime.combine(when.date, PART_WANTED.get(when.part or "", time(9)), WIB)
        refusal = refusal or Refusal("day_full")
        reason = [refusal_line(refusal, when.date, turn.lang, calendar.hours)]
        return offer_nearest(turn, wanted, 0, reason)
    start = datetime.combine(when.date, when.time, WIB)
    refusal = calendar.slot_refusal(start, today, *slot_topic(turn))
    if refusal is None:
        return Accept({"start": start.isoformat()})
    reason = [refusal_line(refusal, when.date, turn.lang, calendar.hours)]
    return offer_nearest(turn, start, 0, reason)


def parse_start(turn: Turn) -> Outcome:
    """A session start from the user's words, or why not with the nearest free times."""
    if chosen := _from_offer(turn):
        return chosen
    when = parse_when(turn.text, turn.ctx.now)
    if when is not None and when.time is None and turn.offer and turn.offer.clock:
        when = When(when.date, time.fromisoformat(turn.offer.clock), when.part)
    return _not_understood(turn) if when is None else _at(turn, when)

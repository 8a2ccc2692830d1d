"""An announcement to a group of cooperatives: worked out first (who gets it as text, who as
the ANNOUNCEMENT template outside WhatsApp's 24-hour window, who said STOP), then queued as
one outbox row per number, which the sender sends at the send rate like every other message.
"""

from dataclasses import dataclass

from bot.lifecycle import Acting
from flows.announcements import ANNOUNCEMENT_LENGTH, Group
from flows.catalogue import names
from flows.kinds import KINDS
from flows.templates import VARIABLE_LENGTH, one_line
from storage.announcements import group_numbers
from storage.contents import template_sid
from storage.conversations import inside_window, language_of, last_written
from storage.models import Announcement
from storage.outbox import enqueue

KIND = KINDS["announcement"]


@dataclass(frozen=True)
class Plan:
    group: Group
    text: str
    inside: list[str]  # wrote within 24 hours: the text goes
    outside: list[str]  # the template goes (when it is approved)
    stopped: list[str]
    template_ready: bool
    problem: str | None  # why it cannot go as it is

    @property
    def recipients(self) -> list[str]:
        return self.inside + (self.outside if self.template_ready else [])

    def summary(self) -> str:
        words, template = names("page.announcements", "staff"), KIND.template
        skipped = "" if self.template_ready or not self.outside else words["plan_skipped"].format(
            count=len(self.outside), template=template)  # fmt: skip
        return words["plan"].format(
            count=len(self.recipients), inside=len(self.inside),
            outside=len(self.outside) if self.template_ready else 0, template=template,
            stopped=len(self.stopped), skipped=skipped)  # fmt: skip


def plan(act: Acting, group: Group, text: str) -> Plan:
    words, text = names("page.announcements", "staff"), text.strip()
    reachable, stopped = group_numbers(act.session, group)
    written = last_written(act.session, reachable)
    inside = [n for n in reachable if inside_window(written.get(n), act.now)]
    outside = [n for n in reachable if n not in inside]
    ready = bool(template_sid(act.session, act.settings.templates, KIND.template))
    shortest, longest = ANNOUNCEMENT_LENGTH
    problem = None
    if len(text) < shortest:
        problem = words["too_short"].format(shortest=shortest)
    elif len(text) > longest:
        problem = words["too_long"].format(longest=longest)
    elif outside and ready and len(one_line(text)) > VARIABLE_LENGTH:
        problem = words["too_long_for_template"].format(
            outside=len(outside), longest=VARIABLE_LENGTH, length=len(one_line(text)))
    result = Plan(group, text, inside, outside, stopped, ready, problem)
    if problem is None and not result.recipients:
        result = Plan(group, text, inside, outside, stopped, ready, words["nobody"])
    return result


def announce(act: Acting, planned: Plan) -> Announcement:
    """Queue the planned announcement, one row per number, in the caller's transaction."""
    skipped = 0 if planned.template_ready else len(planned.outside)
    row = Announcement(created_at=act.now, author=act.who, text=planned.text,
                       audience=planned.group.audience, audience_value=planned.group.value,
                       recipients=len(planned.recipients), skipped_stop=len(planned.stopped),
                       skipped_window=skipped)  # fmt: skip
    act.session.add(row)
    act.session.flush()
    for phone in planned.recipients:
        for message in enqueue(act.session, KIND, phone, act.now, {"text": planned.text},
                               lang=language_of(act.session, phone)):  # fmt: skip
            message.announcement_id, message.author = row.id, act.who
    return row

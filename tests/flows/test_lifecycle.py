"""The booking lifecycle table: every (status, event) pair, who may do it, and when."""

from datetime import datetime, timedelta

import pytest

from flows.dates import WIB
from flows.lifecycle import (
    AWAITING_ANSWER,
    CHANGEABLE,
    HOLDS_A_TIME,
    TRANSITIONS,
    Actor,
    Event,
    NotAllowed,
    Status,
    allowed,
    check,
    find,
    held_at,
)

START = datetime(2026, 11, 30, 10, tzinfo=WIB)
BEFORE, DURING = START - timedelta(days=1), START + timedelta(minutes=5)
W, P, MP, C, D, NS, DE, CA = (Status.WAITING, Status.PROPOSED, Status.MOVE_PROPOSED,
                              Status.CONFIRMED, Status.DONE, Status.NO_SHOW, Status.DECLINED,
                              Status.CANCELLED)  # fmt: skip
A, E, K = Actor.ADMINISTRATOR, Actor.EXPERT, Actor.COOPERATIVE

# The rules, written out by hand: event -> {from status: (to status, who)}. Anything not here
# is refused. Changing a rule means changing the table *and* this specification.
EXPECTED = {
    Event.REQUEST: {None: (W, {K})},
    Event.CONFIRM: {W: (C, {A}), P: (C, {A})},
    Event.MOVE: {C: (C, {A}), MP: (C, {A})},
    Event.UPDATE: {C: (C, {A})},
    Event.PROPOSE: {W: (P, {A}), P: (P, {A}), C: (MP, {A}), MP: (MP, {A})},
    Event.ACCEPT: {P: (C, {K}), MP: (C, {K})},
    Event.LAPSE: {P: (W, {K}), MP: (W, {K})},
    Event.COUNTER: {P: (W, {K}), MP: (W, {K})},
    Event.RESCHEDULE: {W: (W, {K}), P: (W, {K}), MP: (W, {K}), C: (W, {K})},
    Event.CANCEL: {W: (CA, {K}), P: (CA, {K}), MP: (CA, {K}), C: (CA, {K})},
    Event.DECLINE: {W: (DE, {A}), P: (DE, {A}), MP: (DE, {A}), C: (DE, {A})},
    Event.HOLD: {C: (D, {E}), D: (D, {E})},
    Event.NO_SHOW: {C: (NS, {E}), D: (NS, {E})},
    Event.PRESCRIBE: {C: (D, {E, A}), D: (D, {E, A})},
    Event.VISIT: {None: (C, {A})},
}
# Events that wait for the session to begin, and those that must come before it.
ONLY_ONCE_STARTED = {Event.HOLD, Event.NO_SHOW, Event.PRESCRIBE}
ONLY_BEFORE_THE_START = {(Event.MOVE, C), (Event.MOVE, MP), (Event.PROPOSE, C),
                         (Event.PROPOSE, MP), (Event.RESCHEDULE, W), (Event.RESCHEDULE, P),
                         (Event.RESCHEDULE, MP), (Event.RESCHEDULE, C), (Event.CANCEL, W),
                         (Event.CANCEL, P), (Event.CANCEL, MP), (Event.CANCEL, C)}  # fmt: skip
PAIRS = [(status, event) for status in [None, *Status] for event in Event]


def test_every_event_of_the_specification_is_in_the_table_and_back() -> None:
    assert set(EXPECTED) == set(Event)
    found = {(status, row.event) for row in TRANSITIONS for status in (row.source or {None})}
    assert found == {(status, event) for event, rows in EXPECTED.items() for status in rows}


@pytest.mark.parametrize(("status", "event"), PAIRS)
def test_every_status_and_event(status, event) -> None:
    expected = EXPECTED[event].get(status)
    when = DURING if event in ONLY_ONCE_STARTED else BEFORE
    if expected is None:
        assert find(status, event) is None
        for actor in Actor:
            with pytest.raises(NotAllowed) as refused:
                check(status, START, event, actor, when)
            assert refused.value.reason == "status"
        return
    target, actors = expected
    for actor in Actor:
        if actor in actors:
            assert check(status, START, event, actor, when).target == target
        else:
            with pytest.raises(NotAllowed) as refused:
                check(status, START, event, actor, when)
            assert refused.value.reason == "actor"


@pytest.mark.parametrize("event", sorted(ONLY_ONCE_STARTED))
def test_outcomes_and_prescriptions_wait_for_the_start(event) -> None:
    with pytest.raises(NotAllowed) as refused:
        check(C, START, event, Actor.EXPERT, BEFORE)
    assert refused.value.reason == "not_started"
    assert check(C, START, event, Actor.EXPERT, START).event == event  # from the start on


@pytest.mark.parametrize(("event", "status"), sorted(ONLY_BEFORE_THE_START))
def test_moving_or_giving_up_a_session_comes_before_it(event, status) -> None:
    actor = next(iter(EXPECTED[event][status][1]))
    with pytest.raises(NotAllowed) as refused:
        check(status, START, event, actor, START)
    assert refused.value.reason == "started"


def test_an_administrator_moves_a_confirmed_session_the_cooperative_answers_a_move() -> None:
    assert check(C, START, Event.MOVE, A, BEFORE).name == "move"
    assert check(C, START, Event.PROPOSE, A, BEFORE).name == "propose_move"
    assert check(MP, START, Event.ACCEPT, K, BEFORE).name == "accept_move"
    assert check(P, START, Event.ACCEPT, K, BEFORE).name == "accept"


def test_the_sets_other_code_asks_about() -> None:
    assert {W, P, MP, C} == HOLDS_A_TIME
    assert {P, MP} == AWAITING_ANSWER
    assert {W, P, MP, C} == CHANGEABLE
    assert allowed(C, A, START, BEFORE) == {Event.MOVE, Event.UPDATE, Event.PROPOSE,
                                            Event.DECLINE}  # fmt: skip
    assert allowed(C, E, START, DURING) == {Event.HOLD, Event.NO_SHOW, Event.PRESCRIBE}
    proposed = START + timedelta(days=1)
    assert held_at(MP, START, proposed) == proposed and held_at(C, START, proposed) == START

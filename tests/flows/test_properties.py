"""Any message, in any state: the conversation never raises and never drops a stored answer."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.chat import plain, yes_no
from flows.conversation import CANCEL, S, handle
from flows.model import Chat, Context, Incoming, SubmitBooking
from flows.prompts import every_prompt
from flows.words import fold
from tests.helpers import NOW, User, booked_up_to

PLAUSIBLE = ["1", "2", "3", "5", "9", "10", "ya", "tidak", "ubah", "kembali", "menu", "bantuan",
             "lain", "Cikupa", "ps kemis", "Ciputat", "belum ada", "Budi, ketua", "sabtu jam 10",
             "senin depan jam 10", "selasa", "jam 13", "3/12", "👍", "?", "-", "MULAI", "STOP",
             "Banyak anggota menunggak pinjaman.", "3603123456780001", "halo", "batal"]  # fmt: skip

TAPS = [Incoming(text=option.title, tap=prompt.option_id(option))
        for prompt in every_prompt() for option in prompt.options]  # fmt: skip

messages = st.one_of(
    st.sampled_from(PLAUSIBLE).map(lambda text: Incoming(text=text)),
    st.text(max_size=80).map(lambda text: Incoming(text=text)),
    st.sampled_from(["image/jpeg", "audio/ogg", "application/pdf"]).map(
        lambda kind: Incoming(media_type=kind)
    ),
    st.just(Incoming(location=True)),
    st.just(Incoming(text="x" * 1700)),
    st.sampled_from(TAPS),  # a tap on any list or button, its title as the text
    st.builds(lambda tap, text: Incoming(text=text, tap=tap), st.text(max_size=20),
              st.text(max_size=20)),  # fmt: skip
)
start_states = st.sampled_from([S.MENU, S.COOP_NAME, S.KECAMATAN, S.TOPIC, S.WHEN, S.SUMMARY])


def stored(chat: Chat) -> dict:
    """Booking answers kept, whether in progress or set aside as a draft."""
    draft = chat.scratch.draft.answers if chat.scratch.draft else {}
    return {**draft, **chat.answers}


def dropped_on_purpose(state: str, message: Incoming) -> bool:
    """BATAL abandons; answering TIDAK to "continue your unfinished booking?" discards it."""
    word = plain(message.text) or fold(message.text)
    return word in CANCEL or (state == S.RESUME and yes_no(message.text) is False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start_states, st.lists(messages, max_size=12), st.integers(0, 30))
def test_any_messages_never_raise_and_never_lose_answers(start, sequence, hours) -> None:
    user = booked_up_to(start)
    now = NOW
    for message in sequence:
        now += timedelta(hours=hours)
        before_state, before = user.chat.state, stored(user.chat)
        reply = handle(user.chat, message, Context(now=now))
        after = stored(reply.chat)
        submitted = any(isinstance(effect, SubmitBooking) for effect in reply.effects)
        if not (submitted or dropped_on_purpose(before_state, message)):
            assert set(before) <= set(after), (before_state, message, before, after)
        assert reply.chat.state in S._value2member_map_
        if not reply.chat.opted_out and not user.chat.opted_out:
            assert reply.texts or submitted, (before_state, message)
        user.chat = reply.chat


def test_a_user_who_stopped_is_never_answered() -> None:
    user = User()
    user.says("STOP")
    for text in PLAUSIBLE:
        if fold(text) in {"mulai"}:
            continue
        assert user.says(text) == ""

"""Questions answered with a tap: every prompt within WhatsApp's limits, a whole booking by
taps, and a tap on an old list never taken as the answer to the question now asked."""

import pytest

from flows.conversation import S
from flows.prompts import content_types, every_prompt, problems, tapped
from tests.helpers import User, booked_up_to, surveyed


@pytest.mark.parametrize("prompt", every_prompt(), ids=lambda prompt: prompt.content)
def test_every_prompt_keeps_whatsapps_limits(prompt) -> None:
    assert problems(prompt) == []
    types = content_types(prompt)
    assert set(types) - {"twilio/text"} == {"twilio/list-picker" if prompt.is_list
                                            else "twilio/quick-reply"}  # fmt: skip
    ids = [row["id"] for row in (types.get("twilio/list-picker", {}).get("items")
                                 or types["twilio/quick-reply"]["actions"])]  # fmt: skip
    assert len(ids) == len(set(ids)) == len(prompt.options)
    assert all(tapped(each)[0] == prompt.name for each in ids)


def test_a_whole_booking_by_taps_where_there_is_a_choice() -> None:
    user, typed, tapped_count = User(), 0, 0

    def type_(text: str) -> None:
        nonlocal typed
        typed += 1
        user.says(text)

    def tap(value: str) -> None:
        nonlocal tapped_count
        tapped_count += 1
        user.taps(value)

    type_("halo")
    tap("1")  # the menu: Daftar konsultasi
    assert user.state == S.COOP_NAME
    type_("Koperasi Maju Bersama")
    type_("3603 1234 5678 0001")
    tap("1")  # simpan pinjam
    type_("Cikupa")
    type_("Siti Aminah")
    tap("4")  # bendahara
    tap("3")  # keuangan
    tap("3")  # a problem area
    type_("Banyak anggota menunggak pinjaman sejak Januari.")
    type_("senin depan")  # a day: its free times come as a list
    assert user.last.prompt.name.startswith("times")
    tap("1")
    assert user.state == S.SUMMARY and user.last.prompt.name == "summary"
    tap("YA")
    [submitted] = user.effects
    assert submitted.answers["topic"] == "keuangan" and submitted.answers["coop_kind"] == "ksp"
    assert submitted.answers["contact_role"] == "bendahara"
    assert (typed, tapped_count) == (7, 7)


def test_a_tap_on_an_old_list_is_never_taken_as_this_answer() -> None:
    user = booked_up_to(S.TOPIC)
    topics = user.last.prompt
    user.taps("3")
    assert user.state == S.PROBLEM_AREA
    option = topics.options[0]
    reply = user.says(option.title, tap=topics.option_id(option))  # the topic list again
    assert "pertanyaan sebelumnya" in reply and user.state == S.PROBLEM_AREA
    assert "problem_area" not in user.answers and user.answers["topic"] == "keuangan"


def test_yes_no_questions_have_buttons_and_a_tap_is_understood() -> None:
    user = booked_up_to(S.KECAMATAN)
    user.says("cikupaa")  # a near spelling: "Maksud Anda Kecamatan *Cikupa*?"
    assert user.state == S.CONFIRM and user.last.prompt.name == "yes_no"
    user.taps("YA")
    assert user.answers["kecamatan"] == "Cikupa" and user.state == S.CONTACT_NAME


def test_a_question_without_choices_has_nothing_to_tap() -> None:
    user = booked_up_to(S.CONTACT_NAME)
    assert user.last.prompt is None and user.chat.scratch.prompt is None


def _scores(user: User) -> list[int]:
    from flows.model import RateSession

    return [e.score for e in user.effects if isinstance(e, RateSession)]


def test_the_rating_list_of_the_survey_is_tapped_then_solved_with_a_button() -> None:
    user = surveyed()
    reply = user.says("4 ⭐", tap="rating:4")  # the survey went by the scheduler, not a reply
    assert _scores(user) == [4]
    assert "4/5" in reply and user.last.prompt.name == "solved"
    user.taps("SUDAH")
    assert any(getattr(e, "solved", None) is True for e in user.effects)


def test_both_answers_at_once_are_thanked_and_nothing_is_asked_again() -> None:
    user = surveyed()
    reply = user.says("5 pak, sdh jelas 🙏")
    assert _scores(user) == [5] and "teratasi?" not in reply and "kami tutup" in reply


def test_a_bare_sudah_closes_the_case_and_asks_the_score_once() -> None:
    user = surveyed()
    reply = user.says("udh")
    assert "kami tutup" in reply and "seberapa puas" in reply
    assert user.last.prompt.name == "rating"
    reply = user.says("4")
    assert _scores(user) == [4] and "4/5" in reply and "Survei Kepuasan Masyarakat" in reply
    user.says("5")  # asked once: the next number is the menu's again (the survey set aside)
    assert _scores(user) == [4]


def test_a_bare_belum_books_the_follow_up_and_a_long_answer_is_never_taken_for_a_score() -> None:
    user = surveyed()
    reply = user.says("belum")
    assert "1*–*5" in reply and user.state == S.FOLLOW_UP
    user.says("Masih ada 4 anggota yang menunggak pinjaman sejak Januari.")
    assert _scores(user) == [] and user.answers["problem_text"].startswith("Masih ada 4")


def test_a_score_after_belum_is_taken_and_the_follow_up_asked_again() -> None:
    user = surveyed()
    user.says("belum")
    reply = user.says("3")
    assert _scores(user) == [3] and user.state == S.FOLLOW_UP and "3/5" in reply

"""The public satisfaction survey by WhatsApp (pure): offered after the rating and a solved
problem, nine questions one at a time in the regulation's words, skippable, a comment."""

import pytest

from flows.conversation import S
from flows.conversation.survey import level_in
from flows.model import SaveSurvey
from flows.skm import ELEMENTS
from tests.helpers import User, surveyed


def saved(user: User) -> list[SaveSurvey]:
    return [effect for effect in user.effects if isinstance(effect, SaveSurvey)]


def test_the_survey_follows_a_solved_case_and_takes_numbers_words_and_skips() -> None:
    user = surveyed()
    reply = user.says("5 sdh jelas")
    assert "kami tutup" in reply and "Survei Kepuasan Masyarakat" in reply
    assert user.state == S.SKM_INVITE
    first = user.says("ya")
    assert "*Survei 1/9.*" in first and "persyaratan" in first and "4. Sangat sesuai" in first
    answers = ["4", "mudah", "lewati", "gratis", "3", "empat", "-", "2", "4"]
    asked = []
    for text in answers[:-1]:
        asked.append(user.says(text))
    assert "*Survei 9/9.*" in asked[-1]
    assert "saran atau masukan" in user.says(answers[-1])
    assert "Terima kasih sudah mengisi survei" in user.says("Ruang tunggunya sempit")
    assert user.state == S.MENU
    [survey] = saved(user)
    assert survey.code == "EK-0001" and survey.comment == "Ruang tunggunya sempit"
    assert list(survey.levels) == list(ELEMENTS)
    assert [survey.levels[e] for e in ELEMENTS] == [4, 3, None, 4, 3, 4, None, 2, 4]


def test_an_unreadable_answer_asks_again_and_no_says_no() -> None:
    user = surveyed()
    user.says("5 sudah")
    assert "Balas *YA*" in user.says("hmm")
    assert "tidak apa-apa" in user.says("tidak")
    assert user.state == S.MENU and saved(user) == []
    user = surveyed()
    user.says("5 sudah")
    user.says("ya")
    assert "belum terbaca" in user.says("lumayan lah")
    assert "*Survei 1/9.*" in user.last.texts[-1]
    user.says("MENU")  # the survey is left; nothing is kept
    assert user.state == S.MENU and saved(user) == []


def test_typing_1_at_the_invitation_books_again() -> None:
    user = surveyed()
    user.says("5 sudah")
    user.says("1")
    assert user.state not in (S.SKM_INVITE, S.MENU)  # the booking's first question


@pytest.mark.parametrize(("text", "element", "level"), [
    ("3", "waktu", 3), ("tiga", "waktu", 3), ("Sangat cepat", "waktu", 4),
    ("kurang cepat", "waktu", 2), ("cepat", "waktu", 3), ("gratis", "biaya", 4),
    ("sangat mahal", "biaya", 1), ("5", "waktu", None), ("oke", "waktu", None),
])  # fmt: skip
def test_a_level_by_number_or_by_its_words(text, element, level) -> None:
    assert level_in(text, element, "id") == level


def test_sudah_after_a_score_given_before_asks_no_score_again() -> None:
    from dataclasses import replace

    user = surveyed()
    user.ctx = replace(user.ctx, bookings=(replace(user.ctx.bookings[0], satisfaction=5),))
    reply = user.says("udah pak")
    assert "kami tutup" in reply and "seberapa puas" not in reply
    assert "Survei Kepuasan Masyarakat" in reply and user.state == S.SKM_INVITE

"""The SKM index (PermenPANRB 14/2017): per-element averages, the exact 1/9 weight, the grades
at their boundaries, skipped answers."""

from decimal import Decimal
from fractions import Fraction

import pytest

from flows.catalogue import names
from flows.skm import ELEMENTS, grade_of, ikm_of, index


def test_nine_elements_each_with_the_regulations_wording_for_every_level() -> None:
    assert len(ELEMENTS) == 9
    for lang in ("id", "en"):
        wording = names("skm", lang)
        for element in ELEMENTS:
            assert wording[element]["question"].endswith("?")
            assert len(wording[element]["levels"]) == 4


def test_a_worked_example() -> None:
    """Ten questionnaires: the averages (3.5, 3.1) and IKM = Σ NRR / 9 × 25."""
    rows = [dict.fromkeys(ELEMENTS, 4) for _ in range(5)] + [
        dict.fromkeys(ELEMENTS, 3) for _ in range(5)]  # fmt: skip
    for row in rows[:2]:
        row["waktu"] = 2  # two found it slow
    result = index(rows)
    assert result.respondents == 10
    assert result.nrr["persyaratan"] == Fraction(7, 2) and result.nrr["waktu"] == Fraction(31, 10)
    # Σ NRR = 8 × 3.5 + 3.1 = 31.1; 31.1 / 9 × 25 = 86.388… → 86.39, B (Baik)
    assert (result.ikm, result.grade) == (Decimal("86.39"), "B")


def test_the_exact_ninth_gives_another_grade_than_0_111_near_the_boundary() -> None:
    nrr = {element: Fraction(53, 15) for element in ELEMENTS}  # Σ NRR = 31.8
    assert ikm_of(nrr) == Decimal("88.33") and grade_of(ikm_of(nrr)) == "A"
    rounded_weight = Decimal(str(float(sum(nrr.values())))) * Decimal("0.111") * 25
    assert grade_of(rounded_weight.quantize(Decimal("0.01"))) == "B"  # 88.25 with 0.111


@pytest.mark.parametrize(("ikm", "grade"), [
    ("100", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"),
    ("65.00", "C"), ("64.99", "D"), ("25.00", "D"),
])  # fmt: skip
def test_the_grades_at_their_boundaries(ikm: str, grade: str) -> None:
    assert grade_of(Decimal(ikm)) == grade


def test_skipped_answers_count_for_nothing_and_an_unanswered_element_leaves_no_index() -> None:
    full = dict.fromkeys(ELEMENTS, 4)
    result = index([full, {**full, "biaya": None}, dict.fromkeys(ELEMENTS, None)])
    assert result.respondents == 2 and result.nrr["biaya"] == 4 and result.ikm == Decimal("100.00")
    partial = index([{"persyaratan": 3}])
    assert partial.ikm is None and partial.grade is None and partial.nrr == {"persyaratan": 3}


@pytest.mark.parametrize("bad", [{"persyaratan": 5}, {"persyaratan": 0}, {"harga": 3}])
def test_an_answer_outside_the_survey_is_refused(bad) -> None:
    with pytest.raises(ValueError):
        index([bad])


def test_a_published_report_disdukcapil_tulang_bawang_barat_2023_semester_1() -> None:
    """e-smile.tubaba.go.id/main/skm/laporan/online: one respondent answered 4 to all nine
    elements; NRR 4 each, IKM 100, "A (Sangat Baik)"."""
    found = index([dict.fromkeys(ELEMENTS, 4)])
    assert (found.respondents, found.ikm, found.grade) == (1, Decimal("100.00"), "A")
    assert set(found.nrr.values()) == {4}

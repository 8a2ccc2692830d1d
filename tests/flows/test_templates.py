"""The WhatsApp templates: every kind has one, every body keeps WhatsApp's rules, and any value
is made one that WhatsApp takes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.kinds import KINDS_IN_ORDER
from flows.templates import (
    BODY_LENGTH,
    bodies,
    body_problems,
    fill,
    one_line,
    placeholders,
    render,
    value_problems,
)  # fmt: skip


@pytest.mark.parametrize("kind", KINDS_IN_ORDER, ids=lambda kind: kind.name)
def test_every_kind_has_a_template_with_its_variables(kind) -> None:
    body = bodies()[kind.template]
    assert len(placeholders(body)) == (1 if kind.whole_text else len(kind.variables))


@pytest.mark.parametrize("name", list(bodies()))
def test_every_body_keeps_whatsapps_rules(name) -> None:
    assert body_problems(bodies()[name]) == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [("{{1}} adalah kode Anda.", "starts with a variable"),
     ("Kode Anda: {{1}}", "ends with a variable"),
     ("Kode {{2}} dan {{1}}.", "in order"),
     ("Kode " + "x" * 1100 + " {{1}}.", "longer than")],
)  # fmt: skip
def test_a_body_breaking_a_rule_is_caught(body, problem) -> None:
    assert any(problem in found for found in body_problems(body))


@pytest.mark.parametrize(
    ("value", "problem"),
    [("a\nb", "line break"), ("a\tb", "line break"), ("a     b", "four spaces"),
     ("", "empty"), ("x" * 300, "longer than 255")],
)  # fmt: skip
def test_a_value_breaking_a_rule_is_caught_and_fill_mends_it(value, problem) -> None:
    body = bodies()["ADMIN_NOTICE"]
    assert any(problem in found for found in value_problems(body, {"1": value}))
    assert value_problems(body, fill(body, {"1": value})) == []


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(list(bodies())),
       values=st.lists(st.text(max_size=1500), min_size=5, max_size=5))  # fmt: skip
def test_fill_makes_any_values_valid_and_keeps_what_fits(name, values) -> None:
    body = bodies()[name]
    given_values = {str(n): value for n, value in enumerate(values, 1)}
    filled = fill(body, given_values)
    assert set(filled) == set(placeholders(body))
    assert value_problems(body, filled) == []
    whole = {key: one_line(given_values[key]) for key in filled}
    if len(render(body, whole)) <= BODY_LENGTH:
        assert filled == whole  # nothing is cut that fits
    else:
        assert any(value.endswith("…") for value in filled.values())


def test_a_long_line_is_cut_at_a_word_with_an_ellipsis() -> None:
    body = bodies()["EXPERT_SCHEDULE"]
    sessions = " · ".join(f"{9 + n}.00 WIB Koperasi Nomor {n} (Manajemen dan Keuangan) "
                          f"EK-00{n:02d} https://zoom.us/j/{n:011d}"
                          for n in range(20))  # fmt: skip
    filled = fill(body, {"1": "Rabu, 2 Desember 2026", "2": "20", "3": sessions})
    assert filled["3"].endswith("…") and filled["1"] == "Rabu, 2 Desember 2026"
    assert len(body.replace("{{1}}", filled["1"]).replace("{{2}}", "20")
               .replace("{{3}}", filled["3"])) <= BODY_LENGTH  # fmt: skip

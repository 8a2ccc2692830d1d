"""The public satisfaction survey (Survei Kepuasan Masyarakat, PermenPANRB 14/2017): its nine
elements, each answered 1–4, and the index computed from them (pure).

Per element the average of its answers (NRR, nilai rata-rata); the index
IKM = Σ (NRR × 1/9) × 25, with the exact 1/9 (the 0.111 often used gives another grade near
a boundary), reported to two decimals and graded A (88.31–100, Sangat Baik), B (76.61–88.30,
Baik), C (65.00–76.60, Kurang Baik), D (25.00–64.99, Tidak Baik). The wording of each
element's question and levels is the catalogue's ([skm.*]).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

# The regulation's nine elements (unsur), in its order.
ELEMENTS = (
    "persyaratan",  # requirements
    "prosedur",  # system, mechanism and procedure
    "waktu",  # time to complete
    "biaya",  # cost / tariff
    "produk",  # product: the specification of the kind of service
    "kompetensi",  # the staff's competence
    "perilaku",  # the staff's behaviour
    "pengaduan",  # handling of complaints, suggestions and input
    "sarana",  # facilities and infrastructure
)
LEVELS = (1, 2, 3, 4)
COMMENT_LENGTH = 1000  # the questionnaire's free comment, as stored
CONVERSION = 25
# (lowest IKM, grade), highest first: A 88.31–100, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99
GRADES = ((Decimal("88.31"), "A"), (Decimal("76.61"), "B"), (Decimal("65.00"), "C"),
          (Decimal("25.00"), "D"))  # fmt: skip


@dataclass(frozen=True)
class Index:
    respondents: int  # who answered at least one element
    nrr: Mapping[str, Fraction]  # per element answered by anyone
    ikm: Decimal | None  # None until every element has an answer
    grade: str | None


def grade_of(ikm: Decimal) -> str:
    for lowest, grade in GRADES:
        if ikm >= lowest:
            return grade
    raise ValueError(f"an IKM below 25 cannot come from answers 1–4: {ikm}")


def ikm_of(nrr: Mapping[str, Fraction]) -> Decimal:
    """IKM from the nine elements' averages: Σ (NRR × 1/9) × 25, exactly, to two decimals."""
    total = sum((Fraction(nrr[element]) * Fraction(1, len(ELEMENTS)) for element in ELEMENTS),
                Fraction(0)) * CONVERSION  # fmt: skip
    return (Decimal(total.numerator) / Decimal(total.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)  # fmt: skip


def index(answers: Iterable[Mapping[str, int | None]]) -> Index:
    """The index of a set of questionnaires, each {element: 1–4, or None when skipped}."""
    sums: dict[str, int] = dict.fromkeys(ELEMENTS, 0)
    counts: dict[str, int] = dict.fromkeys(ELEMENTS, 0)
    respondents = 0
    for questionnaire in answers:
        given = {key: value for key, value in questionnaire.items() if value is not None}
        if unknown := set(given) - set(ELEMENTS):
            raise ValueError(f"not an element of the survey: {sorted(unknown)}")
        if bad := [value for value in given.values() if value not in LEVELS]:
            raise ValueError(f"an answer is 1–4: {bad}")
        respondents += bool(given)
        for key, value in given.items():
            sums[key] += value
            counts[key] += 1
    return index_of_totals(respondents, sums, counts)


def index_of_totals(respondents: int, sums: Mapping[str, int], counts: Mapping[str, int]) -> Index:
    """The index from each element's sum and number of answers (as a database adds them up)."""
    if unknown := (set(sums) | set(counts)) - set(ELEMENTS):
        raise ValueError(f"not an element of the survey: {sorted(unknown)}")
    nrr = {key: Fraction(int(sums[key]), int(counts[key])) for key in ELEMENTS
           if counts.get(key)}  # fmt: skip
    if len(nrr) < len(ELEMENTS):
        return Index(respondents, nrr, None, None)
    ikm = ikm_of(nrr)
    return Index(respondents, nrr, ikm, grade_of(ikm))

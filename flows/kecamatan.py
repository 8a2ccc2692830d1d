"""The 29 kecamatan of Kabupaten Tangerang, matched the way people type them."""

from dataclasses import dataclass

from flows.words import closest, fold, squash

KECAMATAN = (
    "Balaraja", "Cikupa", "Cisauk", "Cisoka", "Curug", "Gunung Kaler", "Jambe", "Jayanti",
    "Kelapa Dua", "Kemiri", "Kosambi", "Kresek", "Kronjo", "Legok", "Mauk", "Mekar Baru",
    "Pagedangan", "Pakuhaji", "Panongan", "Pasar Kemis", "Rajeg", "Sepatan", "Sepatan Timur",
    "Sindang Jaya", "Solear", "Sukadiri", "Sukamulya", "Teluknaga", "Tigaraksa",
)  # fmt: skip

_ABBREVIATIONS = {"ps": "pasar", "psr": "pasar", "gn": "gunung", "gng": "gunung", "tim": "timur"}
_PREFIXES = ("kecamatan", "kec", "kab", "kabupaten", "tangerang", "di")
_BY_KEY = {squash(name): name for name in KECAMATAN}


@dataclass(frozen=True)
class KecamatanMatch:
    name: str
    exact: bool


def match_kecamatan(text: str) -> KecamatanMatch | None:
    """The name as written (case-insensitive), or the nearest one to confirm, or None."""
    words = fold(text).split()
    while words and words[0] in _PREFIXES:
        words = words[1:]
    while words and words[-1] in _PREFIXES:
        words = words[:-1]
    key = "".join(_ABBREVIATIONS.get(word, word) for word in words)
    if not key:
        return None
    if key in _BY_KEY:
        name = _BY_KEY[key]
        return KecamatanMatch(name, exact=" ".join(words) == fold(name))
    near = closest(key, _BY_KEY, cutoff=0.75)
    return KecamatanMatch(_BY_KEY[near], exact=False) if near else None

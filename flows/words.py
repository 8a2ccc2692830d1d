"""Small helpers for understanding short, typo-prone chat replies."""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]")
# What never belongs in a stored text or an XML reply: C0 and C1 controls but tab and newline,
# lone surrogates, the two non-characters XML forbids.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """A user's text as it may be stored and echoed: line ends as \\n, control characters
    (NUL included) removed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def number(text: str) -> int | None:
    """An ASCII number ("3", " 12 "); None for anything else, "²" and "፩" included."""
    text = text.strip()
    return int(text) if text and text.isascii() and text.isdigit() else None



def count(value: int, lang: str = "id") -> str:
    """A count as the language writes it: 4.000 in Indonesian, 4,000 in English."""
    return f"{value:,}".replace(",", "," if lang == "en" else ".")


def shorten(text: str, longest: int) -> str:
    """The text whole when it fits, else cut at a word and ended with "…" (within `longest`)."""
    text = text.strip()
    if len(text) <= longest:
        return text
    cut = text[: longest - 1]
    if " " in cut[longest // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-—") + "…"


@lru_cache(maxsize=8192)  # the lists' own words are folded again at every reply
def fold(text: str) -> str:
    """Lower-case, accents and punctuation removed, spaces collapsed. Only ASCII digits stay
    digits ("²" would otherwise fold to "2")."""
    text = "".join(" " if ch.isdigit() and not ch.isascii() else ch for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NOT_WORD.sub(" ", text.lower())
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=8192)
def squash(text: str) -> str:
    """`fold` without spaces: "Kelapa Dua" and "kelapadua" become one key."""
    return fold(text).replace(" ", "")


def nearest(word: str, vocabulary: Iterable[str], cutoff: float = 0.8) -> tuple[str, float] | None:
    """The word of the vocabulary nearest `word` and how near (0–1, difflib's ratio, computed
    by rapidfuzz: the same answers 15–20 times faster, bench/fuzzy.py), when at least `cutoff`."""
    found = process.extractOne(word, list(vocabulary), scorer=fuzz.ratio,
                               score_cutoff=cutoff * 100)  # fmt: skip
    return (found[0], found[1] / 100) if found else None


def closest(word: str, vocabulary: Iterable[str], cutoff: float = 0.8) -> str | None:
    found = nearest(word, vocabulary, cutoff)
    return found[0] if found else None


def longest_within(
    text: str, options: Mapping[str, Iterable[str]], phrases_only: bool = False
) -> str | None:
    """The key whose word (with `phrases_only`, whose phrase of several words) stands longest
    among the whole words of `text` (already folded)."""
    padded = f" {text} "
    found = [(len(folded), key) for key, words in options.items() for word in words
             if (folded := fold(word)) and (" " in folded or not phrases_only)
             and f" {folded} " in padded]  # fmt: skip
    return max(found)[1] if found else None


def pick(text: str, options: Mapping[str, Iterable[str]], cutoff: float = 0.8) -> str | None:
    """Choose an option key by its number in the list (1-based), a synonym, or a near spelling."""
    found = pick_scored(text, options, cutoff)
    return found[0] if found else None


def pick_scored(
    text: str, options: Mapping[str, Iterable[str]], cutoff: float = 0.8
) -> tuple[str, float] | None:
    """`pick`, and how sure: 1 for a number or a word of the list, else the spelling's nearness."""
    folded = fold(text)
    keys = list(options)
    if (chosen := number(folded)) is not None:
        index = chosen - 1
        return (keys[index], 1.0) if 0 <= index < len(keys) else None
    by_word = {squash(word): key for key, words in options.items() for word in words}
    key = squash(folded)
    if key in by_word:
        return by_word[key], 1.0
    # a phrase of the list inside the reply: "koperasi simpan pinjam"
    if (phrase := longest_within(folded, options, phrases_only=True)) is not None:
        return phrase, 1.0
    for word in folded.split():
        if word in by_word:
            return by_word[word], 1.0
    near = nearest(key, by_word, cutoff)
    return (by_word[near[0]], near[1]) if near else None


def is_emoji_only(text: str) -> bool:
    """Only pictographs (👍, 🙏🏽, ❤️) and the joiners and spaces between them."""
    categories = [unicodedata.category(ch) for ch in text]
    return "So" in categories and all(c in ("So", "Sk", "Mn", "Cf", "Zs", "Cc") for c in categories)

"""Chat Indonesian as cooperatives write it on WhatsApp, made plain before it is read.

`plain("Udh pak, makasih 🙏🙏")` → "sudah terima kasih": lower case, accents and punctuation
gone, emoji gone, letters repeated for emphasis squeezed ("iyaaa" → "iya"), slang and
abbreviations spelt out (udh → sudah, gak → tidak, sy → saya), and the polite words that carry
no meaning (pak, bu, kak, min, dong) left out. `number_in` reads the numbers people type for a
choice or a score: "dua", "yang kedua", "no. 3", "5️⃣", "⭐⭐⭐⭐", "4/5", "nilai 4".
"""

import re
import unicodedata

from flows.date_words import NUMBER_WORDS as DATE_NUMBER_WORDS
from flows.words import fold, number

# Slang and abbreviations → the word the parsers know.
SLANG = {
    "udh": "sudah", "udah": "sudah", "sdh": "sudah", "sudh": "sudah", "dah": "sudah",
    "gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak", "ngga": "tidak",
    "enggak": "tidak", "engga": "tidak", "ndak": "tidak", "tdk": "tidak", "tak": "tidak",
    "kagak": "tidak", "nda": "tidak", "g": "tidak", "bkn": "bukan", "gpp": "tidak apa apa",
    "blm": "belum", "belom": "belum", "blum": "belum",
    "sy": "saya", "aku": "saya", "yg": "yang", "krn": "karena", "karna": "karena",
    "tp": "tapi", "dgn": "dengan", "utk": "untuk", "jg": "juga", "sm": "sama",
    "bs": "bisa", "lg": "lagi", "aja": "saja", "aj": "saja", "sj": "saja",
    "kmbali": "kembali", "kmbl": "kembali", "kembaliin": "kembali", "balikin": "kembali",
    "makasih": "terima kasih", "makasi": "terima kasih", "trims": "terima kasih",
    "tks": "terima kasih", "thx": "thanks", "mksh": "terima kasih", "trimakasih": "terima kasih",
    "terimakasih": "terima kasih",
    "iy": "iya", "yoi": "iya", "yups": "iya", "he eh": "iya", "heeh": "iya", "ehe": "iya",
    "ok": "oke", "okey": "oke", "okay": "oke", "okee": "oke", "sip": "oke", "siap": "oke",
    "kelar": "selesai", "beres": "selesai", "clear": "selesai",
    "batalin": "batalkan", "konsul": "konsultasi", "gapapa": "tidak apa apa",
    "gakpapa": "tidak apa apa", "nggakpapa": "tidak apa apa",
    "mantap": "bagus", "mantab": "bagus", "mantul": "bagus",
}  # fmt: skip
# Polite words and fillers that change nothing in a reply.
POLITE = frozenset(
    "pak bu bpk ibu kak ka kakak min mimin admin mas mbak mba bang om tante dong deh kok sih "
    "nih tuh lho loh ya kah nya hehe hihi wkwk".split()
)
# "ya" is a yes on its own; among other words ("sudah ya pak") it is only politeness.
ALONE = frozenset({"ya"})

# The number words the dates read too, but "se" (a prefix, as in "sehari", not a number).
NUMBER_WORDS = {word: value for word, value in DATE_NUMBER_WORDS.items() if word != "se"}
ORDINALS = {"pertama": 1, "kesatu": 1, "kedua": 2, "ketiga": 3, "keempat": 4, "kelima": 5,
            "keenam": 6, "ketujuh": 7, "kedelapan": 8, "kesembilan": 9, "kesepuluh": 10,
            "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}  # fmt: skip


_REPEATS = re.compile(r"([a-z])\1{2,}")  # three or more of a letter: emphasis
_LONG_END = re.compile(r"([aeiou])\1+$")  # "iyaa", "okee"
_KEYCAP = re.compile("([0-9])\ufe0f?\u20e3")  # 5️⃣
_STARS = re.compile("[\u2b50\u2605\U0001f31f]")  # ⭐ ★ 🌟
_OUT_OF = re.compile(r"\b([0-9]{1,2})\s*/\s*(?:5|10)\b")  # 4/5


def _no_emoji(text: str) -> str:
    return "".join(" " if unicodedata.category(ch) in ("So", "Sk", "Cs") or ch in "\ufe0f\u200d"
                   else ch for ch in text)  # fmt: skip


def words_of(text: str, polite: bool = False) -> list[str]:
    """The reply's words, plain; with `polite`, the polite words are kept."""
    text = _KEYCAP.sub(r" \1 ", text)
    folded = fold(_no_emoji(text).replace("'", "").replace("’", ""))
    out: list[str] = []
    for word in folded.split():
        word = _LONG_END.sub(r"\1", _REPEATS.sub(r"\1", word))
        out.extend(SLANG.get(word, word).split())
    if polite:
        return out
    kept = [word for word in out if word not in POLITE]
    if not kept and out and set(out) <= ALONE:
        return out
    return kept


def plain(text: str) -> str:
    return " ".join(words_of(text))


def number_in(text: str, largest: int) -> int | None:
    """A choice or score from 1 to `largest` in the reply, when it names exactly one."""
    stars = len(_STARS.findall(text))
    if stars and not fold(_STARS.sub(" ", _no_emoji(text))).strip():
        return stars if 1 <= stars <= largest else None
    if found := _OUT_OF.search(text):
        text = found[1]
    found: list[int] = []
    for word in words_of(text, polite=True):
        value = number(word)
        value = value if value is not None else NUMBER_WORDS.get(word, ORDINALS.get(word))
        if value is not None:
            found.append(value)
    if len(set(found)) != 1:
        return None
    value = found[0]
    return value if 1 <= value <= largest else None


# --- intents -------------------------------------------------------------------------------------

YES = frozenset("ya iya y yes yep yup yap yoi oke betul benar bener setuju boleh lanjut "
                "lanjutkan mau sure yeah tentu baik".split())  # fmt: skip
NO = frozenset("tidak no n nope bukan jangan salah belum".split())
THUMBS_UP = ("👍", "👌", "🙆", "✅", "🆗")
FINE = ("tidak apa apa", "tidak papa", "tidak masalah")


def yes_no(text: str) -> bool | None:
    """True for a yes ("iyaa", "ya betul pak", "he'eh", 👍), False for a no ("gk", "bkn",
    "ga bener", "nggak"), None when the reply is neither or both."""
    words = words_of(text)
    if not words:
        return True if any(mark in text for mark in THUMBS_UP) else None
    said = " ".join(words)
    for phrase in FINE:  # "gpp", "ga masalah": no objection, a yes
        if said == phrase or said.startswith(phrase + " "):
            words = ["oke", *said.removeprefix(phrase).split()]
    first, rest = words[0], set(words[1:])
    if first in NO or (first not in YES and rest & {"tidak", "bukan"} and not rest & YES):
        return False
    if first in YES and not rest & NO:
        return True
    return None


def has_any(text: str, phrases: frozenset[str]) -> bool:
    """Does the plain reply contain one of the (plain) phrases, as whole words?"""
    padded = f" {plain(text)} "
    return any(f" {phrase} " in padded for phrase in phrases)

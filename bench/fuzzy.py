"""Near spellings of the closed lists: difflib (the standard library) against rapidfuzz, on
the lists the bot reads (menu, kinds, roles, topics, problem areas, kecamatan, admin verbs).

For every word of every list, every one-edit misspelling (a letter dropped, doubled, swapped
with the next, or replaced by a keyboard neighbour) is a reply that should be read as that
choice; words of the other lists and common replies are replies that should match nothing.
Printed: the share of misspellings found, the share of wrong matches, and the time per lookup.

Run: .venv/bin/python -m bench.fuzzy
"""

import time
from difflib import get_close_matches

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from flows.admin import VERBS
from flows.choices import COOP_KINDS, MAIN_MENU, PROBLEM_AREAS, ROLES, TOPICS
from flows.kecamatan import KECAMATAN
from flows.words import squash

NEIGHBOURS = dict(zip("qwertyuiopasdfghjklzxcvbnm", "wqrtyuiopsadfghjklkxcvbnmn", strict=True))
OTHER = ["halo", "terima kasih", "ya", "tidak", "sudah", "belum", "menu", "batal", "pak", "bu",
         "oke", "siap", "mantap", "besok", "senin", "jam", "nanti", "mohon", "info", "tes"]


def misspellings(word: str) -> set[str]:
    out = set()
    for i in range(len(word)):
        out.add(word[:i] + word[i + 1 :])
        out.add(word[:i] + word[i] + word[i:])
        if i + 1 < len(word):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
        if word[i] in NEIGHBOURS:
            out.add(word[:i] + NEIGHBOURS[word[i]] + word[i + 1 :])
    return {w for w in out if w != word and len(w) >= 3}


def lists() -> dict[str, dict[str, str]]:
    """Each list as spelling -> key (squashed, as the bot compares them)."""
    found = {}
    for choices in (MAIN_MENU, COOP_KINDS, ROLES, TOPICS, PROBLEM_AREAS):
        found[choices.table] = {squash(w): key for key, words in choices.vocabulary.items()
                                for w in words}  # fmt: skip
    found["kecamatan"] = {squash(name): name for name in KECAMATAN}
    found["verbs"] = {squash(word): str(verb) for word, verb in VERBS.items()}
    return found


def by_difflib(word, vocabulary, cutoff):
    near = get_close_matches(word, vocabulary, n=1, cutoff=cutoff)
    return near[0] if near else None


def by_ratio(word, vocabulary, cutoff):
    near = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff * 100)
    return near[0] if near else None


def by_damerau(word, vocabulary, cutoff):
    near = process.extractOne(word, vocabulary, scorer=DamerauLevenshtein.normalized_similarity,
                              score_cutoff=cutoff)  # fmt: skip
    return near[0] if near else None


MATCHERS = {"difflib": by_difflib, "rapidfuzz ratio": by_ratio,
            "rapidfuzz damerau": by_damerau}  # fmt: skip


def main() -> None:
    every = lists()
    for cutoff in (0.75, 0.8, 0.85):
        print(f"cutoff {cutoff}")
        for label, match in MATCHERS.items():
            found = tried = wrong = strangers = lookups = 0
            started = time.perf_counter()
            for table, vocabulary in every.items():
                words = list(vocabulary)
                for word, key in vocabulary.items():
                    for typo in misspellings(word):
                        if typo in vocabulary:
                            continue
                        near = match(typo, words, cutoff)
                        lookups, tried = lookups + 1, tried + 1
                        if near is not None and vocabulary[near] == key:
                            found += 1
                        elif near is not None:
                            wrong += 1
                others = [w for t, v in every.items() if t != table for w in v] + OTHER
                for other in others:
                    if squash(other) in vocabulary:
                        continue
                    lookups += 1
                    strangers += match(squash(other), words, cutoff) is not None
            elapsed = (time.perf_counter() - started) / lookups
            print(f"  {label:18} found {found / tried:6.1%}  wrong key {wrong / tried:5.1%}  "
                  f"strangers matched {strangers / (lookups - tried):5.1%}  "
                  f"{elapsed * 1e6:6.1f} µs/lookup")  # fmt: skip


if __name__ == "__main__":
    main()

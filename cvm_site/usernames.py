"""One key per username that looks the same: case, width and look-alike letters folded away.

"Alice", "ALICE", "ａｌｉｃｅ" (full width) and "аlice" (a Cyrillic а) all read as alice, so
they share one key, and the database keeps keys unique. The look-alike table is Unicode's
confusables list (shipped by `confusable_homoglyphs`): every group of look-alikes is folded to
one representative, an ASCII letter where the group has one, as Unicode's skeleton (UTS #39) does.
"""

import json
import unicodedata
from functools import cache
from pathlib import Path

import confusable_homoglyphs
from confusable_homoglyphs import confusables


def _rank(char: str) -> tuple:
    """Which member of a look-alike group stands for it: an ASCII lowercase letter first."""
    return (not char.isascii(), not char.islower(), not char.isalpha(), char)


@cache
def _look_alikes() -> dict[str, str]:
    table = json.loads(
        (Path(confusable_homoglyphs.__file__).parent / "confusables.json").read_text("utf-8")
    )
    parent: dict[str, str] = {}

    def find(char: str) -> str:
        while parent.setdefault(char, char) != char:
            parent[char] = parent[parent[char]]
            char = parent[char]
        return char

    for char, glyphs in table.items():
        for glyph in glyphs:
            other = glyph["c"].strip("\u200e")
            if len(char) == 1 and len(other) == 1:
                a, b = find(char), find(other)
                if a != b:
                    parent[max(a, b, key=_rank)] = min(a, b, key=_rank)
    return {char: find(char) for char in parent if find(char) != char}


def canonical(username: str) -> str:
    """The key two usernames share when a reader could take one for the other."""
    folded = unicodedata.normalize("NFKC", username).casefold()
    look_alikes = _look_alikes()
    skeleton = "".join(look_alikes.get(char, char) for char in folded)
    return unicodedata.normalize("NFKC", skeleton).casefold()


def mixes_scripts(username: str) -> bool:
    """True when letters of several alphabets are mixed with look-alikes among them: "pаypal"."""
    return bool(confusables.is_dangerous(username))

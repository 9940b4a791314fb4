"""Traditional characters read as simplified, one code point for one, so offsets stay valid.

Word lists are matched on the copy; everything reported is cut from the original text.
"""

from __future__ import annotations

import re
from functools import cache

from online_economy import paths
from online_economy.errors import InputError
from online_economy.reference import read_csv


@cache
def _table() -> dict[int, int]:
    """The code-point pairs (written ``U+5104``) of ``traditional_simplified.csv``."""
    frame = read_csv(paths.REFERENCE / "traditional_simplified.csv", ["traditional", "simplified"])
    pairs = list(zip(frame["traditional"], frame["simplified"], strict=True))
    if not frame["traditional"].is_unique or not all(
        re.fullmatch(r"U\+[0-9A-F]{4,6}", cell) for pair in pairs for cell in pair
    ):
        raise InputError("traditional_simplified.csv: a bad or repeated code point")
    return {int(t[2:], 16): int(s[2:], 16) for t, s in pairs}


def to_simplified(text: str) -> str:
    """``text`` with traditional characters replaced 1:1 (same length, same offsets)."""
    return text.translate(_table())

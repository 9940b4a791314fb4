"""Traditional characters read as simplified, one code point for one, so offsets stay valid."""

from functools import cache

from online_economy import paths
from online_economy.reference import read_csv


@cache
def _table() -> dict[int, int]:
    """The code-point pairs (written ``U+5104``) of ``traditional_simplified.csv``."""
    frame = read_csv(paths.REFERENCE / "traditional_simplified.csv", ["traditional", "simplified"])
    pairs = zip(frame["traditional"], frame["simplified"], strict=True)
    return {int(t.removeprefix("U+"), 16): int(s.removeprefix("U+"), 16) for t, s in pairs}


def to_simplified(text: str) -> str:
    """``text`` with traditional characters replaced 1:1 (same length, same offsets)."""
    return text.translate(_table())

"""Traditional characters read as simplified, one code point for one, so offsets stay valid."""

from functools import cache

from online_economy import paths
from online_economy.reference import read_csv


@cache
def _table() -> dict[int, int]:
    """The code-point pairs (written ``U+5104``) of ``traditional_simplified.csv``."""
    frame = read_csv(paths.REFERENCE / "traditional_simplified.csv", ["traditional", "simplified"])
    return dict(frame.map(lambda code: int(code.removeprefix("U+"), 16)).itertuples(index=False))


def to_simplified(text: str) -> str:
    """``text`` with traditional characters replaced 1:1 (same length, same offsets)."""
    return text.translate(_table())

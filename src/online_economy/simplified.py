"""Traditional characters read as simplified, one character for one, so offsets stay valid.

The parser and the quantity extractor match their word lists (simplified) against a
*copy* of the text in which every traditional character of
``data/reference/traditional_simplified.csv`` (code points written ``U+5104``, so that the
file needs no glyph of the bundled font) is replaced by its simplified form. The
table maps one code point to one code point, so an offset into the copy is the same
offset into the original text; everything reported (surfaces, turn texts, party names)
is then cut from the original.
"""

from __future__ import annotations

import csv
import re
from functools import cache

from online_economy import paths
from online_economy.errors import InputError


@cache
def _table() -> tuple[dict[int, int], re.Pattern[str]]:
    """(translation table, a pattern matching any traditional character of the table)."""
    path = paths.REFERENCE / "traditional_simplified.csv"
    table: dict[int, int] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != ["traditional", "simplified"]:
            raise InputError(f"{path.name}: expected columns traditional,simplified")
        for row in reader:
            t, s = _code_point(row["traditional"]), _code_point(row["simplified"])
            if t is None or s is None or t in table:
                raise InputError(f"{path.name}: bad row {row}")
            table[t] = s
    chars = "".join(sorted(chr(c) for c in table))
    return table, re.compile("[" + re.escape(chars) + "]")


def _code_point(field: str) -> int | None:
    """``U+5104`` -> 0x5104, or None."""
    if re.fullmatch(r"U\+[0-9A-F]{4,6}", field or ""):
        return int(field[2:], 16)
    return None


def to_simplified(text: str) -> str:
    """``text`` with traditional characters replaced 1:1 (same length, same offsets)."""
    table, pattern = _table()
    return text.translate(table) if pattern.search(text) else text

"""The glossary of Chinese terms: loading it and showing it with where each term first appears."""

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from online_economy import paths
from online_economy.errors import InputError
from online_economy.reference import read_csv, reject

GLOSSARY = paths.REFERENCE / "glossary.csv"
COLUMNS = ["term", "pinyin", "gloss_en", "first_start", "first_end", "note"]
TURN_COLUMNS = ["start", "end", "role", "party", "exchange"]
NOT_IN_TRANSCRIPT = "not in the transcript"


def load_glossary(path: Path | None = None) -> pd.DataFrame:
    """Read ``data/reference/glossary.csv``; offsets are nullable integers (empty = absent)."""
    frame = read_csv(GLOSSARY if path is None else path, COLUMNS)
    terms = frame["term"]
    reject(frame, terms.eq("") | terms.duplicated(), "every term must be present and unique")
    for col in ("first_start", "first_end"):
        reject(frame, ~frame[col].str.fullmatch(r"\d*"), f"{col} is not a whole number")
        frame[col] = pd.to_numeric(frame[col].replace("", None)).astype("Int64")
    half = frame["first_start"].isna() != frame["first_end"].isna()
    reject(frame, half, "{} has only one of its two offsets", terms)
    return frame


def _where(start: int, end: int, turns: pd.DataFrame | None) -> str:
    """``answer 1 (刘平), char 123``: the turn holding [start, end), if any, and the offset."""
    if turns is None:
        return f"char {start}"
    inside = turns[(turns["start"] <= start) & (turns["end"] >= end)]
    if inside.empty:
        return f"char {start} (outside the turns)"
    role, party, exchange = inside.iloc[0][["role", "party", "exchange"]]
    number = f" {int(exchange)}" if pd.notna(exchange) else ""
    who = f" ({party})" if pd.notna(party) and party else ""
    return f"{role}{number}{who}, char {start}"


def glossary_table(terms: Iterable[str] | None = None,
                   turns: pd.DataFrame | None = None) -> pd.DataFrame:
    """Term, pinyin, English and where it first appears, for ``terms`` (all if None) in order;
    ``turns`` (such as ``parse_transcript(text).turns_frame()``) places them in turns."""
    glossary = load_glossary()
    if terms is not None:
        terms = list(terms)
        if unknown := [t for t in terms if t not in set(glossary["term"])]:
            raise InputError(f"not in the glossary: {', '.join(unknown)}")
        glossary = glossary.set_index("term").loc[terms].reset_index()
    if turns is not None and (missing := [c for c in TURN_COLUMNS if c not in turns.columns]):
        raise InputError(f"the turns table lacks columns: {', '.join(missing)}")
    offsets = zip(glossary["first_start"], glossary["first_end"], strict=True)
    first = [NOT_IN_TRANSCRIPT if pd.isna(a) else _where(int(a), int(b), turns) for a, b in offsets]
    return pd.DataFrame({"term": glossary["term"], "pinyin": glossary["pinyin"],
                         "English": glossary["gloss_en"], "first appears": first})

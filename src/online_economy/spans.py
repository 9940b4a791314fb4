"""One checker for every offset a data CSV cites into the raw transcript (the columns are
described under "Offsets" in data/reference/README.md); a span mapped to :data:`LINE` must cover
one whole paragraph (without its indent)."""

import re

import pandas as pd

LINE = "<whole paragraph>"
#: file stem -> span name -> quote column (or LINE), for spans without an ``<x>`` column.
QUOTE_COLUMN_FOR: dict[str, dict[str, str]] = {
    "categories": {"name": "name_zh", "definition": "definition_zh", "paragraph": LINE},
    "domains": {"assign": "name_zh"}, "entities": {"first": "name"}, "glossary": {"first": "term"},
}


def _offset(value: object) -> int | str | None:
    """An offset cell as int, None if empty, or the offending text."""
    text = "" if pd.isna(value) else str(value).strip()
    return int(text) if text.isdigit() else (text or None)


def check_spans(frame: pd.DataFrame, text: str, name: str = "<frame>") -> list[str]:
    """Problems with every span a data CSV (as a frame, from file ``name``) cites; [] if none."""
    problems = []
    names = (re.fullmatch(r"(.+)_(?:start|end)", str(c)) for c in frame.columns)
    for span in sorted({m[1] for m in names if m}):  # the <x> of each <x>_start, <x>_end
        column = span if span in frame.columns else QUOTE_COLUMN_FOR.get(name, {}).get(span)
        if missing := [c for c in (f"{span}_start", f"{span}_end") if c not in frame.columns]:
            problems.append(f"{name}: column {missing[0]} has no partner")
        elif column is None:
            problems.append(f"{name}: no quote column for {span}_start/{span}_end "
                            f"(add a column {span!r} or an entry in spans.QUOTE_COLUMN_FOR)")
        elif column not in (LINE, *frame.columns):
            problems.append(f"{name}: quote column {column!r} missing")
        else:
            problems += _row_problems(frame, text, name, span, column)
    return problems


def _row_problems(frame: pd.DataFrame, text: str, name: str, span: str, column: str) -> list[str]:
    """Problems with ``span`` in each row that cites it (both offsets empty: no citation)."""
    problems = []
    quotes = frame[column] if column in frame.columns else [None] * len(frame)
    cells = zip(frame[f"{span}_start"], frame[f"{span}_end"], quotes, strict=True)
    for row, (start_cell, end_cell, quote_cell) in enumerate(cells):
        start, end = _offset(start_cell), _offset(end_cell)
        quote = None if pd.isna(quote_cell) or str(quote_cell) == "" else str(quote_cell)
        if start is None and end is None:
            continue
        where = f"{name} line {row + 2} {span}_start/{span}_end"
        if not (isinstance(start, int) and isinstance(end, int)):
            problems.append(f"{where}: offsets {start!r}, {end!r} are not both integers")
        elif not 0 <= start < end <= len(text):
            problems.append(f"{where}: {start}..{end} is not inside the text (0..{len(text)})")
        elif column == LINE:
            line_start = text.rfind("\n", 0, start) + 1
            body = text[start:end]
            if (text[line_start:start].strip(" \u3000") or text[end:end + 1] not in ("", "\n")
                    or "\n" in body or body != body.strip()):
                problems.append(f"{where}: {start}..{end} is not one whole paragraph")
        elif quote is None:
            problems.append(f"{where}: span given but {column} is empty")
        elif text[start:end] != quote:
            problems.append(f"{where}: text[{start}:{end}] is {text[start:end]!r}, not {quote!r}")
        elif span == "first" and (first := text.find(quote)) != start:
            problems.append(f"{where}: first occurrence of {quote!r} is at {first}")
    return problems

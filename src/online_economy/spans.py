"""One checker for every offset a data CSV cites into the raw transcript.

A span is a pair of columns ``<x>_start`` / ``<x>_end`` (offsets into the decoded text, end
exclusive, both empty = no span) that must cover the words in column ``<x>``, else in the
column :data:`QUOTE_COLUMN_FOR` names. A span ``first`` must be the first occurrence of its
quote; a span mapped to :data:`LINE` must cover one whole paragraph (without its indent).
"""

import re
from pathlib import Path

import pandas as pd

from online_economy import paths

SPAN_FOLDERS = ("reference", "external")  # the folders under data/ whose CSVs may cite spans
LINE = "<whole paragraph>"
#: file stem -> span name -> quote column (or LINE), for spans without an ``<x>`` column.
QUOTE_COLUMN_FOR: dict[str, dict[str, str]] = {
    "categories": {"name": "name_zh", "definition": "definition_zh", "paragraph": LINE},
    "domains": {"assign": "name_zh"}, "entities": {"first": "name"}, "glossary": {"first": "term"},
}
SPAN_COLUMNS = ["file", "row", "span", "start", "end", "quote", "found"]


def span_files(data: Path | None = None) -> list[Path]:
    """Every CSV in the :data:`SPAN_FOLDERS` of ``data`` (default ``data/``), sorted by folder."""
    root = paths.DATA if data is None else Path(data)
    return [csv for folder in SPAN_FOLDERS for csv in sorted((root / folder).glob("*.csv"))]


def quote_column(frame: pd.DataFrame, name: str, span: str) -> str | None:
    """The quote column for ``span`` in file ``name`` (LINE, or None if there is none)."""
    return span if span in frame.columns else QUOTE_COLUMN_FOR.get(name, {}).get(span)


def _spans(frame: pd.DataFrame) -> list[str]:
    """The ``<x>`` of every ``<x>_start`` or ``<x>_end`` column of ``frame``."""
    names = (re.fullmatch(r"(.+)_(?:start|end)", str(c)) for c in frame.columns)
    return sorted({m[1] for m in names if m})


def _offset(value: object) -> int | str | None:
    """An offset cell as int, None if empty, or the offending text."""
    text = "" if pd.isna(value) else str(value).strip()
    return int(text) if text.isdigit() else (text or None)


def cited_spans(frame: pd.DataFrame, text: str, name: str = "") -> pd.DataFrame:
    """One row per cited span (both offsets empty: none): quote and text[start:end] (or None)."""
    records = []
    for span in _spans(frame):
        column = quote_column(frame, name, span)
        if {f"{span}_start", f"{span}_end"} <= set(frame.columns):
            quotes = frame[column] if column in frame.columns else [None] * len(frame)
            cells = zip(frame[f"{span}_start"], frame[f"{span}_end"], quotes, strict=True)
            for row, (start, end, quote) in enumerate(cells):
                start, end = _offset(start), _offset(end)
                quote = None if pd.isna(quote) or str(quote) == "" else str(quote)
                found = text[start:end] if isinstance(start, int) and isinstance(end, int) else None
                if start is not None or end is not None:
                    records.append((name, row, span, start, end, quote, found))
    return pd.DataFrame.from_records(records, columns=SPAN_COLUMNS)


def check_spans(path_or_frame: Path | str | pd.DataFrame, text: str, name: str = "") -> list[str]:
    """Problems with every span a data CSV (path or frame) cites; [] means all good."""
    if isinstance(path_or_frame, pd.DataFrame):
        frame, name = path_or_frame, name or "<frame>"
    else:
        frame = pd.read_csv(path_or_frame, dtype=str, keep_default_na=False, encoding="utf-8")
        name = name or Path(path_or_frame).stem
    problems = []
    for span in _spans(frame):
        column = quote_column(frame, name, span)
        if missing := [c for c in (f"{span}_start", f"{span}_end") if c not in frame.columns]:
            problems.append(f"{name}: column {missing[0]} has no partner")
        elif column is None:
            problems.append(f"{name}: no quote column for {span}_start/{span}_end "
                            f"(add a column {span!r} or an entry in spans.QUOTE_COLUMN_FOR)")
        elif column not in (LINE, *frame.columns):
            problems.append(f"{name}: quote column {column!r} missing")
    for rec in [] if problems else cited_spans(frame, text, name).itertuples(index=False):
        where = f"{name} line {rec.row + 2} {rec.span}_start/{rec.span}_end"
        start, end, quote = rec.start, rec.end, rec.quote
        column = quote_column(frame, name, rec.span)
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
        elif rec.found != quote:
            problems.append(f"{where}: text[{start}:{end}] is {rec.found!r}, not {quote!r}")
        elif rec.span == "first" and (first := text.find(quote)) != start:
            problems.append(f"{where}: first occurrence of {quote!r} is at {first}")
    return problems


"""One checker for every offset a reference file cites into the raw transcript.

Convention: a file cites a span with a pair of columns ``<x>_start`` / ``<x>_end``
(character offsets into the decoded transcript, end exclusive; both empty = no span).
The words the span must cover are in column ``<x>`` if the file has one; otherwise in
the column that :data:`QUOTE_COLUMN_FOR` names for that file and span. A span named
``first`` must be the first occurrence of its quote. A span mapped to :data:`LINE`
has no quote column: it must cover one whole paragraph (a line without its indent).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from online_economy import paths

#: Folders under ``data/`` whose CSV files may cite spans of the raw transcript.
SPAN_FOLDERS = ("reference", "external")

LINE = "<whole paragraph>"

#: file stem -> span name -> quote column (or LINE), for spans without an ``<x>`` column.
QUOTE_COLUMN_FOR: dict[str, dict[str, str]] = {
    "categories": {
        "name": "name_zh",
        "definition": "definition_zh",
        "paragraph": LINE,
    },
    "domains": {"assign": "name_zh"},
    "entities": {"first": "name"},
    "glossary": {"first": "term"},
}

_START = re.compile(r"^(?P<x>.+)_start$")
SPAN_COLUMNS = ("file", "row", "span", "start", "end", "quote", "found")


def span_files(data: Path | None = None) -> list[Path]:
    """Every CSV in the :data:`SPAN_FOLDERS` of ``data`` (default ``data/``), sorted by folder."""
    root = paths.DATA if data is None else Path(data)
    return [csv for folder in SPAN_FOLDERS for csv in sorted((root / folder).glob("*.csv"))]


def span_names(frame: pd.DataFrame) -> list[str]:
    """The ``<x>`` of every ``<x>_start`` / ``<x>_end`` column present in ``frame``."""
    names = []
    for col in frame.columns:
        match = _START.match(str(col))
        if match:
            names.append(match["x"])
    names += [str(c)[: -len("_end")] for c in frame.columns if str(c).endswith("_end")]
    return sorted(set(names))


def quote_column(frame: pd.DataFrame, name: str, span: str) -> str | None:
    """The quote column for ``span`` in file ``name`` (LINE, or None if there is none)."""
    if span in frame.columns:
        return span
    return QUOTE_COLUMN_FOR.get(name, {}).get(span)


def _offset(value: object) -> int | str | None:
    """An offset cell as int, None if empty, or the offending text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    if text == "":
        return None
    return int(text) if text.isdigit() else text


def cited_spans(frame: pd.DataFrame, text: str, name: str = "") -> pd.DataFrame:
    """One row per cited span: file, row, span, start, end, quote and text[start:end].

    Rows whose offsets are both empty are skipped; unreadable offsets give ``found`` None.
    """
    records = []
    for span in span_names(frame):
        column = quote_column(frame, name, span)
        if f"{span}_start" not in frame.columns or f"{span}_end" not in frame.columns:
            continue
        for row, (start, end) in enumerate(
            zip(frame[f"{span}_start"], frame[f"{span}_end"], strict=True)
        ):
            start, end = _offset(start), _offset(end)
            if start is None and end is None:
                continue
            quote = None
            if column not in (None, LINE):
                cell = frame[column].iloc[row]
                quote = None if pd.isna(cell) or str(cell) == "" else str(cell)
            ok = isinstance(start, int) and isinstance(end, int)
            found = text[start:end] if ok else None
            records.append((name, row, span, start, end, quote, found))
    return pd.DataFrame.from_records(records, columns=list(SPAN_COLUMNS))


def _is_paragraph(text: str, start: int, end: int) -> bool:
    """True if text[start:end] is a whole line of ``text`` without its leading indent."""
    line_start = text.rfind("\n", 0, start) + 1
    indent_ok = text[line_start:start].strip(" \u3000") == ""
    end_ok = end == len(text) or text[end] == "\n"
    body = text[start:end]
    return indent_ok and end_ok and "\n" not in body and body == body.strip()


def _problems_for(frame: pd.DataFrame, text: str, name: str) -> list[str]:
    """Every problem with the spans of one frame."""
    problems = []
    for span in span_names(frame):
        missing = [c for c in (f"{span}_start", f"{span}_end") if c not in frame.columns]
        if missing:
            problems.append(f"{name}: column {missing[0]} has no partner")
        elif quote_column(frame, name, span) is None:
            problems.append(
                f"{name}: no quote column for {span}_start/{span}_end "
                f"(add a column {span!r} or an entry in spans.QUOTE_COLUMN_FOR)"
            )
        elif quote_column(frame, name, span) not in (LINE, *frame.columns):
            problems.append(f"{name}: quote column {quote_column(frame, name, span)!r} missing")
    if problems:
        return problems
    for rec in cited_spans(frame, text, name).itertuples(index=False):
        where = f"{name} line {rec.row + 2} {rec.span}_start/{rec.span}_end"
        start, end = rec.start, rec.end
        if not (isinstance(start, int) and isinstance(end, int)):
            problems.append(f"{where}: offsets {start!r}, {end!r} are not both integers")
            continue
        if not 0 <= start < end <= len(text):
            problems.append(f"{where}: {start}..{end} is not inside the text (0..{len(text)})")
            continue
        column = quote_column(frame, name, rec.span)
        if column == LINE:
            if not _is_paragraph(text, start, end):
                problems.append(f"{where}: {start}..{end} is not one whole paragraph")
            continue
        if rec.quote is None:
            problems.append(f"{where}: span given but {column} is empty")
        elif rec.found != rec.quote:
            problems.append(f"{where}: text[{start}:{end}] is {rec.found!r}, not {rec.quote!r}")
        elif rec.span == "first" and text.find(rec.quote) != start:
            first = text.find(rec.quote)
            problems.append(f"{where}: first occurrence of {rec.quote!r} is at {first}")
    return problems


def check_spans(path_or_frame: Path | str | pd.DataFrame, text: str, name: str = "") -> list[str]:
    """Problems with every span a data CSV (path or frame) cites; [] means all good."""
    if isinstance(path_or_frame, pd.DataFrame):
        return _problems_for(path_or_frame, text, name or "<frame>")
    path = Path(path_or_frame)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return _problems_for(frame, text, name or path.stem)

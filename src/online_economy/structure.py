"""The source and its structure: provenance, the parts of the raw text, turns and topics.

Small tables for notebook 01: every row keeps the character offsets (into the decoded
text) of what it describes, and every count is computed from the text itself.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd

from online_economy import paths
from online_economy.errors import InputError
from online_economy.parse import ParsedTranscript
from online_economy.source import sha256_file

TOPICS = paths.REFERENCE / "topics.csv"
TOPIC_COLUMNS = ["exchange", "topic_en", "topic", "topic_start", "topic_end"]

#: How the parser treats each kind of part (a description of ``online_economy.parse``).
HANDLING: dict[str, str] = {
    "title": "kept as parsed.title; not speech",
    "date": "kept as parsed.date; the page's date, not the event's",
    "label": "starts a turn; the speaker gives the role (question, answer, moderator)",
    "body": "the speech: split into paragraphs and sentences",
    "headline": "reported in parsed.artefacts; kept out of every turn",
    "furniture": "reported in parsed.furniture; kept out of every turn",
    "space": "blank lines, indents and line breaks",
    "other": "reported in parsed.artefacts; not assigned to a turn",
}

#: (name, ASCII form, full-width form) of the marks that exist in both widths.
PUNCTUATION_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("comma", ",", "，"),
    ("colon", ":", "："),
    ("semicolon", ";", "；"),
    ("question mark", "?", "？"),
    ("exclamation mark", "!", "！"),
    ("full stop", ".", "。"),
    ("left parenthesis", "(", "（"),
    ("right parenthesis", ")", "）"),
)
#: Characters of category P* that are not treated as punctuation (a sign, not a mark).
NOT_PUNCTUATION = frozenset("%％‰")
#: ASCII marks that, between two digits, belong to a number (274.35, 1,000).
NUMBER_SEPARATORS = frozenset(".,")


# --- provenance ----------------------------------------------------------------


def load_provenance(path: Path | None = None) -> dict[str, Any]:
    """The provenance record (JSON) of the raw transcript."""
    path = paths.PROVENANCE if path is None else Path(path)
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the provenance record {path.name}: {exc}") from None


def provenance_check(
    path: Path | None = None, provenance: Path | None = None
) -> pd.DataFrame:
    """Recorded vs measured bytes, characters, line endings and sha256 of the raw file.

    Columns: field, recorded, measured, ok. Characters are counted after UTF-8 decoding.
    """
    path = paths.TRANSCRIPT if path is None else Path(path)
    record = load_provenance(provenance)
    data = path.read_bytes()
    text = data.decode("utf-8")
    lf, crlf = text.count("\n"), text.count("\r\n")
    measured = {
        "bytes": len(data),
        "characters": len(text),
        "line_endings": "LF" if lf and not crlf and "\r" not in text else "other",
        "sha256": sha256_file(path),
    }
    rows = [
        {"field": k, "recorded": record.get(k), "measured": v, "ok": record.get(k) == v}
        for k, v in measured.items()
    ]
    return pd.DataFrame(rows, columns=["field", "recorded", "measured", "ok"])


# --- anatomy -------------------------------------------------------------------


def line_number(text: str, offset: int) -> int:
    """The 1-based line number of ``text[offset]`` (lines end at ``\\n``)."""
    if not 0 <= offset <= len(text):
        raise InputError(f"offset {offset} is outside the text (0..{len(text)})")
    return text.count("\n", 0, offset) + 1


def excerpt(text: str, width: int = 16) -> str:
    """``text`` cut to ``width`` characters (… marks a cut); line breaks shown as ⏎."""
    shown = text.replace("\r", "").replace("\n", "⏎")
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def anatomy_table(
    parsed: ParsedTranscript, include_space: bool = False, width: int = 16
) -> pd.DataFrame:
    """One row per part of the text: kind, start, end, line, n_chars, turn, excerpt.

    ``turn`` is the index of the turn a label or body belongs to (-1 otherwise);
    ``line`` is the 1-based line of the part's first character.
    """
    text = parsed.text
    rows = []
    for part in parsed.parts:
        if part.kind == "space" and not include_space:
            continue
        rows.append({
            "kind": part.kind,
            "start": part.start,
            "end": part.end,
            "line": line_number(text, part.start),
            "n_chars": part.end - part.start,
            "turn": _turn_of(parsed, part.start, part.end),
            "excerpt": excerpt(part.text, width),
        })
    columns = ["kind", "start", "end", "line", "n_chars", "turn", "excerpt"]
    return pd.DataFrame(rows, columns=columns)


def _turn_of(parsed: ParsedTranscript, start: int, end: int) -> int:
    for turn in parsed.turns:
        if turn.label_start <= start and end <= max(turn.end, turn.label_end):
            return turn.index
    return -1


def anatomy_summary(parsed: ParsedTranscript) -> pd.DataFrame:
    """Per kind of part: number of parts, characters, share of the text, how it is handled."""
    total = len(parsed.text)
    rows = []
    for kind in HANDLING:
        parts = [p for p in parsed.parts if p.kind == kind]
        if not parts:
            continue
        chars = sum(p.end - p.start for p in parts)
        rows.append({
            "kind": kind,
            "parts": len(parts),
            "characters": chars,
            "share": round(chars / total, 3) if total else 0.0,
            "handling": HANDLING[kind],
        })
    return pd.DataFrame(rows, columns=["kind", "parts", "characters", "share", "handling"])


def rejoins(parsed: ParsedTranscript) -> bool:
    """True if the parts, in order, cover the text with no gap and no overlap."""
    pos = 0
    for part in parsed.parts:
        if part.start != pos or parsed.text[part.start:part.end] != part.text:
            return False
        pos = part.end
    return pos == len(parsed.text) and "".join(p.text for p in parsed.parts) == parsed.text


# --- punctuation ---------------------------------------------------------------


def _is_number_separator(text: str, i: int) -> bool:
    return (
        text[i] in NUMBER_SEPARATORS
        and 0 < i < len(text) - 1
        and text[i - 1].isdigit()
        and text[i + 1].isdigit()
    )


def is_punctuation(text: str, i: int) -> bool:
    """True if ``text[i]`` is a punctuation mark (Unicode P*), not part of a number or a sign."""
    ch = text[i]
    return (
        unicodedata.category(ch).startswith("P")
        and ch not in NOT_PUNCTUATION
        and not _is_number_separator(text, i)
    )


def punctuation_counts(text: str) -> pd.DataFrame:
    """Every punctuation mark in ``text``: mark, name, width (ASCII/full-width), count.

    Decimal points and thousands separators between digits are not counted, nor ``%``.
    Sorted by count (descending), then by mark.
    """
    counts: dict[str, int] = {}
    for i, ch in enumerate(text):
        if is_punctuation(text, i):
            counts[ch] = counts.get(ch, 0) + 1
    rows = [
        {
            "mark": ch,
            "name": unicodedata.name(ch, "?").lower(),
            "width": "ASCII" if ch.isascii() else "full-width",
            "count": n,
        }
        for ch, n in counts.items()
    ]
    frame = pd.DataFrame(rows, columns=["mark", "name", "width", "count"])
    return frame.sort_values(["count", "mark"], ascending=[False, True]).reset_index(drop=True)


def punctuation_pairs(text: str) -> pd.DataFrame:
    """Marks that exist in both widths: name, ascii, ascii_count, fullwidth, fullwidth_count."""
    found = punctuation_counts(text).set_index("mark")["count"].to_dict()
    rows = [
        {
            "name": name,
            "ascii": a,
            "ascii_count": int(found.get(a, 0)),
            "fullwidth": f,
            "fullwidth_count": int(found.get(f, 0)),
        }
        for name, a, f in PUNCTUATION_PAIRS
    ]
    return pd.DataFrame(
        rows, columns=["name", "ascii", "ascii_count", "fullwidth", "fullwidth_count"]
    )


# --- turns and topics ----------------------------------------------------------


def load_topics(path: Path | None = None) -> pd.DataFrame:
    """``data/reference/topics.csv``: one editorial topic per exchange, quoting the question."""
    path = TOPICS if path is None else Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if list(frame.columns) != TOPIC_COLUMNS:
        found = list(frame.columns)
        raise InputError(f"{path.name}: expected columns {TOPIC_COLUMNS}, found {found}")
    for col in ("exchange", "topic_start", "topic_end"):
        if not frame[col].str.fullmatch(r"\d+").all():
            raise InputError(f"{path.name}: {col} must be a whole number in every row")
        frame[col] = frame[col].astype(int)
    if frame["exchange"].duplicated().any():
        raise InputError(f"{path.name}: one row per exchange")
    return frame


def turn_overview(parsed: ParsedTranscript, topics: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per turn with its exchange's topic, length, paragraphs and sentences.

    Columns: turn, exchange, role, party, topic_en, topic, topic_start, topic_end,
    label_start, start, end, n_chars (the span start..end, blank lines and indents
    between paragraphs included), speech_chars (the paragraphs' characters only),
    paragraphs, sentences. Exchanges without a topic row get empty topics (offsets -1).
    """
    topics = load_topics() if topics is None else topics
    frame = parsed.turns_frame().drop(columns=["text", "outlet", "label_end"])
    paras = pd.Series([p.turn for p in parsed.paragraphs], dtype=int).value_counts()
    sents = pd.Series([s.turn for s in parsed.sentences], dtype=int).value_counts()
    speech: dict[int, int] = {}
    for p in parsed.paragraphs:
        speech[p.turn] = speech.get(p.turn, 0) + p.end - p.start
    frame["speech_chars"] = [speech.get(t, 0) for t in frame["turn"]]
    frame["paragraphs"] = frame["turn"].map(paras).fillna(0).astype(int)
    frame["sentences"] = frame["turn"].map(sents).fillna(0).astype(int)
    merged = frame.merge(topics[TOPIC_COLUMNS], on="exchange", how="left")
    merged[["topic_en", "topic"]] = merged[["topic_en", "topic"]].fillna("")
    for col in ("topic_start", "topic_end"):
        merged[col] = merged[col].fillna(-1).astype(int)
    columns = ["turn", "exchange", "role", "party", "topic_en", "topic", "topic_start",
               "topic_end", "label_start", "start", "end", "n_chars", "speech_chars",
               "paragraphs", "sentences"]
    return merged[columns]


def answer_lengths(parsed: ParsedTranscript) -> pd.DataFrame:
    """One row per answered exchange: exchange, official, asked_by, start, end, n_chars,
    speech_chars, paragraphs, sentences (an exchange's answer turns are summed)."""
    overview = turn_overview(parsed, pd.DataFrame(columns=TOPIC_COLUMNS))
    questions = overview[overview["role"] == "question"].set_index("exchange")["party"]
    answers = overview[(overview["role"] == "answer") & (overview["exchange"] > 0)]
    grouped = answers.groupby("exchange", sort=True).agg(
        official=("party", lambda s: "、".join(dict.fromkeys(s))),
        start=("start", "min"),
        end=("end", "max"),
        n_chars=("n_chars", "sum"),
        speech_chars=("speech_chars", "sum"),
        paragraphs=("paragraphs", "sum"),
        sentences=("sentences", "sum"),
    ).reset_index()
    grouped.insert(2, "asked_by", grouped["exchange"].map(questions).fillna(""))
    return grouped


# --- affiliations ----------------------------------------------------------------


def affiliations(
    parsed: ParsedTranscript, bodies: list[str] | None = None
) -> pd.DataFrame:
    """Government bodies each answering official names in their own answer.

    One row per answer turn: exchange, official, body, start, end (first mention of
    the body inside the answer; -1 and "" when the answer names none), mentions (in
    that answer), and clause (the words around the first mention, up to , 。 ; : ? !).
    ``bodies`` defaults to the ``government_body`` rows of entities.csv; longer names
    are tried first, and a name inside a longer found name is not counted again.
    """
    if bodies is None:
        from online_economy.taxonomy import load_entities

        entities = load_entities()
        bodies = [str(n) for n in entities.loc[entities["kind"] == "government_body", "name"]]
    names = sorted(set(bodies), key=len, reverse=True)
    text = parsed.text
    rows = []
    for turn in parsed.turns:
        if turn.role != "answer":
            continue
        hits = _find_names(text, turn.start, turn.end, names)
        first_of: dict[str, int] = {}
        count: dict[str, int] = {}
        for start, name in hits:
            first_of.setdefault(name, start)
            count[name] = count.get(name, 0) + 1
        base = {"exchange": turn.exchange, "official": turn.party}
        if not first_of:
            rows.append({**base, "body": "", "start": -1, "end": -1, "mentions": 0, "clause": ""})
        for name, start in sorted(first_of.items(), key=lambda kv: kv[1]):
            rows.append({
                **base, "body": name, "start": start, "end": start + len(name),
                "mentions": count[name], "clause": _clause(text, start, turn.start, turn.end),
            })
    columns = ["exchange", "official", "body", "start", "end", "mentions", "clause"]
    return pd.DataFrame(rows, columns=columns)


def _find_names(text: str, lo: int, hi: int, names: list[str]) -> list[tuple[int, str]]:
    """(start, name) of non-overlapping occurrences in text[lo:hi], longest name first."""
    taken: list[tuple[int, int]] = []
    hits = []
    for name in names:
        pos = text.find(name, lo, hi)
        while pos >= 0:
            end = pos + len(name)
            if not any(a < end and pos < b for a, b in taken):
                taken.append((pos, end))
                hits.append((pos, name))
            pos = text.find(name, end, hi)
    return sorted(hits)


_CLAUSE_STOPS = frozenset(",，。;；:：?？!！")


def _clause(text: str, start: int, lo: int, hi: int) -> str:
    left = start
    while left > lo and text[left - 1] not in _CLAUSE_STOPS and text[left - 1] != "\n":
        left -= 1
    right = start
    while right < hi and text[right] not in _CLAUSE_STOPS and text[right] != "\n":
        right += 1
    return text[left:right].strip()

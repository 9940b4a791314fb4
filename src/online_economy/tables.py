"""Tidy tables built from a parsed transcript: turns, sentences, domain mentions, quantities.

This is where the parts meet: the parser gives turns and sentences, the taxonomy
gives domain mentions, the extractor gives quantities; every row keeps the
character offsets of the words it stands for.
"""

from __future__ import annotations

import bisect
import re
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd

from . import paths
from .parse import ParsedTranscript, parse_transcript
from .quantities import extract_quantities
from .source import load_raw
from .taxonomy import MENTION_BASES, find_mentions, load_domains, versions

# A number that counts the taxonomy itself (12个重点领域, 3大类, 3类12个领域) is a framework
# number, not evidence: its unit is 类, or the words right after it are (重点)(发展)领域.
FRAMEWORK_UNITS = frozenset({"类", "大类"})
FRAMEWORK_NEXT = re.compile(r"(?:重点)?(?:发展)?领域")

#: A percentage is a growth rate when its clause says a change with one of these words; its
#: ``direction`` is ``up`` or ``down`` (the value stays as said: 下降0.8% is 0.8, down).
GROWTH_WORDS = ("倍增", "增长", "提升", "增加")
FALL_WORDS = ("下降", "减少", "降低", "回落", "下滑")

CLAUSE_BREAK = re.compile(r"[,，;；。！？!?：:]")

QUANTITY_COLUMNS = [
    "quantity", "surface", "value", "value_high", "unit", "unit_surface", "qualifier", "kind",
    "start", "end", "turn", "exchange", "role", "party", "paragraph", "sentence",
    "sentence_start", "sentence_end", "sentence_text", "clause", "domain", "domain_zh", "category",
    "domain_basis", "growth", "direction",
]


@cache
def raw_parsed() -> ParsedTranscript:
    """The project's transcript, hash-verified and parsed (cached)."""
    return parse_transcript(load_raw().text)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as CSV in UTF-8 with BOM (so Excel reads the Chinese), LF line ends."""
    frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def _domain_info() -> dict[str, tuple[str, str]]:
    """Domain id -> (Chinese name, category id or ""), with "" -> ("", "") for no domain."""
    return _domain_info_of(versions("categories", "domains"))


@lru_cache(maxsize=4)
def _domain_info_of(_versions: tuple[tuple[int, int], ...]) -> dict[str, tuple[str, str]]:
    """The work of :func:`_domain_info` for one version of the reference files."""
    domains = load_domains()
    info = {
        str(d): (str(name), "" if pd.isna(category) else str(category))
        for d, name, category in zip(
            domains["id"], domains["name_zh"], domains["category"], strict=True
        )
    }
    info[""] = ("", "")
    return info


def _sentence_at(sentences: list[dict[str, object]], starts: list[int], start: int, end: int):
    """The sentence that holds ``[start, end)``, or None (title, headline, furniture)."""
    i = bisect.bisect_right(starts, start) - 1
    if i < 0 or end > int(sentences[i]["end"]):  # type: ignore[arg-type]
        return None
    return sentences[i]


def domain_mentions(
    parsed: ParsedTranscript, sentences: list[dict[str, object]] | None = None
) -> pd.DataFrame:
    """Every mention of a domain, with its basis (name, editorial term or linked entity),
    who makes the link (the transcript or the project) and its turn."""
    info = _domain_info()
    sentences = parsed.sentence_rows() if sentences is None else sentences
    starts = [int(s["start"]) for s in sentences]  # type: ignore[arg-type]
    rows = []
    for start, end, domain, basis, linked_by in find_mentions(parsed.text):
        row = _sentence_at(sentences, starts, start, start + 1)
        rows.append({
            "start": start,
            "end": end,
            "term": parsed.text[start:end],
            "domain": domain,
            "domain_zh": info[domain][0],
            "category": info[domain][1],
            "basis": basis,
            "linked_by": linked_by,
            "turn": int(row["turn"]) if row else -1,
            "exchange": int(row["exchange"]) if row else 0,
            "role": row["role"] if row else "",
            "party": row["party"] if row else "",
            "paragraph": int(row["paragraph"]) if row else -1,
            "sentence": int(row["sentence"]) if row else -1,
        })
    return pd.DataFrame(rows, columns=[
        "start", "end", "term", "domain", "domain_zh", "category", "basis", "linked_by",
        "turn", "exchange", "role", "party", "paragraph", "sentence",
    ])


def clause_bounds(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause around ``text[start:end]`` inside ``[lo, hi)``, cut at , ; 。 ！ ？ :."""
    left = lo
    for m in CLAUSE_BREAK.finditer(text, lo, start):
        left = m.end()
    m = CLAUSE_BREAK.search(text, end, hi)
    return left, (m.start() if m else hi)


def _direction(clause: str) -> str:
    """``up`` or ``down`` for a clause that says a change (GROWTH_WORDS, FALL_WORDS), else ""."""
    if any(w in clause for w in FALL_WORDS):
        return "down"
    return "up" if any(w in clause for w in GROWTH_WORDS) else ""


def is_framework(text: str, end: int, unit_surface: str) -> bool:
    """Whether the quantity ending at ``end`` counts the categories or domains themselves."""
    return unit_surface in FRAMEWORK_UNITS or FRAMEWORK_NEXT.match(text, end) is not None


def _attribute(
    mentions: list[tuple[int, int, str]], start: int, sentence_start: int, clause_end: int,
    question_domain: str,
) -> tuple[str, str]:
    """The domain a quantity speaks to, and the rule that chose it.

    ``mentions`` are (start, end, domain), sorted. Rules, in order: the nearest domain
    mention before it in its own sentence ("sentence"); else the first one after it in its
    own clause ("clause"); else the one domain its exchange's question names ("question");
    else none ("").
    """
    before = [d for s, e, d in mentions if s >= sentence_start and e <= start]
    if before:
        return before[-1], "sentence"
    after = [d for s, e, d in mentions if s > start and e <= clause_end]
    if after:
        return after[0], "clause"
    if question_domain:
        return question_domain, "question"
    return "", ""


def question_domains(parsed: ParsedTranscript, mentions: pd.DataFrame) -> dict[int, str]:
    """Exchange -> the domain its question names, where the question names exactly one."""
    named: dict[int, set[str]] = {}
    for role, exchange, domain in zip(
        mentions["role"], mentions["exchange"], mentions["domain"], strict=True
    ):
        if role == "question":
            named.setdefault(int(exchange), set()).add(str(domain))
    return {exchange: next(iter(d)) for exchange, d in named.items() if len(d) == 1}


def quantities_table(parsed: ParsedTranscript) -> pd.DataFrame:
    """Every quantity stated in the turns, with its turn, sentence, clause and domain."""
    info = _domain_info()
    sentences = parsed.sentence_rows()
    starts = [int(s["start"]) for s in sentences]  # type: ignore[arg-type]
    mentions = domain_mentions(parsed, sentences)
    by_question = question_domains(parsed, mentions)
    spans = list(zip(mentions["start"], mentions["end"], mentions["domain"], strict=True))
    rows = []
    for q in extract_quantities(parsed.text):
        s = _sentence_at(sentences, starts, q.start, q.end)
        if s is None:
            continue  # outside the turns: title, date, headline, furniture
        lo, hi = clause_bounds(parsed.text, q.start, q.end, int(s["start"]), int(s["end"]))
        clause = parsed.text[lo:hi].strip()
        framework = is_framework(parsed.text, q.end, q.unit_surface)
        domain, basis = ("", "") if framework else _attribute(
            spans, q.start, int(s["start"]), hi, by_question.get(int(s["exchange"]), "")
        )
        rows.append({
            "surface": q.surface, "value": q.value, "value_high": q.value_high, "unit": q.unit,
            "unit_surface": q.unit_surface, "qualifier": q.qualifier,
            "kind": "framework" if framework else q.kind,
            "start": q.start, "end": q.end, "turn": int(s["turn"]), "exchange": int(s["exchange"]),
            "role": s["role"], "party": s["party"], "paragraph": int(s["paragraph"]),
            "sentence": int(s["sentence"]), "sentence_start": int(s["start"]),
            "sentence_end": int(s["end"]),
            "sentence_text": s["text"],
            "clause": clause,
            "domain": domain,
            "domain_zh": info[domain][0],
            "category": info[domain][1],
            "domain_basis": basis,
            "growth": q.kind == "percent" and bool(_direction(clause)),
            "direction": _direction(clause) if q.kind == "percent" else "",
        })
    frame = pd.DataFrame(rows, columns=[c for c in QUANTITY_COLUMNS if c != "quantity"])
    frame.insert(0, "quantity", range(1, len(frame) + 1))
    return frame


def coverage_table(parsed: ParsedTranscript) -> pd.DataFrame:
    """Domain mentions per answer and basis, tidy: one row per domain, answer and basis.

    Every domain and answer appears with every basis (zero where there is no mention), so a
    reader can count names as said or the project's links, and see the split.
    """
    domains = load_domains()
    mentions = domain_mentions(parsed)
    answers = parsed.turns_frame().query("role == 'answer'")
    grid = pd.MultiIndex.from_product(
        [domains["id"], answers["turn"], list(MENTION_BASES)], names=["domain", "turn", "basis"]
    ).to_frame(index=False)
    counts = mentions.groupby(["domain", "turn", "basis"]).size().rename("mentions")
    frame = grid.merge(counts.reset_index(), how="left").fillna({"mentions": 0})
    frame = frame.merge(domains[["id", "name_zh", "category"]].rename(
        columns={"id": "domain", "name_zh": "domain_zh"}))
    frame = frame.merge(answers[["turn", "exchange", "party"]])
    frame["mentions"] = frame["mentions"].astype(int)
    return frame[["domain", "domain_zh", "category", "exchange", "party", "turn", "basis",
                  "mentions"]]


def coverage_matrix(
    parsed: ParsedTranscript, bases: tuple[str, ...] = MENTION_BASES
) -> pd.DataFrame:
    """Mentions of the given bases per answer: rows the twelve domains, columns the answers."""
    table = coverage_table(parsed)
    table = table[table["basis"].isin(bases)]
    table["answer"] = table["exchange"].astype(str) + ". " + table["party"]
    wide = table.pivot_table(
        index="domain_zh", columns="answer", values="mentions", aggfunc="sum", sort=False
    )
    wide.index.name, wide.columns.name = "domain", None
    return wide


def write_processed(out_dir: Path | None = None) -> list[Path]:
    """Write the project's processed tables (CSV, UTF-8 with BOM) and return their paths."""
    out = Path(out_dir) if out_dir is not None else paths.PROCESSED
    out.mkdir(parents=True, exist_ok=True)
    parsed = raw_parsed()
    tables = {
        "turns.csv": parsed.turns_frame(),
        "sentences.csv": parsed.sentences_frame(),
        "quantities.csv": quantities_table(parsed),
        "domain_mentions.csv": domain_mentions(parsed),
        "coverage.csv": coverage_table(parsed),
    }
    return [write_csv(frame, out / name) for name, frame in tables.items()]

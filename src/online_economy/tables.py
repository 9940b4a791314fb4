"""Tidy tables of a parsed transcript (turns, sentences, domain mentions, quantities, coverage);
every row keeps the character offsets of the words it stands for."""

import re
from bisect import bisect_right
from functools import cache
from pathlib import Path

import pandas as pd

from . import paths
from .parse import ParsedTranscript, parse_transcript
from .quantities import extract_quantities
from .source import load_raw
from .taxonomy import MENTION_BASES, domain_info, find_mentions, load_domains

# A number that counts the taxonomy itself (12个重点领域, 3大类, 3类12个领域) is a framework
# number, not evidence: its unit is 类, or the words right after it are (重点)(发展)领域.
FRAMEWORK_UNITS = frozenset({"类", "大类"})
FRAMEWORK_NEXT = re.compile(r"(?:重点)?(?:发展)?领域")
#: A percentage is a growth rate when its clause says a change with one of these words; its
#: ``direction`` is ``up`` or ``down`` (the value stays as said: 下降0.8% is 0.8, down).
GROWTH_WORDS = ("倍增", "增长", "提升", "增加")
FALL_WORDS = ("下降", "减少", "降低", "回落", "下滑")
CLAUSE_BREAK = re.compile(r"[,，;；。！？!?：:]")
#: Where a row was said; a domain mention outside every sentence has the values of NOWHERE.
PLACE = ("turn", "exchange", "role", "party", "paragraph", "sentence")
NOWHERE = {"turn": -1, "exchange": 0, "role": "", "party": "", "paragraph": -1, "sentence": -1}
MENTION_COLUMNS = ["start", "end", "term", "domain", "domain_zh", "category", "basis",
                   "linked_by", *PLACE]
QUANTITY_COLUMNS = ["quantity", "surface", "value", "value_high", "unit", "unit_surface",
                    "qualifier", "kind", "start", "end", *PLACE, "sentence_start", "sentence_end",
                    "sentence_text", "clause", "domain", "domain_zh", "category", "domain_basis",
                    "growth", "direction"]


@cache
def raw_parsed() -> ParsedTranscript:
    """The project's transcript, hash-verified and parsed (cached)."""
    return parse_transcript(load_raw().text)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as CSV in UTF-8 with BOM (so Excel reads the Chinese), LF line ends."""
    frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def _sentence_at(sentences: list[dict], start: int, end: int) -> dict | None:
    """The sentence that holds ``[start, end)``, or None (title, headline, furniture)."""
    i = bisect_right(sentences, start, key=lambda s: s["start"]) - 1
    return sentences[i] if i >= 0 and end <= sentences[i]["end"] else None


def domain_mentions(parsed: ParsedTranscript) -> pd.DataFrame:
    """Every domain mention, with its basis, who links it (find_mentions) and its turn."""
    info = {"": ("", ""), **domain_info()}
    sentences = parsed.sentences_frame().to_dict("records")
    rows = []
    for start, end, domain, basis, linked_by in find_mentions(parsed.text):
        where = _sentence_at(sentences, start, start + 1) or NOWHERE
        rows.append((start, end, parsed.text[start:end], domain, *info[domain], basis, linked_by,
                     *(where[c] for c in PLACE)))
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)


def clause_bounds(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause around ``text[start:end]`` inside ``[lo, hi)``, cut at , ; 。 ！ ？ :."""
    for m in CLAUSE_BREAK.finditer(text, lo, start):
        lo = m.end()
    m = CLAUSE_BREAK.search(text, end, hi)
    return lo, (m.start() if m else hi)


def is_framework(text: str, end: int, unit_surface: str) -> bool:
    """Whether the quantity ending at ``end`` counts the categories or domains themselves."""
    return unit_surface in FRAMEWORK_UNITS or FRAMEWORK_NEXT.match(text, end) is not None


def quantities_table(parsed: ParsedTranscript) -> pd.DataFrame:
    """Every quantity stated in the turns, with its turn, sentence, clause and the domain it
    speaks to: the nearest mention before it in its sentence ("sentence"), else the first after
    it in its clause ("clause"), else the one domain its question names ("question"), else ""."""
    text, info = parsed.text, {"": ("", ""), **domain_info()}
    sentences = parsed.sentences_frame().to_dict("records")
    mentions = domain_mentions(parsed)
    m_start, m_end, m_domain = (mentions[c].tolist() for c in ("start", "end", "domain"))
    # exchange -> the domain its question names, if it names only one
    asked = mentions[mentions["role"] == "question"].groupby("exchange")["domain"].unique()
    question = {exchange: d[0] for exchange, d in asked.items() if len(d) == 1}
    rows = []
    for q in extract_quantities(text):
        s = _sentence_at(sentences, q.start, q.end)
        if s is None:
            continue  # outside the turns: title, date, headline, furniture
        lo, hi = clause_bounds(text, q.start, q.end, s["start"], s["end"])
        clause = text[lo:hi].strip()
        framework = is_framework(text, q.end, q.unit_surface)
        before, after = bisect_right(m_end, q.start) - 1, bisect_right(m_start, q.start)
        if framework:
            domain, basis = "", ""
        elif before >= 0 and m_start[before] >= s["start"]:
            domain, basis = m_domain[before], "sentence"
        elif after < len(m_start) and m_end[after] <= hi:
            domain, basis = m_domain[after], "clause"
        else:
            domain = question.get(s["exchange"], "")
            basis = "question" if domain else ""
        down, up = (any(w in clause for w in words) for words in (FALL_WORDS, GROWTH_WORDS))
        direction = ("down" if down else "up" if up else "") if q.kind == "percent" else ""
        rows.append((len(rows) + 1, q.surface, q.value, q.value_high, q.unit, q.unit_surface,
                     q.qualifier, "framework" if framework else q.kind, q.start, q.end,
                     *(s[c] for c in PLACE), s["start"], s["end"], s["text"], clause,
                     domain, *info[domain], basis, bool(direction), direction))
    return pd.DataFrame(rows, columns=QUANTITY_COLUMNS)


def coverage_table(parsed: ParsedTranscript) -> pd.DataFrame:
    """Domain mentions per answer and basis: one row per domain, answer and basis (zeros too)."""
    domains = load_domains().rename(columns={"id": "domain", "name_zh": "domain_zh"})
    answers = parsed.turns_frame().query("role == 'answer'")
    grid = pd.MultiIndex.from_product([domains["domain"], answers["turn"], MENTION_BASES],
                                      names=["domain", "turn", "basis"])
    counts = domain_mentions(parsed).groupby(["domain", "turn", "basis"]).size()
    frame = counts.reindex(grid, fill_value=0).rename("mentions").reset_index()
    frame = frame.merge(domains[["domain", "domain_zh", "category"]])
    frame = frame.merge(answers[["turn", "exchange", "party"]])
    return frame[["domain", "domain_zh", "category", "exchange", "party", "turn", "basis",
                  "mentions"]]


def write_processed(out_dir: Path | None = None) -> list[Path]:
    """Write the project's processed tables (CSV, UTF-8 with BOM) and return their paths."""
    out = Path(out_dir) if out_dir is not None else paths.PROCESSED
    out.mkdir(parents=True, exist_ok=True)
    parsed = raw_parsed()
    tables = {"turns": parsed.turns_frame(), "sentences": parsed.sentences_frame(),
              "quantities": quantities_table(parsed), "domain_mentions": domain_mentions(parsed),
              "coverage": coverage_table(parsed)}
    return [write_csv(frame, out / f"{name}.csv") for name, frame in tables.items()]

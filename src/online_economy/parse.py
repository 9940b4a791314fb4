"""Parsing a transcript into parts (they rejoin to the text), turns, paragraphs and sentences.

Labels are matched on a simplified copy (:mod:`online_economy.simplified`); a line that looks
like a label but is not accepted starts an ``unknown`` turn and a warning.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

import pandas as pd

from online_economy import paths
from online_economy.errors import InputError
from online_economy.reference import read_lines
from online_economy.simplified import to_simplified

WHOLE_TEXT_ROLE = "text"  # the role of the one turn of :func:`whole_text`
MAX_PARTY_CHARS = 25
MAX_LONG_PARTY_CHARS = 60  # for a label ending in a personal name or in brackets
STATEMENT_MIN_CHARS = 80  # non-space characters of a long opening statement

_TURN_COLUMNS = ["turn", "exchange", "role", "party", "outlet", "label_start", "label_end",
                 "start", "end", "n_chars", "text"]
_SENTENCE_COLUMNS = ["turn", "paragraph", "sentence", "exchange", "role", "party", "start",
                     "end", "n_chars", "text"]
_SENTENCE_PUNCT = re.compile(r"[。！？!?，,；;“”\"…]")
_SENTENCE_END = re.compile(r"[。！？!?]+[”」）』’)]*")
_NUMBERING = (r"(?:\d{1,2}\s*[、.．]|[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[）)]"
              r"|[一二三四五六七八九十]{1,3}\s*、|[问Q]\s*\d{1,2}\s*[、.．:：]?)\s*")
_LABEL = re.compile(rf"(?P<num>{_NUMBERING})?(?P<party>[^:：\r\n]{{1,40}}?)\s*[:：]")
_COLON = re.compile("[:：]")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs, inside a character class
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"
_HANZI = re.compile(rf"[{_HAN}]+")
_DATE = re.compile(r"(?:(?:发布)?(?:时间|日期)\s*[:：]\s*)?(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})"
                   rf"[-/.](?P<d>\d{{1,2}})|年(?P<m2>\d{{1,2}})月(?P<d2>\d{{1,2}})日)(?:\s+{_CLOCK})?")
_OPEN, _CLOSE, _BULLETS = "【[［", "】]］", "•·●▪■◆◇○"
_O, _C = re.escape(_OPEN), re.escape(_CLOSE)
_BRACKET_LABEL = re.compile(rf"(?P<num>{_NUMBERING})?(?P<bullet>[{_BULLETS}]\s*)?[{_O}]"
                            rf"(?P<party>[^{_O}{_C}\r\n]{{1,{MAX_LONG_PARTY_CHARS}}})[{_C}]"
                            r"(?:\s*(?P<colon>[:：]))?")
_LINE_LABEL = re.compile(rf"(?:{_NUMBERING})?(?P<party>[^:：\r\n]{{1,{MAX_LONG_PARTY_CHARS}}})")
_INLINE_BRACKET = re.compile(rf"(?:(?<=[。！？!?…”」）)])|\s)\s*(?=[{_O}])")
_SUSPECT_PARTY = re.compile(rf"[{_HAN}A-Za-z·\s]{{2,{MAX_PARTY_CHARS}}}")
_NUMBER_ONLY = re.compile(rf"{_NUMBERING}|[问Q]?\s*[（(]?\d{{1,2}}[）)]?|问题\s*\d{{1,2}}")
_TIME = re.compile(rf"(?<![0-9:])(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}\s*)?{_CLOCK}\s*$")
_TITLE_KINDS = (("moderators", "moderator"), ("spokespersons", "spokesperson"),
                ("official_titles", "official"))


@dataclass(frozen=True)
class Part:
    """A stretch of the source: title, date, label, body, headline, furniture, space or other."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Turn:
    """One speaker's turn; ``start``/``end`` span its body, ``text == source[start:end]``."""

    index: int
    exchange: int
    role: str
    party: str
    label_start: int
    label_end: int
    start: int
    end: int
    text: str
    outlet: str = ""


@dataclass(frozen=True)
class Paragraph:
    """A non-blank line of a turn (indentation and trailing whitespace excluded)."""

    turn: int
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence:
    """A sentence of a paragraph, ending after 。！？!? and any closing quote."""

    turn: int
    paragraph: int
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Label:
    """A speaker label; ``live`` marks ``• [title name]speech`` (lines may end in a time)."""

    start: int
    end: int
    party: str
    kind: str
    live: bool = False


@dataclass(frozen=True)
class ParseWarning:
    """A line that looks like a speaker label but is not accepted (1-based ``line``)."""

    line: int
    start: int
    end: int
    label: str
    message: str = ("looks like a speaker label but is not one the parser knows; kept as a turn "
                    "of role 'unknown'")


@dataclass
class ParsedTranscript:
    """The structure of a transcript; indices are 0-based, ``exchange`` is 1-based."""

    text: str
    parts: list[Part]
    turns: list[Turn]
    paragraphs: list[Paragraph]
    sentences: list[Sentence]
    title: Part | None
    date: Part | None
    date_iso: str | None  # the date line as YYYY-MM-DD
    artefacts: list[Part]
    furniture: list[Part]
    warnings: list[ParseWarning]

    def turns_frame(self) -> pd.DataFrame:
        """One row per turn."""
        rows = [{**vars(t), "turn": t.index, "n_chars": t.end - t.start} for t in self.turns]
        return pd.DataFrame(rows, columns=_TURN_COLUMNS)

    def sentences_frame(self) -> pd.DataFrame:
        """One row per sentence, with its turn's exchange, role and party."""
        rows = [(s.turn, s.paragraph, s.index, t.exchange, t.role, t.party, s.start, s.end,
                 s.end - s.start, s.text) for s in self.sentences for t in [self.turns[s.turn]]]
        return pd.DataFrame(rows, columns=_SENTENCE_COLUMNS)


@cache
def speaker_lists() -> dict[str, tuple[str, ...]]:
    """The ``[section]`` lists of ``data/reference/speaker_titles.txt`` (one entry a line)."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []  # entries before the first [section] are skipped
    for line in read_lines(paths.REFERENCE / "speaker_titles.txt"):
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        else:
            current.append(line)
    return {name: tuple(entries) for name, entries in sections.items()}


@cache
def furniture_patterns() -> tuple[re.Pattern[str], ...]:
    """The whole-line patterns in ``data/reference/page_furniture.txt``."""
    return tuple(map(re.compile, read_lines(paths.REFERENCE / "page_furniture.txt")))


def is_furniture(line: str) -> bool:
    """True if a whole (stripped) line is page furniture."""
    return any(p.fullmatch(line.strip()) for p in furniture_patterns())


def date_iso(line: str) -> str | None:
    """``YYYY-MM-DD`` if the whole (stripped) line is a date line, else None."""
    m = _DATE.fullmatch(line.strip())
    if not m:
        return None
    month, day = int(m["m"] or m["m2"]), int(m["d"] or m["d2"])
    return f"{m['y']}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def _ends(word: str, *sections: str) -> bool:
    return any(word.endswith(speaker_lists()[section]) for section in sections)


def _is_name(word: str) -> bool:
    """A personal name: 2-3 hanzi after a surname, 3-4 after a double surname."""
    lists = speaker_lists()
    if not _HANZI.fullmatch(word) or _ends(word, "name_endings") or word in lists["not_names"]:
        return False
    double = len(word) in (3, 4) and word[:2] in lists["double_surnames"]
    return double or (len(word) in (2, 3) and word[0] in lists["surnames"])


def _titled_name_kind(word: str) -> str | None:
    """The kind of a title glued to a personal name (市商务委副主任刘敏, 新闻发言人高峰)."""
    return next((kind for section, kind in _TITLE_KINDS for title in speaker_lists()[section]
                 if title in word and _is_name(word[word.rfind(title) + len(title):])), None)


def _ends_in_name(word: str) -> bool:
    """True when a label is or ends in a personal name (after a space or glued to a title)."""
    return _is_name((word.split() or [""])[-1]) or _titled_name_kind(word) is not None


def classify_party(party: str, *, limit: int = MAX_PARTY_CHARS) -> tuple[str, str] | None:
    """``(kind, party)`` for a label's text, or None; party without 《》, brackets, 补充回答."""
    word = party.strip()
    if len(word) > 2 and word[0] in _OPEN and word[-1] in _CLOSE:
        inner = word[1:-1].strip()
        bracketed = any(c in _OPEN + _CLOSE for c in inner)
        return None if bracketed else classify_party(inner, limit=MAX_LONG_PARTY_CHARS)
    if limit < len(word) <= MAX_LONG_PARTY_CHARS and _ends_in_name(word):
        limit = MAX_LONG_PARTY_CHARS
    if not word or len(word) > limit or _SENTENCE_PUNCT.search(word):
        return None
    lists = speaker_lists()
    suffix = max((s for s in lists["supplements"] if word.endswith(s)), key=len, default="")
    if suffix:
        head = word[: -len(suffix)].rstrip()
        kind = classify_party(head, limit=limit) if head else ("official", "")
        return kind if kind and kind[0] in ("official", "spokesperson") else None
    pieces = word.split()
    if len(pieces) >= 2 and _is_name(pieces[-1]):  # "主持人 袁达", "国务院新闻办新闻局 寿小丽"
        head_text = " ".join(pieces[:-1])
        head = classify_party(head_text, limit=limit)
        if head and head[0] in ("moderator", "spokesperson", "official"):
            return (head[0], word)
        organ = _HANZI.fullmatch(head_text) and _ends(head_text, "org_endings")
        return ("official", word) if head is None and organ else None
    quoted = re.fullmatch(r"《([^《》]+)》(.{0,10})", word)
    if quoted and (not quoted[2] or _ends(quoted[2], "outlet_suffixes")):
        return ("outlet", quoted[1] + quoted[2])
    if "《" in word or "》" in word or word.startswith(lists["not_label_starts"]):
        return None
    kind = ("asker" if word in lists["question_labels"]
            else "official" if word in lists["answer_labels"]
            else "moderator" if _ends(word, "moderators")
            else "spokesperson" if _ends(word, "spokespersons")
            else "outlet" if len(word) >= 2 and _ends(word, "outlet_suffixes")
            and not _ends(word, "not_outlets")
            else titled if (titled := _titled_name_kind(word)) in ("moderator", "spokesperson")
            else "official" if _ends(word, "official_titles") or titled or _is_name(word)
            else None)
    return None if kind is None else (kind, word)


def _label_at(text: str, pos: int, end: int, *, bracket: bool = False) -> Label | None:
    """A label ``X：`` at ``pos``, or (``bracket``) ``【X】:``, ``[X]speech``, ``• [X]speech``."""
    m = (_BRACKET_LABEL if bracket else _LABEL).match(text, pos, end)
    limit = MAX_LONG_PARTY_CHARS if bracket else MAX_PARTY_CHARS
    if m is None or (kind := classify_party(m["party"], limit=limit)) is None:
        return None
    return Label(pos, m.end(), kind[1], kind[0], bracket and (bool(m["bullet"]) or not m["colon"]))


def find_label(text: str, start: int, end: int) -> Label | None:
    """A label (``【高峰】:`` first) at the start of a stripped line or after a headline (…Q)."""
    first = text[start] in _OPEN + _BULLETS or text[start].isdigit()
    if first and (label := _label_at(text, start, end, bracket=True)):
        return label
    colon = _COLON.search(text, start, end)
    stop = colon.start() if colon else start
    after = [_strip_span(text, i + 1, stop)[0] for i in range(stop - 1, start, -1)
             if text[i] in "QＱ|｜]】"]  # after a glued headline, the last one first
    return next(filter(None, (_label_at(text, at, end) for at in [*after, start])), None)


def line_label(text: str, start: int, end: int, *, names: bool = True) -> Label | None:
    """A line that is only a journalist's, host's or (``names``) named speaker's label."""
    m = _LINE_LABEL.fullmatch(text, start, end)
    kind, word = (m and classify_party(m["party"])) or ("", "")
    named = kind == "official" and names and _ends_in_name(word)
    host = kind in ("moderator", "spokesperson") or (kind == "outlet" and word.endswith("记者"))
    return Label(start, end, word, kind) if named or host else None


def suspect_label(text: str, start: int, end: int) -> Label | None:
    """A line starting like a label (``X：``, ``【X】``) that is no heading or lead-in, or None."""
    m = _BRACKET_LABEL.match(text, start, end)
    if m and (m["colon"] or m["bullet"]):
        party = m["party"].strip()
        ok = bool(party) and not _SENTENCE_PUNCT.search(party)
    elif m := _LABEL.match(text, start, end):
        party = m["party"].strip()
        heading = party.startswith(("第", *speaker_lists()["not_label_starts"]))  # 第一：
        ok = bool(_SUSPECT_PARTY.fullmatch(party)) and not heading and not _ends(
            party, "name_endings", "not_label_endings")
    return Label(start, m.end(), party, "unknown") if m and ok else None


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without the whitespace at either edge."""
    piece = text[start:end]
    first = start + len(piece) - len(piece.lstrip())
    return first, first + len(piece.strip())


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within ``text[start:end]`` (whitespace at the edges excluded)."""
    cuts = [start, *(m.end() for m in _SENTENCE_END.finditer(text, start, end)), end]
    spans = [_strip_span(text, a, b) for a, b in pairwise(cuts)]
    return [(a, b) for a, b in spans if a < b]


def _shown(source: str, folded: str, label: Label) -> str:
    """The party as written in ``source``: its characters found in order in the label."""
    out, pos = [], label.start
    for ch in label.party:  # the party is always a subsequence of its label
        pos = folded.index(ch, pos, label.end) + 1
        out.append(source[pos - 1])
    return "".join(out)


def _role(label: Label, speech: str, last: str, asked: bool) -> str:
    """A turn's role: askers ask, replies answer, hosts moderate, openings are statements."""
    size = sum(not c.isspace() for c in speech)
    short = size <= STATEMENT_MIN_CHARS or not re.search("[0-9０-９]", speech)  # states no figure
    cue = short and any(c in speech for c in speaker_lists()["moderator_cues"])
    host = cue or (label.kind == "spokesperson" and (asked or size <= STATEMENT_MIN_CHARS))
    return ("question" if label.kind in ("outlet", "asker")
            else label.kind if label.kind in ("moderator", "unknown", WHOLE_TEXT_ROLE)
            else "answer" if last == "question"
            else "moderator" if host
            else "answer" if asked else "statement")


def _journalist_line(text: str, start: int, stop: int) -> bool:
    """True when a line is a journalist's label on its own (路透社记者, 1、新华社记者)."""
    a, b = _strip_span(text, start, stop)
    alone = b - a <= MAX_LONG_PARTY_CHARS and text.endswith("记者", a, b)
    return alone and getattr(line_label(text, a, b, names=False), "kind", "") == "outlet"


def parse_structure(text: str, *, whole: bool = False) -> ParsedTranscript:
    """Parse any text into parts and turns, never raising (``whole``: see :func:`whole_text`)."""
    folded = to_simplified(text)
    parts: list[Part] = []
    found: list[tuple[Label, list[tuple[int, int]]]] = (
        [(Label(0, 0, "", WHOLE_TEXT_ROLE), [])] if whole else [])
    title: Part | None = None
    date: Part | None = None

    def add(kind: str, start: int, end: int) -> Part | None:
        """Append a part (if not empty), merging a space into the space before it."""
        if start >= end:
            return None
        if kind == "space" and parts and parts[-1].kind == "space":
            start = parts.pop().start
        parts.append(Part(kind, start, end, text[start:end]))
        return parts[-1]

    def paragraph(a: int, b: int) -> None:
        """A paragraph of the last turn; a live-text line may end in a glued time (furniture)."""
        glued = _TIME.search(folded, a, b) if found[-1][0].live else None
        cut = glued.start() if glued and glued.start() > a else b
        end = _strip_span(folded, a, cut)[1]
        if add("body", a, end):
            found[-1][1].append((a, end))
        add("space", end, cut)
        add("furniture", cut, b)

    def speech(a: int, b: int, label: Label | None = None) -> None:
        """Speech up to ``b``, of a new turn if ``label`` is given; split at inline labels."""
        if label is not None:
            add("label", label.start, label.end)
            a = _strip_span(folded, label.end, b)[0]
            add("space", label.end, a)
            found.append((label, []))
        for m in _INLINE_BRACKET.finditer(folded, a + 1, b):
            label = _label_at(folded, m.end(), b, bracket=True) or suspect_label(folded, m.end(), b)
            if label is not None and (label.kind != "unknown" or folded[label.end - 1] in ":："):
                end = _strip_span(folded, a, m.end())[1]
                paragraph(a, end)
                add("space", end, m.end())
                speech(m.end(), b, label)
                return
        paragraph(a, b)

    lines = [(m.start(), m.start(1), m.end())
             for m in re.finditer(r"[^\r\n]*(\r\n|\r|\n|\Z)", text) if m[0]]
    names = not whole and any(_journalist_line(folded, a, b) for a, b, _ in lines)
    is_open = whole
    for start, stop, nxt in lines:
        a, b = _strip_span(folded, start, stop)
        add("space", start, a)
        line = folded[a:b]
        if whole and line:
            paragraph(a, b)
        elif line and ((furniture := is_furniture(line)) or _TIME.fullmatch(line)):
            add("furniture", a, b)  # a live-text time alone on its line keeps the turn open
            is_open = is_open and not furniture
        elif line:
            label = find_label(folded, a, b) or line_label(folded, a, b, names=names)
            if label is None and is_open:  # only a line that would join a turn is suspect
                label = suspect_label(folded, a, b)
            if label is not None:
                add("headline", a, label.start)
                speech(label.start, b, label)
                is_open = True
            elif _NUMBER_ONLY.fullmatch(line):
                add("other", a, b)  # a bare question number before a label line
            elif is_open:
                speech(a, b)
            elif not (found or date) and date_iso(line):
                date = add("date", a, b)
            elif not (found or title or len(line) > 80 or _SENTENCE_END.search(line)):
                title = add("title", a, b)
            else:
                add("other", a, b)
        add("space", b, nxt)
    warnings = [ParseWarning(bisect_right(lines, x.start, key=lambda line: line[0]), x.start, x.end,
                             text[x.start:x.end]) for x, _ in found if x.kind == "unknown"]
    turns: list[Turn] = []
    exchange = 0
    for index, (label, spans) in enumerate(found):
        speech_text = " ".join(folded[a:b] for a, b in spans)
        role = _role(label, speech_text, turns[-1].role if turns else "", exchange > 0)
        exchange += role == "question"
        start, end = (spans[0][0], spans[-1][1]) if spans else (label.end, label.end)
        party = _shown(text, folded, label)
        outlet = party[: len(label.party.removesuffix("记者"))] if label.kind == "outlet" else ""
        turns.append(Turn(index, 0 if role == "moderator" else exchange, role, party,
                          label.start, label.end, start, end, text[start:end], outlet))
    paragraphs = [Paragraph(turn, index, a, b, text[a:b])
                  for turn, (_, spans) in enumerate(found) for index, (a, b) in enumerate(spans)]
    sentences = [Sentence(p.turn, p.index, index, a, b, text[a:b]) for p in paragraphs
                 for index, (a, b) in enumerate(split_sentences(folded, p.start, p.end))]
    return ParsedTranscript(text, parts, turns, paragraphs, sentences, title, date,
                            None if date is None else date_iso(date.text),
                            [p for p in parts if p.kind in ("headline", "other")],
                            [p for p in parts if p.kind == "furniture"], warnings)


def parse_transcript(text: str) -> ParsedTranscript:
    """Parse a transcript; raises ``InputError`` unless a question is answered."""
    parsed = parse_structure(text)
    if not any(t.role == "answer" and t.exchange > 0 for t in parsed.turns):
        raise InputError(f"no question/answer turns found (a question label such as '新华社记者：' "
                         f"followed by an answer such as '刘平：'; {len(parsed.turns)} speaker "
                         "label(s) recognised)")
    return parsed


def whole_text(text: str) -> ParsedTranscript:
    """The text as one turn of role ``text``, every non-blank line a paragraph (``--no-turns``)."""
    return parse_structure(text, whole=True)

"""Parsing a press-conference transcript into parts, turns, paragraphs and sentences.

The parts cover the text with no gap and no overlap, so nothing is lost:
``"".join(p.text for p in parsed.parts) == text``. Every offset is an index into
the text given to :func:`parse_transcript` (see :mod:`online_economy.source`).

Labels are matched on a simplified-character copy of the text (:mod:`online_economy.simplified`,
one character for one), so traditional transcripts (新華社記者) parse too; everything
reported is cut from the original text. A line that looks like a label but is not accepted
starts a turn of role ``unknown`` and is listed in ``ParsedTranscript.warnings``: it is
never silently merged into the previous turn (before the first turn such a line is a title
or ``other``, as before).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from online_economy import paths
from online_economy.errors import InputError
from online_economy.simplified import to_simplified

PART_KINDS = ("title", "date", "label", "body", "headline", "furniture", "space", "other")
ROLES = ("question", "answer", "moderator", "statement", "unknown")
#: The role of the one turn :func:`whole_text` makes (``parse --no-turns``).
WHOLE_TEXT_ROLE = "text"
MAX_PARTY_CHARS = 25
#: A label may be longer when it ends in a personal name or sits in brackets.
MAX_LONG_PARTY_CHARS = 60
#: A spokesperson's turn before the first question is an opening ``statement`` when its
#: text has more than this many non-space characters, else the ``moderator`` opening.
STATEMENT_MIN_CHARS = 80

_SENTENCE_PUNCT = frozenset("。！？!?，,；;“”\"…")
_SENTENCE_END = re.compile(r"[。！？!?]+[”」）』’)]*")
_NUMBERING = (
    r"(?:\d{1,2}\s*[、.．]"
    r"|[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[）)]"
    r"|[一二三四五六七八九十]{1,3}\s*、"
    r"|[问Q]\s*\d{1,2}\s*[、.．:：]?)\s*"
)
_LABEL = re.compile(rf"(?P<num>{_NUMBERING})?(?P<party>[^:：\r\n]{{1,40}}?)\s*[:：]")
_GLUE_BOUNDARY = frozenset("QＱ|｜]】")
_HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_DATE = re.compile(
    r"(?:(?:发布)?(?:时间|日期)\s*[:：]\s*)?"
    r"(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})|年(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日)"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_DIGIT = re.compile(r"[0-9０-９]")


@dataclass(frozen=True)
class Part:
    """A stretch of the source of one kind (see ``PART_KINDS``)."""

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


@dataclass
class ParsedTranscript:
    """The structure of a transcript; indices are 0-based, ``exchange`` is 1-based."""

    text: str
    parts: list[Part]
    turns: list[Turn]
    paragraphs: list[Paragraph]
    sentences: list[Sentence]
    title: Part | None = None
    date: Part | None = None
    artefacts: list[Part] = field(default_factory=list)
    furniture: list[Part] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    @property
    def date_iso(self) -> str | None:
        """The date line as ``YYYY-MM-DD``, or None."""
        return None if self.date is None else date_iso(self.date.text)

    def turns_frame(self) -> pd.DataFrame:
        """One row per turn."""
        rows = [
            {
                "turn": t.index,
                "exchange": t.exchange,
                "role": t.role,
                "party": t.party,
                "outlet": t.outlet,
                "label_start": t.label_start,
                "label_end": t.label_end,
                "start": t.start,
                "end": t.end,
                "n_chars": t.end - t.start,
                "text": t.text,
            }
            for t in self.turns
        ]
        columns = ["turn", "exchange", "role", "party", "outlet", "label_start",
                   "label_end", "start", "end", "n_chars", "text"]
        return pd.DataFrame(rows, columns=columns)

    def sentence_rows(self) -> list[dict[str, object]]:
        """One record per sentence, with its turn's exchange, role and party."""
        rows = []
        for s in self.sentences:
            turn = self.turns[s.turn]
            rows.append({
                "turn": s.turn,
                "paragraph": s.paragraph,
                "sentence": s.index,
                "exchange": turn.exchange,
                "role": turn.role,
                "party": turn.party,
                "start": s.start,
                "end": s.end,
                "n_chars": s.end - s.start,
                "text": s.text,
            })
        return rows

    def sentences_frame(self) -> pd.DataFrame:
        """One row per sentence (:meth:`sentence_rows`) as a table."""
        columns = ["turn", "paragraph", "sentence", "exchange", "role", "party",
                   "start", "end", "n_chars", "text"]
        return pd.DataFrame(self.sentence_rows(), columns=columns)


# --- reference lists ---------------------------------------------------------


def read_sections(path: Path) -> dict[str, tuple[str, ...]]:
    """Read a ``[section]``-per-block word list (``#`` comments, one entry a line)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is None:
            raise InputError(f"{path.name}: entry {line!r} before any [section]")
        else:
            current.append(line)
    return {name: tuple(entries) for name, entries in sections.items()}


@cache
def speaker_lists() -> dict[str, tuple[str, ...]]:
    """The lists in ``data/reference/speaker_titles.txt``."""
    return read_sections(paths.REFERENCE / "speaker_titles.txt")


@cache
def furniture_patterns() -> tuple[re.Pattern[str], ...]:
    """The whole-line patterns in ``data/reference/page_furniture.txt``."""
    text = (paths.REFERENCE / "page_furniture.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(re.compile(line) for line in lines if line and not line.startswith("#"))


def is_furniture(line: str) -> bool:
    """True if a whole (stripped) line is page furniture."""
    line = line.strip()
    return any(p.fullmatch(line) for p in furniture_patterns())


def date_iso(line: str) -> str | None:
    """``YYYY-MM-DD`` if the whole (stripped) line is a date line, else None."""
    m = _DATE.fullmatch(line.strip())
    if not m:
        return None
    month, day = int(m["m"] or m["m2"]), int(m["d"] or m["d2"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{m['y']}-{month:02d}-{day:02d}"


# --- labels -------------------------------------------------------------------

_OPEN, _CLOSE = "【[［", "】]］"
_BULLETS = "•·●▪■◆◇○"
_O, _C = re.escape(_OPEN), re.escape(_CLOSE)
_BRACKET_LABEL = re.compile(
    rf"(?P<num>{_NUMBERING})?(?P<bullet>[{_BULLETS}]\s*)?[{_O}]"
    rf"(?P<party>[^{_O}{_C}\r\n]{{1,{MAX_LONG_PARTY_CHARS}}})[{_C}](?:\s*(?P<colon>[:：]))?"
)
_LINE_LABEL = re.compile(
    rf"(?P<num>{_NUMBERING})?(?P<party>[^:：\r\n]{{1,{MAX_LONG_PARTY_CHARS}}})"
)
_INLINE_BRACKET = re.compile(rf"(?:(?<=[。！？!?…”」）)])|\s)\s*(?=[{_O}])")
_SUSPECT_PARTY = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z·\s]{2,25}")
_NUMBER_ONLY = re.compile(
    rf"{_NUMBERING}|\d{{1,2}}|[问Q]?\s*[（(]?\d{{1,2}}[）)]?|问题\s*\d{{1,2}}"
)
_TIME = r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*)?\d{1,2}:\d{2}(?::\d{2})?"
_TIME_ONLY = re.compile(_TIME)
_GLUED_TIME = re.compile(rf"(?<![0-9:]){_TIME}\s*$")


@dataclass(frozen=True)
class Label:
    """A speaker label: ``kind`` is outlet/asker/moderator/spokesperson/official/unknown.

    ``party`` is read on the simplified copy; ``shown`` is the same words as written in
    the original text (they differ only for traditional characters). ``live`` marks the
    live-text form ``• [title name]speech``, whose lines may end in a glued timestamp.
    """

    start: int
    end: int
    party: str
    kind: str
    shown: str = ""
    live: bool = False


@dataclass(frozen=True)
class ParseWarning:
    """A line that looks like a speaker label but is not accepted (1-based ``line``)."""

    line: int
    start: int
    end: int
    label: str
    message: str


def _ends(word: str, section: str) -> bool:
    return any(word.endswith(s) for s in speaker_lists()[section])


def _is_name(word: str) -> bool:
    """A personal name: 2-3 hanzi after a surname, 3-4 after a double surname."""
    lists = speaker_lists()
    if not _HANZI.fullmatch(word) or _ends(word, "name_endings") or word in lists["not_names"]:
        return False
    if len(word) in (3, 4) and word[:2] in lists["double_surnames"]:
        return True
    return len(word) in (2, 3) and word[0] in lists["surnames"]


_TITLE_KINDS = (("moderators", "moderator"), ("spokespersons", "spokesperson"),
                ("official_titles", "official"))


def _titled_name_kind(word: str) -> str | None:
    """The kind of a title glued to a personal name (市商务委副主任刘敏, 新闻发言人高峰)."""
    for section, kind in _TITLE_KINDS:
        for title in speaker_lists()[section]:
            at = word.rfind(title)
            if at >= 0 and _is_name(word[at + len(title):]):
                return kind
    return None


def _ends_in_name(word: str) -> bool:
    """True when a label ends in a personal name, after a space or glued to a title."""
    pieces = word.split()
    return (len(pieces) >= 2 and _is_name(pieces[-1])) or _titled_name_kind(word) is not None


def classify_party(party: str, *, limit: int = MAX_PARTY_CHARS) -> tuple[str, str] | None:
    """``(kind, party)`` for a label's text (numbering and colon removed), or None.

    ``party`` comes back without ``《》`` or enclosing ``【】``/``[]`` and without a
    补充回答-style suffix. A label up to :data:`MAX_LONG_PARTY_CHARS` long is read when it
    ends in a personal name or sits in brackets.
    """
    word = party.strip()
    if len(word) > 2 and word[0] in _OPEN and word[-1] in _CLOSE:
        inner = word[1:-1].strip()
        if any(c in _OPEN + _CLOSE for c in inner):
            return None
        return classify_party(inner, limit=MAX_LONG_PARTY_CHARS)
    if len(word) > limit and len(word) <= MAX_LONG_PARTY_CHARS and _ends_in_name(word):
        limit = MAX_LONG_PARTY_CHARS
    if not word or len(word) > limit or any(c in _SENTENCE_PUNCT for c in word):
        return None
    lists = speaker_lists()
    for suffix in sorted(lists["supplements"], key=len, reverse=True):
        if word.endswith(suffix):
            word = word[: -len(suffix)].rstrip()
            if not word:
                return ("official", "")
            kind = classify_party(word, limit=limit)
            return kind if kind and kind[0] in ("official", "spokesperson") else None
    pieces = word.split()
    if len(pieces) >= 2 and _is_name(pieces[-1]):  # "主持人 袁达", "国务院新闻办新闻局 寿小丽"
        head_text = " ".join(pieces[:-1])
        head = classify_party(head_text, limit=limit)
        if head and head[0] in ("moderator", "spokesperson", "official"):
            return (head[0], word)
        if head is None and _HANZI.fullmatch(head_text) and _ends(head_text, "org_endings"):
            return ("official", word)
        return None
    quoted = re.fullmatch(r"《([^《》]+)》(.{0,10})", word)
    if quoted and (not quoted[2] or _ends(quoted[2], "outlet_suffixes")):
        return ("outlet", quoted[1] + quoted[2])
    if "《" in word or "》" in word or word.startswith(lists["not_label_starts"]):
        return None
    if word in lists["question_labels"]:
        return ("asker", word)
    if word in lists["answer_labels"]:
        return ("official", word)
    if _ends(word, "moderators"):
        return ("moderator", word)
    if _ends(word, "spokespersons"):
        return ("spokesperson", word)
    if len(word) >= 2 and _ends(word, "outlet_suffixes") and not _ends(word, "not_outlets"):
        return ("outlet", word)
    titled = _titled_name_kind(word)
    if titled in ("moderator", "spokesperson"):  # 主持人袁达, 商务部新闻发言人高峰
        return (titled, word)
    if _ends(word, "official_titles") or titled or _is_name(word):
        return ("official", word)
    return None


def _label_at(text: str, pos: int, end: int) -> Label | None:
    m = _LABEL.match(text, pos, end)
    if not m:
        return None
    kind = classify_party(m["party"])
    if kind is None:
        return None
    return Label(start=pos, end=m.end(), party=kind[1], kind=kind[0])


def _bracket_label_at(text: str, pos: int, end: int) -> Label | None:
    """``【高峰】:``, ``[title name]speech`` or ``• [title name]speech`` at ``pos``."""
    m = _BRACKET_LABEL.match(text, pos, end)
    if not m:
        return None
    kind = classify_party(m["party"], limit=MAX_LONG_PARTY_CHARS)
    if kind is None:
        return None
    live = bool(m["bullet"]) or not m["colon"]
    return Label(start=pos, end=m.end(), party=kind[1], kind=kind[0], live=live)


def find_label(text: str, start: int, end: int) -> Label | None:
    """A label at ``text[start:end]`` (a stripped line), possibly after a glued headline.

    A headline is recognised only when it ends in a boundary mark (``Q``, ``|``
    or ``】``, spaces allowed after it) right before a valid label, as in
    ``...发展Q东方网:``; such a split is preferred to reading the whole as a label.
    A label in brackets (``【高峰】:``, ``• [巡视员 胡翔]感谢…``) is read first.
    """
    if text[start] in _OPEN or text[start] in _BULLETS or text[start].isdigit():
        label = _bracket_label_at(text, start, end)
        if label is not None:
            return label
    colon = min((i for i in (text.find(":", start, end), text.find("：", start, end)) if i >= 0),
                default=-1)
    if colon < 0:
        return None
    for i in range(colon - 1, start, -1):
        if text[i] in _GLUE_BOUNDARY:
            at = i + 1
            while at < colon and text[at].isspace():
                at += 1
            label = _label_at(text, at, end)
            if label is not None:
                return label
    return _label_at(text, start, end)


def line_label(text: str, start: int, end: int, *, names: bool = True) -> Label | None:
    """A whole line that is a label without a colon, the speech on the next lines.

    Accepted only for a journalist (…记者), the moderator, a spokesperson, or (when
    ``names``) a speaker whose label ends in a personal name, so a title line is not read
    as a speaker. The parser passes ``names`` only when some line of the text is a
    journalist's label on its own, so a lone short word (文字) is not taken for a name.
    """
    m = _LINE_LABEL.fullmatch(text, start, end)
    if not m:
        return None
    kind = classify_party(m["party"])
    if kind is None:
        return None
    word = kind[1]
    named = names and (_is_name(word) or _ends_in_name(word))
    if (kind[0] == "outlet" and word.endswith("记者")) or kind[0] in (
        "moderator", "spokesperson") or (kind[0] == "official" and named):
        return Label(start=start, end=end, party=word, kind=kind[0])
    return None


def suspect_label(text: str, start: int, end: int) -> Label | None:
    """A line that starts like a label (``X：`` or ``【X】``) but is not accepted, or None.

    Not suspect: enumerations and reported speech (the ``not_label_starts`` and
    ``name_endings`` lists), headings (``not_label_endings``), and anything with
    digits or punctuation before the colon.
    """
    m = _BRACKET_LABEL.match(text, start, end)
    if m and (m["colon"] or m["bullet"]):
        party = m["party"].strip()
        if party and not any(c in _SENTENCE_PUNCT for c in party):
            return Label(start=start, end=m.end(), party=party, kind="unknown")
        return None
    m = _LABEL.match(text, start, end)
    if not m:
        return None
    party = m["party"].strip()
    lists = speaker_lists()
    if (
        not _SUSPECT_PARTY.fullmatch(party)
        or party.startswith(("第", *lists["not_label_starts"]))  # 第一：an ordinal heading
        or _ends(party, "name_endings")
        or _ends(party, "not_label_endings")
    ):
        return None
    return Label(start=start, end=m.end(), party=party, kind="unknown")


# --- parsing ------------------------------------------------------------------


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(start, content_end_before_break, next_line_start) for each line."""
    out, pos = [], 0
    for m in _LINE_BREAK.finditer(text):
        out.append((pos, m.start(), m.end()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text), len(text)))
    return out


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within ``text[start:end]`` (whitespace at the edges excluded)."""
    spans, pos = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        spans.append(_strip_span(text, pos, m.end()))
        pos = m.end()
    spans.append(_strip_span(text, pos, end))
    return [(a, b) for a, b in spans if a < b]


def _shown(source: str, folded: str, label: Label) -> str:
    """The party as written in ``source``: its characters found in order in the label."""
    if source is folded:
        return label.party
    out, pos = [], label.start
    for ch in label.party:
        at = folded.find(ch, pos, label.end)
        if at < 0:
            return label.party
        out.append(source[at])
        pos = at + 1
    return "".join(out)


class _Builder:
    """Walks the lines once, emitting parts and raw turns.

    ``text`` is the simplified copy used for matching; ``source`` the original text that
    parts are cut from (the same object when there is nothing to convert).
    """

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.parts: list[Part] = []
        self.raw_turns: list[tuple[Label, list[tuple[int, int]]]] = []
        self.warnings: list[ParseWarning] = []
        self.open = False
        self.line_no = 0
        self.line_names = False
        self.title: Part | None = None
        self.date: Part | None = None

    def add(self, kind: str, start: int, end: int) -> Part | None:
        if start >= end:
            return None
        last = self.parts[-1] if self.parts else None
        if kind == "space" and last is not None and last.kind == "space":
            self.parts[-1] = Part("space", last.start, end, self.source[last.start:end])
            return self.parts[-1]
        part = Part(kind, start, end, self.source[start:end])
        self.parts.append(part)
        return part

    def line(self, start: int, stop: int, nxt: int) -> None:
        self.line_no += 1
        a, b = _strip_span(self.text, start, stop)
        self.add("space", start, a)
        if a < b:
            self.content(a, b)
        self.add("space", b, nxt)

    def content(self, a: int, b: int) -> None:
        line = self.text[a:b]
        if is_furniture(line):
            self.add("furniture", a, b)
            self.open = False
            return
        if _TIME_ONLY.fullmatch(line):  # a live-text timestamp on its own line
            self.add("furniture", a, b)
            return
        label = find_label(self.text, a, b) or line_label(
            self.text, a, b, names=self.line_names)
        if label is None and _NUMBER_ONLY.fullmatch(line):
            self.add("other", a, b)  # a bare question number before a label line
            return
        if label is None and self.open:  # only a line that would join a turn is suspect
            label = suspect_label(self.text, a, b)
        if label is not None:
            self.add("headline", a, label.start)
            self.turn(label, b)
        elif self.open:
            self.body(a, b)
        elif not self.raw_turns and self.date is None and date_iso(line):
            self.date = self.add("date", a, b)
        elif not self.raw_turns and self.title is None and self._title_like(line):
            self.title = self.add("title", a, b)
        else:
            self.add("other", a, b)

    def turn(self, label: Label, b: int) -> None:
        """Start a turn at ``label``; its speech on this line runs to ``b``."""
        label = Label(label.start, label.end, label.party, label.kind,
                      _shown(self.source, self.text, label), label.live)
        if label.kind == "unknown":
            self.warnings.append(ParseWarning(
                self.line_no, label.start, label.end, self.source[label.start:label.end],
                "looks like a speaker label but is not one the parser knows; "
                "kept as a turn of role 'unknown'",
            ))
        self.add("label", label.start, label.end)
        body, _ = _strip_span(self.text, label.end, b)
        self.add("space", label.end, body)
        self.raw_turns.append((label, []))
        self.open = True
        if body < b:
            self.body(body, b)

    def _title_like(self, line: str) -> bool:
        return len(line) <= 80 and not _SENTENCE_END.search(line)

    def body(self, a: int, b: int) -> None:
        for m in _INLINE_BRACKET.finditer(self.text, a + 1, b):
            at = m.end()
            label = _bracket_label_at(self.text, at, b)
            if label is None:
                suspect = suspect_label(self.text, at, b)
                label = suspect if suspect is not None and self.text[suspect.end - 1] in ":：" \
                    else None
            if label is not None:
                _, end = _strip_span(self.text, a, at)
                self.paragraph(a, end)
                self.add("space", end, at)
                self.turn(label, b)
                return
        self.paragraph(a, b)

    def paragraph(self, a: int, b: int) -> None:
        if a >= b:
            return
        label = self.raw_turns[-1][0]
        glued = _GLUED_TIME.search(self.text, a, b) if label.live else None
        if glued is not None and glued.start() > a:
            _, end = _strip_span(self.text, a, glued.start())
            self.add("body", a, end)
            self.raw_turns[-1][1].append((a, end))
            self.add("space", end, glued.start())
            self.add("furniture", glued.start(), b)
            return
        self.add("body", a, b)
        self.raw_turns[-1][1].append((a, b))


def _roles(turns: list[tuple[Label, str]]) -> list[str]:
    """Roles from (label, text of the speech), in order.

    Outlets and askers ask (``question``); the moderator moderates. A spokesperson or
    official speaking right after a question answers. Otherwise a turn with a host's words
    (``moderator_cues``: 请提问, 欢迎出席, 到此结束 …) that is short (at most
    :data:`STATEMENT_MIN_CHARS` non-space characters) or states no figure (no Arabic digit) is
    the ``moderator`` (opening, introducing the guests, hand-over, closing); before the first
    question a longer turn is an opening ``statement`` (so is a short official's turn
    without such words, while a short spokesperson's turn moderates); after it, a
    spokesperson moderates and an official adds to the answer.
    """
    cues = speaker_lists()["moderator_cues"]
    roles: list[str] = []
    asked = False
    for label, speech in turns:
        size = sum(1 for c in speech if not c.isspace())
        short = size <= STATEMENT_MIN_CHARS or not _DIGIT.search(speech)
        hosting = short and any(c in speech for c in cues)
        if label.kind in ("outlet", "asker"):
            roles.append("question")
            asked = True
        elif label.kind in ("moderator", "unknown"):
            roles.append(label.kind)
        elif roles and roles[-1] == "question":
            roles.append("answer")
        elif hosting:
            roles.append("moderator")
        elif not asked:
            long = size > STATEMENT_MIN_CHARS
            roles.append("statement" if long or label.kind == "official" else "moderator")
        else:
            roles.append("moderator" if label.kind == "spokesperson" else "answer")
    return roles


def _journalist_line(text: str, start: int, stop: int) -> bool:
    """True when a line is a journalist's label on its own (路透社记者, 1、新华社记者)."""
    a, b = _strip_span(text, start, stop)
    if a >= b or b - a > MAX_LONG_PARTY_CHARS or not text.endswith("记者", a, b):
        return False
    label = line_label(text, a, b, names=False)
    return label is not None and label.kind == "outlet"


def parse_structure(text: str) -> ParsedTranscript:
    """Parse any text into parts and turns; never raises (a text may have no turns)."""
    builder = _Builder(to_simplified(text), text)
    lines = _lines(text)
    builder.line_names = any(_journalist_line(builder.text, a, b) for a, b, _ in lines)
    for start, stop, nxt in lines:
        builder.line(start, stop, nxt)
    roles = _roles([
        (label, " ".join(builder.text[a:b] for a, b in spans)) for label, spans in builder.raw_turns
    ])
    turns: list[Turn] = []
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    exchange = 0
    for (label, spans), role in zip(builder.raw_turns, roles, strict=True):
        index = len(turns)
        if role == "question":
            exchange += 1
        start, end = (spans[0][0], spans[-1][1]) if spans else (label.end, label.end)
        outlet = ""
        if label.kind == "outlet":
            outlet = label.shown[: len(label.party.removesuffix("记者"))]
        turns.append(Turn(
            index=index,
            exchange=0 if role == "moderator" else exchange,
            role=role,
            party=label.shown,
            label_start=label.start,
            label_end=label.end,
            start=start,
            end=end,
            text=text[start:end],
            outlet=outlet,
        ))
        for p_index, (a, b) in enumerate(spans):
            paragraphs.append(Paragraph(index, p_index, a, b, text[a:b]))
            for s_index, (sa, sb) in enumerate(split_sentences(builder.text, a, b)):
                sentences.append(Sentence(index, p_index, s_index, sa, sb, text[sa:sb]))
    parts = builder.parts
    return ParsedTranscript(
        text=text,
        parts=parts,
        turns=turns,
        paragraphs=paragraphs,
        sentences=sentences,
        title=builder.title,
        date=builder.date,
        artefacts=[p for p in parts if p.kind in ("headline", "other")],
        furniture=[p for p in parts if p.kind == "furniture"],
        warnings=builder.warnings,
    )


def parse_transcript(text: str) -> ParsedTranscript:
    """Parse a transcript; raises ``InputError`` unless a question is answered."""
    parsed = parse_structure(text)
    answered = any(t.role == "answer" and t.exchange > 0 for t in parsed.turns)
    if not answered:
        found = len(parsed.turns)
        raise InputError(
            f"no question/answer turns found (a question label such as '新华社记者：' "
            f"followed by an answer such as '刘平：'; {found} speaker label(s) recognised)"
        )
    return parsed


def whole_text(text: str) -> ParsedTranscript:
    """The text as one turn of role :data:`WHOLE_TEXT_ROLE`, every non-blank line a paragraph.

    For texts whose speakers cannot be found (``parse --no-turns``): quantities can then
    be read with their sentences. The parts still rejoin to the text.
    """
    parts: list[Part] = []
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    for start, stop, nxt in _lines(text):
        a, b = _strip_span(text, start, stop)
        for kind, x, y in (("space", start, a), ("body", a, b), ("space", b, nxt)):
            if x >= y:
                continue
            if kind == "space" and parts and parts[-1].kind == "space":
                last = parts.pop()
                x = last.start
            parts.append(Part(kind, x, y, text[x:y]))
        if a < b:
            index = len(paragraphs)
            paragraphs.append(Paragraph(0, index, a, b, text[a:b]))
            for s_index, (sa, sb) in enumerate(split_sentences(text, a, b)):
                sentences.append(Sentence(0, index, s_index, sa, sb, text[sa:sb]))
    start, end = (paragraphs[0].start, paragraphs[-1].end) if paragraphs else (0, 0)
    turn = Turn(0, 0, WHOLE_TEXT_ROLE, "", 0, 0, start, end, text[start:end])
    return ParsedTranscript(text=text, parts=parts, turns=[turn], paragraphs=paragraphs,
                            sentences=sentences)

"""The figures notebook 01 states in its prose, recomputed from the raw text and the parser."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter

import pandas as pd
import pytest

from online_economy import paths, tables
from online_economy.parse import ParsedTranscript

DATA = paths.TRANSCRIPT.read_bytes()
TEXT = DATA.decode("utf-8")
RECORD = json.loads(paths.PROVENANCE.read_text(encoding="utf-8"))
# The three label patterns of notebook 01, Section 2 (naive, short labels, glued run before Q).
NAIVE = re.compile(r"^  (?P<party>[^\n:]+?):", re.MULTILINE)
SHORT = re.compile(r"^  (?P<party>[^\s:,。?]{1,20}):", re.MULTILINE)
GLUED = re.compile(r"^  (?:(?P<glued>[^\n:]*?)Q)?(?P<party>[^\s:,。?]{1,20}):", re.MULTILINE)
OUTLETS = ["解放日报", "中新社", "中央广播电视总台CGTN", "澎湃新闻", "东方网"]
OFFICIALS = ["刘平", "郑锦", "葛平", "陶爱莲", "刘敏"]


@pytest.fixture(scope="module")
def parsed() -> ParsedTranscript:
    return tables.raw_parsed()


def test_provenance_and_sizes() -> None:
    assert (len(DATA), len(TEXT)) == (RECORD["bytes"], RECORD["characters"]) == (13936, 5046)
    assert hashlib.sha256(DATA).hexdigest() == RECORD["sha256"]
    assert round(len(DATA) / len(TEXT), 2) == 2.76 and "\r" not in TEXT
    widths = Counter(len(ch.encode("utf-8")) for ch in TEXT)
    assert dict(widths) == {1: 601, 3: 4445} and round(widths[3] / len(TEXT), 2) == 0.88
    ideographs = sum(unicodedata.name(ch, "").startswith("CJK UNIFIED") for ch in TEXT)
    assert ideographs == 4153 and widths[3] - ideographs == 292
    gap = pd.Timestamp(RECORD["page_date"]) - pd.Timestamp(RECORD["event_date"])
    assert gap.days == 777
    assert (TEXT[0:10], TEXT[22:24], TEXT[24:34]) == ("2020年4月13日", "\n\n", "2022-05-30")


def test_background_wording() -> None:
    for phrase in ["12个重点发展领域", "这12个重点领域", "3类12个领域", "《行动方案》"]:
        assert phrase in TEXT
    assert TEXT.count("《上海市促进在线新经济发展行动方案》") == 1
    assert "2020—2022" not in TEXT and "2022年" not in TEXT


def test_label_patterns(parsed: ParsedTranscript) -> None:
    naive = [(m.start("party"), m["party"]) for m in NAIVE.finditer(TEXT)]
    assert len(naive) == 11
    assert {start for start, _ in naive} - {t.label_start for t in parsed.turns} == {4019, 4532}
    assert TEXT[4532:].startswith("下一步,市商务委") and TEXT[4019:].startswith("培育壮大")
    short = [m["party"] for m in SHORT.finditer(TEXT)]
    assert len(short) == 9 and "东方网" not in short
    glued = list(GLUED.finditer(TEXT))
    assert [(m.start("party"), m["party"]) for m in glued] == [
        (t.label_start, t.party) for t in parsed.turns
    ]
    assert [m["glued"] for m in glued if m["glued"]] == ["培育壮大新兴消费,推动上海在线新经济发展"]


def test_anatomy(parsed: ParsedTranscript) -> None:
    kinds = Counter(p.kind for p in parsed.parts)
    assert (kinds["label"], kinds["body"], kinds["headline"], kinds["furniture"]) == (10, 40, 1, 1)
    assert "other" not in kinds and "".join(p.text for p in parsed.parts) == TEXT
    body = sum(p.end - p.start for p in parsed.parts if p.kind == "body")
    assert round(body / len(TEXT), 3) == 0.947
    speech = [p for p in parsed.parts if p.kind in ("label", "body")]
    lines = [TEXT.count("\n", 0, p.start) + 1 for p in speech]
    assert min(lines) == 5 and all(line % 2 == 1 for line in lines)
    headline, furniture = parsed.artefacts[0], parsed.furniture[0]
    assert (headline.start, headline.end) == (4019, 4040) and headline.text.endswith("Q")
    assert TEXT.find(headline.text[:-1], parsed.turns[9].start) == 4595
    assert parsed.turns[9].party == "刘敏"
    assert (furniture.text, furniture.start, furniture.end) == ("分享按钮", 5042, 5046)
    assert TEXT.count("\n", 0, headline.start) + 1 == 69


def test_punctuation() -> None:
    in_numbers = re.compile(r"(?<=\d)[.,](?=\d)")
    assert [m.group() for m in in_numbers.finditer(TEXT)] == ["."] * 9 == list(
        re.findall(r"\.", TEXT)
    )
    plain = in_numbers.sub("", TEXT)
    marks = Counter(c for c in plain if unicodedata.category(c).startswith("P") and c != "%")
    assert (marks[","], marks["，"], marks["。"], marks["."]) == (186, 0, 83, 0)
    for ascii_mark, wide in zip(",:;?()", "，：；？（）", strict=True):
        assert marks[ascii_mark] > 0 and marks[wide] == 0


def test_turns_and_lengths(parsed: ParsedTranscript) -> None:
    turns = parsed.turns_frame()
    assert turns.loc[turns["role"] == "question", "party"].tolist() == OUTLETS
    assert turns.loc[turns["role"] == "answer", "party"].tolist() == OFFICIALS
    assert set(turns["role"]) == {"question", "answer"}
    speech = pd.Series([p.end - p.start for p in parsed.paragraphs],
                       index=[p.turn for p in parsed.paragraphs]).groupby(level=0).sum()
    roles = turns.set_index("turn")["role"]
    questions, answers = speech[roles == "question"], speech[roles == "answer"]
    assert (questions.min(), questions.max()) == (20, 85)
    assert round(answers.sum() / speech.sum(), 3) == 0.941
    by_official = dict(zip(OFFICIALS, answers, strict=True))
    assert max(by_official, key=by_official.get) == "陶爱莲" and by_official["陶爱莲"] == 981
    assert min(by_official, key=by_official.get) == "葛平" and by_official["葛平"] == 735
    assert round(981 / 735, 2) == 1.33
    paragraphs = Counter(p.turn for p in parsed.paragraphs)
    assert paragraphs[5] == max(paragraphs[t] for t in answers.index) == 9  # 葛平


def test_named_bodies(parsed: ParsedTranscript) -> None:
    answers = {t.party: t for t in parsed.turns if t.role == "answer"}
    assert answers["葛平"].text.count("市地方金融监管局") == 1
    assert answers["陶爱莲"].text.count("市场监管局") == 4
    assert answers["刘敏"].text.count("市商务委") == 1
    for official in ("葛平", "刘敏"):
        body = {"葛平": "市地方金融监管局", "刘敏": "市商务委"}[official]
        at = TEXT.find(body, answers[official].start)
        assert TEXT[at - 4:at] == "下一步,"
    assert answers["陶爱莲"].text.startswith("市场监管局")
    assert TEXT.find("请问市商务委", parsed.turns[8].start) == 4095
    bodies = ["市地方金融监管局", "市场监管局", "市商务委"]
    for official in ("刘平", "郑锦"):
        assert not any(b in answers[official].text for b in bodies)

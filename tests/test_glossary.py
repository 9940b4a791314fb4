"""The glossary: its file, its offsets into the transcript, its pinyin, its display table."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from online_economy import paths
from online_economy.errors import InputError
from online_economy.glossary import COLUMNS, GLOSSARY, glossary_table, load_glossary

TEXT = paths.TRANSCRIPT.read_text(encoding="utf-8")

REQUIRED = [
    "在线新经济", "行动方案", "重点领域", "无中生有", "有中启转", "转中做大", "新业态", "新模式",
    "无接触", "配送", "远程办公", "在线展览展示", "在线教育", "在线医疗", "无人工厂", "工业互联网",
    "在线文娱", "生鲜电商零售", "在线金融", "金融科技", "互联网医院", "互联网+", "健康码",
    "一网通办", "免罚清单", "信用修复", "“沙盒”监管", "头部企业", "市场主体", "同比", "人次", "等",
    "疫情", "复工复产", "电商", "直播", "数字化转型", "智慧零售",
]  # fmt: skip
TWELVE_DOMAINS = [
    "无人工厂", "工业互联网", "远程办公", "在线金融", "在线文娱", "在线展览展示", "生鲜电商零售",
    "“无接触”配送", "新型移动出行", "在线教育", "在线研发设计", "在线医疗",
]  # fmt: skip

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
VOWEL_RUN = re.compile(f"[aeiouüv{TONED}]+")


@pytest.fixture(scope="module")
def glossary() -> pd.DataFrame:
    return load_glossary()


def test_file_is_plain_utf8_csv_with_the_agreed_header() -> None:
    raw = GLOSSARY.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw
    text = raw.decode("utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert text.endswith("\n")


def test_size_and_coverage(glossary: pd.DataFrame) -> None:
    assert 30 <= len(glossary) <= 50
    terms = set(glossary["term"])
    assert [t for t in REQUIRED if t not in terms] == []
    assert [t for t in TWELVE_DOMAINS if t not in terms] == []
    assert glossary["term"].is_unique


def test_offsets_quote_the_first_appearance(glossary: pd.DataFrame) -> None:
    present = glossary.dropna(subset=["first_start"])
    assert len(present) >= 30
    for term, start, end in zip(
        present["term"], present["first_start"], present["first_end"], strict=True
    ):
        assert TEXT[start:end] == term
        assert TEXT.find(term) == start, term


def test_absent_terms_are_really_absent_and_say_so(glossary: pd.DataFrame) -> None:
    absent = glossary[glossary["first_start"].isna()]
    assert set(absent["term"]) == {"新型移动出行", "在线研发设计"}
    for term, note in zip(absent["term"], absent["note"], strict=True):
        assert term not in TEXT
        assert note.startswith("not in the transcript")
    assert absent["first_end"].isna().all()


def test_the_glossary_uses_the_transcripts_own_forms(glossary: pd.DataFrame) -> None:
    assert "沙盒监管" not in TEXT and "“沙盒”监管" in set(glossary["term"])
    start = glossary.set_index("term").loc["等", "first_start"]
    assert TEXT[start - 7 : start + 1] == "“无接触”配送等"  # closing a list: "and others"


def _syllables(term: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", term)) + term.count("+")  # "+" is read jiā


def test_pinyin_has_one_toned_syllable_per_character(glossary: pd.DataFrame) -> None:
    for term, pinyin in zip(glossary["term"], glossary["pinyin"], strict=True):
        assert re.fullmatch(f"[a-zü{TONED}' ]+", pinyin.lower()), pinyin
        runs = [r for chunk in re.split(r"[ ']", pinyin.lower()) for r in VOWEL_RUN.findall(chunk)]
        assert len(runs) == _syllables(term), (term, pinyin)
        assert all(sum(ch in TONED for ch in run) == 1 for run in runs), (term, pinyin)


def test_glosses_are_filled(glossary: pd.DataFrame) -> None:
    assert glossary["gloss_en"].str.strip().ne("").all()
    assert glossary["note"].notna().all()


def _write(tmp_path: Path, text: str, bom: bool = False) -> Path:
    path = tmp_path / "glossary.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


HEADER = "term,pinyin,gloss_en,first_start,first_end,note\n"


def test_loader_reads_empty_offsets_as_missing(tmp_path: Path) -> None:
    frame = load_glossary(_write(tmp_path, HEADER + "同比,tóngbǐ,year on year,3,5,\nX,x,x,,,n\n"))
    assert str(frame["first_start"].dtype) == "Int64"
    assert frame["first_start"].tolist()[0] == 3
    assert pd.isna(frame["first_end"].iloc[1])
    assert frame["note"].tolist() == ["", "n"]


@pytest.mark.parametrize(
    ("text", "bom", "message"),
    [
        (HEADER + "a,a,a,1,2,\n", True, "BOM"),
        ("term,pinyin,gloss_en,start,end,note\na,a,a,1,2,\n", False, "header must be"),
        (HEADER + "a,a,a,1,,\n", False, "one of its two offsets"),
        (HEADER + "a,a,a,x,2,\n", False, "whole number"),
        (HEADER + "a,a,a,1,2,\na,b,b,3,4,\n", False, "unique"),
    ],
)
def test_loader_rejects_bad_files(tmp_path: Path, text: str, bom: bool, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_glossary(_write(tmp_path, text, bom))


def test_loader_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_glossary(tmp_path / "nope.csv")


TURNS = pd.DataFrame(
    {
        "start": [0, 60, 230],
        "end": [40, 200, 1200],
        "role": ["title", "question", "answer"],
        "party": [None, "解放日报", "刘平"],
        "exchange": [None, 1.0, 1.0],
    }
)


def test_table_places_terms_in_turns() -> None:
    table = glossary_table(["无中生有", "等", "在线金融", "新型移动出行"], turns=TURNS)
    assert list(table.columns) == ["term", "pinyin", "English", "first appears"]
    assert table["term"].tolist() == ["无中生有", "等", "在线金融", "新型移动出行"]
    assert table["first appears"].tolist() == [
        "answer 1 (刘平), char 233",
        "question 1 (解放日报), char 88",
        "char 2150 (outside the turns)",
        "not in the transcript",
    ]
    assert table["English"].iloc[1] == "and others"


def test_table_without_turns_gives_offsets_for_every_term() -> None:
    table = glossary_table()
    glossary = load_glossary()
    assert table["term"].tolist() == glossary["term"].tolist()
    expected = [
        "not in the transcript" if pd.isna(s) else f"char {s}" for s in glossary["first_start"]
    ]
    assert table["first appears"].tolist() == expected


def test_table_rejects_unknown_terms_and_bad_turns() -> None:
    with pytest.raises(InputError, match="not in the glossary: 火星"):
        glossary_table(["同比", "火星"])
    with pytest.raises(InputError, match="party, exchange"):
        glossary_table(turns=TURNS[["start", "end", "role"]])


def test_table_with_the_real_parser() -> None:
    parse = pytest.importorskip("online_economy.parse", reason="the parser is not written yet")
    turns = parse.parse_transcript(TEXT).turns_frame()
    table = glossary_table(["无中生有", "金融科技", "新兴消费"], turns=turns).set_index("term")
    assert table.loc["无中生有", "first appears"] == "answer 1 (刘平), char 233"
    # first said in the web-page headline glued to the fifth question, which is no one's turn
    assert table.loc["新兴消费", "first appears"] == "char 4023 (outside the turns)"
    assert table.loc["金融科技", "first appears"] == "question 3 (中央广播电视总台CGTN), char 2141"


def test_domain_glosses_match_the_domain_table() -> None:
    """A domain name is glossed the same way in glossary.csv and domains.csv."""
    from online_economy.taxonomy import load_domains

    names = dict(zip(load_domains()["name_zh"], load_domains()["name_en"], strict=True))
    glossary = load_glossary()
    for term, gloss in zip(glossary["term"], glossary["gloss_en"], strict=True):
        if term in names:
            assert gloss == names[term], term

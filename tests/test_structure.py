"""online_economy.structure: provenance, anatomy, punctuation, turns, topics, affiliations."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from online_economy import paths, spans, structure
from online_economy.errors import InputError
from online_economy.parse import ParsedTranscript, parse_transcript
from online_economy.tables import raw_parsed

TEXT = paths.TRANSCRIPT.read_text(encoding="utf-8")
OUTLETS = ["解放日报", "中新社", "中央广播电视总台CGTN", "澎湃新闻", "东方网"]
OFFICIALS = ["刘平", "郑锦", "葛平", "陶爱莲", "刘敏"]

SMALL = """示例发布会问答实录

2020-04-13

主持人：下面请提问。
1、新华社记者：在线教育有哪些举措？
市教委副主任王华：一是推进空中课堂，二是支持直播教学。市教委将继续推进。

  市教委还会发布指南。
2、第一财经记者：远程办公如何？
李明：用户增加了。
分享按钮
"""


@pytest.fixture(scope="module")
def parsed() -> ParsedTranscript:
    return raw_parsed()


@pytest.fixture(scope="module")
def small() -> ParsedTranscript:
    return parse_transcript(SMALL)


# --- provenance ------------------------------------------------------------------


def test_provenance_check_passes_on_the_raw_file() -> None:
    check = structure.provenance_check()
    assert list(check["field"]) == ["bytes", "characters", "line_endings", "sha256"]
    assert check["ok"].all()
    assert check.set_index("field").at["characters", "measured"] == len(TEXT)


def test_provenance_check_flags_a_changed_file(tmp_path: Path) -> None:
    changed = tmp_path / "t.txt"
    changed.write_bytes(paths.TRANSCRIPT.read_bytes() + b"x")
    check = structure.provenance_check(changed).set_index("field")
    assert not check.at["sha256", "ok"]
    assert not check.at["bytes", "ok"]
    assert check.at["characters", "measured"] == len(TEXT) + 1


def test_load_provenance_reads_dates_and_rejects_garbage(tmp_path: Path) -> None:
    record = structure.load_provenance()
    assert (record["event_date"], record["page_date"]) == ("2020-04-13", "2022-05-30")
    bad = tmp_path / "p.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError):
        structure.load_provenance(bad)


# --- anatomy -----------------------------------------------------------------------


def test_line_number() -> None:
    assert structure.line_number("a\nb\nc", 0) == 1
    assert structure.line_number("a\nb\nc", 2) == 2
    assert structure.line_number("a\nb\nc", 4) == 3
    with pytest.raises(InputError):
        structure.line_number("abc", 4)


def test_excerpt_cuts_and_marks_line_breaks() -> None:
    assert structure.excerpt("短文本") == "短文本"
    assert structure.excerpt("一二三四五六", width=4) == "一二三…"
    assert structure.excerpt("a\nb") == "a⏎b"


def test_anatomy_of_the_raw_text(parsed: ParsedTranscript) -> None:
    table = structure.anatomy_table(parsed)
    assert "space" not in set(table["kind"])
    title = table[table["kind"] == "title"].iloc[0]
    assert (title["start"], title["line"]) == (0, 1)
    date = table[table["kind"] == "date"].iloc[0]
    assert TEXT[date["start"]:date["end"]] == "2022-05-30" and date["line"] == 3
    head = table[table["kind"] == "headline"].iloc[0]
    assert TEXT[head["start"]:head["end"]] == "培育壮大新兴消费,推动上海在线新经济发展Q"
    assert head["turn"] == -1
    furniture = table[table["kind"] == "furniture"].iloc[0]
    assert TEXT[furniture["start"]:furniture["end"]] == "分享按钮"
    assert furniture["line"] == TEXT.count("\n") + 1 - (TEXT.endswith("\n"))
    labels = table[table["kind"] == "label"]
    assert len(labels) == 10 and list(labels["turn"]) == list(range(10))
    assert (table["n_chars"] == table["end"] - table["start"]).all()


def test_anatomy_with_space_covers_the_text(parsed: ParsedTranscript) -> None:
    table = structure.anatomy_table(parsed, include_space=True)
    assert table["n_chars"].sum() == len(TEXT)
    assert (table["start"].iloc[1:].to_numpy() == table["end"].iloc[:-1].to_numpy()).all()


def test_anatomy_summary_counts_every_character(parsed: ParsedTranscript) -> None:
    summary = structure.anatomy_summary(parsed).set_index("kind")
    assert summary["characters"].sum() == len(TEXT)
    assert summary.at["label", "parts"] == 10
    assert summary.at["headline", "parts"] == summary.at["furniture", "parts"] == 1
    assert summary.at["title", "characters"] == len("2020年4月13日市政府新闻发布会问答实录")
    assert set(summary["handling"]) <= set(structure.HANDLING.values())


def test_headline_and_furniture_are_outside_every_turn(parsed: ParsedTranscript) -> None:
    for part in parsed.artefacts + parsed.furniture:
        for turn in parsed.turns:
            assert part.end <= turn.label_start or part.start >= turn.end


def test_rejoins_true_for_real_parse_false_for_tampered(parsed: ParsedTranscript) -> None:
    assert structure.rejoins(parsed)
    dropped = ParsedTranscript(
        text=parsed.text, parts=[p for p in parsed.parts if p.kind != "furniture"],
        turns=parsed.turns, paragraphs=parsed.paragraphs, sentences=parsed.sentences,
    )
    assert not structure.rejoins(dropped)


def test_small_transcript_anatomy(small: ParsedTranscript) -> None:
    summary = structure.anatomy_summary(small).set_index("kind")
    assert summary.at["label", "parts"] == 5
    assert summary.at["furniture", "parts"] == 1
    assert structure.rejoins(small)


# --- punctuation -----------------------------------------------------------------


def test_punctuation_skips_numbers_and_percent() -> None:
    counts = structure.punctuation_counts("增长6.8%,共1,000家。好!").set_index("mark")
    assert counts.at[",", "count"] == 1
    assert "." not in counts.index and "%" not in counts.index
    assert counts.at["。", "width"] == "full-width" and counts.at["!", "width"] == "ASCII"


def test_punctuation_of_the_raw_text() -> None:
    counts = structure.punctuation_counts(TEXT).set_index("mark")["count"]
    assert counts[","] == TEXT.count(",")
    assert counts["。"] == TEXT.count("。")
    assert "." not in counts  # every ASCII full stop here is a decimal point
    pairs = structure.punctuation_pairs(TEXT).set_index("name")
    assert pairs.at["comma", "fullwidth_count"] == TEXT.count("，") == 0
    assert pairs.at["comma", "ascii_count"] > 100
    assert pairs.at["full stop", "ascii_count"] == 0
    assert list(pairs.columns) == ["ascii", "ascii_count", "fullwidth", "fullwidth_count"]


# --- topics and turns ------------------------------------------------------------


def test_topics_file_quotes_each_question(parsed: ParsedTranscript) -> None:
    topics = structure.load_topics()
    assert list(topics["exchange"]) == [1, 2, 3, 4, 5]
    assert spans.check_spans(topics.astype(str), TEXT, "topics") == []
    questions = {t.exchange: t for t in parsed.turns if t.role == "question"}
    for row in topics.itertuples():
        q = questions[row.exchange]
        assert q.start <= row.topic_start < row.topic_end <= q.end
        assert row.topic_en.strip() and row.topic_en.isascii()


def test_load_topics_rejects_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "topics.csv"
    bad.write_text("exchange,topic\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError):
        structure.load_topics(bad)
    bad.write_text("exchange,topic_en,topic,topic_start,topic_end\n1,a,b,x,2\n", encoding="utf-8")
    with pytest.raises(InputError):
        structure.load_topics(bad)


def test_turn_overview_of_the_raw_text(parsed: ParsedTranscript) -> None:
    table = structure.turn_overview(parsed)
    assert len(table) == 10
    assert list(table["party"][table["role"] == "question"]) == OUTLETS
    assert list(table["party"][table["role"] == "answer"]) == OFFICIALS
    assert (table["topic"] != "").all()
    assert table["paragraphs"].sum() == len(parsed.paragraphs)
    assert table["sentences"].sum() == len(parsed.sentences)
    assert (table["speech_chars"] <= table["n_chars"]).all()
    body = sum(p.end - p.start for p in parsed.parts if p.kind == "body")
    assert table["speech_chars"].sum() == body
    # a one-paragraph turn has no gaps, so both lengths agree
    one = table[table["paragraphs"] == 1]
    assert (one["speech_chars"] == one["n_chars"]).all()


def test_turn_overview_without_topics(small: ParsedTranscript) -> None:
    empty = pd.DataFrame(columns=structure.TOPIC_COLUMNS)
    table = structure.turn_overview(small, empty)
    assert list(table["role"]) == ["moderator", "question", "answer", "question", "answer"]
    assert (table["topic"] == "").all() and (table["topic_start"] == -1).all()
    answer = table.iloc[2]
    assert answer["paragraphs"] == 2
    assert answer["n_chars"] - answer["speech_chars"] == len("\n\n  ")


def test_answer_lengths(parsed: ParsedTranscript, small: ParsedTranscript) -> None:
    lengths = structure.answer_lengths(parsed)
    assert list(lengths["official"]) == OFFICIALS
    assert list(lengths["asked_by"]) == OUTLETS
    answers = [t for t in parsed.turns if t.role == "answer"]
    assert list(lengths["n_chars"]) == [t.end - t.start for t in answers]
    assert list(structure.answer_lengths(small)["asked_by"]) == ["新华社记者", "第一财经记者"]


# --- affiliations --------------------------------------------------------------


def test_affiliations_of_the_raw_text(parsed: ParsedTranscript) -> None:
    table = structure.affiliations(parsed)
    named = table[table["body"] != ""].set_index("official")["body"].to_dict()
    assert named == {"葛平": "市地方金融监管局", "陶爱莲": "市场监管局", "刘敏": "市商务委"}
    assert set(table.loc[table["body"] == "", "official"]) == {"刘平", "郑锦"}
    for row in table[table["body"] != ""].itertuples():
        assert TEXT[row.start:row.end] == row.body
        assert row.body in row.clause
    assert table.set_index("official").at["陶爱莲", "mentions"] == 4


def test_affiliations_longest_name_first(small: ParsedTranscript) -> None:
    table = structure.affiliations(small, ["市教委", "教委"])
    first = table[table["official"] == "市教委副主任王华"]
    assert list(first["body"]) == ["市教委"]
    assert first["mentions"].iat[0] == 2
    assert first["clause"].iat[0] == "市教委将继续推进"
    assert table[table["official"] == "李明"]["body"].iat[0] == ""


def test_provenance_json_matches_sources_note() -> None:
    record = json.loads(paths.PROVENANCE.read_text(encoding="utf-8"))
    assert record["bytes"] == len(paths.TRANSCRIPT.read_bytes())

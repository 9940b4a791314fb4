"""Parsing transcripts into parts, turns, paragraphs and sentences."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from online_economy import paths
from online_economy.errors import InputError
from online_economy.parse import (
    ParsedTranscript,
    classify_party,
    date_iso,
    find_label,
    furniture_patterns,
    is_furniture,
    parse_structure,
    parse_transcript,
    speaker_lists,
    split_sentences,
    whole_text,
)
from online_economy.reference import read_lines
from online_economy.source import load_raw, read_transcript
from online_economy.tables import quantities_table

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.txt"))
PART_KINDS = ("title", "date", "label", "body", "headline", "furniture", "space", "other")
ROLES = ("question", "answer", "moderator", "statement", "unknown")


@pytest.fixture(scope="module")
def raw() -> ParsedTranscript:
    return parse_transcript(load_raw().text)


def check_consistent(parsed: ParsedTranscript) -> None:
    """Every structural promise of ParsedTranscript, checked against its own text."""
    text = parsed.text
    assert "".join(p.text for p in parsed.parts) == text
    pos = 0
    for before, part in zip([None, *parsed.parts], parsed.parts, strict=False):
        assert part.kind in PART_KINDS
        assert part.start == pos < part.end and text[part.start:part.end] == part.text
        assert not (before and before.kind == part.kind == "space")
        if part.kind == "space":
            assert part.text.isspace()
        else:
            assert part.text == part.text.strip()
        pos = part.end
    assert pos == len(text)
    bodies = [(p.start, p.end) for p in parsed.parts if p.kind == "body"]
    assert bodies == [(p.start, p.end) for p in parsed.paragraphs]
    labels = [(p.start, p.end) for p in parsed.parts if p.kind == "label"]
    assert labels == [(t.label_start, t.label_end) for t in parsed.turns]
    last_end = questions = 0
    for i, turn in enumerate(parsed.turns):
        assert turn.index == i and turn.role in ROLES
        assert turn.text == text[turn.start:turn.end]
        assert last_end <= turn.label_start < turn.label_end <= turn.start <= turn.end
        line_end = turn.label_end == len(text) or text[turn.label_end] in "\r\n"
        assert text[turn.label_end - 1] in ":：】]］" or line_end
        if turn.role == "question":
            questions += 1
        expected_exchange = 0 if turn.role == "moderator" else questions
        assert turn.exchange == expected_exchange
        if turn.role != "question":
            assert turn.outlet == ""
        last_end = turn.end
        paras = [p for p in parsed.paragraphs if p.turn == i]
        assert [p.index for p in paras] == list(range(len(paras)))
        if paras:
            assert (paras[0].start, paras[-1].end) == (turn.start, turn.end)
    for para in parsed.paragraphs:
        turn = parsed.turns[para.turn]
        assert turn.start <= para.start < para.end <= turn.end
        assert para.text == text[para.start:para.end] == para.text.strip()
        sents = [s for s in parsed.sentences if (s.turn, s.paragraph) == (para.turn, para.index)]
        assert [s.index for s in sents] == list(range(len(sents)))
        bounds = [para.start, *(x for s in sents for x in (s.start, s.end)), para.end]
        assert bounds == sorted(bounds)
        for s in sents:
            assert s.start < s.end and s.text == text[s.start:s.end] == s.text.strip()
        gaps = [text[a:b] for a, b in zip(bounds[::2], bounds[1::2], strict=True)]
        assert all(not gap or gap.isspace() for gap in gaps)
    assert parsed.artefacts == [p for p in parsed.parts if p.kind in ("headline", "other")]
    assert parsed.furniture == [p for p in parsed.parts if p.kind == "furniture"]
    for part in (parsed.title, parsed.date):
        assert part is None or part in parsed.parts


# --- the project's transcript -------------------------------------------------------


def test_raw_turns_are_the_five_questions_and_answers(raw: ParsedTranscript) -> None:
    frame = raw.turns_frame()
    assert list(frame["party"]) == [
        "解放日报", "刘平", "中新社", "郑锦", "中央广播电视总台CGTN", "葛平",
        "澎湃新闻", "陶爱莲", "东方网", "刘敏",
    ]
    assert list(frame["role"]) == ["question", "answer"] * 5
    assert list(frame["exchange"]) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert list(frame["outlet"]) == [
        "解放日报", "", "中新社", "", "中央广播电视总台CGTN", "", "澎湃新闻", "", "东方网", "",
    ]
    assert list(frame["n_chars"]) == [len(t) for t in frame["text"]]
    assert list(frame.columns) == [
        "turn", "exchange", "role", "party", "outlet", "label_start", "label_end",
        "start", "end", "n_chars", "text",
    ]


def test_raw_offsets_point_at_the_quoted_words(raw: ParsedTranscript) -> None:
    text = raw.text
    for turn in raw.turns:
        assert text[turn.label_start:turn.label_end] == turn.party + ":"
        assert turn.text == text[turn.start:turn.end]
        assert turn.start == turn.label_end
    assert raw.turns[0].text.startswith("刚才介绍《行动方案》")
    assert raw.turns[0].text.endswith("这些领域和本次疫情有什么关系?")
    assert raw.turns[9].text.endswith("集约化服务水平。")
    assert text[raw.turns[8].label_start:raw.turns[8].start] == "东方网:"


def test_raw_title_date_headline_furniture(raw: ParsedTranscript) -> None:
    text = raw.text
    assert raw.title is not None and raw.title.text == text.splitlines()[0]
    assert (raw.title.start, raw.title.end) == (0, 22)
    assert raw.date is not None and raw.date.text == "2022-05-30" == raw.date_iso
    assert text[raw.date.start:raw.date.end] == "2022-05-30"
    assert [(p.kind, p.text) for p in raw.artefacts] == [
        ("headline", "培育壮大新兴消费,推动上海在线新经济发展Q")
    ]
    headline = raw.artefacts[0]
    assert text[headline.start:headline.end] == headline.text
    assert headline.end == raw.turns[8].label_start
    assert [(p.text, p.start, p.end) for p in raw.furniture] == [("分享按钮", 5042, 5046)]


def test_raw_paragraphs_and_sentences(raw: ParsedTranscript) -> None:
    check_consistent(raw)
    per_turn = [sum(1 for p in raw.paragraphs if p.turn == t.index) for t in raw.turns]
    assert per_turn == [1, 5, 1, 7, 1, 9, 1, 7, 1, 7]
    assert len(raw.paragraphs) == 40
    first_q = [s.text for s in raw.sentences if s.turn == 0]
    assert first_q[1] == "这些领域和本次疫情有什么关系?"
    frame = raw.sentences_frame()
    assert list(frame.columns) == [
        "turn", "paragraph", "sentence", "exchange", "role", "party", "start", "end",
        "n_chars", "text",
    ]
    assert len(frame) == len(raw.sentences)
    assert set(frame["party"]) == set(raw.turns_frame()["party"])


# --- the fixtures, one per layout ---------------------------------------------------


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_layouts(name: str) -> None:
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    transcript = read_transcript(FIXTURES / f"{name}.txt")
    parsed = parse_transcript(transcript.text)
    check_consistent(parsed)
    n_paragraphs = [sum(1 for p in parsed.paragraphs if p.turn == t.index) for t in parsed.turns]
    assert transcript.newline == expected["newline"]
    assert (parsed.title and parsed.title.text) == expected["title"]
    assert parsed.date_iso == expected["date"]
    assert [p.text for p in parsed.parts if p.kind == "label"] == expected["labels"]
    assert [
        [t.role, t.party, t.outlet, t.exchange, n]
        for t, n in zip(parsed.turns, n_paragraphs, strict=True)
    ] == expected["turns"]
    assert [p.text for p in parsed.furniture] == expected["furniture"]
    assert [[p.kind, p.text] for p in parsed.artefacts] == expected["artefacts"]
    assert [[w.line, w.label] for w in parsed.warnings] == expected.get("warnings", [])
    for w in parsed.warnings:
        assert transcript.text[w.start:w.end] == w.label
        assert transcript.text.splitlines()[w.line - 1].strip().startswith(w.label)
    if "quantities" in expected:
        frame = quantities_table(parsed)
        assert [
            [r.surface, r.value, None if pd.isna(r.value_high) else r.value_high, r.unit,
             r.kind, r.role, r.party]
            for r in frame.itertuples()
        ] == expected["quantities"]
        for r in frame.itertuples():
            assert transcript.text[r.start:r.end] == r.surface


def test_fixture_set_covers_every_layout() -> None:
    assert set(FIXTURE_NAMES) == {
        "ascii_numbered", "crlf", "headline_glued", "outlets_fullwidth", "spokesperson",
        "titles_moderator", "brackets_inline", "label_alone", "live_text", "traditional",
        "suspect",
    }
    assert b"\r\n" in (FIXTURES / "crlf.txt").read_bytes()
    assert b"\r" not in (FIXTURES / "ascii_numbered.txt").read_bytes()


def test_crlf_offsets_and_lf_offsets_differ_but_texts_match() -> None:
    crlf = parse_transcript((FIXTURES / "crlf.txt").read_bytes().decode("utf-8"))
    lf = parse_transcript(crlf.text.replace("\r\n", "\n"))
    assert [t.text.replace("\r\n", "\n") for t in crlf.turns] == [t.text for t in lf.turns]
    assert [p.text for p in crlf.paragraphs] == [p.text for p in lf.paragraphs]
    assert all("\r" not in p.text for p in crlf.paragraphs)
    assert crlf.turns[1].start > lf.turns[1].start


# --- unit tests ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "expected"),
    [
        ("新华社记者", ("outlet", "新华社记者")),
        ("《人民日报》记者", ("outlet", "人民日报记者")),
        ("《人民日报》", ("outlet", "人民日报")),
        ("《财经》杂志记者", ("outlet", "财经杂志记者")),
        ("《行动方案》提出", None),
        ("中央广播电视总台CGTN", ("outlet", "中央广播电视总台CGTN")),
        ("澎湃新闻", ("outlet", "澎湃新闻")),
        ("第一财经", ("outlet", "第一财经")),
        ("记者", ("outlet", "记者")),
        ("主持人", ("moderator", "主持人")),
        ("新闻发言人", ("spokesperson", "新闻发言人")),
        ("市政府新闻发言人", ("spokesperson", "市政府新闻发言人")),
        ("刘平", ("official", "刘平")),
        ("陶爱莲", ("official", "陶爱莲")),
        ("欧阳明华", ("official", "欧阳明华")),
        ("市商务委副主任刘敏", ("official", "市商务委副主任刘敏")),
        ("市经济信息化委负责人", ("official", "市经济信息化委负责人")),
        ("市经济信息化委负责人补充回答", ("official", "市经济信息化委负责人")),
        ("补充回答", ("official", "")),
        ("新华社记者补充", None),
        ("刘敏表示", None),
        ("刘敏说", None),
        ("包括", None),
        ("一是搭建平台", None),
        ("工业互联网", None),
        ("主要平台", None),
        ("具体措施", None),
        ("下一步", None),
        ("刚才介绍《行动方案》时", None),
        ("请问,东方网", None),
        # layouts of issue 11: brackets, long labels ending in a name, glued titles, bodies
        ("【高峰】", ("official", "高峰")),
        ("【中国国际电视台CGTN记者】", ("outlet", "中国国际电视台CGTN记者")),
        ("[国家疾控局传防司二级巡视员 胡翔]", ("official", "国家疾控局传防司二级巡视员 胡翔")),
        ("国家统计局新闻发言人、国民经济综合统计司司长 付凌晖",
         ("official", "国家统计局新闻发言人、国民经济综合统计司司长 付凌晖")),
        ("商务部新闻发言人高峰", ("spokesperson", "商务部新闻发言人高峰")),
        ("主持人袁达", ("moderator", "主持人袁达")),
        ("国务院新闻办新闻局 寿小丽", ("official", "国务院新闻办新闻局 寿小丽")),
        ("寿小丽", ("official", "寿小丽")),
        ("二级巡视员", ("official", "二级巡视员")),
        ("【发布会】", None),
        ("【高峰】【路透社】", None),
        ("这是一个非常非常长的标题而且它的最后并不是一个人的名字所以不是标签 我们", None),
        ("我们正在推进的工作 认为", None),
        ("这是一个非常非常非常非常非常非常长的新闻网站名称叫做某某日报", None),
        ("", None),
    ],
)
def test_classify_party(party: str, expected: tuple[str, str] | None) -> None:
    assert classify_party(party) == expected


@pytest.mark.parametrize(
    ("line", "label", "party"),
    [
        ("新华社记者：问题？", "新华社记者：", "新华社记者"),
        ("1、新华社记者:问题?", "1、新华社记者:", "新华社记者"),
        ("12. 东方网: 问题", "12. 东方网:", "东方网"),
        ("（3）澎湃新闻：问题", "（3）澎湃新闻：", "澎湃新闻"),
        ("(一)澎湃新闻：问题", "(一)澎湃新闻：", "澎湃新闻"),
        ("问1、中新社记者：问题", "问1、中新社记者：", "中新社记者"),
        ("刘平 ：回答", "刘平 ：", "刘平"),
        ("主持人：", "主持人：", "主持人"),
        ("标题文字Q东方网:问题", "东方网:", "东方网"),
        ("标题文字 | 解放日报:问题", "解放日报:", "解放日报"),
        ("【发布会】刘敏：回答", "刘敏：", "刘敏"),
        ("【高峰】:新闻界的朋友们", "【高峰】:", "高峰"),
        ("【路透社记者】 ：请问", "【路透社记者】 ：", "路透社记者"),
        ("• [国家疾控局传防司二级巡视员 胡翔]感谢你的提问：一是",
         "• [国家疾控局传防司二级巡视员 胡翔]", "国家疾控局传防司二级巡视员 胡翔"),
        ("[人民网记者]请问", "[人民网记者]", "人民网记者"),
        ("1、【新华社记者】：请问", "1、【新华社记者】：", "新华社记者"),
    ],
)
def test_find_label(line: str, label: str, party: str) -> None:
    found = find_label(line, 0, len(line))
    assert found is not None
    assert (line[found.start:found.end], found.party) == (label, party)


@pytest.mark.parametrize(
    "line",
    [
        "下一步,市商务委将采取以下措施:",
        "截至3月底:本市共有市场主体274.35万户。",
        "标题文字,东方网:问题",
        "没有冒号的一行",
        "时间10:30",
    ],
)
def test_find_label_rejects_ordinary_text(line: str) -> None:
    assert find_label(line, 0, len(line)) is None


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("2022-05-30", "2022-05-30"),
        ("2020年4月13日", "2020-04-13"),
        ("发布时间：2020-04-13", "2020-04-13"),
        ("发布日期: 2020/4/13 10:30", "2020-04-13"),
        ("  2020.04.13  ", "2020-04-13"),
        ("2020-13-01", None),
        ("2020年4月13日市政府新闻发布会问答实录", None),
        ("刘平：2020-04-13", None),
    ],
)
def test_date_iso(line: str, iso: str | None) -> None:
    assert date_iso(line) == iso


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("分享按钮", True),
        ("打印", True),
        ("关闭", True),
        ("返回顶部", True),
        ("【打印本页】【关闭窗口】", True),
        ("【打印本页】 【关闭窗口】", True),
        ("打印 | 关闭", True),
        ("责任编辑：张三", True),
        ("分享到：微信 微博", True),
        ("（完）", True),
        ("  分享按钮  ", True),
        ("分享按钮很重要。", False),
        ("请关闭窗口后再试。", False),
        ("责任编辑：这是一个很长很长很长很长的句子,不是编辑的名字。", False),
        ("刘平:打印", False),
    ],
)
def test_is_furniture(line: str, furniture: bool) -> None:
    assert is_furniture(line) is furniture


def test_reference_lists_are_read() -> None:
    lists = speaker_lists()
    for section in ("outlet_suffixes", "not_outlets", "moderators", "spokespersons",
                    "official_titles", "supplements", "not_label_starts", "name_endings",
                    "double_surnames", "surnames"):
        assert lists[section], section
    assert all(len(s) == 1 for s in lists["surnames"])
    assert len(set(lists["surnames"])) == len(lists["surnames"])
    assert len(furniture_patterns()) >= 5


def test_speaker_lists_are_read_by_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "speaker_titles.txt").write_text("# c\n[a]\nx\n\n[b]\n y \nz\n", encoding="utf-8")
    monkeypatch.setattr(paths, "REFERENCE", tmp_path)
    speaker_lists.cache_clear()
    try:
        assert speaker_lists() == {"a": ("x",), "b": ("y", "z")}
        furniture_patterns.cache_clear()
        with pytest.raises(InputError, match=r"^cannot read page_furniture\.txt"):
            furniture_patterns()
    finally:
        speaker_lists.cache_clear()
        furniture_patterns.cache_clear()


def test_speaker_titles_has_no_entry_before_its_first_section() -> None:
    first = read_lines(paths.REFERENCE / "speaker_titles.txt")[0]
    assert first.startswith("[") and first.endswith("]")


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("他说。“好！”然后走了？", ["他说。", "“好！”", "然后走了？"]),
        ("问题?回答!结束", ["问题?", "回答!", "结束"]),
        ("他说“好。”她说「行！」（完。）", ["他说“好。”", "她说「行！」", "（完。）"]),
        ("真的吗？！是的。 ", ["真的吗？！", "是的。"]),
        ("274.35万户,增长6.8%。", ["274.35万户,增长6.8%。"]),
        ("  ", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    spans = split_sentences(text, 0, len(text))
    assert [text[a:b] for a, b in spans] == sentences


def test_split_sentences_uses_source_offsets() -> None:
    text = "xx甲。乙？yy"
    assert split_sentences(text, 2, 6) == [(2, 4), (4, 6)]


def test_lone_cr_line_breaks_are_lines() -> None:
    parsed = parse_transcript("新华社记者:问?\r刘平:答。\r")
    assert [t.party for t in parsed.turns] == ["新华社记者", "刘平"]
    check_consistent(parsed)


def test_label_without_body_takes_the_next_lines() -> None:
    parsed = parse_transcript("新华社记者：\n\n  问题？\n刘平：\n  答一。\n  答二。\n")
    assert [t.text for t in parsed.turns] == ["问题？", "答一。\n  答二。"]
    assert [p.text for p in parsed.paragraphs] == ["问题？", "答一。", "答二。"]


def test_text_after_closing_furniture_is_reported_not_dropped() -> None:
    parsed = parse_transcript("新华社记者：问？\n刘平：答。\n返回顶部\n相关新闻链接\n")
    assert [p.text for p in parsed.furniture] == ["返回顶部"]
    assert [(p.kind, p.text) for p in parsed.artefacts] == [("other", "相关新闻链接")]
    assert parsed.turns[-1].text == "答。"


def test_extra_lines_before_the_first_turn_are_other() -> None:
    parsed = parse_transcript("标题\n副标题\n2020-04-13\n2020-04-14\n新华社记者：问？\n刘平：答。")
    assert parsed.title is not None and parsed.title.text == "标题"
    assert parsed.date_iso == "2020-04-13"
    assert [(p.kind, p.text) for p in parsed.artefacts] == [
        ("other", "副标题"), ("other", "2020-04-14"),
    ]


def test_speech_before_any_question_is_a_statement_with_exchange_zero() -> None:
    parsed = parse_transcript("刘平：开场介绍。\n新华社记者：问？\n郑锦：答。\n")
    assert [(t.role, t.exchange) for t in parsed.turns] == [
        ("statement", 0), ("question", 1), ("answer", 1),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2020年4月13日市政府新闻发布会\n\n这里没有任何发言人。\n",
        "新华社记者：只有提问？\n中新社记者：还是提问？\n",
        "刘平：只有回答。\n主持人：谢谢。\n",
        "主持人：开始。\n新华社记者：提问？\n主持人：谢谢。\n",
    ],
)
def test_no_question_answer_raises(text: str) -> None:
    with pytest.raises(InputError, match=r"^no question/answer turns found"):
        parse_transcript(text)


def test_spokesperson_after_question_then_moderator_closes() -> None:
    parsed = parse_transcript("新闻发言人：开始。\n新华社记者：问？\n新闻发言人：答。\n"
                              "刘平：补充。\n新闻发言人：结束。\n")
    assert [(t.role, t.exchange) for t in parsed.turns] == [
        ("moderator", 0), ("question", 1), ("answer", 1), ("answer", 1), ("moderator", 0),
    ]


# --- property tests -----------------------------------------------------------------

_PIECES = [
    "新华社记者:", "《人民日报》记者：", "1、澎湃新闻：", "刘平:", "市商务委副主任刘敏：",
    "主持人：", "新闻发言人：", "补充回答：", "标题Q东方网:", "分享按钮",
    "【打印本页】【关闭窗口】", "2022-05-30", "发布时间：2020-04-13", "问题?", "回答。",
    "“引语。”", "一是平台:", "包括:", "：", ":", "。", "?", " ", "  ", "\u3000", "\t",
    "\n", "\n\n", "\r\n", "\r", "文字", "Q", "《", "》", "（1）", "ab",
]


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_parts_reconstruct_transcript_like_text(text: str) -> None:
    check_consistent(parse_structure(text))


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(st.text(max_size=200))
def test_parts_reconstruct_any_text(text: str) -> None:
    parsed = parse_structure(text)
    check_consistent(parsed)
    try:
        strict = parse_transcript(text)
    except InputError:
        assert not any(t.role == "answer" and t.exchange for t in parsed.turns)
    else:
        assert strict.parts == parsed.parts


def test_question_and_answer_labels_without_names() -> None:
    """The 问/答 layout: unnamed asker and answerer, CRLF line endings kept in the offsets."""
    text = (
        "问：上海有多少家互联网医院？\r\n\r\n答：共有11家。\r\n\r\n"
        "记者问：下一步呢？\r\n\r\n回答：继续推进。\r\n"
    )
    parsed = parse_transcript(text)
    frame = parsed.turns_frame()
    assert frame["role"].tolist() == ["question", "answer", "question", "answer"]
    assert frame["party"].tolist() == ["问", "答", "记者问", "回答"]
    assert frame["exchange"].tolist() == [1, 1, 2, 2]
    assert set(frame["outlet"]) == {""}
    assert all(text[t.start:t.end] == t.text for t in parsed.turns)
    assert parsed.turns[1].text == "共有11家。"


def test_title_and_name_separated_by_a_space_on_their_own_line() -> None:
    """Labels like `主持人 袁达：` (title, space, name), the speech on the next line."""
    text = (
        "国务院新闻办公室举行新闻发布会\n\n主持人 袁达：\n女士们、先生们，上午好。\n\n"
        "国家发展改革委副主任 宁吉喆：\n谢谢主持人。\n\n路透社记者：\n请问出口如何？\n\n"
        "宁吉喆：\n出口下降了约11.4个百分点。\n\n主持人 袁达：\n发布会到此结束。\n"
    )
    frame = parse_transcript(text).turns_frame()
    assert frame["party"].tolist() == [
        "主持人 袁达", "国家发展改革委副主任 宁吉喆", "路透社记者", "宁吉喆", "主持人 袁达",
    ]
    assert frame["role"].tolist() == [
        "moderator", "statement", "question", "answer", "moderator",
    ]
    assert frame["text"].tolist()[3] == "出口下降了约11.4个百分点。"
    assert classify_party("我们 认为") is None


# --- layouts of real transcripts (issue 11) ------------------------------------------


def test_several_turns_on_one_line_are_split_at_a_bracket_label() -> None:
    text = "【高峰】:下面请提问。 【路透社记者】:出口如何？【高峰】:出口增长3.5%。\n"
    parsed = parse_transcript(text)
    check_consistent(parsed)
    assert [(t.role, t.party, t.text) for t in parsed.turns] == [
        ("moderator", "高峰", "下面请提问。"),
        ("question", "路透社记者", "出口如何？"),
        ("answer", "高峰", "出口增长3.5%。"),
    ]


def test_a_bracket_inside_a_sentence_is_not_a_label() -> None:
    parsed = parse_transcript("新华社记者：问？\n刘平：我们推出了【云上展会】：效果很好。\n")
    assert [t.party for t in parsed.turns] == ["新华社记者", "刘平"]
    assert parsed.turns[1].text == "我们推出了【云上展会】：效果很好。"


def test_label_alone_on_its_line_after_a_question_number() -> None:
    text = (
        "实录\n\n1\n新华社记者\n请问？\n\n刘平\n回答。\n\n"
        "2\n澎湃新闻记者\n再问？\n刘平\n再答。\n"
    )
    parsed = parse_transcript(text)
    check_consistent(parsed)
    assert [(t.role, t.party, t.text) for t in parsed.turns] == [
        ("question", "新华社记者", "请问？"), ("answer", "刘平", "回答。"),
        ("question", "澎湃新闻记者", "再问？"), ("answer", "刘平", "再答。"),
    ]
    assert [(p.kind, p.text) for p in parsed.artefacts] == [("other", "1"), ("other", "2")]


def test_a_lone_name_is_a_label_only_when_journalists_have_lone_labels() -> None:
    parsed = parse_structure("新华社记者：问？\n刘平：答。\n文字\n")
    assert [t.party for t in parsed.turns] == ["新华社记者", "刘平"]
    assert parsed.turns[1].text == "答。\n文字"


def test_a_lone_supplement_word_is_speech_not_a_label() -> None:
    parsed = parse_structure("新华社记者\n请问？\n刘平\n回答。\n补充回答\n再答。\n")
    check_consistent(parsed)
    assert [(t.party, t.text) for t in parsed.turns] == [
        ("新华社记者", "请问？"), ("刘平", "回答。\n补充回答\n再答。"),
    ]


def test_live_text_timestamps_are_furniture_not_speech() -> None:
    text = "• [人民网记者]请问？10:15\n• [国家卫生健康委新闻发言人米锋]累计接种34亿剂次。10:27\n"
    parsed = parse_transcript(text)
    check_consistent(parsed)
    assert [t.text for t in parsed.turns] == ["请问？", "累计接种34亿剂次。"]
    assert [p.text for p in parsed.furniture] == ["10:15", "10:27"]


def test_traditional_characters_keep_offsets_and_original_text() -> None:
    text = "新華社記者：網上零售額多少？\n商務部新聞發言人高峰：達到2.2萬億元。\n"
    parsed = parse_transcript(text)
    check_consistent(parsed)
    assert [(t.role, t.party, t.outlet) for t in parsed.turns] == [
        ("question", "新華社記者", "新華社"), ("answer", "商務部新聞發言人高峰", ""),
    ]
    assert parsed.turns[1].text == "達到2.2萬億元。"


def test_a_suspect_label_is_a_turn_of_its_own_with_a_warning() -> None:
    text = "澎湃新闻：问？\n郑锦：答。\n乌兰：今年新增120家。\n"
    parsed = parse_transcript(text)
    check_consistent(parsed)
    assert [(t.role, t.party, t.exchange) for t in parsed.turns] == [
        ("question", "澎湃新闻", 1), ("answer", "郑锦", 1), ("unknown", "乌兰", 1),
    ]
    assert [(w.line, w.label, text[w.start:w.end]) for w in parsed.warnings] == [
        (3, "乌兰：", "乌兰："),
    ]


@pytest.mark.parametrize(
    "line",
    ["包括：问诊。", "一是平台：", "具体来看：三点。", "主要措施：", "截至3月底：", "第一：加强",
     "刘敏表示：很好。", "下一步,市商务委将采取以下措施:", "总的来看：", "时间：10:30"],
)
def test_headings_and_lead_ins_are_not_suspect(line: str) -> None:
    parsed = parse_structure(f"新华社记者：问？\n刘平：答。\n{line}\n")
    assert parsed.warnings == []
    assert [t.party for t in parsed.turns] == ["新华社记者", "刘平"]


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        # a host's short opening and hand-over, then questions and answers, then closing
        ("高峰：大家好，下面请提问。\n新华社记者：问？\n高峰：答。\n高峰：谢谢大家，到此结束。\n",
         ["moderator", "question", "answer", "moderator"]),
        # a spokesperson's long opening statement before the first question
        ("新闻发言人：" + "今天通报有关情况。" * 10 + "\n新华社记者：问？\n新闻发言人：答。\n",
         ["statement", "question", "answer"]),
        # a short spokesperson turn without a host's words still moderates
        ("新闻发言人：现在开始。\n新华社记者：问？\n刘平：答。\n",
         ["moderator", "question", "answer"]),
        # a host's long introduction of the guests that states no figure
        ("新闻发言人 寿小丽：" + "欢迎出席今天的发布会，我们请来了有关负责同志。" * 5
         + "\n付凌晖：上半年增长5.5%。\n寿小丽：下面开始提问。\n彭博社记者：问？\n付凌晖：答。\n",
         ["moderator", "statement", "moderator", "question", "answer"]),
        # an official's short opening without a host's words is a statement
        ("刘平：先介绍情况。\n新华社记者：问？\n刘平：答。\n刘平：再补充一点。\n",
         ["statement", "question", "answer", "answer"]),
    ],
)
def test_roles_moderator_statement_question_answer(text: str, roles: list[str]) -> None:
    parsed = parse_transcript(text)
    check_consistent(parsed)
    assert [t.role for t in parsed.turns] == roles


def test_whole_text_is_one_turn_whose_parts_rejoin() -> None:
    text = "没有问答的文字。\n\n  增长3.5%。\r\n"
    parsed = whole_text(text)
    assert "".join(p.text for p in parsed.parts) == text
    assert [(t.role, t.text) for t in parsed.turns] == [
        ("text", "没有问答的文字。\n\n  增长3.5%。"),
    ]
    assert [p.text for p in parsed.paragraphs] == ["没有问答的文字。", "增长3.5%。"]
    assert whole_text("").turns[0].text == ""


_LAYOUT_PIECES = [
    "【高峰】:", "【路透社记者】:", "【发布会】", "• [国家疾控局传防司二级巡视员 胡翔]",
    "[人民网记者]", "10:15", "2023-01-12 10:15", "新华社记者", "付凌晖", "1", "（2）",
    "国家统计局新闻发言人、国民经济综合统计司司长 付凌晖:", "商务部新闻发言人高峰：",
    "国务院新闻办新闻局 寿小丽", "新華社記者：", "億", "乌兰：", "具体来看：", "下面请提问。",
    "感谢你的提问。", "增长3.5%", "•", "[", "】", "：", "。", " ", "\n", "\r\n", "\n\n",
]


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(st.lists(st.sampled_from(_LAYOUT_PIECES + _PIECES), max_size=40).map("".join))
def test_parts_reconstruct_every_layout(text: str) -> None:
    parsed = parse_structure(text)
    check_consistent(parsed)
    for w in parsed.warnings:
        assert text[w.start:w.end] == w.label
        assert any(t.label_start == w.start and t.role == "unknown" for t in parsed.turns)
    assert {t.role for t in parsed.turns} <= set(ROLES)
    whole = whole_text(text)
    assert "".join(p.text for p in whole.parts) == text


def test_a_label_like_title_before_the_first_turn_is_no_suspect() -> None:
    parsed = parse_transcript(
        "虚构示例：发布会实录\n主持人：请提问。\n新华社记者：问？\n刘平：答。\n"
    )
    assert parsed.warnings == []
    assert parsed.title is not None and parsed.title.text == "虚构示例：发布会实录"
    assert [t.role for t in parsed.turns] == ["moderator", "question", "answer"]

"""Tests for online_economy.words: segmentation side by side, keyword lists, framing rates."""

from __future__ import annotations

import pandas as pd
import pytest

from online_economy import paths
from online_economy.errors import InputError
from online_economy.keywords import tfidf_by_document
from online_economy.segment import Token, get_segmenter, load_userdict_words
from online_economy.spans import check_spans
from online_economy.tables import raw_parsed
from online_economy.taxonomy import load_categories
from online_economy.words import (
    BROKEN_COLUMNS,
    COMPARISON_COLUMNS,
    KEYWORD_METHODS,
    _occurrences,
    answers_text,
    broken_userdict_words,
    category_paragraphs,
    counts_by_document,
    framing_heatmap,
    framing_table,
    is_whole,
    joined,
    keyword_comparison,
    keyword_lists,
    keyword_overlap,
    rate_per_thousand,
    segmentation_comparison,
    term_matrix,
    word_frequency_chart,
)

TEXT = paths.TRANSCRIPT.read_text(encoding="utf-8")
OFFICIALS = ["刘平", "郑锦", "葛平", "陶爱莲", "刘敏"]


# --- small helpers ------------------------------------------------------------------------------


def test_is_whole_looks_for_a_boundary_strictly_inside() -> None:
    tokens = [Token("叮咚", 0, 2), Token("买菜", 2, 4), Token("生鲜电商零售", 4, 10)]
    assert not is_whole(tokens, 0, 4)  # 叮咚 / 买菜: cut at 2
    assert is_whole(tokens, 0, 2)
    assert is_whole(tokens, 4, 8)  # inside a longer token
    assert not is_whole(tokens, 2, 10)  # the boundary at 4 lies inside


def test_is_whole_boundary_inside_a_wider_span() -> None:
    tokens = [Token("a", 0, 2), Token("b", 2, 4), Token("c", 4, 10)]
    assert is_whole(tokens, 2, 4)
    assert not is_whole(tokens, 2, 10)
    assert not is_whole(tokens, 1, 3)


def test_joined_accepts_tokens_and_words() -> None:
    assert joined([Token("饿", 0, 1), Token("了", 1, 2), Token("么", 2, 3)]) == "饿 / 了 / 么"
    assert joined(["a", "b"], sep="|") == "a|b"


def test_occurrences_are_non_overlapping() -> None:
    assert _occurrences("aaaa", "aa") == [0, 2]
    assert _occurrences("在线新经济在线", "在线") == [0, 5]
    assert _occurrences("abc", "x") == []


# --- segmentation_comparison -------------------------------------------------------------------


BRANDS = ["叮咚买菜", "饿了么", "无接触", "互联网医院", "云闪付"]


@pytest.fixture(scope="module")
def comparison() -> pd.DataFrame:
    return segmentation_comparison(TEXT, BRANDS)


def test_comparison_columns_and_spans(comparison: pd.DataFrame) -> None:
    assert list(comparison.columns) == COMPARISON_COLUMNS
    assert comparison["word"].tolist() == BRANDS
    assert check_spans(comparison, TEXT) == []
    for row in comparison.itertuples():
        assert row.word_start == TEXT.find(row.word)
        assert row.clause_start <= row.word_start < row.word_end <= row.clause_end
        assert "\n" not in row.clause and row.clause == row.clause.strip()


def test_comparison_tokens_rebuild_the_clause(comparison: pd.DataFrame) -> None:
    for row in comparison.itertuples():
        assert row.plain.replace(" / ", "") == row.clause
        assert row.project.replace(" / ", "") == row.clause


def test_plain_jieba_breaks_brand_names_the_project_keeps_whole(comparison: pd.DataFrame) -> None:
    by_word = comparison.set_index("word")
    for word in ("叮咚买菜", "饿了么", "无接触", "互联网医院"):
        assert not by_word.at[word, "plain_whole"], word
        assert by_word.at[word, "project_whole"], word
    assert "饿 / 了 / 么" in by_word.at["饿了么", "plain"]
    assert " / 饿了么 / " in f" / {by_word.at['饿了么', 'project']} / "


def test_comparison_clause_is_cut_at_punctuation() -> None:
    row = segmentation_comparison(TEXT, ["叮咚买菜"]).iloc[0]
    assert row["clause"] == "叮咚买菜、饿了么纷纷推出“无接触”配送服务"


@pytest.mark.parametrize("bad", [["不存在的词"], [], [""], "饿了么"])
def test_comparison_rejects_bad_words(bad: object) -> None:
    with pytest.raises(InputError):
        segmentation_comparison(TEXT, bad)  # type: ignore[arg-type]


# --- broken_userdict_words ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken() -> pd.DataFrame:
    return broken_userdict_words(TEXT)


def test_broken_covers_the_whole_user_dictionary(broken: pd.DataFrame) -> None:
    assert list(broken.columns) == BROKEN_COLUMNS
    assert broken["word"].tolist() == load_userdict_words()
    assert check_spans(broken, TEXT) == []


def test_project_segmenter_never_splits_its_own_words(broken: pd.DataFrame) -> None:
    assert broken["project_split"].sum() == 0


def test_plain_jieba_breaks_most_but_not_all(broken: pd.DataFrame) -> None:
    by_word = broken.set_index("word")
    assert by_word.at["饿了么", "broken"] and by_word.at["饿了么", "plain_alone"] == "饿 / 了 / 么"
    assert by_word.at["无接触", "plain_split"] == by_word.at["无接触", "occurrences"] == 8
    assert not by_word.at["支付宝", "broken"] and by_word.at["支付宝", "in_jieba_dict"]
    assert not by_word.at["爱姆意", "broken"] and not by_word.at["爱姆意", "in_jieba_dict"]
    assert 0 < broken["broken"].sum() < len(broken)
    assert (broken["plain_split"] <= broken["occurrences"]).all()
    assert (broken["broken"] == (broken["plain_split"] > 0)).all()


def test_absent_words_have_no_offsets(broken: pd.DataFrame) -> None:
    row = broken.set_index("word").loc["新型移动出行"]
    assert row["occurrences"] == 0 and pd.isna(row["word_start"]) and not row["broken"]
    assert row["broken_alone"]


def test_broken_with_own_word_list() -> None:
    table = broken_userdict_words("饿了么和饿了么", words=["饿了么", "叮咚买菜"])
    assert table["occurrences"].tolist() == [2, 0]
    assert table["plain_split"].tolist() == [2, 0]
    assert table["word_start"].tolist()[0] == 0


# --- answers and category paragraphs ------------------------------------------------------------


def test_answers_text_in_speaking_order() -> None:
    parsed = raw_parsed()
    answers = answers_text(parsed)
    assert list(answers) == OFFICIALS
    turns = parsed.turns_frame().set_index("party")
    for party, text in answers.items():
        assert TEXT[turns.at[party, "start"]:turns.at[party, "end"]] == text
    assert answers["刘敏"].startswith("疫情发生后")


def test_category_paragraphs_are_inside_liu_pings_answer() -> None:
    paragraphs = category_paragraphs(TEXT)
    assert list(paragraphs) == ["无中生有", "有中启转", "转中做大"]
    for order, (name, paragraph) in zip("一二三", paragraphs.items(), strict=True):
        assert paragraph.startswith(f"第{order}类是“{name}”")
        assert paragraph in answers_text(raw_parsed())["刘平"]


def test_category_paragraphs_reject_offsets_outside_the_text() -> None:
    cats = load_categories().copy()
    cats.loc[0, "paragraph_end"] = len(TEXT) + 10
    with pytest.raises(InputError):
        category_paragraphs(TEXT, cats)


# --- keyword_comparison / keyword_overlap -------------------------------------------------------


TOY = {
    "医疗": "互联网医院开展互联网诊疗服务,患者在线复诊,互联网医院方便患者。",
    "电商": "生鲜电商平台订单增长,电商平台推广直播电商,生鲜电商订单倍增。",
}


def test_keyword_comparison_shape_and_own_list() -> None:
    table = keyword_comparison(TOY, top=3)
    assert list(table.columns) == ["document", "rank", *KEYWORD_METHODS]
    assert table["document"].tolist() == ["医疗"] * 3 + ["电商"] * 3
    assert table["rank"].tolist() == [1, 2, 3, 1, 2, 3]
    seg = get_segmenter()
    own = tfidf_by_document({k: seg.words(v) for k, v in TOY.items()}, top=3)
    assert table["own_tfidf"].tolist() == own["word"].tolist()
    assert table.loc[table["document"] == "医疗", "own_tfidf"].iloc[0] == "互联网医院"


def test_keyword_comparison_pads_short_lists() -> None:
    table = keyword_comparison({"a": "饿了么", "b": "叮咚买菜"}, top=3)
    assert table.loc[table["document"] == "a", "own_tfidf"].tolist() == ["饿了么", "", ""]


def test_keyword_comparison_rejects_nothing() -> None:
    with pytest.raises(InputError):
        keyword_comparison({})


def test_keyword_overlap_counts_shared_words() -> None:
    frame = pd.DataFrame({
        "document": ["x", "x", "x", "y", "y", "y"],
        "rank": [1, 2, 3, 1, 2, 3],
        "own_tfidf": ["a", "b", "c", "p", "q", ""],
        "jieba_tfidf": ["b", "a", "d", "r", "s", "t"],
        "textrank": ["a", "e", "f", "q", "p", "s"],
    })
    overlap = keyword_overlap(frame)
    assert overlap["document"].tolist() == ["x", "y"]
    assert overlap["own_vs_jieba_tfidf"].tolist() == [2, 0]
    assert overlap["own_vs_textrank"].tolist() == [1, 2]
    assert overlap["jieba_tfidf_vs_textrank"].tolist() == [1, 1]
    assert overlap["all_three"].tolist() == [1, 0]
    assert overlap["top"].tolist() == [3, 3]


# --- rates and matrices -------------------------------------------------------------------------


def test_rate_per_thousand_by_hand() -> None:
    counts = pd.DataFrame({"text": ["a", "b"], "term": ["云", "云"], "substring_count": [2, 1]})
    out = rate_per_thousand(counts, {"a": "云" * 4, "b": "x" * 500})
    assert out["n_chars"].tolist() == [4, 500]
    assert out["per_1000"].tolist() == pytest.approx([500.0, 2.0])
    assert "per_1000" not in counts.columns  # input left alone


def test_rate_per_thousand_rejects_missing_or_empty_texts() -> None:
    counts = pd.DataFrame({"text": ["a"], "term": ["云"], "substring_count": [0]})
    with pytest.raises(InputError):
        rate_per_thousand(counts, {"b": "云"})
    with pytest.raises(InputError):
        rate_per_thousand(counts, {"a": ""})
    with pytest.raises(InputError):
        rate_per_thousand(counts, {"a": "云"}, column="nope")


def test_framing_table_and_matrix_keep_order() -> None:
    texts = {"甲": "在线新经济在线", "乙": "线上线下平台"}
    table = framing_table(texts, terms=["线上", "在线"])
    matrix = term_matrix(table, "substring_count")
    assert list(matrix.index) == ["线上", "在线"]
    assert list(matrix.columns) == ["甲", "乙"]
    assert matrix.loc["在线", "甲"] == 2 and matrix.loc["线上", "乙"] == 1
    rates = term_matrix(table)
    assert rates.loc["在线", "甲"] == pytest.approx(2 / 7 * 1000)
    with pytest.raises(InputError):
        term_matrix(table, "nope")


def test_keyword_lists_join_in_rank_order() -> None:
    frame = pd.DataFrame({
        "document": ["x", "x", "y"],
        "rank": [2, 1, 1],
        "own_tfidf": ["b", "a", "p"],
        "jieba_tfidf": ["d", "c", ""],
        "textrank": ["e", "f", "q"],
    })
    lists = keyword_lists(frame)
    assert lists["document"].tolist() == ["x", "y"]
    assert lists["own_tfidf"].tolist() == ["a / b", "p"]
    assert lists["jieba_tfidf"].tolist() == ["c / d", ""]


def test_counts_by_document() -> None:
    table = counts_by_document({"a": ["云", "云", "平台"], "b": ["平台"]}, ["云", "平台", "电商"])
    assert table.columns.tolist() == ["a", "b"]
    assert table.loc["云"].tolist() == [2, 0]
    assert table.loc["平台"].tolist() == [1, 1]
    assert table.loc["电商"].tolist() == [0, 0]


# --- charts --------------------------------------------------------------------------------------


def test_word_frequency_chart_draws_one_bar_per_word() -> None:
    import matplotlib.pyplot as plt

    freq = pd.DataFrame({"word": ["企业", "服务", "云"], "count": [3, 2, 1], "share": [0.5] * 3})
    fig = word_frequency_chart(freq, top=2)
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [2, 3]  # largest on top
    assert [t.get_text() for t in ax.get_yticklabels()] == ["服务", "企业"]
    assert ax.get_title() and ax.get_xlabel()
    plt.close(fig)


def test_framing_heatmap_labels_cells_and_marks_coloured_columns() -> None:
    import matplotlib.pyplot as plt

    texts = {"甲": "在线平台", "乙": "平台平台", "丙": "云"}
    table = framing_table(texts, terms=["在线", "平台"])
    fig = framing_heatmap(term_matrix(table), term_matrix(table, "substring_count"),
                          {"甲": "#E69F00"}, {"甲": "///"})
    ax = fig.axes[0]
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels == sorted(["1", "1", "·", "2", "·", "·"])
    assert [p.get_facecolor()[:3] for p in ax.patches] == [(0xE6 / 255, 0x9F / 255, 0.0)]
    assert len(ax.lines) == 1  # separator after the coloured column
    plt.close(fig)
    with pytest.raises(InputError):
        framing_heatmap(term_matrix(table), term_matrix(table).iloc[:1], {})

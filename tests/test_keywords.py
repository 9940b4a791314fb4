"""Tests for online_economy.keywords: frequencies, own TF-IDF, jieba keywords, term counts."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from online_economy import paths
from online_economy.errors import InputError
from online_economy.keywords import (
    FRAMING_TERMS,
    _extractor,
    jieba_keywords,
    term_counts,
    tfidf_by_document,
    word_frequencies,
)
from online_economy.segment import get_segmenter

TEXT = paths.TRANSCRIPT.read_text(encoding="utf-8")
LN2 = 0.6931471805599453  # ln(4/2): idf of a word in 1 of 3 documents
LN4_3 = 0.28768207245178085  # ln(4/3): idf of a word in 2 of 3 documents


# --- word_frequencies ---------------------------------------------------------------------------


def test_word_frequencies_counts_shares_and_breaks_ties_by_word() -> None:
    table = word_frequencies(["b", "a", "云", "b", "c", "a", "b"])
    assert list(table.columns) == ["word", "count", "share"]
    assert table["word"].tolist() == ["b", "a", "c", "云"]
    assert table["count"].tolist() == [3, 2, 1, 1]
    assert table["share"].tolist() == pytest.approx([3 / 7, 2 / 7, 1 / 7, 1 / 7])


def test_word_frequencies_of_nothing_is_an_empty_table() -> None:
    table = word_frequencies([])
    assert table.empty and list(table.columns) == ["word", "count", "share"]


@pytest.mark.parametrize("bad", ["在线新经济", [1, 2]])
def test_word_frequencies_rejects_non_word_lists(bad: object) -> None:
    with pytest.raises(InputError):
        word_frequencies(bad)  # type: ignore[arg-type]


# --- tfidf_by_document (hand-computed) ------------------------------------------------------------


TOY = {"d1": ["a", "a", "b"], "d2": ["b", "c"], "d3": ["c", "c", "c", "d"]}
# N = 3; df: a 1, b 2, c 2, d 1; idf = ln((1 + N) / (1 + df)).
TOY_EXPECTED = [
    ("d1", "a", 2 / 3, 1, LN2, 2 / 3 * LN2, 1),  # 0.4621
    ("d1", "b", 1 / 3, 2, LN4_3, 1 / 3 * LN4_3, 2),  # 0.0959
    ("d2", "b", 1 / 2, 2, LN4_3, 1 / 2 * LN4_3, 1),  # 0.1438, tie with c: b first
    ("d2", "c", 1 / 2, 2, LN4_3, 1 / 2 * LN4_3, 2),
    ("d3", "c", 3 / 4, 2, LN4_3, 3 / 4 * LN4_3, 1),  # 0.2158
    ("d3", "d", 1 / 4, 1, LN2, 1 / 4 * LN2, 2),  # 0.1733
]


def test_tfidf_matches_the_hand_computation() -> None:
    table = tfidf_by_document(TOY)
    assert list(table.columns) == ["document", "word", "tf", "df", "idf", "tfidf", "rank"]
    assert table[["document", "word"]].values.tolist() == [[r[0], r[1]] for r in TOY_EXPECTED]
    assert table["df"].tolist() == [r[3] for r in TOY_EXPECTED]
    assert table["rank"].tolist() == [r[6] for r in TOY_EXPECTED]
    for column, index in (("tf", 2), ("idf", 4), ("tfidf", 5)):
        assert table[column].tolist() == pytest.approx([r[index] for r in TOY_EXPECTED], abs=1e-12)
    assert table["tfidf"].round(4).tolist() == [0.4621, 0.0959, 0.1438, 0.1438, 0.2158, 0.1733]


def test_tfidf_top_and_words_in_every_document() -> None:
    assert tfidf_by_document(TOY, top=1)["word"].tolist() == ["a", "b", "c"]
    table = tfidf_by_document({"x": ["a", "b"], "y": ["a", "c"]})
    row = table[(table["document"] == "x") & (table["word"] == "a")].iloc[0]
    assert row["idf"] == 0.0 and row["tfidf"] == 0.0 and row["rank"] == 2
    assert math.isclose(table["idf"].max(), math.log(3 / 2))


def test_tfidf_is_deterministic_whatever_the_word_order() -> None:
    shuffled = {name: list(reversed(words)) for name, words in TOY.items()}
    pd.testing.assert_frame_equal(tfidf_by_document(shuffled), tfidf_by_document(TOY))


@pytest.mark.parametrize(
    ("docs", "top"), [({}, 10), ({"a": []}, 10), (TOY, 0), (TOY, True), ({"a": "ab"}, 10)]
)
def test_tfidf_bad_input(docs: dict, top: int) -> None:
    with pytest.raises(InputError):
        tfidf_by_document(docs, top=top)


# --- jieba_keywords -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["tfidf", "textrank"])
def test_jieba_keywords_are_content_words_rounded_and_ranked(method: str) -> None:
    seg = get_segmenter()
    table = jieba_keywords(TEXT, method=method, top=15)
    assert list(table.columns) == ["word", "weight", "rank"]
    assert len(table) == 15 and table["rank"].tolist() == list(range(1, 16))
    assert all(seg.is_content_word(w) for w in table["word"])
    assert table["weight"].tolist() == sorted(table["weight"], reverse=True)
    assert all(round(w, 4) == w for w in table["weight"])
    pd.testing.assert_frame_equal(table, jieba_keywords(TEXT, method=method, top=15))


def test_jieba_keywords_use_the_user_dictionary() -> None:
    with_dict = set(jieba_keywords(TEXT, "tfidf", top=10)["word"])
    plain = set(jieba_keywords(TEXT, "tfidf", top=10, segmenter=get_segmenter(False))["word"])
    assert {"在线新经济", "无接触", "金融科技"} <= with_dict
    assert not {"在线新经济", "无接触", "金融科技"} & plain


def test_jieba_keywords_break_ties_by_word() -> None:
    """Two user words absent from jieba's IDF table, once each: equal weight, word order."""
    table = jieba_keywords("饿了么 叮咚买菜", "tfidf")
    assert table["word"].tolist() == ["叮咚买菜", "饿了么"]
    assert table["weight"].iloc[0] == table["weight"].iloc[1]


def test_extractors_are_bound_to_the_project_segmenter() -> None:
    seg = get_segmenter()
    tfidf, textrank = _extractor(seg, "tfidf"), _extractor(seg, "textrank")
    assert tfidf.tokenizer is seg.tokenizer
    assert tfidf.postokenizer is textrank.tokenizer is seg.pos_tokenizer()
    assert textrank.postokenizer.tokenizer is seg.tokenizer
    assert seg.stopwords <= tfidf.stop_words and seg.stopwords <= textrank.stop_words


@pytest.mark.parametrize(("text", "method", "top"), [(TEXT, "lda", 10), (b"x", "tfidf", 10),
                                                     (TEXT, "tfidf", 0)])
def test_jieba_keywords_bad_input(text: object, method: str, top: int) -> None:
    with pytest.raises(InputError):
        jieba_keywords(text, method=method, top=top)  # type: ignore[arg-type]


def test_jieba_keywords_of_an_empty_text() -> None:
    assert jieba_keywords("", "textrank").empty and jieba_keywords("", "tfidf").empty


KEYWORDS_SCRIPT = textwrap.dedent(
    """
    import json, sys, warnings
    warnings.simplefilter("error")
    from online_economy import keywords, paths
    text = paths.TRANSCRIPT.read_text(encoding="utf-8")
    for method in ("tfidf", "textrank"):
        keywords.jieba_keywords(text, method=method)
    analyse = sys.modules["jieba.analyse"]  # imported (quietly) by keywords, not here
    import jieba, jieba.posseg
    default = analyse.default_tfidf
    print(json.dumps({
        "dt_initialized": jieba.dt.initialized,
        "default_tokenizer_is_dt": default.tokenizer is jieba.dt,
        "textrank_tokenizer_is_posseg_dt": analyse.default_textrank.tokenizer
            is jieba.posseg.dt,
        "default_stop_words_same": default.stop_words == analyse.TFIDF.STOP_WORDS
            == analyse.default_textrank.stop_words,
    }))
    """
)


def test_keywords_leave_jieba_globals_alone_and_stay_silent() -> None:
    done = subprocess.run(
        [sys.executable, "-c", KEYWORDS_SCRIPT],
        capture_output=True, text=True, cwd=paths.ROOT, timeout=120, check=False,
    )
    assert done.stderr == "" and done.returncode == 0
    assert json.loads(done.stdout) == {
        "dt_initialized": False,
        "default_tokenizer_is_dt": True,
        "textrank_tokenizer_is_posseg_dt": True,
        "default_stop_words_same": True,
    }


# --- term_counts --------------------------------------------------------------------------------


def test_term_counts_substrings_and_tokens() -> None:
    texts = {"t1": "在线新经济在线,线上", "t2": "云计算、云逛街和健康云"}
    table = term_counts(texts, ["在线", "线上", "在线新经济", "云"])
    assert list(table.columns) == ["text", "term", "substring_count", "token_count"]
    assert table.values.tolist() == [
        ["t1", "在线", 2, 1],  # 在线新经济 is one token
        ["t1", "线上", 1, 1],
        ["t1", "在线新经济", 1, 1],
        ["t1", "云", 0, 0],
        ["t2", "在线", 0, 0],
        ["t2", "线上", 0, 0],
        ["t2", "在线新经济", 0, 0],
        ["t2", "云", 3, 0],  # 云 only inside user words
    ]


def test_term_counts_on_the_transcript_default_terms() -> None:
    table = term_counts({"all": TEXT})
    assert table["term"].tolist() == list(FRAMING_TERMS)
    assert (table["substring_count"] >= table["token_count"]).all()
    pairs = zip(table["substring_count"], table["token_count"], strict=True)
    counts = dict(zip(table["term"], pairs, strict=True))
    assert counts["无接触"] == (8, 8) and counts["线上"] == (16, 16)
    assert counts["在线"][0] > counts["在线"][1] > 0


@pytest.mark.parametrize("terms", [[], [""], "在线", [3]])
def test_term_counts_bad_terms(terms: object) -> None:
    with pytest.raises(InputError):
        term_counts({"t": "在线"}, terms)  # type: ignore[arg-type]


def test_term_counts_bad_text() -> None:
    with pytest.raises(InputError):
        term_counts({"t": b"x"}, ["在线"])  # type: ignore[dict-item]

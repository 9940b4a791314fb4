"""Tests for online_economy.classify: contexts without leaks, profiles, cue and cosine scorers."""

from __future__ import annotations

import math
from functools import cache

import pandas as pd
import pytest

from online_economy import classify
from online_economy.errors import InputError
from online_economy.spans import check_spans
from online_economy.tables import raw_parsed
from online_economy.taxonomy import find_domains, load_domains

TEXT = raw_parsed().text
UNPLACED = {"online_finance", "new_mobility", "online_rnd_design"}


@cache
def loo() -> pd.DataFrame:
    return classify.leave_one_out()


@cache
def unplaced() -> pd.DataFrame:
    return classify.predict_unplaced()


# --- cues ---------------------------------------------------------------------------------------


def test_cues_are_cited_inside_their_own_category_paragraph() -> None:
    cues = classify.load_cues()
    bounds = classify.paragraph_bounds()
    assert set(cues["category"]) == set(classify.CATEGORIES)
    for row in cues.itertuples(index=False):
        lo, hi = bounds[row.category]
        assert TEXT[row.cue_start:row.cue_end] == row.cue
        assert lo <= row.cue_start < row.cue_end <= hi
    assert check_spans(cues, TEXT, "category_cues") == []
    assert check_spans(classify.CUES_PATH, TEXT) == []


def test_cue_list_is_small_and_balanced() -> None:
    counts = classify.load_cues()["category"].value_counts()
    assert counts.min() >= 3 and counts.max() <= 10


def test_load_cues_rejects_bad_rows(tmp_path) -> None:
    good = classify.CUES_PATH.read_text(encoding="utf-8")
    bad = tmp_path / "category_cues.csv"
    bad.write_text(good.replace("催生,new", "催生,shift", 1), encoding="utf-8")
    with pytest.raises(InputError, match="not cited inside the shift paragraph"):
        classify.load_cues(bad)
    bad.write_text(good.replace("催生,new", "催生,other", 1), encoding="utf-8")
    with pytest.raises(InputError, match="unknown category"):
        classify.load_cues(bad)
    bad.write_text(good.replace("cue,category", "word,category", 1), encoding="utf-8")
    with pytest.raises(InputError, match="header"):
        classify.load_cues(bad)


def test_add_cue_cites_the_paragraph_and_refuses_words_from_elsewhere() -> None:
    cues = classify.load_cues()
    more = classify.add_cue(cues, "服务", "shift", "线上服务不停步")
    assert len(more) == len(cues) + 1
    row = more.iloc[-1]
    assert TEXT[row["cue_start"]:row["cue_end"]] == "服务"
    lo, hi = classify.paragraph_bounds()["shift"]
    assert lo <= row["cue_start"] < hi
    with pytest.raises(InputError, match="does not occur"):
        classify.add_cue(cues, "金融", "scale", "not in the paragraph")
    with pytest.raises(InputError, match="already"):
        classify.add_cue(cues, "催生", "new", "duplicate")


def test_find_cues_longest_first_without_overlap() -> None:
    found = classify.find_cues("线上线下,线上,线下", ["线上", "线下", "线上线下"])
    assert [c for _, _, c in found] == ["线上线下", "线上", "线下"]
    assert found[0] == (0, 4, "线上线下")
    with pytest.raises(InputError):
        classify.find_cues("abc", [""])


# --- contexts -----------------------------------------------------------------------------------


def test_no_context_sentence_lies_inside_a_category_paragraph() -> None:
    sents = classify.context_sentences()
    bounds = list(classify.paragraph_bounds().values())
    assert len(sents) > 0
    for start, end in zip(sents["start"], sents["end"], strict=True):
        assert all(end <= lo or start >= hi for lo, hi in bounds)


def test_including_the_paragraphs_adds_exactly_the_paragraph_sentences() -> None:
    leaky = classify.context_sentences(include_category_paragraphs=True)
    clean = classify.context_sentences()
    bounds = list(classify.paragraph_bounds().values())
    inside = [
        any(lo <= s and e <= hi for lo, hi in bounds)
        for s, e in zip(leaky["start"], leaky["end"], strict=True)
    ]
    assert sum(inside) > 0
    assert len(leaky) - sum(inside) == len(clean)


def test_context_sentences_really_mention_their_domain() -> None:
    sents = classify.context_sentences()
    mentions = find_domains(TEXT)
    for row in sents.itertuples(index=False):
        assert TEXT[row.start:row.end] == row.text
        n = sum(1 for s, e, d in mentions if d == row.domain and row.start <= s and e <= row.end)
        assert n == row.mentions >= 1


def test_domain_contexts_blank_every_domain_name() -> None:
    ctx = classify.domain_contexts()
    assert ctx["domain"].tolist() == load_domains()["id"].tolist()
    names = load_domains()["name_zh"].tolist()
    for context in ctx["context"]:
        assert not any(name in context for name in names)
    finance = ctx.set_index("domain").loc["online_finance"]
    assert finance["n_sentences"] > 0
    first = finance["spans"][0]
    assert len(finance["context"].split("\n")[0]) == first[1] - first[0]


def test_unmentioned_domains_have_empty_contexts() -> None:
    ctx = classify.domain_contexts().set_index("domain")
    for domain in ("new_mobility", "online_rnd_design"):
        assert ctx.at[domain, "n_sentences"] == 0
        assert ctx.at[domain, "context"] == ""
        assert not any(d == domain for _, _, d in find_domains(TEXT))
    assert set(ctx.index[ctx["true"] == ""]) == UNPLACED


# --- profiles -----------------------------------------------------------------------------------


def test_profile_parts_cover_the_paragraph_and_drop_only_the_held_out_examples() -> None:
    full = classify.profile_parts("shift")
    assert full["kept"].all()
    lo, hi = classify.paragraph_bounds()["shift"]
    assert full["start"].iat[0] == lo and full["end"].iat[-1] <= hi
    held = classify.profile_parts("shift", "online_education")
    dropped = held[~held["kept"]]
    assert len(dropped) == 1 and "晓黑板" in dropped["text"].iat[0]
    # the list entry (包括…在线教育…等) does not drop the defining sentence
    assert held["text"].str.contains("有中启转").any()
    assert held.loc[held["text"].str.contains("有中启转"), "kept"].all()
    assert classify.profile_parts("new", "online_education")["kept"].all()


def test_profiles_hold_no_domain_names_and_shrink_when_a_domain_is_held_out() -> None:
    names = load_domains()["name_zh"].tolist()
    for category in classify.CATEGORIES:
        profile = classify.category_profile(category)
        assert not any(name in profile for name in names)
    assert "井喷" in classify.category_profile("scale")
    assert "井喷" not in classify.category_profile("scale", "online_entertainment")
    with pytest.raises(InputError):
        classify.profile_parts("other")


def test_usable_cues_leave_out_the_held_out_domains_own_example() -> None:
    cues = classify.load_cues()
    assert "不出家门" in set(classify.usable_cues(cues)["cue"])
    assert "不出家门" not in set(classify.usable_cues(cues, "online_healthcare")["cue"])
    assert "井喷" not in set(classify.usable_cues(cues, "online_entertainment")["cue"])
    assert len(classify.usable_cues(cues, "online_finance")) == len(cues)


# --- scorers ------------------------------------------------------------------------------------


def test_cosine() -> None:
    assert classify.cosine({"a": 1}, {"a": 3}) == pytest.approx(1.0)
    assert classify.cosine({"a": 1}, {"b": 1}) == 0.0
    assert classify.cosine({}, {"a": 1}) == 0.0
    assert classify.cosine({"a": 1, "b": 1}, {"a": 1}) == pytest.approx(1 / math.sqrt(2))


def test_predict_ties_and_zeros_are_undecided() -> None:
    assert classify.predict({"new": 2, "shift": 1, "scale": 0}) == ("new", 1)
    assert classify.predict({"new": 1, "shift": 1, "scale": 0})[0] == classify.UNDECIDED
    assert classify.predict({"new": 0, "shift": 0, "scale": 0}) == (classify.UNDECIDED, 0.0)


def test_cue_scores_count_the_matched_cues() -> None:
    ctx = pd.DataFrame({"domain": ["online_finance", "new_mobility"],
                        "context": ["需求激增,线上线下,催生 催生", ""]})
    scores = classify.cue_scores(ctx).set_index("domain")
    assert scores.loc["online_finance", ["new", "shift", "scale"]].tolist() == [2, 1, 1]
    assert scores.loc["new_mobility", ["new", "shift", "scale"]].tolist() == [0, 0, 0]


def test_similarity_of_a_profile_to_itself_is_one() -> None:
    profile = classify.category_profile("scale")
    ctx = pd.DataFrame({"domain": ["new_mobility"], "context": [profile]})
    sim = classify.similarity_scores(ctx).iloc[0]
    assert sim["scale"] == pytest.approx(1.0)
    assert sim["new"] < 1 and sim["shift"] < 1


# --- evaluation ---------------------------------------------------------------------------------


def test_leave_one_out_scores_the_nine_placed_domains() -> None:
    frame = loo()
    domains = load_domains()
    placed = domains[domains["category"].notna()]
    assert frame["domain"].tolist() == placed["id"].tolist()
    assert frame["true"].tolist() == placed["category"].tolist()
    for col in ("cue_pred", "sim_pred"):
        assert set(frame[col]) <= {*classify.CATEGORIES, classify.UNDECIDED}
    assert (frame["cue_agree"] == (frame["cue_pred"] == frame["true"])).all()
    empty = frame[frame["n_sentences"] == 0]
    assert (empty["cue_pred"] == classify.UNDECIDED).all()
    assert (empty["sim_pred"] == classify.UNDECIDED).all()


def test_majority_baseline_of_the_other_eight() -> None:
    frame = loo().set_index("domain")
    # without a scale domain the other eight are 2 new, 3 shift, 3 scale: a tie
    assert frame.at["unmanned_factories", "majority_pred"] == classify.UNDECIDED
    assert frame.at["remote_working", "majority_pred"] == "scale"


def test_agreement_counts_on_a_small_frame() -> None:
    frame = pd.DataFrame({
        "true": ["new", "shift", "scale", "scale"],
        "cue_pred": ["new", "scale", classify.UNDECIDED, "scale"],
        "sim_pred": ["new", "shift", "scale", "new"],
        "majority_pred": ["scale", "scale", "new", classify.UNDECIDED],
    })
    table = classify.agreement(frame).set_index("scorer")
    assert table.loc["cue"].tolist() == [2, 1, 1, 4]
    assert table.loc["similarity"].tolist() == [3, 1, 0, 4]
    assert table.loc["majority_loo"].tolist() == [0, 3, 1, 4]
    assert table.loc["always_scale"].tolist() == [2, 2, 0, 4]


def test_confusion_has_every_cell_and_sums_to_nine() -> None:
    table = classify.confusion(loo(), "sim_pred")
    assert table.index.tolist() == list(classify.CATEGORIES)
    assert table.columns.tolist() == [*classify.CATEGORIES, classify.UNDECIDED]
    assert int(table.to_numpy().sum()) == 9
    assert table.sum(axis=1).tolist() == [2, 3, 4]


def test_the_category_paragraphs_leak_the_answer() -> None:
    clean = classify.agreement(loo()).set_index("scorer")
    leaky = classify.agreement(classify.leave_one_out(include_category_paragraphs=True))
    leaky = leaky.set_index("scorer")
    for scorer in ("cue", "similarity"):
        assert leaky.at[scorer, "correct"] > clean.at[scorer, "correct"]
        assert leaky.at[scorer, "undecided"] == 0


def test_predict_unplaced_is_labelled_inference_and_says_no_evidence() -> None:
    frame = unplaced().set_index("domain")
    assert set(frame.index) == UNPLACED
    assert frame["basis"].str.contains("inference").all()
    for domain in ("new_mobility", "online_rnd_design"):
        assert frame.at[domain, "prediction"] == classify.NO_EVIDENCE
        assert not frame.at[domain, "scorers_agree"]
    finance = frame.loc["online_finance"]
    assert finance["n_sentences"] > 0
    if finance["scorers_agree"]:
        assert finance["prediction"] == finance["cue_pred"] == finance["sim_pred"]
    else:
        assert finance["prediction"] == classify.UNDECIDED


# --- cue hits and chart -------------------------------------------------------------------------


def test_cue_hits_point_into_the_raw_text_and_match_the_counts() -> None:
    scores = classify.score_domains().set_index("domain")
    for domain in ("online_finance", "fresh_food_ecommerce", "online_healthcare"):
        hits = classify.cue_hits(domain)
        for row in hits.itertuples(index=False):
            assert TEXT[row.start:row.end] == row.cue
            assert row.cue in row.around
        for c in classify.CATEGORIES:
            assert int((hits["category"] == c).sum()) == scores.at[domain, f"cue_{c}"]


def test_score_chart_draws_two_panels_with_every_domain() -> None:
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from online_economy.plotting import SOURCE_WITH_PLAN, style

    with mpl.rc_context(), plt.style.context(style()):
        fig = classify.score_chart(classify.score_domains())
    try:
        left, right = fig.axes[:2]
        labels = [t.get_text() for t in left.get_yticklabels()]
        assert len(labels) == 12
        unplaced_names = ("在线金融", "新型移动出行", "在线研发设计")
        assert labels[-3:] == [f"{n} · unplaced" for n in unplaced_names]
        assert len(left.patches) == len(right.patches) == 36
        notes = [a.get_text() for a in fig.artists if hasattr(a, "get_text")]
        assert notes == [SOURCE_WITH_PLAN]  # the twelve-domain list is from public reports
    finally:
        plt.close(fig)


def test_shared_words_explain_the_similarity() -> None:
    scores = classify.score_domains().set_index("domain")
    for domain in ("online_finance", "online_exhibitions", "unmanned_factories"):
        for c in classify.CATEGORIES:
            words = classify.shared_words(domain, c)
            assert (words["product"] == words["context"] * words["profile"]).all()
            assert (words["product"].sum() > 0) == (scores.at[domain, f"sim_{c}"] > 0)
    assert classify.shared_words("new_mobility", "new").empty
    with pytest.raises(InputError):
        classify.shared_words("no_such_domain", "new")
    with pytest.raises(InputError):
        classify.shared_words("online_finance", "other")

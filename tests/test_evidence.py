"""Tests for online_economy.evidence: category lists, domain evidence, what-if coverage, figures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("MPLCONFIGDIR", str(Path(__file__).parents[1] / ".cache" / "matplotlib"))

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from online_economy import evidence, plotting, spans, tables, taxonomy
from online_economy.errors import InputError
from online_economy.parse import parse_transcript

PARSED = tables.raw_parsed()
TEXT = PARSED.text


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    with matplotlib.rc_context():  # the style is undone after each test
        plotting.use_project_style()
        yield
    plt.close("all")


def test_category_table_quotes_names_emphases_and_definitions_by_offset() -> None:
    cats = evidence.category_table(TEXT)
    assert cats["name"].tolist() == ["无中生有", "有中启转", "转中做大"]
    assert cats["emphasis"].tolist() == ["新", "转", "大"]
    assert cats["definition"].iat[0] == "因疫情倒逼而新催生出来的新业态新模式"
    assert spans.check_spans(cats, TEXT) == []


def test_category_table_rejects_a_text_whose_offsets_do_not_match() -> None:
    with pytest.raises(InputError, match="category new"):
        evidence.category_table("x" + TEXT)


def test_category_lists_end_in_deng_and_hold_nine_items() -> None:
    lists = evidence.category_lists(TEXT)
    assert lists["deng"].tolist() == ["等", "等", "等"]
    assert lists["items"].tolist() == [2, 3, 4]
    assert lists["list"].iat[0] == "远程办公、“无接触”配送"
    assert (lists["deng_start"] == lists["list_end"]).all()
    assert spans.check_spans(lists, TEXT) == []


def test_category_lists_fail_without_a_list() -> None:
    broken = TEXT.replace("包括远程办公", "比如远程办公")
    with pytest.raises(InputError, match="no 包括…等 list"):
        evidence.category_lists(broken)


def test_domain_table_places_nine_and_leaves_three_unplaced() -> None:
    table = evidence.domain_table(TEXT)
    assert len(table) == 12
    assert table["order"].tolist() == list(range(1, 13))
    unplaced = table[table["category"] == plotting.UNPLACED]["name_zh"].tolist()
    assert unplaced == ["在线金融", "新型移动出行", "在线研发设计"]
    assert table["assign"].notna().sum() == 9
    assert spans.check_spans(table, TEXT) == []


def test_every_assigning_span_lies_inside_its_category_list() -> None:
    table = evidence.domain_table(TEXT)
    lists = evidence.category_lists(TEXT).set_index("category")
    placed = table[table["assign"].notna()]
    for row in placed.itertuples():
        lst = lists.loc[row.category]
        assert lst["list_start"] <= row.assign_start < row.assign_end <= lst["list_end"]
    assert placed.groupby("category").size().to_dict() == {"new": 2, "shift": 3, "scale": 4}


def test_domain_sentences_quote_whole_sentences_with_their_terms() -> None:
    sents = evidence.domain_sentences(PARSED, "online_entertainment")
    assert spans.check_spans(sents, TEXT) == []
    assert set(sents["party"]) == {"刘平"}
    assert any("喜马拉雅" in t for t in sents["terms"])
    assert all(q.endswith("。") for q in sents["quote"])
    assert evidence.domain_sentences(PARSED, "new_mobility").empty


def test_domain_entities_show_the_basis_of_the_link() -> None:
    ents = evidence.domain_entities("online_entertainment")
    assert ents["first"].tolist() == ["喜马拉雅", "哔哩哔哩"]
    assert set(ents["domain_basis"]) == {"transcript"}
    assert spans.check_spans(evidence.domain_entities(), TEXT) == []
    assert evidence.domain_entities("online_rnd_design").empty


def test_domain_quantities_cite_their_surface() -> None:
    q = evidence.domain_quantities(PARSED, "online_entertainment")
    assert q["surface"].tolist() == ["30%", "110%"]
    assert spans.check_spans(evidence.domain_quantities(PARSED), TEXT) == []


def test_domain_evidence_bundles_and_rejects_unknown_ids() -> None:
    ev = evidence.domain_evidence(PARSED, "online_finance")
    assert len(ev.entities) == len(evidence.domain_entities("online_finance"))
    assert set(ev.sentences["party"]) <= {"中央广播电视总台CGTN", "葛平"}
    with pytest.raises(InputError, match="unknown domain"):
        evidence.domain_evidence(PARSED, "space_travel")


def test_evidence_summary_agrees_with_the_coverage_matrix() -> None:
    summary = evidence.evidence_summary(PARSED).set_index("name_zh")
    matrix = tables.coverage_matrix(PARSED)
    answered = (matrix > 0).sum(axis=1)
    assert summary["answers"].to_dict() == answered.to_dict()
    assert summary.loc["在线金融", "answered_by"] == "葛平"
    assert summary.loc["新型移动出行", "mentions"] == 0
    assert summary.loc["在线研发设计", "mentions"] == 0


def test_says_table_flags() -> None:
    says = evidence.says_table(PARSED).set_index("name_zh")
    assert says["in_category_list"].sum() == 9
    assert not says.loc["在线金融", "in_category_list"]
    assert says.loc["在线金融", "dedicated_question"]
    assert says.loc["在线医疗", "dedicated_question"]
    assert says["dedicated_question"].sum() == 2
    assert not says.loc["新型移动出行", "appears"]
    assert not says.loc["在线研发设计", "name_said"]
    assert says.loc["在线文娱", "has_figure"]
    assert not says.loc["工业互联网", "example_entity"]


def test_coverage_with_defaults_equals_the_tables_matrix() -> None:
    pd.testing.assert_frame_equal(evidence.coverage_with(PARSED), tables.coverage_matrix(PARSED))


def test_coverage_with_an_edited_term_moves_mentions() -> None:
    terms = taxonomy.load_domain_terms().copy()
    terms.loc[terms["term"] == "云展览", "domain"] = "online_entertainment"
    before = evidence.coverage_with(PARSED)
    after = evidence.coverage_with(PARSED, terms=terms)
    assert after.loc["在线文娱", "5. 刘敏"] == before.loc["在线文娱", "5. 刘敏"] + 1
    assert after.loc["在线展览展示", "5. 刘敏"] == before.loc["在线展览展示", "5. 刘敏"] - 1
    assert after.to_numpy().sum() == before.to_numpy().sum()


def test_patterns_from_rejects_a_surface_with_two_domains() -> None:
    terms = taxonomy.load_domain_terms().copy()
    extra = pd.DataFrame({"term": ["喜马拉雅"], "domain": ["online_education"],
                          "basis": ["editorial"], "note": [""], "rationale": ["test"]})
    with pytest.raises(InputError, match="points to both"):
        evidence.patterns_from(pd.concat([terms, extra], ignore_index=True))


def test_patterns_from_the_default_files_find_what_taxonomy_finds() -> None:
    assert taxonomy.find_longest(TEXT, evidence.patterns_from()) == taxonomy.find_domains(TEXT)


def test_taxonomy_figure_has_three_groups_and_an_unplaced_box() -> None:
    fig = evidence.taxonomy_figure(TEXT)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sum("not placed by the transcript" in t for t in texts) == 1
    assert sum(t.startswith("第") and "类" in t for t in texts) == 3
    for name in evidence.domain_table(TEXT)["name_zh"]:
        assert sum(t.startswith(name + "\n") for t in texts) == 1
    title = fig.axes[0].get_title(loc="left")
    assert "public reports" in title and "(transcript)" in title
    plt.close(fig)


def test_coverage_heatmap_annotates_every_cell() -> None:
    matrix = tables.coverage_matrix(PARSED)
    fig = evidence.coverage_heatmap(matrix)
    ax = fig.axes[0]
    numbers = [t.get_text() for t in ax.texts]
    assert len(numbers) == matrix.size
    assert sorted(int(n) for n in numbers) == sorted(matrix.to_numpy().ravel().tolist())
    assert ax.get_xlabel() == evidence.COVERAGE_XLABEL and ax.get_ylabel()
    assert ". " not in ax.get_xlabel()  # no stray full stop
    colour_bar = fig.axes[1]
    ticks = colour_bar.get_yticks()
    assert len(ticks) > 1 and all(float(t).is_integer() for t in ticks)
    plt.close(fig)


def test_other_text_works_too() -> None:
    parsed = parse_transcript(TEXT)
    assert len(evidence.evidence_summary(parsed)) == 12

"""The joined tables: domain mentions, quantities with turn/sentence/domain, coverage."""

from __future__ import annotations

import pandas as pd
import pytest

from online_economy import tables
from online_economy.parse import parse_transcript
from online_economy.tables import clause_bounds


@pytest.fixture(scope="module")
def parsed():
    return tables.raw_parsed()


@pytest.fixture(scope="module")
def quantities(parsed) -> pd.DataFrame:
    return tables.quantities_table(parsed)


def test_every_quantity_row_points_to_its_words(parsed, quantities) -> None:
    assert len(quantities) > 0
    for row in quantities.itertuples():
        assert parsed.text[row.start:row.end] == row.surface
        assert row.sentence_start <= row.start < row.end <= row.sentence_end
        assert row.sentence_text == parsed.text[row.sentence_start:row.sentence_end]
        assert row.clause in row.sentence_text


def test_quantities_belong_to_the_turn_that_states_them(parsed, quantities) -> None:
    turns = {t.index: t for t in parsed.turns}
    for row in quantities.itertuples():
        turn = turns[row.turn]
        assert turn.start <= row.start and row.end <= turn.end
        assert row.party == turn.party and row.exchange == turn.exchange


def test_quantities_attributed_by_the_stated_rules(quantities) -> None:
    by_surface = quantities.set_index("surface")
    # the nearest domain word before it in its sentence: 喜马拉雅、哔哩哔哩 (在线文娱)
    assert by_surface.at["110%", "domain"] == "online_entertainment"
    assert by_surface.at["110%", "domain_basis"] == "sentence"
    # after it in the same clause: 3万组智能快件箱
    assert by_surface.at["3万组", "domain_basis"] == "clause"
    # no domain word in the sentence: the question (中新社 asks about 在线医疗) decides
    assert by_surface.at["44项", "domain"] == "online_healthcare"
    assert by_surface.at["44项", "domain_basis"] == "question"
    # 拼多多 is linked to no domain, and the question names three: no domain
    assert by_surface.at["5000万以上", "domain"] == ""
    # market regulation (陶爱莲) speaks to none of the twelve
    assert set(quantities.loc[quantities["party"] == "陶爱莲", "domain"]) == {""}
    assert set(quantities["domain_basis"]) <= {"sentence", "clause", "question", ""}


def test_category_follows_the_domain(quantities) -> None:
    from online_economy.taxonomy import domain_info

    for row in quantities.itertuples():
        expected = domain_info()[row.domain][1] if row.domain else ""
        assert row.category == expected


def test_domain_mentions_lie_in_sentences(parsed) -> None:
    mentions = tables.domain_mentions(parsed)
    assert len(mentions) > 0
    sentences = parsed.sentences_frame().set_index(["turn", "paragraph", "sentence"])
    for m in mentions.itertuples():
        assert parsed.text[m.start:m.end] == m.term
        if m.turn >= 0:
            s = sentences.loc[(m.turn, m.paragraph, m.sentence)]
            assert s["start"] <= m.start and m.end <= s["end"]


def test_coverage_counts_every_answer_mention(parsed) -> None:
    table = tables.coverage_table(parsed)
    mentions = tables.domain_mentions(parsed)
    matrix = table.pivot_table(index="domain", columns="party", values="mentions", aggfunc="sum",
                               sort=False)
    assert matrix.shape == (12, 5)
    assert int(matrix.to_numpy().sum()) == int((mentions["role"] == "answer").sum())
    assert list(matrix.columns) == ["刘平", "郑锦", "葛平", "陶爱莲", "刘敏"]
    assert table.drop_duplicates("party")["exchange"].tolist() == [1, 2, 3, 4, 5]
    assert matrix["陶爱莲"].sum() == 0


def test_quantities_outside_turns_are_left_out() -> None:
    text = "发布会实录(共3个问题)\n\n新华社记者:有多少家?\n\n刘平:共有12家企业。\n\n分享按钮\n"
    frame = tables.quantities_table(parse_transcript(text))
    assert frame["surface"].tolist() == ["12家"]
    assert frame["quantity"].tolist() == [1]


def test_clause_bounds_cut_at_punctuation() -> None:
    text = "甲,乙增长30%;丙。"
    start = text.index("30%")
    lo, hi = clause_bounds(text, start, start + 3, 0, len(text))
    assert text[lo:hi] == "乙增长30%"


def test_write_processed_writes_bom_csvs(tmp_path) -> None:
    written = tables.write_processed(tmp_path)
    names = sorted(p.name for p in written)
    assert names == sorted(
        ["turns.csv", "sentences.csv", "quantities.csv", "domain_mentions.csv", "coverage.csv"]
    )
    for path in written:
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    turns = pd.read_csv(tmp_path / "turns.csv", encoding="utf-8-sig")
    assert turns["party"].tolist() == [
        "解放日报", "刘平", "中新社", "郑锦", "中央广播电视总台CGTN", "葛平", "澎湃新闻", "陶爱莲",
        "东方网", "刘敏",
    ]


def test_committed_processed_tables_are_current(tmp_path) -> None:
    """data/processed/ (committed for readers on a code host) is what `make report` writes."""
    for path in tables.write_processed(tmp_path):
        committed = tables.paths.PROCESSED / path.name
        assert committed.is_file(), f"{committed.name} missing: run `make report`"
        assert committed.read_bytes() == path.read_bytes(), f"{path.name} is stale: `make report`"


def test_mentions_carry_their_basis_and_who_links_them(parsed) -> None:
    mentions = tables.domain_mentions(parsed)
    assert set(mentions["basis"]) == {"name", "editorial", "entity"}
    names = mentions[mentions["basis"] == "name"]
    # a name as said is the domain's own name, linked by the transcript itself
    assert (names["term"] == names["domain_zh"]).all()
    assert (names["linked_by"] == "transcript").all()
    assert (mentions.loc[mentions["basis"] == "editorial", "linked_by"] == "project").all()
    # the name 在线金融 is said 3 times; its other mentions are the project's links
    finance = mentions[mentions["domain_zh"] == "在线金融"]
    assert (finance["basis"] == "name").sum() == 3
    assert len(finance) > 3


def test_coverage_by_basis_adds_up(parsed) -> None:
    table = tables.coverage_table(parsed)
    mentions = tables.domain_mentions(parsed)
    answers = mentions[mentions["role"] == "answer"]
    assert len(table) == 12 * 5 * 3
    assert table["mentions"].sum() == len(answers)
    names_only = table.loc[table["basis"] == "name", "mentions"]
    assert names_only.sum() == (answers["basis"] == "name").sum()


def test_framework_numbers_are_marked_and_attach_to_no_domain(parsed) -> None:
    quantities = tables.quantities_table(parsed)
    framework = quantities[quantities["kind"] == "framework"]
    # every 12个 that counts the domains, 3大类 and 3类 count the taxonomy itself
    assert sorted(framework["surface"]) == ["12个", "12个", "12个", "3大类", "3类"]
    assert (framework["domain"] == "").all()
    categories = quantities["surface"].isin(["3大类", "3类"])
    assert (quantities.loc[categories, "kind"] == "framework").all()


def test_is_framework_reads_the_words_after_the_number() -> None:
    text = "共12个重点发展领域和31个省"
    assert tables.is_framework(text, text.index("个") + 1, "个")
    assert not tables.is_framework(text, text.index("省"), "个")
    assert tables.is_framework("3类", 2, "类")


def test_growth_rates_are_percentages_whose_clause_says_a_change(parsed) -> None:
    quantities = tables.quantities_table(parsed)
    growth = quantities[quantities["growth"]]
    assert len(growth) == 10
    assert (growth["kind"] == "percent").all()
    assert growth["clause"].map(lambda c: any(w in c for w in tables.GROWTH_WORDS)).all()
    shares = quantities[(quantities["kind"] == "percent") & ~quantities["growth"]]
    assert not shares["clause"].str.contains("增长").any()


def test_a_fall_is_a_growth_rate_pointing_down() -> None:
    text = "新华社记者:怎么样?\n\n刘平:一季度同比下降6.8%,出口增长5%,占比30%。\n"
    frame = tables.quantities_table(parse_transcript(text)).set_index("surface")
    assert frame.loc["6.8%", ["growth", "direction", "value"]].tolist() == [True, "down", 6.8]
    assert frame.loc["5%", ["growth", "direction"]].tolist() == [True, "up"]
    assert frame.loc["30%", ["growth", "direction"]].tolist() == [False, ""]

"""The figures notebook 02 states in its prose, recomputed from the processed tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from online_economy import paths, taxonomy

TEXT = paths.TRANSCRIPT.read_text(encoding="utf-8")
# The list pattern of notebook 02, Step 2: 包括, the items, then 等 and a comma.
LIST = re.compile(r"包括(?P<list>[^,，。]+?)(?P<deng>等)[,，]")
UNPLACED = ["在线金融", "新型移动出行", "在线研发设计"]


@pytest.fixture(scope="module")
def mentions() -> pd.DataFrame:
    return pd.read_csv(paths.PROCESSED / "domain_mentions.csv")


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    q = pd.read_csv(paths.PROCESSED / "quantities.csv", keep_default_na=False)
    return q[q["kind"] != "framework"]


def test_categories_lists_and_placements() -> None:
    cats = taxonomy.load_categories()
    domains = taxonomy.load_domains()
    assert domains["category"].isna().sum() == 3 and domains["category"].notna().sum() == 9
    assert domains.loc[domains["category"].isna(), "name_zh"].tolist() == UNPLACED
    found = [LIST.search(TEXT, int(c.paragraph_start), int(c.paragraph_end))
             for c in cats.itertuples()]
    assert [(m.start("list"), m.end("list"), m.start("deng")) for m in found] == [
        (260, 272, 272), (486, 502, 502), (714, 736, 736)]
    items = {(item, c) for m, c in zip(found, cats["id"], strict=True)
             for item in m["list"].split("、")}
    placed = domains.dropna(subset=["category"])
    assert items == set(zip(placed["name_zh"], placed["category"], strict=True))
    assert [len(m["list"].split("、")) for m in found] == [2, 3, 4]
    q1 = LIST.search(TEXT, 43, 128)
    assert (q1.start("list"), q1.end("list")) == (69, 88)
    assert q1["list"] == "无人工厂、生鲜电商零售、“无接触”配送"
    assert TEXT[43:128].startswith("刚才介绍《行动方案》时")


def test_mentions_by_basis(mentions: pd.DataFrame) -> None:
    table = pd.crosstab(mentions["basis"], mentions["linked_by"])
    assert len(mentions) == 91
    assert table.sum(axis=1).to_dict() == {"editorial": 42, "entity": 30, "name": 19}
    assert table.at["entity", "transcript"] == 19 and table.at["entity", "project"] == 11
    assert table["project"].sum() == 53
    by = pd.crosstab(mentions["domain_zh"], mentions["basis"])
    names, total = by["name"], by.sum(axis=1)
    assert names.idxmax() == "“无接触”配送" and names.max() == 4
    assert names.drop("“无接触”配送").max() == 3 == names["在线金融"]
    assert set(names.drop(["“无接触”配送", "在线金融"])) <= {1, 2}
    assert total.nlargest(3).to_dict() == {"在线金融": 23, "在线医疗": 21, "“无接触”配送": 18}
    assert names["在线医疗"] == 2
    for name in ["在线金融", "“无接触”配送", "在线医疗"]:
        assert TEXT.count(name) >= names[name]
    assert TEXT.count("在线金融") == 3
    assert not set(UNPLACED[1:]) & set(mentions["domain_zh"])


def test_evidence_per_domain(figures: pd.DataFrame) -> None:
    q = pd.read_csv(paths.PROCESSED / "quantities.csv", keep_default_na=False)
    framework = q[q["kind"] == "framework"]
    assert framework["surface"].tolist() == ["12个", "12个", "3大类", "3类", "12个"]
    assert (framework["domain"] == "").all()
    per_domain = figures.loc[figures["domain"] != "", "domain_zh"].value_counts()
    assert per_domain["在线医疗"] == per_domain["生鲜电商零售"] == 10
    assert per_domain["在线金融"] == 5
    assert sorted(per_domain[per_domain <= 3].index) == sorted(
        ["无人工厂", "远程办公", "在线文娱", "在线展览展示", "“无接触”配送"])
    assert {"工业互联网", "在线教育", *UNPLACED[1:]}.isdisjoint(per_domain.index)
    orphans = figures[figures["domain"] == ""]
    assert orphans["party"].value_counts().to_dict() == {"陶爱莲": 9, "刘平": 2}
    assert orphans.loc[orphans["party"] == "刘平", "surface"].tolist() == ["5000万以上", "60%"]
    ent = figures[figures["domain"] == "online_entertainment"]
    assert ent["surface"].tolist() == ["30%", "110%"]
    assert all(774 <= s < TEXT.index(";又如", 774) for s in ent["start"])
    remote = figures[figures["domain"] == "remote_working"]
    assert remote["surface"].tolist() == ["近1000家"] and TEXT[362:368] == "近1000家"
    ents = taxonomy.load_entities()
    assert set(ents.loc[ents["domain"] == "remote_working", "domain_basis"]) == {"editorial"}
    assert set(ents.loc[ents["domain"] == "online_entertainment", "domain_basis"]) == {"transcript"}
    fin = ents.loc[ents["domain"] == "online_finance", "domain_basis"].value_counts()
    assert fin.to_dict() == {"transcript": 8, "editorial": 2}


def test_coverage_readings(mentions: pd.DataFrame) -> None:
    answers = mentions[mentions["role"] == "answer"]
    per = pd.crosstab(answers["party"], answers["basis"])
    assert per.loc["郑锦"].to_dict() == {"editorial": 10, "entity": 6, "name": 0}
    assert per.loc["葛平"].to_dict() == {"editorial": 8, "entity": 11, "name": 2}
    assert per.loc["刘敏"].to_dict() == {"editorial": 14, "entity": 1, "name": 1}
    assert "陶爱莲" not in per.index
    domains = taxonomy.load_domains()
    liu_ping = answers[(answers["party"] == "刘平") & (answers["basis"] == "name")]
    assert set(liu_ping["domain_zh"]) == set(domains.dropna(subset=["category"])["name_zh"])
    assert set(answers.loc[answers["party"] == "郑锦", "domain_zh"]) == {"在线医疗"}
    assert set(answers.loc[answers["party"] == "葛平", "domain_zh"]) == {"在线金融"}
    ge_entities = answers[(answers["party"] == "葛平") & (answers["basis"] == "entity")]
    assert len(ge_entities) == 11 and ge_entities["term"].nunique() == 10
    assert ge_entities["term"].value_counts().idxmax() == "国泰君安"
    assert TEXT[2262:2282] == "《加快推进上海金融科技中心建设实施方案》"
    by_project = ge_entities.loc[ge_entities["linked_by"] == "project", ["term", "start"]]
    assert by_project.values.tolist() == [["建行智慧社区管理平台", 2542], ["支付宝", 2821]]
    liu_min = answers[answers["party"] == "刘敏"]
    assert set(liu_min.loc[liu_min["basis"] == "name", "term"]) == {"“无接触”配送"}
    exhibitions = liu_min.loc[liu_min["domain"] == "online_exhibitions", "term"]
    assert set(exhibitions) == {"云展览", "云上时装周"}
    linked = liu_min[liu_min["linked_by"] == "project"]
    assert len(linked) == 15 and {("无人配送", 4841), ("快递自提点", 4870)} <= set(
        zip(linked["term"], linked["start"], strict=True))
    counts = liu_min["domain_zh"].value_counts().to_dict()
    assert counts == {"“无接触”配送": 9, "生鲜电商零售": 5, "在线展览展示": 2}
    moved = liu_min["term"].eq("共享货架").sum()
    assert moved == 2 and counts["“无接触”配送"] - moved == counts["生鲜电商零售"] + moved == 7
    # the tidy coverage table agrees with the crosstab over mentions
    coverage = pd.read_csv(paths.PROCESSED / "coverage.csv")
    assert coverage["mentions"].sum() == len(answers)


def test_what_the_transcript_does_not_say(mentions: pd.DataFrame) -> None:
    questions = mentions[mentions["role"] == "question"].groupby("exchange")["domain_zh"].unique()
    dedicated = sorted(names[0] for names in questions if len(names) == 1)
    assert dedicated == ["在线医疗", "在线金融"]
    silent = ("出行", "研发", "设计", "新型移动出行", "在线研发设计")
    assert [TEXT.count(w) for w in silent] == [0] * 5
    assert TEXT.count("移动") == 1 and TEXT.find("移动") == 2584
    assert TEXT[2584:2587] == "移动化"
    ents = taxonomy.load_entities()
    assert not ((ents["domain"] == "industrial_internet").any())

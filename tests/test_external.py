"""data/external and docs/sources.md: outside facts with their addresses, checked for consistency.

The facts themselves come from public reports and cannot be recomputed; these tests check
that every fact carries an address, outlet, date and strength, that "unconfirmed" is used
exactly for facts seen only in reposts, that the sources document lists every address, that
``domains.csv`` agrees with the plan facts, and that each cross-check points at a quantity
the project extracts from the transcript.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pandas as pd
import pytest
import yaml

from online_economy import paths, tables, taxonomy

EXTERNAL = paths.DATA / "external"
SOURCES_DOC = paths.ROOT / "docs" / "sources.md"
STRENGTHS = {"official page", "newspaper", "repost"}
DATE_BASES = {"page", "address", "text", "unknown"}
VERDICTS = {"match", "differs", "different measure"}
SOURCE_COLUMNS = ["source_url", "outlet", "date", "date_basis", "strength"]
PLAN_COLUMNS = ["fact_id", "fact", "order", "value", "value_en", *SOURCE_COLUMNS,
                "status", "corroborated_by", "note"]
CHECK_COLUMNS = ["check", "figure", "figure_start", "figure_end", "speaker", "measure_en",
                 "report_figure", "report_value", "report_unit", "verdict", "note",
                 *SOURCE_COLUMNS]
#: The transcript's figures the cross-checks must cover (fresh food, fashion week, hospitals).
REQUIRED_FIGURES = {"88亿元", "167%", "80%", "50万单", "约150吨", "约500吨", "40元", "100元以上",
                    "127.5%", "1100万人次", "超过5亿元", "近1600个", "3万组",
                    "11家", "1.4万人次", "4300余张"}
URL = re.compile(r"^https?://\S+$")
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
#: A row of the "All addresses" table: | n | <address> | outlet | date | strength | used for |
DOC_ROW = re.compile(r"^\| (\d+) \| <(https?://[^>\s]+)>[^|]*\| ([^|]+) \| ([^|]+) \| ([^|]+) \|")
MAX_REPORT_PHRASE = 40


def load(name: str) -> pd.DataFrame:
    return pd.read_csv(EXTERNAL / name, dtype=str, keep_default_na=False, encoding="utf-8")


PLAN = load("plan_facts.csv")
CHECKS = load("cross_checks.csv")
DOC = SOURCES_DOC.read_text(encoding="utf-8")


def doc_addresses(doc: str = DOC) -> pd.DataFrame:
    """The "All addresses" table of docs/sources.md: number, url, outlet, date, strength."""
    section = doc.split("## All addresses", 1)[1]
    rows = [m.groups() for m in map(DOC_ROW.match, section.splitlines()) if m]
    frame = pd.DataFrame(rows, columns=["number", "url", "outlet", "date", "strength"])
    return frame.apply(lambda col: col.str.strip())


def cited_urls(frame: pd.DataFrame) -> list[str]:
    urls = list(frame["source_url"])
    if "corroborated_by" in frame:
        urls += [u for cell in frame["corroborated_by"] for u in cell.split()]
    return urls


@cache
def quantities() -> pd.DataFrame:
    return tables.quantities_table(tables.raw_parsed())


@pytest.mark.parametrize(("name", "columns"), [("plan_facts.csv", PLAN_COLUMNS),
                                               ("cross_checks.csv", CHECK_COLUMNS)])
def test_files_have_the_documented_columns(name: str, columns: list[str]) -> None:
    raw = (EXTERNAL / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    assert list(load(name).columns) == columns
    readme = (EXTERNAL / "README.md").read_text(encoding="utf-8")
    intro = readme.split("\n## ", 1)[0]
    section = intro + readme.split(f"\n## {name}", 1)[1].split("\n## ", 1)[0]
    assert [c for c in columns if f"`{c}`" not in section] == []


@pytest.mark.parametrize("frame", [PLAN, CHECKS], ids=["plan_facts", "cross_checks"])
def test_every_row_has_an_address_outlet_date_and_strength(frame: pd.DataFrame) -> None:
    assert frame["source_url"].str.match(URL).all()
    assert (frame["outlet"].str.len() > 3).all()
    assert set(frame["strength"]) <= STRENGTHS
    assert set(frame["date_basis"]) <= DATE_BASES
    dated = frame["date"] != ""
    assert frame.loc[dated, "date"].str.match(DATE).all()
    assert (dated == (frame["date_basis"] != "unknown")).all()
    assert all(URL.match(u) for u in cited_urls(frame))


def test_the_sources_document_lists_every_address_once() -> None:
    table = doc_addresses()
    assert len(table) >= 8
    assert list(table["number"]) == [str(i) for i in range(1, len(table) + 1)]
    assert table["url"].is_unique and set(table["strength"]) <= STRENGTHS
    assert (table["outlet"].str.len() > 3).all() and (table["date"] != "").all()
    cited = set(cited_urls(PLAN)) | set(cited_urls(CHECKS))
    assert cited - set(table["url"]) == set(), "addresses missing from docs/sources.md"
    strength = table.set_index("url")["strength"]
    for frame in (PLAN, CHECKS):
        assert (frame["source_url"].map(strength) == frame["strength"]).all()


def test_doc_table_parser_rejects_a_row_without_strength() -> None:
    good = "## All addresses\n| 1 | <https://a.example/x> | Outlet | 2020-04-13 | newspaper | y |"
    bad = "## All addresses\n| 1 | <https://a.example/x> | Outlet | 2020-04-13 |"
    assert doc_addresses(good)["strength"].tolist() == ["newspaper"]
    assert doc_addresses(bad).empty


def test_unconfirmed_is_exactly_seen_only_in_reposts() -> None:
    strength = doc_addresses().set_index("url")["strength"]
    assert set(PLAN["status"]) == {"confirmed", "unconfirmed"}
    for row in PLAN.itertuples(index=False):
        urls = [row.source_url, *row.corroborated_by.split()]
        only_reposts = all(strength[u] == "repost" for u in urls)
        if row.fact == "domain_order":
            assert row.status == "unconfirmed"  # one repost lists all twelve in order
        else:
            assert (row.status == "unconfirmed") == only_reposts, row.fact_id
    number = PLAN.loc[PLAN["fact"] == "document_number"].squeeze()
    assert number["value"] == "沪府办发〔2020〕1号" and number["status"] == "unconfirmed"


def test_plan_facts_cover_title_issuer_structure_domains_and_goals() -> None:
    assert len(PLAN) >= 20
    assert PLAN["fact_id"].tolist() == [str(i) for i in range(1, len(PLAN) + 1)]
    one = PLAN.drop_duplicates("fact", keep=False).set_index("fact")["value"]
    assert "2020" in one["title"] and "2022" in one["title"]
    assert one["title"].startswith("上海市促进在线新经济发展行动方案")
    assert one["issuer"] == "上海市人民政府办公厅" and one["issue_date"] == "2020-04-08"
    assert one["release"] == "2020-04-13"
    structure = one[["structure_parts", "structure_articles", "special_actions",
                     "safeguard_measures"]].astype(int).tolist()
    assert structure == [4, 23, 6, 5]
    goals = PLAN[PLAN["fact"] == "goal"]
    assert goals["order"].tolist() == ["1", "2", "3", "4"]
    assert goals["value"].str.contains("“100+”", regex=False).all()
    assert (PLAN["value"] + PLAN["value_en"] + PLAN["note"]).str.len().gt(0).all()


def test_domains_csv_and_plan_facts_agree_on_the_twelve_domains() -> None:
    plan = PLAN[PLAN["fact"] == "domain"].assign(order=lambda f: f["order"].astype(int))
    plan = plan.sort_values("order")
    assert plan["order"].tolist() == list(range(1, 13))
    reference = taxonomy.load_domains().sort_values("order")
    assert reference["name_zh"].tolist() == plan["value"].tolist()
    assert reference["order"].astype(int).tolist() == plan["order"].tolist()
    listed = PLAN.loc[PLAN["fact"] == "domain_order", "value"].squeeze().split("、")
    assert listed == plan["value"].tolist()
    unconfirmed = set(plan.loc[plan["status"] == "unconfirmed", "value"])
    assert unconfirmed == {"新型移动出行", "在线研发设计"}


def test_cross_checks_cover_the_figures_with_short_report_phrases() -> None:
    assert len(CHECKS) >= 12
    assert CHECKS["check"].tolist() == [str(i) for i in range(1, len(CHECKS) + 1)]
    assert set(CHECKS["figure"]) >= REQUIRED_FIGURES
    assert set(CHECKS["verdict"]) == VERDICTS
    assert (CHECKS["note"].str.len() > 10).all() and (CHECKS["measure_en"] != "").all()
    assert (CHECKS["report_figure"].str.len() <= MAX_REPORT_PHRASE).all()
    assert set(CHECKS["speaker"]) == {"刘敏", "郑锦"}


def test_each_cross_check_is_a_quantity_of_the_transcript() -> None:
    tidy = quantities().set_index(["start", "end"])
    starts, ends = CHECKS["figure_start"].astype(int), CHECKS["figure_end"].astype(int)
    found = tidy.reindex(list(zip(starts, ends, strict=True)))
    assert found["surface"].tolist() == CHECKS["figure"].tolist()
    assert found["party"].tolist() == CHECKS["speaker"].tolist()
    report = CHECKS["report_value"].astype(float).to_numpy()
    same = report == found["value"].to_numpy()
    match = (CHECKS["verdict"] == "match").to_numpy()
    assert same[match].all(), "a 'match' must give the transcript's value"
    differs = (CHECKS["verdict"] == "differs").to_numpy()
    assert CHECKS.loc[differs & same, "note"].str.contains("bound").all()


def test_docs_record_what_was_not_found_and_where_sources_disagree() -> None:
    missing = DOC.split("## Searched and not found", 1)[1].split("\n## ", 1)[0]
    unplaced = ("在线金融", "新型移动出行", "在线研发设计")
    for words in (*unplaced, "沪府办发〔2020〕1号", "page address"):
        assert words in missing, words
    disagree = DOC.split("## Where sources disagree", 1)[1].split("\n## ", 1)[0]
    assert "刘平" in disagree and "does not give his post" in disagree


def test_docs_state_the_transcript_record_and_how_to_restore_it() -> None:
    record = json.loads(paths.PROVENANCE.read_text(encoding="utf-8"))
    for key in ("sha256", "event_date", "page_date", "title"):
        assert record[key] in DOC, key
    assert f"{record['bytes']:,} bytes" in DOC and f"{record['characters']:,} characters" in DOC
    restore = f"git checkout -- data/raw/{record['file']}"
    assert restore in DOC and record["restore"] == restore
    assert record["sources"] == "docs/sources.md" and record["publisher_en"] in DOC


def test_citation_and_readme_give_the_transcript_and_link_the_sources() -> None:
    record = json.loads(paths.PROVENANCE.read_text(encoding="utf-8"))
    citation = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    [transcript] = [r for r in citation["references"] if record["title"] in r["title"]]
    assert transcript["authors"][0]["name"] == record["publisher_en"]
    assert str(transcript["date-published"]) == record["page_date"]
    assert record["event_date"] in transcript["notes"] and record["sha256"] in transcript["notes"]
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    head, cite = readme.split("## What it finds", 1)[0], readme.split("## How to cite", 1)[1]
    assert "docs/sources.md" in head and "docs/sources.md" in cite.split("\n## ", 1)[0]
    for key in ("title", "event_date", "page_date", "sha256", "publisher_en"):
        assert record[key] in cite.split("\n## ", 1)[0], key

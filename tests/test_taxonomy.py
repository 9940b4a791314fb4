"""The taxonomy reference files (categories, domains, terms, entities) and their loaders."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from online_economy import paths, taxonomy
from online_economy.errors import InputError

TEXT = paths.TRANSCRIPT.read_text(encoding="utf-8")
PLAN_ORDER = [
    "无人工厂", "工业互联网", "远程办公", "在线金融", "在线文娱", "在线展览展示",
    "生鲜电商零售", "“无接触”配送", "新型移动出行", "在线教育", "在线研发设计", "在线医疗",
]
TRANSCRIPT_PLACEMENT = {
    "远程办公": "new", "“无接触”配送": "new",
    "在线展览展示": "shift", "在线教育": "shift", "在线医疗": "shift",
    "无人工厂": "scale", "工业互联网": "scale", "在线文娱": "scale", "生鲜电商零售": "scale",
    "在线金融": None, "新型移动出行": None, "在线研发设计": None,
}
NAMED = [
    "华平信息", "云视讯平台", "叮咚买菜", "饿了么", "美团点评", "富友", "爱姆意", "晓黑板",
    "徐汇中心医院", "喜马拉雅", "哔哩哔哩", "上汽通用金桥工厂", "拼多多", "中国银联",
    "云闪付APP", "建信金科", "建行智慧社区管理平台", "浦发银行", "国泰君安", "君弘APP",
    "众安保险", "支付宝", "健康云", "随申办", "上海市发热咨询平台", "新冠工作室",
    "上海时装周", "云上时装周", "市地方金融监管局", "市场监管局", "市商务委", "《行动方案》",
    "《上海市互联网医院管理办法》", "《健康上海行动(2019-2030)》",
    "《加快推进上海金融科技中心建设实施方案》", "全国电子营业执照小程序", "一网通办",
    "解放日报", "中新社", "中央广播电视总台CGTN", "澎湃新闻", "东方网",
]


@pytest.fixture(scope="module")
def cats() -> pd.DataFrame:
    return taxonomy.load_categories()


@pytest.fixture(scope="module")
def domains() -> pd.DataFrame:
    return taxonomy.load_domains()


@pytest.fixture(scope="module")
def entities() -> pd.DataFrame:
    return taxonomy.load_entities()


def find_domains(text: str) -> list[tuple[int, int, str]]:
    """(start, end, domain id) of every domain mention that ``taxonomy.find_mentions`` finds."""
    return [(start, end, domain) for start, end, domain, _, _ in taxonomy.find_mentions(text)]


def domain_of() -> dict[str, str]:
    """Every string that points to a domain -> its domain id."""
    return {surface: link[0] for surface, link in taxonomy.mention_patterns().items()}


def paragraph(cats: pd.DataFrame, cid: str) -> tuple[int, int]:
    row = cats.set_index("id").loc[cid]
    return int(row["paragraph_start"]), int(row["paragraph_end"])


def test_dtypes(cats: pd.DataFrame, domains: pd.DataFrame, entities: pd.DataFrame) -> None:
    assert cats["name_start"].dtype == "Int64" and cats["order"].dtype == "int64"
    assert domains["assign_start"].dtype == "Int64"
    assert domains["assign_start"].isna().sum() == 3
    assert entities["first_start"].dtype == "Int64" and entities["mentions"].dtype == "int64"
    assert isinstance(entities["domain"].dtype, pd.StringDtype)


def test_categories_are_the_transcripts(cats: pd.DataFrame) -> None:
    assert cats["id"].tolist() == ["new", "shift", "scale"]
    assert cats["name_zh"].tolist() == ["无中生有", "有中启转", "转中做大"]
    assert cats["emphasis"].tolist() == ["新", "转", "大"]
    for n, row in enumerate(cats.itertuples(), 1):
        para = TEXT[row.paragraph_start : row.paragraph_end]
        assert para.startswith(f"第{'一二三'[n - 1]}类是“{row.name_zh}”,{row.definition_zh},")
        assert para.endswith("。") and "\n" not in para
        assert TEXT[row.emphasis_start - 5 : row.emphasis_end + 1] == f"重点体现“{row.emphasis}”"
        for start in (row.name_start, row.definition_start, row.emphasis_start):
            assert row.paragraph_start <= start < row.paragraph_end
        assert row.colour.startswith("#") and len(row.colour) == 7 and row.hatch


def test_domains_follow_the_plan_and_the_transcript(
    cats: pd.DataFrame, domains: pd.DataFrame
) -> None:
    assert domains["name_zh"].tolist() == PLAN_ORDER
    assert domains["order"].tolist() == list(range(1, 13))
    assert domains["id"].str.fullmatch(r"[a-z_]+").all()
    for row in domains.itertuples():
        expected = TRANSCRIPT_PLACEMENT[row.name_zh]
        assert (None if pd.isna(row.category) else row.category) == expected
        assert taxonomy.domain_info()[row.id] == (row.name_zh, expected or "")
        if expected is None:
            assert pd.isna(row.assign_start) and "not placed" in row.source_note
            continue
        start, end = paragraph(cats, expected)
        listing = TEXT.index("包括", start), TEXT.index("等,重点体现", start)
        assert listing[0] < row.assign_start < row.assign_end <= listing[1] < end
        assert TEXT[row.assign_start : row.assign_end] == row.name_zh


def test_domain_info_knows_the_twelve_domains_only(domains: pd.DataFrame) -> None:
    assert list(taxonomy.domain_info()) == domains["id"].tolist()
    assert "space_tourism" not in taxonomy.domain_info()


def test_domain_terms() -> None:
    terms = taxonomy.load_domain_terms()
    named = terms[terms["basis"] == "name"]
    assert sorted(named["term"]) == sorted(PLAN_ORDER)
    editorial = terms[terms["basis"] == "editorial"]
    assert len(editorial) >= 10
    for row in editorial.itertuples():
        assert row.term in TEXT, row.term
        assert len(row.rationale) > 15, row.term
    for term in ("互联网医院", "直播课堂", "金融科技", "无人车间", "生鲜电商", "配送"):
        assert term in set(editorial["term"])


def test_entities_cover_the_transcript(entities: pd.DataFrame, cats: pd.DataFrame) -> None:
    assert set(NAMED) <= set(entities["name"])
    assert (entities["kind"] == "outlet").sum() == 5
    for row in entities.itertuples():
        assert TEXT.find(row.name) == row.first_start, row.name
        assert row.first_end - row.first_start == len(row.name)
        assert TEXT.count(row.name) == row.mentions >= 1, row.name
        inside = [
            cid for cid in cats["id"]
            if row.name in TEXT[slice(*paragraph(cats, cid))]
        ]
        assert (inside[0] if inside else None) == (
            None if pd.isna(row.category) else row.category
        ), row.name
        if not pd.isna(row.domain_basis) and row.domain_basis == "editorial":
            assert "editorial" in row.note, row.name
    by_name = entities.set_index("name")
    assert by_name.loc["叮咚买菜", "domain"] == "contactless_delivery"
    assert by_name.loc["喜马拉雅", "category"] == "scale"
    assert by_name.loc["市场监管局", "mentions"] == 4


def test_find_domains_on_the_transcript() -> None:
    found = find_domains(TEXT)
    assert found == sorted(found)
    surfaces = domain_of()
    for (_, e1, _), (s2, _, _) in itertools.pairwise(found):
        assert e1 <= s2
    for start, end, domain in found:
        assert surfaces[TEXT[start:end]] == domain
    cited = {(s, e) for s, e, _ in found}
    domains = taxonomy.load_domains().dropna(subset=["assign_start"])
    for row in domains.itertuples():
        assert (row.assign_start, row.assign_end) in cited


def test_find_domains_longest_match_wins() -> None:
    text = "上汽通用金桥工厂无人车间;生鲜电商零售;生鲜电商;“无接触”配送;天气"
    got = [(text[s:e], d) for s, e, d in find_domains(text)]
    assert got == [
        ("上汽通用金桥工厂", "unmanned_factories"),
        ("无人车间", "unmanned_factories"),
        ("生鲜电商零售", "fresh_food_ecommerce"),
        ("生鲜电商", "fresh_food_ecommerce"),
        ("“无接触”配送", "contactless_delivery"),
    ]
    assert find_domains("今天天气很好") == []


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([*PLAN_ORDER, "配送", "云视讯平台", "的", "无人"]), max_size=8))
def test_find_domains_properties(parts: list[str]) -> None:
    text = "".join(parts)
    found = find_domains(text)
    surfaces = domain_of()
    assert found == sorted(found)
    assert all(e1 <= s2 for (_, e1, _), (s2, _, _) in itertools.pairwise(found))
    assert all(surfaces[text[s:e]] == d for s, e, d in found)
    for name in PLAN_ORDER:
        assert sum(text[s:e] == name for s, e, _ in found) == text.count(name)


@pytest.fixture()
def scratch() -> Iterator[Path]:
    folder = paths.CACHE / "test_taxonomy"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(paths.REFERENCE, folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _edit(folder: Path, stem: str, old: str, new: str) -> None:
    path = folder / f"{stem}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("stem", "old", "new", "loader", "message"),
    [
        ("domains", "remote working,new,", "remote working,old,", "load_domains",
         r"domains\.csv line 4: unknown category 'old'"),
        ("domain_terms", "直播课堂,online_education", "直播课堂,online_school", "load_domain_terms",
         r"domain_terms\.csv line \d+: unknown domain 'online_school'"),
        ("entities", "饿了么,company,contactless_delivery", "饿了么,company,delivery",
         "load_entities", r"entities\.csv line \d+: unknown domain 'delivery'"),
        ("entities", "饿了么,company", "饿了么,shop", "load_entities",
         r"entities\.csv line \d+: unknown kind 'shop'"),
        ("categories", "new,1,", "shift,1,", "load_categories",
         r"categories\.csv line \d+: duplicate id 'shift'"),
        ("domains", "unmanned_factories,1,", "unmanned_factories,one,", "load_domains",
         r"domains\.csv line 2: order is not a non-negative integer"),
        ("domains", "remote working,new,260,264", "remote working,new,,", "load_domains",
         r"domains\.csv line 4: category and assign_start/assign_end must be given together"),
        ("entities", "contactless_delivery,transcript,new", "contactless_delivery,,new",
         "load_entities", r"entities\.csv line 6: domain and domain_basis must be given together"),
    ],
)
def test_validation_names_file_and_line(
    scratch: Path, stem: str, old: str, new: str, loader: str, message: str
) -> None:
    _edit(scratch, stem, old, new)
    with pytest.raises(InputError, match=message):
        getattr(taxonomy, loader)(scratch)


def test_validation_rejects_bom_and_editorial_without_rationale(scratch: Path) -> None:
    path = scratch / "categories.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with pytest.raises(InputError, match="byte-order mark"):
        taxonomy.load_categories(scratch)
    path.write_bytes(path.read_bytes()[3:])
    terms = scratch / "domain_terms.csv"
    lines = terms.read_text(encoding="utf-8").splitlines()
    lines.append("直播,online_education,editorial,x,")
    terms.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="without a rationale"):
        taxonomy.load_domain_terms(scratch)


def test_the_longer_mention_wins_then_the_alphabetically_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "生鲜电商零售和生鲜电商"
    assert find_domains(text) == [(0, 6, "fresh_food_ecommerce"), (7, 11, "fresh_food_ecommerce")]
    rows = {"ab": ("x", "name", "transcript"), "bc": ("y", "name", "transcript"),
            "abc": ("z", "editorial", "project"), "c": ("w", "name", "transcript")}
    monkeypatch.setattr(taxonomy, "mention_patterns", lambda: rows)
    assert taxonomy.find_mentions("abcbc") == [(0, 3, "z", "editorial", "project"),
                                               (3, 5, "y", "name", "transcript")]
    rows.pop("abc")
    assert taxonomy.find_mentions("abc") == [(0, 2, "x", "name", "transcript"),
                                             (2, 3, "w", "name", "transcript")]

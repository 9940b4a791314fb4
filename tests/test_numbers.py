"""What each number measures, growth vs level, evidence per domain, qualifiers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from online_economy import numbers, tables
from online_economy.numbers import (
    counted_words,
    entities_in,
    is_growth,
    level_label,
    qualifier_word,
    scope_start,
    subject,
    trim_metric,
)


@pytest.fixture(scope="module")
def tidy() -> pd.DataFrame:
    return numbers.tidy_quantities()


@pytest.fixture(scope="module")
def text() -> str:
    return tables.raw_parsed().text


def row(tidy: pd.DataFrame, surface: str, n: int = 0) -> pd.Series:
    return tidy[tidy["surface"] == surface].iloc[n]


def test_tidy_keeps_every_quantity_and_its_offsets(tidy: pd.DataFrame, text: str) -> None:
    assert list(tidy.columns) == numbers.TIDY_COLUMNS
    assert len(tidy) == len(tables.quantities_table(tables.raw_parsed()))
    assert all(text[s:e] == q for s, e, q in zip(tidy["start"], tidy["end"], tidy["surface"],
                                                 strict=True))


@pytest.mark.parametrize(
    ("surface", "entity", "metric", "counted"),
    [
        ("30%", "喜马拉雅", "用户数同比增长", ""),
        ("110%", "哔哩哔哩", "用户数同比增长", ""),  # 分别: paired in order
        ("60%", "拼多多", "日均在途物流包裹数同比增长", ""),  # borrowed from 5000万以上
        ("近1000家", "华平信息/云视讯平台", "", "政企单位"),
        ("1560多名", "", "市级医院", "专家"),
        ("37家", "", "", "市级医院"),  # stops at the next number
        ("约500吨", "", "蔬菜", ""),
        ("9461户", "", "全市移出异常名录的企业", ""),  # the clause before
        ("6.8%", "", "本市市场主体同比增长", ""),
        ("70%", "国泰君安/君弘APP", "日活跃度提升", ""),
        ("100元以上", "", "订单客单价", ""),
        ("44项", "", "市级医院", "常用检验检查项目"),
        ("610家", "中国银联/云闪付APP", "疫情期间支持", "商业银行借记卡余额查询"),
        # the previous list item's counted words (…借记卡余额查询、) are not its metric
        ("近150家", "中国银联/云闪付APP", "疫情期间支持", "商业银行信用卡账单查询"),
    ],
)
def test_entity_metric_counted_on_real_rows(
    tidy: pd.DataFrame, surface: str, entity: str, metric: str, counted: str
) -> None:
    r = row(tidy, surface)
    assert (r["entity"], r["metric"], r["counted"]) == (entity, metric, counted)


def test_what_joins_the_parts(tidy: pd.DataFrame) -> None:
    assert row(tidy, "100%")["what"] == "上汽通用金桥工厂 无人车间 焊接自动化"


def test_scope_starts_after_semicolon(text: str) -> None:
    pos = text.index("100%焊接")
    sentence = text.index("例如,在线文娱")
    lo = scope_start(text, sentence, pos)
    assert text[lo:].startswith("又如")
    assert entities_in(text, lo, pos) == ["上汽通用金桥工厂"]
    assert scope_start("abc", 0, 2) == 0


def test_entities_longest_match_no_repeats() -> None:
    s = "上海市场监管局和市场监管局"
    found = entities_in(s, 0, len(s), ["市场监管局", "上海市场监管局"])
    assert found == ["上海市场监管局", "市场监管局"]
    assert entities_in("甲乙甲", 0, 3, ["甲"]) == ["甲"]


def test_trim_metric_rules() -> None:
    names = ["喜马拉雅", "哔哩哔哩"]
    assert trim_metric("喜马拉雅、哔哩哔哩用户数分别同比增长", names) == "用户数同比增长"
    names = ["国泰君安", "君弘APP"]
    assert trim_metric("目前国泰君安“君弘APP”日活跃度提升了", names) == "日活跃度提升"
    assert trim_metric("订单客单价由原来的") == "订单客单价"
    assert trim_metric("共为近") == ""


def test_counted_words() -> None:
    s = "共为近1000家政企单位提供云视讯服务"
    assert counted_words(s, s.index("家") + 1, len(s)) == "政企单位"
    assert counted_words("30%和110%", 3, 8) == ""
    assert counted_words("5亿元,", 3, 4) == ""


def test_subject_growth_and_qualifier_word() -> None:
    assert subject("用户数同比增长") == "用户数"
    assert subject("订单量增长") == "订单量"
    assert subject("增长了") == ""
    assert is_growth("同比增长60%") and is_growth("订单量倍增")
    assert not is_growth("无人车间实现100%焊接自动化")
    assert [qualifier_word(s) for s in ("近1000家", "4300余张", "1560多名", "5000万以上",
                                        "超过5亿元", "约150吨", "12个")] == [
        "近", "余", "多", "以上", "超过", "约", ""]


def test_level_label() -> None:
    assert level_label("拼多多", "日均在途物流包裹数", "") == "日均在途物流包裹数"
    assert level_label("甲", "", "") == "甲"
    assert level_label("", "一二三四五六七八九十", "", width=5) == "一二三四…"
    assert level_label("", "", "", fallback="这3类12个领域") == "这3类12个领域"
    assert level_label("", "", "甲", fallback="乙") == "甲"


def test_growth_rates_are_percentages_that_say_growth(tidy: pd.DataFrame) -> None:
    growth = numbers.growth_rates(tidy)
    assert set(growth["kind"]) == {"percent"}
    assert "100%" not in set(growth["surface"])  # 100% 焊接自动化 is a share, not a growth
    assert len(growth) == (tidy["kind"] == "percent").sum() - 1
    assert row(growth, "167%")["label"] == "全市生鲜电商平台交易额"


def test_levels_are_the_rest(tidy: pd.DataFrame) -> None:
    level = numbers.levels(tidy)
    assert "percent" not in set(level["kind"])
    assert len(level) + (tidy["kind"] == "percent").sum() == len(tidy)


def test_evidence_tables(tidy: pd.DataFrame) -> None:
    by_domain = numbers.evidence_by_domain(tidy)
    assert len(by_domain) == 12
    assert by_domain.set_index("domain").at["工业互联网", "quantities"] == 0
    assert by_domain.set_index("domain").at["在线金融", "category"] == "unplaced"
    assert by_domain["quantities"].sum() == (tidy["domain"] != "none").sum()
    by_cat = numbers.evidence_by_category(tidy)
    assert list(by_cat["category"]) == ["new", "shift", "scale", "unplaced", "none"]
    assert by_cat["quantities"].sum() == len(tidy)
    assert by_cat.set_index("category").at["unplaced", "quantities"] == (
        tidy["domain"] == "online_finance").sum()


def test_qualifier_counts(tidy: pd.DataFrame) -> None:
    counts = numbers.qualifier_counts(tidy).set_index("qualifier")
    assert counts["quantities"].sum() == len(tidy)
    assert set(counts.at["over", "words_used"].split("、")) == {"余", "多", "以上", "超过"}
    assert set(counts.at["approx", "words_used"].split("、")) == {"近", "约"}
    assert "余" in counts.at["over", "words_known"]


def test_plots(tidy: pd.DataFrame) -> None:
    growth = numbers.growth_rates(tidy)
    fig = numbers.plot_growth_rates(growth)
    assert len(fig.axes[0].patches) == len(growth)
    plt.close(fig)
    fig = numbers.plot_levels(numbers.levels(tidy))
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert not any(lab.startswith("(") for lab in labels)  # every row has a label
    assert "这3类12个领域代表未来发展方向 (3类)" in labels  # 3类: no metric, the clause instead
    groups = {t.get_text() for t in ax.texts}
    assert numbers.NO_MEASURE_WORD in groups and "万" not in "".join(groups)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend and not any(":" in t for t in legend)  # short glosses only
    plt.close(fig)

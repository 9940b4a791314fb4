"""Notebook 04's claims, recomputed from data/processed and the raw text.

The notebook states these figures in its prose; nbval guards its outputs, and this file pins the
figures themselves, each recomputed here from the processed tables or straight from the raw text.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd
import pytest

from online_economy import paths, quiz

TEXT = paths.TRANSCRIPT.read_text(encoding="utf-8")
#: Notebook 04's patterns (Steps 1 and 4), restated so that a change there must be made here too.
AMOUNT = re.compile(r"(\d+(?:\.\d+)?)([万亿])(?:人次|元|户|单|组)?")
FACTOR = {"万": 10**4, "亿": 10**8}
GROWTH = re.compile(r"增长|提升|增加|倍增")
PERIOD = re.compile(
    r"截至(?:目前|\d+月底)|就\d+月而言|\d+月份|一季度|(?:今年|疫情发生)以来|疫情期间|目前|一周")
BASIS = re.compile(r"同比|累计|每天|日均")


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(paths.PROCESSED / name, keep_default_na=False)


@pytest.fixture(scope="module")
def quantities() -> pd.DataFrame:
    return read("quantities.csv")


@pytest.fixture(scope="module")
def figures(quantities: pd.DataFrame) -> pd.DataFrame:
    out = quantities.query("kind != 'framework'").copy()
    out["period"] = [
        (PERIOD.findall(TEXT[s:e]) or [""])[-1]
        for s, e in zip(out["sentence_start"], out["start"], strict=True)
    ]
    out["basis"] = [(BASIS.findall(c) or [""])[-1] for c in out["clause"]]
    return out


@pytest.fixture(scope="module")
def growth(figures: pd.DataFrame) -> pd.DataFrame:
    percent = figures.query("kind == 'percent'")
    return percent[percent["clause"].str.contains(GROWTH)]


def test_step1_the_paragraph_regex_agrees_with_the_extractor(quantities: pd.DataFrame) -> None:
    start = TEXT.index("三是开展“互联网+”防疫服务")
    end = TEXT.index("\n", start)
    assert (start, end) == (1795, 2043)
    found = {(m.start(), m.end()): Decimal(m[1]) * FACTOR[m[2]]
             for m in AMOUNT.finditer(TEXT, start, end)}
    inside = quantities.query("@start <= start and end <= @end")
    assert inside["surface"].tolist() == ["127名", "37家", "1560多名", "1.98万人次", "23.98万人次",
                                          "239.83万人次"]
    rows = {(s, e): Decimal(repr(v)) for s, e, v in zip(inside["start"], inside["end"],
                                                        inside["value"], strict=True)}
    assert len(found) == 3 and all(rows[span] == value for span, value in found.items())


def test_exercise_4_2_every_wan_yi_amount_lies_in_a_row_with_the_same_value(
    quantities: pd.DataFrame,
) -> None:
    differ = []
    hits = list(AMOUNT.finditer(TEXT))
    for m in hits:
        row = quantities.query("start <= @m.start() and @m.end() <= end")
        assert len(row) == 1, m[0]
        assert Decimal(repr(float(row["value"].iat[0]))) == Decimal(m[1]) * FACTOR[m[2]]
        if (row["start"].iat[0], row["end"].iat[0]) != (m.start(), m.end()):
            differ.append(row["surface"].iat[0])
    assert len(hits) == 12 == quantities["surface"].str.contains("[万亿]").sum()
    assert differ == ["5000万以上", "超过5亿元"]  # the extractor's span takes the qualifier


def test_step2_framework_numbers_and_figures_per_answer(
    quantities: pd.DataFrame, figures: pd.DataFrame
) -> None:
    framework = quantities.query("kind == 'framework'")
    assert len(quantities) == 49
    assert framework["surface"].tolist() == ["12个", "12个", "3大类", "3类", "12个"]
    for e in framework["end"]:
        # read from the raw text: a count of categories (类) or of domains (…领域)
        assert TEXT[e - 1] == "类" or re.match(r"(?:重点)?(?:发展)?领域", TEXT[e:])
    assert len(figures) == 44 and set(figures["role"]) == {"answer"}
    per_answer = figures.groupby("party", sort=False).size().to_dict()
    assert per_answer == {"刘平": 6, "郑锦": 10, "葛平": 5, "陶爱莲": 9, "刘敏": 14}


def test_step3_qualifiers(figures: pd.DataFrame) -> None:
    counts = figures["qualifier"].replace("", "none").value_counts().to_dict()
    assert counts == {"none": 29, "over": 9, "approx": 6}
    words = figures["surface"].str.extract("(超过|以上|近|约|余|多)", expand=False).dropna()
    assert words.value_counts().to_dict() == {"近": 4, "余": 4, "约": 2, "多": 2, "以上": 2,
                                              "超过": 1}
    two_decimals = figures.loc[figures["surface"].str.contains(r"\.\d\d"), "surface"].tolist()
    assert two_decimals == ["1.98万人次", "23.98万人次", "239.83万人次", "274.35万户",
                            "1884.28亿元"]
    plain = figures.query("qualifier == '' and kind != 'percent'")
    odd = plain.loc[(plain["value"] >= 100) & (plain["value"] % 10 != 0), "surface"].tolist()
    assert odd == ["127名", "9461户"]


def test_step4_growth_rates_with_period_and_basis(
    figures: pd.DataFrame, growth: pd.DataFrame
) -> None:
    percent = figures.query("kind == 'percent'")
    assert len(percent) == 11 and set(percent["surface"]) - set(growth["surface"]) == {"100%"}
    table = {s: (b, p) for s, b, p in zip(growth["surface"], growth["basis"], growth["period"],
                                          strict=True)}
    assert table == {
        "30%": ("同比", ""), "110%": ("同比", ""), "60%": ("同比", ""),
        "70%": ("", "目前"), "近160%": ("", "目前"),
        "6.8%": ("同比", "截至3月底"), "16.5%": ("", "就3月而言"),
        "167%": ("同比", "一季度"), "80%": ("", "一季度"), "127.5%": ("同比", ""),
    }
    assert growth.groupby("party", sort=False).size().to_dict() == {
        "刘平": 3, "葛平": 2, "陶爱莲": 2, "刘敏": 3}
    # 127.5%: no period in its sentence; the sentence before names 2月份
    s = int(growth.set_index("surface").at["127.5%", "sentence_start"])
    before = TEXT[TEXT.rfind("。", 0, s - 1) + 1:s]
    assert "2月份" in before and PERIOD.findall(TEXT[s:int(growth["start"].iat[-1])]) == []


def test_step4_words_up_to_the_number(growth: pd.DataFrame) -> None:
    # the clause before is needed where the clause starts with the change itself
    for surface, words in [("167%", "全市生鲜电商平台交易额达到88亿元,同比增长167%"),
                           ("6.8%", "本市共有市场主体274.35万户,同比增长6.8%"),
                           ("60%", "拼多多日均在途物流包裹数稳定在5000万以上,同比增长60%")]:
        end = int(growth.set_index("surface").at[surface, "end"])
        assert TEXT[end - len(words):end] == words


def test_step5_levels_by_unit(figures: pd.DataFrame) -> None:
    levels = figures.query("kind != 'percent'")
    units = levels["unit"].replace("", "(none)").value_counts()
    assert len(levels) == 33 and len(units) == 14
    assert set(units[units == 5].index) == {"人次", "元", "家"} and units.max() == 5
    visits = levels.query("unit == '人次'").sort_values("value")
    assert visits["surface"].tolist() == ["1.4万人次", "1.98万人次", "23.98万人次", "239.83万人次",
                                          "1100万人次"]
    assert visits["basis"].tolist().count("累计") == 3
    assert levels.set_index("surface").at["1100万人次", "period"] == "一周"


def test_step6_evidence_per_domain_and_category(figures: pd.DataFrame) -> None:
    domains = read("../reference/domains.csv").set_index("id")
    per_domain = figures.query("domain != ''").groupby("domain_zh").size()
    assert per_domain.to_dict() == {
        "在线医疗": 10, "生鲜电商零售": 10, "在线金融": 5, "在线展览展示": 3, "在线文娱": 2,
        "无人工厂": 1, "远程办公": 1, "“无接触”配送": 1}
    assert set(domains["name_zh"]) - set(per_domain.index) == {
        "工业互联网", "新型移动出行", "在线教育", "在线研发设计"}
    category = figures["domain"].map(domains["category"]).fillna("no domain").replace(
        "", "unplaced")
    assert category.value_counts().to_dict() == {
        "shift": 13, "scale": 13, "no domain": 11, "unplaced": 5, "new": 2}
    none = figures.query("domain == ''")
    assert none.groupby("party").size().to_dict() == {"刘平": 2, "陶爱莲": 9}
    assert figures.query("domain == 'online_healthcare'")["party"].unique().tolist() == ["郑锦"]
    assert figures["domain_basis"].replace("", "none").value_counts().to_dict() == {
        "sentence": 27, "none": 11, "question": 4, "clause": 2}


def test_step6_the_deciding_mention_is_never_the_name(figures: pd.DataFrame) -> None:
    mentions = read("domain_mentions.csv")
    rows = []
    for f in figures.query("domain_basis == 'sentence'").itertuples():
        same = mentions.query("turn == @f.turn and paragraph == @f.paragraph "
                              "and sentence == @f.sentence and end <= @f.start")
        last = same.sort_values("end").iloc[-1]
        assert last["domain"] == f.domain
        rows.append((last["basis"], last["linked_by"]))
    assert len(rows) == 27
    assert pd.Series([b for b, _ in rows]).value_counts().to_dict() == {"editorial": 15,
                                                                        "entity": 12}
    assert [link for _, link in rows].count("transcript") == 7
    terms = []
    for f in figures.query("domain_basis == 'sentence'").itertuples():
        same = mentions.query("turn == @f.turn and paragraph == @f.paragraph "
                              "and sentence == @f.sentence and end <= @f.start")
        terms.append((f.party, f.domain_zh, same.sort_values("end").iloc[-1]["term"],
                      same.sort_values("end").iloc[-1]["linked_by"]))
    terms = pd.DataFrame(terms, columns=["party", "domain_zh", "term", "linked_by"])
    by_transcript = terms.query("linked_by == 'transcript'")["term"].value_counts().to_dict()
    assert by_transcript == {"新冠工作室": 3, "哔哩哔哩": 2, "君弘APP": 2}
    liu_min = figures.query("party == '刘敏'")["domain_zh"].value_counts().to_dict()
    assert liu_min == {"生鲜电商零售": 10, "在线展览展示": 3, "“无接触”配送": 1}
    fresh = terms.query("domain_zh == '生鲜电商零售'")["term"].value_counts().to_dict()
    assert fresh == {"生鲜电商": 7, "线上买菜": 3}
    liu_ping = figures.query("party == '刘平' and domain != ''")["domain_zh"].nunique()
    assert liu_ping == 3
    where = figures.set_index("surface")["start"]
    second, third = TEXT.index("二是加快发展“无接触”配送"), TEXT.index("三是鼓励发展智慧零售终端")
    assert second < where["近1600个"] < third < where["3万组"]


def test_the_quiz_key_holds_the_computed_answers(
    figures: pd.DataFrame, growth: pd.DataFrame
) -> None:
    key = quiz.load_key("04").set_index("item")
    assert float(key.at["1", "answer"]) == len(figures)
    assert float(key.at["3", "answer"]) == Decimal("1884.28") * 10**8 == figures.set_index(
        "surface").at["1884.28亿元", "value"]
    both = growth.query("basis == '同比' and period == '一季度'")["surface"].tolist()
    choices = dict(c.strip().split(") ", 1) for c in key.at["4", "choices"].split("|"))
    assert both == ["167%"] and choices[key.at["4", "answer"]] == "167%"
    over = figures.set_index("surface").at["3700余件", "qualifier"]
    assert over == "over" and key.at["2", "answer"] == "b"  # b) at least 3,700
    assert key.at["5", "answer"] == "a"  # a) none: see test_step6_the_deciding_mention_…
    answers = {"1": len(figures), "2": "b", "3": 188_428_000_000, "4": "b", "5": "a"}
    assert (quiz.check("04", answers)["result"] == "right").all()

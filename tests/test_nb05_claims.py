"""Claims of notebooks 05 and 06 recomputed from the raw text, the reference files and the
processed tables: the cues, the category test's evidence, its chance figures, its quiz keys."""

from __future__ import annotations

import csv
import re
from fractions import Fraction
from math import comb

import nbformat
import pandas as pd
import pytest

from online_economy import paths, quiz

TEXT = paths.TRANSCRIPT.read_text(encoding="utf-8")
NB05 = paths.ROOT / "notebooks" / "05-reproducing-the-categories.ipynb"
NB06 = paths.ROOT / "notebooks" / "06-findings.ipynb"


def read(name: str) -> list[dict[str, str]]:
    with (paths.REFERENCE / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def prose(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return " ".join(" ".join(c.source.split()) for c in nb.cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def test_table() -> pd.DataFrame:
    frame = pd.read_csv(paths.PROCESSED / "category_test.csv", encoding="utf-8-sig",
                        keep_default_na=False)
    return frame.set_index("domain_zh")


def p_at_least(k: int, n: int) -> Fraction:
    """Exact P(X >= k) for X ~ Binomial(n, 1/3)."""
    third = Fraction(1, 3)
    return sum((comb(n, i) * third**i * (1 - third) ** (n - i) for i in range(k, n + 1)),
               Fraction(0))


def test_cues_sit_in_their_own_paragraph_seven_each() -> None:
    bounds = {r["id"]: (int(r["paragraph_start"]), int(r["paragraph_end"]))
              for r in read("categories.csv")}
    cues = read("category_cues.csv")
    for row in cues:
        lo, hi = bounds[row["category"]]
        start, end = int(row["cue_start"]), int(row["cue_end"])
        assert TEXT[start:end] == row["cue"] and lo <= start < end <= hi, row["cue"]
    assert [sum(r["category"] == c for r in cues) for c in bounds] == [7, 7, 7]
    # rule 2 of notebook 05: the only cue inside a domain's own name is 无接触
    inside = [(r["cue"], d["name_zh"]) for r in cues for d in read("domains.csv")
              if r["cue"] in d["name_zh"]]
    assert inside == [("无接触", "“无接触”配送")]


def test_evidence_kinds(test_table: pd.DataFrame) -> None:
    assert len(test_table) == 12
    evidence = test_table["evidence"]
    assert evidence[evidence == "question only"].index.tolist() == ["无人工厂"]
    assert (evidence == "answers").sum() == 5
    # 无人工厂 is named outside 刘平's paragraphs only in 解放日报's opening question
    first_question = TEXT[TEXT.find("解放日报:"):TEXT.find("刘平:")]
    paragraphs = TEXT[TEXT.find("第一类是"):TEXT.find("总的来说")]
    assert TEXT.count("无人工厂") == first_question.count("无人工厂") + paragraphs.count("无人工厂")
    assert test_table.loc[["新型移动出行", "在线研发设计"], "evidence"].eq("none").all()
    assert TEXT.count("新型移动出行") == TEXT.count("在线研发设计") == 0


def test_online_finance_cues_counted_by_hand(test_table: pd.DataFrame) -> None:
    """葛平's answer and CGTN's question, with every domain surface blanked: 线上 4, 无接触 2."""
    surfaces = [d["name_zh"] for d in read("domains.csv")] + [t["term"] for t in
                                                              read("domain_terms.csv")]
    surfaces += [e["name"] for e in read("entities.csv") if e["domain"]]
    pattern = re.compile("|".join(map(re.escape, sorted(set(surfaces), key=len, reverse=True))))
    context = pattern.sub(lambda m: " " * len(m.group()), TEXT[TEXT.find("中央广播电视总台CGTN:"):
                                                             TEXT.find("澎湃新闻:")])
    found = {c["cue"]: context.count(c["cue"]) for c in read("category_cues.csv")}
    assert {c: n for c, n in found.items() if n} == {"线上": 4, "无接触": 2}
    row = test_table.loc["在线金融"]
    assert (row["cue_shift"], row["cue_new"], row["cue_pred"]) == (4, 2, "shift")
    assert row["cue_flipped_by"] == "线上" and row["call"] == "inconclusive"


def test_chance_figures_in_the_prose(test_table: pd.DataFrame) -> None:
    placed = test_table[test_table["true"] != ""]
    text = prose(NB05)
    for scorer, k, decided, shown in (("cue", 1, 1, ["97% of the time", "a third of the time"]),
                                      ("sim", 3, 4, ["62% of the time", "11% of the time"])):
        pred = placed[f"{scorer}_pred"]
        assert (pred == placed["true"]).sum() == k
        assert pred.isin(["new", "shift", "scale"]).sum() == decided
        assert all(s in text for s in shown)
    assert round(float(p_at_least(1, 9)), 2) == 0.97
    assert round(float(p_at_least(3, 9)), 2) == 0.62 and round(float(p_at_least(3, 9)), 3) == 0.623
    assert p_at_least(3, 4) == Fraction(1, 9) and p_at_least(1, 1) == Fraction(1, 3)
    assert "(1/3)⁴ ≈ 0.012" in text and round(float(Fraction(1, 3) ** 4), 3) == 0.012
    assert "0.111" in text


def test_margins_quoted_in_the_prose(test_table: pd.DataFrame) -> None:
    text = prose(NB05)
    for domain, a, b in (("在线医疗", "shift", "new"), ("“无接触”配送", "new", "shift"),
                         ("在线金融", "shift", "new")):
        top, second = (round(float(test_table.at[domain, f"sim_{c}"]), 3) for c in (a, b))
        assert f"{top:.3f} against {second:.3f}" in text, domain


def test_quiz_keys_are_the_computed_facts(test_table: pd.DataFrame) -> None:
    placed = test_table[test_table["true"] != ""]
    key05 = quiz.load_key("05").set_index("item")["answer"]
    assert int(key05["1"]) == placed["true"].value_counts().max() == 4
    assert int(key05["2"]) == len(placed) // 3
    assert key05["4"] == "b" and test_table.at["在线金融", "cue_new"] > 0  # 无中生有 without 线上
    assert key05["5"] == "c" and test_table.at["在线金融", "call"] == "inconclusive"
    key06 = quiz.load_key("06").set_index("item")["answer"]
    assert int(key06["1"]) == TEXT.count("在线金融")
    quantities = pd.read_csv(paths.PROCESSED / "quantities.csv", encoding="utf-8-sig",
                             keep_default_na=False)
    said = quantities[(quantities["role"] == "answer") & (quantities["kind"] != "framework")]
    assert int(key06["2"]) == len(said)


def test_notebook_06_offsets_in_the_prose() -> None:
    title = "《上海市促进在线新经济发展行动方案》"
    assert TEXT.find(title) == 4543 and TEXT.count(title) == 1
    assert f"(offset 4543), {title}" in prose(NB06)


def test_unmasked_wujiechu_and_the_question_words(test_table: pd.DataFrame) -> None:
    """无接触 outside the name “无接触”配送 stays in the masked text (notebook 05, Steps 2, 8)."""
    assert TEXT[318:321] == TEXT[4904:4907] == "无接触"
    assert TEXT[4904:4908] == "无接触式" and TEXT[317:322] == "“无接触”"
    new = next(r for r in read("categories.csv") if r["id"] == "new")
    assert int(new["paragraph_start"]) <= 318 < int(new["paragraph_end"])
    question = TEXT[TEXT.find("解放日报:"):TEXT.find("刘平:")]
    assert all(w in question for w in ("重点", "领域", "包括"))
    row = test_table.loc["在线金融"]
    assert row["sim_flipped_by"] == "" and row["cue_flipped_by"] == "线上"
    assert test_table.at["“无接触”配送", "sim_flipped_by"] == "领域"

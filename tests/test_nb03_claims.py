"""The figures notebook 03 (Words) states, recomputed from the raw text and the package.

The notebook computes them in its own cells with jieba and pandas; these tests recompute
them with the package's segmenter (the same dictionary and settings), so a change in the
transcript, the user dictionary, the stop words or the domain list shows up here.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import pandas as pd
import pytest
from segment_tokens import Token, tokens

from online_economy import paths, quiz, segment, taxonomy
from online_economy.source import load_raw

FRAMING_TERMS = ["在线", "线上", "线下", "无接触", "非接触", "平台", "智能", "智慧", "数字化",
                 "互联网", "云", "直播", "电商", "数据"]
PLAN_NAME = "在线新经济"


@pytest.fixture(scope="module")
def text() -> str:
    return load_raw().text


@pytest.fixture(scope="module")
def answers() -> pd.Series:
    turns = pd.read_csv(paths.PROCESSED / "turns.csv")
    return turns[turns["role"] == "answer"].set_index("party")["text"]


@pytest.fixture(scope="module")
def content(answers: pd.Series) -> pd.DataFrame:
    seg = segment.get_segmenter()
    rows = [(party, w) for party, answer in answers.items() for w in seg.words(answer)]
    return pd.DataFrame(rows, columns=["answer", "word"])


def _split(found: list[Token], start: int, end: int) -> bool:
    return any(start < t.start < end for t in found)


def test_userdict_words_broken_by_plain_jieba(text: str) -> None:
    words = segment.load_userdict_words()
    plain = tokens(segment.get_segmenter(False), text)
    project = tokens(segment.get_segmenter(True), text)
    found = {w: [m.start() for m in re.finditer(re.escape(w), text)] for w in words}
    present = {w: s for w, s in found.items() if s}
    plain_split = {w: sum(_split(plain, s, s + len(w)) for s in starts)
                   for w, starts in present.items()}
    assert (len(words), len(present)) == (94, 92)
    assert sorted(set(words) - set(present)) == ["在线研发设计", "新型移动出行"]
    assert sum(n > 0 for n in plain_split.values()) == 72
    assert sum(len(s) for s in present.values()) == 178
    assert sum(plain_split.values()) == 143
    assert not any(_split(project, s, s + len(w)) for w, starts in present.items() for s in starts)


def test_the_sentence_and_add_word(text: str) -> None:
    sentence = "叮咚买菜、饿了么纷纷推出“无接触”配送服务"
    assert text.find(sentence) == 380
    plain = segment.get_segmenter(False).cut(sentence)
    assert plain[:6] == ["叮咚", "买菜", "、", "饿", "了", "么"] and "无接触" not in plain
    assert {"叮咚买菜", "饿了么", "无接触"} <= set(segment.get_segmenter(True).cut(sentence))


def test_content_word_counts(content: pd.DataFrame) -> None:
    counts = content["word"].value_counts()
    assert (len(content), len(counts)) == (1397, 763)
    assert counts[["企业", "服务", "疫情", "发展", "线上", "平台", "医疗"]].tolist() == [
        30, 30, 19, 19, 16, 13, 13]
    by_answer = pd.crosstab(content["word"], content["answer"])
    assert by_answer.loc["医疗"].sum() == by_answer.at["医疗", "郑锦"] == 13
    assert (by_answer.loc["企业"] > 0).sum() == 4


def test_tfidf_by_hand(content: pd.DataFrame, answers: pd.Series) -> None:
    counts = Counter(zip(content["answer"], content["word"], strict=True))
    lengths = content["answer"].value_counts()
    df = content.drop_duplicates()["word"].value_counts()
    assert sorted(df[df == len(answers)].index) == ["上海", "发展", "疫情"]
    scores = {
        (a, w): n / lengths[a] * math.log((1 + len(answers)) / (1 + df[w]))
        for (a, w), n in counts.items()
    }
    liu_ping = sorted(((-s, w) for (a, w), s in scores.items() if a == "刘平"))[:8]
    assert [w for _, w in liu_ping] == [
        "模式", "线下", "领域", "新", "云视讯", "催生", "在线文娱", "大量"]
    assert round(-liu_ping[0][0], 4) == 0.0117


def _mask(value: str, names: list[str]) -> str:
    pattern = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
    return pattern.sub(lambda m: "_" * len(m.group()), value)


@pytest.fixture(scope="module")
def framing(text: str, answers: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    cats = taxonomy.load_categories()
    paragraphs = {r.name_zh: text[r.paragraph_start:r.paragraph_end] for r in cats.itertuples()}
    texts = pd.Series(paragraphs | answers.to_dict())
    names = [*taxonomy.load_domains()["name_zh"], PLAN_NAME]
    said = pd.DataFrame({n: [t.count(w) for w in FRAMING_TERMS] for n, t in texts.items()},
                        index=FRAMING_TERMS)
    masked = pd.DataFrame({n: [_mask(t, names).count(w) for w in FRAMING_TERMS]
                           for n, t in texts.items()}, index=FRAMING_TERMS)
    return said, masked, texts.str.len()


def test_every_list_entry_is_a_domain_name_and_gets_masked(text: str) -> None:
    domains = taxonomy.load_domains().dropna(subset=["assign_start"])
    assert len(domains) == 9  # 刘平 places 9 of the 12 domains
    for row in domains.itertuples():
        assert text[int(row.assign_start):int(row.assign_end)] == row.name_zh
        assert set(_mask(text[int(row.assign_start):int(row.assign_end)], [row.name_zh])) == {"_"}


def test_framing_counts_rest_on_the_lists_until_masked(framing) -> None:
    said, masked, _ = framing
    # issue 9: the 在线 of 有中启转 are its list entries; both 在线 of 转中做大 are 在线文娱,
    # its 互联网 is 工业互联网
    assert (said.at["在线", "有中启转"], masked.at["在线", "有中启转"]) == (3, 0)
    assert (said.at["在线", "转中做大"], masked.at["在线", "转中做大"]) == (2, 0)
    assert (said.at["互联网", "转中做大"], masked.at["互联网", "转中做大"]) == (1, 0)
    assert masked["转中做大"].sum() == masked.at["线上", "转中做大"] == 1
    assert (masked.at["线上", "有中启转"], masked.at["线下", "有中启转"]) == (3, 3)
    assert masked.at["互联网", "有中启转"] == 2 and masked.at["直播", "有中启转"] == 1
    assert (said.at["无接触", "无中生有"], masked.at["无接触", "无中生有"]) == (3, 1)
    assert masked["无中生有"][masked["无中生有"] > 0].to_dict() == {
        "无接触": 1, "平台": 1, "智能": 1, "云": 2}
    assert masked.loc["在线"].to_dict() == {
        "无中生有": 0, "有中启转": 0, "转中做大": 0, "刘平": 0,
        "郑锦": 3, "葛平": 2, "陶爱莲": 2, "刘敏": 0}


def test_framing_rates_in_the_prose(framing, answers: pd.Series) -> None:
    _, masked, lengths = framing
    rates = (masked / lengths * 1000).round(1)
    assert (rates.at["线上", "有中启转"], rates.at["线下", "有中启转"]) == (13.0, 13.0)
    assert rates.at["互联网", "郑锦"] == 17.6
    assert (rates.at["电商", "刘敏"], rates.at["平台", "刘敏"]) == (14.2, 8.7)
    assert rates["葛平"].loc[["智能", "线上", "数据"]].tolist() == [7.8, 6.5, 5.2]
    assert masked["陶爱莲"][masked["陶爱莲"] > 0].to_dict() == {"在线": 2, "线上": 3}
    paragraphs = lengths[["无中生有", "有中启转", "转中做大"]]
    assert (paragraphs.min(), paragraphs.max()) == (204, 230)
    assert (1000 / paragraphs).between(4, 5).all()
    assert answers["葛平"].count("数据") == answers["葛平"].count("大数据") == 4


def test_half_of_the_shift_paragraph_online_offline_is_its_definition(text: str) -> None:
    shift = taxonomy.load_categories().set_index("id").loc["shift"]
    definition = text[int(shift["definition_start"]):int(shift["definition_end"])]
    assert definition == "将线下成熟的业态模式转移到线上线下相互融合"
    assert definition.count("线上") + definition.count("线下") == 3


def test_quiz_key_matches_the_figures(framing) -> None:
    key = quiz.load_key("03").set_index("item")
    _, masked, _ = framing
    assert float(key.at["1", "answer"]) == 72
    assert float(key.at["3", "answer"]) == masked.at["在线", "有中启转"]
    left = masked["转中做大"][masked["转中做大"] > 0]
    choices = dict(c.strip().split(") ", 1) for c in key.at["4", "choices"].split("|"))
    assert list(left.index) == [choices[key.at["4", "answer"]]]
    assert quiz.check("03", {"1": 72, "2": "b", "3": 0, "4": "c"})["result"].eq("right").all()


def test_frequent_words_and_jieba_idf(content: pd.DataFrame) -> None:
    counts = content["word"].value_counts()
    assert (counts >= 8).sum() == 19 and (counts == 8).sum() == 3 and (counts == 7).any()
    with segment.quiet_jieba():
        import jieba.analyse

        idf = jieba.analyse.TFIDF()
    assert "在线新经济" not in idf.idf_freq
    assert min(idf.idf_freq["疫情"], idf.idf_freq["线上"]) > max(
        idf.idf_freq["服务"], idf.idf_freq["发展"])
    # rarer than 服务 and 发展, but not rare: below jieba's median idf (quiz 03, item 2)
    assert round(idf.idf_freq["疫情"], 2) == 8.09 and round(idf.median_idf, 2) == 11.95


def test_answer_lengths_include_whitespace(answers: pd.Series) -> None:
    turns = pd.read_csv(paths.PROCESSED / "turns.csv").set_index("party")
    spaces = answers.str.count(r"\s")
    assert (turns.loc[answers.index, "n_chars"] == answers.str.len()).all()
    assert (spaces.min(), spaces.max()) == (16, 32)
    assert (answers.str.len() - spaces).tolist() == [946, 941, 735, 981, 891]


@pytest.fixture(scope="module")
def notebook_tokenizer():
    """A jieba tokenizer built as notebook 03 builds it: plain, 饿了么 added, user dictionary."""
    with segment.quiet_jieba():
        import jieba

        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        tokenizer.add_word("饿了么", freq=2000, tag="nt")
        tokenizer.load_userdict(str(paths.REFERENCE / "userdict.txt"))
    return tokenizer


def test_adding_a_word_before_the_user_dictionary_moves_no_boundary(
    notebook_tokenizer, text: str, answers: pd.Series,
) -> None:
    """The notebook loads the user dictionary after add_word("饿了么"): the entry is the same,
    jieba only counts its 2000 twice in the total, and no token of the texts it cuts changes."""
    fresh = segment.get_segmenter(True).tokenizer
    assert notebook_tokenizer.FREQ == fresh.FREQ
    assert notebook_tokenizer.total - fresh.total == 2000 and fresh.total > 60_000_000
    cats = taxonomy.load_categories()
    paragraphs = [text[r.paragraph_start:r.paragraph_end] for r in cats.itertuples()]
    names = [*taxonomy.load_domains()["name_zh"], PLAN_NAME]
    for value in [text, *answers, *(_mask(t, names) for t in [*paragraphs, *answers])]:
        assert list(notebook_tokenizer.tokenize(value)) == list(fresh.tokenize(value))


def test_stop_words_kept_counts(notebook_tokenizer, answers: pd.Series) -> None:
    """Exercise 3.3: with stop words kept, 的 leads; 在 and 和 come after 等, 企业 and 服务."""
    tokenizer = notebook_tokenizer  # segments as a fresh tokenizer with the user dictionary
    rows = [(a, w) for a, t in answers.items() for w in tokenizer.lcut(t)
            if w.strip() and not segment.is_punctuation(w) and not segment.is_numeral(w)]
    kept = pd.DataFrame(rows, columns=["answer", "word"])
    counts = kept["word"].value_counts()
    assert counts[["的", "等", "企业", "服务", "在", "和"]].tolist() == [52, 32, 30, 30, 21, 20]
    df = kept.drop_duplicates()["word"].value_counts()
    assert (df["的"], df["和"], df["在"]) == (5, 5, 4)
    assert round(math.log(6 / 5), 2) == 0.18

"""Tests for online_economy.segment: user dictionary, stop words, offsets, jieba isolation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import pytest
from segment_tokens import Token, tokens

from online_economy import paths, segment
from online_economy.errors import InputError
from online_economy.segment import (
    Segmenter,
    get_segmenter,
    is_numeral,
    is_punctuation,
    load_stopwords,
    load_userdict_words,
)

TEXT = paths.TRANSCRIPT.read_text(encoding="utf-8")

DOMAINS = [
    "无人工厂", "工业互联网", "远程办公", "在线金融", "在线文娱", "在线展览展示", "生鲜电商零售",
    "无接触", "新型移动出行", "在线教育", "在线研发设计", "在线医疗",
]
NOT_IN_TRANSCRIPT = {"新型移动出行", "在线研发设计"}
NAMES_AND_TERMS = [
    "叮咚买菜", "饿了么", "无接触", "云闪付", "互联网医院", "华平信息", "云视讯", "美团点评",
    "富友", "爱姆意", "晓黑板", "徐汇中心医院", "喜马拉雅", "哔哩哔哩", "上汽通用", "金桥工厂",
    "拼多多", "中国银联", "建信金科", "浦发银行", "国泰君安", "君弘", "众安保险", "支付宝",
    "健康云", "随申办", "健康码", "一网通办", "免罚清单", "信用修复", "在线新经济", "无中生有",
    "有中启转", "转中做大", "金融科技", "市地方金融监管局", "市场监管局", "市商务委", "云上时装周",
    "上海时装周", "生鲜电商", "线上",
]


@cache
def spans(use_userdict: bool) -> dict[tuple[int, int], str]:
    """(start, end) -> word for every token of the transcript."""
    return {(t.start, t.end): t.word for t in tokens(get_segmenter(use_userdict), TEXT)}


def pieces(use_userdict: bool, start: int, end: int, strict: bool = True) -> list[str]:
    """The tokens overlapping text[start:end]; if strict, no token may cross either edge."""
    found = spans(use_userdict).items()
    overlap = sorted((s, e, w) for (s, e), w in found if s < end and e > start)
    assert not strict or (overlap[0][0] == start and overlap[-1][1] == end), overlap
    return [w for _, _, w in overlap]


def occurrences(word: str) -> list[int]:
    starts, i = [], TEXT.find(word)
    while i >= 0:
        starts.append(i)
        i = TEXT.find(word, i + 1)
    return starts


# --- the user dictionary file ----------------------------------------------------------------


def test_userdict_lines_are_jieba_entries_without_comments() -> None:
    raw = segment.DEFAULT_USERDICT.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\n") and b"\r" not in raw
    words = load_userdict_words()
    assert len(words) == len(set(words)) == len(raw.decode("utf-8").splitlines())
    for line in raw.decode("utf-8").splitlines():
        word, freq, tag = line.split(" ")
        assert int(freq) > 0 and tag.isalpha() and tag.islower() and not word.startswith("#")


def test_jieba_would_read_a_comment_line_as_a_word() -> None:
    """Why the dictionary has no comment header (docs/userdict.md explains it instead)."""
    word, freq, tag = segment.jieba.re_userdict.match("# user words of the text").groups()
    assert (word, freq, tag) == ("# user words of the", None, " text")


def test_userdict_holds_only_terms_of_this_text() -> None:
    missing = {w for w in load_userdict_words() if w not in TEXT}
    assert missing == NOT_IN_TRANSCRIPT


def test_userdict_has_all_domains_names_and_terms() -> None:
    assert set(DOMAINS + NAMES_AND_TERMS) <= set(load_userdict_words())


# --- segmentation with and without the user dictionary ---------------------------------------


def test_every_userdict_word_is_whole_at_every_occurrence() -> None:
    words = load_userdict_words()
    longer = [(i, i + len(w)) for w in words for i in occurrences(w)]
    broken = []
    for word in words:
        for i in occurrences(word):
            end = i + len(word)
            inside_longer = any(s <= i and end <= e and e - s > len(word) for s, e in longer)
            if not inside_longer and spans(True).get((i, i + len(word))) != word:
                broken.append((word, i, pieces(True, i, i + len(word))))
    assert broken == []


@pytest.mark.parametrize("term", sorted(set(DOMAINS + NAMES_AND_TERMS) - NOT_IN_TRANSCRIPT))
def test_term_is_whole_in_the_transcript(term: str) -> None:
    starts = occurrences(term)
    assert starts
    if term == "生鲜电商":  # inside 生鲜电商零售 the domain name wins (docs/userdict.md)
        starts = [i for i in starts if TEXT[i : i + 6] != "生鲜电商零售"]
        assert len(starts) == 4
    assert [pieces(True, i, i + len(term)) for i in starts] == [[term]] * len(starts)


def test_domains_absent_from_the_transcript_are_whole_in_a_sentence() -> None:
    assert get_segmenter().cut("包括新型移动出行、在线研发设计等") == [
        "包括", "新型移动出行", "、", "在线研发设计", "等",
    ]


@pytest.mark.parametrize(
    ("term", "plain"),
    [
        ("叮咚买菜", {("叮咚", "买菜")}),
        ("饿了么", {("饿", "了", "么")}),
        ("无接触", {("无", "接触"), ("无", "接触式")}),  # 2 of 8 are 无接触式
        ("在线新经济", {("在线", "新", "经济")}),
        ("有中启转", {("有", "中启转")}),
        ("哔哩哔哩", {("哔哩", "哔哩")}),
        ("互联网医院", {("互联网", "医院")}),
    ],
)
def test_plain_jieba_breaks_these_words(term: str, plain: set[tuple[str, ...]]) -> None:
    starts = occurrences(term)
    observed = {tuple(pieces(False, i, i + len(term), strict=False)) for i in starts}
    assert observed == plain
    assert [pieces(True, i, i + len(term)) for i in starts] == [[term]] * len(starts)


def test_plain_jieba_splits_wrongly_around_shang_wei() -> None:
    """Observed: 市/商务/委在 and 到线/上线/下 without the dictionary."""
    i = TEXT.index("市商务委在")
    assert pieces(False, i, i + 5) == ["市", "商务", "委在"]
    assert pieces(True, i, i + 5) == ["市商务委", "在"]
    j = TEXT.index("到线上线下")
    assert pieces(False, j, j + 5) == ["到线", "上线", "下"]
    assert pieces(True, j, j + 5) == ["到", "线上", "线下"]


def test_plain_segmenter_has_no_user_words() -> None:
    plain = get_segmenter(False)
    assert plain.tokenizer.user_word_tag_tab == {} and "饿了么" not in plain.tokenizer.FREQ
    assert plain.tokenizer is not get_segmenter().tokenizer


# --- offsets, determinism, content words ------------------------------------------------------


@pytest.mark.parametrize("use_userdict", [True, False])
def test_tokens_cover_the_text_with_true_offsets(use_userdict: bool) -> None:
    found = tokens(get_segmenter(use_userdict), TEXT)
    assert all(isinstance(t, Token) and TEXT[t.start : t.end] == t.word for t in found)
    assert [t.start for t in found[1:]] == [t.end for t in found[:-1]]
    assert found[0].start == 0 and found[-1].end == len(TEXT)
    assert [t.word for t in found] == get_segmenter(use_userdict).cut(TEXT)


def test_same_input_same_output_across_instances() -> None:
    fresh = Segmenter()
    assert fresh.cut(TEXT) == get_segmenter().cut(TEXT) == get_segmenter().cut(TEXT)


def test_get_segmenter_is_shared() -> None:
    assert get_segmenter() is get_segmenter(True) is get_segmenter(use_userdict=True)
    assert get_segmenter(False) is get_segmenter(use_userdict=False)
    assert get_segmenter(False) is not get_segmenter()


def test_words_drop_stop_words_punctuation_numbers_and_space() -> None:
    sentence = "  叮咚买菜、饿了么纷纷推出“无接触”配送服务,订单量倍增;同比增长30%和110%。"
    sentence += "1.4万人次 三"
    words = get_segmenter().words(sentence)
    assert words == ["叮咚买菜", "饿了么", "纷纷", "推出", "无接触", "配送", "服务", "订单", "量",
                     "倍增", "同比", "增长"]


def test_words_of_the_transcript_are_all_content() -> None:
    seg = get_segmenter()
    words = seg.words(TEXT)
    assert not set(words) & seg.stopwords
    assert not any(is_punctuation(w) or is_numeral(w) or not w.strip() for w in words)
    assert {"在线新经济", "无接触", "线上", "平台"} <= set(words)


@pytest.mark.parametrize("word", list(",:?()、。“”《》〔+-"))
def test_punctuation(word: str) -> None:
    assert is_punctuation(word) and not is_numeral(word)


@pytest.mark.parametrize("word", ["2020", "1.4", "30%", "239.83", "三", "一百", "１２"])
def test_numerals(word: str) -> None:
    assert is_numeral(word) and not is_punctuation(word)


@pytest.mark.parametrize("word", ["互联网+", "APP", "一网通办", "万人次", "三品一械", "", " "])
def test_not_punctuation_nor_numeral(word: str) -> None:
    assert not is_numeral(word) and not is_punctuation(word)


# --- stop words -------------------------------------------------------------------------------


def test_stopwords_file_has_the_usual_function_words_and_no_framing_terms() -> None:
    stop = load_stopwords()
    required = ["的", "了", "和", "是", "在", "等", "及", "与", "对", "将", "为", "也", "都"]
    required += ["这些", "我们", "进行", "通过"]
    assert set(required) <= stop
    assert not stop & {"在线", "线上", "线下", "平台", "智能", "云", "互联网", "数字化", "无接触"}
    assert not any(w.startswith("#") or w != w.strip() for w in stop)
    assert get_segmenter().stopwords == stop


def test_load_stopwords_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "stop.txt"
    path.write_text("# header\n\n的\n  了  \n#了\n", encoding="utf-8")
    assert load_stopwords(path) == {"的", "了"}


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content", ["# a comment\n", "饿了么 0 nt\n", "饿了么 nt\n", "饿了么 12 NT\n", "a b 3 n\n"]
)
def test_bad_userdict_lines_are_rejected(tmp_path: Path, content: str) -> None:
    path = tmp_path / "userdict.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="expected 'word freq tag'"):
        Segmenter(userdict=path)


def test_missing_files_and_non_text_raise_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        Segmenter(userdict=tmp_path / "nope.txt")
    with pytest.raises(InputError):
        load_stopwords(tmp_path / "nope.txt")
    for method in ("cut", "words"):
        with pytest.raises(InputError):
            getattr(get_segmenter(), method)("饿了么".encode())
    assert get_segmenter().cut("") == [] and tokens(get_segmenter(), "") == []


# --- jieba objects, no cache, silence ---------------------------------------------------------


def test_the_tokenizer_carries_the_user_tags_for_pos_tagging() -> None:
    with segment.quiet_jieba():
        import jieba.posseg
    pos = jieba.posseg.POSTokenizer(Segmenter().tokenizer)
    pairs = [(p.word, p.flag) for p in pos.cut("叮咚买菜、饿了么纷纷推出“无接触”配送服务")]
    assert ("叮咚买菜", "nt") in pairs and ("饿了么", "nt") in pairs and ("无接触", "b") in pairs


ISOLATION_SCRIPT = textwrap.dedent(
    """
    import json, logging, warnings
    warnings.simplefilter("error")
    from online_economy import segment
    import jieba, jieba.finalseg
    log = logging.getLogger("jieba")
    def state():
        return {
            "level": log.level, "handlers": [id(h) for h in log.handlers],
            "disabled": log.disabled, "initialized": jieba.dt.initialized,
            "freq": len(jieba.dt.FREQ), "total": jieba.dt.total,
            "tags": len(jieba.dt.user_word_tag_tab), "tmp_dir": jieba.dt.tmp_dir,
            "force_split": sorted(jieba.finalseg.Force_Split_Words),
        }
    before = state()
    for use in (True, False):
        seg = segment.get_segmenter(use)
        seg.cut(segment.paths.TRANSCRIPT.read_text(encoding="utf-8"))
        seg.words("饿了么纷纷推出“无接触”配送服务")
    with segment.quiet_jieba():
        import jieba.posseg
    jieba.posseg.POSTokenizer(segment.get_segmenter().tokenizer).lcut("在线新经济")
    after = state()
    print(json.dumps({"same": before == after, "before": before, "after": after,
                      "posseg_dt_tags": len(jieba.posseg.dt.tokenizer.user_word_tag_tab)}))
    """
)


def test_fresh_interpreter_is_silent_and_leaves_jieba_globals_alone(tmp_path: Path) -> None:
    """Compiles jieba from source (no .pyc) with warnings as errors; nothing on stderr, and no
    dictionary cache written to the temporary folder (jieba's default place for one)."""
    env = dict(os.environ)
    env["TMPDIR"] = str(tmp_path)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPYCACHEPREFIX"] = str(paths.CACHE / "no-such-pycache")  # forces compilation
    env.pop("PYTHONWARNINGS", None)
    done = subprocess.run(
        [sys.executable, "-c", ISOLATION_SCRIPT],
        capture_output=True, text=True, env=env, cwd=paths.ROOT, timeout=120, check=False,
    )
    assert done.stderr == ""
    assert done.returncode == 0
    report = json.loads(done.stdout)
    assert report["same"], report
    assert list(tmp_path.iterdir()) == []
    assert report["before"]["initialized"] is False and report["before"]["freq"] == 0
    assert report["posseg_dt_tags"] == 0
    assert not (paths.CACHE / "no-such-pycache").exists()


def test_segmenters_share_the_main_dictionary_but_not_their_additions() -> None:
    from online_economy.segment import Segmenter, _main_dictionary

    freq, total = _main_dictionary()
    project, plain = Segmenter(), Segmenter(userdict=None)
    assert project.tokenizer.FREQ is not freq and plain.tokenizer.FREQ is not freq
    assert "饿了么" in project.tokenizer.FREQ and "饿了么" not in plain.tokenizer.FREQ
    assert "饿了么" not in freq and plain.tokenizer.total == total
    assert project.tokenizer.total > total

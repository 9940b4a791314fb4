"""Word counts, TF-IDF and keywords for the "Words" notebook.

All tables are deterministic: ties are broken by the word (code-point order).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import pandas as pd

from online_economy.errors import InputError
from online_economy.segment import Segmenter, get_segmenter, quiet_jieba

Method = Literal["tfidf", "textrank"]

#: Framing vocabulary of the "online" economy, for :func:`term_counts`.
FRAMING_TERMS = (
    "在线", "线上", "线下", "无接触", "非接触", "平台", "智能", "智慧",
    "数字化", "互联网", "云", "直播", "电商", "数据",
)
#: Parts of speech TextRank keeps: jieba's default (n, ns, vn, v) plus the user
#: dictionary's tags for names (nt, nz), fixed expressions (l) and 无接触 (b).
TEXTRANK_POS = ("n", "ns", "nt", "nz", "vn", "v", "l", "b")


def word_frequencies(words: Iterable[str]) -> pd.DataFrame:
    """Count words: columns word, count, share (count / total); most frequent first."""
    counts = Counter(_strings(words, "words"))
    total = sum(counts.values())
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return pd.DataFrame(
        {
            "word": [w for w, _ in rows],
            "count": [c for _, c in rows],
            "share": [c / total for _, c in rows],
        },
        columns=["word", "count", "share"],
    )


def tfidf_by_document(docs: Mapping[str, list[str]], top: int = 10) -> pd.DataFrame:
    """The ``top`` words of each document by TF-IDF across the documents.

    For word w in document d, among N documents:
    tf = count(w, d) / len(d); df = number of documents containing w;
    idf = ln((1 + N) / (1 + df)) (smoothed; a word in every document gets 0);
    tfidf = tf * idf. Ranked by tfidf, then word. Columns: document, word, tf, df,
    idf, tfidf, rank (1 = highest), documents in the order given.
    """
    _check_top(top)
    if not docs:
        raise InputError("tfidf_by_document needs at least one document")
    counts = {}
    for name, words in docs.items():
        counts[name] = Counter(_strings(words, f"document {name!r}"))
        if not counts[name]:
            raise InputError(f"document {name!r} has no words")
    df = Counter(word for counter in counts.values() for word in counter)
    n_docs = len(docs)
    rows: list[dict[str, Any]] = []
    for name, counter in counts.items():
        length = sum(counter.values())
        scored = []
        for word, count in counter.items():
            tf = count / length
            idf = math.log((1 + n_docs) / (1 + df[word]))
            scored.append((word, tf, df[word], idf, tf * idf))
        scored.sort(key=lambda row: (-row[4], row[0]))
        for rank, (word, tf, dfw, idf, tfidf) in enumerate(scored[:top], 1):
            rows.append(
                {"document": name, "word": word, "tf": tf, "df": dfw, "idf": idf,
                 "tfidf": tfidf, "rank": rank}
            )
    columns = ["document", "word", "tf", "df", "idf", "tfidf", "rank"]
    return pd.DataFrame(rows, columns=columns)


def jieba_keywords(
    text: str,
    method: Method = "tfidf",
    top: int = 10,
    segmenter: Segmenter | None = None,
) -> pd.DataFrame:
    """jieba's keyword extraction on the project segmenter: columns word, weight, rank.

    ``tfidf`` uses jieba's IDF table (words it lacks get its median IDF); ``textrank``
    keeps the parts of speech in :data:`TEXTRANK_POS`. Stop words and non-content words
    (numbers, punctuation) are left out; weights are rounded to 4 decimals and ties
    broken by word.
    """
    if method not in ("tfidf", "textrank"):
        raise InputError(f"method must be 'tfidf' or 'textrank', not {method!r}")
    if not isinstance(text, str):
        raise InputError(f"expected text (str), got {type(text).__name__}")
    _check_top(top)
    seg = segmenter if segmenter is not None else get_segmenter()
    extractor = _extractor(seg, method)
    if method == "tfidf":
        pairs = extractor.extract_tags(text, topK=None, withWeight=True)
    else:
        pairs = extractor.textrank(text, topK=None, withWeight=True, allowPOS=TEXTRANK_POS)
    scored = sorted(
        ((word, round(weight, 4)) for word, weight in pairs if seg.is_content_word(word)),
        key=lambda pair: (-pair[1], pair[0]),
    )[:top]
    return pd.DataFrame(
        {
            "word": [w for w, _ in scored],
            "weight": [x for _, x in scored],
            "rank": list(range(1, len(scored) + 1)),
        },
        columns=["word", "weight", "rank"],
    )


@functools.lru_cache(maxsize=8)
def _extractor(segmenter: Segmenter, method: Method) -> Any:
    """A jieba TFIDF or TextRank instance bound to ``segmenter`` (never jieba's globals)."""
    with quiet_jieba():
        import jieba.analyse

        extractor = jieba.analyse.TFIDF() if method == "tfidf" else jieba.analyse.TextRank()
    pos = segmenter.pos_tokenizer()
    extractor.tokenizer = segmenter.tokenizer if method == "tfidf" else pos
    extractor.postokenizer = pos
    extractor.stop_words = set(extractor.STOP_WORDS) | segmenter.stopwords
    return extractor


def term_counts(
    texts: Mapping[str, str],
    terms: Iterable[str] = FRAMING_TERMS,
    segmenter: Segmenter | None = None,
) -> pd.DataFrame:
    """How often each term occurs in each text, counted two ways.

    ``substring_count`` counts non-overlapping occurrences in the raw text (``str.count``:
    在线 inside 在线新经济 counts); ``token_count`` counts tokens equal to the term after
    segmentation (在线新经济 is one token, so it does not). Columns: text, term,
    substring_count, token_count; texts, then terms, in the order given.
    """
    term_list = list(_strings(terms, "terms"))
    if not term_list or not all(term_list):
        raise InputError("terms must be a non-empty list of non-empty strings")
    seg = segmenter if segmenter is not None else get_segmenter()
    rows = []
    for name, text in texts.items():
        if not isinstance(text, str):
            raise InputError(f"text {name!r} is {type(text).__name__}, not str")
        tokens = Counter(seg.cut(text))
        for term in term_list:
            rows.append(
                {"text": name, "term": term, "substring_count": text.count(term),
                 "token_count": tokens[term]}
            )
    return pd.DataFrame(rows, columns=["text", "term", "substring_count", "token_count"])


def _strings(items: Iterable[str], what: str) -> list[str]:
    if isinstance(items, str):
        raise InputError(f"{what}: expected a list of words, got one string")
    values = list(items)
    for value in values:
        if not isinstance(value, str):
            raise InputError(f"{what}: expected words (str), got {type(value).__name__}")
    return values


def _check_top(top: int) -> None:
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InputError(f"top must be a positive integer, not {top!r}")

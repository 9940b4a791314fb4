"""Helpers for the "Words" notebook: segmentation side by side, keyword lists, framing rates.

Every row that cites the transcript keeps character offsets into the text it was given
(``<x>_start`` / ``<x>_end`` with the quoted words in column ``<x>``), so
:func:`online_economy.spans.check_spans` can verify it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from online_economy.errors import InputError
from online_economy.keywords import (
    FRAMING_TERMS,
    jieba_keywords,
    term_counts,
    tfidf_by_document,
)
from online_economy.parse import ParsedTranscript
from online_economy.segment import Segmenter, Token, get_segmenter, load_userdict_words
from online_economy.tables import clause_bounds
from online_economy.taxonomy import load_categories

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SEPARATOR = " / "
#: The three keyword lists of :func:`keyword_comparison`, in column order.
KEYWORD_METHODS = ("own_tfidf", "jieba_tfidf", "textrank")

COMPARISON_COLUMNS = [
    "word", "word_start", "word_end", "clause", "clause_start", "clause_end",
    "plain", "project", "plain_whole", "project_whole",
]
BROKEN_COLUMNS = [
    "word", "occurrences", "word_start", "word_end", "plain_split", "project_split",
    "in_jieba_dict", "plain_alone", "broken", "broken_alone",
]


def _text(value: object, what: str = "text") -> str:
    if not isinstance(value, str):
        raise InputError(f"{what}: expected str, got {type(value).__name__}")
    return value


def _word_list(words: Iterable[str]) -> list[str]:
    if isinstance(words, str):
        raise InputError("words: expected a list of words, got one string")
    out = list(words)
    if not out or not all(isinstance(w, str) and w for w in out):
        raise InputError("words must be a non-empty list of non-empty strings")
    return out


def is_whole(tokens: Sequence[Token], start: int, end: int) -> bool:
    """True if no token boundary falls strictly inside ``[start, end)``.

    The word is then one token, or part of a longer token (生鲜电商 inside 生鲜电商零售).
    """
    return not any(start < t.start < end for t in tokens)


def joined(tokens: Iterable[Token | str], sep: str = SEPARATOR) -> str:
    """Tokens (or words) joined with `` / `` for display."""
    return sep.join(t.word if isinstance(t, Token) else t for t in tokens)


def segmentation_comparison(
    text: str,
    words: Iterable[str],
    plain: Segmenter | None = None,
    project: Segmenter | None = None,
) -> pd.DataFrame:
    """Plain jieba vs the project segmenter on the clause around each word's first occurrence.

    The clause is cut at , ; 。 ！ ？ : within the word's line (:func:`tables.clause_bounds`).
    Columns: word, word_start, word_end, clause, clause_start, clause_end, plain, project
    (the clause's tokens joined with " / "), plain_whole, project_whole (the word is not
    cut by that segmenter). Words that do not occur in ``text`` raise InputError.
    """
    text = _text(text)
    plain = plain if plain is not None else get_segmenter(False)
    project = project if project is not None else get_segmenter(True)
    rows = []
    for word in _word_list(words):
        start = text.find(word)
        if start < 0:
            raise InputError(f"{word!r} does not occur in the text")
        end = start + len(word)
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        lo, hi = clause_bounds(text, start, end, line_start, line_end)
        while lo < start and text[lo].isspace():
            lo += 1
        clause = text[lo:hi]
        plain_tokens = [Token(t.word, t.start + lo, t.end + lo) for t in plain.tokens(clause)]
        project_tokens = [Token(t.word, t.start + lo, t.end + lo) for t in project.tokens(clause)]
        rows.append({
            "word": word, "word_start": start, "word_end": end,
            "clause": clause, "clause_start": lo, "clause_end": hi,
            "plain": joined(plain_tokens), "project": joined(project_tokens),
            "plain_whole": is_whole(plain_tokens, start, end),
            "project_whole": is_whole(project_tokens, start, end),
        })
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _occurrences(text: str, word: str) -> list[int]:
    """Starts of the non-overlapping occurrences of ``word`` in ``text``."""
    starts, i = [], text.find(word)
    while i >= 0:
        starts.append(i)
        i = text.find(word, i + len(word))
    return starts


def broken_userdict_words(
    text: str,
    words: Iterable[str] | None = None,
    plain: Segmenter | None = None,
    project: Segmenter | None = None,
) -> pd.DataFrame:
    """For each user-dictionary word: how often plain jieba and the project segmenter cut it.

    Both segmenters cut the whole ``text`` once; an occurrence is *split* when a token
    boundary falls inside it. Columns: word, occurrences (non-overlapping, ``str.find``),
    word_start/word_end (first occurrence, <NA> if none), plain_split, project_split,
    in_jieba_dict (jieba's own dictionary has the word), plain_alone (plain jieba's cut of
    the word on its own), broken (plain_split > 0), broken_alone (plain jieba cuts the
    word on its own). ``words`` defaults to the project user dictionary, in file order.
    """
    text = _text(text)
    plain = plain if plain is not None else get_segmenter(False)
    project = project if project is not None else get_segmenter(True)
    word_list = _word_list(load_userdict_words() if words is None else words)
    plain_tokens, project_tokens = plain.tokens(text), project.tokens(text)
    rows = []
    for word in word_list:
        starts = _occurrences(text, word)
        alone = plain.cut(word)
        plain_split = sum(not is_whole(plain_tokens, s, s + len(word)) for s in starts)
        rows.append({
            "word": word,
            "occurrences": len(starts),
            "word_start": starts[0] if starts else pd.NA,
            "word_end": starts[0] + len(word) if starts else pd.NA,
            "plain_split": plain_split,
            "project_split": sum(not is_whole(project_tokens, s, s + len(word)) for s in starts),
            "in_jieba_dict": plain.tokenizer.FREQ.get(word, 0) > 0,
            "plain_alone": joined(alone),
            "broken": plain_split > 0,
            "broken_alone": len(alone) > 1,
        })
    frame = pd.DataFrame(rows, columns=BROKEN_COLUMNS)
    for col in ("word_start", "word_end"):
        frame[col] = frame[col].astype("Int64")
    return frame


def answers_text(parsed: ParsedTranscript) -> dict[str, str]:
    """The five answers' texts keyed by the answering official, in the order they speak."""
    turns = parsed.turns_frame()
    answers = turns[turns["role"] == "answer"]
    if answers["party"].duplicated().any():
        raise InputError("an official answers more than once; keys would collide")
    return dict(zip(answers["party"], answers["text"], strict=True))


def category_paragraphs(text: str, categories: pd.DataFrame | None = None) -> dict[str, str]:
    """The three category paragraphs of 刘平's answer keyed by name (无中生有, ...).

    Cut from ``text`` with the paragraph offsets of categories.csv, in the order given there.
    """
    text = _text(text)
    cats = load_categories() if categories is None else categories
    out = {}
    for row in cats.itertuples():
        start, end = int(row.paragraph_start), int(row.paragraph_end)
        if not 0 <= start < end <= len(text):
            raise InputError(f"paragraph of {row.name_zh} ({start}..{end}) is outside the text")
        out[str(row.name_zh)] = text[start:end]
    return out


def keyword_comparison(
    texts: Mapping[str, str],
    top: int = 8,
    segmenter: Segmenter | None = None,
) -> pd.DataFrame:
    """Three keyword lists per text, side by side: rows (document, rank), one column a method.

    ``own_tfidf``: :func:`keywords.tfidf_by_document` across ``texts`` (content words);
    ``jieba_tfidf`` and ``textrank``: :func:`keywords.jieba_keywords` on each text alone.
    Lists shorter than ``top`` are padded with "".
    """
    if not texts:
        raise InputError("keyword_comparison needs at least one text")
    seg = segmenter if segmenter is not None else get_segmenter()
    docs = {name: seg.words(_text(t, f"text {name!r}")) for name, t in texts.items()}
    own = tfidf_by_document(docs, top=top)
    rows = []
    for name, text in texts.items():
        lists = {
            "own_tfidf": own.loc[own["document"] == name, "word"].tolist(),
            "jieba_tfidf": jieba_keywords(text, "tfidf", top, seg)["word"].tolist(),
            "textrank": jieba_keywords(text, "textrank", top, seg)["word"].tolist(),
        }
        for rank in range(1, top + 1):
            row = {"document": name, "rank": rank}
            for method in KEYWORD_METHODS:
                row[method] = lists[method][rank - 1] if rank <= len(lists[method]) else ""
            rows.append(row)
    return pd.DataFrame(rows, columns=["document", "rank", *KEYWORD_METHODS])


def keyword_overlap(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per document, how many words each pair of lists of :func:`keyword_comparison` shares.

    Columns: document, own_vs_jieba_tfidf, own_vs_textrank, jieba_tfidf_vs_textrank,
    all_three (words in all three lists), top (list length); documents in the order given.
    """
    rows = []
    for name, group in comparison.groupby("document", sort=False):
        sets = {m: {w for w in group[m] if w} for m in KEYWORD_METHODS}
        rows.append({
            "document": name,
            "own_vs_jieba_tfidf": len(sets["own_tfidf"] & sets["jieba_tfidf"]),
            "own_vs_textrank": len(sets["own_tfidf"] & sets["textrank"]),
            "jieba_tfidf_vs_textrank": len(sets["jieba_tfidf"] & sets["textrank"]),
            "all_three": len(sets["own_tfidf"] & sets["jieba_tfidf"] & sets["textrank"]),
            "top": len(group),
        })
    return pd.DataFrame(rows)


def rate_per_thousand(
    counts: pd.DataFrame,
    texts: Mapping[str, str],
    column: str = "substring_count",
) -> pd.DataFrame:
    """Add n_chars (each text's length, punctuation included) and per_1000 = count / n_chars * 1000.

    ``counts`` has a ``text`` column naming keys of ``texts`` (as :func:`keywords.term_counts`).
    """
    if column not in counts.columns or "text" not in counts.columns:
        raise InputError(f"counts need columns 'text' and {column!r}")
    missing = sorted(set(counts["text"]) - set(texts))
    if missing:
        raise InputError(f"no text for {missing}")
    lengths = {name: len(_text(t, f"text {name!r}")) for name, t in texts.items()}
    if any(lengths[name] == 0 for name in set(counts["text"])):
        raise InputError("cannot normalise by an empty text")
    out = counts.copy()
    out["n_chars"] = out["text"].map(lengths).astype(int)
    out["per_1000"] = out[column] / out["n_chars"] * 1000
    return out


def framing_table(
    texts: Mapping[str, str],
    terms: Iterable[str] = FRAMING_TERMS,
    segmenter: Segmenter | None = None,
) -> pd.DataFrame:
    """:func:`keywords.term_counts` plus n_chars and per_1000 (of the substring count)."""
    return rate_per_thousand(term_counts(texts, terms, segmenter), texts)


def term_matrix(frame: pd.DataFrame, value: str = "per_1000") -> pd.DataFrame:
    """Pivot a long term table to terms x texts, both in first-seen order."""
    for col in ("term", "text", value):
        if col not in frame.columns:
            raise InputError(f"frame has no column {col!r}")
    matrix = frame.pivot(index="term", columns="text", values=value)
    return matrix.loc[frame["term"].unique(), frame["text"].unique()]


def keyword_lists(comparison: pd.DataFrame, sep: str = SEPARATOR) -> pd.DataFrame:
    """One row per document: each method's list of :func:`keyword_comparison`, joined."""
    rows = []
    for name, group in comparison.groupby("document", sort=False):
        row = {"document": name}
        for method in KEYWORD_METHODS:
            row[method] = sep.join(w for w in group.sort_values("rank")[method] if w)
        rows.append(row)
    return pd.DataFrame(rows, columns=["document", *KEYWORD_METHODS])


def counts_by_document(docs: Mapping[str, Sequence[str]], words: Iterable[str]) -> pd.DataFrame:
    """How often each of ``words`` occurs in each document's word list: words x documents."""
    word_list = _word_list(words)
    data = {name: [list(ws).count(w) for w in word_list] for name, ws in docs.items()}
    return pd.DataFrame(data, index=pd.Index(word_list, name="word"), columns=list(docs))


# --- charts --------------------------------------------------------------------------------------

WORD_BAR_COLOUR = "#595959"  # neutral grey: words are not categories


def word_frequency_chart(freq: pd.DataFrame, top: int = 20, title: str = "") -> Figure:
    """Horizontal bars of the ``top`` rows of :func:`keywords.word_frequencies`, largest on top."""
    import matplotlib.pyplot as plt

    rows = freq.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.0, 0.28 * len(rows) + 1.2))
    bars = ax.barh(rows["word"], rows["count"], color=WORD_BAR_COLOUR)
    ax.bar_label(bars, padding=2, fontsize=8)
    ax.set_xlabel("occurrences (content words, count)")
    ax.set_ylabel("word")
    ax.set_title(title or f"The {len(rows)} most frequent content words")
    return fig


def framing_heatmap(
    rates: pd.DataFrame,
    counts: pd.DataFrame,
    colours: Mapping[str, str],
    hatches: Mapping[str, str] | None = None,
    title: str = "",
) -> Figure:
    """Terms x texts heat map of ``rates`` (per 1000 characters), cells labelled with ``counts``.

    ``colours`` maps a column name to a colour; those columns (the category paragraphs) get
    a coloured, hatched band above them and a line separates them from the other columns.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    if rates.shape != counts.shape or list(rates.columns) != list(counts.columns):
        raise InputError("rates and counts must have the same terms and texts")
    hatches = hatches or {}
    fig, ax = plt.subplots(figsize=(1.5 + 0.95 * rates.shape[1], 0.36 * rates.shape[0] + 1.6))
    image = ax.imshow(rates.to_numpy(dtype=float), cmap="Greys", aspect="auto", vmin=0)
    top = float(rates.to_numpy(dtype=float).max()) or 1.0
    for (i, j), n in pd.DataFrame(counts.to_numpy()).stack().items():
        dark = rates.iat[i, j] > top / 2
        ax.text(j, i, str(int(n)) if n else "·", ha="center", va="center", fontsize=8,
                color="white" if dark else "#222222")
    ax.set_xticks(range(rates.shape[1]), list(rates.columns))
    ax.set_yticks(range(rates.shape[0]), list(rates.index))
    ax.xaxis.tick_top()
    ax.spines[["left", "bottom"]].set_visible(False)
    marked = [j for j, name in enumerate(rates.columns) if name in colours]
    for j in marked:
        name = rates.columns[j]
        ax.add_patch(Rectangle((j - 0.5, -1.6), 1.0, 0.45, facecolor=colours[name],
                               hatch=hatches.get(name, ""), clip_on=False, edgecolor="none"))
    if marked and max(marked) < rates.shape[1] - 1:
        ax.axvline(max(marked) + 0.5, color="black", linewidth=1.2)
    ax.set_xlabel("text (category paragraph or answer); cell label = occurrences")
    ax.set_ylabel("framing term")
    cbar = fig.colorbar(image, ax=ax, shrink=0.8)
    cbar.set_label("occurrences per 1000 characters")
    default = "Framing terms: shading per 1000 characters, cell labels raw counts"
    ax.set_title(title or default, pad=34)
    return fig

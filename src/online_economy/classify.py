"""Does the text reproduce 刘平's three categories? Two transparent scorers, left one out.

刘平 places nine of the twelve domains in three categories (new 无中生有, shift 有中启转,
scale 转中做大) by naming them in three paragraphs. This module asks whether the *rest* of
the transcript points the same way, and what it would say about the three unplaced domains.

- A domain's **context** is every sentence of the transcript that mentions it
  (:func:`online_economy.tables.domain_mentions`) *outside* the three category paragraphs:
  those paragraphs name the domain inside its category's list, so using them would leak the
  answer. In contexts and profiles every domain mention (names, terms, linked entities) is
  blanked with spaces, so a name never votes for itself; offsets stay valid.
- A category's **profile** is its paragraph. When domain ``d`` is scored, the parts of the
  paragraphs (split at ; 。) that mention ``d`` (its examples) are dropped, except for the
  ``包括…等`` list entry, whose name is blanked anyway (leave-one-out).
- **Cue scorer**: cue words of ``data/reference/category_cues.csv`` (each taken from its
  category's paragraph) counted in the context, longest match first, without overlaps; a cue
  is used for ``d`` only if it still occurs in its profile with ``d`` held out.
- **Similarity scorer**: cosine similarity of jieba content-word counts, context vs profile.
- A prediction is the category with the highest score; a tie at the top or an all-zero row
  is ``undecided``; an empty context is ``no evidence`` in :func:`predict_unplaced`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from online_economy import paths
from online_economy.errors import InputError
from online_economy.parse import ParsedTranscript
from online_economy.segment import get_segmenter
from online_economy.taxonomy import find_domains, find_longest, load_categories, load_domains

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CATEGORIES = ("new", "shift", "scale")
UNDECIDED = "undecided"
NO_EVIDENCE = "no evidence"
CUES_PATH = paths.REFERENCE / "category_cues.csv"
CUE_COLUMNS = ["cue", "category", "cue_start", "cue_end", "rationale"]
BLANK = " "
_PART_BREAK = re.compile(r"[;；。！？!?]")


def _parsed(parsed: ParsedTranscript | None) -> ParsedTranscript:
    """The given transcript, or the project's verified raw transcript."""
    if parsed is not None:
        return parsed
    from online_economy.tables import raw_parsed

    return raw_parsed()


# --- reference data -----------------------------------------------------------------------------


def load_cues(path: Path | None = None, text: str | None = None) -> pd.DataFrame:
    """category_cues.csv, checked: known categories, unique cues, each cited in its paragraph.

    ``text`` is the transcript the offsets point into (default: the project's raw text).
    """
    path = CUES_PATH if path is None else Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"cannot read cues {path.name}: {exc}") from exc
    if list(frame.columns) != CUE_COLUMNS:
        raise InputError(f"{path.name}: header must be {','.join(CUE_COLUMNS)}")
    text = _parsed(None).text if text is None else text
    bounds = paragraph_bounds()
    for row in frame.itertuples(index=False):
        where = f"{path.name} cue {row.cue!r}"
        if row.category not in CATEGORIES:
            raise InputError(f"{where}: unknown category {row.category!r}")
        if not (row.cue and row.rationale):
            raise InputError(f"{where}: empty cue or rationale")
        if not (row.cue_start.isdigit() and row.cue_end.isdigit()):
            raise InputError(f"{where}: cue_start/cue_end must be offsets")
        start, end = int(row.cue_start), int(row.cue_end)
        lo, hi = bounds[row.category]
        if text[start:end] != row.cue or not lo <= start < end <= hi:
            raise InputError(f"{where}: not cited inside the {row.category} paragraph")
    if frame["cue"].duplicated().any():
        dupe = frame["cue"][frame["cue"].duplicated()].iat[0]
        raise InputError(f"{path.name}: duplicate cue {dupe!r}")
    frame["cue_start"] = frame["cue_start"].astype(int)
    frame["cue_end"] = frame["cue_end"].astype(int)
    return frame


def paragraph_bounds() -> dict[str, tuple[int, int]]:
    """Category id -> (start, end) of 刘平's paragraph for it (categories.csv)."""
    cats = load_categories()
    return {
        str(c): (int(s), int(e))
        for c, s, e in zip(cats["id"], cats["paragraph_start"], cats["paragraph_end"], strict=True)
    }


def _inside_paragraph(start: int, end: int) -> bool:
    """True if ``[start, end)`` overlaps one of the three category paragraphs."""
    return any(start < hi and lo < end for lo, hi in paragraph_bounds().values())


@cache
def _masked(text: str) -> str:
    """``text`` with every domain mention replaced by spaces (same length)."""
    chars = list(text)
    for start, end, _ in find_domains(text):
        chars[start:end] = BLANK * (end - start)
    return "".join(chars)


# --- contexts -----------------------------------------------------------------------------------


def context_sentences(
    parsed: ParsedTranscript | None = None, include_category_paragraphs: bool = False
) -> pd.DataFrame:
    """One row per (domain, sentence that mentions it), category paragraphs excluded.

    Columns: domain, domain_zh, turn, exchange, role, party, paragraph, sentence, start, end,
    mentions (how many mentions of the domain the sentence holds), text (the raw sentence).
    ``include_category_paragraphs=True`` keeps the leaking paragraphs (for demonstration).
    """
    from online_economy.tables import domain_mentions

    parsed = _parsed(parsed)
    mentions = domain_mentions(parsed)
    mentions = mentions[mentions["sentence"] >= 0]
    keys = ["domain", "domain_zh", "turn", "paragraph", "sentence"]
    grouped = mentions.groupby(keys, sort=False).size().rename("mentions").reset_index()
    sentences = parsed.sentences_frame()
    merged = grouped.merge(
        sentences[["turn", "paragraph", "sentence", "exchange", "role", "party", "start", "end",
                   "text"]],
        on=["turn", "paragraph", "sentence"], how="left", validate="many_to_one",
    )
    if not include_category_paragraphs:
        spans = zip(merged["start"], merged["end"], strict=True)
        merged = merged[[not _inside_paragraph(s, e) for s, e in spans]]
    columns = ["domain", "domain_zh", "turn", "exchange", "role", "party", "paragraph",
               "sentence", "start", "end", "mentions", "text"]
    return merged.sort_values(["domain", "start"]).reset_index(drop=True)[columns]


def domain_contexts(
    parsed: ParsedTranscript | None = None, include_category_paragraphs: bool = False
) -> pd.DataFrame:
    """One row per domain (all twelve, plan order): its context outside the category paragraphs.

    Columns: domain, domain_zh, true (the transcript's category, "" if unplaced),
    n_sentences, n_chars (characters of the raw context sentences), spans (tuple of
    (start, end)), context (the sentences with every domain mention blanked, joined by "\\n").
    """
    parsed = _parsed(parsed)
    sents = context_sentences(parsed, include_category_paragraphs)
    masked = _masked(parsed.text)
    rows = []
    for d in load_domains().itertuples(index=False):
        mine = sents[sents["domain"] == d.id]
        spans = tuple((int(s), int(e)) for s, e in zip(mine["start"], mine["end"], strict=True))
        rows.append({
            "domain": str(d.id),
            "domain_zh": str(d.name_zh),
            "true": "" if pd.isna(d.category) else str(d.category),
            "n_sentences": len(spans),
            "n_chars": sum(e - s for s, e in spans),
            "spans": spans,
            "context": "\n".join(masked[s:e] for s, e in spans),
        })
    return pd.DataFrame(rows)


# --- profiles -----------------------------------------------------------------------------------


def _parts(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """Parts of ``text[start:end]`` between ; 。 ！ ？ (breaks excluded).

    The category paragraphs give their examples as parts joined by ";" (例如…;…;还有…。).
    """
    out, lo = [], start
    for m in _PART_BREAK.finditer(text, start, end):
        if m.start() > lo:
            out.append((lo, m.start()))
        lo = m.end()
    if lo < end:
        out.append((lo, end))
    return out


def profile_parts(
    category: str, held_out: str | None = None, parsed: ParsedTranscript | None = None
) -> pd.DataFrame:
    """The parts (see :func:`_parts`) of ``category``'s paragraph; does the profile keep each?

    A part is dropped when it mentions ``held_out`` anywhere but in its ``包括…等`` list
    entry (domains.csv assign span): that removes the held-out domain's own examples.
    Columns: start, end, kept, text (the raw part).
    """
    if category not in CATEGORIES:
        raise InputError(f"unknown category {category!r}")
    parsed = _parsed(parsed)
    text = parsed.text
    lo, hi = paragraph_bounds()[category]
    assigned: set[tuple[int, int]] = set()
    for d in load_domains().itertuples(index=False):
        if not pd.isna(d.assign_start):
            assigned.add((int(d.assign_start), int(d.assign_end)))
    own = [
        (s, e) for s, e, dom in find_domains(text)
        if dom == held_out and lo <= s and e <= hi and (s, e) not in assigned
    ]
    rows = []
    for s, e in _parts(lo, hi, text):
        drop = any(s <= ms and me <= e for ms, me in own)
        rows.append({"start": s, "end": e, "kept": not drop, "text": text[s:e]})
    return pd.DataFrame(rows, columns=["start", "end", "kept", "text"])


def category_profile(
    category: str, held_out: str | None = None, parsed: ParsedTranscript | None = None
) -> str:
    """The kept parts of ``category``'s paragraph, domain mentions blanked, joined by "\\n"."""
    parsed = _parsed(parsed)
    masked = _masked(parsed.text)
    parts = profile_parts(category, held_out, parsed)
    kept = parts[parts["kept"]]
    return "\n".join(masked[s:e] for s, e in zip(kept["start"], kept["end"], strict=True))


# --- scorers ------------------------------------------------------------------------------------


def find_cues(text: str, cues: Iterable[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of ``cues`` in ``text``, longest cue first; sorted."""
    return find_longest(text, ((cue, cue) for cue in cues))


def usable_cues(
    cues: pd.DataFrame, held_out: str | None = None, parsed: ParsedTranscript | None = None
) -> pd.DataFrame:
    """The cues that still occur in their category's profile when ``held_out`` is left out."""
    parsed = _parsed(parsed)
    profiles = {c: category_profile(c, held_out, parsed) for c in CATEGORIES}
    keep = [cue in profiles[cat] for cue, cat in zip(cues["cue"], cues["category"], strict=True)]
    return cues[keep].reset_index(drop=True)


def cue_scores(
    contexts: pd.DataFrame, cues: pd.DataFrame | None = None,
    parsed: ParsedTranscript | None = None,
) -> pd.DataFrame:
    """Cue counts per category for each row of :func:`domain_contexts` (its domain held out).

    Columns: domain, new, shift, scale (int counts), cues (the matched cue words, in order).
    """
    parsed = _parsed(parsed)
    cues = load_cues(text=parsed.text) if cues is None else cues
    rows = []
    for domain, context in zip(contexts["domain"], contexts["context"], strict=True):
        usable = usable_cues(cues, domain, parsed)
        category = dict(zip(usable["cue"], usable["category"], strict=True))
        hits = find_cues(context, category)
        counts = Counter(category[c] for _, _, c in hits)
        rows.append({"domain": domain, **{c: counts.get(c, 0) for c in CATEGORIES},
                     "cues": " ".join(c for _, _, c in hits)})
    return pd.DataFrame(rows, columns=["domain", *CATEGORIES, "cues"])


def cosine(a: Mapping[str, int], b: Mapping[str, int]) -> float:
    """Cosine similarity of two count vectors (0.0 if either is empty)."""
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def similarity_scores(
    contexts: pd.DataFrame, parsed: ParsedTranscript | None = None
) -> pd.DataFrame:
    """Cosine similarity (jieba content words) of each context to each category profile.

    Each row's own domain is held out of the profiles. Columns: domain, new, shift, scale.
    """
    parsed = _parsed(parsed)
    seg = get_segmenter()
    rows = []
    for domain, context in zip(contexts["domain"], contexts["context"], strict=True):
        words = Counter(seg.words(context))
        row: dict[str, object] = {"domain": domain}
        for c in CATEGORIES:
            row[c] = cosine(words, Counter(seg.words(category_profile(c, domain, parsed))))
        rows.append(row)
    return pd.DataFrame(rows, columns=["domain", *CATEGORIES])


def predict(scores: Mapping[str, float]) -> tuple[str, float]:
    """(best category or ``undecided``, margin best - second); all-zero or tied is undecided."""
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top <= 0 or math.isclose(top, second, abs_tol=1e-12):
        return UNDECIDED, 0.0
    return best, top - second


# --- evaluation ---------------------------------------------------------------------------------


def score_domains(
    parsed: ParsedTranscript | None = None, cues: pd.DataFrame | None = None,
    include_category_paragraphs: bool = False,
) -> pd.DataFrame:
    """Both scorers for all twelve domains, each with itself held out (plan order).

    Columns: domain, domain_zh, true ("" if unplaced), n_sentences, n_chars,
    cue_new, cue_shift, cue_scale, cue_pred, cue_margin, cues (matched cue words),
    sim_new, sim_shift, sim_scale, sim_pred, sim_margin.
    """
    parsed = _parsed(parsed)
    ctx = domain_contexts(parsed, include_category_paragraphs)
    cue = cue_scores(ctx, cues, parsed)
    sim = similarity_scores(ctx, parsed)
    out = ctx[["domain", "domain_zh", "true", "n_sentences", "n_chars"]].copy()
    for prefix, frame in (("cue", cue), ("sim", sim)):
        for c in CATEGORIES:
            out[f"{prefix}_{c}"] = frame[c].to_numpy()
        preds = [predict({c: row[c] for c in CATEGORIES}) for _, row in frame.iterrows()]
        out[f"{prefix}_pred"] = [p for p, _ in preds]
        out[f"{prefix}_margin"] = [m for _, m in preds]
        if prefix == "cue":
            out["cues"] = frame["cues"].to_numpy()
    return out


def leave_one_out(
    parsed: ParsedTranscript | None = None, cues: pd.DataFrame | None = None,
    include_category_paragraphs: bool = False,
) -> pd.DataFrame:
    """The nine domains the transcript places, each scored with itself held out.

    Columns of :func:`score_domains` plus cue_agree, sim_agree (prediction == true) and
    majority_pred (the most common true category of the other eight; ties ``undecided``).
    """
    scores = score_domains(parsed, cues, include_category_paragraphs)
    placed = scores[scores["true"] != ""].reset_index(drop=True)
    placed["cue_agree"] = placed["cue_pred"] == placed["true"]
    placed["sim_agree"] = placed["sim_pred"] == placed["true"]
    majority = []
    for i in range(len(placed)):
        others = Counter(placed["true"].drop(index=i))
        majority.append(predict({c: float(others.get(c, 0)) for c in CATEGORIES})[0])
    placed["majority_pred"] = majority
    return placed


def agreement(frame: pd.DataFrame) -> pd.DataFrame:
    """Agreement of each prediction column of :func:`leave_one_out` with ``true``.

    Rows: cue, similarity, majority_loo (the majority of the other eight) and
    always_<c> (always the most common category of all nine). Columns: scorer, correct,
    wrong, undecided, n.
    """
    truth = frame["true"]
    top = Counter(truth).most_common()
    always = top[0][0] if len(top) == 1 or top[0][1] > top[1][1] else UNDECIDED
    columns = {
        "cue": frame["cue_pred"], "similarity": frame["sim_pred"],
        "majority_loo": frame["majority_pred"],
        f"always_{always}": pd.Series([always] * len(frame), index=frame.index),
    }
    rows = []
    for name, pred in columns.items():
        undecided = int((pred == UNDECIDED).sum())
        correct = int((pred == truth).sum())
        rows.append({"scorer": name, "correct": correct, "wrong": len(frame) - correct - undecided,
                     "undecided": undecided, "n": len(frame)})
    return pd.DataFrame(rows, columns=["scorer", "correct", "wrong", "undecided", "n"])


def confusion(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Counts of true category (rows) by predicted category in ``column`` (incl. undecided)."""
    table = pd.crosstab(frame["true"], frame[column])
    return table.reindex(index=list(CATEGORIES), columns=[*CATEGORIES, UNDECIDED], fill_value=0)


def predict_unplaced(
    parsed: ParsedTranscript | None = None, cues: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The project's inference (not the transcript's) for 在线金融, 新型移动出行, 在线研发设计.

    Columns of :func:`score_domains` (true is "") plus ``prediction`` (``no evidence`` if the
    context is empty; the category if both scorers name it; else ``undecided``),
    ``scorers_agree`` (both scorers give the same decided category) and ``basis``.
    """
    scores = score_domains(parsed, cues)
    out = scores[scores["true"] == ""].reset_index(drop=True)
    preds, agree = [], []
    for row in out.itertuples(index=False):
        both = row.cue_pred == row.sim_pred and row.cue_pred != UNDECIDED
        agree.append(bool(both))
        if row.n_sentences == 0:
            preds.append(NO_EVIDENCE)
        else:
            preds.append(row.cue_pred if both else UNDECIDED)
    out["prediction"] = preds
    out["scorers_agree"] = agree
    out["basis"] = "project inference, not the transcript"
    return out


def add_cue(cues: pd.DataFrame, cue: str, category: str, rationale: str) -> pd.DataFrame:
    """``cues`` plus one cue, cited at its first occurrence in ``category``'s paragraph.

    Raises InputError if the word is not in that paragraph (cues come from the paragraphs).
    """
    if category not in CATEGORIES:
        raise InputError(f"unknown category {category!r}")
    text = _parsed(None).text
    lo, hi = paragraph_bounds()[category]
    start = text.find(cue, lo, hi) if cue else -1
    if start < 0:
        raise InputError(f"{cue!r} does not occur in the {category} paragraph")
    if cue in set(cues["cue"]):
        raise InputError(f"{cue!r} is already a cue")
    row = {"cue": cue, "category": category, "cue_start": start, "cue_end": start + len(cue),
           "rationale": rationale}
    return pd.concat([cues, pd.DataFrame([row])], ignore_index=True)


def cue_hits(
    domain: str, parsed: ParsedTranscript | None = None, cues: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Where the cue scorer found its cues for ``domain``: offsets into the raw transcript.

    Columns: cue, category, start, end (``text[start:end] == cue``), turn, party, around
    (the cue with up to 10 characters either side, within its sentence).
    """
    parsed = _parsed(parsed)
    cues = load_cues(text=parsed.text) if cues is None else cues
    usable = usable_cues(cues, domain, parsed)
    category = dict(zip(usable["cue"], usable["category"], strict=True))
    masked = _masked(parsed.text)
    sents = context_sentences(parsed)
    sents = sents[sents["domain"] == domain]
    rows = []
    for s in sents.itertuples(index=False):
        for a, b, cue in find_cues(masked[s.start:s.end], category):
            start, end = s.start + a, s.start + b
            rows.append({
                "cue": cue, "category": category[cue], "start": start, "end": end,
                "turn": s.turn, "party": s.party,
                "around": parsed.text[max(s.start, start - 10):min(s.end, end + 10)],
            })
    return pd.DataFrame(rows, columns=["cue", "category", "start", "end", "turn", "party",
                                       "around"])


def score_chart(scores: pd.DataFrame) -> Figure:
    """Grouped bars per domain: cue counts (left) and cosine similarity (right).

    ``scores`` is :func:`score_domains`. Placed domains come first, grouped by the
    transcript's category; the unplaced ones sit below a dashed line. Bars use the project's
    category colours and hatches; the bar of the transcript's own category is outlined. The
    source note (:data:`online_economy.plotting.SOURCE_WITH_PLAN`) says that the list of
    twelve domains comes from public reports on the action plan, not from the transcript.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from online_economy.plotting import (
        SOURCE_WITH_PLAN,
        category_colours,
        category_hatches,
        source_note,
    )

    colours, hatches = category_colours(), category_hatches()
    cats = load_categories().set_index("id")
    order = {c: i for i, c in enumerate(CATEGORIES)}
    placed = scores[scores["true"] != ""].copy()
    placed["rank"] = placed["true"].map(order)
    placed = placed.sort_values("rank", kind="stable")
    rest = scores[scores["true"] == ""]
    rows = pd.concat([placed.drop(columns="rank"), rest], ignore_index=True)
    ys = [float(i) for i in range(len(placed))] + [len(placed) + 0.6 + i for i in range(len(rest))]
    labels = [
        f"{r.domain_zh} · {cats.at[r.true, 'name_zh'] if r.true else 'unplaced'}"
        for r in rows.itertuples(index=False)
    ]
    fig, axes = plt.subplots(1, 2, figsize=(10, 6.8), sharey=True)
    height = 0.26
    panels = (("cue", "cue words found in the context (count)", "Cue words"),
              ("sim", "cosine similarity to the category profile (0–1)", "Word-count similarity"))
    for ax, (prefix, xlabel, title) in zip(axes, panels, strict=True):
        for k, c in enumerate(CATEGORIES):
            values = rows[f"{prefix}_{c}"].astype(float).tolist()
            for y, v, true in zip(ys, values, rows["true"], strict=True):
                outline = true == c and v > 0
                ax.barh(y + (k - 1) * height, v, height=height, color=colours[c],
                        hatch=hatches[c], edgecolor="#000000" if outline else colours[c],
                        linewidth=1.2 if outline else 0.0)
        totals = rows[[f"{prefix}_{c}" for c in CATEGORIES]].astype(float).sum(axis=1)
        for y, n, total in zip(ys, rows["n_sentences"], totals, strict=True):
            note = "no context" if n == 0 else ("context, but no cue" if total == 0 else "")
            if note:
                ax.text(0.02, y, note, transform=ax.get_yaxis_transform(),
                        va="center", ha="left", fontsize=8, color="#555555")
        ax.axhline(len(placed) - 0.2, color="#555555", linestyle="--", linewidth=0.8)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
    axes[0].set_yticks(ys, labels)
    axes[0].invert_yaxis()
    axes[0].set_ylabel("domain · the transcript's category")
    axes[1].text(0.98, len(placed) - 0.05, "below: unplaced (project inference)",
                 transform=axes[1].get_yaxis_transform(), ha="right", va="top", fontsize=8,
                 color="#555555")
    handles = [Patch(facecolor=colours[c], hatch=hatches[c], edgecolor=colours[c],
                     label=f"{cats.at[c, 'name_zh']} ({c})") for c in CATEGORIES]
    handles.append(Patch(facecolor="white", edgecolor="#000000", label="the transcript's category"))
    axes[1].legend(handles=handles, loc="lower right", fontsize=8)
    fig.suptitle("Category scores per domain, each domain held out of the profiles and cues",
                 x=0.02, ha="left")
    fig.tight_layout()
    source_note(fig, SOURCE_WITH_PLAN)  # the list of twelve domains is from public reports
    return fig


def shared_words(
    domain: str, category: str, parsed: ParsedTranscript | None = None
) -> pd.DataFrame:
    """The content words ``domain``'s context shares with ``category``'s profile (it held out).

    Columns: word, context (count), profile (count), product (their product, the word's
    share of the cosine's numerator); sorted by product, then word.
    """
    if category not in CATEGORIES:
        raise InputError(f"unknown category {category!r}")
    parsed = _parsed(parsed)
    ctx = domain_contexts(parsed)
    context = ctx.loc[ctx["domain"] == domain, "context"]
    if context.empty:
        raise InputError(f"unknown domain id {domain!r}")
    seg = get_segmenter()
    a = Counter(seg.words(context.iat[0]))
    b = Counter(seg.words(category_profile(category, domain, parsed)))
    rows = [{"word": w, "context": a[w], "profile": b[w], "product": a[w] * b[w]}
            for w in a if w in b]
    frame = pd.DataFrame(rows, columns=["word", "context", "profile", "product"])
    return frame.sort_values(["product", "word"], ascending=[False, True]).reset_index(drop=True)

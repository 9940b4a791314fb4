"""Evidence per domain: categories and their lists, what the transcript gives for each domain.

Everything here keeps character offsets into the transcript. Frames that cite words use
the project's span convention (``<x>_start`` / ``<x>_end`` with the quote in column
``<x>``), so ``spans.check_spans(frame, text)`` verifies them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.ticker import MaxNLocator

from online_economy import plotting
from online_economy.errors import InputError
from online_economy.parse import ParsedTranscript
from online_economy.tables import domain_mentions, quantities_table, question_domains
from online_economy.taxonomy import (
    find_longest,
    load_categories,
    load_domain_terms,
    load_domains,
    load_entities,
)

#: The ``包括…等`` list of a category paragraph: items, then 等 and a comma.
LIST_PATTERN = re.compile(r"包括(?P<list>[^,，。]+?)(?P<deng>等)[,，]")
UNPLACED_LABEL = "not placed by the transcript"
#: The list of twelve (and so the three unplaced names) comes from public reports on the plan;
#: the three categories and the nine placements come from the transcript.
TAXONOMY_TITLE = (
    "The plan's twelve domains (public reports) in 刘平's three categories (transcript); "
    "three not placed"
)
COVERAGE_XLABEL = "answer (exchange number and official)"

SUMMARY_COLUMNS = [
    "order", "domain", "name_zh", "name_en", "category", "mentions", "sentences",
    "entities", "entities_transcript", "quantities", "answers", "answered_by",
]
SAYS_COLUMNS = [
    "order", "name_zh", "name_en", "category", "in_category_list", "appears", "name_said",
    "example_entity", "has_figure", "dedicated_question", "answers",
]


def category_table(text: str) -> pd.DataFrame:
    """categories.csv with name, emphasis and definition quoted from ``text`` by offset.

    Columns ``name``/``emphasis``/``definition`` hold ``text[start:end]``; raises InputError
    if a quote differs from the reference file.
    """
    cats = load_categories()
    rows = []
    for c in cats.itertuples():
        row = {"order": int(c.order), "id": c.id, "gloss_en": c.gloss_en}
        for span, ref in (("name", c.name_zh), ("emphasis", c.emphasis),
                          ("definition", c.definition_zh)):
            start, end = int(getattr(c, f"{span}_start")), int(getattr(c, f"{span}_end"))
            if text[start:end] != ref:
                raise InputError(f"category {c.id}: text[{start}:{end}] is not {ref!r}")
            row.update({span: text[start:end], f"{span}_start": start, f"{span}_end": end})
        row["definition_en"] = c.definition_en
        rows.append(row)
    return pd.DataFrame(rows)


def category_lists(text: str) -> pd.DataFrame:
    """Each category paragraph's ``包括…等`` list: its items and the closing 等, by offset."""
    rows = []
    for c in load_categories().itertuples():
        lo, hi = int(c.paragraph_start), int(c.paragraph_end)
        m = LIST_PATTERN.search(text, lo, hi)
        if m is None:
            raise InputError(f"category {c.id}: no 包括…等 list in its paragraph")
        rows.append({
            "category": c.id, "name_zh": c.name_zh,
            "list": m["list"], "list_start": m.start("list"), "list_end": m.end("list"),
            "items": len(m["list"].split("、")),
            "deng": m["deng"], "deng_start": m.start("deng"), "deng_end": m.end("deng"),
        })
    return pd.DataFrame(rows)


def domain_table(text: str) -> pd.DataFrame:
    """The twelve domains in plan order, with the words that place them (``assign``), if any."""
    domains = load_domains()
    names = dict(zip(load_categories()["id"], load_categories()["name_zh"], strict=True))
    rows = []
    for d in domains.itertuples():
        placed = not pd.isna(d.category)
        start = int(d.assign_start) if placed else None
        end = int(d.assign_end) if placed else None
        quote = text[start:end] if placed else None
        if placed and quote != d.name_zh:
            raise InputError(f"domain {d.id}: text[{start}:{end}] is not {d.name_zh!r}")
        rows.append({
            "order": int(d.order), "domain": d.id, "name_zh": d.name_zh, "name_en": d.name_en,
            "category": d.category if placed else plotting.UNPLACED,
            "category_zh": names[d.category] if placed else "",
            "assign": quote, "assign_start": start, "assign_end": end,
        })
    frame = pd.DataFrame(rows)
    for col in ("assign_start", "assign_end"):
        frame[col] = frame[col].astype("Int64")
    return frame


def domain_sentences(parsed: ParsedTranscript, domain: str | None = None) -> pd.DataFrame:
    """One row per (domain, sentence) that mentions the domain; the sentence quoted by offset."""
    mentions = domain_mentions(parsed)
    mentions = mentions[mentions["turn"] >= 0]
    if domain is not None:
        mentions = mentions[mentions["domain"] == domain]
    sentences = parsed.sentences_frame().set_index(["turn", "paragraph", "sentence"])
    rows = []
    keys = ["domain", "turn", "paragraph", "sentence"]
    for (dom, turn, para, sent), group in mentions.groupby(keys, sort=False):
        s = sentences.loc[(turn, para, sent)]
        start, end = int(s["start"]), int(s["end"])
        rows.append({
            "domain": dom, "exchange": int(s["exchange"]), "role": s["role"],
            "party": s["party"], "terms": "、".join(dict.fromkeys(group["term"])),
            "n_mentions": len(group), "quote_start": start, "quote_end": end,
            "quote": parsed.text[start:end],
        })
    columns = ["domain", "exchange", "role", "party", "terms", "n_mentions",
               "quote_start", "quote_end", "quote"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["quote_start", "domain"], kind="stable").reset_index(drop=True)


def domain_entities(domain: str | None = None) -> pd.DataFrame:
    """Entities linked to a domain (entities.csv), with the basis of the link and first mention."""
    ents = load_entities()
    ents = ents[ents["domain"].notna()]
    if domain is not None:
        ents = ents[ents["domain"] == domain]
    columns = ["domain", "name", "kind", "domain_basis", "first_start", "first_end", "mentions"]
    return ents[columns].rename(columns={"name": "first"}).reset_index(drop=True)


def domain_quantities(parsed: ParsedTranscript, domain: str | None = None) -> pd.DataFrame:
    """Quantities the project's rules attribute to a domain (see ``tables.quantities_table``)."""
    q = quantities_table(parsed)
    q = q[q["domain"] != ""] if domain is None else q[q["domain"] == domain]
    q = q.rename(columns={"start": "surface_start", "end": "surface_end"})
    columns = ["domain", "quantity", "surface", "value", "unit", "qualifier", "exchange",
               "party", "domain_basis", "surface_start", "surface_end", "clause"]
    return q[columns].reset_index(drop=True)


@dataclass(frozen=True)
class DomainEvidence:
    """Everything the transcript gives for one domain."""

    domain: str
    entities: pd.DataFrame
    sentences: pd.DataFrame
    quantities: pd.DataFrame


def domain_evidence(parsed: ParsedTranscript, domain: str) -> DomainEvidence:
    """The entities, sentences and quantities for ``domain`` (a domain id)."""
    if domain not in set(load_domains()["id"]):
        raise InputError(f"unknown domain id {domain!r}")
    return DomainEvidence(
        domain, domain_entities(domain), domain_sentences(parsed, domain),
        domain_quantities(parsed, domain),
    )


def _answer_parties(parsed: ParsedTranscript) -> dict[int, str]:
    """Turn index -> answering official, for answer turns only."""
    turns = parsed.turns_frame()
    answers = turns[turns["role"] == "answer"]
    return dict(zip(answers["turn"], answers["party"], strict=True))


def evidence_summary(parsed: ParsedTranscript) -> pd.DataFrame:
    """One row per domain (plan order): mentions, sentences, entities, quantities, answers."""
    domains = domain_table(parsed.text)
    mentions = domain_mentions(parsed)
    sentences = domain_sentences(parsed)
    entities = domain_entities()
    quantities = domain_quantities(parsed)
    parties = _answer_parties(parsed)
    rows = []
    for d in domains.itertuples():
        mine = mentions[mentions["domain"] == d.domain]
        ents = entities[entities["domain"] == d.domain]
        answered = [parties[t] for t in sorted(set(mine["turn"])) if t in parties]
        rows.append({
            "order": d.order, "domain": d.domain, "name_zh": d.name_zh, "name_en": d.name_en,
            "category": d.category, "mentions": len(mine),
            "sentences": int((sentences["domain"] == d.domain).sum()),
            "entities": len(ents),
            "entities_transcript": int((ents["domain_basis"] == "transcript").sum()),
            "quantities": int((quantities["domain"] == d.domain).sum()),
            "answers": len(answered), "answered_by": "、".join(answered),
        })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def says_table(parsed: ParsedTranscript) -> pd.DataFrame:
    """Per domain, computed flags for what the transcript does and does not say about it.

    ``in_category_list``: named in one of 刘平's 包括…等 lists; ``appears``: any mention
    (name, term or linked entity); ``name_said``: the plan's name occurs verbatim;
    ``example_entity``: an entity is linked; ``has_figure``: a quantity is attributed;
    ``dedicated_question``: a question names this domain and no other.
    """
    summary = evidence_summary(parsed)
    dedicated = set(question_domains(parsed, domain_mentions(parsed)).values())
    frame = pd.DataFrame({
        "order": summary["order"], "name_zh": summary["name_zh"],
        "name_en": summary["name_en"], "category": summary["category"],
        "in_category_list": summary["category"] != plotting.UNPLACED,
        "appears": summary["mentions"] > 0,
        "name_said": [parsed.text.count(n) > 0 for n in summary["name_zh"]],
        "example_entity": summary["entities"] > 0,
        "has_figure": summary["quantities"] > 0,
        "dedicated_question": summary["domain"].isin(dedicated),
        "answers": summary["answers"],
    })
    return frame[SAYS_COLUMNS]


# --- coverage with other term lists (what-if) -------------------------------------------------


def patterns_from(
    terms: pd.DataFrame | None = None, entities: pd.DataFrame | None = None
) -> tuple[tuple[str, str], ...]:
    """(surface, domain) pairs, longest first, as ``taxonomy.domain_patterns`` builds them.

    ``terms`` / ``entities`` default to the reference files; pass edited copies to ask
    "what if this link were different?" without touching data/reference.
    """
    terms = load_domain_terms() if terms is None else terms
    entities = load_entities() if entities is None else entities
    pairs: dict[str, str] = {}
    domains = load_domains()
    linked = entities[entities["domain"].notna()]
    sources: Iterable[tuple[object, object]] = [
        *zip(domains["name_zh"], domains["id"], strict=True),
        *zip(terms["term"], terms["domain"], strict=True),
        *zip(linked["name"], linked["domain"], strict=True),
    ]
    for surface, domain in sources:
        if pairs.setdefault(str(surface), str(domain)) != str(domain):
            raise InputError(f"{surface!r} points to both {pairs[str(surface)]} and {domain}")
    return tuple(sorted(pairs.items(), key=lambda p: (-len(p[0]), p[0])))


def coverage_with(
    parsed: ParsedTranscript,
    terms: pd.DataFrame | None = None,
    entities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Like ``tables.coverage_matrix`` but with the given term / entity links."""
    domains = load_domains()
    names = dict(zip(domains["id"], domains["name_zh"], strict=True))
    answers = parsed.turns_frame().query("role == 'answer'")
    columns = [f"{r.exchange}. {r.party}" for r in answers.itertuples()]
    matrix = pd.DataFrame(0, index=pd.Index(domains["name_zh"], name="domain"), columns=columns)
    for start, _end, domain in find_longest(parsed.text, patterns_from(terms, entities)):
        for r, col in zip(answers.itertuples(), columns, strict=True):
            if r.start <= start < r.end:
                matrix.at[names[domain], col] += 1
    return matrix


# --- figures -----------------------------------------------------------------------------------


def _box(ax: Axes, x: float, y: float, w: float, h: float, **kw: object) -> None:
    """A rounded box with its lower-left corner at (x, y)."""
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=0.08",
                                mutation_aspect=1, **kw))


def taxonomy_figure(text: str) -> Figure:
    """Three category columns with their domains; the unplaced domains in a grey box apart.

    Drawn with pyplot (so ``plt.show()`` displays it); close it when done. The list of twelve
    is a plan fact from public reports: give the figure ``plotting.SOURCE_WITH_PLAN`` as its
    source note.
    """
    domains = domain_table(text)
    cats = category_table(text)
    colours, hatches = plotting.category_colours(), plotting.category_hatches()
    ordinals = "一二三"
    groups = [(c.id, f"第{ordinals[c.order - 1]}类 {c.name}  “{c.emphasis}”",
               c.gloss_en.split(":")[0]) for c in cats.itertuples()]
    groups.append((plotting.UNPLACED, UNPLACED_LABEL, "(each list ends in 等)"))
    fig, ax = plt.subplots(figsize=(12.0, 5.4))
    width, gap, height = 2.6, 0.25, 0.72
    deepest = 0
    for i, (cid, title, gloss) in enumerate(groups):
        x = i * (width + gap) + (0.45 if cid == plotting.UNPLACED else 0.0)
        members = domains[domains["category"] == cid]
        deepest = max(deepest, len(members))
        if cid == plotting.UNPLACED:
            ax.add_patch(Rectangle((x - 0.1, -len(members) * (height + 0.15) - 0.2),
                                   width + 0.2, len(members) * (height + 0.15) + 1.35,
                                   facecolor="#F2F2F2", edgecolor="#7F7F7F",
                                   linestyle="--", linewidth=1.2))
        _box(ax, x, 0.1, width, 0.8, facecolor=colours[cid], hatch=hatches[cid],
             edgecolor="#333333", linewidth=0.8)
        ax.text(x + width / 2, 0.5, f"{title}\n{gloss}", ha="center", va="center",
                fontsize=9.5, linespacing=1.3,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "white",
                      "edgecolor": "none", "alpha": 0.92})
        for j, d in enumerate(members.itertuples()):
            y = -(j + 1) * (height + 0.15)
            _box(ax, x, y, width, height, facecolor="white", edgecolor=colours[cid]
                 if cid != plotting.UNPLACED else "#7F7F7F", linewidth=2.0)
            ax.add_patch(Rectangle((x, y), 0.14, height, facecolor=colours[cid],
                                   hatch=hatches[cid], edgecolor="none"))
            ax.text(x + 0.2 + (width - 0.2) / 2, y + height / 2, f"{d.name_zh}\n{d.name_en}",
                    ha="center", va="center", fontsize=8.5, linespacing=1.3)
    ax.set_xlim(-0.2, 4 * (width + gap) + 0.45)
    ax.set_ylim(-deepest * (height + 0.15) - 0.35, 1.3)
    ax.set_axis_off()
    ax.set_title(TAXONOMY_TITLE, loc="left")
    return fig


def coverage_heatmap(matrix: pd.DataFrame, name_en: dict[str, str] | None = None) -> Figure:
    """``tables.coverage_matrix`` as an annotated heat map (greyscale-safe 'Blues').

    The colour bar has whole-number ticks (counts); with all twelve domains on the y axis, give
    the figure ``plotting.SOURCE_WITH_PLAN`` as its source note.
    """
    fig, ax = plt.subplots(figsize=(7.5, 6.0))
    values = matrix.to_numpy()
    top = max(int(values.max()), 1)
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=top, aspect="auto")
    for (r, c), v in pd.DataFrame(values).stack().items():
        ax.text(c, r, str(v), ha="center", va="center", fontsize=9,
                color="white" if v > top * 0.55 else ("#222222" if v else "#9A9A9A"))
    labels = [f"{n} {name_en[n]}" if name_en else str(n) for n in matrix.index]
    ax.set_yticks(range(len(matrix.index)), labels)
    ax.set_xticks(range(len(matrix.columns)), matrix.columns)
    ax.set_xlabel(COVERAGE_XLABEL)
    ax.set_ylabel("domain (plan order)")
    ax.set_title("Domain mentions per answer (names, terms, linked entities)", loc="left")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    bar = fig.colorbar(image, ax=ax, label="mentions (count)", shrink=0.8)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    return fig

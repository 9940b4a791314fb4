"""Reading the transcript's numbers: what each one measures, growth vs level, evidence, bounds.

Builds on :func:`online_economy.tables.quantities_table` and adds, for every quantity:

- ``entity``: the names from ``entities.csv`` written before the number in its own
  sentence, counting only from the last ``;`` before the number (this text uses ``;``
  between examples), joined by ``/``; a name inside a longer one is not repeated;
- ``metric``: the clause's words between the previous quantity of the clause (or the
  clause start) and the number, with those entity names, quote marks and the filler
  words of :data:`LEAD`, :data:`FILLER` and :data:`TRAIL` removed (``分别``, ``达到``,
  ``了`` ...). If nothing is left (``30%和110%``), the previous quantity's metric is
  reused; if only change words are left (``同比增长60%``), the metric of the previous
  quantity of the sentence is put in front (``日均在途物流包裹数同比增长``); if nothing is
  left and nothing follows either (``共9461户``), the trimmed clause before is used. When
  the previous quantity of the clause has counted words and a ``、`` follows them
  (``610家商业银行借记卡余额查询、近150家…``), those words belong to the previous item of the
  list, not to this number's metric, so they are skipped;
- ``counted``: for a number not in a change clause and followed directly by Chinese words
  (``近1000家政企单位``), those words up to ``、``, a clause break or a digit, cut before the
  first word of :data:`AFTER_STOP` (verbs and position words seen after counts here);
- ``what``: entity, metric and counted joined by spaces (a reading label, not a parse);
  when a clause says 分别 ("respectively") before its numbers and names as many entities
  as it has numbers (``喜马拉雅、哔哩哔哩用户数分别同比增长30%和110%``), they are paired
  in order;
- ``growth``: the clause says a change (:data:`GROWTH_WORDS`);
- ``qualifier_word``: the qualifier's Chinese surface (近, 余, 以上 ...) from qualifiers.csv;
- ``answer``: ``"<exchange>. <speaker>"`` (questions get `` (question)``).

These are string rules, checked on the real rows in ``tests/test_numbers.py``; they
label what a number is about for reading, they are not what the speaker said it is.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from online_economy import plotting, tables
from online_economy.quantities import load_qualifiers
from online_economy.taxonomy import load_categories, load_domains, load_entities

#: Words that mark a change: a percentage in such a clause is a growth rate.
GROWTH_WORDS = ("倍增", "增长", "提升", "增加")
#: Change words removed from a metric to get the thing that changed (:func:`subject`).
CHANGE_WORDS = ("同比", "增长", "提升", "增加", "倍增", "了")
#: Words removed from the start of a metric.
LEAD = (
    "例如", "又如", "比如", "如", "总的来说", "其中", "目前", "可将", "已", "实现", "在", "就",
    "、", "和", "及",
)
#: Words removed wherever they occur in a metric.
FILLER = ("分别", "累计", "共有", "共为")
#: Words removed from the end of a metric (longest first; qualifiers are added).
TRAIL = (
    "由原来的", "稳定在", "增加到", "达到", "已有", "实现", "达", "有", "为", "在", "了",
    "的", "和", "及", "、", "已", "共", "这",
)
#: Words after a count where the counted thing ends (seen in this transcript).
AFTER_STOP = ("提供", "开展", "轮流", "在线", "参与", "安装", "基础上", "跨院", "代表", "大致")
QUOTES = "“”\"《》"
BREAK = re.compile(r"[,，;；。！？!?：:、0-9０-９]")
CJK = re.compile(r"[\u4e00-\u9fff]")
SCOPE_BREAK = ";；"
RESPECTIVELY = "分别"
NO_QUALIFIER = "none"
NO_DOMAIN = "none"
#: Group label in :func:`plot_levels` for numbers written without a measure word (5000万以上).
NO_MEASURE_WORD = "(no measure word)"

TIDY_COLUMNS = [
    "quantity", "surface", "value", "unit", "qualifier", "qualifier_word", "kind",
    "entity", "metric", "counted", "what", "growth", "domain", "domain_zh", "category",
    "domain_basis", "answer", "exchange", "party", "start", "end", "sentence_start",
    "sentence_end", "clause",
]


def _strip(words: str, lead: tuple[str, ...], trail: tuple[str, ...]) -> str:
    """Remove ``lead`` words from the start and ``trail`` words from the end until stable."""
    lead = tuple(sorted(lead, key=len, reverse=True))
    trail = tuple(sorted(trail, key=len, reverse=True))
    changed = True
    while changed and words:
        changed = False
        for w in lead:
            if words.startswith(w):
                words, changed = words[len(w):], True
                break
        for w in trail:
            if words.endswith(w):
                words, changed = words[: -len(w)], True
                break
    return words


def scope_start(text: str, sentence_start: int, pos: int) -> int:
    """Where the number's part of the sentence begins: after the last ``;`` before ``pos``."""
    cut = max(text.rfind(c, sentence_start, pos) for c in SCOPE_BREAK)
    return cut + 1 if cut >= 0 else sentence_start


def entities_in(text: str, lo: int, hi: int, names: list[str] | None = None) -> list[str]:
    """The entity names written in ``text[lo:hi]``, in order, longest match first, no repeats."""
    if names is None:
        names = [str(n) for n in load_entities()["name"]]
    taken = [False] * (hi - lo)
    found: list[tuple[int, str]] = []
    for name in sorted(names, key=len, reverse=True):
        i = text.find(name, lo, hi)
        while i >= 0 and i + len(name) <= hi:
            span = range(i - lo, i - lo + len(name))
            if not any(taken[j] for j in span):
                for j in span:
                    taken[j] = True
                found.append((i, name))
            i = text.find(name, i + 1, hi)
    out: list[str] = []
    for _, name in sorted(found):
        if name not in out:
            out.append(name)
    return out


def trim_metric(words: str, entities: list[str] | tuple[str, ...] = ()) -> str:
    """Metric words from the text before a number: entities, quotes and filler removed."""
    for name in sorted(entities, key=len, reverse=True):
        words = words.replace(name, "")
    for ch in QUOTES:
        words = words.replace(ch, "")
    for w in FILLER:
        words = words.replace(w, "")
    qualifiers = tuple(q.surface for q in load_qualifiers().values() if q.position == "before")
    return _strip(words.strip(), LEAD, TRAIL + qualifiers)


def counted_words(text: str, end: int, hi: int) -> str:
    """The words right after a number (``近1000家政企单位提供`` -> ``政企单位``), or "".

    They stop at ``、``, a clause break, a digit (the next number) or a word of
    :data:`AFTER_STOP`; a leading 和/及/与 is dropped (``30%和110%``); a result that does
    not start with a Chinese character is "".
    """
    words = text[end:hi]
    m = BREAK.search(words)
    if m:
        words = words[: m.start()]
    for w in AFTER_STOP:
        i = words.find(w)
        if i >= 0:
            words = words[:i]
    words = _strip(words, ("和", "及", "与"), ())
    return words if CJK.match(words) else ""


def subject(metric: str) -> str:
    """The thing that changed: ``metric`` without change words (``订单量增长`` -> ``订单量``)."""
    return _strip(metric, (), CHANGE_WORDS)


def is_growth(clause: str) -> bool:
    """True if the clause states a change (增长, 提升, 增加, 倍增)."""
    return any(w in clause for w in GROWTH_WORDS)


def qualifier_word(surface: str) -> str:
    """The qualifier as written in ``surface`` (``近1000家`` -> ``近``), or ""."""
    best = ""
    for q in load_qualifiers().values():
        hit = surface.startswith(q.surface) if q.position == "before" else (
            surface.endswith(q.surface) or q.surface in surface[1:]
        )
        if hit and len(q.surface) > len(best):
            best = q.surface
    return best


def tidy_quantities(table: pd.DataFrame | None = None, text: str | None = None) -> pd.DataFrame:
    """Every quantity with entity, metric, counted, what, growth, qualifier word and answer."""
    parsed = tables.raw_parsed()
    table = tables.quantities_table(parsed) if table is None else table
    text = parsed.text if text is None else text
    names = [str(n) for n in load_entities()["name"]]
    rows = []
    prev: dict[str, object] = {}
    for r in table.itertuples(index=False):
        sentence_start, sentence_end = int(r.sentence_start), int(r.sentence_end)
        lo, hi = tables.clause_bounds(text, r.start, r.end, sentence_start, sentence_end)
        scope = scope_start(text, sentence_start, r.start)
        entity = entities_in(text, scope, r.start, names)
        same_sentence = prev.get("sentence_start") == sentence_start
        same_clause = same_sentence and int(prev["end"]) > lo  # type: ignore[call-overload]
        left = int(prev["end"]) if same_clause else lo  # type: ignore[call-overload]
        sibling = str(prev.get("counted", "")) + "、"
        if same_clause and len(sibling) > 1 and text.startswith(sibling, left):
            left += len(sibling)  # the previous list item's counted words, then 、
        metric = trim_metric(text[left:r.start], entity)
        if not metric and same_clause:
            metric = str(prev["metric"])
        elif metric and not subject(metric) and same_sentence:
            metric = subject(str(prev["metric"])) + metric
        growth = is_growth(text[lo:hi])
        counted = "" if growth else counted_words(text, int(r.end), hi)
        if not metric and not counted and lo > scope:
            before = tables.clause_bounds(text, lo - 1, lo - 1, scope, lo - 1)
            metric = trim_metric(text[before[0]:before[1]], entity)
        rows.append({
            **r._asdict(),
            "qualifier": r.qualifier or NO_QUALIFIER,
            "qualifier_word": qualifier_word(str(r.surface)),
            "entity": "/".join(entity),
            "metric": metric,
            "counted": counted,
            "what": " ".join(p for p in ("/".join(entity), metric, counted) if p),
            "growth": growth,
            "domain": r.domain or NO_DOMAIN,
            "answer": f"{r.exchange}. {r.party}" + (" (question)" if r.role == "question" else ""),
        })
        rows[-1]["_clause"] = (sentence_start, lo)
        prev = {"sentence_start": sentence_start, "end": r.end, "metric": metric,
                "counted": counted}
    frame = pd.DataFrame(rows)
    for (_, lo), group in frame.groupby("_clause"):
        names = str(group["entity"].iat[0]).split("/")
        same = group["entity"].nunique() == 1 and len(names) == len(group) > 1
        if same and RESPECTIVELY in text[lo:int(group["start"].iat[0])]:
            frame.loc[group.index, "entity"] = names
            frame.loc[group.index, "what"] = [
                " ".join(p for p in (n, m, c) if p)
                for n, m, c in zip(names, group["metric"], group["counted"], strict=True)
            ]
    return frame[TIDY_COLUMNS]


def level_label(
    entity: str, metric: str, counted: str, width: int = 16, fallback: str = ""
) -> str:
    """A short chart label: the counted words, else the metric, else the entity, else ``fallback``.

    ``plot_levels`` passes the number's clause as ``fallback`` (``这3类12个领域…`` for 3类).
    """
    label = counted or metric or entity or fallback
    return label if len(label) <= width else label[: width - 1] + "…"


def growth_rates(tidy: pd.DataFrame) -> pd.DataFrame:
    """The percentages whose clause states a change, with a chart label (entity + subject)."""
    out = tidy[(tidy["kind"] == "percent") & tidy["growth"]].copy()
    pairs = zip(out["entity"], out["metric"], strict=True)
    out["label"] = [" ".join(p for p in (e, subject(m)) if p) for e, m in pairs]
    return out


def levels(tidy: pd.DataFrame) -> pd.DataFrame:
    """The quantities that are not percentages (counts, money, weights ...)."""
    return tidy[tidy["kind"] != "percent"].copy()


def _category_key(category: object, domain: object) -> str:
    """Category id, ``unplaced`` (a domain the transcript does not place) or ``none``."""
    if isinstance(category, str) and category:
        return category
    return plotting.UNPLACED if domain != NO_DOMAIN else NO_DOMAIN


def evidence_by_domain(tidy: pd.DataFrame) -> pd.DataFrame:
    """All twelve domains in plan order: quantities and distinct sentences with numbers."""
    domains = load_domains()
    rows = []
    for d in domains.itertuples():
        sub = tidy[tidy["domain"] == d.id]
        rows.append({
            "domain": d.name_zh, "domain_en": d.name_en,
            "category": _category_key(d.category if not pd.isna(d.category) else "", d.id),
            "quantities": len(sub), "sentences": sub["sentence_start"].nunique(),
        })
    return pd.DataFrame(rows)


def evidence_by_category(tidy: pd.DataFrame) -> pd.DataFrame:
    """Quantities and sentences per category id, then ``unplaced`` and ``none``."""
    keys = [_category_key(c, d) for c, d in zip(tidy["category"], tidy["domain"], strict=True)]
    order = [*load_categories()["id"], plotting.UNPLACED, NO_DOMAIN]
    rows = []
    for key in order:
        sub = tidy[[k == key for k in keys]]
        rows.append({
            "category": key, "quantities": len(sub),
            "sentences": sub["sentence_start"].nunique(),
        })
    return pd.DataFrame(rows)


def qualifier_counts(tidy: pd.DataFrame) -> pd.DataFrame:
    """Per qualifier (approx, over, under, none): count, words used, words the table knows."""
    known = load_qualifiers().values()
    rows = []
    for qual in ("approx", "over", "under", NO_QUALIFIER):
        sub = tidy[tidy["qualifier"] == qual]
        used = sorted(set(sub["qualifier_word"]) - {""}, key=list(sub["qualifier_word"]).index)
        rows.append({
            "qualifier": qual, "quantities": len(sub), "words_used": "、".join(used),
            "words_known": "、".join(q.surface for q in known if q.qualifier == qual),
            "examples": "、".join(sub["surface"].head(3)),
        })
    return pd.DataFrame(rows)


def _colour_keys(frame: pd.DataFrame) -> list[str]:
    """Colour key per row: category id or ``unplaced`` (for unplaced and no domain)."""
    return [
        c if isinstance(c, str) and c else plotting.UNPLACED
        for c in frame["category"]
    ]


def _legend(
    ax: plt.Axes, keys: list[str], loc: str = "lower right",
    anchor: tuple[float, float] | None = None,
) -> None:
    """A legend with the categories present, in the transcript's order, then ``unplaced``."""
    colours, hatches = plotting.category_colours(), plotting.category_hatches()
    cats = load_categories()
    names = {  # the short gloss (before the colon) keeps the legend clear of the data
        str(i): f"{z} ({str(g).split(':')[0]})"
        for i, z, g in zip(cats["id"], cats["name_zh"], cats["gloss_en"], strict=True)
    }
    names[plotting.UNPLACED] = "unplaced or no domain"
    handles = [
        Patch(facecolor=colours[k], hatch=hatches[k], edgecolor="#555555", label=names[k])
        for k in [*cats["id"], plotting.UNPLACED] if k in keys
    ]
    ax.legend(handles=handles, loc=loc, bbox_to_anchor=anchor, fontsize=8)


def plot_growth_rates(growth: pd.DataFrame) -> Figure:
    """Horizontal bars of growth rates, labelled with what grew, coloured by category."""
    data = growth.sort_values("value")
    keys = _colour_keys(data)
    colours, hatches = plotting.category_colours(), plotting.category_hatches()
    fig, ax = plt.subplots(figsize=(8.0, 0.42 * len(data) + 1.2))
    y = range(len(data))
    bars = ax.barh(y, data["value"], color=[colours[k] for k in keys], edgecolor="#555555",
                   linewidth=0.5)
    for bar, key in zip(bars, keys, strict=True):
        bar.set_hatch(hatches[key])
    pairs = zip(data["label"], data["surface"], strict=True)
    ax.set_yticks(list(y), [f"{lab} ({s})" for lab, s in pairs])
    ax.bar_label(bars, labels=[s for s in data["surface"]], padding=3, fontsize=8)
    ax.set_xlabel("Stated growth (%)")
    ax.set_xlim(0, data["value"].max() * 1.15)
    ax.set_title("Growth rates stated in the press conference")
    _legend(ax, keys)
    return fig


def plot_levels(level: pd.DataFrame) -> Figure:
    """Dots on a log scale, one row per quantity, grouped by unit, coloured by category."""
    data = level.sort_values(["unit", "value"], kind="stable").reset_index(drop=True)
    keys = _colour_keys(data)
    colours = plotting.category_colours()
    fig, ax = plt.subplots(figsize=(8.0, 0.24 * len(data) + 1.2))
    ax.scatter(data["value"], range(len(data)), c=[colours[k] for k in keys],
               edgecolors="#333333", linewidths=0.5, s=30, zorder=3)
    parts = zip(data["entity"], data["metric"], data["counted"], data["clause"], data["surface"],
                strict=True)
    labels = [f"{level_label(e, m, c, fallback=k)} ({s})" for e, m, c, k, s in parts]
    ax.set_yticks(range(len(data)), labels, fontsize=7)
    ax.set_xscale("log")
    ax.invert_yaxis()
    for i in range(1, len(data)):
        if data["unit"].iat[i] != data["unit"].iat[i - 1]:
            ax.axhline(i - 0.5, color="#BBBBBB", linewidth=0.5)
    ax.grid(axis="x", color="#EEEEEE", linewidth=0.5)
    ax.set_xlabel("Stated value in base units (log scale; 万 and 亿 multiplied out)")
    ax.set_title("Levels: every non-percentage quantity, grouped by unit")
    blend = ax.get_yaxis_transform()
    for unit, rows in data.groupby("unit", sort=False).groups.items():
        middle = (min(rows) + max(rows)) / 2
        ax.text(1.01, middle, unit or NO_MEASURE_WORD, transform=blend, va="center", fontsize=8,
                color="#555555")
    _legend(ax, keys, loc="upper right", anchor=(1.0, 0.955))
    return fig

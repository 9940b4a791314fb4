"""The project's key findings, each computed from the raw transcript, and one summary figure.

:func:`key_findings` gives 4–6 short English lines (shown on the report's index page);
:func:`findings_table` gives every number behind them with the span or table it comes
from; :func:`summary_figure` draws the twelve domains grouped by category, with domain
mentions and attributed quantities per domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from online_economy import classify, numbers, paths, plotting, tables, taxonomy
from online_economy.parse import ParsedTranscript

#: Group order of the summary figure: the transcript's three categories, then the unplaced.
GROUPS = ("new", "shift", "scale", plotting.UNPLACED)
SUMMARY_FIGURE = "06-summary"
_CLAUSE_BREAK = re.compile(r"[,，;；:：。！？!?]")
_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Fact:
    """One computed number: what it is, its value, and where it comes from."""

    finding: str
    value: float
    source: str
    start: int | None = None
    end: int | None = None


@dataclass
class Findings:
    """Every computed number behind the key findings (see :func:`compute`)."""

    facts: list[Fact] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def add(self, finding: str, value: float, source: str,
            start: int | None = None, end: int | None = None) -> float:
        """Record one number and return it."""
        self.facts.append(Fact(finding, value, source, start, end))
        return value


def answer_lengths(parsed: ParsedTranscript) -> pd.DataFrame:
    """Each answer's length in characters, whitespace (line breaks, indents) not counted."""
    turns = parsed.turns_frame().query("role == 'answer'")
    return pd.DataFrame({
        "exchange": turns["exchange"].to_numpy(),
        "party": turns["party"].to_numpy(),
        "start": turns["start"].to_numpy(),
        "end": turns["end"].to_numpy(),
        "characters": [len(_WHITESPACE.sub("", t)) for t in turns["text"]],
    })


def growth_rates(quantities: pd.DataFrame) -> pd.DataFrame:
    """Percentages in the answers whose clause states a change.

    The rule is :func:`online_economy.numbers.is_growth` (增长, 提升, 增加 or 倍增 in the
    clause), the same one notebook 04 uses, so both count the same growth rates.
    """
    pct = quantities[(quantities["kind"] == "percent") & (quantities["role"] == "answer")]
    return pct[[numbers.is_growth(str(c)) for c in pct["clause"]]]


def lead_in(text: str, sentence_start: int, start: int, end: int) -> tuple[int, int]:
    """The span from the start of the clause before ``text[start:end]``'s own clause to ``end``.

    So 167% comes with what grew: ``全市生鲜电商平台交易额达到88亿元,同比增长167%``.
    """
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text, sentence_start, start)]
    left = breaks[-2] + 1 if len(breaks) >= 2 else sentence_start
    return left, end


def domain_counts(parsed: ParsedTranscript) -> pd.DataFrame:
    """The twelve domains (plan order) with category (or ``unplaced``), mentions and quantities."""
    domains = taxonomy.load_domains()
    mentions = tables.domain_mentions(parsed)["domain"].value_counts()
    quantities = tables.quantities_table(parsed)
    figures = quantities.loc[quantities["domain"] != "", "domain"].value_counts()
    return pd.DataFrame({
        "domain": domains["id"].astype(str).to_numpy(),
        "name_zh": domains["name_zh"].astype(str).to_numpy(),
        "name_en": domains["name_en"].astype(str).to_numpy(),
        "group": [plotting.UNPLACED if pd.isna(c) else str(c) for c in domains["category"]],
        "mentions": [int(mentions.get(d, 0)) for d in domains["id"]],
        "quantities": [int(figures.get(d, 0)) for d in domains["id"]],
    })


def _classification(f: Findings, parsed: ParsedTranscript) -> str:
    """The line on the project's category inference (notebook 05's classifier).

    It reports the leave-one-out check on the nine placed domains (how many categories each
    scorer recovers) and the inferred category of the three unplaced ones; inference is
    labelled as such in the line itself.
    """
    loo = classify.leave_one_out(parsed)
    unplaced = classify.predict_unplaced(parsed)
    n = len(loo)
    cue = int((loo["cue_pred"] == loo["true"]).sum())
    sim = int((loo["sim_pred"] == loo["true"]).sum())
    predictions = list(zip(unplaced["domain_zh"], unplaced["prediction"], strict=True))
    f.add("placed domains recovered by the cue scorer (leave-one-out)", cue, "classify")
    f.add("placed domains recovered by the similarity scorer (leave-one-out)", sim, "classify")
    names = dict(zip(taxonomy.load_categories()["id"], taxonomy.load_categories()["name_zh"],
                     strict=True))
    groups: dict[str, list[str]] = {}
    for domain, prediction in predictions:
        groups.setdefault(str(prediction), []).append(str(domain))
    parts = []
    for prediction, domains in groups.items():
        listed = " and ".join(domains)
        if prediction in names:
            parts.append(f"both scorers put {listed} in {names[prediction]}")
        elif prediction == "no evidence":
            parts.append(f"{listed} {'have' if len(domains) > 1 else 'has'} no context to score")
        else:
            parts.append(f"{listed}: {prediction}")
    return (
        f"Inference, not the transcript: holding each placed domain out, a cue scorer recovers "
        f"{cue} of {n} categories and a similarity scorer {sim}; {'; '.join(parts)}."
    )


def _structure(f: Findings, parsed: ParsedTranscript) -> str:
    turns = parsed.turns_frame()
    n_q = f.add("questions", int((turns["role"] == "question").sum()), "turns_frame()")
    n_a = f.add("answers", int((turns["role"] == "answer").sum()), "turns_frame()")
    outlets = f.add("outlets asking", turns.loc[turns["role"] == "question", "party"].nunique(),
                    "turns_frame()")
    officials = f.add("officials answering",
                      turns.loc[turns["role"] == "answer", "party"].nunique(), "turns_frame()")
    lengths = answer_lengths(parsed)
    long = lengths.loc[lengths["characters"].idxmax()]
    short = lengths.loc[lengths["characters"].idxmin()]
    f.add(f"longest answer ({long['party']}), characters", int(long["characters"]),
          "answer text, whitespace removed", int(long["start"]), int(long["end"]))
    f.add(f"shortest answer ({short['party']}), characters", int(short["characters"]),
          "answer text, whitespace removed", int(short["start"]), int(short["end"]))
    return (
        f"{n_q} questions from {outlets} outlets, {n_a} answers by {officials} officials; the "
        f"answers run from {short['characters']} characters ({short['party']}) to "
        f"{long['characters']} ({long['party']}), whitespace not counted."
    )


def _categories(f: Findings) -> str:
    cats = taxonomy.load_categories()
    domains = taxonomy.load_domains()
    placed = domains[domains["category"].notna()]
    unplaced = domains[domains["category"].isna()]
    lo, hi = int(cats["paragraph_start"].min()), int(cats["paragraph_end"].max())
    n_cat = f.add("categories named by 刘平", len(cats), "categories.csv (刘平's three paragraphs)",
                  lo, hi)
    n_placed = f.add("domains placed in a category", len(placed),
                     "domains.csv (包括…等 lists in those paragraphs)", lo, hi)
    f.add("domains left unplaced", len(unplaced), "domains.csv (empty category)")
    names = list(unplaced["name_zh"].astype(str))
    return (
        f"刘平 groups the {len(domains)} domains into {n_cat} categories but names only "
        f"{n_placed} of them; {', '.join(names[:-1])} and {names[-1]} are left unplaced."
    )


def _coverage(f: Findings, parsed: ParsedTranscript, counts: pd.DataFrame) -> str:
    mentioned = counts[counts["mentions"] > 0]
    never = counts[counts["mentions"] == 0]
    f.add("domain mentions, whole transcript", int(counts["mentions"].sum()), "domain_mentions()")
    n_mentioned = f.add("domains mentioned at least once", len(mentioned), "domain_mentions()")
    f.add("domains never mentioned", len(never), "domain_mentions()")
    coverage = tables.coverage_matrix(parsed)
    focus = []
    silent = []
    for column in coverage.columns[1:]:  # the four answers after 刘平's overview
        party = column.split(". ", 1)[1]
        top = coverage[column]
        if top.max() == 0:
            silent.append(party)
            f.add(f"domain mentions in {party}'s answer", 0, "coverage_matrix()")
            continue
        f.add(f"mentions of {top.idxmax()} in {party}'s answer (its most mentioned)",
              int(top.max()), "coverage_matrix()")
        focus.append(f"{party} {top.idxmax()} ({int(top.max())})")
    names = " and ".join(never["name_zh"])
    silence = f", {' and '.join(silent)} none" if silent else ""
    return (
        f"{n_mentioned} of the {len(counts)} domains are mentioned (by name, an editorial term "
        f"or a linked entity; {names} never); beyond 刘平's overview, most mentioned per "
        f"answer: {', '.join(focus)}{silence}."
    )


def _quantities(f: Findings, parsed: ParsedTranscript, quantities: pd.DataFrame) -> str:
    answers = quantities[quantities["role"] == "answer"]
    n = f.add("quantities in the answers", len(answers), "quantities_table()")
    f.add("quantities in the questions", int((quantities["role"] == "question").sum()),
          "quantities_table()")
    rates = growth_rates(quantities)
    n_rates = f.add("growth rates (% in a clause stating a change)", len(rates),
                    "quantities_table(), numbers.is_growth")
    top = rates.loc[rates["value"].idxmax()]
    start, end = lead_in(parsed.text, int(top["sentence_start"]), int(top["start"]),
                         int(top["end"]))
    value = f.add("largest growth rate, %", float(top["value"]), "quantities_table()",
                  start, end)
    return (
        f"{n} quantities in the {answers['turn'].nunique()} answers, {n_rates} of them growth "
        f"rates; the largest is {value:g}% ({top['party']}: {parsed.text[start:end]})."
    )


def _figures(f: Findings, quantities: pd.DataFrame, counts: pd.DataFrame) -> str:
    answers = quantities[quantities["role"] == "answer"]
    per_party = answers.groupby("party", sort=False).size()
    most = str(per_party.idxmax())
    f.add(f"quantities in {most}'s answer (the most)", int(per_party.max()), "quantities_table()")
    with_figures = f.add("domains with at least one quantity",
                         int((counts["quantities"] > 0).sum()),
                         "quantities_table() (rule-based domain)")
    n_top = int(counts["quantities"].max())
    tops = list(counts.loc[counts["quantities"] == n_top, "name_zh"])
    for name in tops:
        f.add(f"quantities attributed to {name} (the most)", n_top,
              "quantities_table() (rule-based domain)")
    most_domains = f"{' and '.join(tops)} {n_top}{' each' if len(tops) > 1 else ''}"
    loose = answers[answers["domain"] == ""]
    n_loose = f.add("answer quantities with no domain", len(loose), "quantities_table()")
    loose_by = loose.groupby("party", sort=False).size()
    all_loose = [p for p, k in loose_by.items() if k == per_party[p]]
    whole = ""
    if all_loose:
        whole = f", including all {int(per_party[all_loose[0]])} of {all_loose[0]}'s,"
    return (
        f"{most}'s answer has the most figures ({int(per_party.max())}); {with_figures} of the "
        f"{len(counts)} domains get at least one ({most_domains}); {n_loose} answer figures"
        f"{whole} attach to no domain."
    )


@cache
def compute() -> Findings:
    """All findings of the project's transcript (cached): lines and the numbers behind them."""
    parsed = tables.raw_parsed()
    quantities = tables.quantities_table(parsed)
    counts = domain_counts(parsed)
    f = Findings()
    f.lines = [
        _structure(f, parsed),
        _categories(f),
        _coverage(f, parsed, counts),
        _quantities(f, parsed, quantities),
        _figures(f, quantities, counts),
        _classification(f, parsed),
    ]
    return f


def key_findings() -> list[str]:
    """4–6 short English lines, every number computed from data/raw."""
    return list(compute().lines)


def _plain(value: float) -> float:
    """An integral value as int (5, not 5.0), so the table reads naturally."""
    return int(value) if float(value).is_integer() else float(value)


def findings_table() -> pd.DataFrame:
    """finding, value, source (table or file), start/end (span of the raw text, or empty)."""
    facts = compute().facts
    return pd.DataFrame({
        "finding": [x.finding for x in facts],
        "value": pd.array([_plain(x.value) for x in facts], dtype=object),
        "source": [x.source for x in facts],
        "start": pd.array([x.start for x in facts], dtype="Int64"),
        "end": pd.array([x.end for x in facts], dtype="Int64"),
    })


def _legend_label(group: str, categories: pd.DataFrame) -> str:
    if group == plotting.UNPLACED:
        return "not placed by the transcript"
    row = categories.set_index("id").loc[group]
    return f"{row['name_zh']} ({str(row['gloss_en']).split(':')[0]})"


def summary_figure() -> Figure:
    """The twelve domains by category (unplaced apart): mentions and attributed quantities."""
    counts = domain_counts(tables.raw_parsed())
    counts["rank"] = counts["group"].map({g: i for i, g in enumerate(GROUPS)})
    counts = counts.sort_values(["rank"], kind="stable").reset_index(drop=True)
    y = [i + 0.6 * r for i, r in enumerate(counts["rank"])]  # a gap between groups
    colours, hatches = plotting.category_colours(), plotting.category_hatches()
    categories = taxonomy.load_categories()
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 5.6), sharey=True)
    for ax, column, label in (
        (axes[0], "mentions", "mentions incl. editorial terms\n(count, whole transcript)"),
        (axes[1], "quantities", "quantities attributed\n(count, rule-based)"),
    ):
        ax.barh(y, counts[column], height=0.8,
                color=[colours[g] for g in counts["group"]],
                hatch=None, edgecolor="white", linewidth=0.5)
        for bar, g in zip(ax.patches, counts["group"], strict=True):
            bar.set_hatch(hatches[g])
        for yi, v in zip(y, counts[column], strict=True):
            ax.text(v + 0.3, yi, str(int(v)), va="center", fontsize=8, color="#333333")
        ax.set_xlabel(label)
        ax.set_xlim(0, max(counts[column].max() * 1.15, 1))
    axes[0].set_yticks(y, [f"{z}  {e}" for z, e in zip(counts["name_zh"], counts["name_en"],
                                                        strict=True)])
    axes[0].invert_yaxis()
    handles = [Patch(facecolor=colours[g], hatch=hatches[g], edgecolor="white",
                     label=_legend_label(g, categories)) for g in GROUPS]
    axes[1].legend(handles=handles, loc="lower right", fontsize=8)
    fig.suptitle("The twelve domains of the action plan in the press conference, by 刘平's "
                 "categories", x=0.02, ha="left", fontsize=12)
    fig.tight_layout()
    plotting.source_note(fig, plotting.SOURCE_WITH_PLAN)
    return fig


def markdown_block() -> str:
    """The key findings as a Markdown list (the README's findings block)."""
    return "".join(f"- {line}\n" for line in key_findings())


def main(argv: list[str] | None = None) -> int:
    """``python -m online_economy.findings [--markdown | --readme]``: print or update them."""
    from online_economy.cli import OneLineParser

    parser = OneLineParser(prog="python -m online_economy.findings")
    parser.add_argument("--markdown", action="store_true", help="print as a Markdown list")
    parser.add_argument("--readme", action="store_true", help="rewrite the README's findings block")
    args = parser.parse_args(argv)
    if args.readme:
        readme = paths.ROOT / "README.md"
        text = readme.read_text(encoding="utf-8")
        head, rest = text.split("<!-- findings:start", 1)
        marker, rest = rest.split("-->\n", 1)
        _, tail = rest.split("<!-- findings:end -->", 1)
        readme.write_text(
            f"{head}<!-- findings:start{marker}-->\n{markdown_block()}<!-- findings:end -->{tail}",
            encoding="utf-8",
        )
        print("updated the findings block of README.md")
    elif args.markdown:
        print(markdown_block(), end="")
    else:
        print("\n".join(key_findings()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

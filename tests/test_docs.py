"""Figures quoted in the prose documents are the ones the code computes."""

from __future__ import annotations

import re

import pytest

from online_economy import paths, tables
from online_economy.glossary import load_glossary

README = paths.ROOT / "README.md"
TEACHING = paths.ROOT / "docs" / "teaching.md"


@pytest.fixture(scope="module")
def parsed():
    return tables.raw_parsed()


def test_teaching_guide_figures(parsed) -> None:
    text = TEACHING.read_text(encoding="utf-8")
    assert f"{len(parsed.text):,} characters" in text
    turns = parsed.turns_frame()
    first_q, first_a = turns.iloc[0], turns.iloc[1]
    assert first_q["party"] == "解放日报" and first_a["party"] == "刘平"
    assert f"offsets {first_q['start']}–{first_a['end']}" in text
    assert f"lists {len(load_glossary())} Chinese terms" in text
    assert f"answer 1 (刘平), char {parsed.text.find('无中生有')}" in text


def test_readme_findings_blocks_are_generated() -> None:
    """README.md's block is the English findings of findings.json; README.zh-CN.md's (if any)
    the Chinese ones."""
    from online_economy.findings import BLOCK, READMES, markdown_block

    for lang, name in READMES.items():
        path = paths.ROOT / name
        if lang != "en" and not path.is_file():
            continue
        block = BLOCK.search(path.read_text(encoding="utf-8"))
        assert block is not None, f"{name} has no findings block"
        assert block.group(2) == markdown_block(lang), (
            f"{name} findings are stale: run `python -m online_economy.findings --readme`"
        )


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make report" in text and "make test" in text
    ci = (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)


def test_readme_figure_exists() -> None:
    text = README.read_text(encoding="utf-8")
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (paths.ROOT / target).is_file(), target


def test_readme_intro_figures_back_two_of_the_three_categories(parsed) -> None:
    """README: 刘平 backs the categories with companies and, for two of them, figures."""
    from online_economy.quantities import extract_quantities
    from online_economy.taxonomy import load_categories

    text = README.read_text(encoding="utf-8")
    assert "for two of the categories, figures" in text and "named nine of the twelve" in text
    counts = {}
    for row in load_categories().itertuples():
        paragraph = parsed.text[row.paragraph_start:row.paragraph_end]
        counts[row.id] = len(extract_quantities(paragraph))
    assert counts["shift"] == 0 and counts["new"] > 0 and counts["scale"] > 0

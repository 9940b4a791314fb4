"""The Chinese README: linked from the English one, its links resolve, and its findings
block carries the same figures as the English block."""

from __future__ import annotations

import re

from online_economy import paths

README = paths.ROOT / "README.md"
README_ZH = paths.ROOT / "README.zh-CN.md"
BLOCK = re.compile(r"<!-- findings:start.*?-->\n(.*?)<!-- findings:end -->", re.S)
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def findings(path) -> list[str]:
    block = BLOCK.search(path.read_text(encoding="utf-8"))
    assert block, f"{path.name} has no findings block"
    return [line for line in block.group(1).splitlines() if line.startswith("- ")]


def test_the_english_readme_links_the_chinese_one_near_the_top() -> None:
    head = README.read_text(encoding="utf-8").splitlines()[:5]
    assert any("(README.zh-CN.md)" in line for line in head)
    assert "](README.md)" in README_ZH.read_text(encoding="utf-8")


def test_every_finding_has_the_figures_of_its_english_line() -> None:
    english, chinese = findings(README), findings(README_ZH)
    assert len(chinese) == len(english) > 0
    for en, zh in zip(english, chinese, strict=True):
        assert sorted(NUMBER.findall(zh)) == sorted(NUMBER.findall(en)), (en, zh)


def test_it_names_the_two_commands_and_its_links_resolve() -> None:
    text = README_ZH.read_text(encoding="utf-8")
    assert "make report" in text and "make test" in text and "make lab" in text
    assert "transcript.html" in text and "CITATION.cff" in text
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if not target.startswith("http"):
            assert (paths.ROOT / target).exists(), target
    hanzi = len(re.findall(r"[\u4e00-\u9fff]", text))
    assert hanzi > 1500, "the Chinese README should be written in Chinese"

"""The lock file, environment.yml and pyproject.toml agree."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from write_environment_yml import lock_pins, render  # noqa: E402


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_is_generated_from_the_lock() -> None:
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert text == render(lock_pins()), "environment.yml is stale: run `make lock`"


def test_environment_yml_pins_equal_the_lock() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert [p for p in pip_section if p != "-e ."] == lock_pins()
    assert "python=3.11" in env["dependencies"]


def test_every_lock_line_is_an_exact_pin() -> None:
    pins = lock_pins()
    assert pins, "the lock is empty"
    for pin in pins:
        assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[^=\s;]+( ; .+)?$", pin), pin


def test_every_declared_dependency_is_locked() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    locked = {_name(p) for p in lock_pins()}
    missing = [d for d in declared if _name(d) not in locked]
    assert not missing, f"declared but not locked: {missing}"


def test_one_version_of_the_analysis_stack_for_every_python() -> None:
    """Notebook outputs must be byte-stable: numpy, pandas, matplotlib, jieba have one pin each."""
    pins = lock_pins()
    for name in ("numpy", "pandas", "matplotlib", "jieba"):
        lines = [p for p in pins if _name(p) == name]
        assert len(lines) == 1 and " ; " not in lines[0], lines

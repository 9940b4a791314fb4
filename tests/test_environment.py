"""The lock file, environment.yml and pyproject.toml agree."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
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


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _declared(*groups: str) -> set[str]:
    """Distribution names declared in the runtime dependencies and the named extras."""
    project = _project()
    requirements = list(project["dependencies"])
    for group in groups:
        requirements += project["optional-dependencies"][group]
    return {_name(r) for r in requirements if _name(r) != project["name"]}


def test_every_declared_dependency_is_locked() -> None:
    declared = _declared(*_project()["optional-dependencies"])
    locked = {_name(p) for p in lock_pins()}
    missing = sorted(declared - locked)
    assert not missing, f"declared but not locked: {missing}"


def test_dependencies_are_split_by_use() -> None:
    project = _project()
    assert {_name(r) for r in project["dependencies"]} == {"jieba", "pandas", "matplotlib"}
    assert set(project["optional-dependencies"]) == {"notebooks", "report", "test"}
    assert "pytest-randomly" in _declared("test")


def _imported(files: list[Path]) -> set[str]:
    """The top-level modules imported anywhere in ``files`` (inside functions too)."""
    names = set()
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    helpers = {p.stem for p in (ROOT / "tests").glob("*.py")}  # the tests' own modules
    local = {"online_economy", "write_environment_yml", "conftest", *helpers}
    return names - set(sys.stdlib_module_names) - local


def _distributions(modules: set[str]) -> dict[str, set[str]]:
    dists = packages_distributions()
    return {m: {_name(d) for d in dists.get(m, [m])} for m in modules}


def test_every_package_the_code_imports_is_declared() -> None:
    """The package's imports are runtime, notebooks or report dependencies; tests and tools
    may also use the test extra."""
    package = _imported(sorted((ROOT / "src").rglob("*.py")))
    rest = _imported([
        *sorted((ROOT / "tests").rglob("*.py")), *sorted((ROOT / "tools").rglob("*.py")),
        *sorted((ROOT / "benchmarks").rglob("*.py")), ROOT / "conftest.py",
    ])
    for modules, groups in ((package, ("notebooks", "report")), (rest, ("notebooks", "report",
                                                                         "test"))):
        declared = _declared(*groups)
        undeclared = {m: d for m, d in _distributions(modules).items() if not d & declared}
        assert not undeclared, f"imported but not declared: {undeclared}"
    assert {"jieba", "pandas", "matplotlib", "nbformat", "nbclient", "jinja2"} <= package


def test_one_version_of_the_analysis_stack_for_every_python() -> None:
    """Notebook outputs must be byte-stable: numpy, pandas, matplotlib, jieba have one pin each."""
    pins = lock_pins()
    for name in ("numpy", "pandas", "matplotlib", "jieba"):
        lines = [p for p in pins if _name(p) == name]
        assert len(lines) == 1 and " ; " not in lines[0], lines

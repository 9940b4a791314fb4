"""The student copy of the notebooks: no solutions, and nothing a student changed overwritten."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from online_economy import paths, teaching
from online_economy.errors import InputError
from online_economy.report import read_notebook
from online_economy.teaching import NOTEBOOKS, main, student_version, write_student_copy


def _code(source: str, tags: list[str] | None = None, output: str = "") -> nbformat.NotebookNode:
    cell = v4.new_code_cell(source, execution_count=1)
    cell.outputs = [v4.new_output("stream", name="stdout", text=output)] if output else []
    if tags:
        cell.metadata["tags"] = tags
    return cell


def _md(source: str, tags: list[str] | None = None) -> nbformat.NotebookNode:
    cell = v4.new_markdown_cell(source)
    if tags:
        cell.metadata["tags"] = tags
    return cell


def _analysis(number: int, exercises: list[str]) -> nbformat.NotebookNode:
    cells = [_md(f"# Notebook {number}"), _code("print('kept')", output="kept\n")]
    for ex in exercises:
        cells.append(_md(f"### Exercise {ex}\n\nCount the 等.", ["exercise"]))
        cells.append(_code("# your code here\nprint(1)", ["exercise"], output="1\n"))
        cells.append(_code("print('answer')", ["solution"], output="answer\n"))
        cells.append(_md("The answer is 34.", ["solution", "hide"]))
    return v4.new_notebook(cells=cells, metadata={"online_economy": {"summary": "test"}})


def _solutions(ids: list[str]) -> nbformat.NotebookNode:
    cells = [_md("# Solutions")]
    for sid in ids:
        cells += [_md(f"## Solution {sid}\n\nSee below."), _code("print(2)", output="2\n")]
    return v4.new_notebook(cells=cells)


def _save(nb: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A notebooks/ folder with two analysis notebooks, solutions and files to leave out."""
    folder = tmp_path / "notebooks"
    _save(_analysis(1, ["1.1", "1.2"]), folder / "01-source.ipynb")
    _save(_analysis(2, ["2.1", "2.2", "2.3"]), folder / "02-categories.ipynb")
    _save(_solutions(["1.1", "1.2"]), folder / "solutions" / "01-source-solutions.ipynb")
    _save(_solutions(["2.1", "2.2", "2.3"]), folder / "solutions" / "02-categories-solutions.ipynb")
    _save(_analysis(9, []), folder / "scratch.ipynb")
    (folder / "sanitize.cfg").write_text("[regex1]\n", encoding="utf-8")
    return folder


def _tags(nb: dict) -> list[list[str]]:
    return [c.get("metadata", {}).get("tags", []) for c in nb["cells"]]


def _exercise_text(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"]
            if c["cell_type"] == "markdown" and "exercise" in c["metadata"].get("tags", [])]


def test_student_copy_has_no_solutions(course: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in course.rglob("*") if p.is_file()}
    out = tmp_path / "students"
    written = write_student_copy(out, course)
    assert sorted(p.name for p in written) == [
        "01-source.ipynb",
        "02-categories.ipynb",
        "README.md",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [teaching.RECORD, *(p.name for p in written)]
    )
    assert not (out / "solutions").exists()
    for name in ("01-source.ipynb", "02-categories.ipynb"):
        nb = read_notebook(out / name)
        nbformat.validate(nbformat.reads((out / name).read_text(encoding="utf-8"), 4))
        assert not any("solution" in tags for tags in _tags(nb))
        assert not any("answer" in "".join(c["source"]) for c in nb["cells"])
        original = read_notebook(course / name)
        assert _exercise_text(nb) == _exercise_text(original)
        assert _exercise_text(nb)
        assert nb["metadata"] == original["metadata"]
    assert before == {p: p.read_bytes() for p in course.rglob("*") if p.is_file()}


def test_exercise_outputs_cleared_other_outputs_kept(course: Path, tmp_path: Path) -> None:
    write_student_copy(tmp_path / "students", course)
    nb = read_notebook(tmp_path / "students" / "02-categories.ipynb")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    exercise = [c for c in code if "exercise" in c["metadata"].get("tags", [])]
    other = [c for c in code if "exercise" not in c["metadata"].get("tags", [])]
    assert len(exercise) == 3 and len(other) == 1
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in exercise)
    assert all("print(1)" in "".join(c["source"]) for c in exercise)  # the starter code stays
    assert "".join(other[0]["outputs"][0]["text"]) == "kept\n"
    assert other[0]["execution_count"] == 1


def test_student_version_leaves_its_input_alone(course: Path) -> None:
    nb = read_notebook(course / "01-source.ipynb")
    snapshot = json.dumps(nb, sort_keys=True)
    copy = student_version(nb)
    assert json.dumps(nb, sort_keys=True) == snapshot
    assert len(copy["cells"]) == len(nb["cells"]) - 4


def test_student_copy_is_deterministic_and_has_a_readme(course: Path, tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in write_student_copy(tmp_path / "a", course)}
    second = {p.name: p.read_bytes() for p in write_student_copy(tmp_path / "a", course)}
    assert first == second
    readme = first["README.md"].decode("utf-8")
    assert readme.startswith("# Student copy")
    assert "`01-source.ipynb`, `02-categories.ipynb`" in readme
    assert "solution" in readme and "make student" in readme


@pytest.mark.parametrize("where", [".", "solutions", "solutions/../."])
def test_refuses_to_write_into_notebooks(course: Path, where: str) -> None:
    before = sorted(course.rglob("*"))
    with pytest.raises(InputError, match="refusing"):
        write_student_copy(course / where, course)
    assert sorted(course.rglob("*")) == before


def test_refuses_without_notebooks_or_onto_a_file(tmp_path: Path) -> None:
    (tmp_path / "notebooks").mkdir()
    with pytest.raises(InputError, match="no analysis notebooks"):
        write_student_copy(tmp_path / "out", tmp_path / "notebooks")
    assert not (tmp_path / "out").exists()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not a folder"):
        write_student_copy(tmp_path / "file", tmp_path / "notebooks")


def test_bad_notebook_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "01-bad.ipynb").write_text("{not json", encoding="utf-8")
    (tmp_path / "02-odd.ipynb").write_text('{"cells": 3}', encoding="utf-8")
    (tmp_path / "03-odd.ipynb").write_text(
        '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": {}}', encoding="utf-8")
    for name in ("01-bad.ipynb", "02-odd.ipynb"):
        with pytest.raises(InputError, match=f"cannot read the notebook .*{name}: "):
            read_notebook(tmp_path / name)
    with pytest.raises(InputError, match="not a notebook"):
        read_notebook(tmp_path / "03-odd.ipynb")


def test_cli_refuses_notebooks_with_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["students", "--out", str(NOTEBOOKS)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: refusing") and captured.err.count("\n") == 1


def test_module_runs_as_a_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "online_economy.teaching", "students", "--out", "notebooks/"],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: refusing") and result.stderr.count("\n") == 1


def test_cli_writes_the_student_copy(
    course: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(teaching, "NOTEBOOKS", course)
    out = tmp_path / "copy"
    assert main(["students", "--out", str(out)]) == 0
    assert capsys.readouterr() == (f"wrote 2 notebooks and README.md to {out}\n", "")
    assert (out / "README.md").is_file()


def test_a_notebook_the_student_changed_is_not_overwritten(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "students"
    write_student_copy(out, course)
    mine = out / "01-source.ipynb"
    edited = mine.read_text(encoding="utf-8").replace("Count the", "I counted the")
    mine.write_text(edited, encoding="utf-8")
    readme = (out / "README.md").read_bytes()
    (course / "02-categories.ipynb").write_text(
        (course / "02-categories.ipynb").read_text(encoding="utf-8").replace("等", "和"),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"not overwriting .*01-source\.ipynb: changed since"):
        write_student_copy(out, course)
    assert mine.read_text(encoding="utf-8") == edited  # nothing written at all
    assert "和" not in (out / "02-categories.ipynb").read_text(encoding="utf-8")
    assert (out / "README.md").read_bytes() == readme
    write_student_copy(out, course, force=True)
    assert "I counted" not in mine.read_text(encoding="utf-8")
    assert "和" in (out / "02-categories.ipynb").read_text(encoding="utf-8")
    write_student_copy(out, course)  # unchanged files are rewritten without --force


def test_a_file_there_before_any_copy_counts_as_changed(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "students"
    out.mkdir()
    (out / "01-source.ipynb").write_text("{}", encoding="utf-8")
    assert teaching.changed_by_student(out, ["01-source.ipynb", "02-categories.ipynb"]) == [
        "01-source.ipynb"
    ]
    with pytest.raises(InputError, match="not overwriting"):
        write_student_copy(out, course)


def test_a_failed_write_leaves_the_old_copy_whole(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import errno

    from online_economy import publish

    out = tmp_path / "students"
    write_student_copy(out, course)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (course / "01-source.ipynb").write_text(
        (course / "01-source.ipynb").read_text(encoding="utf-8").replace("等", "和"),
        encoding="utf-8",
    )
    real = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if self.name == "README.md":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    monkeypatch.setattr(teaching, "NOTEBOOKS", course)
    assert main(["students", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot write {out / 'README.md'}: No space left on device\n"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if publish.STAGING_MARK in p.name]
    assert not [p for p in out.iterdir() if publish.STAGING_MARK in p.name]


def test_student_cli_force_and_refusal(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(teaching, "NOTEBOOKS", course)
    out = tmp_path / "copy"
    assert main(["students", "--out", str(out)]) == 0
    (out / "02-categories.ipynb").write_text("{}", encoding="utf-8")
    capsys.readouterr()
    assert main(["students", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: not overwriting {out / '02-categories.ipynb'}: ")
    assert err.count("\n") == 1
    assert main(["students", "--out", str(out), "--force"]) == 0
    assert (out / "02-categories.ipynb").read_text(encoding="utf-8") != "{}"


@pytest.mark.parametrize("folder", ["src", "data/raw", "tests"])
def test_the_student_copy_never_goes_into_the_project_s_own_folders(folder: str) -> None:
    with pytest.raises(InputError, match="project's own files"):
        write_student_copy(paths.ROOT / folder / "students")

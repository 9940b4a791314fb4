"""Teaching helpers: a student copy of the notebooks without solutions, and a solutions check.

``python -m online_economy.teaching students [--out DIR]`` writes the student copy;
``python -m online_economy.teaching check`` checks that every exercise has one solution.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

from online_economy import paths
from online_economy.cli import OneLineParser
from online_economy.errors import InputError

NOTEBOOKS = paths.ROOT / "notebooks"
STUDENTS = paths.ROOT / "students"
PATTERN = "[0-9][0-9]-*.ipynb"
EXERCISE_TAG = "exercise"
SOLUTION_TAG = "solution"
MIN_EXERCISES, MAX_EXERCISES = 2, 4
EXERCISE_ID = re.compile(r"Exercise\s+(\d+\.\d+)")
SOLUTION_HEADING = re.compile(r"^#{1,6}\s*Solution\s+(\d+\.\d+)\b", re.MULTILINE)

Notebook = dict[str, Any]

README = """# Student copy of the notebooks

This folder is the student copy of the analysis notebooks of this project (a close,
reproducible reading of the Shanghai press conference of 13 April 2020 on the online
new economy, 在线新经济). It was written by `make student`
(`python -m online_economy.teaching students`) from `notebooks/`:

- the solutions notebooks (`notebooks/solutions/`) are not included;
- cells tagged `solution` are removed;
- cells tagged `exercise` have their outputs cleared; every other output is kept.

Notebooks: {names}.

Open them in the project's environment, for example with `.venv/bin/python -m jupyter lab
students/` from the repository root: they find the transcript and the reference data through
the installed `online_economy` package, so they need no paths of their own.

Running `make student` again overwrites these notebooks: save your own work under
another file name first.
"""


def cell_tags(cell: dict[str, Any]) -> list[str]:
    """The cell's tags (``metadata.tags``), or an empty list."""
    return list(cell.get("metadata", {}).get("tags", []))


def cell_text(cell: dict[str, Any]) -> str:
    """The cell's source as one string (nbformat allows a string or a list of lines)."""
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def read_notebook(path: Path) -> Notebook:
    """Read a notebook's JSON; bad files raise InputError."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the notebook {path}: {exc}") from exc
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise InputError(f"{path} is not a notebook (no list of cells)")
    return nb


def write_notebook(nb: Notebook, path: Path) -> None:
    """Write a notebook as nbformat does (indent 1, sorted keys, UTF-8, final newline)."""
    text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    Path(path).write_text(text, encoding="utf-8", newline="\n")


def student_version(nb: Notebook) -> Notebook:
    """A copy without ``solution`` cells and with the outputs of ``exercise`` cells cleared."""
    out = copy.deepcopy(nb)
    cells = [c for c in out["cells"] if SOLUTION_TAG not in cell_tags(c)]
    for cell in cells:
        if EXERCISE_TAG in cell_tags(cell) and cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    out["cells"] = cells
    return out


def analysis_notebooks(folder: Path | None = None) -> list[Path]:
    """The analysis notebooks ``NN-*.ipynb`` in ``folder`` (default notebooks/), sorted."""
    folder = NOTEBOOKS if folder is None else Path(folder)
    return sorted(p for p in folder.glob(PATTERN) if p.is_file())


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def write_student_copy(out: Path | None = None, notebooks: Path | None = None) -> list[Path]:
    """Write the student copy of ``notebooks`` into ``out``; return the files written."""
    notebooks = NOTEBOOKS if notebooks is None else Path(notebooks)
    out = STUDENTS if out is None else Path(out)
    if _inside(out, notebooks):
        raise InputError(f"refusing to write the student copy into {notebooks} or a folder in it")
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder")
    sources = analysis_notebooks(notebooks)
    if not sources:
        raise InputError(f"no analysis notebooks ({PATTERN}) in {notebooks}")
    copies = [(src, student_version(read_notebook(src))) for src in sources]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for src, nb in copies:
        target = out / src.name
        write_notebook(nb, target)
        written.append(target)
    readme = out / "README.md"
    names = ", ".join(f"`{p.name}`" for p in sources)
    readme.write_text(README.format(names=names), encoding="utf-8", newline="\n")
    written.append(readme)
    return written


def solutions_notebook(notebook: Path) -> Path:
    """``notebooks/NN-name.ipynb`` -> ``notebooks/solutions/NN-name-solutions.ipynb``."""
    return notebook.parent / "solutions" / f"{notebook.stem}-solutions.ipynb"


def exercise_ids(nb: Notebook) -> list[str]:
    """The id ("2.1") of each markdown cell tagged ``exercise``: its first "Exercise N.M".

    Code cells tagged ``exercise`` (starter code) carry no id and are not counted.
    """
    ids = []
    for cell in nb["cells"]:
        if EXERCISE_TAG in cell_tags(cell) and cell.get("cell_type") == "markdown":
            match = EXERCISE_ID.search(cell_text(cell))
            ids.append(match.group(1) if match else "")
    return ids


def solution_ids(nb: Notebook) -> list[str]:
    """The ids of all "Solution N.M" headings in the markdown cells, in order."""
    ids = []
    for cell in nb["cells"]:
        if cell.get("cell_type") == "markdown":
            ids.extend(SOLUTION_HEADING.findall(cell_text(cell)))
    return ids


def check_solutions(notebooks: Path | None = None) -> list[str]:
    """Problems pairing exercises and solutions, one line each; empty if all is well.

    Each analysis notebook NN-*.ipynb: it has 2-4 exercises, every markdown exercise cell
    carries an id "NN.M" (its major number is the notebook's), ids are unique, and the
    solutions notebook has exactly one "Solution NN.M" heading for each id and none for
    ids that are not exercises.
    """
    problems = []
    for path in analysis_notebooks(notebooks):
        exercises = exercise_ids(read_notebook(path))
        number = int(path.name[:2])
        if not MIN_EXERCISES <= len(exercises) <= MAX_EXERCISES:
            problems.append(
                f"{path.name}: {len(exercises)} exercises, expected {MIN_EXERCISES}-{MAX_EXERCISES}"
            )
        for ex in exercises:
            if not ex:
                problems.append(f"{path.name}: an exercise cell has no 'Exercise N.M' id")
            elif int(ex.split(".")[0]) != number:
                problems.append(f"{path.name}: Exercise {ex} should be numbered {number}.M")
        exercises = [ex for ex in exercises if ex]
        for ex in sorted({e for e in exercises if exercises.count(e) > 1}):
            problems.append(f"{path.name}: Exercise {ex} appears in more than one exercise cell")
        sol_path = solutions_notebook(path)
        if not sol_path.is_file():
            if exercises:
                problems.append(f"{path.name}: no solutions notebook solutions/{sol_path.name}")
            continue
        solutions = solution_ids(read_notebook(sol_path))
        for ex in sorted(set(exercises), key=exercises.index):
            if solutions.count(ex) != 1:
                problems.append(
                    f"{sol_path.name}: {solutions.count(ex)} 'Solution {ex}' headings, expected 1"
                )
        for sol in sorted(set(solutions) - set(exercises), key=solutions.index):
            problems.append(f"{sol_path.name}: Solution {sol} has no Exercise {sol}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command line: ``students [--out DIR]`` or ``check``."""
    parser = OneLineParser(prog="python -m online_economy.teaching")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    students = sub.add_parser("students", help="write a student copy without solutions")
    students.add_argument("--out", type=Path, default=STUDENTS, help="folder (default students/)")
    sub.add_parser("check", help="check that each exercise has exactly one solution")
    args = parser.parse_args(argv)
    try:
        if args.command == "students":
            written = write_student_copy(args.out)
            print(f"wrote {len(written) - 1} notebooks and README.md to {args.out}")
            return 0
        problems = check_solutions()
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in problems:
        print(line)
    if not problems:
        count = len(analysis_notebooks())
        print(
            f"ok: {count} analysis notebooks; exercises and solutions pair up"
            if count
            else f"no analysis notebooks in {NOTEBOOKS}; nothing to check"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

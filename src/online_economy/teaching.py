"""Teaching helpers: a student copy of the notebooks without solutions, and a solutions check.

``python -m online_economy.teaching students [--out DIR] [--force]`` writes the student
copy; ``python -m online_economy.teaching check`` checks that every exercise has one solution.

The copy is written all-or-nothing (:mod:`online_economy.publish`) with a record of what
was written (``RECORD``, a sha256 per file); a later run refuses to overwrite a file the
student changed since then, unless ``--force``.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import TagRemovePreprocessor

from online_economy import paths
from online_economy.cli import OneLineParser, run_command
from online_economy.errors import InputError
from online_economy.publish import check_folder, write_files

NOTEBOOKS = paths.ROOT / "notebooks"
STUDENTS = paths.ROOT / "students"
PATTERN = "[0-9][0-9]-*.ipynb"
EXERCISE_TAG = "exercise"
SOLUTION_TAG = "solution"
MIN_EXERCISES, MAX_EXERCISES = 2, 4
RECORD = ".student-copy.json"  # what the last run wrote: file name -> sha256
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

Running `make student` again rewrites only the files it wrote and you have not changed
(it keeps a record in `.student-copy.json`); if you changed one, it stops, names it and
writes nothing. Save your work under another file name, or run `make student FORCE=1`
to overwrite your changes.
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


def notebook_text(nb: Notebook) -> str:
    """A notebook as nbformat writes it (indent 1, sorted keys, UTF-8, final newline)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_notebook(nb: Notebook, path: Path) -> None:
    """Write a notebook as nbformat does, all-or-nothing (staged, then renamed into place)."""
    path = Path(path)
    write_files(path.parent, {path.name: notebook_text(nb)})


def student_version(nb: Notebook) -> Notebook:
    """A copy without ``solution`` cells and with the outputs of ``exercise`` cells cleared.

    nbconvert's ``TagRemovePreprocessor`` does both: ``remove_cell_tags`` drops the
    solution cells, ``remove_all_outputs_tags`` clears outputs and execution counts.
    """
    node = nbformat.from_dict(json.loads(json.dumps(nb)))
    remover = TagRemovePreprocessor(
        remove_cell_tags={SOLUTION_TAG}, remove_all_outputs_tags={EXERCISE_TAG}
    )
    out, _ = remover.preprocess(node, {})
    return json.loads(json.dumps(out))


def analysis_notebooks(folder: Path | None = None) -> list[Path]:
    """The analysis notebooks ``NN-*.ipynb`` in ``folder`` (default notebooks/), sorted."""
    folder = NOTEBOOKS if folder is None else Path(folder)
    return sorted(p for p in folder.glob(PATTERN) if p.is_file())


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_record(out: Path) -> dict[str, str]:
    """File name -> sha256 of what the last run wrote into ``out`` (empty if none)."""
    try:
        record = json.loads((out / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = record.get("files", {}) if isinstance(record, dict) else {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def changed_by_student(out: Path, names: list[str]) -> list[str]:
    """The files among ``names`` in ``out`` that differ from what the last run wrote.

    A file the record does not know (there before any run) counts as changed too.
    """
    record = read_record(out)
    changed = []
    for name in names:
        path = out / name
        if not path.is_file():
            continue
        if record.get(name) != _sha256(path.read_bytes()):
            changed.append(name)
    return changed


def write_student_copy(
    out: Path | None = None, notebooks: Path | None = None, force: bool = False
) -> list[Path]:
    """Write the student copy of ``notebooks`` into ``out``; return the files written.

    Refuses (InputError, nothing written) when a file it would replace was changed since
    the last run wrote it, unless ``force``. Everything is published together.
    """
    notebooks = NOTEBOOKS if notebooks is None else Path(notebooks)
    out = check_folder(STUDENTS if out is None else out, "--out")
    if _inside(out, notebooks):
        raise InputError(f"refusing to write the student copy into {notebooks} or a folder in it")
    for kept in (paths.ROOT / "src", paths.DATA, paths.ROOT / "tests", paths.ROOT / ".git"):
        if _inside(out, kept):
            raise InputError(f"refusing to write the student copy into {kept} (the project's "
                             "own files); choose a folder of its own, e.g. students/")
    sources = analysis_notebooks(notebooks)
    if not sources:
        raise InputError(f"no analysis notebooks ({PATTERN}) in {notebooks}")
    files = {
        src.name: notebook_text(student_version(read_notebook(src))).encode("utf-8")
        for src in sources
    }
    names = ", ".join(f"`{p.name}`" for p in sources)
    files["README.md"] = README.format(names=names).encode("utf-8")
    changed = [] if force else changed_by_student(out, list(files))
    if changed:
        shown = ", ".join(str(out / name) for name in changed)
        why = ("changed since the student copy was written" if (out / RECORD).is_file()
               else "not written by a student copy")
        raise InputError(
            f"not overwriting {shown}: {why}; "
            "save your work under another name, or overwrite with --force (make student FORCE=1)"
        )
    record = {"files": {name: _sha256(data) for name, data in files.items()}}
    content: dict[str, bytes | str] = dict(files)
    content[RECORD] = json.dumps(record, indent=1, sort_keys=True) + "\n"
    written = write_files(out, content, inputs=sources, option="--out")
    return [path for path in written if path.name != RECORD]


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
    """Command line: ``students [--out DIR] [--force]`` or ``check``."""
    parser = OneLineParser(prog="python -m online_economy.teaching")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    students = sub.add_parser("students", help="write a student copy without solutions")
    students.add_argument("--out", default=STUDENTS, help="folder (default students/)")
    students.add_argument("--force", action="store_true",
                          help="overwrite notebooks changed since the last student copy")
    sub.add_parser("check", help="check that each exercise has exactly one solution")
    args = parser.parse_args(argv)

    def work() -> int:
        if args.command == "students":
            written = write_student_copy(args.out, force=args.force)
            print(f"wrote {len(written) - 1} notebooks and README.md to {args.out}")
            return 0
        problems = check_solutions()
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

    return run_command(work)


if __name__ == "__main__":
    from online_economy.publish import exit_quietly

    exit_quietly(main())

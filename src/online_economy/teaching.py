"""``python -m online_economy.teaching students [--out DIR] [--force]``: the student copy of the
notebooks, without solutions (``make student``); ``... teaching check``: every exercise has one
solution."""

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
from online_economy.publish import check_folder, exit_quietly, write_files

NOTEBOOKS = paths.ROOT / "notebooks"
STUDENTS = paths.ROOT / "students"
PATTERN = "[0-9][0-9]-*.ipynb"
RECORD = ".student-copy.json"  # what the last run wrote: file name -> sha256
README = Path(__file__).with_name("templates") / "student-README.md"
EXERCISE_ID = re.compile(r"Exercise\s+(\d+\.\d+)")
SOLUTION_HEADING = re.compile(r"^#{1,6}\s*Solution\s+(\d+\.\d+)\b", re.MULTILINE)

Notebook = dict[str, Any]


def read_notebook(path: Path) -> Notebook:
    """Read a notebook's JSON; bad files raise InputError."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the notebook {path}: {exc}") from exc
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise InputError(f"{path} is not a notebook (no list of cells)")
    return nb


def student_version(nb: Notebook) -> Notebook:
    """A copy without ``solution`` cells and with the outputs of ``exercise`` cells cleared."""
    remover = TagRemovePreprocessor(remove_cell_tags={"solution"},
                                    remove_all_outputs_tags={"exercise"})
    return remover.preprocess(nbformat.from_dict(nb), {})[0]  # from_dict copies


def analysis_notebooks(folder: Path | None = None) -> list[Path]:
    """The analysis notebooks ``NN-*.ipynb`` in ``folder`` (default notebooks/), sorted."""
    return sorted(p for p in Path(folder or NOTEBOOKS).glob(PATTERN) if p.is_file())


def changed_by_student(out: Path, names: list[str]) -> list[str]:
    """The files among ``names`` in ``out`` that the last run did not write as they are now."""
    try:
        record = json.loads((out / RECORD).read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        record = None
    record = record if isinstance(record, dict) else {}
    return [name for name in names if (out / name).is_file()
            and record.get(name) != hashlib.sha256((out / name).read_bytes()).hexdigest()]


def write_student_copy(out: Path | None = None, notebooks: Path | None = None,
                       force: bool = False) -> list[Path]:
    """Write the student copy of ``notebooks`` into ``out`` all-or-nothing, with a record
    (``RECORD``): nothing the student changed since is overwritten unless ``force``."""
    notebooks = Path(notebooks or NOTEBOOKS)
    out = check_folder(STUDENTS if out is None else out, "--out")
    for kept in (notebooks, paths.ROOT / "src", paths.DATA, paths.ROOT / "tests",
                 paths.ROOT / ".git"):
        if out.resolve().is_relative_to(kept.resolve()):
            raise InputError(f"refusing to write the student copy into {kept} or a folder in "
                             "it (the project's own files); choose another, e.g. students/")
    sources = analysis_notebooks(notebooks)
    if not sources:
        raise InputError(f"no analysis notebooks ({PATTERN}) in {notebooks}")
    files = {src.name: json.dumps(student_version(read_notebook(src)), indent=1, sort_keys=True,
                                  ensure_ascii=False).encode() + b"\n" for src in sources}
    names = ", ".join(f"`{p.name}`" for p in sources)
    files["README.md"] = README.read_text(encoding="utf-8").format(names=names).encode()
    changed = [] if force else changed_by_student(out, list(files))
    if changed:
        why = ("changed since the student copy was written" if (out / RECORD).is_file()
               else "not written by a student copy")
        raise InputError(
            f"not overwriting {', '.join(str(out / name) for name in changed)}: {why}; "
            "save your work under another name, or overwrite with --force (make student FORCE=1)"
        )
    record = json.dumps({"files": {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}},
                        indent=1, sort_keys=True) + "\n"
    written = write_files(out, {**files, RECORD: record}, inputs=sources, option="--out")
    return [path for path in written if path.name != RECORD]


def _markdown(nb: Notebook, tag: str | None = None) -> list[str]:
    """The text of each markdown cell (tagged ``tag``, if given)."""
    return ["".join(cell.get("source", "")) for cell in nb["cells"]
            if cell.get("cell_type") == "markdown"
            and (tag is None or tag in cell.get("metadata", {}).get("tags", []))]


def exercise_ids(nb: Notebook) -> list[str]:
    """The first "Exercise N.M" id ("2.1") of each markdown cell tagged ``exercise``, or ""."""
    return [m.group(1) if (m := EXERCISE_ID.search(text)) else ""
            for text in _markdown(nb, "exercise")]


def solution_ids(nb: Notebook) -> list[str]:
    """The ids of all "Solution N.M" headings in the markdown cells, in order."""
    return [sid for text in _markdown(nb) for sid in SOLUTION_HEADING.findall(text)]


def check_solutions(notebooks: Path | None = None) -> list[str]:
    """Problems, one line each: each NN-*.ipynb needs 2-4 exercises with unique ids "NN.M",
    and its solutions notebook one "Solution NN.M" heading for each and no other."""
    problems = []
    for path in analysis_notebooks(notebooks):
        ids, name = exercise_ids(read_notebook(path)), path.name
        if len(ids) not in (2, 3, 4):
            problems.append(f"{name}: {len(ids)} exercises, expected 2-4")
        for ex in ids:
            if not ex:
                problems.append(f"{name}: an exercise cell has no 'Exercise N.M' id")
            elif int(ex.split(".")[0]) != int(name[:2]):
                problems.append(f"{name}: Exercise {ex} should be numbered {int(name[:2])}.M")
        ids = [ex for ex in ids if ex]
        problems += [f"{name}: Exercise {ex} appears in more than one exercise cell"
                     for ex in sorted({ex for ex in ids if ids.count(ex) > 1})]
        solutions_path = path.parent / "solutions" / f"{path.stem}-solutions.ipynb"
        if not solutions_path.is_file():
            if ids:
                problems.append(f"{name}: no solutions notebook solutions/{solutions_path.name}")
            continue
        sols, name = solution_ids(read_notebook(solutions_path)), solutions_path.name
        problems += [f"{name}: {sols.count(ex)} 'Solution {ex}' headings, expected 1"
                     for ex in dict.fromkeys(ids) if sols.count(ex) != 1]
        problems += [f"{name}: Solution {sol} has no Exercise {sol}"
                     for sol in dict.fromkeys(sols) if sol not in ids]
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
        problems, count = check_solutions(), len(analysis_notebooks())
        ok = (f"ok: {count} analysis notebooks; exercises and solutions pair up" if count
              else f"no analysis notebooks in {NOTEBOOKS}; nothing to check")
        print("\n".join(problems) or ok)
        return 1 if problems else 0

    return run_command(work)


if __name__ == "__main__":
    exit_quietly(main())

"""``python -m online_economy.teaching students [--out DIR] [--force]``: the student copy of the
notebooks, without solutions (``make student``)."""

import hashlib
import json
from pathlib import Path

import nbformat
from nbconvert.preprocessors import TagRemovePreprocessor

from online_economy import paths
from online_economy.cli import OneLineParser, run_command
from online_economy.errors import InputError
from online_economy.publish import check_folder, exit_quietly, write_files
from online_economy.report import read_notebook

NOTEBOOKS = paths.ROOT / "notebooks"
STUDENTS = paths.ROOT / "students"
RECORD = ".student-copy.json"  # what the last run wrote: file name -> sha256
README = Path(__file__).with_name("templates") / "student-README.md"


def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without ``solution`` cells and with the outputs of ``exercise`` cells cleared."""
    remover = TagRemovePreprocessor(remove_cell_tags={"solution"},
                                    remove_all_outputs_tags={"exercise"})
    return remover.preprocess(nbformat.from_dict(nb), {})[0]  # from_dict copies


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
    sources = sorted(p for p in notebooks.glob(paths.NOTEBOOK_GLOB) if p.is_file())
    if not sources:
        raise InputError(f"no analysis notebooks ({paths.NOTEBOOK_GLOB}) in {notebooks}")
    files = {src.name: (nbformat.writes(student_version(read_notebook(src))) + "\n").encode()
             for src in sources}
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


def main(argv: list[str] | None = None) -> int:
    """Command line: ``students [--out DIR] [--force]``."""
    parser = OneLineParser(prog="python -m online_economy.teaching")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    students = sub.add_parser("students", help="write a student copy without solutions")
    students.add_argument("--out", default=STUDENTS, help="folder (default students/)")
    students.add_argument("--force", action="store_true",
                          help="overwrite notebooks changed since the last student copy")
    args = parser.parse_args(argv)

    def work() -> int:
        written = write_student_copy(args.out, force=args.force)
        print(f"wrote {len(written) - 1} notebooks and README.md to {args.out}")
        return 0

    return run_command(work)


if __name__ == "__main__":
    exit_quietly(main())

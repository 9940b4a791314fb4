"""No tracked file sends the reader to a path outside the repository."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from online_economy import paths

#: Ways of naming material that lives beside the repository instead of in it (the project's
#: own sources document is docs/sources.md, in lower case; an upper-case one is not ours).
OUTSIDE = re.compile(r"\.\./shared|shared[ _-](?:material|seed)|(?-i:\bSOURCES\.md\b)",
                     re.IGNORECASE)

def tracked_files(root: Path = paths.ROOT) -> list[str]:
    """Every file git tracks under ``root`` (paths relative to it, POSIX style)."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run(
        [git, "ls-files", "-z"], cwd=root, capture_output=True, check=True
    ).stdout
    return [name for name in listing.decode("utf-8").split("\0") if name]


def outside_references(text: str) -> list[str]:
    """Each line of ``text`` that names a path outside the repository, stripped."""
    return [line.strip() for line in text.splitlines() if OUTSIDE.search(line)]


def offenders(root: Path = paths.ROOT) -> dict[str, list[str]]:
    """Tracked file -> its lines that name an outside path (binary files are skipped)."""
    found = {}
    for name in tracked_files(root):
        path = root / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        lines = outside_references(data.decode("utf-8", errors="replace"))
        if lines:
            found[name] = lines
    return found


def test_no_tracked_file_names_a_path_outside_the_repository() -> None:
    found = offenders()
    assert found == {}, "\n".join(f"{k}: {line}" for k, v in found.items() for line in v)


SHARED, UPPER = "shared", "SOURCES"  # assembled so that this file does not itself match


@pytest.mark.parametrize(
    ("line", "bad"),
    [
        (f"restore it from ../{SHARED}/seed/x.txt", True),
        (f"see `{UPPER}.md` of the project's {SHARED} material", True),
        (f"the plan facts (see {UPPER}.md)", True),
        (f"obtained from the project's {SHARED} seed", True),
        (f"{SHARED.title()}-Material folder", True),
        ("a shared segmenter (built once per process)", False),
        ("words shared by two answers", False),
        ("see docs/sources.md", False),
        ("docs/Sources.md", False),
    ],
)
def test_the_pattern(line: str, bad: bool) -> None:
    assert bool(outside_references(line)) is bad

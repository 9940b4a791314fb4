"""Where the project's files are: raw source, reference data, outputs."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The repository root: ``$ONLINE_ECONOMY_ROOT`` or the folder above ``src/``."""
    env = os.environ.get("ONLINE_ECONOMY_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "data" / "reference").is_dir() and (parent / "pyproject.toml").is_file():
            return parent
    raise FileNotFoundError(
        "cannot find the project root (data/reference/); set ONLINE_ECONOMY_ROOT"
    )


ROOT = project_root()
DATA = ROOT / "data"
RAW = DATA / "raw"
REFERENCE = DATA / "reference"
PROCESSED = DATA / "processed"
REPORTS = ROOT / "reports"
FIGURES = REPORTS / "figures"
CACHE = ROOT / ".cache"

TRANSCRIPT = RAW / "2020-04-13-press-conference.txt"
PROVENANCE = RAW / "2020-04-13-press-conference.provenance.json"

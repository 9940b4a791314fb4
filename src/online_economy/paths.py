"""Where the project's files are: raw source, reference data, outputs."""

import os
from pathlib import Path


def project_root() -> Path:
    """The repository root: ``$ONLINE_ECONOMY_ROOT`` or the folder above ``src/``."""
    if env := os.environ.get("ONLINE_ECONOMY_ROOT"):
        return Path(env).resolve()
    for parent in Path(__file__).resolve().parents:
        if (parent / "data" / "reference").is_dir() and (parent / "pyproject.toml").is_file():
            return parent
    raise FileNotFoundError(
        "cannot find the project root (data/reference/); set ONLINE_ECONOMY_ROOT")


ROOT = project_root()
DATA, REPORTS, CACHE = ROOT / "data", ROOT / "reports", ROOT / ".cache"
RAW, REFERENCE, PROCESSED = DATA / "raw", DATA / "reference", DATA / "processed"
FIGURES = REPORTS / "figures"
TRANSCRIPT = RAW / "2020-04-13-press-conference.txt"
PROVENANCE = RAW / "2020-04-13-press-conference.provenance.json"
NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"  # the numbered analysis notebooks in notebooks/

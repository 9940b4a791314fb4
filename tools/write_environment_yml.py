"""Write environment.yml from requirements/lock.txt, so conda users get the same pins.

Run by `make lock`; tests/test_environment.py checks that the two files agree.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
OUT = ROOT / "environment.yml"


def lock_pins(lock: Path = LOCK) -> list[str]:
    """The requirement lines of the lock file (comments and blank lines dropped)."""
    pins = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pins.append(line)
    return pins


def render(pins: list[str]) -> str:
    """The environment.yml text for these pins."""
    lines = [
        "# Generated from requirements/lock.txt by tools/write_environment_yml.py (make lock).",
        "# Do not edit by hand: tests/test_environment.py checks that the pins agree.",
        "# conda env create -f environment.yml && conda activate online-economy",
        "name: online-economy",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
    ]
    lines += [f'      - "{pin}"' for pin in pins]
    lines.append('      - "-e ."')
    return "\n".join(lines) + "\n"


def main() -> int:
    OUT.write_text(render(lock_pins()), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(lock_pins())} pins)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

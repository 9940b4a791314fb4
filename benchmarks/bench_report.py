"""How long the main command takes against its floor, and the test suite's time.

(a) ``python -m online_economy.report`` with a warm environment (run after (b));
(b) the floor: per analysis notebook, sequentially, a fresh kernel that imports pandas,
    matplotlib and jieba once, then shuts down;
(c) a / b (goal: at most 1.0);
(d) the test suite, as ``make test`` runs it (ruff, then pytest).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from online_economy import paths, report

IMPORTS = "import pandas, matplotlib.pyplot, jieba"
PYTEST = [
    "-m", "pytest", "-n", "2", "--dist", "loadfile", "tests", "notebooks", "--nbval",
    "--nbval-current-env", "--nbval-sanitize-with", "notebooks/sanitize.cfg",
    "-p", "no:cacheprovider", "-q",
]
RUFF = ["-m", "ruff", "check", "src", "tests", "benchmarks", "tools"]


def make_env() -> dict[str, str]:
    """The environment the Makefile exports to its commands."""
    return {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}


async def one_kernel(cwd: Path) -> None:
    """Start a fresh kernel as the report does, import the libraries, shut it down."""
    km = report.kernel_manager()
    await km.start_kernel(env=report.kernel_env(), cwd=str(cwd))
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=report.STARTUP_TIMEOUT)
        reply = await kc.execute_interactive(IMPORTS, timeout=300, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the imports failed: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=False)


def floor(notebooks: list[Path]) -> float:
    """Seconds for one kernel plus the imports per notebook, one after the other."""
    report.warm_matplotlib_cache(report.kernel_env())
    start = time.perf_counter()
    for nb in notebooks:
        asyncio.run(one_kernel(nb.parent))
    return time.perf_counter() - start


def timed(argv: list[str]) -> tuple[float, int]:
    """Seconds and exit status of a command run from the project root, output hidden."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=paths.ROOT, env=make_env(), check=False,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, done.returncode


def main() -> int:
    """Print the four figures."""
    notebooks = sorted((paths.ROOT / "notebooks").glob(report.NOTEBOOK_GLOB))
    if not notebooks:
        print("error: no notebooks/NN-*.ipynb to benchmark", file=sys.stderr)
        return 2
    n = len(notebooks)
    version = sys.version.split()[0]
    print(f"report benchmark: {n} notebooks, {os.cpu_count()} cores, Python {version}")
    b = floor(notebooks)
    print(f"(b) floor: {n} fresh kernels importing pandas, matplotlib, jieba, one after the other:"
          f" {b:.1f} s ({b / n:.2f} s per notebook)")
    a, status = timed([sys.executable, "-m", "online_economy.report"])
    print(f"(a) python -m online_economy.report: {a:.1f} s (exit status {status})")
    print(f"(c) ratio a / b: {a / b:.2f} (goal: <= 1.00)")
    lint, lint_status = timed([sys.executable, *RUFF])
    tests, test_status = timed([sys.executable, *PYTEST])
    print(f"(d) test suite (make test): {lint + tests:.1f} s = ruff {lint:.1f} s (exit status "
          f"{lint_status}) + pytest {tests:.1f} s (exit status {test_status})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How long the main command takes against its floor, and the test suite's time.

(a) ``make report`` with a warm environment (run after (b));
(b) the floor: per analysis notebook, sequentially, a fresh kernel that imports pandas,
    matplotlib and jieba once, then shuts down;
(c) a / b (goal: at most 1.0);
(d) the whole test suite, ``make test`` (ruff, then pytest with nbval).

Beside each wall time it prints the CPU seconds spent (user + system, the command and every
process it waited for: kernels included), and the load average before each measurement. On a
shared machine wall times vary from run to run; CPU seconds vary much less, so compare those
before and after a change, and the wall times only on an idle machine.
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from online_economy import paths, report

IMPORTS = "import pandas, matplotlib.pyplot, jieba"


async def one_kernel(cwd: Path) -> None:
    """Start a fresh kernel as the report does, import the libraries, shut it down."""
    km = report.kernel_manager()
    await km.start_kernel(env=report.kernel_env(), cwd=str(cwd))
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=120)
        reply = await kc.execute_interactive(IMPORTS, timeout=300, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the imports failed: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=False)


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and of the processes it has waited for."""
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def load() -> str:
    """The 1-minute load average, for reading the wall times that follow."""
    return f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def floor(notebooks: list[Path]) -> tuple[float, float]:
    """Seconds (wall, CPU) for one kernel plus the imports per notebook, one after the other."""
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],  # its font cache,
                   env=report.kernel_env(), check=True)  # built before the clock starts
    start, cpu = time.perf_counter(), cpu_seconds()
    for nb in notebooks:
        asyncio.run(one_kernel(nb.parent))
    return time.perf_counter() - start, cpu_seconds() - cpu


def timed(argv: list[str]) -> tuple[float, float, int]:
    """Seconds (wall, CPU) and exit status of a command run from the project root, output hidden."""
    start, cpu = time.perf_counter(), cpu_seconds()
    done = subprocess.run(argv, cwd=paths.ROOT, check=False,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, cpu_seconds() - cpu, done.returncode


def main() -> int:
    """Print the four figures."""
    notebooks = sorted((paths.ROOT / "notebooks").glob(paths.NOTEBOOK_GLOB))
    if not notebooks:
        print("error: no notebooks/NN-*.ipynb to benchmark", file=sys.stderr)
        return 2
    n = len(notebooks)
    version = sys.version.split()[0]
    print(f"report benchmark: {n} notebooks, {os.cpu_count()} cores, Python {version}")
    before = load()
    b, b_cpu = floor(notebooks)
    print(f"(b) floor: {n} fresh kernels importing pandas, matplotlib, jieba, one after the other:"
          f" {b:.1f} s ({b / n:.2f} s per notebook); CPU {b_cpu:.1f} s; {before}")
    before = load()
    a, a_cpu, status = timed(["make", "-s", "report"])
    print(f"(a) make report: {a:.1f} s (exit status {status}); CPU {a_cpu:.1f} s; {before}")
    print(f"(c) ratio a / b: {a / b:.2f} (goal: <= 1.00); CPU a / b: {a_cpu / b_cpu:.2f}")
    before = load()
    tests, tests_cpu, test_status = timed(["make", "-s", "test"])
    print(f"(d) test suite, make test: {tests:.1f} s (exit status {test_status}; goal: <= 60 s);"
          f" CPU {tests_cpu:.1f} s; {before}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

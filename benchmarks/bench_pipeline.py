"""Benchmark: parse + segment + extract over N copies of the transcript, beside bare jieba.

Prints, for each N, the wall time and throughput of bare ``jieba.lcut`` on the same
text and of the project's pipeline (decode, parse into turns, segment every turn
with the project dictionary, extract quantities), their ratio (goal: at most 1.5),
and the time per copy (goal: flat as N grows, i.e. linear total time).

Then the corpus run: F files (copies of the transcript, about 5,000 characters each)
through the corpus command ``python -m online_economy parse DIR --jobs 2 --out OUT`` (a
separate process, start-up and CSV writing included) against one process of bare
``jieba.lcut`` on the same texts; goal: ratio at most 0.7, ms/file flat as F grows.

    python benchmarks/bench_pipeline.py [N ...] [--files F ...]
    # default: N = 1 10 100 1000, F = 100 1000
"""

from __future__ import annotations

import gc
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from online_economy import paths
from online_economy.parse import parse_transcript
from online_economy.quantities import extract_quantities
from online_economy.segment import get_segmenter, quiet_jieba
from online_economy.source import decode_bytes

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import jieba


def bare(corpus: list[bytes]) -> int:
    """Bare segmentation: decode and ``jieba.lcut`` each document; returns the token count."""
    return sum(len(jieba.lcut(doc.decode("utf-8"))) for doc in corpus)


def pipeline(corpus: list[bytes]) -> int:
    """The project's pipeline on each document; returns the token count."""
    segmenter = get_segmenter()
    tokens = 0
    for doc in corpus:
        text = decode_bytes(doc).text
        parsed = parse_transcript(text)
        for turn in parsed.turns:
            tokens += len(segmenter.cut(turn.text))
        extract_quantities(text)
    return tokens


def timed(func, corpus: list[bytes]) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    result = func(corpus)
    return time.perf_counter() - start, result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def corpus_command(folder: Path, out: Path, jobs: int) -> tuple[float, float]:
    """(wall time, CPU time of all its processes) of the corpus command over ``folder``."""
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "online_economy", "parse", str(folder), "--jobs", str(jobs),
         "--out", str(out)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start, _children_cpu() - cpu


def corpus_runs(raw: bytes, counts: list[int], jobs: int = 2) -> None:
    """The corpus command on F files against bare jieba on the same texts."""
    chars = len(raw.decode("utf-8"))
    print(f"\ncorpus: F files of {chars:,} characters, corpus command with --jobs {jobs} "
          "vs one process of bare jieba.lcut")
    print("(wall times depend on what else runs; CPU times do not: 'cpu/jobs' is the CPU")
    print(" ratio divided by the jobs, the wall ratio the command reaches on idle cores)")
    print(f"{'F':>6} {'chars':>11} {'bare s':>8} {'corpus s':>9} {'ratio':>6} "
          f"{'bare cpu':>9} {'corpus cpu':>11} {'cpu/jobs':>9} {'corpus ms/file':>15}")
    for n in counts:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            folder.mkdir()
            for i in range(n):
                (folder / f"{i:05d}.txt").write_bytes(raw)
            cpu = time.process_time()
            t_bare, _ = timed(bare, [raw] * n)
            c_bare = time.process_time() - cpu
            t_corpus, c_corpus = corpus_command(folder, Path(tmp) / "out", jobs)
        print(f"{n:>6} {chars * n:>11,} {t_bare:>8.2f} {t_corpus:>9.2f} "
              f"{t_corpus / t_bare:>6.2f} {c_bare:>9.2f} {c_corpus:>11.2f} "
              f"{c_corpus / c_bare / jobs:>9.2f} {t_corpus / n * 1e3:>15.1f}")
    print("goal: ratio <= 0.7 (parallel speed-up); ms/file flat as F grows (linear time)")


def main(argv: list[str]) -> int:
    files_at = argv.index("--files") if "--files" in argv else len(argv)
    args, file_args = argv[:files_at], argv[files_at + 1:]
    if not all(a.isdigit() and int(a) > 0 for a in args + file_args) or (
        files_at < len(argv) and not file_args
    ):
        print("error: each argument is a number of copies or files (a positive integer)",
              file=sys.stderr)
        return 2
    sizes = [int(a) for a in args] or [1, 10, 100, 1000]
    counts = [int(a) for a in file_args] or [100, 1000]
    raw = paths.TRANSCRIPT.read_bytes()
    chars = len(raw.decode("utf-8"))
    with quiet_jieba():
        jieba.initialize()
    bare([raw])  # warm both sides before timing: dictionaries, reference files, regexes
    pipeline([raw])
    print(f"corpus: N copies of {paths.TRANSCRIPT.name} ({chars:,} characters each)")
    print(f"{'N':>6} {'chars':>11} {'bare s':>8} {'bare kc/s':>10} {'pipe s':>8} "
          f"{'pipe kc/s':>10} {'ratio':>6} {'pipe ms/copy':>13}")
    for n in sizes:
        corpus = [raw] * n
        t_bare, _ = timed(bare, corpus)
        t_pipe, _ = timed(pipeline, corpus)
        total = chars * n
        print(f"{n:>6} {total:>11,} {t_bare:>8.2f} {total / t_bare / 1e3:>10.0f} {t_pipe:>8.2f} "
              f"{total / t_pipe / 1e3:>10.0f} {t_pipe / t_bare:>6.2f} {t_pipe / n * 1e3:>13.1f}")
    print("goal: ratio <= 1.5; ms/copy flat as N grows (linear time)")
    corpus_runs(raw, counts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Benchmark: parse + segment + extract over N copies of the transcript, beside bare jieba.

Prints, for each N, the wall time and throughput of bare ``jieba.lcut`` on the same
text and of the project's pipeline (decode, parse into turns, segment every turn
with the project dictionary, extract quantities), their ratio (goal: at most 1.5),
and the time per copy (goal: flat as N grows, i.e. linear total time).

    python benchmarks/bench_pipeline.py [N ...]      # default: 1 10 100 1000
"""

from __future__ import annotations

import gc
import sys
import time
import warnings

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


def main(argv: list[str]) -> int:
    if not all(a.isdigit() and int(a) > 0 for a in argv):
        print("error: each argument is a number of copies (a positive integer)", file=sys.stderr)
        return 2
    sizes = [int(a) for a in argv] or [1, 10, 100, 1000]
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

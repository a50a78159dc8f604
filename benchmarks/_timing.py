"""Timing for the side-by-side benchmarks: batches, calibration, interleaved rounds, summaries.

A sample is the time of one batch of calls divided by the batch size, taken with
the GC disabled. Contenders take one sample each per round, the starting one
rotated from round to round, so that load changes on the machine hit all alike.
Shared by compare.py and sweep.py.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from itertools import repeat
from typing import Any, Callable

Runner = Callable[[int], float]     # run(n) -> nanoseconds taken by n calls


def python_runner(call: Callable[[Any], Any], arg: Any) -> Runner:
    """run(n): nanoseconds for n calls of call(arg), timed with perf_counter_ns."""
    def run(n: int) -> float:
        t0 = time.perf_counter_ns()
        for _ in repeat(None, n):
            call(arg)
        return time.perf_counter_ns() - t0
    return run


def take_sample(run: Runner, batch: int) -> float:
    """Microseconds per call over one batch, with the GC off while it runs."""
    gc.disable()
    try:
        ns = run(batch)
    finally:
        gc.enable()
    return ns / batch / 1000


def calibrate(run: Runner, target_ns: float) -> int:
    """The batch size that makes one sample last about target_ns (this also warms up).

    Each size is timed three times and the fastest counts, so that one preempted
    batch does not shrink the batch size for the whole run."""
    n = 1
    while True:
        elapsed = min(take_sample(run, n) for _ in range(3)) * n * 1000
        if elapsed >= target_ns / 10 or n >= 1 << 26:
            return max(1, round(n * target_ns / max(elapsed, 1.0)))
        n *= 10


def measure(runners: dict[str, Runner], rounds: int, target_ns: float):
    """Interleaved rounds: every runner takes one sample per round (start rotated each round)."""
    batches = {k: calibrate(run, target_ns) for k, run in runners.items()}
    samples: dict[str, list[float]] = {k: [] for k in runners}
    order = list(runners)
    for r in range(rounds):
        shift = r % len(order)
        for k in order[shift:] + order[:shift]:
            samples[k].append(take_sample(runners[k], batches[k]))
    return batches, samples


def p99(values: list[float]) -> float:
    """Nearest-rank 99th percentile: with fewer than 100 values, the largest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def summarize(values: list[float]) -> dict:
    """median, p99, min, max, mean and stdev (µs), and tokens per second at the median."""
    median = statistics.median(values)
    return {"median_us": median, "p99_us": p99(values), "min_us": min(values), "max_us": max(values),
            "mean_us": statistics.fmean(values),
            "stdev_us": statistics.stdev(values) if len(values) > 1 else 0.0,
            "tokens_per_s": 1e6 / median}


def rounded(values: list[float], digits: int = 4) -> list[float]:
    """values to `digits` significant digits: what the JSON keeps of each sample."""
    return [float(f"{v:.{digits}g}") for v in values]


def loop_overhead_us(arg: Any) -> float:
    """What the Python loop and one call of a no-op lambda cost (fastest of 5 samples): a fixed
    cost included in every Python-level row."""
    run = python_runner(lambda t: None, arg)
    batch = calibrate(run, 2e6)
    return min(take_sample(run, batch) for _ in range(5))

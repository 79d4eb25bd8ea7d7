"""Timing helpers shared by the benchmark scripts: medians of repeated runs, ratio tables."""
from __future__ import annotations

import os
import platform
import statistics
import time

import jax
import numpy as np


def block(result):
    """Wait for JAX work behind ``result`` (JaxArrays, jax arrays, tuples of them)."""
    if isinstance(result, (tuple, list)):
        for r in result:
            block(r)
        return result
    value = getattr(result, "value", result)
    if isinstance(value, jax.Array):
        value.block_until_ready()
    return result


def _batch_size(fn, min_time):
    block(fn())
    block(fn())
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            block(fn())
        if time.perf_counter() - start >= min_time or number >= 1 << 20:
            return number
        number *= 2


def _batch(fn, number) -> float:
    start = time.perf_counter()
    for _ in range(number):
        result = fn()
    block(result)
    return (time.perf_counter() - start) / number


def compare(candidates: dict, *, rounds=9, min_time=0.01) -> dict:
    """Median seconds per call of each candidate, timed in rotation (A, B, C, A, B, C...).

    Interleaving makes the candidates share the machine's slow and fast moments,
    so their ratios are steadier than separately taken timings on a shared
    machine. Returns ``{name: median seconds}``.
    """
    return compare_rounds(candidates, rounds=rounds, min_time=min_time)[0]


def compare_rounds(candidates: dict, *, rounds=9, min_time=0.01):
    """Like :func:`compare`, also returning each candidate's per-round times.

    Ratios of per-round times (candidates of one round ran back to back) are
    steadier than ratios of medians when the machine's load changes.
    """
    numbers = {name: _batch_size(fn, min_time) for name, fn in candidates.items()}
    samples = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            samples[name].append(_batch(fn, numbers[name]))
    return {name: statistics.median(s) for name, s in samples.items()}, samples


def ratio(samples: dict, name: str, baseline: str) -> float:
    """Median over rounds of ``name``'s time divided by ``baseline``'s."""
    return statistics.median(a / b for a, b in zip(samples[name], samples[baseline]))


def machine() -> str:
    devices = ", ".join(str(d) for d in jax.devices())
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, NumPy {np.__version__}, JAX {jax.__version__}, "
            f"devices: {devices}")


def format_seconds(t: float) -> str:
    if t < 1e-3:
        return f"{t * 1e6:8.1f} µs"
    if t < 1:
        return f"{t * 1e3:8.2f} ms"
    return f"{t:8.2f} s "


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    out = [f"\n### {title}\n", line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)

"""Per-call time against array size: NumPy, Numba, shim eager, shim.jit, raw jax.jit.

Run: ``python benchmarks/plot_overhead.py`` (about three minutes; ``--quick`` for
fewer rounds and sizes). Needs matplotlib (``pip install -e ".[docs]"``).

The workload is one relaxation step written as NumPy code that changes its
argument in place through a view::

    def relax(x):
        x[1:-1] += 0.25 * (x[:-2] - 2 * x[1:-1] + x[2:])

run as it is on a NumPy array (NumPy), compiled by ``numba.njit`` on a NumPy
array (Numba), eagerly on a JaxArray (shim eager: one kernel per NumPy
operation, about eight per call),
compiled by ``shim.jit`` on a JaxArray (the new values are written back into
the same JaxArray), compiled by ``shim.jit`` on the numpy backend (Numba
behind shim's call), and as a pure ``jax.numpy`` function under ``jax.jit``
whose result is carried from call to call (raw JAX, the baseline of the
ratios). Candidates are timed in rotation (``timing.compare_rounds``).

Writes ``docs/_static/overhead.png``, ``docs/_static/overhead.svg`` and
``docs/_static/overhead.md`` (the table, with the machine it was measured on),
and prints the table.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from timing import compare_rounds, format_seconds, machine, ratio

import shim

STATIC = Path(__file__).resolve().parent.parent / "docs" / "_static"
SIZES = (10, 100, 1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (10, 1_000, 100_000)


def relax(x):
    x[1:-1] += 0.25 * (x[:-2] - 2 * x[1:-1] + x[2:])


def relax_jax(x):
    return x.at[1:-1].add(0.25 * (x[:-2] - 2 * x[1:-1] + x[2:]))


def candidates(n: int) -> dict:
    """name -> a zero-argument function running one step on its own state of ``n`` elements.

    Each returns its state, so that the timing waits for JAX's asynchronous
    work to finish (``relax`` itself returns None).
    """
    start = np.linspace(0.0, 1.0, n)
    found = {}

    a = start.copy()
    found["NumPy"] = lambda: relax(a) or a

    try:
        import numba
    except ImportError:
        print("numba is not installed: Numba left out", file=sys.stderr)
    else:
        b = start.copy()
        relax_numba = numba.njit(relax)
        found["Numba"] = lambda: relax_numba(b) or b

    c = shim.asarray(start)
    found["shim eager"] = lambda: relax(c) or c

    d = shim.asarray(start)
    relax_shim = shim.jit(relax)
    found["shim.jit"] = lambda: relax_shim(d) or d

    with shim.use_backend("numpy"):
        try:
            relax_shim_numba = shim.jit(relax)
        except Exception as error:  # noqa: BLE001  (reported and left out)
            print(f"shim.jit on the numpy backend: {error}; left out", file=sys.stderr)
        else:
            e = start.copy()
            found["shim.jit (numpy backend)"] = lambda: relax_shim_numba(e) or e

    holder = [jnp.asarray(start)]
    relax_jit = jax.jit(relax_jax)

    def raw():
        holder[0] = relax_jit(holder[0])
        return holder[0]

    found["jax.jit"] = raw
    return found


def measure(sizes, rounds):
    """{name: [median seconds per size]}, {name: [ratio to jax.jit per size]}."""
    times, ratios = {}, {}
    for n in sizes:
        medians, samples = compare_rounds(candidates(n), rounds=rounds, min_time=0.02)
        for name, t in medians.items():
            times.setdefault(name, []).append(t)
            ratios.setdefault(name, []).append(ratio(samples, name, "jax.jit"))
        print(f"n={n:>9,}: " + ", ".join(f"{k} {format_seconds(v).strip()}" for k, v in medians.items()),
              flush=True)
    return times, ratios


def markdown(sizes, times, ratios, command) -> str:
    header = "| n | " + " | ".join(times) + " |"
    lines = [f"Measured on: {machine()}.", "", f"Command: `{command}`.", "",
             "Median time per call (in brackets: ratio to `jax.jit`, median of per-round ratios):", "",
             header, "|" + "---|" * (len(times) + 1)]
    for i, n in enumerate(sizes):
        cells = [f"{format_seconds(times[k][i]).strip()} ({ratios[k][i]:.2f})" for k in times]
        lines.append(f"| {n:.0e} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot(sizes, times):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    styles = {"NumPy": ("tab:blue", "o"), "Numba": ("tab:green", "s"),
              "shim eager": ("tab:orange", "^"), "shim.jit": ("tab:red", "D"),
              "shim.jit (numpy backend)": ("tab:olive", "v"), "jax.jit": ("k", "x")}
    fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    for name, values in times.items():
        color, marker = styles.get(name, (None, "."))
        ax.loglog(sizes, np.array(values) * 1e6, marker=marker, color=color, label=name,
                  lw=2.2 if name == "shim.jit" else 1.2)
    ax.set_xlabel("array size n (float64 elements)")
    ax.set_ylabel("time per call (µs)")
    ax.set_title("x[1:-1] += 0.25 * (x[:-2] - 2 * x[1:-1] + x[2:]), one call")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    fig.text(0.01, 0.005, machine(), fontsize=6, color="0.4")
    for suffix in ("png", "svg"):
        fig.savefig(STATIC / f"overhead.{suffix}", dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and rounds")
    args = parser.parse_args(argv)
    sizes, rounds = (QUICK_SIZES, 3) if args.quick else (SIZES, 9)
    print(machine())
    times, ratios = measure(sizes, rounds)
    STATIC.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/plot_overhead.py" + (" --quick" if args.quick else "")
    table = markdown(sizes, times, ratios, command)
    (STATIC / "overhead.md").write_text(table, encoding="utf-8")
    plot(sizes, times)
    print(table)
    print(f"wrote {STATIC}/overhead.png, overhead.svg, overhead.md")


if __name__ == "__main__":
    main()

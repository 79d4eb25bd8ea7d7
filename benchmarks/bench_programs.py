"""The example programs, unmodified, on NumPy arrays and on eager JaxArrays.

Run: ``python benchmarks/bench_programs.py`` (``--quick`` for smaller runs).

Each program from ``examples/`` runs on NumPy arrays and on JaxArrays made
from the same initial state. Printed: NumPy's time, shim's first run (which
compiles each kernel once), shim's median warm run, and warm shim / NumPy.
Eager shim dispatches one compiled kernel per NumPy operation, so small grids
are dominated by per-call cost (about 5-10 µs) and large grids by the work.
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path


import shim
from timing import block, format_seconds, machine, table

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def programs(quick):
    gol, rd, fluids, lif = (load(n) for n in ("game_of_life", "reaction_diffusion",
                                              "stable_fluids", "spiking_network"))
    scale = 1 if quick else 2

    def game_of_life(n, steps):
        Z = gol.initial_state(seed=0, n=n)
        return (f"Game of Life {n}x{n}, {steps} generations", (Z,),
                lambda Z: gol.run(Z, steps) and Z)

    def gray_scott(n, steps):
        U, V = rd.initial_state(seed=0, n=n)
        return (f"Gray-Scott {n}x{n}, {steps} steps", (U, V),
                lambda U, V: rd.simulate(U, V, steps))

    def stable_fluids(n, steps):
        state = fluids.initial_state(seed=0, n=n)
        return (f"Stable fluids {n}x{n}, {steps} steps", (state,),
                lambda state: fluids.simulate(state, steps)["density"])

    def spiking(n, steps):
        W, v0, i_ext = lif.initial_state(seed=0, n_exc=4 * n // 5, n_inh=n // 5)

        def run(W, v0, i_ext):
            net = lif.LIFNetwork(W, v0)
            net.run(steps, i_ext)
            return net.v
        return f"LIF network {n} neurons, {steps} steps", (W, v0, i_ext), run

    return [game_of_life(64, 50 * scale), game_of_life(512, 10 * scale),
            gray_scott(64, 100 * scale), gray_scott(512, 20 * scale),
            stable_fluids(32, 5 * scale), spiking(1000, 100 * scale)]


def _to_shim(x):
    if isinstance(x, dict):
        return {k: _to_shim(v) for k, v in x.items()}
    return shim.asarray(x)


def _copy(x):
    if isinstance(x, dict):
        return {k: v.copy() for k, v in x.items()}
    return x.copy()


def _time(fn, args, convert, repeats):
    times = []
    for _ in range(repeats):
        fresh = [convert(a) for a in args]
        start = time.perf_counter()
        block(fn(*fresh))
        times.append(time.perf_counter() - start)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 5
    print(f"Machine: {machine()}")
    rows = []
    for name, initial, fn in programs(args.quick):
        t_numpy = statistics.median(_time(fn, initial, _copy, repeats))
        shim_times = _time(fn, initial, _to_shim, repeats + 1)
        t_first, t_warm = shim_times[0], statistics.median(shim_times[1:])
        rows.append([name, format_seconds(t_numpy), format_seconds(t_first),
                     format_seconds(t_warm), f"{t_warm / t_numpy:.2f}"])
    print(table("Example programs: NumPy vs eager shim (CPU)",
                ["program", "NumPy", "shim first run", "shim warm", "shim/NumPy"], rows))


if __name__ == "__main__":
    sys.exit(main())

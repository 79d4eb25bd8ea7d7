"""The example programs, unmodified, on NumPy arrays and on JaxArrays, eager and compiled.

Run: ``python benchmarks/bench_programs.py`` (``--quick`` for smaller runs).

Each program from ``examples/`` runs from the same initial state:

* on NumPy arrays;
* on JaxArrays, eagerly (one compiled kernel per NumPy operation, about 5-10 µs
  each, so small grids are dominated by per-call cost);
* with the example's ``step`` compiled by ``shim.jit``, called from the same
  Python loop (one dispatch per step);
* with all steps in one ``shim.for_loop`` call.

Printed: medians of warm runs (the first run of each, which compiles, is
reported separately) and each shim variant's time over NumPy's.
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

from timing import block, format_seconds, machine, table

import shim

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _discard(step):
    """``step`` without its result, so that ``shim.for_loop`` does not stack it."""
    def body(*args):
        step(*args)
    return body


def programs(quick):
    """[(name, initial arrays, {variant: run(*arrays) -> result to wait for})]."""
    gol, rd, fluids, lif = (load(n) for n in ("game_of_life", "reaction_diffusion",
                                              "stable_fluids", "spiking_network"))
    scale = 1 if quick else 2
    gol_step, rd_step, fluids_step = shim.jit(gol.step), shim.jit(rd.step), shim.jit(fluids.step)
    gol_body, rd_body, fluids_body = _discard(gol.step), _discard(rd.step), _discard(fluids.step)

    def game_of_life(n, steps):
        return (f"Game of Life {n}x{n}, {steps} generations", (gol.initial_state(seed=0, n=n),),
                {"eager": lambda Z: gol.run(Z, steps) and Z,
                 "jit": lambda Z: gol.run(Z, steps, rule=gol_step) and Z,
                 "for_loop": lambda Z: shim.for_loop(gol_body, steps, Z) or Z})

    def gray_scott(n, steps):
        F, k = rd.PATTERNS["spots"]

        def jit_loop(U, V):
            for _ in range(steps):
                rd_step(U, V, F, k)
            return U, V
        return (f"Gray-Scott {n}x{n}, {steps} steps", rd.initial_state(seed=0, n=n),
                {"eager": lambda U, V: rd.simulate(U, V, steps), "jit": jit_loop,
                 "for_loop": lambda U, V: shim.for_loop(rd_body, steps, U, V, F, k) or (U, V)})

    def stable_fluids(n, steps):
        def jit_loop(state):
            for _ in range(steps):
                fluids_step(state)
            return state["density"]
        return (f"Stable fluids {n}x{n}, {steps} steps", (fluids.initial_state(seed=0, n=n),),
                {"eager": lambda state: fluids.simulate(state, steps)["density"],
                 "jit": jit_loop,
                 "for_loop": lambda state: shim.for_loop(fluids_body, steps, state)
                 or state["density"]})

    def spiking(n, steps):
        W, v0, i_ext = lif.initial_state(seed=0, n_exc=4 * n // 5, n_inh=n // 5)

        def eager(W, v0, i_ext):
            net = lif.LIFNetwork(W, v0)
            net.run(steps, i_ext)
            return net.v

        compiled = {}

        def network(W, v0):
            """One network for all runs, reset in place: its compiled step stays valid
            (a new object, or new arrays in its attributes, would compile again)."""
            fresh = lif.LIFNetwork(W, v0)
            net = compiled.get("net")
            if net is None:
                compiled["net"] = net = fresh
                net.update = shim.jit(net.update)     # net.run calls the compiled step
                return net
            for name, value in vars(fresh).items():
                current = getattr(net, name)
                if isinstance(current, shim.JaxArray):
                    current[...] = value
                elif isinstance(current, list):
                    current[:] = value
            return net

        def jit(W, v0, i_ext):
            net = network(W, v0)
            net.run(steps, i_ext)
            return net.v

        def loop(W, v0, i_ext):
            net = network(W, v0)
            shim.for_loop(net.update, steps, i_ext)
            return net.v
        return (f"LIF network {n} neurons, {steps} steps", (W, v0, i_ext),
                {"eager": eager, "jit": jit, "for_loop": loop})

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
    for name, initial, variants in programs(args.quick):
        t_numpy = statistics.median(_time(variants["eager"], initial, _copy, repeats))
        row = [name, format_seconds(t_numpy)]
        firsts = []
        for variant in ("eager", "jit", "for_loop"):
            times = _time(variants[variant], initial, _to_shim, repeats + 1)
            warm = statistics.median(times[1:])
            row += [format_seconds(warm), f"{warm / t_numpy:.2f}"]
            firsts.append(format_seconds(times[0]))
        rows.append(row + [" / ".join(firsts)])
    print(table("Example programs: NumPy vs shim eager, shim.jit(step), shim.for_loop (CPU)",
                ["program", "NumPy", "eager", "/NumPy", "shim.jit(step)", "/NumPy",
                 "for_loop", "/NumPy", "first runs (eager / jit / for_loop)"], rows))


if __name__ == "__main__":
    sys.exit(main())

"""``python -m shim``: run a plain NumPy program on NumPy arrays and on JaxArrays.

Usage: ``python -m shim [--help] [--config]``. Without options it runs the demo;
``--config`` prints :func:`shim.show_config`'s report.

The program below is ordinary NumPy -- a 2-D heat equation with in-place
updates through a view and boundary conditions written into slices. It is
run unchanged on NumPy arrays, eagerly on JaxArrays, with ``shim.jit`` of its
step and with ``shim.for_loop``. The demo prints each answer (the same) and how
long each run took, so both speeds and when to use which are visible.
"""
from __future__ import annotations

import argparse
import time

import jax
import numpy as np

import shim


def heat_step(T, alpha=0.2):
    """One explicit heat-diffusion step on the grid ``T``, in place."""
    interior = T[1:-1, 1:-1]                      # a view: writes reach T
    laplacian = (T[:-2, 1:-1] + T[2:, 1:-1] + T[1:-1, :-2] + T[1:-1, 2:]
                 - 4 * T[1:-1, 1:-1])
    interior += alpha * laplacian
    T[0, :] = 1.0                                 # hot top edge
    T[-1, :] = T[-2, :]                           # insulated bottom edge
    T[:, 0] = 0.0
    T[:, -1] = 0.0


def heat_equation(T, steps):
    """``steps`` heat-diffusion steps on ``T``, in place; returns the mean temperature."""
    for _ in range(steps):
        heat_step(T)
    return np.mean(T)


def _timed(run, initial):
    """(grid, mean, seconds of a second run, seconds of the first run): ``run(grid)`` twice."""
    first = shim.asarray(initial)
    t0 = time.perf_counter()
    mean = float(run(first))
    t_first = time.perf_counter() - t0
    again = shim.asarray(initial)
    t0 = time.perf_counter()
    float(run(again))
    return first, mean, time.perf_counter() - t0, t_first


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m shim",
        description="Run a plain NumPy program (a 2-D heat equation, written in place) on NumPy "
                    "arrays and on shim's JaxArrays, and print the answers and times of each.")
    parser.add_argument("--config", action="store_true",
                        help="print versions, devices, backend and settings, and exit")
    options = parser.parse_args(argv)
    if options.config:
        shim.show_config()
        return
    n, steps = 64, 200
    initial = np.zeros((n, n))
    print(f"shim {shim.__version__}: NumPy calls on JaxArrays run on JAX ({jax.devices()[0]})")
    print(f"Program: {steps} steps of a {n}x{n} heat equation, written in plain NumPy\n"
          "         (a view updated in place, boundaries written into slices).\n")

    t0 = time.perf_counter()
    T_numpy = initial.copy()
    mean_numpy = heat_equation(T_numpy, steps)
    t_numpy = time.perf_counter() - t0

    step = shim.jit(heat_step)

    def compiled_steps(T):
        for _ in range(steps):
            step(T)
        return np.mean(T)

    def looped(T):
        shim.for_loop(heat_step, steps, T)
        return np.mean(T)

    runs = [("shim eager (NumPy calls on JaxArrays)", lambda T: heat_equation(T, steps)),
            ("shim.jit(heat_step), called once per step", compiled_steps),
            ("shim.for_loop(heat_step, steps, T): one loop", looped)]
    print(f"{'NumPy arrays':<50} mean {float(mean_numpy):.12f}  {t_numpy * 1e3:8.1f} ms")
    worst = 0.0
    for label, run in runs:
        grid, mean, seconds, first = _timed(run, initial)
        worst = max(worst, float(np.max(np.abs(np.asarray(grid) - T_numpy))))
        print(f"{label:<50} mean {mean:.12f}  {seconds * 1e3:8.1f} ms  "
              f"(first call, compiling: {first * 1e3:.0f} ms)")
    print(f"\nLargest difference from NumPy's grid: {worst:.2e}")
    print("Eager shim runs each NumPy call on JAX: fine for big arrays and for exploring.\n"
          "shim.jit compiles one step and shim.for_loop the whole loop: use them where many\n"
          "small steps make the per-call cost dominate.")
    if worst > 1e-12:
        raise SystemExit("The results differ: please report this as a bug.")


if __name__ == "__main__":
    main()

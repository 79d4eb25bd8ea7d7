"""``python -m shim``: run a plain NumPy program on NumPy arrays and on JaxArrays.

Usage: ``python -m shim [--help] [--config]``. Without options it runs the demo;
``--config`` prints :func:`shim.show_config`'s report.

The program below is ordinary NumPy -- a 2-D heat equation with in-place
updates through a view and boundary conditions written into slices. It is
run twice, unchanged: once on NumPy arrays, once on JaxArrays. The demo prints
what ran where, whether the results agree, and how long each run took.
"""
from __future__ import annotations

import argparse
import time

import jax
import numpy as np

import shim


def heat_equation(T, steps, alpha=0.2):
    """Explicit heat diffusion on the grid ``T``, in place; returns the mean temperature."""
    interior = T[1:-1, 1:-1]                      # a view: writes reach T
    for _ in range(steps):
        laplacian = (T[:-2, 1:-1] + T[2:, 1:-1] + T[1:-1, :-2] + T[1:-1, 2:]
                     - 4 * T[1:-1, 1:-1])
        interior += alpha * laplacian
        T[0, :] = 1.0                             # hot top edge
        T[-1, :] = T[-2, :]                       # insulated bottom edge
        T[:, 0] = 0.0
        T[:, -1] = 0.0
    return np.mean(T)


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

    T_shim = shim.asarray(initial)
    t0 = time.perf_counter()
    mean_shim = heat_equation(T_shim, steps)
    t_first = time.perf_counter() - t0           # includes compiling each kernel once
    T_again = shim.asarray(initial)
    t0 = time.perf_counter()
    heat_equation(T_again, steps)
    float(np.mean(T_again))
    t_shim = time.perf_counter() - t0

    difference = np.max(np.abs(np.asarray(T_shim) - T_numpy))
    print(f"NumPy arrays: mean temperature {float(mean_numpy):.12f}  ({t_numpy * 1e3:.1f} ms)")
    print(f"JaxArrays:    mean temperature {float(mean_shim):.12f}  ({t_shim * 1e3:.1f} ms; "
          f"first run with compilation {t_first * 1e3:.0f} ms)")
    print(f"Result type on the JAX side: {type(mean_shim).__name__}, grid {type(T_shim).__name__}")
    print(f"Largest difference between the two grids: {difference:.2e}")
    print("The view T[1:-1, 1:-1] and the slice writes changed the JaxArray in place, as in NumPy.")
    if difference > 1e-12:
        raise SystemExit("The results differ: please report this as a bug.")


if __name__ == "__main__":
    main()

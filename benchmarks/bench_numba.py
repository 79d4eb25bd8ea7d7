"""shim.jit on the numpy backend (Numba) against hand-written Numba, the JAX backend and NumPy.

One run prints one ratio table:

- the LIF object step (``shim.jit(obj.update)``) at N = 100, 1e3, 1e5 neurons:
  against a hand-written ``numba.njit`` function taking the arrays explicitly
  (bar: <= 1.5x at N = 1e3), the same object compiled by ``shim.jit`` on the
  JAX backend (bar: the Numba backend >= 20x faster at N = 100), and NumPy
  eager (the uncompiled method on ndarrays);
- ``selu`` on 1e6 elements, numpy-backend ``shim.jit`` against NumPy eager.

Run: ``python benchmarks/bench_numba.py`` (``--quick`` for fewer rounds).
"""
from __future__ import annotations

import sys
import time

import numba
import numpy as np
from timing import compare_rounds, format_seconds, machine, ratio, table

import shim


class LIF:
    """Leaky integrate-and-fire neurons; the state lives in attributes."""

    def __init__(self, n, i_ext):
        self.v = shim.asarray(np.linspace(0.0, 1.0, n))
        self.i_ext = i_ext
        self.spike = shim.zeros(n, dtype=bool)
        self.tau, self.dt, self.v_th, self.v_reset = 10.0, 0.1, 1.0, 0.0
        self.t = 0.0

    def update(self, i_ext):
        self.v += self.dt * (-self.v + i_ext) / self.tau
        self.spike = self.v > self.v_th
        self.v[self.spike] = self.v_reset
        self.t += self.dt


@numba.njit
def lif_update(v, i_ext, t, dt, tau, v_th, v_reset):
    """The same step, hand-written for Numba: arrays and parameters passed explicitly."""
    v += dt * (-v + i_ext) / tau
    spike = v > v_th
    v[spike] = v_reset
    return spike, t + dt


class Explicit:
    def __init__(self, n):
        self.v = np.linspace(0.0, 1.0, n)
        self.spike = np.zeros(n, dtype=bool)
        self.t = 0.0

    def step(self, i_ext):
        self.spike, self.t = lif_update(self.v, i_ext, self.t, 0.1, 10.0, 1.0, 0.0)


def selu(x, alpha=1.6732632423543772, scale=1.0507009873554805):
    return scale * np.where(x > 0, x, alpha * (np.exp(x) - 1))


def lif_rows(n, rounds):
    i_ext = np.full(n, 1.5)
    with shim.use_backend("numpy"):
        net = LIF(n, i_ext)
        step = shim.jit(net.update)
        start = time.perf_counter()
        step(i_ext)
        first_call = time.perf_counter() - start
        eager = LIF(n, i_ext)
    with shim.use_backend("jax"):
        jax_net = LIF(n, i_ext)
        jax_step = shim.jit(jax_net.update)
        jax_i = shim.asarray(i_ext)
    hand = Explicit(n)
    _, samples = compare_rounds({
        "shim.jit (Numba)": lambda: step(i_ext),
        "numba.njit by hand": lambda: hand.step(i_ext),
        "shim.jit (JAX)": lambda: jax_step(jax_i),
        "NumPy eager": lambda: eager.update(i_ext),
    }, rounds=rounds)
    def med(name):
        return sorted(samples[name])[len(samples[name]) // 2]
    return [f"LIF step, N = {n:g}", format_seconds(med("shim.jit (Numba)")),
            f"{ratio(samples, 'shim.jit (Numba)', 'numba.njit by hand'):.2f}x",
            f"{ratio(samples, 'shim.jit (JAX)', 'shim.jit (Numba)'):.1f}x",
            f"{ratio(samples, 'NumPy eager', 'shim.jit (Numba)'):.1f}x",
            f"{first_call:.2f} s"]


def selu_row(rounds):
    x = np.random.default_rng(0).normal(size=1_000_000)
    with shim.use_backend("numpy"):
        compiled = shim.jit(selu)
        start = time.perf_counter()
        compiled(x)
        first_call = time.perf_counter() - start
    _, samples = compare_rounds({"shim.jit (Numba)": lambda: compiled(x),
                                 "NumPy eager": lambda: selu(x)}, rounds=rounds)
    med = sorted(samples["shim.jit (Numba)"])[rounds // 2]
    return ["selu, 1e6 elements", format_seconds(med), "", "",
            f"{ratio(samples, 'NumPy eager', 'shim.jit (Numba)'):.1f}x", f"{first_call:.2f} s"]


def main():
    rounds = 3 if "--quick" in sys.argv else 9
    rows = [lif_rows(n, rounds) for n in (100, 1_000, 100_000)]
    rows.append(selu_row(rounds))
    print(f"Machine: {machine()}, Numba {numba.__version__}")
    print(table("shim.jit on the numpy backend (Numba)",
                ["case", "shim.jit (Numba) per call", "/ numba.njit by hand (bar <= 1.5x at 1e3)",
                 "JAX backend / Numba (bar >= 20x at 100)", "NumPy eager / Numba",
                 "first call (compile)"], rows))


if __name__ == "__main__":
    main()

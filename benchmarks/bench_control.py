"""Python control flow in shim.jit: first-call compile time and per-call time.

Run: ``python benchmarks/bench_control.py`` (``--quick`` for fewer rounds).

Three NumPy-style programs with Python loops and conditions on array values,
each compiled by ``shim.jit`` on the JAX backend (the source is converted to
``lax`` control flow), the same computation hand-written with
``jax.lax.fori_loop``/``cond`` under ``jax.jit``, and ``shim.jit`` on the
numpy backend (Numba):

1. the seed loop ``for i in range(n): arr[i] += 2.; if i % 2 == 0: arr[i] += 1.``
   on 3,000 elements;
2. a 1,000-iteration loop with a data-dependent ``if`` accumulating a sum;
3. a per-neuron loop ``for i in range(self.n): if self.v[i] > self.th: ...``
   over 500 neurons, as a method of an object.

Printed: first call (trace + compile + one run) in seconds (bar: <= 1 s), and
per-call medians with the ratio shim.jit / hand-written lax (bar: <= 1.5).
"""
from __future__ import annotations

import argparse
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from timing import block, compare_rounds, format_seconds, machine, ratio, table

import shim

# --- the programs, as users write them ----------------------------------------------------


def seed(arr):
    for i in range(arr.shape[0]):
        arr[i] += 2.
        if i % 2 == 0:
            arr[i] += 1.


def branchy(x):
    s = 0.0
    for i in range(1000):
        if x[i] > 0.5:
            s = s + x[i]
        else:
            s = s - 0.5 * x[i]
    return s


class Neurons:
    def __init__(self, xp, n):
        self.n = n
        self.th = 0.5
        self.v = xp.asarray(np.random.default_rng(0).random(n))
        self.spikes = xp.zeros(n)

    def step(self):
        for i in range(self.n):
            if self.v[i] > self.th:
                self.v[i] = 0
                self.spikes[i] += 1
        self.v += 0.1


# --- the same, hand-written with lax ------------------------------------------------------

@jax.jit
def seed_lax(arr):
    def body(i, a):
        a = a.at[i].add(2.)
        return lax.cond(i % 2 == 0, lambda a: a.at[i].add(1.), lambda a: a, a)
    return lax.fori_loop(0, arr.shape[0], body, arr)


@jax.jit
def branchy_lax(x):
    def body(i, s):
        return lax.cond(x[i] > 0.5, lambda s: s + x[i], lambda s: s - 0.5 * x[i], s)
    return lax.fori_loop(0, 1000, body, 0.0)


@jax.jit
def neurons_lax(v, spikes):
    def body(i, c):
        v, spikes = c
        return lax.cond(v[i] > 0.5, lambda c: (c[0].at[i].set(0.), c[1].at[i].add(1.)),
                        lambda c: c, (v, spikes))
    v, spikes = lax.fori_loop(0, v.shape[0], body, (v, spikes))
    return v + 0.1, spikes


def first_call(make):
    start = time.perf_counter()
    block(make())
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else 9
    print(machine())

    x_np = np.random.default_rng(1).random(1000)
    cases = {}

    # 1. the seed loop
    arr = shim.zeros(3000)
    f_seed = shim.jit(seed)
    a_lax = jnp.zeros(3000)
    with shim.use_backend("numpy"):
        f_seed_nb = shim.jit(seed)
    arr_nb = np.zeros(3000)
    cases["seed loop, 3,000 elements"] = (
        lambda: f_seed(arr), lambda: seed_lax(a_lax), lambda: f_seed_nb(arr_nb))

    # 2. a data-dependent if in a 1,000-iteration loop
    x = shim.asarray(x_np)
    f_branchy = shim.jit(branchy)
    x_lax = jnp.asarray(x_np)
    with shim.use_backend("numpy"):
        f_branchy_nb = shim.jit(branchy)
    cases["1,000-iteration loop with an if"] = (
        lambda: f_branchy(x), lambda: branchy_lax(x_lax), lambda: f_branchy_nb(x_np))

    # 3. the per-neuron loop, a method
    net = Neurons(shim, 500)
    f_step = shim.jit(net.step)
    v_lax, s_lax = jnp.asarray(np.asarray(net.v)), jnp.zeros(500)
    with shim.use_backend("numpy"):
        net_nb = Neurons(np, 500)
        f_step_nb = shim.jit(net_nb.step)
    cases["per-neuron loop, 500 neurons"] = (
        lambda: f_step(), lambda: neurons_lax(v_lax, s_lax), lambda: f_step_nb())

    compile_rows, call_rows = [], []
    for name, (shim_call, lax_call, numba_call) in cases.items():
        t_shim = first_call(shim_call)
        t_lax = first_call(lax_call)
        t_numba = first_call(numba_call)
        compile_rows.append([name, f"{t_shim:.3f}", f"{t_lax:.3f}", f"{t_numba:.3f}",
                             "yes" if t_shim <= 1.0 else "NO"])
        medians, samples = compare_rounds({"shim": lambda c=shim_call: block(c()),
                                           "lax": lambda c=lax_call: block(c()),
                                           "numba": numba_call}, rounds=rounds)
        r = ratio(samples, "shim", "lax")
        call_rows.append([name, format_seconds(medians["shim"]), format_seconds(medians["lax"]),
                          f"{r:.2f}", format_seconds(medians["numba"]),
                          "yes" if r <= 1.5 else "NO"])
    print(table("First call: trace + compile + run (s)",
                ["program", "shim.jit (JAX)", "hand-written lax", "shim.jit (Numba)",
                 "<= 1 s"], compile_rows))
    print(table("Per call", ["program", "shim.jit (JAX)", "hand-written lax", "ratio",
                             "shim.jit (Numba)", "ratio <= 1.5"], call_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

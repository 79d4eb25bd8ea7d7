"""Compiled calls: shim.jit against raw jax.jit, Flax NNX, brainstate, Equinox, NumPy, Numba.

Run: ``python benchmarks/bench_jit.py`` (``--quick`` for fewer rounds). The peers
are optional: ``pip install -r benchmarks/requirements.txt`` installs them; a
missing one is reported as such.

Printed (medians of interleaved rounds; ratios are medians of per-round ratios):

1. a leaky integrate-and-fire group as an object (``v += dt*(-v + I)/tau;
   spike = v > th; v[spike] = reset``), one compiled step per call, at N =
   100, 1e4, 1e6: ``shim.jit(obj.update)`` against a ``jax.jit`` pure function
   taking and returning the state (bars: <= 1.15 at N=100, <= 1.02 at 1e6),
   and the same model in Flax NNX, brainstate, Equinox, NumPy and Numba;
2. the same object with M = 1, 10, 100 state arrays, N = 100;
3. ``shim.jit(selu)`` against ``jax.jit`` of the ``jax.numpy`` version at 100 and
   1e6 elements (bars: <= 1.2 and <= 1.05), with first-call compile times.
"""
from __future__ import annotations

import argparse
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
from timing import block, compare_rounds, format_seconds, machine, ratio, table

import shim

DT, TAU, TH, RESET = 0.1, 10.0, 1.0, 0.0


# --- the model, once per framework -------------------------------------------------------

class LIF:
    """Plain NumPy-style code: the same class runs on NumPy or shim arrays."""

    def __init__(self, xp, n):
        self.v = xp.zeros(n)
        self.spike = xp.zeros(n, dtype=bool)
        self.dt, self.tau, self.th, self.reset = DT, TAU, TH, RESET

    def update(self, i_ext):
        self.v += self.dt * (-self.v + i_ext) / self.tau
        self.spike = self.v > self.th
        self.v[self.spike] = self.reset


@jax.jit
def lif_pure(v, i_ext):
    v = v + DT * (-v + i_ext) / TAU
    spike = v > TH
    return jnp.where(spike, RESET, v), spike


def raw_jax(n, i_ext):
    state = {"v": jnp.zeros(n)}

    def step():
        state["v"], spike = lif_pure(state["v"], i_ext)
        return state["v"]
    return step


def numba_step():
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(cache=False)
    def step(v, spike, i_ext):
        for k in range(v.shape[0]):
            v[k] += DT * (-v[k] + i_ext[k]) / TAU
            spike[k] = v[k] > TH
            if spike[k]:
                v[k] = RESET
    return step


def peers(n, i_ext_jax):
    """{name: step callable or the reason it is unavailable}."""
    found = {}
    try:
        from flax import nnx

        class NNXLIF(nnx.Module):
            def __init__(self):
                self.v = nnx.Variable(jnp.zeros(n))
                self.spike = nnx.Variable(jnp.zeros(n, dtype=bool))

            def __call__(self, i_ext):
                v = self.v[...] + DT * (-self.v[...] + i_ext) / TAU
                spike = v > TH
                self.v[...] = jnp.where(spike, RESET, v)
                self.spike[...] = spike

        model = NNXLIF()
        nnx_step = nnx.jit(lambda m, i: m(i))
        found["Flax NNX nnx.jit"] = lambda: (nnx_step(model, i_ext_jax), model.v[...])[1]
    except ImportError as error:
        found["Flax NNX nnx.jit"] = f"not installed ({error.name})"
    try:
        import brainstate
        # brainstate switches jax_enable_x64 off when imported; every framework here
        # computes in float64, as NumPy does.
        brainstate.environ.set(precision=64)

        class BSLIF:
            def __init__(self):
                self.v = brainstate.State(jnp.zeros(n))
                self.spike = brainstate.State(jnp.zeros(n, dtype=bool))

            def update(self, i_ext):
                v = self.v.value + DT * (-self.v.value + i_ext) / TAU
                spike = v > TH
                self.v.value = jnp.where(spike, RESET, v)
                self.spike.value = spike

        bs_model = BSLIF()
        bs_step = brainstate.transform.jit(bs_model.update)
        found["brainstate jit"] = lambda: (bs_step(i_ext_jax), bs_model.v.value)[1]
    except ImportError as error:
        found["brainstate jit"] = f"not installed ({error.name})"
    try:
        import equinox as eqx

        class EQXLIF(eqx.Module):
            v: jax.Array
            spike: jax.Array

            def update(self, i_ext):
                v = self.v + DT * (-self.v + i_ext) / TAU
                spike = v > TH
                return EQXLIF(jnp.where(spike, RESET, v), spike)

        holder = {"m": EQXLIF(jnp.zeros(n), jnp.zeros(n, dtype=bool))}
        eqx_step = eqx.filter_jit(lambda m, i: m.update(i))

        def equinox_step():
            holder["m"] = eqx_step(holder["m"], i_ext_jax)
            return holder["m"].v
        found["Equinox filter_jit"] = equinox_step
    except ImportError as error:
        found["Equinox filter_jit"] = f"not installed ({error.name})"
    return found


def lif_candidates(n):
    """({name: step}, {name: why unavailable}) for the LIF group of ``n`` neurons."""
    i_np = np.linspace(0.5, 3.0, n)
    i_jax = jnp.asarray(i_np)
    i_shim = shim.asarray(i_np)
    net = LIF(shim, n)
    shim_step = shim.jit(net.update)
    np_net = LIF(np, n)
    candidates = {"raw jax.jit (pure function)": raw_jax(n, i_jax),
                  "shim.jit(obj.update)": lambda: (shim_step(i_shim), net.v)[1]}
    unavailable = {}
    for name, step in peers(n, i_jax).items():
        if callable(step):
            candidates[name] = step
        else:
            unavailable[name] = step
    candidates["NumPy eager"] = lambda: np_net.update(i_np)
    nb = numba_step()
    if nb is not None:
        v, spike = np.zeros(n), np.zeros(n, dtype=bool)
        candidates["Numba njit (explicit arrays)"] = lambda: nb(v, spike, i_np)
    return candidates, unavailable


def bench_lif(sizes, rounds):
    rows = []
    for n in sizes:
        candidates, unavailable = lif_candidates(n)
        medians, samples = compare_rounds(candidates, rounds=rounds, min_time=0.02)
        for name in candidates:
            rows.append([f"{n:g}", name, format_seconds(medians[name]),
                         f"{ratio(samples, name, 'raw jax.jit (pure function)'):.2f}"])
        rows += [[f"{n:g}", name, reason, ""] for name, reason in unavailable.items()]
    return table("LIF object step per call (bars: shim.jit/raw <= 1.15 at N=100, <= 1.02 at 1e6)",
                 ["N", "implementation", "time per step", "/ raw jax.jit"], rows)


class ManyStates:
    def __init__(self, m, n):
        self.states = [shim.zeros(n) for _ in range(m)]

    def update(self, x):
        for s in self.states:
            s += 0.1 * (x - s)


def state_count_candidates(m, n):
    x = jnp.ones(n)
    obj = ManyStates(m, n)
    step = shim.jit(obj.update)
    x_shim = shim.asarray(x)

    @jax.jit
    def pure(states, x):
        return [s + 0.1 * (x - s) for s in states]
    held = {"s": [jnp.zeros(n) for _ in range(m)]}

    def raw():
        held["s"] = pure(held["s"], x)
        return held["s"][0]
    return {"raw": raw, "shim": lambda: (step(x_shim), obj.states[0])[1]}


def bench_state_count(counts, n, rounds):
    rows = []
    for m in counts:
        medians, samples = compare_rounds(state_count_candidates(m, n), rounds=rounds,
                                          min_time=0.02)
        rows.append([str(m), format_seconds(medians["shim"]), format_seconds(medians["raw"]),
                     f"{ratio(samples, 'shim', 'raw'):.2f}"])
    return table(f"Object with M state arrays of {n} elements, one step per call",
                 ["M", "shim.jit(obj.update)", "raw jax.jit (list in, list out)", "shim/raw"], rows)


def selu_numpy(x, alpha=1.67, lmbda=1.05):
    return lmbda * np.where(x > 0, x, alpha * np.exp(x) - alpha)


def selu_jnp(x, alpha=1.67, lmbda=1.05):
    return lmbda * jnp.where(x > 0, x, alpha * jnp.exp(x) - alpha)


def selu_candidates(n):
    """({name: call}, {name: first-call seconds}) for selu on ``n`` elements."""
    data = np.random.default_rng(0).standard_normal(n)
    x_shim, x_jax = shim.asarray(data), jnp.asarray(data)
    shim_selu, jax_selu = shim.jit(selu_numpy), jax.jit(selu_jnp)
    first = {}
    for name, call in (("shim", lambda: shim_selu(x_shim)), ("jax", lambda: jax_selu(x_jax))):
        start = time.perf_counter()
        block(call())
        first[name] = time.perf_counter() - start
    return {"shim": lambda: shim_selu(x_shim), "jax": lambda: jax_selu(x_jax),
            "numpy": lambda: selu_numpy(data)}, first


def bench_selu(sizes, rounds):
    rows = []
    for n in sizes:
        candidates, first = selu_candidates(n)
        medians, samples = compare_rounds(candidates, rounds=rounds, min_time=0.02)
        rows.append([f"{n:g}", format_seconds(medians["shim"]), format_seconds(medians["jax"]),
                     f"{ratio(samples, 'shim', 'jax'):.2f}", format_seconds(medians["numpy"]),
                     format_seconds(first["shim"]), format_seconds(first["jax"])])
    return table("selu: shim.jit(NumPy code) vs jax.jit(jax.numpy code) "
                 "(bars: <= 1.2 at 100, <= 1.05 at 1e6)",
                 ["n", "shim.jit", "jax.jit", "shim/jax", "NumPy eager", "shim first call",
                  "jax first call"], rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args(argv)
    rounds = 7 if args.quick else 21
    print(f"Machine: {machine()}")
    print(bench_lif((100, 10_000, 1_000_000), rounds))
    print(bench_state_count((1, 10, 100), 100, rounds))
    print(bench_selu((100, 1_000_000), rounds))


if __name__ == "__main__":
    sys.exit(main())

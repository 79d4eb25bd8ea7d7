"""shim.jit state: never stale, never leaking tracers, any pytree; shim.state and load_state.

Each behaviour test runs the same code eagerly on NumPy arrays and compiled on
JaxArrays, and compares.
"""
from __future__ import annotations

import jax
import numpy as np
from oracle import assert_same

import shim


def no_tracers(*values):
    """No JAX tracer is left in ``values`` (arrays, containers, objects' attributes)."""
    for path, array in shim.state(list(values)).items():
        assert not isinstance(array.value if isinstance(array, shim.JaxArray) else array,
                              jax.core.Tracer), path


# --- the first call traces once -------------------------------------------------------------

class Counted:
    def __init__(self, xp):
        self.v = xp.zeros(3)
        self.w = xp.ones(3)
        self.spike = xp.zeros(3, dtype=bool)
        self.calls = 0

    def step(self, x):
        Counted.traced += 1
        self.v += 2.0 * (x - self.v) * self.w
        self.v[self.v > 1.5] = 0.0
        return self.v.sum()


def test_first_call_runs_the_function_once():
    expected = Counted(np)
    Counted.traced = 0
    results = [expected.step(x) for x in (0.5, 0.7, 1.0)]
    m = Counted(shim)
    step = shim.jit(m.step)
    Counted.traced = 0
    assert_same(results[0], step(0.5))
    assert Counted.traced == 1
    assert_same(results[1:], [step(0.7), step(1.0)])
    assert Counted.traced == 1
    assert_same(expected.v, m.v)


def test_plain_function_and_globals_trace_once():
    count = []
    state = {"acc": shim.zeros(2)}

    def add(x):
        count.append(1)
        state["acc"] += x
        return state["acc"] * 2

    add_c = shim.jit(add)
    out = add_c(shim.asarray([1.0, 2.0]))
    assert len(count) == 1
    assert_same(np.array([2.0, 4.0]), out)
    assert_same(np.array([1.0, 2.0]), state["acc"])

"""``shim.jit`` on the numpy backend: Numba compiles functions, methods and objects.

The oracle is the same Python code run uncompiled on NumPy arrays (a deep copy
of the same objects): the compiled call must leave the same values in the same
attributes and return the same results.
"""
from __future__ import annotations

import copy
import subprocess
import sys
import warnings

import numpy as np
import pytest

import shim
from shim import NumbaCompileError
from shim._numba import NumbaFunction


@pytest.fixture(autouse=True)
def numpy_backend():
    with shim.use_backend("numpy"):
        yield


def test_native_loops_and_data_dependent_branches():
    def bump(arr):
        for i in range(arr.shape[0]):
            arr[i] += 2.0
            if arr[i] > 3.0:
                arr[i] = 0.0
        n = 0
        while n < arr.shape[0] and arr[n] > 0:
            n += 1
        return n

    compiled = shim.jit(bump)
    assert isinstance(compiled, NumbaFunction)
    a, b = np.arange(5.0), np.arange(5.0)
    assert compiled(a) == bump(b)
    np.testing.assert_array_equal(a, b)
    assert compiled.compile_time > 0 and compiled.compilations == 1


def test_options_reach_numba():
    def total(x):
        return x.sum()

    compiled = shim.jit(total, parallel=True, fastmath=True)
    assert compiled(np.ones(10)) == 10.0
    options = compiled._plan.dispatchers[0].targetoptions
    assert options["parallel"] is True and options["fastmath"] is True
    with pytest.raises(TypeError, match="paralel"):
        shim.jit(total, paralel=True)


class Group:
    def __init__(self, n):
        self.v = np.linspace(0.0, 1.0, n)
        self.tau = 10.0
        self.count = 0

    def step(self, x):
        self.v += (x - self.v) / self.tau
        self.count += 1
        return self.v.sum()


class Net:
    def __init__(self, n):
        self.exc = Group(n)
        self.inh = Group(n)
        self.spike = np.zeros(n, dtype=bool)
        self.t = 0.0
        self.dt = 0.1
        self.label = "net"

    def update(self, x):
        total = self.exc.step(x) - self.inh.step(0.5 * x)
        self.spike = self.exc.v > 0.6
        self.exc.v[self.spike] = 0.0
        for _ in range(3):
            self.t += self.dt
        return total


def _same_state(a, b):
    np.testing.assert_allclose(a.exc.v, b.exc.v, rtol=1e-12)
    np.testing.assert_allclose(a.inh.v, b.inh.v, rtol=1e-12)
    np.testing.assert_array_equal(a.spike, b.spike)
    assert (a.exc.count, a.inh.count) == (b.exc.count, b.inh.count)
    assert a.t == pytest.approx(b.t, rel=1e-12)


def test_object_state_nested_objects_and_written_numbers():
    net = Net(8)
    python = copy.deepcopy(net)
    v_array = net.exc.v
    step = shim.jit(net.update)
    x = np.linspace(0.0, 2.0, 8)
    for _ in range(5):
        assert step(x) == pytest.approx(python.update(x), rel=1e-12)
    _same_state(net, python)
    assert net.exc.v is v_array                # written in place, not replaced
    assert type(net.t) is float and type(net.exc.count) is int


class Rebinding:
    """Array attributes rebound first, rebound on a branch, and read by a sub-method."""

    def __init__(self):
        self.v = np.linspace(-1.0, 1.0, 6)
        self.mask = np.zeros(6, dtype=bool)
        self.kept = np.full(6, 7.0)
        self.group = Group(6)

    def step(self, rebind):
        self.mask = self.v > 0.0               # assigned before any use: not passed in
        self.v[self.mask] -= 0.5
        if rebind:
            self.kept = self.v * 2.0           # may keep its old value: passed in
        self.kept += 1.0
        return self.group.step(self.kept) + self.mask.sum()


def test_rebound_attributes_before_and_after_use():
    obj = Rebinding()
    python = copy.deepcopy(obj)
    step = shim.jit(obj.step)
    for rebind in (False, True, False, False):
        assert step(rebind) == pytest.approx(python.step(rebind), rel=1e-12)
        for name in ("v", "mask", "kept"):
            np.testing.assert_array_equal(getattr(obj, name), getattr(python, name))
        np.testing.assert_allclose(obj.group.v, python.group.v, rtol=1e-12)


def test_a_changed_constant_compiles_again_never_stale():
    net = Net(4)
    python = copy.deepcopy(net)
    step = shim.jit(net.update)
    x = np.ones(4)
    step(x), python.update(x)
    for obj in (net, python):
        obj.exc.tau = 2.0
        obj.dt = 0.5
    assert step(x) == pytest.approx(python.update(x), rel=1e-12)
    _same_state(net, python)
    assert step.compilations == 2
    for obj in (net, python):                  # a new sub-object is followed too
        obj.inh = Group(4)
        obj.inh.tau = 3.0
    assert step(x) == pytest.approx(python.update(x), rel=1e-12)
    _same_state(net, python)


def test_rebound_array_attribute_is_read_fresh():
    net = Net(4)
    step = shim.jit(net.update)
    step(np.ones(4))
    net.exc.v = np.full(4, 0.5)
    python = copy.deepcopy(net)
    assert step(np.ones(4)) == pytest.approx(python.update(np.ones(4)))
    _same_state(net, python)


def test_global_arrays_are_arguments_not_frozen_constants():
    compiled = shim.jit(_weighted)
    assert compiled(np.ones(3)) == 3.0
    WEIGHTS[:] = 2.0
    assert compiled(np.ones(3)) == 6.0


WEIGHTS = np.ones(3)


def _weighted(x):
    return (WEIGHTS * x).sum()


def test_method_decorated_in_class_body():
    class Counter:
        def __init__(self):
            self.values = np.zeros(3)
            self.calls = 0

        @shim.jit
        def add(self, k):
            self.values += k
            self.calls += 1

    a, b = Counter(), Counter()
    a.add(1.0), a.add(2.0), b.add(5.0)
    np.testing.assert_array_equal(a.values, [3.0] * 3)
    np.testing.assert_array_equal(b.values, [5.0] * 3)
    assert (a.calls, b.calls) == (2, 1)


class Noisy:
    def __init__(self, n):
        self.v = np.zeros(n)

    def update(self):
        self.v += shim.random.normal(0.0, 1.0, self.v.shape[0])
        return shim.random.random()


def test_random_inside_follows_shim_random_seed():
    runs = []
    for _ in range(2):
        shim.random.seed(7)
        obj = Noisy(5)
        step = shim.jit(obj.update)
        last = [step() for _ in range(3)][-1]
        runs.append((obj.v.copy(), last))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    assert runs[0][1] == runs[1][1]
    # The compiled generator starts where NumPy's does after the same seed.
    shim.random.seed(7)
    python = Noisy(5)
    [python.update() for _ in range(3)]
    np.testing.assert_allclose(runs[0][0], python.v, rtol=1e-12)


def _uses_fft(x):
    y = x * 2
    return np.fft.fft(y)


class Holder:
    def __init__(self):
        self.items = [np.zeros(2)]

    def first(self):
        return self.items[0]


def test_unsupported_construct_names_function_line_and_table():
    with pytest.raises(NumbaCompileError) as info:
        shim.jit(_uses_fft)(np.ones(4))
    message = str(info.value)
    assert "_uses_fft" in message and "fft" in message
    where = f"{_uses_fft.__code__.co_filename}, line {_uses_fft.__code__.co_firstlineno + 2}"
    assert f"({where}: return np.fft.fft(y))" in message
    assert "compat_table" in message and "fallback=True" in message
    with pytest.raises(NumbaCompileError, match=r"self\.items \(a list\).*Holder\.first"):
        shim.jit(Holder().first)()


def test_python_fallback_only_when_asked():
    compiled = shim.jit(_uses_fft, fallback=True)
    with pytest.warns(shim.FallbackWarning, match="_uses_fft"):
        result = compiled(np.ones(4))
    np.testing.assert_allclose(result, np.fft.fft(np.ones(4) * 2))


def test_backend_is_read_when_jit_is_applied():
    def f(x):
        return x + 1

    compiled = shim.jit(f)
    with shim.use_backend("jax"):
        assert not isinstance(shim.jit(f), NumbaFunction)
        shim.jit(f, cache=True, parallel=True)          # Numba's options: accepted, unused
        with pytest.raises(TypeError, match="unknown option"):
            shim.jit(f, paralel=True)
        assert compiled(np.ones(2)).tolist() == [2.0, 2.0]   # still Numba


CACHED_MODULE = """
import time, numpy as np, shim
shim.use_backend("numpy")

class LIF:
    def __init__(self, n):
        self.v = np.zeros(n)
        self.tau = 10.0

    def update(self, i_ext):
        self.v += (i_ext - self.v) / self.tau
        return self.v.sum()

net = LIF(10)
step = shim.jit(net.update, cache=True)
value = step(np.ones(10))
print(step.cache_hits, repr(value))
"""


def test_cache_makes_a_second_process_load_instead_of_compile(tmp_path):
    script = tmp_path / "cached_model.py"
    script.write_text(CACHED_MODULE)
    outputs = [subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              check=True).stdout.split() for _ in range(2)]
    assert outputs[0][0] == "0"
    assert outputs[1][0] == "1"                         # loaded from Numba's on-disk cache
    assert outputs[0][1] == outputs[1][1]


# --- the same model on both backends ------------------------------------------------------

class EINetwork:
    """Excitatory and inhibitory integrate-and-fire neurons, random sparse coupling."""

    def __init__(self, W, v0):
        self.W = shim.asarray(W)
        self.v = shim.asarray(v0)
        self.spike = shim.zeros(v0.shape[0])
        self.refractory = shim.zeros(v0.shape[0])
        self.n_spikes = shim.zeros(v0.shape[0])
        self.tau, self.dt, self.v_th, self.v_reset, self.t_ref = 20.0, 0.1, 1.0, 0.0, 2.0
        self.t = 0.0

    def update(self, i_ext):
        self.v += self.dt * (-self.v + i_ext + self.W @ self.spike) / self.tau
        resting = self.refractory > 0
        self.v[resting] = self.v_reset
        self.refractory = shim.maximum(self.refractory - self.dt, 0.0)
        fired = self.v > self.v_th
        self.spike = shim.where(fired, 1.0, 0.0)
        self.v[fired] = self.v_reset
        self.refractory = shim.where(fired, self.t_ref, self.refractory)
        self.n_spikes += self.spike
        self.t += self.dt


def _ei_inputs(n_exc=160, n_inh=40, p=0.1):
    rng = np.random.default_rng(0)
    n = n_exc + n_inh
    W = np.where(rng.random((n, n)) < p, 1.0, 0.0) * rng.uniform(0.5, 1.5, (n, n))
    W[:, n_exc:] *= -4.0
    np.fill_diagonal(W, 0.0)
    return W, rng.uniform(0.0, 1.0, n), rng.normal(1.1, 0.1, n)


def _run_ei(backend, steps=300):
    W, v0, i_ext = _ei_inputs()
    with shim.use_backend(backend):
        net = EINetwork(W, v0)
        step = shim.jit(net.update)
        drive = shim.asarray(i_ext)
        for _ in range(steps):
            step(drive)
        return {name: np.asarray(getattr(net, name)) for name in ("v", "n_spikes", "refractory")} \
            | {"t": float(np.asarray(net.t))}


def test_same_user_code_same_results_on_both_backends():
    on_numba = _run_ei("numpy")
    on_jax = _run_ei("jax")
    assert on_numba["n_spikes"].sum() > 50                 # the network is active
    np.testing.assert_array_equal(on_numba["n_spikes"], on_jax["n_spikes"])
    np.testing.assert_allclose(on_numba["v"], on_jax["v"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(on_numba["refractory"], on_jax["refractory"], atol=1e-9)
    assert on_numba["t"] == pytest.approx(on_jax["t"], rel=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        python = EINetwork(*_ei_inputs()[:2])
    for _ in range(300):
        python.update(_ei_inputs()[2])
    np.testing.assert_array_equal(on_numba["n_spikes"], python.n_spikes)

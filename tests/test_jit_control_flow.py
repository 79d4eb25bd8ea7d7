"""Python control flow inside shim.jit: each construct eagerly on NumPy vs compiled, both backends.

Every program here is plain NumPy code. It runs on NumPy arrays eagerly (the
oracle) and through ``shim.jit`` on the backend under test (JAX: converted to
``lax`` control flow; numpy: Numba), several times with inputs that take
every branch; results and the arrays written in place must agree.
"""
from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest
from oracle import assert_same, to_backend

import shim
from shim._jit import _convert_runtime


def compare(backend, program, *calls, fresh=True):
    """Run ``program(*args)`` for each ``args`` in ``calls``: NumPy eagerly vs shim.jit."""
    with shim.use_backend(backend):
        compiled = shim.jit(program)
    for args in calls:
        np_args = copy.deepcopy(args)
        expected = program(*np_args)
        sh_args = to_backend(args, backend)
        with shim.use_backend(backend):
            actual = compiled(*sh_args)
        _same_value(expected, actual, backend)
        for e, a in zip(np_args, sh_args):
            if isinstance(e, np.ndarray):
                assert_same(e, a, backend, path="argument after the call")
    return compiled


def _same_value(expected, actual, backend):
    if isinstance(expected, tuple):
        assert isinstance(actual, tuple) and len(actual) == len(expected)
        for e, a in zip(expected, actual):
            _same_value(e, a, backend)
        return
    if expected is None:
        assert actual is None
        return
    e, a = np.asarray(expected), np.asarray(actual)
    assert e.shape == a.shape, f"shape {a.shape} != NumPy's {e.shape}"
    assert e.dtype.kind == a.dtype.kind, f"dtype {a.dtype} != NumPy's {e.dtype}"
    np.testing.assert_allclose(a, e, rtol=1e-12)


rng = np.random.default_rng(0)


# --- the programs -------------------------------------------------------------------------

def seed_loop(arr):
    for i in range(arr.shape[0]):
        arr[i] += 2.
        if i % 2 == 0:
            arr[i] += 1.
    return arr.sum()


def if_else(x):
    if x.sum() > 0:
        y = x * 2
    else:
        y = x - 1
    return y


def if_elif(x):
    s = x.sum()
    if s > 1:
        r = 1.0
    elif s < -1:
        r = -1.0
    else:
        r = 0.0
    return r


def if_in_place(x):
    if x[0] > 0:
        x[x > 0.5] = 0.0
    else:
        x += 1.0
    return None


def if_python_test(x, flag):
    if flag:
        return x + 1
    return x - 1


def if_and_or(x):
    total = 0.0
    if x[0] > 0 and x[1] > 0:
        total = total + 1
    if x[0] > 0 or not x[1] > 0:
        total = total + 10
    return total


def if_return(x):
    if x.sum() > 0:
        return x.max()
    return x.min()


def while_loop(x):
    n = 0
    s = x[0]
    while s < 100.0:
        s = s * 2.0 + 1.0
        n += 1
    return s, n


def while_break(x):
    i = 0
    while i < x.shape[0]:
        if x[i] > 0.8:
            break
        x[i] = -1.0
        i += 1
    return i


def for_continue(x):
    total = 0.0
    for i in range(x.shape[0]):
        if x[i] < 0.5:
            continue
        total = total + x[i]
    return total


def for_break_long(x):
    total = 0.0
    for i in range(40):
        if x[i] > 0.9:
            break
        total = total + x[i]
    return total


def for_traced_range(x, n):
    acc = x[0] * 0.0
    for i in range(n):
        acc = acc + x[i]
    return acc


def for_over_rows(m):
    out = m[0] * 0.0
    for row in m:
        if row.sum() > 1.5:
            out += row
    return out


def for_return_inside(x):
    for i in range(x.shape[0]):
        if x[i] > 0.9:
            return i
    return -1


def nested_loops(m):
    count = 0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j] > 0.5:
                m[i, j] = 0.0
                count += 1
    return count


def for_else(x):
    found = 0
    for i in range(x.shape[0]):
        if x[i] > 0.95:
            found = 1
            break
    else:
        found = 2
    return found


def _helper(v, k):
    if v[k] > 0.5:
        v[k] = 1.0
    else:
        v[k] = 0.0


def calls_helper(x):
    for k in range(x.shape[0]):
        _helper(x, k)
    return x.sum()


class Neurons:
    def __init__(self, xp, n):
        self.n = n
        self.v = xp.zeros(n)
        self.th = 0.5
        self.spikes = xp.zeros(n)

    def step(self, inp):
        self.v += inp
        for i in range(self.n):
            if self.v[i] > self.th:
                self.v[i] = 0.0
                self.spikes[i] += 1


PROGRAMS = [
    (seed_loop, [(np.zeros(5),), (np.zeros(40),)]),
    (if_else, [(rng.random(4),), (-rng.random(4),)]),
    (if_elif, [(np.full(3, 1.0),), (np.full(3, -1.0),), (np.zeros(3),)]),
    (if_in_place, [(rng.random(6),), (-rng.random(6),)]),
    (if_and_or, [(np.array([1.0, 1.0]),), (np.array([1.0, -1.0]),), (np.array([-1.0, 1.0]),)]),
    (if_return, [(rng.random(4),), (-rng.random(4),)]),
    (while_loop, [(np.array([1.0]),), (np.array([200.0]),), (np.array([0.1]),)]),
    (while_break, [(np.array([0.1, 0.2, 0.9, 0.3]),), (np.array([0.1, 0.2]),)]),
    (for_continue, [(rng.random(8),), (rng.random(8),)]),
    (for_break_long, [(rng.random(40),), (np.zeros(40),)]),
    (for_over_rows, [(rng.random((5, 3)),), (rng.random((5, 3)),)]),
    (for_return_inside, [(np.array([0.1, 0.95, 0.2]),), (np.zeros(3),)]),
    (nested_loops, [(rng.random((3, 4)),), (rng.random((3, 4)),)]),
    (for_else, [(np.array([0.1, 0.99]),), (np.zeros(2),)]),
    (calls_helper, [(rng.random(6),), (rng.random(6),)]),
]


@pytest.mark.parametrize("program, calls", PROGRAMS, ids=[p.__name__ for p, _ in PROGRAMS])
@pytest.mark.parametrize("backend", ["jax", "numpy"])
def test_construct_matches_numpy(backend, program, calls):
    compare(backend, program, *calls)


@pytest.mark.parametrize("backend", ["jax", "numpy"])
def test_traced_range_bound(backend):
    x = rng.random(10)
    compare(backend, for_traced_range, (x, 3), (x, 7), (x, 0))


@pytest.mark.parametrize("backend", ["jax", "numpy"])
def test_python_test_stays_python(backend):
    compare(backend, if_python_test, (np.ones(3), True), (np.ones(3), False))


@pytest.mark.parametrize("backend", ["jax", "numpy"])
def test_method_with_state_per_neuron_loop(backend):
    inputs = [rng.random(20) for _ in range(4)]
    ref = Neurons(np, 20)
    with shim.use_backend(backend):
        net = Neurons(shim, 20)
        step = shim.jit(net.step)
        for x in inputs:
            ref.step(x)
            step(to_backend(x, backend))
    assert_same(ref.v, net.v, backend)
    assert_same(ref.spikes, net.spikes, backend)


def test_long_range_compiles_as_one_loop():
    """Above the unroll limit a Python range is one loop: the trace does not grow with K."""
    import jax

    def body(arr):
        for i in range(arr.shape[0]):
            arr[i] += 1.0

    sizes = []
    for n in (_convert_runtime.UNROLL_LIMIT + 1, 10 * _convert_runtime.UNROLL_LIMIT):
        x = shim.zeros(n)
        jitted = shim.jit(body)
        jitted(x)
        np.testing.assert_array_equal(np.asarray(x), np.ones(n))
        entry = next(iter(jitted._entries.values()))
        with shim.config.x64_scope():
            sizes.append(len(str(jax.make_jaxpr(entry.compiled)(*[np.zeros(n)]))))
    assert abs(sizes[0] - sizes[1]) < 40


def test_list_index_unrolls_instead():
    """A body that needs the index as a Python int (a list index) is unrolled after all."""
    weights = [float(k) for k in range(20)]

    def f(x):
        for i in range(20):
            x[i] = x[i] * weights[i]
        return x.sum()

    x = rng.random(20)
    compare("jax", f, (x,))


# --- errors --------------------------------------------------------------------------------

def one_branch(x):
    if x.sum() > 0:
        y = x * 2
    return y


def shape_changes(x):
    if x.sum() > 0:
        y = x[:2]
    else:
        y = x
    return y


def dtype_changes_in_loop(x):
    y = x.astype(np.int64)
    for i in range(30):
        y = y * 0.5
    return y


def data_dependent(x):
    if x.sum() > 0:
        x = x[x > 0]
    return x


@pytest.mark.parametrize("program, reason, variable", [
    (one_branch, shim._errors.ONE_BRANCH, "y"),
    (shape_changes, shim._errors.TYPE_CHANGES, "y"),
    (dtype_changes_in_loop, shim._errors.TYPE_CHANGES, "y"),
    (data_dependent, shim._errors.DATA_DEPENDENT_SHAPE, None),
])
def test_unconvertible_code_is_a_clear_error(program, reason, variable):
    state = shim.ones(4)
    x = shim.asarray(rng.random(4))
    before = np.asarray(x).copy()

    def f(x):
        state[0] = 5.0
        return program(x)

    with pytest.raises(shim.ControlFlowError) as info:
        shim.jit(f)(x)
    error = info.value
    assert error.reason == reason
    assert error.variable == variable
    assert error.filename == __file__ and error.lineno is not None
    assert f"{__file__}:{error.lineno}" in str(error)
    assert "fallback='eager'" in str(error)
    np.testing.assert_array_equal(np.asarray(x), before)       # every array as it was
    np.testing.assert_array_equal(np.asarray(state), np.ones(4))


def test_fallback_eager_runs_with_a_warning():
    x = rng.random(4) + 0.1
    jitted = shim.jit(one_branch, fallback="eager")
    with pytest.warns(shim.FallbackWarning, match=r"test_jit_control_flow\.py:\d+"):
        out = jitted(shim.asarray(x))
    assert_same(one_branch(x), out)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same(one_branch(x), jitted(shim.asarray(x)))     # warned once


def test_config_jit_fallback():
    x = rng.random(4) + 0.1
    with shim.config.override(jit_fallback="eager"):
        with pytest.warns(shim.FallbackWarning):
            assert_same(one_branch(x), shim.jit(one_branch)(shim.asarray(x)))
    with pytest.raises(ValueError):
        shim.config.jit_fallback = "sometimes"
    with pytest.raises(ValueError):
        shim.jit(one_branch, fallback="sometimes")


def test_traceback_lines_are_the_users():
    def fails(x):
        if x.sum() > 0:
            y = x + np.ones(3)         # shapes (4,) and (3,) do not broadcast
        else:
            y = x
        return y

    with pytest.raises(ValueError) as info:
        shim.jit(fails)(shim.ones(4))
    lines = [(tb.tb_frame.f_code.co_filename, tb.tb_lineno) for tb in _frames(info.tb)]
    import inspect
    _, start = inspect.getsourcelines(fails)
    assert (__file__, start + 2) in lines


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


# --- random numbers ------------------------------------------------------------------------

def draws_numpy_random(x):
    return x + np.random.normal(0.0, 1.0, size=x.shape)


def draws_uniform_scalar(x):
    return x + np.random.uniform()


@pytest.mark.parametrize("program", [draws_numpy_random, draws_uniform_scalar])
def test_numpy_random_is_fresh_per_call(program):
    jitted = shim.jit(program)
    x = shim.zeros(5)
    a, b = np.asarray(jitted(x)), np.asarray(jitted(x))
    assert not np.array_equal(a, b)
    assert a.dtype == np.float64
    shim.random.seed(3)
    c = np.asarray(jitted(x))
    shim.random.seed(3)
    assert np.array_equal(c, np.asarray(jitted(x)))


def test_generator_methods_are_fresh_per_call():
    gen = np.random.default_rng(0)
    legacy = np.random.RandomState(0)

    def f(x):
        inside = np.random.default_rng(1)
        return x + gen.normal(size=x.shape) + legacy.uniform(size=x.shape) + inside.random(x.shape)

    jitted = shim.jit(f)
    x = shim.zeros(4)
    a, b = np.asarray(jitted(x)), np.asarray(jitted(x))
    assert not np.array_equal(a, b)
    shim.random.seed(7)
    c = np.asarray(jitted(x))
    shim.random.seed(7)
    assert np.array_equal(c, np.asarray(jitted(x)))


def test_numpy_random_fresh_on_numpy_backend():
    with shim.use_backend("numpy"):
        jitted = shim.jit(draws_numpy_random)
        x = np.zeros(5)
        assert not np.array_equal(jitted(x), jitted(x))


# --- dyn_vars ------------------------------------------------------------------------------

def test_dyn_vars_is_accepted_and_checked():
    v = shim.zeros(3)

    def f():
        v[0] += 1

    shim.jit(f, dyn_vars={"v": v})()
    shim.jit(f, dyn_vars=[v])()
    shim.jit(f, dyn_vars=v)()
    assert float(v[0]) == 3.0
    with pytest.raises(TypeError, match="dyn_vars"):
        shim.jit(f, dyn_vars=[np.zeros(3)])

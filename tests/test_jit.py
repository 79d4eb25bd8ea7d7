"""shim.jit on the JAX backend: functions, NumPy-style code, methods and objects with state.

Every behaviour test runs the same Python code eagerly on NumPy arrays and
compiled on JaxArrays, and compares.
"""
from __future__ import annotations

import gc
import types
import warnings
import weakref

import jax
import numpy as np
import pytest
from oracle import assert_same

import shim

rng = np.random.default_rng(0)
PARAMS = types.SimpleNamespace(GAIN=1.0)    # a configuration namespace
X = rng.standard_normal((4, 5))


def compare_compiled(fn, *args, rtol=1e-12, **jit_options):
    """fn on NumPy copies (eager) vs shim.jit(fn) on JaxArrays: results and arguments."""
    np_args = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    sh_args = [shim.asarray(a) if isinstance(a, np.ndarray) else a for a in args]
    expected = fn(*np_args)
    compiled = shim.jit(fn, **jit_options)
    actual = compiled(*sh_args)
    assert_same(expected, actual, rtol=rtol)
    assert_same(np_args, sh_args, rtol=rtol)
    return compiled, sh_args


# --- functions ------------------------------------------------------------------------------

def selu(x, alpha=1.67, lmbda=1.05):
    return lmbda * np.where(x > 0, x, alpha * np.exp(x) - alpha)


def test_selu_and_numpy_style_code():
    compare_compiled(selu, X)

    def numpy_code(a, b):
        c = np.sin(a) ** 2 + np.cos(b) ** 2
        d = np.linalg.solve(a[:4, :4] @ a[:4, :4].T + np.eye(4), c[:, 0])
        e = np.cumsum(np.abs(c), axis=1)
        f = np.maximum(a, 0).sum(axis=0) / np.sqrt(np.mean(b ** 2))
        return c, d, e, f, np.max(a), np.argmax(b), a.T @ b

    compare_compiled(numpy_code, X, X[::-1].copy())


def test_tutorial_loop_with_python_ints():
    def loop():
        arr = np.zeros(5)
        for i in range(5):
            arr[i] += 2.
            if i % 2 == 0:
                arr[i] += 1.
        return arr

    expected = loop()
    with shim.use_backend("jax"):
        def shim_loop():
            arr = shim.zeros(5)
            for i in range(5):
                arr[i] += 2.
                if i % 2 == 0:
                    arr[i] += 1.
            return arr
        assert_same(expected, shim.jit(shim_loop)())


def test_inplace_views_out_inside():
    def stencil(U, V):
        u = U[1:-1, 1:-1]
        u += 0.1 * (U[:-2, 1:-1] + U[2:, 1:-1] - 2 * u)
        np.multiply(V[:, 0], 2.0, out=V[:, 1])
        V[V > 0.5] = 0.5
        V[[0, 0], [2, 2]] += 1
        np.add.at(V, ([1, 1], [3, 3]), 1.0)
        U[0] = V[0, :5]
        return np.sum(U)

    compare_compiled(stencil, X.copy(), X.copy() + 1)


def test_mutated_arguments_keep_their_identity():
    def step(u, v):
        u[1:-1] += v[1:-1]

    u, v = shim.zeros(6), shim.ones(6)
    original = u
    compiled = shim.jit(step)
    compiled(u, v)
    compiled(u, v)
    assert u is original
    assert_same(np.array([0, 2, 2, 2, 2, 0.0]), u)
    view = shim.zeros((3, 6))
    compiled(view[1], v)                       # a view argument writes through to its root
    assert_same(np.array([0, 1, 1, 1, 1, 0.0]), view[1])
    host = np.zeros(6)
    compiled(host, v)                          # a NumPy array argument is written too
    np.testing.assert_array_equal(host, [0, 1, 1, 1, 1, 0.0])
    host.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        compiled(host, v)
    np.testing.assert_array_equal(host, [0, 1, 1, 1, 1, 0.0])


def test_static_arguments_and_retracing():
    traces = []

    def f(x, n, scale=1.0, mode="a"):
        traces.append(1)
        y = x
        for _ in range(n):
            y = y * 2
        return y * scale if mode == "a" else -y

    compiled = shim.jit(f, static_argnums=1, static_argnames="mode")
    x = shim.asarray(np.arange(3.0))
    assert_same(np.arange(3.0) * 4 * 3, compiled(x, 2, scale=3.0))
    n_traces = len(traces)
    compiled(x + 1, 2, scale=5.0)                # new values: no retrace
    compiled(x, 2, scale=7.0)
    assert len(traces) == n_traces
    assert_same(-np.arange(3.0) * 8, compiled(x, 3, mode="b"))   # new static values: retrace
    assert len(traces) > n_traces
    compiled(shim.asarray(np.arange(4.0)), 2)    # new shape: retrace
    with pytest.raises(TypeError, match="hashable"):
        compiled(x, [2])


def test_keyword_arguments_and_pytrees():
    def f(x, *, weights, pair):
        return np.dot(weights["w"], x) + pair[0] * pair[1]

    out = shim.jit(f)(shim.ones(3), weights={"w": shim.asarray([1.0, 2.0, 3.0])},
                      pair=(2.0, shim.asarray(4.0)))
    assert_same(np.float64(14.0), out)


def test_python_numbers_stay_weakly_typed():
    def f(x, scale):
        return x * scale

    x32 = shim.asarray(np.ones(3, np.float32))
    assert shim.jit(f)(x32, 2.5).dtype == np.float32          # NEP 50, as eagerly
    assert (x32 * 2.5).dtype == np.float32


def test_fast_path_hands_over_on_any_change():
    def f(a, b=None):
        return a * 2 if b is None else a + b

    compiled = shim.jit(f)
    x = shim.ones(3)
    assert_same(np.full(3, 2.0), compiled(x))
    assert_same(np.full(3, 2.0), compiled(x, x))           # another arity; the same array twice
    assert_same(np.full(3, 3.0), compiled(x, 2.0))
    assert_same(np.full(4, 2.0), compiled(shim.ones(4)))   # another shape
    assert_same(np.full(2, 2.0), compiled(x[1:]))           # a view
    assert_same(np.full(3, 2), compiled(shim.ones(3, dtype=int)))
    assert_same(np.full(3, 2.0), compiled(x))
    assert_same(np.full(3, 2.0), compiled(a=x))            # keywords


def test_nested_jit_and_donation():
    @shim.jit
    def inner(x):
        x += 1
        return x * 2

    def outer(u):
        u += inner(u)
        return u

    u = np.zeros(3)
    for _ in range(2):
        u += 1
        u += u * 2
    compiled, (arg,) = compare_compiled(outer, np.zeros(3))
    compiled(arg)
    assert_same(u, arg)
    donating = shim.jit(outer, donate=True)
    v = shim.zeros(3)
    for _ in range(2):
        donating(v)
    assert_same(u, v)


# --- objects and methods ----------------------------------------------------------------------

class LIF:
    """Leaky integrate-and-fire neurons written as plain NumPy."""

    def __init__(self, xp, n, tau=10.0, dt=0.1, th=1.0, reset=0.0):
        self.v = xp.zeros(n)
        self.spike = xp.zeros(n, dtype=bool)
        self.t = xp.zeros(())
        self.tau, self.dt, self.th, self.reset = tau, dt, th, reset

    def update(self, i_ext):
        self.v += self.dt * (-self.v + i_ext) / self.tau
        self.spike = self.v > self.th
        self.v[self.spike] = self.reset
        self.t += self.dt
        return self.spike


def test_method_state_written_back_and_10k_steps_match_numpy():
    i_ext = np.linspace(0.5, 3.0, 20)
    ref = LIF(np, 20)
    for _ in range(10_000):
        ref.update(i_ext)
    net = LIF(shim, 20)
    v_object = net.v
    step = shim.jit(net.update)
    i_sh = shim.asarray(i_ext)
    for _ in range(10_000):
        spikes = step(i_sh)
    assert net.v is v_object
    assert_same(ref.v, net.v, rtol=1e-9)
    assert_same(ref.spike, net.spike)
    assert_same(ref.t, net.t, rtol=1e-9)
    assert spikes is net.spike                     # a state array comes back as itself


def test_callable_objects_and_nested_objects():
    class Layer:
        def __init__(self, n):
            self.w = shim.ones(n)
            self.calls = shim.zeros((), dtype=int)

        def __call__(self, x):
            self.calls += 1
            return x * self.w

    class Model:
        def __init__(self):
            self.layers = [Layer(3), Layer(3)]
            self.heads = {"a": Layer(3)}
            self.pair = (Layer(3),)
            self.out = shim.zeros(3)

        def __call__(self, x):
            for layer in self.layers:
                x = layer(x)
                layer.w *= 2.0
            self.out[...] = self.heads["a"](x) + self.pair[0](x)
            return self.out.sum()

    model = Model()
    compiled = shim.jit(model)
    result = compiled(shim.ones(3))
    assert_same(np.float64(6.0), result)
    compiled(shim.ones(3))
    assert_same(np.full(3, 4.0), model.layers[0].w)
    assert int(model.layers[1].calls) == 2 and int(model.heads["a"].calls) == 2
    assert_same(np.full(3, 8.0), model.out)

    @shim.jit
    def method_decorated(self, x):
        self.out += x
        return self.out

    Model.add = method_decorated
    assert_same(np.full(3, 9.0), model.add(shim.ones(3)))
    assert_same(np.full(3, 9.0), model.out)


STATE = shim.zeros(3)


def test_closures_and_module_globals():
    counter = shim.zeros((), dtype=int)

    def f(x):
        STATE[...] += x
        counter[...] += 1           # closure
        return STATE * 2

    compiled = shim.jit(f)
    compiled(shim.ones(3))
    out = compiled(shim.ones(3))
    assert_same(np.full(3, 4.0), out)
    assert_same(np.full(3, 2.0), STATE)
    assert int(counter) == 2
    STATE[...] = 10.0                           # eager change between calls: seen
    assert_same(np.full(3, 22.0), compiled(shim.ones(3)))


# --- never stale, never leaky ----------------------------------------------------------------------

def test_rebinding_adding_and_changing_plain_attributes():
    class Cell:
        def __init__(self):
            self.v = shim.ones(3)
            self.tau = 2.0

        def step(self):
            self.v += self.v / self.tau
            return self.v

    cell = Cell()
    step = shim.jit(cell.step)
    step()
    assert_same(np.full(3, 1.5), cell.v)
    cell.v = shim.zeros(3) + 4.0                # rebinding: the new array is the state now
    step()
    assert_same(np.full(3, 6.0), cell.v)
    with pytest.warns(shim.RecompileWarning, match="tau"):
        cell.tau = 3.0                          # a plain attribute the trace read
        step()
    assert_same(np.full(3, 8.0), cell.v)
    cell.v = shim.zeros(4) + 3.0                # new shape
    assert_same(np.full(4, 4.0), step())


def test_class_and_module_constants_are_checked():
    class Cell:
        dt = 0.5                                # read through self: a class attribute

        def __init__(self):
            self.v = shim.zeros(2)

        def step(self):
            self.v += self.dt * PARAMS.GAIN     # and a module's constant

    cell = Cell()
    step = shim.jit(cell.step)
    step()
    assert_same(np.full(2, 0.5), cell.v)
    with pytest.warns(shim.RecompileWarning, match="Cell.dt changed"):
        Cell.dt = 2.0
        step()
    assert_same(np.full(2, 2.5), cell.v)
    with pytest.warns(shim.RecompileWarning, match="set on the instance"):
        cell.dt = 1.0                           # now hides the class attribute
        step()
    assert_same(np.full(2, 3.5), cell.v)
    with pytest.warns(shim.RecompileWarning, match="namespace.GAIN changed"):
        PARAMS.GAIN = 10.0
        step()
    assert_same(np.full(2, 13.5), cell.v)


HELPER_GAIN = 0.5


def _helper(x):
    return x * HELPER_GAIN


def test_globals_read_by_helpers_of_the_same_module_are_checked():
    global HELPER_GAIN

    def f(x):
        x += _helper(x)

    x = shim.ones(2)
    compiled = shim.jit(f)
    compiled(x)
    with pytest.warns(shim.RecompileWarning, match="HELPER_GAIN"):
        HELPER_GAIN = 1.0
        compiled(x)
    HELPER_GAIN = 0.5
    assert_same(np.full(2, 3.0), x)


class Scale:
    def __init__(self, value):
        self.w = shim.zeros(2) + value


class Stack:
    def __init__(self):
        self.layers = [Scale(2.0)]
        self.heads = {"a": Scale(1.0)}
        self.groups = ([Scale(1.0)],)

    def forward(self, x):
        for layer in self.layers:
            x = x * layer.w
        for group in self.groups:
            for layer in group:
                x = x * layer.w
        return x + self.heads["a"].w


def test_containers_changed_between_calls_are_seen():
    stack = Stack()
    forward = shim.jit(stack.forward)
    x = shim.ones(2)
    assert_same(np.full(2, 3.0), forward(x))
    stack.layers.append(Scale(3.0))             # a new element
    assert_same(np.full(2, 7.0), forward(x))
    stack.layers[0] = Scale(5.0)                # a replaced element
    assert_same(np.full(2, 16.0), forward(x))
    stack.heads["a"] = Scale(7.0)               # a dict value
    assert_same(np.full(2, 22.0), forward(x))
    stack.groups[0].append(Scale(2.0))          # a list inside a tuple
    assert_same(np.full(2, 37.0), forward(x))
    stack.heads = {"b": Scale(0.0), **stack.heads}
    assert_same(np.full(2, 37.0), forward(x))


NETWORKS = [Scale(1.0)]


def test_global_and_closure_containers_are_state_and_checked():
    cells = [shim.zeros(2)]

    def step():
        for net in NETWORKS:
            net.w = net.w + 1                   # rebinding an attribute of a listed object
        cells[0] += 1
        return NETWORKS[0].w + cells[0]

    compiled = shim.jit(step)
    assert_same(np.full(2, 3.0), compiled())
    assert not isinstance(NETWORKS[0].w.value, jax.core.Tracer)
    NETWORKS.append(Scale(10.0))
    cells[0] = shim.zeros(2) + 100              # replaced inside the closure's list
    assert_same(np.full(2, 104.0), compiled())
    assert_same(np.full(2, 11.0), NETWORKS[1].w)
    NETWORKS.pop()


def test_recompile_warnings_say_what_changed_and_what_to_do():
    class Cell:
        def __init__(self):
            self.v = shim.ones(2)

        def step(self):
            self.v += 1

    cell = Cell()
    step = shim.jit(cell.step)
    step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(2):                      # a new array now and then: no warning
            cell.v = shim.zeros(2)
            step()
    with pytest.warns(shim.RecompileWarning,
                      match=r"Cell.v changed \(time 3\).*obj.v\[\.\.\.\] = new"):
        cell.v = shim.zeros(2)
        step()
    assert_same(np.ones(2), cell.v)
    cell.v[...] = 5.0                           # written into: the same program
    step()
    assert step._recompiles == {"Cell.v changed": 3}
    assert_same(np.full(2, 6.0), cell.v)


@pytest.mark.filterwarnings("ignore:Explicitly requested dtype float64")   # JAX's, expected
def test_64_bit_arrays_with_x64_off_warn():
    x = shim.ones(3)
    with shim.config.override(x64=False):
        with pytest.warns(shim.RecompileWarning, match="jax_enable_x64 is off"):
            shim.jit(lambda a: a + 1)(x)


class SlottedCell:
    __slots__ = ("v", "tau", "scale")

    def __init__(self):
        self.v = shim.ones(3)
        self.tau = 2.0

    def step(self):
        self.v += self.v / self.tau
        self.scale = self.v * 2                 # an unset slot, assigned an array inside
        return self.v


def test_slotted_objects_are_tracked_like_others():
    cell = SlottedCell()
    step = shim.jit(cell.step)
    step()
    assert_same(np.full(3, 1.5), cell.v)
    cell.v = shim.zeros(3) + 4.0
    assert_same(np.full(3, 6.0), step())
    with pytest.warns(shim.RecompileWarning, match="SlottedCell.tau"):
        cell.tau = 3.0
        step()
    assert_same(np.full(3, 8.0), cell.v)
    assert_same(np.full(3, 16.0), cell.scale)
    assert not isinstance(cell.scale.value, jax.core.Tracer)


def test_rebinding_inside_binds_a_new_array():
    class Cell:
        def __init__(self):
            self.v = shim.ones(3)

        def step(self):
            self.v = self.v * 3                 # not in place: NumPy rebinding

    cell = Cell()
    v = cell.v
    step = shim.jit(cell.step)
    step()
    assert cell.v is not v
    assert_same(np.ones(3), v)                  # the old array is left alone
    step()
    assert_same(np.full(3, 9.0), cell.v)


def test_number_attributes_written_inside_become_arrays():
    class Clock:
        def __init__(self):
            self.v = shim.zeros(2, dtype=np.float32)
            self.t = 0.0
            self.steps = 0

        def step(self):
            self.t += 0.5
            self.steps += 1
            self.v += self.t                    # a Python float keeps float32 arrays float32

    clock = Clock()
    traces = []

    def failing():
        traces.append(1)
        clock.step()
        if len(traces) > 1:                     # after the numbers became arrays
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        shim.jit(failing)()
    assert type(clock.t) is float and clock.t == 0.0 and clock.steps == 0   # put back
    step = shim.jit(clock.step)
    for _ in range(3):
        step()
    assert isinstance(clock.t, shim.JaxArray) and float(clock.t) == 1.5
    assert int(clock.steps) == 3
    assert_same(np.full(2, 3.0, np.float32), clock.v)


def test_other_plain_attributes_written_inside_are_refused_and_restored():
    class Counter:
        def __init__(self):
            self.v = shim.zeros(2)
            self.mode = "a"
            self.history = []

        def step(self):
            self.v += 1
            self.mode = "b"

        def record(self):
            self.history.append(self.v.sum())

    c = Counter()
    with pytest.raises(shim.StateError, match="Counter.mode"):
        shim.jit(c.step)()
    assert c.mode == "a" and not isinstance(c.v.value, jax.core.Tracer)
    assert_same(np.zeros(2), c.v)
    with pytest.raises(shim.StateError, match="list"):
        shim.jit(c.record)()
    assert c.history == []


def test_plain_attribute_becoming_an_array_is_kept():
    class Stats:
        def __init__(self):
            self.v = shim.asarray([1.0, 3.0])
            self.mean = None

        def update(self):
            self.mean = np.mean(self.v)

    s = Stats()
    shim.jit(s.update)()
    assert isinstance(s.mean, shim.JaxArray)
    assert_same(np.float64(2.0), s.mean)


def test_errors_leave_every_array_as_it_was():
    class Model:
        def __init__(self):
            self.a = shim.ones(3)
            self.b = shim.ones(3)

        def step(self, fail):
            self.a += 1
            self.b[0] = 5
            if fail:
                raise RuntimeError("boom")
            return self.a

    m = Model()
    with pytest.raises(RuntimeError, match="boom"):
        shim.jit(m.step, static_argnums=0)(True)
    for arr in (m.a, m.b):
        assert not isinstance(arr.value, jax.core.Tracer)
        assert_same(np.ones(3), arr)
    view = m.a[1:]
    assert_same(np.ones(2), view)                # views do not keep traced values

    def bad(x):
        x += 1
        return float(x.sum())                    # not traceable
    x = shim.ones(2)
    with pytest.raises(TypeError, match="float"):
        shim.jit(bad)(x)
    assert_same(np.ones(2), x)


def test_caches_do_not_keep_objects_alive():
    class Holder:
        def __init__(self):
            self.v = shim.ones(100)

    def f(h):
        h.v += 1

    compiled = shim.jit(f)
    h = Holder()
    compiled(h)
    compiled(h)
    assert_same(np.full(100, 3.0), h.v)
    ref = weakref.ref(h)
    del h
    gc.collect()
    assert ref() is None
    assert not compiled._entries


def test_two_objects_of_one_class_do_not_share_state():
    def f(h):
        h.v += 1

    class Holder:
        def __init__(self, value):
            self.v = shim.zeros(2) + value

    a, b = Holder(1.0), Holder(10.0)
    compiled = shim.jit(f)
    compiled(a)
    compiled(b)
    compiled(a)
    assert_same(np.full(2, 3.0), a.v)
    assert_same(np.full(2, 11.0), b.v)


# --- random numbers -------------------------------------------------------------------------

def test_random_inside_jit_differs_per_call_and_follows_the_seed():
    def draw(x):
        return x + shim.random.normal(size=3)

    compiled = shim.jit(draw)
    x = shim.zeros(3)
    shim.random.seed(3)
    first, second = np.asarray(compiled(x)), np.asarray(compiled(x))
    assert not np.array_equal(first, second)
    shim.random.seed(3)
    np.testing.assert_array_equal(np.asarray(compiled(x)), first)
    shim.random.seed(3)
    np.testing.assert_array_equal(np.asarray(draw(x)), first)   # eager draws the same stream


# --- clear errors -------------------------------------------------------------------------

@pytest.mark.parametrize("fn, match", [
    (lambda x: x if x.sum() > 0 else -x, "bool"),
    (lambda x: float(x[0]), "float"),
    (lambda x: int(x[0]), "int"),
    (lambda x: x + shim.random.vonmises(0.0, 1.0, size=x.shape), "shim.random.vonmises"),
    (lambda x: x[x > 0].sum(), "depends on the mask"),
    (lambda x: np.nonzero(x)[0], "size"),
    (lambda x: np.unique(x), "size"),
], ids=["if", "float", "int", "fallback", "mask-read", "nonzero", "unique"])
def test_untraceable_constructs_name_themselves(fn, match):
    with shim.config.override(fallback="silent"):
        with pytest.raises((TypeError, IndexError), match=match):
            shim.jit(fn)(shim.asarray([1.0, -2.0, 3.0]))

"""shim.jit state: never stale, never leaking tracers, any pytree; shim.state and load_state.

Each behaviour test runs the same code eagerly on NumPy arrays and compiled on
JaxArrays, and compares.
"""
from __future__ import annotations

import jax
import numpy as np
import pytest
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


# --- shim.state and shim.load_state -----------------------------------------------------------

class Layer:
    def __init__(self, xp, n, seed):
        self.w = xp.asarray(np.random.default_rng(seed).standard_normal((n, n)))
        self.b = xp.zeros(n)


class Net:
    def __init__(self, xp):
        self.layers = [Layer(xp, 3, 0), Layer(xp, 3, 1)]
        self.scale = xp.ones(())
        self.steps = xp.zeros((), dtype=int)
        self.name = "net"

    def loss(self, x):
        for layer in self.layers:
            x = np.tanh(layer.w @ x + layer.b)
        return np.sum((x * self.scale) ** 2)


def test_state_lists_arrays_by_path(backend):
    net = Net(shim)
    found = shim.state(net)
    assert list(found) == ["layers.0.w", "layers.0.b", "layers.1.w", "layers.1.b", "scale",
                           "steps"]
    assert found["layers.1.w"] is net.layers[1].w
    assert list(shim.state(net, "layers.1")) == ["layers.1.w", "layers.1.b"]
    assert list(shim.state(net, ["scale", "layers.0.b"])) == ["layers.0.b", "scale"]
    assert list(shim.state(net, lambda path, a: a.ndim == 2)) == ["layers.0.w", "layers.1.w"]


def test_savez_and_load_state_round_trip(tmp_path, backend):
    net, other = Net(shim), Net(shim)
    other.layers[0].w[...] = 0.0
    other.steps += 3
    np.savez(tmp_path / "net.npz", **shim.state(net))
    with np.load(tmp_path / "net.npz") as saved:
        shim.load_state(other, dict(saved))
    for path, array in shim.state(net).items():
        assert_same(np.asarray(array), shim.state(other)[path], backend)


def test_load_state_checks_everything_before_writing(backend):
    net = Net(shim)
    before = {k: np.array(v) for k, v in shim.state(net).items()}
    bad = [{"layers.0.w": np.ones((3, 3)), "layers.0.b": np.ones(4)},
           {"layers.0.w": np.ones((3, 3)), "nope": np.ones(3)},
           {"layers.0.w": np.ones((3, 3)), "steps": np.ones(())}]
    for values, kind in zip(bad, (ValueError, KeyError, TypeError)):
        with pytest.raises(kind):
            shim.load_state(net, values)
        for k, v in shim.state(net).items():
            assert_same(before[k], v, backend)


def test_grad_with_a_path_filter():
    net = Net(shim)
    x = shim.asarray([0.1, -0.2, 0.3])
    by_hand = shim.grad(net.loss, grad_vars={"layers.0.w": net.layers[0].w, "scale": net.scale})
    by_path = shim.grad(net.loss, grad_vars=["layers.0.w", "scale"])
    expected, actual = by_hand(x), by_path(x)
    assert list(actual) == ["layers.0.w", "scale"]
    for k in expected:
        assert_same(np.asarray(expected[k]), actual[k])
    value, grads = shim.value_and_grad(net.loss, grad_vars=lambda p, a: p.endswith(".b"))(x)
    assert list(grads) == ["layers.0.b", "layers.1.b"]
    assert_same(np.asarray(net.loss(x)), value)


# --- rebinding is not writing -----------------------------------------------------------------

class Grid:
    def __init__(self, xp):
        self.U = xp.arange(6.0)
        self.u = self.U[1:-1]
        self.a = self.b = xp.ones(3)
        self.n = xp.zeros(3, dtype=np.int64)

    def step(self):
        self.u = self.u + 1
        self.a = self.a * 2
        self.n = self.n + 0.5
        return self.u


def test_rebinding_binds_new_arrays_like_numpy():
    expected, grid = Grid(np), Grid(shim)
    step = shim.jit(grid.step)
    for _ in range(3):
        out = step()
        assert_same(expected.step(), out)
        assert out is grid.u
        for name in ("U", "u", "a", "b", "n"):
            assert_same(getattr(expected, name), getattr(grid, name))
    assert grid.a is not grid.b


class Spiking:
    def __init__(self, xp):
        self.v = xp.zeros(4)
        self.spike = xp.zeros(4, dtype=bool)

    def step(self, i):
        self.v += i
        self.spike = self.v > 1.0              # assigned, never read
        self.v[self.spike] = 0.0


def test_attribute_only_assigned_follows_a_rebind_by_the_user():
    expected, cell = Spiking(np), Spiking(shim)
    step = shim.jit(cell.step)
    for k in range(4):
        if k == 2:
            held_np, held = expected.spike, cell.spike
            expected.spike = np.ones(4, dtype=bool)
            cell.spike = shim.ones(4, dtype=bool)
        expected.step(0.7)
        step(0.7)
        assert_same(expected.v, cell.v)
        assert_same(expected.spike, cell.spike)
    assert_same(held_np, held)


def test_read_and_rebound_attribute_compiles_once():
    class Acc:
        def __init__(self):
            self.total = shim.zeros(2)

        def add(self, x):
            self.total = self.total + x

    acc = Acc()
    traces = []
    add = shim.jit(lambda x: (traces.append(1), acc.add(x))[1])
    for _ in range(5):
        add(1.0)
    assert_same(np.full(2, 5.0), acc.total)
    assert len(traces) == 1


# --- pytree state: an optax training step ---------------------------------------------------

class Regression:
    traces = 0

    def __init__(self, xp, optax):
        rng = np.random.default_rng(1)
        self.params = {"w": xp.asarray(rng.standard_normal((3, 2))), "b": xp.zeros(2)}
        self.opt = optax.adam(0.1)
        self.opt_state = self.opt.init(self.params)
        self.optax = optax

    def loss(self, params, x, y):
        pred = x @ params["w"] + params["b"]
        return jax.numpy.mean((pred - y) ** 2)

    def train_step(self, x, y):
        Regression.traces += 1
        loss, grads = jax.value_and_grad(self.loss)(self.params, x, y)
        updates, self.opt_state = self.opt.update(grads, self.opt_state, self.params)
        self.params = self.optax.apply_updates(self.params, updates)
        return loss


def test_optax_training_step_matches_the_eager_run():
    optax = pytest.importorskip("optax")
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
    expected, model = Regression(np, optax), Regression(shim, optax)
    step = shim.jit(model.train_step)
    Regression.traces = 0
    for _ in range(5):
        loss = step(shim.asarray(X), shim.asarray(Y))
        with shim.config.x64_scope():       # plain JAX's reference, in shim's 64-bit types
            reference = expected.train_step(X, Y)
        np.testing.assert_allclose(np.asarray(loss), np.asarray(reference), rtol=1e-8)
    assert Regression.traces - 5 <= 2             # compiled at most twice, then reused
    for path, array in shim.state(expected).items():
        np.testing.assert_allclose(np.asarray(shim.state(model)[path]), np.asarray(array),
                                   rtol=1e-12, err_msg=path)
    no_tracers(model)


# --- interop -------------------------------------------------------------------------------

def test_jacfwd_and_jacrev_take_jaxarrays():
    x = np.array([1.0, 2.0, 3.0])
    expected = np.diag(2 * x)
    for jac in (jax.jacfwd, jax.jacrev):
        np.testing.assert_allclose(np.asarray(jac(lambda a: a ** 2)(shim.asarray(x))), expected)


def test_jax_grad_of_a_jaxarray_result_names_shim_grad():
    x = shim.asarray([1.0, 2.0])
    with pytest.raises(ValueError, match="shim.grad") as info:
        jax.grad(lambda a: (a ** 2).sum())(x)
    assert isinstance(info.value, shim.ShimError)
    assert_same(np.array([2.0, 4.0]), shim.grad(lambda a: (a ** 2).sum())(x))
    np.testing.assert_allclose(np.asarray(jax.grad(lambda a: (a ** 2).sum().value)(x)),
                               [2.0, 4.0])


# --- no tracer is left behind ----------------------------------------------------------------

LOG = []


class Holder:
    def __init__(self):
        self.last = None


HOLDER = Holder()


def test_appending_a_traced_value_to_a_global_list_is_refused_and_undone():
    def f(x):
        LOG.append(x * 2)
        return x + 1

    LOG.clear()
    with pytest.raises(shim.StateError, match="'LOG'"):
        shim.jit(f)(shim.ones(2))
    assert LOG == []


def test_an_object_reached_by_a_default_argument_gets_concrete_values():
    holder = Holder()

    def f(x, h=holder):
        h.last = x * 2
        return x + 1

    compiled = shim.jit(f)
    for k in range(3):
        assert_same(np.full(2, k + 1.0), compiled(shim.full(2, float(k))))
        no_tracers(holder)
        assert_same(np.full(2, 2.0 * k), holder.last)


def test_an_object_reached_through_a_module_attribute_gets_concrete_values():
    import types as pytypes
    mod = pytypes.ModuleType("settings")
    mod.state = Holder()
    mod.space = pytypes.SimpleNamespace(last=None)

    def f(x):
        mod.state.last = x * 2
        return x + 1

    def g(x):
        mod.space.last = x * 3
        return x

    compiled = shim.jit(f)
    compiled(shim.ones(2))
    no_tracers(mod.state)
    assert_same(np.full(2, 2.0), mod.state.last)
    with pytest.raises(shim.StateError, match="SimpleNamespace.last"):
        shim.jit(g)(shim.ones(2))
    assert mod.space.last is None


# --- never stale ------------------------------------------------------------------------------

class Looped:
    def __init__(self, xp):
        self.x = xp.zeros(())
        self.k = 1.0

    def body(self):
        self.x += self.k

    def run(self):
        shim.for_loop(self.body, 2)

    def branch(self, flag):
        shim.cond(flag, self.body, lambda: None)


@pytest.mark.filterwarnings("ignore::shim.RecompileWarning")   # k is a number that changes
def test_attributes_read_only_inside_loop_and_cond_bodies_are_checked():
    m = Looped(shim)
    run, branch = shim.jit(m.run), shim.jit(m.branch)
    expected = 0.0
    for k in (1.0, 10.0, 3.0):
        m.k = k
        run()
        expected += 2 * k
        assert_same(np.asarray(expected), m.x)
        branch(shim.asarray(True))
        expected += k
        assert_same(np.asarray(expected), m.x)


def test_a_copy_taken_before_a_donated_call_stays_valid():
    class S:
        def __init__(self):
            self.v = shim.arange(4.0)

        def step(self):
            self.v += 1

    s = S()
    step = shim.jit(s.step, donate=True)
    c = s.v.copy()
    step()
    step()
    assert_same(np.arange(4.0), c)
    assert_same(np.arange(4.0) + 2, s.v)
    d = s.v.copy()
    step()
    assert_same(np.arange(4.0) + 2, d + 0)


# --- numpy backend ---------------------------------------------------------------------------

def test_numba_method_that_raises_after_assigning_a_number_is_refused():
    pytest.importorskip("numba")

    class Clock:
        def __init__(self):
            self.x = np.zeros(2)
            self.t = 0.0

        def step(self, fail):
            self.x[0] += 1
            self.t += 0.5
            if fail:
                raise ValueError("stop")

    with shim.use_backend("numpy"):
        clock = Clock()
        with pytest.raises(shim.NumbaCompileError, match="raise"):
            shim.jit(clock.step)(True)
        assert_same(np.zeros(2), clock.x, "numpy")
        assert clock.t == 0.0


class HostWeights:
    def __init__(self, xp):
        self.w = np.ones(2)                    # a NumPy array attribute, on every backend
        self.seen = np.zeros(2)
        self.v = xp.zeros(2)

    def step(self):
        self.v += self.w
        self.seen[...] = self.v                # written back into the NumPy array


def test_numpy_array_attributes_are_current_on_every_call():
    expected, m = HostWeights(np), HostWeights(shim)
    step = shim.jit(m.step)
    for k in range(4):
        if k == 2:
            expected.w[0] = 5.0
            m.w[0] = 5.0
        expected.step()
        step()
        assert_same(expected.v, m.v)
        assert type(m.seen) is np.ndarray
        np.testing.assert_array_equal(expected.seen, m.seen)


def test_random_draws_trace_once_and_differ_per_call():
    traces = []

    def noisy(x):
        traces.append(1)
        x += shim.random.normal(size=x.shape)

    compiled = shim.jit(noisy)
    x = shim.zeros(3)
    compiled(x)
    first = np.array(x)
    compiled(x)
    assert len(traces) == 1
    assert not np.allclose(np.array(x) - first, first)


GAINS = np.ones(2)


def test_numpy_array_globals_are_current_on_every_call():
    def scale(x):
        return x * GAINS

    compiled = shim.jit(scale)
    x = np.array([1.0, 2.0])
    for k in range(3):
        if k == 1:
            GAINS[0] = 5.0
        assert_same(scale(x), compiled(shim.asarray(x)))
    GAINS[...] = 1.0

"""shim.for_loop, shim.while_loop, shim.cond, shim.grad: compared with Python loops and NumPy."""
from __future__ import annotations

import numpy as np
import pytest
from oracle import assert_same

import shim


class Accumulator:
    """Plain NumPy-style state: works with numpy or shim as ``xp``."""

    def __init__(self, xp, n):
        self.total = xp.zeros(n)
        self.steps = xp.zeros((), dtype=int)
        self.scale = 0.5

    def add(self, x, bias=0.0):
        self.total += self.scale * x + bias
        self.steps += 1
        return self.total.sum()


def test_for_loop_counts_and_stacks():
    ref = Accumulator(np, 3)
    expected = np.stack([ref.add(np.arange(3.0), bias=1.0) for _ in range(7)])
    acc = Accumulator(shim, 3)
    out = shim.for_loop(acc.add, 7, shim.arange(3.0), bias=1.0)
    assert_same(expected, out)
    assert_same(ref.total, acc.total)
    assert int(acc.steps) == 7
    shim.for_loop(acc.add, 3, shim.arange(3.0))     # compiled once per count; runs again
    assert int(acc.steps) == 10


def test_for_loop_over_inputs_and_tuples():
    xs = np.arange(12.0).reshape(4, 3)
    ref = Accumulator(np, 3)
    expected = np.stack([ref.add(x) for x in xs])
    acc = Accumulator(shim, 3)
    assert_same(expected, shim.for_loop(acc.add, shim.asarray(xs)))
    assert_same(ref.total, acc.total)

    def two(x, b, scale):
        return x * scale + b
    out = shim.for_loop(two, (shim.asarray(xs), shim.ones(4)), 2.0)
    assert_same(xs * 2 + 1, out)
    with pytest.raises(ValueError, match="first axis"):
        shim.for_loop(two, (shim.ones((4, 3)), shim.ones(5)), 2.0)


def test_for_loop_inside_jit_and_reading_other_state():
    weights = shim.asarray([1.0, 2.0, 3.0])
    acc = Accumulator(shim, 3)

    @shim.jit
    def run(x):
        return shim.for_loop(lambda: acc.add(x * weights), 5)

    out = run(shim.ones(3))
    assert_same(np.array([3.0, 6.0, 9.0, 12.0, 15.0]), out)
    weights[...] = 0.0                      # read-only state is an input, never baked in
    run(shim.ones(3))
    assert_same(np.full(3, 2.5) * np.array([1, 2, 3.0]), acc.total)


def test_while_loop_and_cond_eager_and_compiled():
    def collatz_steps(n, steps):
        shim.while_loop(lambda: n != 1,
                        lambda: (shim.cond(n % 2 == 0, lambda: n.__ifloordiv__(2),
                                           lambda: n.__imul__(3).__iadd__(1)),
                                 steps.__iadd__(1)))
        return steps

    for runner in (collatz_steps, shim.jit(collatz_steps)):
        n, steps = shim.asarray(27), shim.zeros((), dtype=int)
        runner(n, steps)
        assert int(steps) == 111 and int(n) == 1

    @shim.jit
    def branch(x):
        return shim.cond(x.sum() > 0, lambda: x * 2, lambda: -x)
    assert_same(np.array([2.0, 4.0]), branch(shim.asarray([1.0, 2.0])))
    assert_same(np.array([1.0, 2.0]), branch(shim.asarray([-1.0, -2.0])))


def test_cond_branches_writing_different_state():
    a, b = shim.zeros(2), shim.zeros(2)

    @shim.jit
    def pick(flag):
        shim.cond(flag > 0, lambda: a.__iadd__(1), lambda: b.__iadd__(1))

    pick(1)
    pick(-1)
    pick(1)
    assert_same(np.full(2, 2.0), a)
    assert_same(np.full(2, 1.0), b)


def test_grad_of_functions_and_objects():
    x = np.linspace(-1, 1, 5)
    g = shim.grad(lambda x: np.sum(np.sin(x) ** 2))(shim.asarray(x))
    assert_same(np.sin(2 * x), g)

    class Model:
        def __init__(self):
            self.w = shim.asarray([0.5, -1.0])
            self.b = shim.asarray(0.25)

        def loss(self, inputs, targets):
            return np.mean((inputs @ self.w + self.b - targets) ** 2)

    m = Model()
    inputs, targets = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([1.0, 0.0])
    residual = inputs @ np.array([0.5, -1.0]) + 0.25 - targets
    grads = shim.grad(m.loss, grad_vars={"w": m.w, "b": m.b})(shim.asarray(inputs),
                                                                shim.asarray(targets))
    assert_same(2 * residual @ inputs / 2, grads["w"])
    assert_same(np.float64(np.mean(2 * residual)), grads["b"])
    value, (var_grads, arg_grads) = shim.value_and_grad(m.loss, argnums=1, grad_vars=[m.w])(
        shim.asarray(inputs), shim.asarray(targets))
    assert_same(np.float64(np.mean(residual ** 2)), value)
    assert_same(-2 * residual / 2, arg_grads)
    compiled = shim.jit(lambda i, t: shim.grad(m.loss, grad_vars=[m.w])(i, t))
    assert_same(2 * residual @ inputs / 2, compiled(shim.asarray(inputs), shim.asarray(targets))[0])


def test_grad_refuses_side_effects_and_non_scalars():
    state = shim.zeros(2)

    def leaky(x):
        state[...] = x
        return np.sum(x)

    with pytest.raises(shim.StateError, match="writes"):
        shim.grad(leaky)(shim.ones(2))
    assert_same(np.zeros(2), state)
    with pytest.raises(TypeError, match="scalar"):
        shim.grad(lambda x: x * 2)(shim.ones(2))
    with pytest.raises(TypeError, match="dtype"):
        shim.grad(lambda x: np.sum(x))(shim.asarray([1, 2]))

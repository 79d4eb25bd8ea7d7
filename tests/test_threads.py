"""Threads: what NumPy guarantees for threads, shim guarantees.

Each test runs a bounded workload in several rounds with the interpreter's
switch interval lowered (``sys.setswitchinterval``) to provoke races, and
compares with the same code on NumPy arrays.
"""
from __future__ import annotations

import sys
import threading

import jax
import numpy as np
import pytest
from oracle import assert_same

import shim

ROUNDS = 3


@pytest.fixture(autouse=True)
def fast_switching():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def run_threads(targets):
    """Start one thread per target, join them, and re-raise the first exception."""
    errors = []

    def guarded(target):
        try:
            target()
        except BaseException as e:      # noqa: BLE001 - any exception is a failure here
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def no_tracer(*values):
    for v in values:
        assert not isinstance(v.value if isinstance(v, shim.JaxArray) else v, jax.core.Tracer)


class Cell:
    def __init__(self, xp, n, gain):
        self.v = xp.zeros(n)
        self.t = xp.zeros(())
        self.gain = gain

    def step(self, i_ext):
        self.v += self.gain * (i_ext - self.v)
        self.v[self.v > 0.5] = 0.0
        self.t += 1.0
        return self.v.sum()


def test_threads_compiling_their_own_objects_at_once():
    for r in range(ROUNDS):
        cells = [Cell(shim, 8, 0.1 * (k + 1) + r) for k in range(3)]
        expected = [Cell(np, 8, 0.1 * (k + 1) + r) for k in range(3)]
        for cell in expected:
            for _ in range(4):
                cell.step(0.7)

        def work(cell):
            step = shim.jit(cell.step)
            for _ in range(4):
                step(0.7)

        run_threads([lambda c=c: work(c) for c in cells])
        for cell, oracle in zip(cells, expected):
            no_tracer(cell.v, cell.t)
            assert_same(oracle.v, cell.v)
            assert_same(oracle.t, cell.t)


def test_eager_increments_while_another_thread_compiles():
    n = 300
    for _ in range(ROUNDS):
        b = shim.zeros(3)
        stop = threading.Event()

        def eager():
            for _ in range(n):
                b[...] += 1
            stop.set()

        def compiling():
            k = 0
            while not stop.is_set() and k < 50:
                cell = Cell(shim, 4, 0.5 + k)     # a new object: a new trace each time
                shim.jit(cell.step)(1.0)
                k += 1

        run_threads([eager, compiling])
        assert_same(np.full(3, float(n)), b)


def test_threads_incrementing_different_elements_of_one_array():
    n = 200
    for _ in range(ROUNDS):
        expected = np.zeros(4)
        x = shim.zeros(4)
        for array in (expected, x):
            def bump(k, array=array):
                for _ in range(n):
                    array[k] += 1

            run_threads([lambda k=k: bump(k) for k in range(4)])
        assert_same(expected, x)
        assert_same(np.full(4, float(n)), x)


def test_threads_writing_row_slices_of_one_array():
    for _ in range(ROUNDS):
        expected = np.zeros((8, 5))
        x = shim.zeros((8, 5))
        for array in (expected, x):
            def rows(lo, array=array):
                for i in range(lo, lo + 4):
                    for j in range(5):
                        array[i, j] = 10 * i + j
                    array[i] *= 2

            run_threads([lambda: rows(0), lambda: rows(4)])
        assert_same(expected, x)


def test_pairwise_distances_with_two_jobs():
    pairwise_distances = pytest.importorskip("sklearn.metrics").pairwise_distances
    X = np.random.default_rng(0).standard_normal((40, 3))
    expected = pairwise_distances(X, n_jobs=2)
    for _ in range(ROUNDS):
        actual = pairwise_distances(shim.asarray(X), n_jobs=2)
        np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-10, atol=1e-12)

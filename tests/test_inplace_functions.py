"""NumPy functions that write into their argument, on shim arrays, compared with NumPy."""
from __future__ import annotations

import numpy as np
import pytest

A = np.arange(12.0).reshape(3, 4)


def _writes(fn):
    def run(*args):
        result = fn(*args)
        return result, args
    return run


CASES = [
    ("copyto", lambda a: np.copyto(a, 7.0), A),
    ("copyto-broadcast", lambda a, b: np.copyto(a, b), A, np.arange(4.0)),
    ("copyto-where", lambda a: np.copyto(a, -a, where=a > 5), A),
    ("copyto-view", lambda a: np.copyto(a[1:, ::2], 0.5), A),
    ("copyto-cast-error", lambda a: np.copyto(a, 1.5), np.zeros(3, int)),
    ("copyto-unsafe", lambda a: np.copyto(a, 1.5, casting="unsafe"), np.zeros(3, int)),
    ("copyto-shape-error", lambda a, b: np.copyto(a, b), A, np.ones(3)),
    ("put", lambda a: np.put(a, [0, 5, -1], [10.0, 20.0, 30.0]), A),
    ("put-cycle", lambda a: np.put(a, [0, 1, 2, 3], [1.0, 2.0]), A),
    ("put-wrap-clip", lambda a: (np.put(a, [13, -14], 1.0, mode="wrap"), np.put(a, [99], 2.0, mode="clip")), A),
    ("put-out-of-bounds", lambda a: np.put(a, [12], 1.0), A),
    ("place", lambda a: np.place(a, a > 4, [-1.0, -2.0]), A),
    ("place-view", lambda a: np.place(a[:, 1:], a[:, 1:] > 4, [0.0]), A),
    ("putmask", lambda a: np.putmask(a, a > 4, -a), A),
    ("putmask-cycle", lambda a: np.putmask(a, a > 4, [100.0, 200.0, 300.0]), A),
    ("fill_diagonal", lambda a: np.fill_diagonal(a, 9.0), A),
    ("fill_diagonal-wrap", lambda a: np.fill_diagonal(a, [1.0, 2.0], wrap=True), np.zeros((7, 3))),
    ("fill_diagonal-3d", lambda a: np.fill_diagonal(a, 5.0), np.zeros((3, 3, 3))),
    ("put_along_axis", lambda a: np.put_along_axis(a, np.argmax(a, axis=1, keepdims=True), -1.0, axis=1), A),
    ("put_along_axis-none", lambda a: np.put_along_axis(a, np.array([0, 3]), 8.0, axis=None), A),
    ("put_along_axis-error", lambda a: np.put_along_axis(a, np.array([[5]]), 8.0, axis=1), A),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_inplace_function_matches_numpy(oracle, case):
    _, fn, *args = case
    oracle(_writes(fn), *args)


def test_inplace_functions_on_numpy_targets_with_jax_values(backend, asarray):
    """A NumPy array target is written by NumPy, whatever the value's type."""
    target = np.zeros(4)
    np.copyto(target, asarray([1.0, 2.0, 3.0, 4.0]))
    np.putmask(target, target > 2, asarray([0.0, 0.0, 9.0, 9.0]))
    np.place(target, target < 2, asarray([5.0]))
    np.testing.assert_array_equal(target, [5.0, 2.0, 9.0, 9.0])
    assert type(target) is np.ndarray

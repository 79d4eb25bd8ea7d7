"""The numpy backend: the shim namespace returns plain ndarrays, NumPy's values, seeded streams."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import shim


@pytest.fixture(autouse=True)
def numpy_backend():
    with shim.use_backend("numpy"):
        yield


CALLS = {
    "zeros": lambda: shim.zeros((2, 3)),
    "arange": lambda: shim.arange(5.0),
    "linspace": lambda: shim.linspace(0, 1, 7),
    "asarray": lambda: shim.asarray([1, 2, 3]),
    "sin": lambda: shim.sin(shim.arange(4.0)),
    "add.reduce": lambda: shim.add.reduce(shim.ones((3, 2)), axis=0),
    "where": lambda: shim.where(shim.arange(4) > 1, 1.0, 0.0),
    "linalg.solve": lambda: shim.linalg.solve(2 * shim.eye(3), shim.ones(3)),
    "linalg.eigh": lambda: shim.linalg.eigh(shim.eye(2))[0],
    "fft.fft": lambda: shim.fft.fft(shim.arange(8.0)),
    "random.normal": lambda: shim.random.normal(size=3),
    "random.default_rng": lambda: shim.random.default_rng(0).random(3),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_results_are_plain_ndarrays(name):
    result = CALLS[name]()
    assert type(result) is np.ndarray


def test_values_and_dtypes_are_numpys():
    x = shim.linspace(0, 1, 11)
    np.testing.assert_array_equal(shim.exp(x), np.exp(np.linspace(0, 1, 11)))
    assert shim.arange(3).dtype == np.arange(3).dtype
    assert shim.zeros(2).dtype == np.float64


@settings(max_examples=20)
@given(seed=st.integers(0, 2**32 - 1))
def test_seed_gives_the_same_numbers_every_time(seed):
    draws = []
    for _ in range(2):
        shim.random.seed(seed)
        draws.append((shim.random.normal(size=4), shim.random.randint(0, 10, size=4),
                      shim.random.random(3)))
    for a, b in zip(*draws):
        np.testing.assert_array_equal(a, b)
    np.random.seed(seed)                      # the numpy backend's stream is NumPy's global one
    np.testing.assert_array_equal(draws[0][0], np.random.normal(size=4))


def test_streams_of_the_two_backends_differ_but_each_is_reproducible():
    shim.random.seed(1)
    on_numpy = shim.random.random(4)
    with shim.use_backend("jax"):
        shim.random.seed(1)
        on_jax = np.asarray(shim.random.random(4))
        shim.random.seed(1)
        np.testing.assert_array_equal(np.asarray(shim.random.random(4)), on_jax)
    assert not np.array_equal(on_numpy, on_jax)


def test_bad_seed_raises_numpys_error():
    with pytest.raises((TypeError, ValueError)):
        shim.random.seed(-1)

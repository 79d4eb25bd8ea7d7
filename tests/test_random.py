"""shim.random on both backends: NumPy's API, seeding, shapes, dtypes and distributions."""
from __future__ import annotations

import numpy as np
import pytest

import shim


def array_type(backend):
    return shim.JaxArray if backend == "jax" else np.ndarray


def test_tutorial_calls(backend, xp):
    r = xp.random.random((3, 5))
    assert isinstance(r, array_type(backend)) and r.shape == (3, 5) and r.dtype == np.float64
    n = xp.random.normal(loc=0.0, scale=2.0, size=(2, 5))
    assert n.shape == (2, 5) and n.dtype == np.float64


def test_seeded_reproducible_and_successive_calls_differ(backend, xp):
    xp.random.seed(42)
    first = np.asarray(xp.random.normal(size=5)), np.asarray(xp.random.randint(0, 10, size=8))
    second = np.asarray(xp.random.normal(size=5))
    xp.random.seed(42)
    again = np.asarray(xp.random.normal(size=5)), np.asarray(xp.random.randint(0, 10, size=8))
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[0], second)


def test_generators(backend, xp):
    g1, g2 = xp.random.default_rng(7), xp.random.default_rng(7)
    a, b = g1.normal(size=4), g2.normal(size=4)
    assert isinstance(a, array_type(backend))
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert not np.array_equal(np.asarray(g1.normal(size=4)), np.asarray(a))
    ints = g1.integers(0, 5, size=100)
    assert ints.dtype == np.int64 and 0 <= int(ints.min()) and int(ints.max()) < 5
    assert g1.integers(3, size=50, endpoint=True).max() <= 3
    assert g1.random(3, dtype=np.float32).dtype == np.float32
    assert g1.choice(10, size=3, replace=False).shape == (3,)
    perm = np.asarray(g1.permutation(10))
    np.testing.assert_array_equal(np.sort(perm), np.arange(10))
    rs = xp.random.RandomState(3)
    assert rs.rand(2, 3).shape == (2, 3) and rs.randn(4).shape == (4,)


LEGACY = [
    ("random", (), {"size": (2, 3)}, np.float64),
    ("random_sample", (), {"size": 4}, np.float64),
    ("rand", (2, 3), {}, np.float64),
    ("randn", (3,), {}, np.float64),
    ("randint", (5,), {"size": 10}, np.int64),
    ("randint", (-3, 3), {"size": (2, 2)}, np.int64),
    ("normal", (1.0, 2.0), {"size": 6}, np.float64),
    ("uniform", (-1.0, 1.0), {"size": 6}, np.float64),
    ("standard_normal", (), {"size": 3}, np.float64),
    ("exponential", (2.0,), {"size": 3}, np.float64),
    ("poisson", (3.0,), {"size": 3}, np.int64),
    ("binomial", (10, 0.3), {"size": 3}, np.int64),
    ("beta", (2.0, 3.0), {"size": 3}, np.float64),
    ("gamma", (2.0,), {"size": 3}, np.float64),
    ("lognormal", (0.0, 0.5), {"size": 3}, np.float64),
    ("laplace", (), {"size": 3}, np.float64),
    ("logistic", (), {"size": 3}, np.float64),
    ("gumbel", (), {"size": 3}, np.float64),
    ("chisquare", (3.0,), {"size": 3}, np.float64),
    ("standard_t", (5.0,), {"size": 3}, np.float64),
    ("standard_cauchy", (), {"size": 3}, np.float64),
    ("pareto", (3.0,), {"size": 3}, np.float64),
    ("weibull", (2.0,), {"size": 3}, np.float64),
    ("rayleigh", (), {"size": 3}, np.float64),
    ("geometric", (0.3,), {"size": 3}, np.int64),
    ("triangular", (0.0, 1.0, 3.0), {"size": 3}, np.float64),
    ("power", (2.0,), {"size": 3}, np.float64),
    ("f", (3.0, 4.0), {"size": 3}, np.float64),
    ("wald", (1.0, 2.0), {"size": 3}, np.float64),
    ("dirichlet", ([1.0, 2.0, 3.0],), {"size": 2}, np.float64),
    ("multivariate_normal", ([0.0, 1.0], [[1.0, 0.5], [0.5, 2.0]]), {"size": 4}, np.float64),
    ("multinomial", (10, [0.2, 0.3, 0.5]), {"size": 2}, np.int64),
    ("choice", ([1.5, 2.5, 3.5],), {"size": 5, "p": [0.2, 0.3, 0.5]}, np.float64),
    ("permutation", (np.arange(6),), {}, np.int64),
]


@pytest.mark.parametrize("case", LEGACY, ids=lambda c: c[0])
def test_legacy_functions_shapes_and_dtypes(backend, xp, case):
    name, args, kwargs, dtype = case
    expected_shape = getattr(np.random, name)(*args, **kwargs).shape
    result = getattr(xp.random, name)(*args, **kwargs)
    assert isinstance(result, array_type(backend))
    assert result.shape == expected_shape and result.dtype == dtype


def test_size_none_gives_0d_or_broadcast_shape(backend, xp):
    assert np.shape(xp.random.normal()) == ()
    assert xp.random.normal(np.zeros(3), 1.0).shape == (3,)
    assert xp.random.uniform(np.zeros((2, 1)), np.ones(4)).shape == (2, 4)


@pytest.mark.parametrize("name, args, mean, var", [
    ("normal", (1.0, 2.0), 1.0, 4.0),
    ("uniform", (-1.0, 3.0), 1.0, 16 / 12),
    ("exponential", (2.0,), 2.0, 4.0),
    ("poisson", (3.0,), 3.0, 3.0),
    ("binomial", (10, 0.3), 3.0, 2.1),
    ("gamma", (2.0, 1.5), 3.0, 4.5),
    ("beta", (2.0, 3.0), 0.4, 0.04),
    ("geometric", (0.25,), 4.0, 12.0),
    ("pareto", (5.0,), 0.25, 5 / 48),
    ("weibull", (2.0,), 0.886227, 0.214602),
    ("wald", (1.0, 2.0), 1.0, 0.5),
])
def test_jax_distributions_have_numpys_moments(name, args, mean, var):
    shim.random.seed(0)
    sample = np.asarray(getattr(shim.random, name)(*args, size=200_000), dtype=float)
    assert abs(sample.mean() - mean) < 6 * np.sqrt(var / sample.size) + 1e-3
    assert abs(sample.var() - var) / var < 0.05


def test_shuffle_in_place(backend, xp):
    x = xp.arange(10.0)
    xp.random.shuffle(x)
    assert isinstance(x, array_type(backend))
    np.testing.assert_array_equal(np.sort(np.asarray(x)), np.arange(10.0))
    m = xp.arange(12).reshape(4, 3)
    xp.random.shuffle(m)
    rows = sorted(map(tuple, np.asarray(m).tolist()))
    assert rows == [tuple(r) for r in np.arange(12).reshape(4, 3).tolist()]


def test_errors_like_numpy(backend, xp):
    with pytest.raises(ValueError):
        xp.random.normal(0.0, -1.0)
    with pytest.raises(ValueError):
        xp.random.randint(5, 2)
    with pytest.raises(ValueError):
        xp.random.choice(3, size=5, replace=False)
    with pytest.raises(ValueError):
        xp.random.binomial(5, 1.5)
    with pytest.raises((ValueError, TypeError)):
        xp.random.seed(-1)


def test_state_and_host_fallback_distributions():
    shim.random.seed(1)
    state = shim.random.get_state()
    a = np.asarray(shim.random.normal(size=3))
    shim.random.set_state(state)
    np.testing.assert_array_equal(np.asarray(shim.random.normal(size=3)), a)
    with pytest.warns(shim.FallbackWarning, match="negative_binomial"):
        nb = shim.random.negative_binomial(5, 0.5, size=4)
    assert isinstance(nb, shim.JaxArray) and nb.shape == (4,)
    assert len(shim.random.bytes(5)) == 5


def test_global_key_is_a_jaxarray_state():
    key = shim._random.DEFAULT._key
    shim.random.seed(5)
    assert shim._random.DEFAULT._key is key              # reseeding keeps identity
    before = np.asarray(key).copy()
    shim.random.normal()
    assert not np.array_equal(np.asarray(key), before)   # every draw advances it


#: Draws with size=None and scalar parameters: NumPy returns Python or NumPy scalars.
SCALAR_DRAWS = {
    "uniform": lambda r: r.uniform(0, 100), "randint": lambda r: r.randint(5),
    "normal": lambda r: r.normal(), "rand": lambda r: r.rand(), "randn": lambda r: r.randn(),
    "random": lambda r: r.random(), "choice": lambda r: r.choice(5),
    "choice-list": lambda r: r.choice([1.5, 2.5]), "poisson": lambda r: r.poisson(3),
    "binomial": lambda r: r.binomial(3, 0.5), "uniform-0d": lambda r: r.uniform(np.array(0.0), 1),
    "randint-int32": lambda r: r.randint(5, dtype=np.int32),
    "size-empty-tuple": lambda r: r.uniform(size=()), "size-1": lambda r: r.uniform(size=1),
    "generator-integers": lambda r: r.default_rng(0).integers(5),
    "generator-integers-int32": lambda r: r.default_rng(0).integers(5, dtype=np.int32),
    "generator-normal": lambda r: r.default_rng(0).normal(),
    "generator-choice": lambda r: r.default_rng(0).choice(5),
    "generator-random": lambda r: r.default_rng(0).random(),
}


@pytest.mark.parametrize("label", sorted(SCALAR_DRAWS))
def test_draws_without_size_return_numpys_scalar_types(label):
    expected = SCALAR_DRAWS[label](np.random)
    actual = SCALAR_DRAWS[label](shim.random)
    if isinstance(expected, np.ndarray):
        assert isinstance(actual, shim.JaxArray) and actual.shape == expected.shape
        assert actual.dtype == expected.dtype
    else:
        assert type(actual) is type(expected), (type(actual), type(expected))


def test_scalar_draws_inside_jit_stay_arrays():
    draw = shim.jit(lambda: shim.random.uniform(0, 1) + 1.0)
    assert 1.0 <= float(draw()) <= 2.0

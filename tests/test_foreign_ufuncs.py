"""Ufuncs from other libraries on JaxArrays: SciPy's on JAX, the others on the host."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import shim

special = pytest.importorskip("scipy.special")

X = np.array([0.3, 0.7, 1.5, 2.5])
Y = np.array([0.2, 0.4, 0.6, 0.9])

#: scipy.special ufuncs with a jax.scipy.special function: (name, arguments).
ON_JAX = [("erf", (X,)), ("gamma", (X,)), ("expit", (X - 1,)), ("xlogy", (X, Y)),
          ("gammaln", (X,)), ("erfinv", (Y - 0.5,)), ("betainc", (X, X, Y)), ("i0e", (X,)),
          ("gammainc", (X, Y)), ("logit", (Y,)), ("ndtri", (Y,)), ("fresnel", (X,))]


@pytest.mark.parametrize("name,args", ON_JAX, ids=[n for n, _ in ON_JAX])
def test_scipy_special_ufuncs_run_on_jax(oracle, name, args):
    f = getattr(special, name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", shim.FallbackWarning)
        oracle(lambda *a: f(*a), *args)


def test_scipy_special_ufuncs_run_inside_jit():
    x = shim.asarray(X)
    compiled = shim.jit(lambda a: special.erf(a) + special.xlogy(a, a) * special.expit(a))
    expected = special.erf(X) + special.xlogy(X, X) * special.expit(X)
    np.testing.assert_allclose(np.asarray(compiled(x)), expected, rtol=1e-12)


@pytest.mark.parametrize("mode", ["warn", "silent", "error"])
def test_scipy_ufuncs_jax_lacks_run_on_the_host(mode):
    shim.config.fallback = mode
    shim._dispatch.forget_fallback_warnings()
    x = shim.asarray(X)
    if mode == "error":
        with pytest.raises(shim.FallbackError):
            special.jv(1, x)
        return
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = special.jv(1, x)
    assert type(result) is shim.JaxArray
    np.testing.assert_allclose(np.asarray(result), special.jv(1, X))
    fallbacks = [w.message for w in record if isinstance(w.message, shim.FallbackWarning)]
    if mode == "warn":
        assert fallbacks and fallbacks[0].function == "scipy.special.jv"
        assert "datetime" not in str(fallbacks[0])
    else:
        assert not fallbacks


def test_a_host_ufunc_is_refused_inside_jit():
    with pytest.raises(shim.TracingError):
        shim.jit(lambda a: special.jv(1, a))(shim.asarray(X))


def test_a_numba_vectorize_ufunc_runs_on_the_host():
    numba = pytest.importorskip("numba")

    @numba.vectorize(["float64(float64)"])
    def square(v):
        return v * v

    shim.config.fallback = "warn"
    shim._dispatch.forget_fallback_warnings()
    with pytest.warns(shim.FallbackWarning, match="square"):
        result = square(shim.asarray(X))
    assert type(result) is shim.JaxArray
    np.testing.assert_array_equal(np.asarray(result), X * X)
    out = shim.zeros(4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert square(shim.asarray(X), out=out) is out
    np.testing.assert_array_equal(np.asarray(out), X * X)


def test_scipy_is_not_imported_by_shim():
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", "import sys, shim; shim.sin(shim.ones(2)); "
                           "print('scipy' in sys.modules)"], capture_output=True, text=True,
                          timeout=300)
    assert done.stdout.strip() == "False", done.stderr[-2000:]

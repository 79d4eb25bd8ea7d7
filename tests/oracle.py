"""NumPy as the oracle: run the same code on NumPy arrays and on shim arrays.

:func:`check` runs ``fn`` twice -- on NumPy arrays, and on the same data
converted for the backend under test -- and asserts that both runs agree:
same values, dtypes, shapes and container types, shim arrays where NumPy gives
arrays, the same kind of exception when NumPy raises, and the same contents of
every argument afterwards (so in-place writes are compared too).
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

import shim

#: The builtin exception kinds compared between NumPy and shim.
_KINDS = (IndexError, ValueError, TypeError, OverflowError, ZeroDivisionError,
          KeyError, AttributeError, RuntimeError)


def exception_kind(exc: BaseException) -> type:
    for kind in type(exc).__mro__:
        if kind in _KINDS:
            return kind
    return type(exc)


def to_backend(x, backend: str):
    """Convert NumPy data (recursively through lists/tuples/dicts) for ``backend``."""
    if isinstance(x, np.ndarray):
        return shim.asarray(x) if backend == "jax" else x.copy()
    if isinstance(x, list):
        return [to_backend(i, backend) for i in x]
    if isinstance(x, tuple):
        return tuple(to_backend(i, backend) for i in x)
    if isinstance(x, dict):
        return {k: to_backend(v, backend) for k, v in x.items()}
    return x


def default_rtol(dtype) -> float:
    """Relative tolerance for comparing JAX's and NumPy's floating results of ``dtype``."""
    precision = np.finfo(dtype).precision        # 3 for float16, 6 for float32, 15 for float64
    return {3: 2e-3, 6: 2e-6}.get(precision, 1e-12)


def _run(fn, args, kwargs):
    try:
        return "ok", fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any exception is an outcome to compare
        return "raised", exc


def assert_same(expected, actual, backend: str = "jax", *, rtol=None, atol=0.0, path="result"):
    """``actual`` (shim) matches ``expected`` (NumPy) in kind, dtype, shape and value."""
    if isinstance(expected, np.generic) and type(actual) is type(expected):
        np.testing.assert_array_equal(actual, expected, err_msg=path)
    elif isinstance(expected, (np.ndarray, np.generic)):
        if backend == "jax":
            assert isinstance(actual, shim.JaxArray), \
                f"{path}: expected a JaxArray, got {type(actual).__name__}"
        else:
            assert isinstance(actual, (np.ndarray, np.generic)), \
                f"{path}: expected a NumPy array, got {type(actual).__name__}"
        actual_np = np.asarray(actual)
        expected_np = np.asarray(expected)
        assert actual_np.dtype == expected_np.dtype, \
            f"{path}: dtype {actual_np.dtype} != NumPy's {expected_np.dtype}"
        assert actual_np.shape == expected_np.shape, \
            f"{path}: shape {actual_np.shape} != NumPy's {expected_np.shape}"
        if expected_np.dtype.kind in "fc":
            tol = rtol if rtol is not None else default_rtol(expected_np.dtype)
            np.testing.assert_allclose(actual_np, expected_np, rtol=tol, atol=atol,
                                       equal_nan=True, err_msg=path)
        else:
            np.testing.assert_array_equal(actual_np, expected_np, err_msg=path)
    elif isinstance(expected, (tuple, list)):
        assert type(actual) is type(expected), \
            f"{path}: container {type(actual).__name__} != NumPy's {type(expected).__name__}"
        assert len(actual) == len(expected), f"{path}: length {len(actual)} != {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_same(e, a, backend, rtol=rtol, atol=atol, path=f"{path}[{i}]")
    elif isinstance(expected, dict):
        assert set(actual) == set(expected), f"{path}: keys differ"
        for k in expected:
            assert_same(expected[k], actual[k], backend, rtol=rtol, atol=atol, path=f"{path}[{k!r}]")
    elif isinstance(expected, float) and np.isnan(expected):
        assert isinstance(actual, float) and np.isnan(actual), f"{path}: {actual!r} != nan"
    else:
        assert type(actual) is type(expected) and actual == expected, \
            f"{path}: {actual!r} != NumPy's {expected!r}"


def check(fn, *args, backend: str = "jax", rtol=None, atol=0.0, **kwargs):
    """Run ``fn(*args, **kwargs)`` on NumPy data and on shim data and compare everything.

    Arguments that are NumPy arrays (also inside lists, tuples and dicts) are
    converted for ``backend``; the NumPy run gets deep copies. Returns the shim
    result (or the exception it raised).
    """
    np_args, np_kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    sh_args, sh_kwargs = to_backend(args, backend), to_backend(kwargs, backend)
    expected_status, expected = _run(fn, np_args, np_kwargs)
    with shim.use_backend(backend):
        actual_status, actual = _run(fn, sh_args, sh_kwargs)
    if expected_status == "raised":
        if actual_status != "raised":
            pytest.fail(f"NumPy raised {type(expected).__name__}: {expected}; shim returned "
                        f"{actual!r}")
        kind = exception_kind(expected)
        assert isinstance(actual, kind), \
            f"NumPy raised {kind.__name__} ({expected}); shim raised " \
            f"{type(actual).__name__}: {actual}"
        return actual
    if actual_status == "raised":
        raise actual
    assert_same(expected, actual, backend, rtol=rtol, atol=atol)
    assert_same(np_args, sh_args, backend, rtol=rtol, atol=atol, path="arguments after the call")
    assert_same(np_kwargs, sh_kwargs, backend, rtol=rtol, atol=atol, path="keyword arguments after")
    return actual

"""The host conventions: NumPy itself runs, on host copies of the arguments.

``host`` entries are NumPy functions run on host copies, with array results
wrapped as JaxArrays: file and text operations by nature, and *fallbacks* --
functions JAX lacks -- which warn once (``shim.config.fallback``) and are
refused inside ``jit``. ``numpy`` entries are NumPy's own objects that take no
arrays (``set_printoptions``); they are called as they are.

Two data-driven host paths serve the other conventions: a result whose dtype
JAX cannot hold (strings, records, objects, dates) is NumPy's own array
(:func:`host_dtype_result`), and a LAPACK-based ``linalg`` function given a
matrix with NaN or inf gives LAPACK's answer (:func:`not_finite_on_host`).
"""
from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .._array import UNSUPPORTED_KINDS, JaxArray, to_host
from .._config import config
from .._errors import HOST_ONLY, NO_JAX_IMPLEMENTATION, FallbackError, FallbackWarning, TracingError
from ._entry import FALLBACK
from ._results import wrap_result, write_out

__all__ = ["call", "call_numpy", "forget_warnings", "announce", "host_dtype_result", "any_traced",
           "NOT_FINITE_ON_HOST", "not_finite_on_host"]

_Tracer = jax.core.Tracer
_ANNOUNCED: set = set()


def call(entry, args, kwargs):
    """Run ``entry``'s NumPy function on host copies; wrap array results."""
    fallback = entry.status == FALLBACK
    if fallback:
        _announce_fallback(entry)
    if _any_traced(args) or _any_traced(kwargs.values()):
        message = (f"JAX has no implementation ({entry.reason}), so it would run NumPy on "
                   "host data, which a compiled function cannot do. Call it outside the "
                   "compiled function, or express it with functions the comparison table "
                   "lists as native." if fallback else f"it {entry.reason}.")
        raise TracingError(f"{entry.name} cannot be used inside jit: {message}",
                           reason=NO_JAX_IMPLEMENTATION if fallback else HOST_ONLY,
                           function=entry.name)
    out = kwargs.pop("out", None) if "out" in kwargs else None
    result = entry.numpy_func(*to_host(args), **{k: to_host(v) for k, v in kwargs.items()})
    return wrap_result(result) if out is None else write_out(entry.name, result, out)


def call_numpy(entry, args, kwargs):
    """Call NumPy's own object unchanged (it takes no arrays)."""
    return entry.numpy_func(*args, **kwargs)


#: LAPACK-based functions whose answer for a matrix with NaN or inf is LAPACK's own (an
#: error such as "SVD did not converge", NaNs, or values from one triangle): NumPy computes
#: it on the host. Finite matrices run on JAX as before.
NOT_FINITE_ON_HOST = frozenset(f"numpy.linalg.{name}" for name in """
    inv solve cholesky tensorinv tensorsolve eig eigvals eigh eigvalsh svd svdvals pinv lstsq
    matrix_rank cond det slogdet
""".split())


def not_finite_on_host(impl, numpy_func):
    """``impl``, except that a matrix with NaN or inf is given to ``numpy_func`` on the host.

    The check waits for the matrix (the first argument); inside jit it is skipped.
    """
    def guarded(a, *args, **kwargs):
        value = a.value if type(a) is JaxArray else a
        if isinstance(value, _Tracer) or any(isinstance(v, _Tracer) for v in args) or \
                getattr(value, "dtype", np.dtype(float)).kind not in "fc" or \
                bool(_all_finite(value)):
            return impl(a, *args, **kwargs)
        with np.errstate(all="ignore"):
            return wrap_result(numpy_func(to_host(a), *to_host(args),
                                          **{k: to_host(v) for k, v in kwargs.items()}))
    guarded.__name__ = getattr(impl, "__name__", numpy_func.__name__)
    guarded.__wrapped__ = impl
    return guarded


@jax.jit
def _all_finite(x):
    return jnp.all(jnp.isfinite(x))


def forget_warnings() -> None:
    """Warn again about every fallback, as if none had run yet."""
    _ANNOUNCED.clear()


def _announce_fallback(entry):
    announce(entry.name, entry.reason, "has no JAX implementation")


def announce(name: str, reason: str, what: str, key=None) -> None:
    """A fallback to the host, per ``shim.config.fallback``: warn once per ``key``, raise or
    say nothing. ``what`` says what JAX lacks (``"has no JAX implementation"``)."""
    mode = config.fallback
    if mode == "error":
        raise FallbackError(f"{name} {what} ({reason}); shim.config.fallback is 'error'. Set "
                            "it to 'warn' or 'silent' to run NumPy on host copies instead.",
                            reason=reason, function=name)
    key = name if key is None else key
    if mode == "warn" and key not in _ANNOUNCED:
        _ANNOUNCED.add(key)
        warnings.warn(FallbackWarning(
            f"{name} {what} ({reason}); it runs NumPy on host copies. This warning is shown "
            "once per function.", reason=reason, function=name), stacklevel=5)


def host_dtype_result(entry, args, kwargs):
    """NumPy's own result for a call whose result has a dtype JAX cannot hold, else None.

    Strings, structured records, objects and dates (``shim.array(["a", "b"])``,
    ``np.where(c, x, None)``) exist only in NumPy: after JAX refused such a call,
    NumPy makes the result on the host (a ``numpy.ndarray``), with a
    FallbackWarning naming the function and the dtype. None when NumPy's result
    is one JAX could hold (JAX's refusal stands), inside jit, or with ``out=``.
    """
    if "out" in kwargs or _any_traced(args) or _any_traced(kwargs.values()):
        return None
    try:
        result = entry.numpy_func(*to_host(args), **{k: to_host(v) for k, v in kwargs.items()})
    except Exception:  # noqa: BLE001 - NumPy refusing too: the caller raises JAX's error
        return None
    dtype = _host_only_dtype(result)
    if dtype is None:
        return None
    announce(entry.name, f"dtype {dtype}, which JAX cannot hold",
             "returns a NumPy array", key=(entry.name, dtype))
    return result


def _host_only_dtype(result):
    if isinstance(result, (tuple, list)):
        return next((d for d in map(_host_only_dtype, result) if d is not None), None)
    dtype = getattr(result, "dtype", None)
    return str(dtype) if isinstance(result, (np.ndarray, np.generic)) and \
        dtype.kind in UNSUPPORTED_KINDS else None


def any_traced(values) -> bool:
    """Whether any of ``values`` (lists and tuples searched) is traced."""
    return _any_traced(values)


def _any_traced(values) -> bool:
    for v in values:
        t = type(v)
        if t is JaxArray:
            if isinstance(v.value, _Tracer):
                return True
        elif isinstance(v, _Tracer):
            return True
        elif (t is list or t is tuple) and _any_traced(v):
            return True
    return False

"""NumPy functions that ``jax.numpy`` lacks, written with ``jax.numpy`` and shim's ufuncs.

Each was a host fallback until written here; the comparison table
(``compat_table/``) showed them as ``fallback`` in the JAX eager column.
:data:`IMPLEMENTATIONS` maps qualified NumPy names to ``(impl, convention,
reason)`` for :mod:`shim._registry`, like ``_overrides.IMPLEMENTATIONS``.

Two of them decide a result from the values (``real_if_close`` picks the
dtype, ``asarray_chkfinite`` raises), so inside ``jit`` they raise the usual
"depends on array values" error instead of computing.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from ._array import JaxArray
from ._overrides import asarray

__all__ = ["IMPLEMENTATIONS"]


def real_if_close(a, tol=100):
    """``numpy.real_if_close`` on a ``jax.Array``: the real part when every imaginary part is tiny."""
    a = jnp.asarray(a)
    if not jnp.issubdtype(a.dtype, jnp.complexfloating):
        return a
    if tol > 1:
        tol = np.finfo(a.dtype).eps * tol
    if bool(jnp.all(jnp.abs(a.imag) < tol)):
        return a.real
    return a


def _dtype_of(x):
    if type(x) is JaxArray or isinstance(x, (np.ndarray, np.generic)) or hasattr(x, "dtype"):
        return x.dtype
    return np.asarray(x).dtype


def common_type(*arrays):
    """``numpy.common_type``: NumPy's answer from the arrays' dtypes alone (no data moves)."""
    return np.common_type(*(np.empty(0, dtype=_dtype_of(a)) for a in arrays))


def asarray_chkfinite(a, dtype=None, order=None):
    """``numpy.asarray_chkfinite``: ``asarray``, raising ``ValueError`` on inf or NaN."""
    result = asarray(a, dtype=dtype, order=order)
    if result.dtype.kind in "fc" and not bool(jnp.all(jnp.isfinite(result.value))):
        raise ValueError("array must not contain infs or NaNs")
    return result


def fix(x, out=None):
    """``numpy.fix``: round towards zero; NumPy's dtypes, as ``numpy.trunc`` has them."""
    return np.trunc(x, out=out)


#: NumPy's requirement flags (``numpy.require``) and their canonical letters.
_REQUIREMENTS = {"C": "C", "C_CONTIGUOUS": "C", "CONTIGUOUS": "C", "F": "F", "F_CONTIGUOUS": "F",
                 "FORTRAN": "F", "A": "A", "ALIGNED": "A", "W": "W", "WRITEABLE": "W", "O": "O",
                 "OWNDATA": "O", "E": "E", "ENSUREARRAY": "E"}


def require(a, dtype=None, requirements=None, *, like=None):
    """``numpy.require``: ``a`` itself when it already has ``dtype``, else a converted copy.

    A JaxArray is always contiguous, aligned and writeable; ``"O"`` (own data)
    makes a copy when ``a`` is a view.
    """
    if like is not None:
        raise TypeError("numpy.require: the argument like= is not supported on the JAX backend")
    flags = set()     # a string is a sequence of letters, as in NumPy
    for flag in requirements or ():
        if flag.upper() not in _REQUIREMENTS:
            raise KeyError(flag)
        flags.add(_REQUIREMENTS[flag.upper()])
    if "C" in flags and "F" in flags:
        raise ValueError("Cannot specify both 'C' and 'F' order")
    result = asarray(a, dtype=dtype)
    if "O" in flags and result._base is not None:
        result = JaxArray(result.value)
    return result


def sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    """``numpy.lib.stride_tricks.sliding_window_view`` as gathers on a ``jax.Array``.

    NumPy returns a read-only strided view; on JAX the windows are a new
    array (``writeable=True`` is refused: there is no memory to share).
    """
    if writeable:
        raise ValueError("sliding_window_view: writeable=True needs a strided view of memory, "
                         "which JAX arrays do not have; copy the result instead")
    x = jnp.asarray(x)
    window_shape = tuple(window_shape) if np.iterable(window_shape) else (window_shape,)
    if any(w < 0 for w in window_shape):
        raise ValueError("`window_shape` cannot contain negative values")
    if axis is None:
        if len(window_shape) != x.ndim:
            raise ValueError(f"Since axis is `None`, must provide window_shape for all "
                             f"dimensions of `x`; got {len(window_shape)} window_shape elements "
                             f"and `x.ndim` is {x.ndim}.")
        axis = tuple(range(x.ndim))
    else:
        axis = normalize_axis_tuple(axis, x.ndim, allow_duplicate=True)
        if len(window_shape) != len(axis):
            raise ValueError(f"Must provide matching length window_shape and axis; got "
                             f"{len(window_shape)} window_shape elements and {len(axis)} axes "
                             "elements.")
    result = x
    for ax, w in zip(axis, window_shape):
        if result.shape[ax] < w:
            raise ValueError("window shape cannot be larger than input array shape")
        starts = jnp.arange(result.shape[ax] - w + 1)
        index = starts[:, None] + jnp.arange(w)[None, :]
        result = jnp.moveaxis(jnp.take(result, index, axis=ax), ax + 1, -1)
    return result


IMPLEMENTATIONS = {
    "numpy.fix": (fix, "array", "numpy.trunc's ufunc loop"),
    "numpy.real_if_close": (real_if_close, "jax", "real part chosen from the values; eager only"),
    "numpy.common_type": (common_type, "array", "from the dtypes; returns a type"),
    "numpy.asarray_chkfinite": (asarray_chkfinite, "array", "checks the values; eager only"),
    "numpy.require": (require, "array", "a JaxArray meets every layout requirement"),
    "numpy.lib.stride_tricks.sliding_window_view": (sliding_window_view, "jax",
                                                    "windows gathered into a new array"),
}

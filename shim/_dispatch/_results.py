"""Results of dispatched calls: array results as JaxArrays, and ``out=``.

:func:`wrap_result` settles NumPy's return types in one place (arrays become
JaxArrays, containers and named tuples are kept, plain values stay plain);
:func:`write_out` is the one writer of ``out=`` for NumPy functions and ufunc
methods alike.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._array import JaxArray, wrap

__all__ = ["wrap_result", "write_out"]

_ArrayImpl = type(jnp.zeros(0))
_HOST_ARRAY_KINDS = "biufc"
_NUMPY_RESULTS = {name: getattr(np.linalg._linalg, name) for name in (
    "EigResult", "EighResult", "QRResult", "SlogdetResult", "SVDResult")
    if hasattr(np.linalg, "_linalg") and hasattr(np.linalg._linalg, name)}


def wrap_result(result):
    """Array results as JaxArrays (containers kept); everything else unchanged."""
    t = type(result)
    if t is _ArrayImpl or isinstance(result, jax.Array):
        return wrap(result)
    if t is tuple or t is list:
        return t(wrap_result(r) for r in result)
    if isinstance(result, tuple):   # a named tuple: NumPy's class (SVDResult, EighResult...)
        return _NUMPY_RESULTS.get(t.__name__, t)(*(wrap_result(r) for r in result))
    if isinstance(result, (np.ndarray, np.generic)) and result.dtype.kind in _HOST_ARRAY_KINDS:
        return wrap(jnp.asarray(result))
    return result


def write_out(name: str, result, out):
    """NumPy's ``out=``: ``result`` written into ``out`` (same shape, cast), and ``out`` returned.

    ``out`` is a JaxArray or a NumPy array, or a 1-tuple of one; ``name`` is the
    function, for messages.
    """
    if type(out) is tuple:
        if len(out) != 1:
            raise ValueError(f"{name}: 'out' must be a single array, got {len(out)}")
        out = out[0]
    shape = np.shape(result)
    if isinstance(out, np.ndarray):
        if out.shape != shape:
            raise ValueError(f"{name}: output array has shape {out.shape}, the result has "
                             f"shape {shape}")
        np.copyto(out, np.asarray(result), casting="unsafe")
        return out
    if type(out) is not JaxArray:
        raise TypeError(f"{name}: 'out' must be a JaxArray or numpy.ndarray, got "
                        f"{type(out).__name__}")
    if out.shape != shape:
        raise ValueError(f"{name}: output array has shape {out.shape}, the result has "
                         f"shape {shape}")
    out[...] = result.value if type(result) is JaxArray else result
    return out

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

__all__ = ["wrap_result", "write_out", "OUT_CASTING"]

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
    function (qualified, ``numpy.clip``). The cast follows the function's own
    rule in NumPy (:data:`OUT_CASTING`); a refused cast raises before anything
    is written.
    """
    if type(out) is tuple:
        if len(out) != 1:
            raise ValueError(f"{name}: 'out' must be a single array, got {len(out)}")
        out = out[0]
    shape = np.shape(result)
    if isinstance(out, (np.ndarray, JaxArray)):
        _check_out_cast(name, result, out.dtype)
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


# --- the casting rule of out= --------------------------------------------------------------
# NumPy's functions differ: reductions and gathers cast unsafely into ``out``; the
# functions built on a ufunc cast ``same_kind``; ``dot`` wants the exact dtype.

_UFUNC_BASED = """around round clip fix outer percentile quantile ptp std fft.fft fft.ifft
    fft.fft2 fft.ifft2 fft.fftn fft.ifftn fft.rfft fft.irfft fft.rfft2 fft.irfft2 fft.rfftn
    fft.irfftn fft.hfft fft.ihfft""".split()

#: Short NumPy name (``clip``, ``fft.fft``, ``linalg.multi_dot``) -> how ``out`` is checked:
#: a casting rule from the result's dtype, ``"exact"`` (the same dtype), ``"inexact"``
#: (inexact results need an inexact ``out``) or ``"index"`` (``out``'s dtype casts safely to
#: the index dtype). Functions not listed cast unsafely, as NumPy's reductions do.
OUT_CASTING = {
    **dict.fromkeys(_UFUNC_BASED, "same_kind"),
    "concatenate": "same_kind", "stack": "same_kind", "einsum": "safe",
    "dot": "exact", "linalg.multi_dot": "exact",
    "nanmean": "inexact", "nanstd": "inexact", "nanvar": "inexact",
    "argmax": "index", "argmin": "index", "nanargmax": "index", "nanargmin": "index",
}


def _check_out_cast(name: str, result, out_dtype) -> None:
    rule = OUT_CASTING.get(name.removeprefix("numpy."), "unsafe")
    if rule == "unsafe":
        return
    dtype = np.dtype(getattr(result, "dtype", None) or np.result_type(result))
    out_dtype = np.dtype(out_dtype)
    if rule == "exact":
        if dtype != out_dtype:
            raise ValueError(f"{name}: output array is not acceptable (must have the right "
                             f"datatype {dtype}, got {out_dtype})")
    elif rule == "inexact":
        if dtype.kind in "fc" and out_dtype.kind not in "fc":
            raise TypeError(f"{name}: if a is inexact, then out must be inexact (got {out_dtype})")
    elif rule == "index":
        if not np.can_cast(out_dtype, dtype, "safe"):
            raise TypeError(f"{name}: cannot cast array data from {out_dtype} to {dtype} "
                            "according to the rule 'safe'")
    elif not np.can_cast(dtype, out_dtype, rule):
        raise TypeError(f"{name}: cannot cast the output from {dtype} to {out_dtype} with "
                        f"casting rule {rule!r}")

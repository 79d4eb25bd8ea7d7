"""NumPy's dtype rules for implementations that call ``jax.numpy``.

``jax.numpy`` promotes with JAX's rules (``int64 + float32`` is ``float32``);
NumPy's are different (``float64``). The helpers here give NumPy's answer from
dtypes alone, so no data moves.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from .._array import WEAK_TYPES, JaxArray

__all__ = ["promotion_token", "promote", "accumulation_dtype", "dtype_argument", "array_dtype", "INTP"]

#: NumPy's index dtype, which NumPy's index-returning functions use.
INTP = np.dtype(np.intp)


def promotion_token(x):
    """What ``np.result_type`` needs: the dtype of an array, the Python type of a scalar.

    Inside ``jit`` a Python scalar is a weakly typed tracer; it still counts as a
    Python scalar, as NEP 50 says.
    """
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return type(x) if isinstance(x, (bool, int, float, complex)) else np.asarray(x).dtype
    if getattr(x, "weak_type", False):
        return WEAK_TYPES[dtype.kind]
    return dtype


@functools.lru_cache(maxsize=4096)
def _result_type(tokens):
    return jax.dtypes.canonicalize_dtype(np.result_type(*tokens))


def promote(*arrays):
    """The arrays cast to NumPy's common dtype (JAX would promote int64 + float32 to float32)."""
    dtype = _result_type(tuple(map(promotion_token, arrays)))
    return [a if getattr(a, "dtype", None) == dtype else jnp.asarray(a, dtype=dtype)
            for a in arrays]


def accumulation_dtype(a, dtype):
    """NumPy's default for sums and products: small integers and bools accumulate in 64 bits."""
    if dtype is not None:
        return dtype
    a_dtype = getattr(a, "dtype", None)
    if a_dtype is None:
        a_dtype = jnp.result_type(a)
    if a_dtype.kind == "b" or (a_dtype.kind == "i" and a_dtype.itemsize < 8):
        return jax.dtypes.canonicalize_dtype(np.int64)
    if a_dtype.kind == "u" and a_dtype.itemsize < 8:
        return jax.dtypes.canonicalize_dtype(np.uint64)
    return None


def dtype_argument(x):
    """``x`` as an argument of ``np.result_type``/``np.can_cast``: arrays become their dtype.

    Dtypes, Python scalars and types pass unchanged (NumPy's own rules apply to them).
    """
    if type(x) is JaxArray or isinstance(x, (jax.Array, np.ndarray, np.generic)):
        return x.dtype
    return x


def array_dtype(x) -> np.dtype:
    """The dtype of an array-like, as ``np.asarray(x).dtype`` (arrays are not copied)."""
    if type(x) is JaxArray or isinstance(x, (np.ndarray, np.generic)) or hasattr(x, "dtype"):
        return x.dtype
    return np.asarray(x).dtype

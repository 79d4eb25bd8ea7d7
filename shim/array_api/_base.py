"""Conversions shared by the array API namespace: JaxArray in, ``jax.Array`` through, JaxArray out."""
from __future__ import annotations

import jax
import numpy as np

from .._array import JaxArray, to_jax, wrap
from .._dispatch import as_sharding

__all__ = ["DTYPES", "value", "values", "result", "check_dtype", "array", "place"]

# The standard's dtypes, as the NumPy dtypes that JaxArray.dtype reports.
DTYPES = {name: np.dtype(name) for name in (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "complex64", "complex128")}
_STANDARD = frozenset(DTYPES.values())


def value(x):
    """``x`` as what ``jax.numpy`` takes: a JaxArray's ``jax.Array``; anything else unchanged."""
    return x.value if type(x) is JaxArray else x


def values(xs):
    return [value(x) for x in xs]


def result(r):
    """Wrap a ``jax.numpy`` result: arrays become JaxArrays; tuples and named tuples keep their type."""
    if isinstance(r, (jax.Array, jax.core.Tracer)):
        return wrap(r)
    if isinstance(r, tuple):
        items = [result(item) for item in r]
        return type(r)(*items) if hasattr(r, "_fields") else tuple(items)
    if isinstance(r, list):
        return tuple(result(item) for item in r)
    return r


def check_dtype(dtype, func: str, arg: str = "dtype"):
    """``dtype`` as a NumPy dtype of the standard, or ``None``; anything else raises ``TypeError``."""
    if dtype is None:
        return None
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt not in _STANDARD:
        raise TypeError(f"{func}: {arg}={dtype!r} is not an array API dtype; allowed: "
                        f"{', '.join(DTYPES)} or None")
    return dt


def array(x, func: str, arg: str = "x") -> JaxArray:
    """``x`` as a JaxArray; Python scalars and other arrays are converted, anything else raises."""
    if type(x) is JaxArray:
        return x
    if isinstance(x, (jax.Array, np.ndarray, bool, int, float, complex)):
        return wrap(to_jax(x))
    raise TypeError(f"{func}: {arg} must be an array, got {type(x).__name__}")


def place(r: JaxArray, device) -> JaxArray:
    """``r`` on ``device``, a ``jax.Device`` or a sharding (``None``: where it is)."""
    if device is None:
        return r
    sharding = as_sharding(device, "device")
    if r.device == device or r.sharding == sharding:
        return r
    return wrap(jax.device_put(r.value, sharding))


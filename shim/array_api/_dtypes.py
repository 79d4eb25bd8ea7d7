"""Data type functions and inspection (``__array_namespace_info__``) of the array API standard."""
from __future__ import annotations

import jax
import numpy as np

from .._array import JaxArray, wrap
from ._base import DTYPES, check_dtype, place

__all__ = ["astype", "can_cast", "finfo", "iinfo", "isdtype", "result_type",
           "__array_namespace_info__"]

_KINDS = {
    "bool": "b", "signed integer": "i", "unsigned integer": "u", "integral": "iu",
    "real floating": "f", "complex floating": "c", "numeric": "iufc",
}


def astype(x, dtype, /, *, copy=True, device=None) -> JaxArray:
    """``x`` cast to ``dtype`` (C-like casting: floats to integers truncate).

    ``copy=False`` returns ``x`` itself when the dtype and device already match.
    """
    dt = check_dtype(dtype, "astype")
    if dt is None:
        raise TypeError("astype: dtype=None; allowed: an array API dtype")
    if type(x) is not JaxArray:
        raise TypeError(f"astype: x must be a JaxArray, got {type(x).__name__}")
    if not copy and dt == x.dtype and (device is None or device == x.device):
        return x
    r = x.copy() if dt == x.dtype else wrap(x.value.astype(dt))
    return place(r, device)


def can_cast(from_, to, /) -> bool:
    """Whether the standard's promotion rules allow ``from_`` to become ``to`` without loss."""
    src = check_dtype(_dtype_or_array(from_), "can_cast", "from_")
    dst = check_dtype(to, "can_cast", "to")
    return bool(np.can_cast(src, dst, "safe"))


def result_type(*arrays_and_dtypes):
    """The dtype that the standard's promotion gives for arrays, dtypes and Python scalars.

    Mixed kinds (integer with floating, ``int64`` with ``uint64``), which the
    standard leaves to implementations, follow NumPy.
    """
    if not arrays_and_dtypes:
        raise ValueError("result_type: at least one array or dtype is required")
    dtypes, scalars = [], []
    for a in arrays_and_dtypes:
        if isinstance(a, np.generic):         # a NumPy scalar (np.float64 is a float too)
            dtypes.append(check_dtype(a.dtype, "result_type", "arrays_and_dtypes"))
        elif isinstance(a, (bool, int, float, complex)):
            scalars.append(a)
        elif hasattr(a, "shape") and hasattr(a, "dtype"):
            dtypes.append(check_dtype(a.dtype, "result_type", "arrays_and_dtypes"))
        else:
            dtypes.append(check_dtype(a, "result_type", "arrays_and_dtypes"))
    if not dtypes:
        raise ValueError("result_type: at least one array or dtype is required (only Python "
                         "scalars given)")
    return np.result_type(*dtypes, *scalars)


def isdtype(dtype, kind) -> bool:
    """Whether ``dtype`` is of ``kind``: a dtype, a kind name, or a tuple of them.

    Kind names: ``'bool'``, ``'signed integer'``, ``'unsigned integer'``,
    ``'integral'``, ``'real floating'``, ``'complex floating'``, ``'numeric'``.
    """
    dt = check_dtype(dtype, "isdtype")
    if dt is None:
        raise TypeError("isdtype: dtype=None; allowed: an array API dtype")
    if isinstance(kind, tuple):
        return any(isdtype(dt, k) for k in kind)
    if isinstance(kind, str):
        if kind not in _KINDS:
            raise ValueError(f"isdtype: kind={kind!r}; allowed: a dtype, "
                             f"{', '.join(map(repr, _KINDS))} or a tuple of them")
        return dt.kind in _KINDS[kind]
    return dt == check_dtype(kind, "isdtype", "kind")


def finfo(type, /):
    """Machine limits of a floating dtype (or an array's dtype).

    Returns bits, eps, max, min, smallest_normal and dtype.
    """
    dt = check_dtype(_dtype_or_array(type), "finfo", "type")
    if dt.kind not in "fc":
        raise TypeError(f"finfo: {dt} is not a floating dtype; allowed: float32, float64, "
                        "complex64, complex128")
    return FloatInfo(np.finfo(dt))


def iinfo(type, /):
    """Machine limits of an integer dtype (or an array's dtype): bits, max, min, dtype."""
    dt = check_dtype(_dtype_or_array(type), "iinfo", "type")
    if dt.kind not in "iu":
        raise TypeError(f"iinfo: {dt} is not an integer dtype; allowed: int8 ... uint64")
    return np.iinfo(dt)


class FloatInfo:
    """What :func:`finfo` returns.

    ``bits`` (int), ``eps``, ``max``, ``min``, ``smallest_normal`` (float), ``dtype``.
    """

    __module__ = "shim.array_api"
    __slots__ = ("bits", "eps", "max", "min", "smallest_normal", "dtype")

    def __init__(self, info: np.finfo):
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.smallest_normal = float(info.smallest_normal)
        self.dtype = info.dtype

    def __repr__(self) -> str:
        return (f"finfo(bits={self.bits}, eps={self.eps}, max={self.max}, min={self.min}, "
                f"smallest_normal={self.smallest_normal}, dtype={self.dtype})")


def _dtype_or_array(x):
    return x.dtype if hasattr(x, "dtype") and not isinstance(x, np.dtype) else x


class Info:
    """What ``__array_namespace_info__()`` returns: this namespace's capabilities, dtypes, devices."""

    __module__ = "shim.array_api"

    def capabilities(self) -> dict:
        """Boolean indexing and data-dependent shapes are supported (eagerly); any rank."""
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": None}

    def default_device(self):
        """JAX's default device."""
        return jax.devices()[0]

    def devices(self) -> tuple:
        """Every device JAX sees."""
        return tuple(jax.devices())

    def default_dtypes(self, *, device=None) -> dict:
        """``float64``, ``complex128``, ``int64`` (``int64`` indices)."""
        return {"real floating": DTYPES["float64"], "complex floating": DTYPES["complex128"],
                "integral": DTYPES["int64"], "indexing": DTYPES["int64"]}

    def dtypes(self, *, device=None, kind=None) -> dict:
        """The supported dtypes by name, optionally only those of ``kind`` (as in :func:`isdtype`)."""
        if kind is None:
            return dict(DTYPES)
        return {name: dt for name, dt in DTYPES.items() if isdtype(dt, kind)}


def __array_namespace_info__() -> Info:
    """The inspection object of the array API standard (capabilities, default dtypes, devices)."""
    return Info()

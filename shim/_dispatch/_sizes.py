"""Array sizes checked before JAX sees them: NumPy's errors instead of a process abort.

XLA aborts the whole process (a C++ ``terminate``) when asked for an array
whose byte size overflows 64 bits, even a zero-size one such as
``(2**62, 0)``. The functions that make an array of a given shape
(:data:`SHAPE_OF`) are checked here first, with NumPy's rules: a negative
dimension and a byte size over ``2**63 - 1`` (zero dimensions left out) are
``ValueError``; a dimension that is no
integer is ``TypeError``. An array that fits the rules but not the device's
memory is JAX's ``RESOURCE_EXHAUSTED``, which the callers turn into
``MemoryError`` (:func:`out_of_memory`), as NumPy raises.
"""
from __future__ import annotations

import math
import operator

import jax
import numpy as np

__all__ = ["SHAPE_OF", "check_shape", "out_of_memory"]

_MAX_BYTES = 2**63 - 1
_MAX_DIMENSION = 2**63 - 1


def check_shape(name: str, shape, dtype=None) -> None:
    """Raise NumPy's error if an array of ``shape`` and ``dtype`` cannot exist."""
    if shape is None:
        return
    if hasattr(shape, "__array__") and np.ndim(shape) <= 1:
        shape = [int(n) for n in np.asarray(shape).reshape(-1)] if np.ndim(shape) else int(shape)
    dims = (shape,) if not isinstance(shape, (tuple, list)) else shape
    sizes = []
    for n in dims:
        n = operator.index(n)
        if n < 0:
            raise ValueError(f"{name}: negative dimensions are not allowed (shape {tuple(dims)})")
        if n > _MAX_DIMENSION:
            raise ValueError(f"{name}: maximum allowed dimension exceeded (shape {tuple(dims)})")
        sizes.append(n)
    try:
        itemsize = np.dtype(float if dtype is None else dtype).itemsize
    except TypeError:
        return                  # not a dtype NumPy knows: the call itself reports it
    # NumPy's rule, which is XLA's limit too: zero dimensions are left out of the product.
    if math.prod(n for n in sizes if n) * max(itemsize, 1) <= _MAX_BYTES:
        return
    raise ValueError(f"{name}: array is too big; `arr.size * arr.dtype.itemsize` is larger "
                     f"than the maximum possible size (shape {tuple(sizes)}, dtype "
                     f"{np.dtype(float if dtype is None else dtype)})")


def out_of_memory(name: str, error: BaseException) -> MemoryError | None:
    """NumPy's ``MemoryError`` for JAX's out-of-memory error, else None."""
    if isinstance(error, jax.errors.JaxRuntimeError) and "RESOURCE_EXHAUSTED" in str(error):
        return MemoryError(f"{name}: unable to allocate the result on the device: {error}")
    return None


def _arg(args, kwargs, i, name, default=None):
    if len(args) > i:
        return args[i]
    return kwargs.get(name, default)


def _arange_shape(args, kwargs):
    start, stop, step = (_arg(args, kwargs, i, n) for i, n in
                         enumerate(("start", "stop", "step")))
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    values = (start, stop, step)
    if not all(isinstance(v, (int, float, np.integer, np.floating)) for v in values) or not step:
        return None
    return max(math.ceil((stop - start) / step), 0) if any(
        isinstance(v, (float, np.floating)) for v in values) else max(-(-(stop - start) // step), 0)


def _eye_shape(args, kwargs):
    n = _arg(args, kwargs, 0, "N")
    m = _arg(args, kwargs, 1, "M")
    return (n, n if m is None else m)


#: Qualified NumPy name -> (shape of the result, its dtype) from the call's arguments.
SHAPE_OF = {
    **{f"numpy.{name}": lambda args, kwargs: (_arg(args, kwargs, 0, "shape"),
                                              _arg(args, kwargs, 1, "dtype"))
       for name in ("zeros", "ones", "empty")},
    "numpy.full": lambda args, kwargs: (_arg(args, kwargs, 0, "shape"),
                                        _arg(args, kwargs, 2, "dtype")),
    "numpy.eye": lambda args, kwargs: (_eye_shape(args, kwargs), _arg(args, kwargs, 3, "dtype")),
    "numpy.identity": lambda args, kwargs: ((_arg(args, kwargs, 0, "n"),) * 2,
                                            _arg(args, kwargs, 1, "dtype")),
    "numpy.arange": lambda args, kwargs: (_arange_shape(args, kwargs), kwargs.get("dtype")),
    "numpy.broadcast_to": lambda args, kwargs: (_arg(args, kwargs, 1, "shape"),
                                                getattr(_arg(args, kwargs, 0, "array"),
                                                        "dtype", None)),
}

"""NumPy functions that write into their argument, on JaxArrays (the ``array`` convention).

``copyto``, ``put``, ``place``, ``putmask``, ``fill_diagonal`` and
``put_along_axis``: each checks its arguments as NumPy does, then applies one
compiled update kernel to the target's root (:func:`shim._array.update`). A
NumPy array target is written by NumPy itself.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from .._array import JaxArray, apply_update, broadcast_value, set_all, to_host

__all__ = ["IMPLEMENTATIONS"]


def _value(x):
    return x.value if type(x) is JaxArray else jnp.asarray(x)


def _target(func: str, a) -> JaxArray | None:
    """The JaxArray to write, or None when NumPy should handle a NumPy array."""
    if isinstance(a, np.ndarray):
        return None
    if type(a) is not JaxArray:
        raise TypeError(f"{func}: the array to write must be a JaxArray or numpy.ndarray, "
                        f"got {type(a).__name__}")
    return a


def _scalar_can_cast(value, dtype, casting) -> bool:
    if casting == "unsafe":
        return True
    kind = np.dtype(dtype).kind
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return kind in "iufc" or casting == "same_kind"
    if isinstance(value, float):
        return kind in "fc"
    return kind == "c"


def copyto(dst, src, casting="same_kind", where=True):
    target = _target("copyto", dst)
    if target is None:
        return np.copyto(dst, to_host(src), casting=casting, where=to_host(where))
    if isinstance(src, (bool, int, float, complex)):
        ok = _scalar_can_cast(src, target.dtype, casting)
        src_dtype = np.result_type(src)
    else:
        src = _value(src)
        src_dtype = src.dtype
        ok = np.can_cast(src_dtype, target.dtype, casting)
    if not ok:
        raise TypeError(f"Cannot cast array data from {src_dtype!r} to {target.dtype!r} "
                        f"according to the rule {casting!r}")
    shape = broadcast_value(np.shape(src), target.shape)
    if where is True:
        apply_update(target, (set_all, shape), (src,))
        return None
    mask = _value(where)
    if mask.dtype != np.bool_:
        raise TypeError(f"copyto: 'where' must be a boolean array, got dtype {mask.dtype}")
    mask_shape = broadcast_value(mask.shape, target.shape)
    apply_update(target, (_copy_where, shape, mask_shape), (src, mask))
    return None


def _copy_where(region, src_shape, mask_shape, src, mask):
    src = jnp.asarray(src).reshape(src_shape).astype(region.dtype)
    return jnp.where(mask.reshape(mask_shape), jnp.broadcast_to(src, region.shape), region)


def _flat_positions(func, ind, size, mode):
    ind = np.asarray(to_host(ind))
    if ind.dtype.kind not in "iub" and ind.size:
        raise TypeError(f"{func}: indices must be integers, got dtype {ind.dtype}")
    ind = ind.astype(np.intp).ravel()
    if mode == "raise":
        bad = (ind < -size) | (ind >= size)
        if bad.any():
            raise IndexError(f"index {ind[bad][0]} is out of bounds for axis 0 with size {size}")
        return np.where(ind < 0, ind + size, ind)
    if mode == "wrap":
        return ind % size if size else ind
    if mode == "clip":
        return np.clip(ind, 0, max(size - 1, 0))
    raise ValueError(f"{func}: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")


def _put_flat(region, positions, values):
    values = jnp.resize(jnp.ravel(jnp.asarray(values)).astype(region.dtype), positions.shape)
    return region.ravel().at[positions].set(values).reshape(region.shape)


def _put_positions(func, target, positions, values):
    values = values if isinstance(values, (bool, int, float, complex)) else _value(values)
    if positions.size == 0:
        return
    if np.size(values) == 0:
        raise ValueError(f"{func}: cannot put values from an empty array")
    apply_update(target, (_put_flat,), (positions, values))


def put(a, ind, v, mode="raise"):
    target = _target("put", a)
    if target is None:
        return np.put(a, to_host(ind), to_host(v), mode=mode)
    if mode == "raise" and target.size == 0 and np.size(to_host(ind)):
        raise IndexError("cannot replace elements of an empty array")
    _put_positions("put", target, _flat_positions("put", ind, target.size, mode), v)
    return None


def place(arr, mask, vals):
    target = _target("place", arr)
    if target is None:
        return np.place(arr, to_host(mask), to_host(vals))
    mask = np.asarray(to_host(mask), dtype=bool)
    if mask.size != target.size:
        raise ValueError("place: mask and data must be the same size")
    positions = np.flatnonzero(mask)
    if positions.size and np.size(to_host(vals)) == 0:
        raise ValueError("Cannot insert from an empty array!")
    _put_positions("place", target, positions, vals)
    return None


def putmask(a, mask, values):
    target = _target("putmask", a)
    if target is None:
        return np.putmask(a, to_host(mask), to_host(values))
    mask = _value(mask)
    if mask.size != target.size:
        raise ValueError("putmask: mask and data must be the same size")
    values = _value(values)
    if values.size == 0:
        return None
    apply_update(target, (_putmask,), (mask.astype(bool), values))
    return None


def _putmask(region, mask, values):
    values = jnp.resize(jnp.ravel(values).astype(region.dtype), (region.size,))
    return jnp.where(mask.reshape(region.shape), values.reshape(region.shape), region)


def fill_diagonal(a, val, wrap=False):
    target = _target("fill_diagonal", a)
    if target is None:
        return np.fill_diagonal(a, to_host(val), wrap=wrap)
    shape = target.shape
    if len(shape) < 2:
        raise ValueError("array must be at least 2-d")
    end = None
    if len(shape) == 2:
        step = shape[1] + 1
        if not wrap:
            end = shape[1] * shape[1]
    else:
        if any(n != shape[0] for n in shape):
            raise ValueError("All dimensions of input must be of equal length")
        step = 1 + int(np.cumprod(shape[:-1]).sum())
    positions = np.arange(target.size)[:end:step]
    _put_positions("fill_diagonal", target, positions, val)
    return None


def put_along_axis(arr, indices, values, axis):
    target = _target("put_along_axis", arr)
    if target is None:
        return np.put_along_axis(arr, to_host(indices), to_host(values), axis)
    indices = to_host(indices)
    indices = np.asarray(indices) if not isinstance(indices, jax.Array) else indices
    if not np.issubdtype(indices.dtype, np.integer):
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if indices.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        flat = target.size
        positions = _flat_positions("put_along_axis", indices, flat, "raise")
        _put_positions("put_along_axis", target, positions, values)
        return None
    axis = normalize_axis_index(axis, target.ndim)
    if indices.ndim != target.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    n = target.shape[axis]
    if isinstance(indices, np.ndarray) and indices.size and (
            indices.min() < -n or indices.max() >= n):
        bad = indices[(indices < -n) | (indices >= n)].flat[0]
        raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")
    apply_update(target, (_put_along, axis), (indices, _value(values)))
    return None


def _put_along(region, axis, indices, values):
    indices = jnp.where(indices < 0, indices + region.shape[axis], indices)
    return jnp.put_along_axis(region, indices, values.astype(region.dtype), axis, inplace=False)


#: Qualified NumPy name -> (implementation, reason), all of the ``array`` convention.
IMPLEMENTATIONS = [(f"numpy.{f.__name__}", f, "writes into its argument") for f in (
    copyto, put, place, putmask, fill_diagonal, put_along_axis)]

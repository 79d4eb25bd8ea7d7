"""NumPy functions that shim implements itself instead of calling ``jax.numpy``.

Three reasons bring a function here:

* it writes into its argument (``copyto``, ``put``, ``place``, ``putmask``,
  ``fill_diagonal``, ``put_along_axis``) -- JAX arrays are immutable;
* NumPy returns a view (``transpose``, ``reshape``, ``squeeze``...) that must
  write through, or a plain Python/NumPy value (``shape``, ``result_type``,
  ``allclose``) rather than an array;
* ``jax.numpy`` answers differently from NumPy (``linalg.eig`` of a real matrix
  with real eigenvalues is real in NumPy; ``result_type`` follows JAX's
  promotion rules in JAX).

:data:`IMPLEMENTATIONS` maps qualified NumPy names to ``(impl, convention,
reason)`` for :mod:`shim._registry`.
"""
from __future__ import annotations

import functools
import inspect
import math
import operator

import jax
import jax.numpy as jnp
import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from . import _kernels
from ._array import JaxArray, wrap

__all__ = ["IMPLEMENTATIONS", "JAX_STUBS"]

#: jax.numpy functions that exist only to raise NotImplementedError.
JAX_STUBS = frozenset({"fromfile", "fromiter"})

_Tracer = jax.core.Tracer


def _as_jaxarray(x) -> JaxArray:
    return x if type(x) is JaxArray else JaxArray(x)


def _value(x):
    return x.value if type(x) is JaxArray else jnp.asarray(x)


def _host(x):
    if type(x) is JaxArray or isinstance(x, jax.Array):
        return np.asarray(x)
    return x


def _dtype_of(x):
    if type(x) is JaxArray or isinstance(x, (jax.Array, np.ndarray, np.generic)):
        return x.dtype
    return x


# --- views -----------------------------------------------------------------------------

def transpose(a, axes=None):
    return _as_jaxarray(a).transpose(axes)


def permute_dims(a, axes=None):
    return _as_jaxarray(a).transpose(axes)


def matrix_transpose(x, /):
    return _as_jaxarray(x).mT


def swapaxes(a, axis1, axis2):
    a = _as_jaxarray(a)
    axis1 = normalize_axis_index(axis1, a.ndim)
    axis2 = normalize_axis_index(axis2, a.ndim)
    axes = list(range(a.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return a._transposed(tuple(axes))


def moveaxis(a, source, destination):
    a = _as_jaxarray(a)
    source = normalize_axis_tuple(source, a.ndim, "source")
    destination = normalize_axis_tuple(destination, a.ndim, "destination")
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have the same number "
                         "of elements")
    order = [axis for axis in range(a.ndim) if axis not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return a._transposed(tuple(order))


def squeeze(a, axis=None):
    a = _as_jaxarray(a)
    shape = a.shape
    if axis is None:
        axes = {i for i, n in enumerate(shape) if n == 1}
    else:
        axes = set(normalize_axis_tuple(axis, a.ndim))
        if any(shape[i] != 1 for i in axes):
            raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    return a[tuple(0 if i in axes else slice(None) for i in range(a.ndim)) + (Ellipsis,)]


def expand_dims(a, axis):
    a = _as_jaxarray(a)
    if not isinstance(axis, (tuple, list)):
        axis = (axis,)
    new = set(normalize_axis_tuple(axis, a.ndim + len(axis)))
    return a[tuple(None if i in new else slice(None) for i in range(a.ndim + len(new)))]


def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    if newshape is not None:
        if shape is not None:
            raise TypeError("You cannot specify 'newshape' and 'shape' arguments at the same time.")
        shape = newshape
    if shape is None:
        raise TypeError("reshape() missing required argument 'shape' (pos 2)")
    a = _as_jaxarray(a)
    shape = _resolve_shape(a.size, shape)
    if order not in ("C", "A"):
        if copy is False:
            raise ValueError("Unable to avoid creating a copy while reshaping.")
        return wrap(jnp.reshape(a.value, shape, order=order))
    if copy:
        return wrap(jnp.reshape(a.value, shape))
    view = a._reshaped(shape)
    if view is None:
        if copy is False:
            raise ValueError("Unable to avoid creating a copy while reshaping.")
        return wrap(jnp.reshape(a.value, shape))
    return view


def _resolve_shape(size: int, shape) -> tuple[int, ...]:
    shape = (operator.index(shape),) if not isinstance(shape, (tuple, list)) else \
        tuple(operator.index(n) for n in shape)
    unknown = [i for i, n in enumerate(shape) if n < 0]
    if len(unknown) > 1:
        raise ValueError("can only specify one unknown dimension")
    known = math.prod(n for n in shape if n >= 0)
    if unknown:
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape array of size {size} into shape {shape}")
        shape = shape[:unknown[0]] + (size // known,) + shape[unknown[0] + 1:]
    elif known != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {shape}")
    return shape


def ravel(a, order="C"):
    return reshape(a, (-1,), order=order)


# --- in-place functions -------------------------------------------------------------------

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
        return np.copyto(dst, _host(src), casting=casting, where=_host(where))
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
    _check_broadcast(np.shape(src), target.shape)
    if where is True:
        target._update((_kernels.set_all, np.shape(src)), (src,))
        return None
    mask = _value(where)
    if mask.dtype != np.bool_:
        raise TypeError(f"copyto: 'where' must be a boolean array, got dtype {mask.dtype}")
    _check_broadcast(mask.shape, target.shape)
    target._update((_copy_where,), (src, mask))
    return None


def _copy_where(region, src, mask):
    src = jnp.broadcast_to(jnp.asarray(src).astype(region.dtype), region.shape)
    return jnp.where(mask, src, region)


def _check_broadcast(shape, target_shape):
    if len(shape) > len(target_shape) or any(
            s != 1 and s != t for s, t in zip(shape[::-1], target_shape[::-1])):
        raise ValueError(f"could not broadcast input array from shape {tuple(shape)} into "
                         f"shape {tuple(target_shape)}")


def _flat_positions(func, ind, size, mode):
    ind = np.asarray(_host(ind))
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
    target._update((_put_flat,), (positions, values))


def put(a, ind, v, mode="raise"):
    target = _target("put", a)
    if target is None:
        return np.put(a, _host(ind), _host(v), mode=mode)
    if mode == "raise" and target.size == 0 and np.size(_host(ind)):
        raise IndexError("cannot replace elements of an empty array")
    _put_positions("put", target, _flat_positions("put", ind, target.size, mode), v)
    return None


def place(arr, mask, vals):
    target = _target("place", arr)
    if target is None:
        return np.place(arr, _host(mask), _host(vals))
    mask = np.asarray(_host(mask), dtype=bool)
    if mask.size != target.size:
        raise ValueError("place: mask and data must be the same size")
    positions = np.flatnonzero(mask)
    if positions.size and np.size(_host(vals)) == 0:
        raise ValueError("Cannot insert from an empty array!")
    _put_positions("place", target, positions, vals)
    return None


def putmask(a, mask, values):
    target = _target("putmask", a)
    if target is None:
        return np.putmask(a, _host(mask), _host(values))
    mask = _value(mask)
    if mask.size != target.size:
        raise ValueError("putmask: mask and data must be the same size")
    values = _value(values)
    if values.size == 0:
        return None
    target._update((_putmask,), (mask.astype(bool), values))
    return None


def _putmask(region, mask, values):
    values = jnp.resize(jnp.ravel(values).astype(region.dtype), (region.size,))
    return jnp.where(mask.reshape(region.shape), values.reshape(region.shape), region)


def fill_diagonal(a, val, wrap=False):
    target = _target("fill_diagonal", a)
    if target is None:
        return np.fill_diagonal(a, _host(val), wrap=wrap)
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
        return np.put_along_axis(arr, _host(indices), _host(values), axis)
    indices = _host(indices)
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
    target._update((_put_along, axis), (indices, _value(values)))
    return None


def _put_along(region, axis, indices, values):
    indices = jnp.where(indices < 0, indices + region.shape[axis], indices)
    return jnp.put_along_axis(region, indices, values.astype(region.dtype), axis, inplace=False)


# --- introspection: plain Python and NumPy values -----------------------------------------

def shape(a):
    return a.shape if type(a) is JaxArray else np.shape(_host(a))


def ndim(a):
    return a.ndim if type(a) is JaxArray else np.ndim(_host(a))


def size(a, axis=None):
    if type(a) is not JaxArray:
        return np.size(_host(a), axis)
    if axis is None:
        return a.size
    return a.shape[normalize_axis_index(axis, a.ndim)] if isinstance(axis, int) else \
        math.prod(a.shape[i] for i in normalize_axis_tuple(axis, a.ndim))


def result_type(*arrays_and_dtypes):
    return np.result_type(*map(_dtype_of, arrays_and_dtypes))


def can_cast(from_, to, casting="safe"):
    return np.can_cast(_dtype_of(from_), to, casting)


def min_scalar_type(a, /):
    return np.min_scalar_type(_host(a))


def iscomplexobj(x):
    return np.iscomplexobj(np.empty(0, _dtype_of(x)) if type(x) is JaxArray else _host(x))


def isrealobj(x):
    return not iscomplexobj(x)


def _element_positions(a: JaxArray):
    """(root, flat positions in the root) of every element of ``a``."""
    root, layout, firsts = a._target()
    positions = np.arange(root.size).reshape(root.shape)
    return root, np.asarray(layout.gather(positions, _kernels.lows_arg(layout, firsts)))


def shares_memory(a, b, /, max_work=None):
    if type(a) is not JaxArray or type(b) is not JaxArray:
        return False
    root_a, pos_a = _element_positions(a)
    root_b, pos_b = _element_positions(b)
    return root_a is root_b and bool(np.intersect1d(pos_a, pos_b).size)


def may_share_memory(a, b, /, max_work=None):
    return shares_memory(a, b)


# --- copies and conversions -------------------------------------------------------------

def copy(a, order="K", subok=False):
    return a.copy() if type(a) is JaxArray else JaxArray(a)


def asarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    if type(a) is JaxArray and copy is not True and (dtype is None or np.dtype(dtype) == a.dtype):
        result = a
    elif copy is False:
        raise ValueError("Unable to avoid copy while creating an array as requested.")
    else:
        result = JaxArray(a, dtype)
    if device is not None:
        result = result.to_device(device)
    return result


def asanyarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    return asarray(a, dtype, order, device=device, copy=copy)


def array(object, dtype=None, *, copy=True, order="K", subok=False, ndmin=0, ndmax=0,
          like=None):
    result = asarray(object, dtype, copy=None if copy is False else copy) if copy is not None \
        else asarray(object, dtype)
    if copy is True and result is object:
        result = result.copy()
    if ndmin > result.ndim:
        result = result.reshape((1,) * (ndmin - result.ndim) + result.shape)
    return result


def ascontiguousarray(a, dtype=None, *, like=None):
    result = asarray(a, dtype)
    return result.reshape(1) if result.ndim == 0 else result


def asfortranarray(a, dtype=None, *, like=None):
    return ascontiguousarray(a, dtype)


def astype(x, dtype, /, *, copy=True, device=None):
    result = _as_jaxarray(x).astype(dtype, copy=copy)
    return result if device is None else result.to_device(device)


# --- comparisons returning Python bools ------------------------------------------------------

def _as_bool(result):
    return wrap(result) if isinstance(result, _Tracer) else bool(result)


def allclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    return _as_bool(jnp.allclose(_value(a), _value(b), rtol=rtol, atol=atol, equal_nan=equal_nan))


def array_equal(a1, a2, equal_nan=False):
    return _as_bool(jnp.array_equal(_value(a1), _value(a2), equal_nan=equal_nan))


def array_equiv(a1, a2):
    return _as_bool(jnp.array_equiv(_value(a1), _value(a2)))


# --- linalg ------------------------------------------------------------------------------

def _real_if_exact(w, v, a):
    """NumPy's eig: real results for a real matrix whose eigenvalues are all real."""
    if jnp.iscomplexobj(a) or isinstance(w, _Tracer) or bool(jnp.any(w.imag != 0)):
        return w, v
    return w.real, None if v is None else v.real


def eig(a):
    a = _value(a)
    w, v = jnp.linalg.eig(a)
    w, v = _real_if_exact(w, v, a)
    return np.linalg._linalg.EigResult(wrap(w), wrap(v))


def eigvals(a):
    a = _value(a)
    w, _ = _real_if_exact(jnp.linalg.eigvals(a), None, a)
    return wrap(w)


# --- jax.numpy with NumPy's dtypes, containers and keywords ---------------------------------
# These take jax.Array values ("jax" convention); out= is handled by the caller.

_INTP = np.dtype(np.intp)


_WEAK_TOKENS = {"b": bool, "i": int, "u": int, "f": float, "c": complex}


def _token(x):
    """What np.result_type needs: the dtype of an array, the Python type of a scalar.

    Inside ``jit`` a Python scalar is a weakly typed tracer; it still counts as a
    Python scalar, as NEP 50 says.
    """
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return type(x) if isinstance(x, (bool, int, float, complex)) else np.asarray(x).dtype
    if getattr(x, "weak_type", False):
        return _WEAK_TOKENS[dtype.kind]
    return dtype


@functools.lru_cache(maxsize=4096)
def _result_type(tokens):
    return jax.dtypes.canonicalize_dtype(np.result_type(*tokens))


def _promote(*arrays):
    """The arrays cast to NumPy's common dtype (JAX would promote int64 + float32 to float32)."""
    dtype = _result_type(tuple(map(_token, arrays)))
    return [a if getattr(a, "dtype", None) == dtype else jnp.asarray(a, dtype=dtype)
            for a in arrays]


def _accumulation_dtype(a, dtype):
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


def _int_accumulation(function):
    """``function`` accumulating small integers and bools in 64 bits, as NumPy does."""
    @functools.wraps(function)
    def accumulation(a, *args, dtype=None, **kwargs):
        return function(a, *args, dtype=_accumulation_dtype(a, dtype), **kwargs)
    return accumulation


def searchsorted(a, v, side="left", sorter=None):
    return jnp.searchsorted(a, v, side=side, sorter=sorter).astype(_INTP)


def digitize(x, bins, right=False):
    return jnp.digitize(x, bins, right=right).astype(_INTP)


def _stable(kind, stable, order, func):
    if order is not None:
        raise ValueError(f"{func}: 'order' applies to structured arrays only")
    return True if stable is None else stable


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    return jnp.sort(a, axis=axis, stable=_stable(kind, stable, order, "sort"))


def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    return jnp.argsort(a, axis=axis, stable=_stable(kind, stable, order, "argsort"))


def _partition_args(func, a, kth, axis, order):
    if order is not None:
        raise ValueError(f"{func}: 'order' applies to structured arrays only")
    if axis is None:                         # NumPy partitions the flattened array
        a, axis = jnp.ravel(a), -1
    return a, (operator.index(kth) if np.ndim(kth) == 0 else tuple(kth)), axis


def partition(a, kth, axis=-1, kind="introselect", order=None):
    a, kth, axis = _partition_args("partition", a, kth, axis, order)
    # Several kth at once: a full sort puts every one of them in place.
    return jnp.sort(a, axis=axis) if type(kth) is tuple else jnp.partition(a, kth, axis)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    a, kth, axis = _partition_args("argpartition", a, kth, axis, order)
    result = jnp.argsort(a, axis=axis, stable=True) if type(kth) is tuple else \
        jnp.argpartition(a, kth, axis)
    return result.astype(_INTP)


# Functions combining several arrays promote them with NumPy's rules. Each is one
# compiled call (non-array arguments static), faster than jax.numpy's eager path.

def _jit(*static):
    return functools.partial(jax.jit, static_argnames=static)


@_jit("axis", "dtype", "casting")
def concatenate(arrays, /, axis=0, *, dtype=None, casting="same_kind"):
    return jnp.concatenate(arrays if dtype is not None else _promote(*arrays), axis=axis,
                           dtype=dtype)


@_jit("axis", "dtype", "casting")
def stack(arrays, axis=0, *, dtype=None, casting="same_kind"):
    return jnp.stack(arrays if dtype is not None else _promote(*arrays), axis=axis, dtype=dtype)


@_jit("dtype", "casting")
def vstack(tup, *, dtype=None, casting="same_kind"):
    return jnp.vstack(tup if dtype is not None else _promote(*tup), dtype=dtype)


@_jit("dtype", "casting")
def hstack(tup, *, dtype=None, casting="same_kind"):
    return jnp.hstack(tup if dtype is not None else _promote(*tup), dtype=dtype)


@jax.jit
def dstack(tup):
    return jnp.dstack(_promote(*tup))


@jax.jit
def column_stack(tup):
    return jnp.column_stack(_promote(*tup))


@_jit("axis")
def append(arr, values, axis=None):
    return jnp.append(*_promote(arr, values), axis=axis)


@jax.jit
def _where3(condition, x, y):
    return jnp.where(condition, *_promote(x, y))


def where(condition, x=None, y=None, /):
    if x is None and y is None:
        return jnp.where(condition)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    return _where3(condition, x, y)


@jax.jit
def select(condlist, choicelist, default=0):
    choices = _promote(*choicelist, default)
    return jnp.select(condlist, choices[:-1], choices[-1])


def _binary_product(jfunc, *static):
    @_jit(*static)
    def product(a, b, *args, **kwargs):
        return jfunc(*_promote(a, b), *args, **kwargs)
    product.__name__ = product.__wrapped__.__name__ = jfunc.__name__
    return product


dot = _binary_product(jnp.dot)
vdot = _binary_product(jnp.vdot)
inner = _binary_product(jnp.inner)
outer = _binary_product(jnp.outer)
kron = _binary_product(jnp.kron)
cross = _binary_product(jnp.cross, "axisa", "axisb", "axisc", "axis")


def tensordot(a, b, axes=2):
    if not isinstance(axes, int):
        axes = tuple(tuple(ax) if isinstance(ax, (list, tuple)) else ax for ax in axes)
    return _tensordot(a, b, axes=axes)


_tensordot = _binary_product(jnp.tensordot, "axes")


def einsum_path(*operands, optimize="greedy", einsum_call=False):
    """NumPy's own contraction plan: it depends on the operands' shapes only, so NumPy
    plans on zero-stride stand-ins and no data leaves the device."""
    if not operands or not isinstance(operands[0], str):
        raise TypeError("numpy.einsum_path on JaxArrays: the subscripts must be a string, "
                        "as in einsum_path('ij,jk->ik', a, b)")
    stand_ins = [np.broadcast_to(np.zeros((), x.dtype if hasattr(x, "dtype") else
                                          np.asarray(x).dtype), np.shape(x))
                 for x in operands[1:]]
    return np.einsum_path(operands[0], *stand_ins, optimize=optimize, einsum_call=einsum_call)


def einsum(*operands, **kwargs):
    if operands and isinstance(operands[0], str):
        return jnp.einsum(operands[0], *_promote(*operands[1:]), **kwargs)
    return jnp.einsum(*operands, **kwargs)


def broadcast_arrays(*args, subok=False):
    return tuple(jnp.broadcast_arrays(*args))


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    return tuple(jnp.meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing))


def _atleast(jfunc):
    def atleast(*arys):
        result = jfunc(*arys)
        return tuple(result) if isinstance(result, list) else result
    atleast.__name__ = jfunc.__name__
    return atleast


atleast_1d = _atleast(jnp.atleast_1d)
atleast_2d = _atleast(jnp.atleast_2d)
atleast_3d = _atleast(jnp.atleast_3d)


def histogram(a, bins=10, range=None, density=None, weights=None):
    counts, edges = jnp.histogram(a, bins=bins, range=range, density=density, weights=weights)
    if not density and weights is None:
        counts = counts.astype(_INTP)      # NumPy counts in integers
    return counts, edges


def _float_counts(jfunc):
    def histogram(*args, **kwargs):
        counts, *edges = jfunc(*args, **kwargs)
        if counts.dtype.kind in "biu":          # NumPy's 2-D and N-D counts are floats
            counts = counts.astype(jax.dtypes.canonicalize_dtype(np.float64))
        return (counts, *edges)
    histogram.__name__ = jfunc.__name__
    return histogram


histogram2d = _float_counts(jnp.histogram2d)


def histogramdd(sample, bins=10, range=None, density=None, weights=None):
    # NumPy reads a 1-D array as N points in one dimension, a list as one array per dimension.
    if isinstance(sample, (list, tuple)):
        sample = jnp.atleast_2d(jnp.asarray(sample)).T
    elif jnp.ndim(sample) == 1:
        sample = jnp.reshape(sample, (-1, 1))
    return _histogramdd(sample, bins, range, density=density, weights=weights)


_histogramdd = _float_counts(jnp.histogramdd)


def polydiv(u, v):
    # NumPy drops the remainder's leading coefficients while they are close to zero
    # (np.allclose's tolerances), keeping at least one; that needs their values.
    q, r = jnp.polydiv(*_promote(jnp.asarray(u), jnp.asarray(v)))
    if isinstance(r, _Tracer):
        return q, r
    small = np.abs(np.asarray(r)) <= 1e-8
    lead = int(np.argmin(small)) if not small.all() else small.size
    return q, r[min(lead, r.shape[-1] - 1):]


def lstsq(a, b, rcond=None):
    # NumPy's residuals are empty unless the matrix is tall and of full rank, which needs
    # the rank's value: eagerly only.
    traced = isinstance(a, _Tracer) or isinstance(b, _Tracer)
    x, residuals, rank, s = jnp.linalg.lstsq(a, b, rcond, numpy_resid=not traced)
    return x, residuals, rank.astype(np.int32), s          # LAPACK's rank is a C int


def roots(p):
    p = jnp.asarray(p)
    return _real_if_exact(jnp.roots(p), None, p)[0]


def _at_least_2d(jfunc):
    """``tril``/``triu``: a 1-D ``m`` is the rows of a square matrix, as NumPy broadcasts it."""
    def triangle(m, k=0):
        m = jnp.asarray(m)
        if m.ndim == 1:
            m = jnp.broadcast_to(m, (m.shape[0], m.shape[0]))
        return jfunc(m, k)
    triangle.__name__ = jfunc.__name__
    return triangle


def fromfunction(function, shape, *, dtype=float, like=None, **kwargs):
    """``function`` called with one JaxArray of indices per axis, as NumPy calls it."""
    grid = jnp.indices(tuple(shape), dtype=jax.dtypes.canonicalize_dtype(np.dtype(dtype)))
    return function(*(JaxArray(g) for g in grid), **kwargs)


def tri(N, M=None, k=0, dtype=float, *, like=None):
    return jnp.tri(N, M, k, dtype=jax.dtypes.canonicalize_dtype(np.dtype(dtype)))


_JAX_ADAPTERS = (searchsorted, digitize, sort, argsort, concatenate, stack, vstack, hstack,
                 dstack, column_stack, append, where, select, dot, vdot, inner, outer, tensordot,
                 kron, cross, einsum, broadcast_arrays, meshgrid, atleast_1d, atleast_2d,
                 atleast_3d, histogram, histogram2d, histogramdd, roots, tri, partition,
                 argpartition, polydiv)


# --- jax.numpy functions compiled whole ---------------------------------------------------
# Many jax.numpy functions are Python wrappers that dispatch several operations
# eagerly. Compiling each into one executable, with only its structural
# arguments static (axes, keepdims, ddof, dtypes -- never values such as a roll's
# shift or a reduction's initial), makes an eager call one dispatch.

_REDUCTION = ("axis", "dtype", "keepdims")
_QUANTILE = ("axis", "keepdims", "method", "overwrite_input", "interpolation")


def _float_statistic(function):
    """``function`` computing on integer and boolean input in float64, as NumPy's
    statistics do (JAX's give float32 for int32 and bool)."""
    @functools.wraps(function)
    def statistic(a, *args, **kwargs):
        if jnp.result_type(a).kind in "biu":
            a = jnp.asarray(a, dtype=jax.dtypes.canonicalize_dtype(np.float64))
        return function(a, *args, **kwargs)
    return statistic


#: Statistics whose result is floating even for integer input.
_FLOAT_STATISTICS = {
    "mean": _REDUCTION, "std": _REDUCTION + ("ddof", "correction"),
    "var": _REDUCTION + ("ddof", "correction"), "nanmean": _REDUCTION,
    "nanstd": _REDUCTION + ("ddof", "correction"), "nanvar": _REDUCTION + ("ddof", "correction"),
    "average": ("axis", "returned", "keepdims"), "median": ("axis", "keepdims", "overwrite_input"),
    "nanmedian": ("axis", "keepdims", "overwrite_input"), "percentile": _QUANTILE,
    "nanpercentile": _QUANTILE, "quantile": _QUANTILE, "nanquantile": _QUANTILE,
}
_COMPILED = {
    "sum": _REDUCTION + ("promote_integers",), "prod": _REDUCTION + ("promote_integers",),
    "max": ("axis", "keepdims"),
    "min": ("axis", "keepdims"), "amax": ("axis", "keepdims"), "amin": ("axis", "keepdims"),
    "argmax": ("axis", "keepdims"), "argmin": ("axis", "keepdims"),
    "any": ("axis", "keepdims"), "all": ("axis", "keepdims"), "ptp": ("axis", "keepdims"),
    "nansum": _REDUCTION, "nanprod": _REDUCTION,
    "nanmax": ("axis", "keepdims"), "nanmin": ("axis", "keepdims"),
    "nanargmax": ("axis", "keepdims"), "nanargmin": ("axis", "keepdims"),
    "roll": ("axis",), "flip": ("axis",), "fliplr": (), "flipud": (), "rot90": ("k", "axes"),
    "tile": ("reps",), "take": ("axis", "mode", "unique_indices", "indices_are_sorted"),
    "take_along_axis": ("axis", "mode"), "diag": ("k",),
    "linspace": ("num", "endpoint", "retstep", "dtype", "axis"),
    "logspace": ("num", "endpoint", "base", "dtype", "axis"),
    "nan_to_num": ("copy",), "cov": ("rowvar", "bias", "ddof"), "corrcoef": ("rowvar",),
    "kron": (), "trapezoid": ("axis",), "gradient": ("axis", "edge_order"),
}


class _Compiled:
    """A jax.numpy function called through ``jax.jit`` with the named arguments static."""

    __slots__ = ("_function", "_jitted", "_static", "__name__", "__wrapped__", "__signature__")

    def __init__(self, function, static):
        self.__signature__ = inspect.signature(function)
        static = tuple(n for n in static if n in self.__signature__.parameters)
        self._function = function
        self._jitted = jax.jit(function, static_argnames=static)
        self._static = static
        self.__name__ = function.__name__
        self.__wrapped__ = function

    def __call__(self, *args, **kwargs):
        if kwargs:
            for name in self._static:
                if type(kwargs.get(name)) is list:
                    kwargs[name] = tuple(kwargs[name])
        try:
            return self._jitted(*args, **kwargs)
        except (TypeError, ValueError) as error:
            if "hashable" not in str(error):
                raise
            return self._function(*args, **kwargs)     # an unhashable option: run eagerly


def _linalg_checked(jfunc, message):
    """A jax.numpy.linalg function that raises NumPy's LinAlgError where NumPy would.

    JAX returns inf/nan for a singular (or not positive definite) matrix; with
    finite inputs, a non-finite result means exactly that. The check waits for
    the result, so it is skipped inside jit.
    """
    def checked(*args, **kwargs):
        result = jfunc(*args, **kwargs)
        if not isinstance(result, _Tracer) and not any(isinstance(a, _Tracer) for a in args):
            if bool(_all_finite(args[0])) and not bool(_all_finite(result)):
                raise np.linalg.LinAlgError(message)
        return result
    checked.__name__ = jfunc.__name__
    checked.__wrapped__ = jfunc
    return checked


@jax.jit
def _all_finite(x):
    return jnp.all(jnp.isfinite(x))


_VIEW = "returns a view that writes through, as NumPy's does"
_INPLACE = "writes into its argument"
_PLAIN = "returns a plain value, as NumPy's does"

IMPLEMENTATIONS = {
    **{f"numpy.{f.__name__}": (f, "array", _VIEW) for f in (
        transpose, permute_dims, matrix_transpose, swapaxes, moveaxis, squeeze,
        expand_dims, reshape, ravel)},
    **{f"numpy.{f.__name__}": (f, "array", _INPLACE) for f in (
        copyto, put, place, putmask, fill_diagonal, put_along_axis)},
    **{f"numpy.{f.__name__}": (f, "array", _PLAIN) for f in (
        shape, ndim, size, result_type, can_cast, min_scalar_type, iscomplexobj, isrealobj,
        shares_memory, may_share_memory, allclose, array_equal, array_equiv)},
    **{f"numpy.{f.__name__}": (f, "array", "NumPy's copy and conversion rules") for f in (
        copy, asarray, asanyarray, array, ascontiguousarray, asfortranarray, astype)},
    **{f"numpy.{f.__name__}": (f, "jax", "jax.numpy with NumPy's dtypes and containers")
       for f in _JAX_ADAPTERS},
    **{f"numpy.{name}": (_Compiled(getattr(jnp, name), static), "jax",
                         "jax.numpy, compiled into one call")
       for name, static in _COMPILED.items()},
    **{f"numpy.{name}": (_Compiled(_float_statistic(getattr(jnp, name)), static), "jax",
                         "float64 for integer input, as NumPy")
       for name, static in _FLOAT_STATISTICS.items()},
    **{f"numpy.{name}": (_Compiled(_int_accumulation(getattr(jnp, name)), ("axis", "dtype",
                                                                           "include_initial")),
                         "jax", "64-bit accumulation of small integers, as NumPy")
       for name in ("cumsum", "cumprod", "nancumsum", "nancumprod", "cumulative_sum",
                    "cumulative_prod")},
    **{f"numpy.linalg.{name}": (_linalg_checked(getattr(jnp.linalg, name), message), "jax",
                                "raises LinAlgError where NumPy does")
       for name, message in (("inv", "Singular matrix"), ("solve", "Singular matrix"),
                             ("cholesky", "Matrix is not positive definite"),
                             ("tensorinv", "Singular matrix"), ("tensorsolve", "Singular matrix"))},
    **{f"numpy.{f.__name__}": (_Compiled(_at_least_2d(f), ("k",)), "jax",
                               "1-D input is a square matrix's rows, as NumPy")
       for f in (jnp.tril, jnp.triu)},
    "numpy.linalg.lstsq": (lstsq, "jax", "NumPy's empty residuals when rank-deficient or wide"),
    "numpy.einsum_path": (einsum_path, "array", "NumPy's plan, made from the shapes"),
    "numpy.fromfunction": (fromfunction, "array", "calls the function with JaxArray indices"),
    "numpy.linalg.eig": (eig, "array", "real results when every eigenvalue is real, as NumPy"),
    "numpy.linalg.eigvals": (eigvals, "array", "real results when every eigenvalue is real, as NumPy"),
}

"""Manipulation, searching, set, sorting, statistical, utility, indexing and
linear algebra functions of the array API standard, on ``jax.numpy``."""
from __future__ import annotations

import builtins
import math
import operator
from collections import namedtuple

import jax
import jax.numpy as jnp
import numpy as np

from .._array import JaxArray, reshaped, wrap
from ._base import array, check_dtype, result, value, values

__all__ = [
    # linear algebra
    "matmul", "matrix_transpose", "tensordot", "vecdot",
    # manipulation
    "broadcast_arrays", "broadcast_shapes", "broadcast_to", "concat", "expand_dims", "flip",
    "moveaxis", "permute_dims", "repeat", "reshape", "roll", "squeeze", "stack", "tile", "unstack",
    # searching
    "argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where",
    # sets
    "isin", "unique_all", "unique_counts", "unique_inverse", "unique_values",
    # sorting
    "argsort", "sort",
    # statistics
    "cumulative_sum", "cumulative_prod", "max", "mean", "min", "prod", "std", "sum", "var",
    # utility
    "all", "any", "diff",
    # indexing
    "take", "take_along_axis",
]

_INT64 = np.dtype(np.int64)


def _common(*arrays):
    """``jax.Array`` values of ``arrays`` brought to one dtype (NumPy's result dtype)."""
    vs = values(arrays)
    dts = {v.dtype for v in vs if hasattr(v, "dtype")}
    if len(dts) > 1:
        common = np.result_type(*dts)
        vs = [v.astype(common) if hasattr(v, "dtype") else v for v in vs]
    return vs


def _axes(axis, ndim, func):
    """``axis`` (int, tuple or None) checked against ``ndim``; normalised to non-negative."""
    if axis is None:
        return None
    single = isinstance(axis, int)
    out = []
    for a in ((axis,) if single else axis):
        a = operator.index(a)
        if not -ndim <= a < builtins.max(ndim, 1) or (ndim == 0 and a not in (0, -1)):
            raise IndexError(f"{func}: axis {a} is out of bounds for an array of {ndim} dimensions")
        out.append(a % builtins.max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"{func}: repeated axis in {axis!r}")
    return out[0] if single else tuple(out)


# --- linear algebra ---------------------------------------------------------------------

def matmul(x1, x2, /) -> JaxArray:
    """Matrix product, as the ``@`` operator (1-D operands are vectors)."""
    a, b = _common(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: operands must have at least one dimension; got a 0-d array")
    return wrap(jnp.matmul(a, b))


def matrix_transpose(x, /) -> JaxArray:
    """Transpose of the last two axes (a write-through view)."""
    return array(x, "matrix_transpose").mT


def tensordot(x1, x2, /, *, axes=2) -> JaxArray:
    """Sum of products over ``axes`` (an int: the last of ``x1`` with the first of ``x2``)."""
    a, b = _common(x1, x2)
    return wrap(jnp.tensordot(a, b, axes=axes))


def vecdot(x1, x2, /, *, axis=-1) -> JaxArray:
    """Dot product of vectors along ``axis``, conjugating ``x1`` (broadcasts the other axes)."""
    a, b = _common(x1, x2)
    n = builtins.min(a.ndim, b.ndim)
    if not -n <= axis < n:
        raise ValueError(f"vecdot: axis {axis} is out of bounds for shapes {a.shape}, {b.shape}")
    if axis >= 0:
        axis -= n
    if a.shape[axis] != b.shape[axis]:
        raise ValueError(f"vecdot: sizes along axis {axis} differ: {a.shape} and {b.shape}")
    return wrap(jnp.sum(jnp.conj(a) * b, axis=axis, dtype=a.dtype))


# --- manipulation -----------------------------------------------------------------------

def broadcast_arrays(*arrays) -> tuple:
    """The arrays broadcast against each other, as a tuple."""
    return tuple(result(jnp.broadcast_arrays(*values(arrays))))


def broadcast_shapes(*shapes) -> tuple:
    """The shape that ``shapes`` broadcast to; ``ValueError`` if they do not."""
    return tuple(int(n) for n in np.broadcast_shapes(*shapes))


def broadcast_to(x, /, shape) -> JaxArray:
    """``x`` broadcast to ``shape``."""
    return wrap(jnp.broadcast_to(value(x), tuple(shape)))


def concat(arrays, /, *, axis=0) -> JaxArray:
    """Join arrays along an existing ``axis`` (``None``: flattened first)."""
    vs = _common(*arrays)
    if axis is None:
        return wrap(jnp.concatenate([v.ravel() for v in vs]))
    return wrap(jnp.concatenate(vs, axis=axis))


def expand_dims(x, /, axis) -> JaxArray:
    """``x`` with new size-1 axes at ``axis`` (an int or a tuple of positions in the result)."""
    v = value(x)
    n = v.ndim + (1 if isinstance(axis, int) else len(axis))
    axes = _axes(axis, n, "expand_dims")
    return wrap(jnp.expand_dims(v, axes))


def flip(x, /, *, axis=None) -> JaxArray:
    """``x`` with the order of elements reversed along ``axis`` (all axes by default)."""
    v = value(x)
    return wrap(jnp.flip(v, _axes(axis, v.ndim, "flip")))


def moveaxis(x, source, destination, /) -> JaxArray:
    """``x`` with axes ``source`` moved to positions ``destination``."""
    return wrap(jnp.moveaxis(value(x), source, destination))


def permute_dims(x, /, axes) -> JaxArray:
    """``x`` with its axes reordered (negative axes count from the end)."""
    v = value(x)
    axes = tuple(operator.index(a) for a in axes)
    if sorted(a % builtins.max(v.ndim, 1) for a in axes) != list(range(v.ndim)) or \
            builtins.any(not -v.ndim <= a < v.ndim for a in axes):
        raise ValueError(f"permute_dims: axes={axes} is not a permutation of the "
                         f"{v.ndim} axes of x")
    return wrap(jnp.transpose(v, axes))


def repeat(x, repeats, /, *, axis=None) -> JaxArray:
    """Each element of ``x`` repeated ``repeats`` times (an int, or one count per element)."""
    v = value(x)
    r = value(repeats)
    if axis is None:
        v, axis = v.ravel(), 0
    if not isinstance(r, int):
        r = np.asarray(r)
        total = int(r.sum()) if r.ndim else int(r) * v.shape[axis]
        return wrap(jnp.repeat(v, jnp.asarray(r), axis=axis, total_repeat_length=total))
    return wrap(jnp.repeat(v, r, axis=axis))


def reshape(x, /, shape, *, copy=None) -> JaxArray:
    """``x`` with a new ``shape``.

    ``copy=None`` returns a write-through view when ``x`` is a whole array or a
    reshape of one (as NumPy does), else a copy; ``copy=False`` raises
    ``ValueError`` where a view is impossible; ``copy=True`` always copies.
    """
    x = array(x, "reshape")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if copy:
        return wrap(jnp.reshape(x.value, shape))
    view = reshaped(x, _resolve_shape(shape, x.size))
    if view is not None:
        return view
    if copy is False:
        raise ValueError(f"reshape: copy=False, but x (a strided or transposed view) cannot be "
                         f"reshaped to {shape} without a copy")
    return wrap(jnp.reshape(x.value, shape))


def _resolve_shape(shape, size):
    if shape.count(-1) > 1:
        raise ValueError(f"reshape: shape {shape} has more than one -1")
    if -1 in shape:
        known = math.prod(n for n in shape if n != -1)
        if known == 0 or size % known:
            raise ValueError(f"reshape: cannot reshape an array of size {size} into shape {shape}")
        shape = tuple(size // known if n == -1 else n for n in shape)
    if math.prod(shape) != size:
        raise ValueError(f"reshape: cannot reshape an array of size {size} into shape {shape}")
    return shape


def roll(x, /, shift, *, axis=None) -> JaxArray:
    """``x`` with elements shifted by ``shift`` along ``axis`` (flattened when ``None``)."""
    return wrap(jnp.roll(value(x), shift, axis))


def squeeze(x, /, axis) -> JaxArray:
    """``x`` without the size-1 axes ``axis``; ``ValueError`` if one of them is not size 1."""
    v = value(x)
    axes = _axes(axis, v.ndim, "squeeze")
    for a in (axes,) if isinstance(axes, int) else axes:
        if v.shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} has size {v.shape[a]}; only size-1 axes can be "
                             "removed")
    return wrap(jnp.squeeze(v, axes))


def stack(arrays, /, *, axis=0) -> JaxArray:
    """Join arrays of one shape along a new ``axis``."""
    return wrap(jnp.stack(_common(*arrays), axis=axis))


def tile(x, repetitions, /) -> JaxArray:
    """``x`` repeated ``repetitions`` times along each axis."""
    return wrap(jnp.tile(value(x), tuple(repetitions)))


def unstack(x, /, *, axis=0) -> tuple:
    """The slices of ``x`` along ``axis``, as a tuple."""
    v = value(x)
    axis = _axes(axis, v.ndim, "unstack")
    return tuple(wrap(s) for s in jnp.unstack(v, axis=axis))


# --- searching --------------------------------------------------------------------------

def argmax(x, /, *, axis=None, keepdims=False) -> JaxArray:
    """Index of the first maximum (``int64``); NaN counts as the maximum."""
    return wrap(jnp.argmax(value(x), axis=axis, keepdims=keepdims).astype(_INT64))


def argmin(x, /, *, axis=None, keepdims=False) -> JaxArray:
    """Index of the first minimum (``int64``); NaN counts as the minimum."""
    return wrap(jnp.argmin(value(x), axis=axis, keepdims=keepdims).astype(_INT64))


def count_nonzero(x, /, *, axis=None, keepdims=False) -> JaxArray:
    """Number of nonzero elements (``int64``)."""
    v = value(x)
    return wrap(jnp.count_nonzero(v, axis=_axes(axis, v.ndim, "count_nonzero"),
                                  keepdims=keepdims).astype(_INT64))


def nonzero(x, /) -> tuple:
    """Indices of the nonzero elements, one ``int64`` array per axis (0-d input is an error)."""
    v = value(x)
    if v.ndim == 0:
        raise ValueError("nonzero: x is 0-d; allowed: arrays of one or more dimensions")
    return tuple(_from_host(i.astype(_INT64)) for i in np.nonzero(_host(v, "nonzero")))


def searchsorted(x1, x2, /, *, side="left", sorter=None) -> JaxArray:
    """Indices where ``x2`` would be inserted into the sorted 1-D ``x1`` (``int64``)."""
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side={side!r}; allowed: 'left' or 'right'")
    a, b = _common(x1, x2)
    if sorter is not None:
        a = a[value(sorter)]
    return wrap(jnp.searchsorted(a, b, side=side).astype(_INT64))


def where(condition, x1, x2, /) -> JaxArray:
    """Elements of ``x1`` where ``condition`` is true, else of ``x2`` (either may be a scalar)."""
    a, b = _common(x1, x2)
    return wrap(jnp.where(value(condition), a, b))


# --- sets -------------------------------------------------------------------------------

def isin(x1, x2, /, *, invert=False) -> JaxArray:
    """Whether each element of ``x1`` is in ``x2`` (NaN is in nothing)."""
    a, b = _common(x1, x2)
    return wrap(jnp.isin(a, b, invert=invert))


# Functions whose result shape depends on the values run NumPy on a host copy: eagerly,
# jax.numpy would compile new kernels for every result size; inside jit they cannot run.

def unique_all(x, /):
    """Unique values (sorted) with first indices, inverse indices (shape of ``x``) and counts.

    NaNs are distinct from each other, as the standard asks; indices are ``int64``.
    """
    a = _host(value(x), "unique_all")
    u, index, inverse, counts = _unique(a)
    return _UniqueAll(_from_host(u), _from_host(index), _from_host(inverse.reshape(a.shape)),
                      _from_host(counts))


def unique_counts(x, /):
    """Unique values (sorted) and their counts (``int64``); NaNs are distinct."""
    u, _, _, counts = _unique(_host(value(x), "unique_counts"))
    return _UniqueCounts(_from_host(u), _from_host(counts))


def unique_inverse(x, /):
    """Unique values (sorted) and, for each element of ``x``, its index among them (``int64``)."""
    a = _host(value(x), "unique_inverse")
    u, _, inverse, _ = _unique(a)
    return _UniqueInverse(_from_host(u), _from_host(inverse.reshape(a.shape)))


def unique_values(x, /) -> JaxArray:
    """The unique values of ``x``, sorted (NaNs are each their own value)."""
    return _from_host(_unique(_host(value(x), "unique_values"))[0])


def _unique(a):
    return np.unique(a.ravel(), return_index=True, return_inverse=True, return_counts=True,
                     equal_nan=False)


_UniqueAll = namedtuple("UniqueAllResult", ["values", "indices", "inverse_indices", "counts"])
_UniqueCounts = namedtuple("UniqueCountsResult", ["values", "counts"])
_UniqueInverse = namedtuple("UniqueInverseResult", ["values", "inverse_indices"])


def _host(v, func="nonzero"):
    if isinstance(v, jax.core.Tracer):
        raise TypeError(f"{func}: the result's shape depends on the values, so it cannot be "
                        "computed inside jit (the array is traced)")
    return np.asarray(v)


def _from_host(a):
    a = np.asarray(a)
    return wrap(jnp.asarray(a.astype(_INT64) if a.dtype.kind in "iu" and a.dtype == np.intp
                            else a))




# --- sorting ----------------------------------------------------------------------------

def sort(x, /, *, axis=-1, descending=False, stable=True) -> JaxArray:
    """``x`` sorted along ``axis`` (NaNs last)."""
    v = value(x)
    return wrap(jnp.sort(v, axis=_axes(axis, v.ndim, "sort"), descending=descending,
                         stable=stable))


def argsort(x, /, *, axis=-1, descending=False, stable=True) -> JaxArray:
    """Indices that sort ``x`` along ``axis`` (``int64``; stable order of equal elements)."""
    v = value(x)
    return wrap(jnp.argsort(v, axis=_axes(axis, v.ndim, "argsort"), descending=descending,
                            stable=stable).astype(_INT64))


# --- statistics -------------------------------------------------------------------------

def _reduce(f, x, axis, keepdims, func, **kwargs):
    v = value(x)
    return wrap(f(v, axis=_axes(axis, v.ndim, func), keepdims=keepdims, **kwargs))


def max(x, /, *, axis=None, keepdims=False) -> JaxArray:
    """Maximum along ``axis`` (NaN propagates); an empty reduction raises ``ValueError``."""
    return _reduce(jnp.max, x, axis, keepdims, "max")


def min(x, /, *, axis=None, keepdims=False) -> JaxArray:
    """Minimum along ``axis`` (NaN propagates); an empty reduction raises ``ValueError``."""
    return _reduce(jnp.min, x, axis, keepdims, "min")


def mean(x, /, *, axis=None, keepdims=False) -> JaxArray:
    """Arithmetic mean along ``axis``; the result keeps ``x``'s floating dtype."""
    return _reduce(jnp.mean, x, axis, keepdims, "mean")


def sum(x, /, *, axis=None, dtype=None, keepdims=False) -> JaxArray:
    """Sum along ``axis``; small integers accumulate in 64 bits unless ``dtype`` says otherwise."""
    return _reduce(jnp.sum, x, axis, keepdims, "sum", dtype=check_dtype(dtype, "sum"))


def prod(x, /, *, axis=None, dtype=None, keepdims=False) -> JaxArray:
    """Product along ``axis``; small integers accumulate in 64 bits unless ``dtype`` says otherwise."""
    return _reduce(jnp.prod, x, axis, keepdims, "prod", dtype=check_dtype(dtype, "prod"))


def std(x, /, *, axis=None, correction=0.0, keepdims=False) -> JaxArray:
    """Standard deviation along ``axis`` with ``correction`` degrees of freedom removed."""
    return _reduce(jnp.std, x, axis, keepdims, "std", ddof=correction)


def var(x, /, *, axis=None, correction=0.0, keepdims=False) -> JaxArray:
    """Variance along ``axis`` with ``correction`` degrees of freedom removed."""
    return _reduce(jnp.var, x, axis, keepdims, "var", ddof=correction)


def cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False) -> JaxArray:
    """Running sum along ``axis`` (optional for 1-D); ``include_initial`` prepends a zero."""
    v = value(x)
    return wrap(jnp.cumulative_sum(v, axis=_cumulative_axis(v, axis, "cumulative_sum"),
                                   dtype=_accumulator(v, dtype, "cumulative_sum"),
                                   include_initial=include_initial))


def cumulative_prod(x, /, *, axis=None, dtype=None, include_initial=False) -> JaxArray:
    """Running product along ``axis`` (optional for 1-D); ``include_initial`` prepends a one."""
    v = value(x)
    return wrap(jnp.cumulative_prod(v, axis=_cumulative_axis(v, axis, "cumulative_prod"),
                                    dtype=_accumulator(v, dtype, "cumulative_prod"),
                                    include_initial=include_initial))


def _accumulator(v, dtype, func):
    """``dtype``, or the standard's default for sums and products: 64-bit for smaller integers."""
    dt = check_dtype(dtype, func)
    if dt is None and v.dtype.kind in "iu" and v.dtype.itemsize < 8:
        dt = np.dtype(v.dtype.kind + "8")
    return dt


def _cumulative_axis(v, axis, func):
    if axis is None:
        if v.ndim > 1:
            raise ValueError(f"{func}: axis is required for arrays of more than one dimension")
        return 0
    return _axes(axis, v.ndim, func)


# --- utility ----------------------------------------------------------------------------

def all(x, /, *, axis=None, keepdims=False) -> JaxArray:
    """Whether every element along ``axis`` is true."""
    return _reduce(jnp.all, x, axis, keepdims, "all")


def any(x, /, *, axis=None, keepdims=False) -> JaxArray:
    """Whether any element along ``axis`` is true."""
    return _reduce(jnp.any, x, axis, keepdims, "any")


def diff(x, /, *, axis=-1, n=1, prepend=None, append=None) -> JaxArray:
    """``n``-th forward difference along ``axis``, after adding ``prepend``/``append``."""
    v, *extra = _common(x, *(e for e in (prepend, append) if e is not None))
    pre = extra.pop(0) if prepend is not None else None
    app = extra.pop(0) if append is not None else None
    return wrap(jnp.diff(v, n=n, axis=axis, prepend=pre, append=app))


# --- indexing ---------------------------------------------------------------------------

def take(x, indices, /, *, axis=None) -> JaxArray:
    """Elements of ``x`` at ``indices`` along ``axis`` (optional for 1-D).

    Negative indices count from the end.
    """
    v, i = value(x), value(indices)
    if axis is None:
        if v.ndim != 1:
            raise ValueError("take: axis is required for arrays of more than one dimension")
        axis = 0
    axis = _axes(axis, v.ndim, "take")
    i = jnp.asarray(i)
    i = jnp.where(i < 0, i + v.shape[axis], i)
    return wrap(jnp.take(v, i, axis=axis, mode="clip"))


def take_along_axis(x, indices, /, *, axis=-1) -> JaxArray:
    """Elements of ``x`` at ``indices`` matched along ``axis``; negative indices count from the end."""
    v, i = value(x), jnp.asarray(value(indices))
    axis = _axes(axis, v.ndim, "take_along_axis")
    i = jnp.where(i < 0, i + v.shape[axis], i)
    return wrap(jnp.take_along_axis(v, i, axis=axis, mode="clip"))

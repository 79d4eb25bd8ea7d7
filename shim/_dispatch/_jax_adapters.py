"""NumPy functions as ``jax.numpy`` calls with NumPy's dtypes, containers and keywords.

These take ``jax.Array`` values (the ``jax`` convention: :mod:`._jax_in`
unwraps the arguments and wraps the results). Each exists because
``jax.numpy``'s answer differs from NumPy's: index results must be ``intp``,
combining functions promote with NumPy's rules (:func:`._dtypes.promote`),
histograms count in NumPy's dtypes, and so on. Functions combining several
arrays are one compiled call, with their non-array arguments static.
"""
from __future__ import annotations

import functools
import operator

import jax
import jax.numpy as jnp
import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from .._array import wrap
from ._dtypes import INTP, promote

__all__ = ["IMPLEMENTATIONS", "real_if_exact", "contiguous_producer"]

_Tracer = jax.core.Tracer


def searchsorted(a, v, side="left", sorter=None):
    return jnp.searchsorted(a, v, side=side, sorter=sorter).astype(INTP)


def digitize(x, bins, right=False):
    return jnp.digitize(x, bins, right=right).astype(INTP)


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
    return result.astype(INTP)


# Functions combining several arrays promote them with NumPy's rules. Each is one
# compiled call (non-array arguments static), faster than jax.numpy's eager path.

def _jit(*static):
    return functools.partial(jax.jit, static_argnames=static)


@_jit("axis", "dtype", "casting")
def concatenate(arrays, /, axis=0, *, dtype=None, casting="same_kind"):
    return jnp.concatenate(arrays if dtype is not None else promote(*arrays), axis=axis,
                           dtype=dtype)


@_jit("axis", "dtype", "casting")
def stack(arrays, axis=0, *, dtype=None, casting="same_kind"):
    return jnp.stack(arrays if dtype is not None else promote(*arrays), axis=axis, dtype=dtype)


@_jit("dtype", "casting")
def vstack(tup, *, dtype=None, casting="same_kind"):
    return jnp.vstack(tup if dtype is not None else promote(*tup), dtype=dtype)


@_jit("dtype", "casting")
def hstack(tup, *, dtype=None, casting="same_kind"):
    return jnp.hstack(tup if dtype is not None else promote(*tup), dtype=dtype)


@jax.jit
def dstack(tup):
    return jnp.dstack(promote(*tup))


@jax.jit
def column_stack(tup):
    return jnp.column_stack(promote(*tup))


@_jit("axis")
def append(arr, values, axis=None):
    return jnp.append(*promote(arr, values), axis=axis)


@jax.jit
def _where3(condition, x, y):
    return jnp.where(condition, *promote(x, y))


def where(condition, x=None, y=None, /):
    if x is None and y is None:
        return jnp.where(condition)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    return _where3(condition, x, y)


@jax.jit
def select(condlist, choicelist, default=0):
    choices = promote(*choicelist, default)
    return jnp.select(condlist, choices[:-1], choices[-1])


def _binary_product(jfunc, *static):
    @_jit(*static)
    def product(a, b, *args, **kwargs):
        return jfunc(*promote(a, b), *args, **kwargs)
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


def einsum(*operands, **kwargs):
    if operands and isinstance(operands[0], str):
        return jnp.einsum(operands[0], *promote(*operands[1:]), **kwargs)
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
    if np.ndim(bins) == 0:
        _finite_range(a, range)
    counts, edges = jnp.histogram(a, bins=bins, range=range, density=density, weights=weights)
    if not density and weights is None:
        counts = counts.astype(INTP)      # NumPy counts in integers
    if np.ndim(bins) == 1:
        edges = jnp.asarray(bins)           # given edges are returned as given
    return counts, edges


def histogram_bin_edges(a, bins=10, range=None, weights=None):
    if np.ndim(bins) == 0:
        _finite_range(a, range)
    return jnp.histogram_bin_edges(a, bins=bins, range=range, weights=weights)


def _finite_range(sample, range):
    """NumPy's ValueError when the range a histogram detects from its data is not finite.

    Waits for the data; skipped inside jit, where the range is taken as it comes.
    """
    if range is not None or isinstance(sample, _Tracer):
        return
    sample = jnp.asarray(sample)
    if sample.size == 0 or bool(_all_finite(sample)):
        return
    lo, hi = (float(v) for v in _min_max(sample))
    raise ValueError(f"autodetected range of [{lo}, {hi}] is not finite")


@jax.jit
def _all_finite(x):
    return jnp.all(jnp.isfinite(x))


@jax.jit
def _min_max(x):
    return jnp.min(x), jnp.max(x)


def _float_counts(jfunc):
    def histogram(*args, **kwargs):
        counts, *edges = jfunc(*args, **kwargs)
        if counts.dtype.kind in "biu":          # NumPy's 2-D and N-D counts are floats
            counts = counts.astype(jax.dtypes.canonicalize_dtype(np.float64))
        return (counts, *edges)
    histogram.__name__ = jfunc.__name__
    return histogram


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):
    _finite_range(x, range)
    _finite_range(y, range)
    return _histogram2d(x, y, bins, range, density, weights)


_histogram2d = _float_counts(jnp.histogram2d)


def histogramdd(sample, bins=10, range=None, density=None, weights=None):
    # NumPy reads a 1-D array as N points in one dimension, a list as one array per dimension.
    if isinstance(sample, (list, tuple)):
        sample = jnp.atleast_2d(jnp.asarray(sample)).T
    elif jnp.ndim(sample) == 1:
        sample = jnp.reshape(sample, (-1, 1))
    _finite_range(sample, range)
    return _histogramdd(sample, bins, range, density=density, weights=weights)


_histogramdd = _float_counts(jnp.histogramdd)


def bincount(x, weights=None, minlength=0, *, length=None):
    # NumPy sums weights in float64, whatever their dtype.
    if weights is not None:
        weights = jnp.asarray(weights)
        if weights.dtype.kind == "c":
            raise TypeError("bincount: weights must be real numbers, got complex")
        weights = weights.astype(jax.dtypes.canonicalize_dtype(np.float64))
    return jnp.bincount(x, weights, minlength, length=length)


_DLPACK_CPU = 1


def contiguous_producer(x, copy=None):
    """A DLPack producer JAX can import: a strided host buffer copied to contiguous memory.

    JAX imports only compact layouts; NumPy and the standard accept any strides.
    With ``copy=False`` a strided buffer is a BufferError (a copy would be needed).
    """
    if isinstance(x, np.ndarray):
        host = x
    elif isinstance(x, jax.Array) or not hasattr(x, "__dlpack_device__") or \
            x.__dlpack_device__()[0] != _DLPACK_CPU:
        return x
    else:
        try:
            host = np.from_dlpack(x)
        except (BufferError, TypeError, ValueError, RuntimeError):
            return x
    if host.flags.c_contiguous:
        return x
    if copy is False:
        raise BufferError("from_dlpack: the producer's buffer is strided, and JAX imports only "
                          "contiguous buffers; copy=False forbids the copy that needs")
    return np.ascontiguousarray(host)


def from_dlpack(x, /, *, device=None, copy=None):
    # ``device="cpu"`` is NumPy's only device: it names no JAX device.
    device = None if device == "cpu" else device
    return jnp.from_dlpack(contiguous_producer(x, copy), device=device, copy=copy)


# --- numpy.emath: complex results where the real function's domain ends ------------------

_SINGLE_COMPLEX = frozenset(np.dtype(t) for t in (np.float32, np.int8, np.int16, np.uint8,
                                                  np.uint16, np.complex64))


def _to_complex(x):
    """NumPy's ``scimath`` promotion: complex64 for small types, complex128 for the rest."""
    single = x.dtype in _SINGLE_COMPLEX
    return x.astype(jax.dtypes.canonicalize_dtype(np.complex64 if single else np.complex128))


def _complex_where(outside):
    """``x`` made complex when any real element lies where ``outside`` is true (waits for
    the values: NumPy's result dtype depends on them)."""
    def fix(x):
        x = jnp.asarray(np.asarray(x) if not isinstance(x, jax.Array) else x)
        if x.dtype.kind != "c" and bool(jnp.any(outside(x))):
            return _to_complex(x)
        return x
    return fix


_negative = _complex_where(lambda x: x < 0)
_beyond_one = _complex_where(lambda x: jnp.abs(x) > 1)


def _numpy_ufunc(ufunc, *args):
    """``ufunc`` with NumPy's dtypes, on values made arrays as ``numpy.emath`` makes them
    (``np.asarray``: a Python 2 is an int64 array, which promotes float32 to float64)."""
    from ._ufunc import call
    operands = tuple(wrap(a) if isinstance(a, jax.Array) else np.asarray(a) for a in args)
    return call(ufunc, operands).value


def _emath(ufunc, fix):
    def function(x):
        return _numpy_ufunc(ufunc, fix(x))
    function.__name__ = ufunc.__name__
    return function


def _emath_logn(n, x):
    return _numpy_ufunc(np.divide, _numpy_ufunc(np.log, _negative(x)),
                        _numpy_ufunc(np.log, _negative(n)))


def _emath_power(x, p):
    p = jnp.asarray(np.asarray(p) if not isinstance(p, jax.Array) else p)
    if p.dtype.kind in "iu" and bool(jnp.any(p < 0)):
        p = p.astype(jax.dtypes.canonicalize_dtype(np.float64))
    return _numpy_ufunc(np.power, _negative(x), p)


_EMATH = {
    "sqrt": _emath(np.sqrt, _negative), "log": _emath(np.log, _negative),
    "log2": _emath(np.log2, _negative), "log10": _emath(np.log10, _negative),
    "arccos": _emath(np.arccos, _beyond_one), "arcsin": _emath(np.arcsin, _beyond_one),
    "arctanh": _emath(np.arctanh, _beyond_one), "logn": _emath_logn, "power": _emath_power,
}


def polydiv(u, v):
    # NumPy drops the remainder's leading coefficients while they are close to zero
    # (np.allclose's tolerances), keeping at least one; that needs their values.
    q, r = jnp.polydiv(*promote(jnp.asarray(u), jnp.asarray(v)))
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
    return real_if_exact(jnp.roots(p), None, p)[0]


def tri(N, M=None, k=0, dtype=float, *, like=None):
    return jnp.tri(N, M, k, dtype=jax.dtypes.canonicalize_dtype(np.dtype(dtype)))


def real_if_exact(w, v, a):
    """NumPy's eig: real results for a real matrix whose eigenvalues are all real."""
    if jnp.iscomplexobj(a) or isinstance(w, _Tracer) or bool(jnp.any(w.imag != 0)):
        return w, v
    return w.real, None if v is None else v.real


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


#: Qualified NumPy name -> (implementation, reason), all of the ``jax`` convention.
IMPLEMENTATIONS = [
    *((f"numpy.{f.__name__}", f, "jax.numpy with NumPy's dtypes and containers") for f in (
        searchsorted, digitize, sort, argsort, concatenate, stack, vstack, hstack,
        dstack, column_stack, append, where, select, dot, vdot, inner,
        outer, tensordot, kron, cross, einsum, broadcast_arrays, meshgrid, atleast_1d,
        atleast_2d, atleast_3d, histogram, histogram_bin_edges, histogram2d, histogramdd,
        bincount, from_dlpack, roots, tri, partition,
        argpartition, polydiv)),
    ("numpy.linalg.lstsq", lstsq, "NumPy's empty residuals when rank-deficient or wide"),
    *((f"numpy.emath.{name}", f, "complex results outside the real domain, as NumPy; eager "
       "only (the dtype depends on the values)") for name, f in _EMATH.items()),
    ("numpy.real_if_close", real_if_close, "real part chosen from the values; eager only"),
    ("numpy.lib.stride_tricks.sliding_window_view", sliding_window_view,
     "windows gathered into a new array"),
]

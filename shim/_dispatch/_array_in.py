"""The ``array`` convention: NumPy functions that shim writes itself, on JaxArrays.

Their implementation takes the arguments as given (JaxArrays included) and
returns the final result, because NumPy's answer is a view that must write
through (``transpose``, ``reshape``, ``squeeze``...), a plain Python or NumPy
value (``shape``, ``result_type``, ``allclose``) rather than an array, or
differs from ``jax.numpy``'s (``linalg.eig`` of a real matrix with real
eigenvalues is real in NumPy). The functions that write into their argument
(``copyto``, ``put``...) are in :mod:`._inplace`.
"""
from __future__ import annotations

import math
import operator

import jax
import jax.numpy as jnp
import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from .._array import JaxArray, lows_arg, placement, reshaped, to_host, transposed, wrap
from ._dtypes import array_dtype, dtype_argument
from ._host import host_dtype_result
from ._jax_adapters import real_if_exact
from ._placement import put
from ._sizes import check_shape

__all__ = ["call", "IMPLEMENTATIONS", "asarray"]

_Tracer = jax.core.Tracer


def call(entry, args, kwargs):
    """The caller of ``array`` entries: the implementation, with the arguments as given.

    A call JAX refuses because its result's dtype is NumPy's only (strings,
    records, objects, dates) returns NumPy's result (:func:`._host.host_dtype_result`).
    """
    try:
        return entry.impl(*args, **kwargs)
    except TypeError as error:
        result = host_dtype_result(entry, args, kwargs)
        if result is None:
            raise
        error.__traceback__ = None
        return result


def _as_jaxarray(x) -> JaxArray:
    return x if type(x) is JaxArray else JaxArray(x)


def _value(x):
    return x.value if type(x) is JaxArray else jnp.asarray(x)


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
    return transposed(a, tuple(axes))


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
    return transposed(a, tuple(order))


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
    view = reshaped(a, shape)
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
    check_shape("reshape", shape)
    return shape


def ravel(a, order="C"):
    return reshape(a, (-1,), order=order)


# --- introspection: plain Python and NumPy values -----------------------------------------

def shape(a):
    return a.shape if type(a) is JaxArray else np.shape(a)


def ndim(a):
    return a.ndim if type(a) is JaxArray else np.ndim(a)


def size(a, axis=None):
    if type(a) is not JaxArray:
        return np.size(a, axis)
    if axis is None:
        return a.size
    return a.shape[normalize_axis_index(axis, a.ndim)] if isinstance(axis, int) else \
        math.prod(a.shape[i] for i in normalize_axis_tuple(axis, a.ndim))


def result_type(*arrays_and_dtypes):
    return np.result_type(*map(dtype_argument, arrays_and_dtypes))


def can_cast(from_, to, casting="safe"):
    return np.can_cast(dtype_argument(from_), to, casting)


def min_scalar_type(a, /):
    return np.min_scalar_type(to_host(a))


def iscomplexobj(x):
    return np.iscomplexobj(np.empty(0, x.dtype) if type(x) is JaxArray else to_host(x))


def isrealobj(x):
    return not iscomplexobj(x)


def _element_positions(a: JaxArray):
    """(root, flat positions in the root) of every element of ``a``."""
    root, layout, firsts = placement(a)
    return root, layout.positions(lows_arg(layout, firsts))


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
    if device is not None and not (type(a) is JaxArray and a.device == device):
        if copy is False:
            raise ValueError("Unable to avoid copy while creating an array as requested.")
        return put(a, device, dtype, "numpy.asarray")
    if type(a) is JaxArray and copy is not True and (dtype is None or np.dtype(dtype) == a.dtype):
        result = a
    elif copy is False:
        raise ValueError("Unable to avoid copy while creating an array as requested.")
    else:
        result = JaxArray(a, dtype)
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

def eig(a):
    a = _value(a)
    w, v = jnp.linalg.eig(a)
    w, v = real_if_exact(w, v, a)
    return np.linalg._linalg.EigResult(wrap(w), wrap(v))


def eigvals(a):
    a = _value(a)
    w, _ = real_if_exact(jnp.linalg.eigvals(a), None, a)
    return wrap(w)


# --- NumPy functions that jax.numpy lacks --------------------------------------------------

def common_type(*arrays):
    """``numpy.common_type``: NumPy's answer from the arrays' dtypes alone (no data moves)."""
    return np.common_type(*(np.empty(0, dtype=array_dtype(a)) for a in arrays))


def asarray_chkfinite(a, dtype=None, order=None):
    """``numpy.asarray_chkfinite``: ``asarray``, raising ``ValueError`` on inf or NaN."""
    result = asarray(a, dtype=dtype, order=order)
    if result.dtype.kind in "fc" and not bool(jnp.all(jnp.isfinite(result.value))):
        raise ValueError("array must not contain infs or NaNs")
    return result


def fix(x, out=None):
    """``numpy.fix``: round towards zero; NumPy's dtypes, as ``numpy.trunc`` has them."""
    return np.trunc(x, out=out)


#: NumPy's requirement flags (``numpy.require``) and their canonical letters.
_REQUIREMENTS = {"C": "C", "C_CONTIGUOUS": "C", "CONTIGUOUS": "C", "F": "F", "F_CONTIGUOUS": "F",
                 "FORTRAN": "F", "A": "A", "ALIGNED": "A", "W": "W", "WRITEABLE": "W", "O": "O",
                 "OWNDATA": "O", "E": "E", "ENSUREARRAY": "E"}


def require(a, dtype=None, requirements=None, *, like=None):
    """``numpy.require``: ``a`` itself when it already has ``dtype``, else a converted copy.

    A JaxArray is always contiguous, aligned and writeable; ``"O"`` (own data)
    makes a copy when ``a`` is a view.
    """
    if like is not None:
        raise TypeError("numpy.require: the argument like= is not supported on the JAX backend")
    flags = set()     # a string is a sequence of letters, as in NumPy
    for flag in requirements or ():
        if flag.upper() not in _REQUIREMENTS:
            raise KeyError(flag)
        flags.add(_REQUIREMENTS[flag.upper()])
    if "C" in flags and "F" in flags:
        raise ValueError("Cannot specify both 'C' and 'F' order")
    result = asarray(a, dtype=dtype)
    if "O" in flags and result.base is not None:
        result = JaxArray(result.value)
    return result


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


def fromfunction(function, shape, *, dtype=float, like=None, **kwargs):
    """``function`` called with one JaxArray of indices per axis, as NumPy calls it."""
    grid = jnp.indices(tuple(shape), dtype=jax.dtypes.canonicalize_dtype(np.dtype(dtype)))
    return function(*(JaxArray(g) for g in grid), **kwargs)


_VIEW = "returns a view that writes through, as NumPy's does"
_PLAIN = "returns a plain value, as NumPy's does"

#: Qualified NumPy name -> (implementation, reason), all of the ``array`` convention.
IMPLEMENTATIONS = [
    *((f"numpy.{f.__name__}", f, _VIEW) for f in (
        transpose, permute_dims, matrix_transpose, swapaxes, moveaxis, squeeze, expand_dims,
        reshape, ravel)),
    *((f"numpy.{f.__name__}", f, _PLAIN) for f in (
        shape, ndim, size, result_type, can_cast, min_scalar_type, iscomplexobj, isrealobj,
        shares_memory, may_share_memory, allclose, array_equal, array_equiv)),
    *((f"numpy.{f.__name__}", f, "NumPy's copy and conversion rules") for f in (
        copy, asarray, asanyarray, array, ascontiguousarray, asfortranarray, astype)),
    ("numpy.linalg.eig", eig, "real results when every eigenvalue is real, as NumPy"),
    ("numpy.linalg.eigvals", eigvals, "real results when every eigenvalue is real, as NumPy"),
    ("numpy.fix", fix, "numpy.trunc's ufunc loop"),
    ("numpy.common_type", common_type, "from the dtypes; returns a type"),
    ("numpy.asarray_chkfinite", asarray_chkfinite, "checks the values; eager only"),
    ("numpy.require", require, "a JaxArray meets every layout requirement"),
    ("numpy.einsum_path", einsum_path, "NumPy's plan, made from the shapes"),
    ("numpy.fromfunction", fromfunction, "calls the function with JaxArray indices"),
]

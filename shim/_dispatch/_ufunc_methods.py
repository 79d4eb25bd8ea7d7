"""The ufunc methods on JaxArrays: ``reduce``, ``accumulate``, ``reduceat``, ``outer``, ``at``.

Each binds its arguments as NumPy does, asks NumPy for the result dtype on a
tiny probe array (so NumPy validates the options and its errors are
NumPy's), computes with ``jax.numpy``'s ufunc objects and honours ``out=``
through :func:`shim._dispatch._results.write_out`. ``ufunc.at`` is one fused
kernel on the target's root; repeated indices follow NumPy's semantics.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .._array import (
    JaxArray,
    Plan,
    build_index,
    check_device_bounds,
    index_plan,
    lows_arg,
    placement,
    to_host,
    wrap,
    write_region,
)
from ._results import write_out
from ._ufunc import (
    as_mask,
    call,
    cast,
    checked_loop,
    find_loop,
    foreign_name,
    jax_function_of,
    loop_operands,
    on_host,
    ufunc_update,
)

__all__ = ["METHODS", "jax_ufunc"]

_NO_VALUE = np._NoValue


def _bind(ufunc, method, names, defaults, inputs, kwargs):
    if len(inputs) > len(names):
        raise TypeError(f"{ufunc.__name__}.{method}() takes at most {len(names)} arguments")
    bound = dict(zip(names, inputs))
    for key, value in kwargs.items():
        if key not in names:
            raise TypeError(f"{ufunc.__name__}.{method}() got an unexpected keyword '{key}'")
        if key in bound:
            raise TypeError(f"{ufunc.__name__}.{method}() got multiple values for '{key}'")
        bound[key] = value
    for key, value in zip(names, defaults):
        bound.setdefault(key, value)
    missing = [n for n, d in zip(names, defaults) if d is _REQUIRED and bound[n] is _REQUIRED]
    if missing:
        raise TypeError(f"{ufunc.__name__}.{method}() missing required argument '{missing[0]}'")
    return bound


_REQUIRED = object()
_JAX_UFUNC_OBJECTS: dict = {}


def jax_ufunc(ufunc):
    """A ``jax.numpy.ufunc`` (with reduce/accumulate/at/...) computing ``ufunc``."""
    jufunc = _JAX_UFUNC_OBJECTS.get(ufunc)
    if jufunc is None:
        jfunc = jax_function_of(ufunc)
        if jfunc is None:
            raise TypeError(f"{foreign_name(ufunc)} has no JAX implementation")
        if not isinstance(jfunc, jnp.ufunc):
            jfunc = jnp.frompyfunc(jfunc, ufunc.nin, ufunc.nout, identity=ufunc.identity)
        jufunc = _JAX_UFUNC_OBJECTS[ufunc] = jfunc
    return jufunc


_PROBES: dict = {}


def _probe(ufunc, method, ndim, in_dtype, **options):
    """Run ``ufunc.method`` with NumPy on a tiny array of this rank and dtype.

    NumPy validates the options exactly as it would for the real call (axes,
    reorderability, identity with ``where``...) and the probe's dtype is NumPy's
    result dtype. Results are cached; errors are NumPy's own.
    """
    key = (ufunc, method, ndim, in_dtype, tuple(sorted(options.items(), key=str)))
    result = _PROBES.get(key)
    if result is None:
        probe = np.ones((1,) * ndim, dtype=in_dtype)
        if "where" in options:
            options["where"] = np.ones_like(probe, dtype=bool)
        with np.errstate(all="ignore"):
            if method == "reduceat":
                out = ufunc.reduceat(probe, [0], **options)
            else:
                out = getattr(ufunc, method)(probe, **options)
        result = _PROBES[key] = jax.dtypes.canonicalize_dtype(np.asarray(out).dtype)
    return result


def _binary_only(ufunc, method):
    if ufunc.nin != 2 or ufunc.nout != 1:
        raise ValueError(f"{method} only supported for binary functions")


def _array_operand(x, name):
    if type(x) is JaxArray:
        return x.value
    if isinstance(x, (jax.Array, np.ndarray, np.generic, int, float, complex, bool, list, tuple)):
        return jnp.asarray(x)
    raise TypeError(f"{name}: expected an array, got {type(x).__name__}")


def _finish(name, result, out):
    return wrap(result) if out is None else write_out(name, result, out)


def _has_host_out(out):
    return isinstance(out, np.ndarray) or (type(out) is tuple and any(
        isinstance(o, np.ndarray) for o in out))


def _reduce(ufunc, inputs, kwargs):
    args = _bind(ufunc, "reduce", ("array", "axis", "dtype", "out", "keepdims", "initial", "where"),
                 (_REQUIRED, 0, None, None, False, _NO_VALUE, True), inputs, kwargs)
    if _has_host_out(args["out"]):
        return on_host(ufunc, "reduce", (args.pop("array"),), args)
    _binary_only(ufunc, "reduce")
    a = _array_operand(args["array"], f"{ufunc.__name__}.reduce")
    axis = args["axis"]
    axis = tuple(axis) if isinstance(axis, list) else axis
    options = {"axis": axis, "keepdims": bool(args["keepdims"])}
    probe_options = dict(options, dtype=args["dtype"])
    if args["initial"] is not _NO_VALUE and args["initial"] is not None:
        options["initial"] = probe_options["initial"] = args["initial"]
    if args["where"] is not True:
        options["where"] = as_mask(args["where"], f"{ufunc.__name__}.reduce")
        probe_options["where"] = True
    dtype = _probe(ufunc, "reduce", a.ndim, a.dtype, **probe_options)
    if a.size == 0 and ufunc.identity is None and "initial" not in options and (
            axis is None or a.ndim == 0 or any(a.shape[ax] == 0 for ax in np.atleast_1d(axis))):
        raise ValueError(f"zero-size array to reduction operation {ufunc.__name__} which has "
                         "no identity")
    if isinstance(axis, tuple) and len(axis) == 1:
        options["axis"] = axis[0]
    result = jax_ufunc(ufunc).reduce(a.astype(dtype), **options)
    return _finish(f"{ufunc.__name__}.reduce", cast(result, dtype), args["out"])


def _accumulate(ufunc, inputs, kwargs):
    args = _bind(ufunc, "accumulate", ("array", "axis", "dtype", "out"),
                 (_REQUIRED, 0, None, None), inputs, kwargs)
    if _has_host_out(args["out"]):
        return on_host(ufunc, "accumulate", (args.pop("array"),), args)
    _binary_only(ufunc, "accumulate")
    a = _array_operand(args["array"], f"{ufunc.__name__}.accumulate")
    dtype = _probe(ufunc, "accumulate", a.ndim, a.dtype, axis=args["axis"], dtype=args["dtype"])
    result = jax_ufunc(ufunc).accumulate(a.astype(dtype), axis=args["axis"])
    return _finish(f"{ufunc.__name__}.accumulate", cast(result, dtype), args["out"])


def _reduceat(ufunc, inputs, kwargs):
    args = _bind(ufunc, "reduceat", ("array", "indices", "axis", "dtype", "out"),
                 (_REQUIRED, _REQUIRED, 0, None, None), inputs, kwargs)
    if _has_host_out(args["out"]):
        return on_host(ufunc, "reduceat", (args.pop("array"), args.pop("indices")), args)
    _binary_only(ufunc, "reduceat")
    a = _array_operand(args["array"], f"{ufunc.__name__}.reduceat")
    indices = np.asarray(args["indices"])
    n = a.shape[args["axis"]] if a.ndim else 0
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        bad = indices[(indices < 0) | (indices >= n)].flat[0]
        raise IndexError(f"index {bad} out-of-bounds in {ufunc.__name__}.reduceat [0, {n})")
    dtype = _probe(ufunc, "reduceat", a.ndim, a.dtype, axis=args["axis"], dtype=args["dtype"])
    result = jax_ufunc(ufunc).reduceat(a.astype(dtype), indices, axis=args["axis"])
    return _finish(f"{ufunc.__name__}.reduceat", cast(result, dtype), args["out"])


def _outer(ufunc, inputs, kwargs):
    _binary_only(ufunc, "outer")
    if len(inputs) != 2:
        raise TypeError(f"{ufunc.__name__}.outer() takes exactly 2 arguments ({len(inputs)} given)")
    a, b = inputs
    ndim_b = np.ndim(b.value if type(b) is JaxArray else b)
    a_value = a.value if type(a) is JaxArray else jnp.asarray(a) if not isinstance(
        a, np.ndarray) else a
    a_expanded = wrap(jnp.reshape(a_value, np.shape(a_value) + (1,) * ndim_b))
    return call(ufunc, (a_expanded, b), kwargs)


_SCATTERS = {np.add: "add", np.multiply: "multiply", np.minimum: "min", np.maximum: "max",
             np.subtract: "subtract"}


def _at(ufunc, inputs, kwargs):
    if kwargs:
        raise TypeError(f"{ufunc.__name__}.at() takes no keyword arguments")
    if len(inputs) not in (2, 3):
        raise TypeError(f"{ufunc.__name__}.at() takes 2 or 3 arguments ({len(inputs)} given)")
    a, indices = inputs[:2]
    b = inputs[2] if len(inputs) == 3 else None
    if ufunc.nin == 2 and b is None:
        raise ValueError(f"second operand needed for ufunc {ufunc.__name__}")
    if ufunc.nin == 1 and b is not None:
        raise ValueError(f"second operand provided when ufunc is unary: {ufunc.__name__}")
    if isinstance(a, np.ndarray):
        on_host(ufunc, "at", (a, to_host(indices)) + (() if b is None else (b,)), {})
        return None
    if type(a) is not JaxArray:
        raise TypeError(f"{ufunc.__name__}.at: the first argument must be a JaxArray or "
                        f"numpy.ndarray, got {type(a).__name__}")
    operands = (a,) if b is None else (a, b)
    values, tokens = loop_operands(operands, skip=a)
    if values is NotImplemented:
        raise TypeError(f"{ufunc.__name__}.at: unsupported operand type {type(b).__name__}")
    loop = find_loop(ufunc, tokens, None, "unsafe")
    if loop.int_limits:
        loop = checked_loop(loop, ufunc, operands, tokens, None, "unsafe")
    _, layout, firsts = placement(a)
    idx = index_plan(layout, firsts, indices)
    args = values[1:]
    if type(idx) is Plan:    # no repeated elements: a plain fused update
        if idx.layout is not None:
            write_region(a, idx.layout, idx.lows, (ufunc_update, loop, (0,), False), args)
        return None
    region = layout.index(firsts, idx.region)
    if region is None:
        return None
    region = region[0], lows_arg(*region)
    check_device_bounds(idx)
    # NumPy casts back to the array's dtype after every element; a scatter cannot.
    kind = _SCATTERS.get(ufunc, "sequential") if loop.out_dtypes[0] == a.dtype else "sequential"
    write_region(a, *region, (_ufunc_at, loop, idx.template, kind), [idx.arrays] + args)
    return None


def _ufunc_at(region, loop, template, kind, arrays, *b):
    index = build_index(template, arrays)
    if kind == "sequential":       # one element at a time, cast back after each
        step = jnp.frompyfunc(lambda x, *y: cast(loop.apply(x, *y), region.dtype),
                              loop.ufunc.nin, 1)
        return step.at(region, index, *b, inplace=False)
    value = lax.convert_element_type(b[0], region.dtype)
    ref = region.at[index]
    if kind == "add":
        result = ref.add(value)
    elif kind == "subtract":
        result = ref.add(-value)
    elif kind == "multiply":
        result = ref.multiply(value)
    elif kind == "min":
        result = ref.min(value)
    else:
        result = ref.max(value)
    return cast(result, region.dtype)


METHODS = {"reduce": _reduce, "accumulate": _accumulate, "reduceat": _reduceat,
            "outer": _outer, "at": _at}

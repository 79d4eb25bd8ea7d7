"""NumPy ufuncs on JaxArrays: calls, in-place operators and ``out=``.

Dtypes are NumPy's: ``ufunc.resolve_dtypes`` picks the inner loop (NEP 50 rules
for Python scalars included), and a :class:`Loop` casts the operands to the
loop's dtypes, applies the ``jax.numpy`` function and casts the result. Each
loop is one cached ``jax.jit`` kernel.

``out=`` (and in-place operators, which are ``ufunc(x, y, out=(x,))``) is a
single fused kernel: compute, cast with ``casting``, apply ``where``, write into
the output's root. An ``out`` that is a NumPy array is computed by NumPy on
host copies, so ``ndarray += JaxArray`` updates the ndarray.

The Python operators of JaxArray are generated here from one table
(:func:`install_operators`); the ufunc methods (``reduce``, ``at``...) are in
:mod:`._ufunc_methods`, and ``__array_ufunc__`` in :mod:`._protocols`.

The route of ``x[1:3] += 1``: ``x[1:3]`` is a view (:mod:`shim._array._core`);
its ``__iadd__`` is :func:`inplace`, which resolves NumPy's loop and applies
one fused kernel to the view's elements in ``x`` (:func:`shim._array.update`);
the final ``x[1:3] = view`` sees that the view was written and does nothing.
"""
from __future__ import annotations

import sys

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .._array import (
                      UNSUPPORTED_KINDS,
                      JaxArray,
                      apply_update,
                      as_element,
                      dtype_token,
                      is_element,
                      to_host,
                      wrap,
)
from .._branch_cuts import BRANCH_CUT_SAFE
from .._errors import NO_JAX_IMPLEMENTATION, TracingError
from ._host import announce, any_traced
from ._probe import numpy_refusal
from ._results import wrap_result, write_out

__all__ = ["call", "call_entry", "inplace", "install_operators", "find_loop", "checked_loop",
           "loop_operands", "cast", "as_mask", "on_host", "ufunc_update", "JAX_UFUNCS",
           "jax_function_of", "on_host_fallback", "foreign_name", "scipy_special_name"]

_BOOL = np.dtype(bool)
_FLOAT16, _FLOAT32 = np.dtype(np.float16), np.dtype(np.float32)
#: Ufuncs whose value depends on the dtype's precision: never computed in a wider type.
_PRECISION_DEFINED = frozenset({np.spacing, np.nextafter})
_COMPARISONS = frozenset({np.less, np.less_equal, np.greater, np.greater_equal,
                          np.equal, np.not_equal})


def _jax_function(ufunc):
    return getattr(jnp, ufunc.__name__, None)


def _safe_divisor(b):
    return jnp.where(b == 0, jnp.ones((), b.dtype), b)


def _int_floor_divide(a, b):
    return jnp.where(b == 0, jnp.zeros((), a.dtype), jnp.floor_divide(a, _safe_divisor(b)))


def _int_divmod(a, b):
    zero = jnp.zeros((), a.dtype)
    q, r = jnp.divmod(a, _safe_divisor(b))
    return jnp.where(b == 0, zero, q), jnp.where(b == 0, zero, r)


def _int_reciprocal(x):
    return jnp.where(x == 0, jnp.zeros((), x.dtype), lax.div(jnp.ones((), x.dtype), _safe_divisor(x)))


def _int_power(a, b):
    # Negative exponents raise in NumPy (checked eagerly by _no_negative_exponent); when
    # traced the result is the truncated 1 // a**-b: 1 for a == 1, +-1 for a == -1, else 0.
    result = jnp.power(a, jnp.maximum(b, 0).astype(b.dtype))
    one = jnp.ones((), result.dtype)
    inverse = jnp.where(a == 1, one, jnp.where(a == -1, jnp.where(b % 2 == 0, one, -one),
                                                jnp.zeros((), result.dtype)))
    return jnp.where(b < 0, inverse, result)


#: Integer loops where NumPy's values differ from jax.numpy's (division by zero gives 0;
#: integer reciprocal truncates; negative powers).
_INTEGER_LOOPS = {np.floor_divide: _int_floor_divide, np.divmod: _int_divmod,
                  np.reciprocal: _int_reciprocal, np.power: _int_power}


def _float_floor_divide(a, b):
    # A zero quotient has the sign of a / b in NumPy (-0.0 // 1.0 is -0.0); jax.numpy's is +0.
    # Division by zero gives a / b (+-inf, or NaN for 0 // 0), as in NumPy.
    q = jnp.floor_divide(a, b)
    quotient = a / b
    q = jnp.where(q == 0, jnp.copysign(jnp.zeros_like(q), quotient), q)
    return jnp.where(b == 0, quotient, q)


def _float_remainder(a, b):
    # A zero remainder has the divisor's sign in NumPy (-0.0 % 1.0 is 0.0).
    r = jnp.remainder(a, b)
    return jnp.where(r == 0, jnp.copysign(jnp.zeros_like(r), b), r)


def _float_divmod(a, b):
    return _float_floor_divide(a, b), _float_remainder(a, b)


#: Real floating-point loops where jax.numpy's signed zeros differ from NumPy's.
_FLOAT_LOOPS = {np.floor_divide: _float_floor_divide, np.remainder: _float_remainder,
                np.divmod: _float_divmod}

#: Complex loops where jax.numpy ignores the sign of zeros on branch cuts, and its NaN cases.
_COMPLEX_LOOPS = {getattr(np, name): f for name, f in BRANCH_CUT_SAFE.items()}


def _no_negative_exponent(inputs):
    """NumPy's error for integer powers with a negative exponent (waits for device arrays)."""
    b = inputs[1]
    b = b.value if type(b) is JaxArray else b
    if isinstance(b, jax.core.Tracer):
        return
    negative = b < 0 if isinstance(b, (int, np.generic)) else bool(np.any(np.asarray(b) < 0)) \
        if isinstance(b, (np.ndarray, list, tuple)) else bool(_any_negative(b))
    if negative:
        raise ValueError("Integers to negative integer powers are not allowed.")


@jax.jit
def _any_negative(x):
    return jnp.any(x < 0)


#: Checks of operand values that NumPy makes for some integer loops.
_INTEGER_CHECKS = {np.power: _no_negative_exponent}


#: NumPy ufunc -> the ``jax.numpy`` function computing it (None: no JAX version).
JAX_UFUNCS = {u: _jax_function(u) for u in vars(np).values() if isinstance(u, np.ufunc)}

#: scipy.special ufuncs whose jax.scipy.special namesake gives other values (expi(0) and
#: loggamma(0) are NaN in JAX; hyp1f1 and hyp2f1 cover part of SciPy's domain): host.
_SCIPY_DIFFERENT = frozenset({"expi", "loggamma", "hyp1f1", "hyp2f1"})

#: Foreign ufunc -> its JAX function or None, filled as they are met (see jax_function_of).
_FOREIGN: dict = {}


def jax_function_of(ufunc):
    """The JAX function computing ``ufunc``, or None.

    NumPy's ufuncs map to ``jax.numpy``; SciPy's ``scipy.special`` ufuncs to
    ``jax.scipy.special``'s function of the same name. SciPy is never imported
    here: a SciPy ufunc exists only once SciPy is.
    """
    jfunc = JAX_UFUNCS.get(ufunc)
    if jfunc is not None or ufunc in JAX_UFUNCS:
        return jfunc
    try:
        return _FOREIGN[ufunc]
    except KeyError:
        pass
    except TypeError:           # an unhashable foreign object
        return None
    jfunc = None
    if scipy_special_name(ufunc) is not None and ufunc.__name__ not in _SCIPY_DIFFERENT:
        import jax.scipy.special as jss
        jfunc = getattr(jss, ufunc.__name__, None)
    _FOREIGN[ufunc] = jfunc
    return jfunc


def scipy_special_name(ufunc):
    """``scipy.special.<name>`` if ``ufunc`` is that SciPy ufunc, else None."""
    special = sys.modules.get("scipy.special")
    name = getattr(ufunc, "__name__", None)
    if special is not None and isinstance(name, str) and getattr(special, name, None) is ufunc:
        return f"scipy.special.{name}"
    return None


def foreign_name(ufunc) -> str:
    """How a ufunc without a JAX function is named in messages (``scipy.special.jv``)."""
    name = getattr(ufunc, "__name__", type(ufunc).__name__)
    if ufunc in JAX_UFUNCS:
        return f"numpy.{name}"
    return scipy_special_name(ufunc) or f"{type(ufunc).__module__.split('.')[0]}.{name}"


def on_host_fallback(ufunc, method, inputs, kwargs):
    """A ufunc JAX cannot compute (``scipy.special.jv``, a ``numba.vectorize`` ufunc):
    run on host copies with a FallbackWarning (``shim.config.fallback``); refused in jit."""
    name = foreign_name(ufunc) + ("" if method == "__call__" else f".{method}")
    if any_traced(inputs) or any_traced(kwargs.values()):
        raise TracingError(f"{name} cannot be used inside jit: it has no JAX implementation, "
                           "so it would run on host data, which a compiled function cannot do",
                           reason=NO_JAX_IMPLEMENTATION, function=name)
    announce(name, "no jax.numpy or jax.scipy.special equivalent", "has no JAX implementation")
    out = kwargs.pop("out", None)
    result = on_host(ufunc, method, inputs, kwargs)
    if out is None:
        return wrap_result(result)
    outs = out if type(out) is tuple else (out,)
    results = result if type(result) is tuple else (result,)
    written = tuple(o if o is None and r is None else write_out(name, r, o) if o is not None
                    else wrap_result(r) for r, o in zip(results, outs))
    return written if type(result) is tuple else written[0]


class Loop:
    """One inner loop of a ufunc: NumPy's dtypes and the compiled kernel."""

    __slots__ = ("ufunc", "in_dtypes", "out_dtypes", "kernel", "int_limits", "single", "check",
                 "_jfunc", "_widen")

    def __init__(self, ufunc, tokens, dtypes):
        jfunc = jax_function_of(ufunc)
        if jfunc is None:
            raise TypeError(f"{foreign_name(ufunc)} has no JAX implementation")
        dtypes = tuple(jax.dtypes.canonicalize_dtype(d) for d in dtypes)
        for d in dtypes:
            if d.kind in UNSUPPORTED_KINDS:
                raise TypeError(f"numpy.{ufunc.__name__}: dtype {d} is not supported by JAX; "
                                "allowed: bool, integer, floating and complex types")
        self.ufunc = ufunc
        self.in_dtypes = dtypes[:ufunc.nin]
        integer = all(d.kind in "iu" for d in self.in_dtypes)
        if integer and ufunc in _INTEGER_LOOPS:
            jfunc = _INTEGER_LOOPS[ufunc]
        elif ufunc in _FLOAT_LOOPS and all(d.kind == "f" for d in self.in_dtypes):
            jfunc = _FLOAT_LOOPS[ufunc]
        elif ufunc in _COMPLEX_LOOPS and all(d.kind == "c" for d in self.in_dtypes):
            jfunc = _COMPLEX_LOOPS[ufunc]
        self.check = _INTEGER_CHECKS.get(ufunc) if integer and any(
            d.kind == "i" for d in self.in_dtypes[1:]) else None
        self._jfunc = jfunc
        self._widen = _FLOAT16 in self.in_dtypes and ufunc not in _PRECISION_DEFINED
        self.out_dtypes = dtypes[ufunc.nin:]
        self.int_limits = tuple(
            (i, int(np.iinfo(d).min), int(np.iinfo(d).max))
            for i, (t, d) in enumerate(zip(tokens, self.in_dtypes)) if t is int and d.kind in "iu")
        self.single = ufunc.nout == 1
        self.kernel = jax.jit(self.apply)

    def apply(self, *args):
        """The loop on traced operands (used inside compiled kernels).

        float16 loops compute in float32 and round, as NumPy's do.
        """
        args = [lax.convert_element_type(a, d) for a, d in zip(args, self.in_dtypes)]
        if self._widen:
            args = [lax.convert_element_type(a, _FLOAT32) if d == _FLOAT16 else a
                    for a, d in zip(args, self.in_dtypes)]
        result = self._jfunc(*args)
        if self.ufunc.nout == 1:
            return cast(result, self.out_dtypes[0])
        return tuple(cast(r, d) for r, d in zip(result, self.out_dtypes))

    def __repr__(self):
        return f"Loop({self.ufunc.__name__}, {self.in_dtypes} -> {self.out_dtypes})"


def cast(x, dtype):
    return x if x.dtype == dtype else x.astype(dtype)


_LOOPS: dict = {}


def find_loop(ufunc, tokens, signature=None, casting="same_kind") -> Loop:
    key = (ufunc, tokens) if signature is None and casting == "same_kind" else \
        (ufunc, tokens, signature, casting)
    loop = _LOOPS.get(key)
    if loop is None:
        options = {"casting": casting} if signature is None else \
            {"casting": casting, "signature": signature}
        resolve = tokens
        if all(type(t) is type for t in tokens):
            # Only Python numbers (weakly typed values inside jit): NumPy gives them their
            # default dtypes, as np.add(1, 2) does.
            resolve = tuple(np.dtype(t) for t in tokens)
        dtypes = ufunc.resolve_dtypes(resolve + (None,) * ufunc.nout, **options)
        loop = _LOOPS[key] = Loop(ufunc, tokens, dtypes)
    return loop


def checked_loop(loop, ufunc, inputs, tokens, signature=None, casting="same_kind"):
    """Apply NEP 50's rule for out-of-range Python ints (comparisons still work)."""
    for i, lo, hi in loop.int_limits:
        value = inputs[i]
        if type(value) is not int:       # a weakly typed array inside jit: value unknown
            continue
        if not lo <= value <= hi:
            if ufunc not in _COMPARISONS:
                raise OverflowError(f"Python integer {value} out of bounds for {loop.in_dtypes[i]}")
            wide = np.dtype(np.int64) if -2**63 <= value < 2**63 else np.dtype(np.float64)
            tokens = tokens[:i] + (wide,) + tokens[i + 1:]
            return find_loop(ufunc, tokens, signature, casting)
    return loop


# --- operands ----------------------------------------------------------------------------

def loop_operands(inputs, skip=None):
    """(values, dtype tokens) for a loop, or (NotImplemented, None) for foreign types.

    ``skip`` is the output array of a fused in-place call: its value is not read here.
    """
    values = []
    tokens = []
    for x in inputs:
        t = type(x)
        if t is JaxArray:
            values.append(None if x is skip else x.value)
            tokens.append(dtype_token(x))
        elif t is float or t is int or t is complex:
            values.append(x)
            tokens.append(t)
        elif t is bool:
            values.append(x)
            tokens.append(_BOOL)
        elif isinstance(x, (jax.Array, np.ndarray, np.generic)):
            values.append(x)
            tokens.append(x.dtype)
        elif t is list or t is tuple:
            x = np.asarray(x)
            values.append(x)
            tokens.append(x.dtype)
        else:
            return NotImplemented, None
    return values, tuple(tokens)


def _raise_broadcast_error(ufunc, values):
    """After a failed kernel: NumPy's error if the operands do not broadcast (or, for a
    generalized ufunc such as ``matmul``, do not fit its core dimensions)."""
    if ufunc.signature is not None:
        refusal, _ = numpy_refusal(ufunc, values, {})
        if refusal is not None:
            raise refusal
        return
    shapes = [np.shape(v) for v in values]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(f"{ufunc.__name__}: operands could not be broadcast together with "
                         f"shapes {' '.join(str(s) for s in shapes)}") from None


def _run(loop, values):
    try:
        return loop.kernel(*values)
    except (ValueError, TypeError):
        _raise_broadcast_error(loop.ufunc, values)
        raise


# --- __call__ --------------------------------------------------------------------------


def call(ufunc, inputs, kwargs=None):
    """``ufunc(*inputs, **kwargs)`` with JAX; NotImplemented for foreign operand types."""
    if kwargs:
        return call_with_options(ufunc, inputs, dict(kwargs))
    n = len(inputs)
    if n == 1 and type(inputs[0]) is JaxArray:                # the common unary case
        x = inputs[0]
        values = (x.value,)
        tokens = (dtype_token(x),)
    elif n == 2 and type(inputs[0]) is JaxArray and type(inputs[1]) is JaxArray:
        x, y = inputs
        values = (x.value, y.value)
        tokens = (dtype_token(x), dtype_token(y))
    else:
        values, tokens = loop_operands(inputs)
        if values is NotImplemented:
            return _equal_to_foreign(ufunc, inputs, _NONE)
    loop = _LOOPS.get((ufunc, tokens)) or find_loop(ufunc, tokens)
    if loop.int_limits:
        loop = checked_loop(loop, ufunc, inputs, tokens)
    if loop.check is not None:
        loop.check(inputs)
    try:
        result = loop.kernel(*values)
    except (ValueError, TypeError):
        _raise_broadcast_error(ufunc, values)
        raise
    if loop.single:
        return wrap(result, loop.out_dtypes[0])
    return tuple(map(wrap, result, loop.out_dtypes))


#: Operands that no number equals: ``x == "a"`` and ``x == None`` are elementwise False in
#: NumPy; ``np.equal(x, None)`` too (an object loop), but ``np.equal(x, "a")`` has no loop.
_NEVER_EQUAL = (str, bytes, type(None))
_NONE = (type(None),)


def _equal_to_foreign(ufunc, inputs, kinds):
    """``equal``/``not_equal`` of a JaxArray and a value of ``kinds``: NumPy's constant array."""
    if (ufunc is np.equal or ufunc is np.not_equal) and len(inputs) == 2:
        array, other = inputs if type(inputs[0]) is JaxArray else inputs[::-1]
        if type(array) is JaxArray and isinstance(other, kinds) and \
                array.dtype.kind in "biufc":
            return wrap(jnp.full(array.shape, ufunc is np.not_equal))
    return NotImplemented


def call_entry(entry, args, kwargs):
    """The registry's caller for ufunc entries: ``entry``'s ufunc on ``args``."""
    result = call(entry.numpy_func, args, kwargs)
    if result is NotImplemented:
        raise TypeError(f"{entry.name}: unsupported operand types "
                        f"{', '.join(type(a).__name__ for a in args)}")
    return result


def inplace(ufunc, target: JaxArray, other):
    """``target op= other``: one fused kernel writing into ``target``'s root."""
    t = type(other)
    if t is float or t is int or t is complex or (t is JaxArray and other is not target):
        # The common case, without the generic machinery.
        if t is JaxArray:
            value, token, shape = other.value, dtype_token(other), other.shape
        else:
            value, token, shape = other, t, ()
        tokens = (dtype_token(target), token)
        loop = _LOOPS.get((ufunc, tokens)) or find_loop(ufunc, tokens)
        if loop.int_limits:
            loop = checked_loop(loop, ufunc, (target, other), tokens)
        if loop.check is not None:
            loop.check((target, other))
        if loop.out_dtypes[0] is not dtype_token(target):
            _check_cast(ufunc, loop.out_dtypes[0], dtype_token(target), "same_kind")
        if shape and shape != target.shape:
            _check_shapes(ufunc, [target.shape, shape], target.shape)
        apply_update(target, (ufunc_update, loop, (0,), False), (value,))
        return target
    inputs = (target, other)
    values, tokens = loop_operands(inputs, skip=target)
    if values is NotImplemented:
        raise TypeError(f"{ufunc.__name__}: unsupported operand type for in-place operation: "
                        f"{type(other).__name__}")
    loop = _LOOPS.get((ufunc, tokens)) or find_loop(ufunc, tokens)
    if loop.int_limits:
        loop = checked_loop(loop, ufunc, inputs, tokens)
    if loop.check is not None:
        loop.check(inputs)
    _write_fused(loop, inputs, values, target, "same_kind", None)
    return target


_OPTIONS = ("out", "where", "dtype", "signature", "casting", "order", "subok")


def call_with_options(ufunc, inputs, kwargs):
    name = ufunc.__name__
    for key in kwargs:
        if key not in _OPTIONS:
            raise TypeError(f"'{key}' is an invalid keyword to ufunc '{name}'")
    outs = _normalize_out(ufunc, kwargs.pop("out", None))
    where = kwargs.pop("where", True)
    if outs is not None and any(isinstance(o, np.ndarray) for o in outs):
        return on_host(ufunc, "__call__", inputs, dict(kwargs, out=outs, where=where))
    casting = kwargs.get("casting", "same_kind")
    signature = kwargs.get("signature")
    dtype = kwargs.get("dtype")
    if dtype is not None:
        if signature is not None:
            raise TypeError(f"{name}: cannot specify both 'signature' and 'dtype'")
        signature = (None,) * ufunc.nin + (np.dtype(dtype),) * ufunc.nout
    elif signature is not None:
        signature = _normalize_signature(ufunc, signature)
    target = outs[0] if outs is not None and ufunc.nout == 1 and type(outs[0]) is JaxArray else None
    values, tokens = loop_operands(inputs, skip=target)
    if values is NotImplemented:
        if outs is not None:
            raise TypeError(f"{name}: unsupported operand types "
                            f"{', '.join(type(x).__name__ for x in inputs)}")
        return NotImplemented
    loop = find_loop(ufunc, tokens, signature, casting)
    if loop.int_limits:
        loop = checked_loop(loop, ufunc, inputs, tokens, signature, casting)
    if loop.check is not None:
        loop.check(inputs)
    mask = None if where is True else as_mask(where, name)
    if target is not None:
        _write_fused(loop, inputs, values, target, casting, mask)
        return target
    results = _run(loop, values)
    if ufunc.nout == 1:
        results = (results,)
    if mask is not None:
        results = tuple(jnp.where(mask, r, jnp.zeros((), r.dtype)) for r in results)
    if outs is None:
        return wrap(results[0]) if ufunc.nout == 1 else tuple(map(wrap, results))
    final = []
    for r, o in zip(results, outs):
        if o is None:
            final.append(wrap(r))
            continue
        _check_out(ufunc, r.dtype, o, casting, [np.shape(r)])
        if mask is None:
            o[...] = r
        else:
            apply_update(o, (_masked_assign,), (r, mask))
        final.append(o)
    return final[0] if ufunc.nout == 1 else tuple(final)


def _write_fused(loop, inputs, values, target, casting, mask):
    """Compute ``loop`` and write it into ``target`` in one kernel (``out=``, ``x op= y``)."""
    ufunc = loop.ufunc
    _check_out(ufunc, loop.out_dtypes[0], target, casting,
               [target.shape if v is None else np.shape(v) for v in values])
    self_positions = tuple(i for i, x in enumerate(inputs) if x is target)
    args = [v for v in values if v is not None] if self_positions else list(values)
    if mask is not None:
        args.append(mask)
    apply_update(target, (ufunc_update, loop, self_positions, mask is not None), args)


def ufunc_update(region, loop, self_positions, use_mask, *args):
    args = list(args)
    mask = args.pop() if use_mask else None
    for p in self_positions:
        args.insert(p, region)
    result = jnp.broadcast_to(cast(loop.apply(*args), region.dtype), region.shape)
    return result if mask is None else jnp.where(mask, result, region)


ufunc_update.elementwise = True     # a deferred masked read may record it (see _array)


def _masked_assign(region, value, mask):
    return jnp.where(mask, jnp.broadcast_to(value.astype(region.dtype), region.shape), region)


def _check_out(ufunc, result_dtype, out, casting, input_shapes):
    if type(out) is not JaxArray:
        raise TypeError(f"{ufunc.__name__}: 'out' must be a JaxArray, a numpy.ndarray or None, "
                        f"got {type(out).__name__}")
    if result_dtype is not dtype_token(out):
        _check_cast(ufunc, result_dtype, dtype_token(out), casting)
    shape = out.shape
    for s in input_shapes:
        if s != shape and s != ():
            _check_shapes(ufunc, input_shapes, shape)
            break


_CASTS: dict = {}


def _check_cast(ufunc, from_dtype, to_dtype, casting):
    """NumPy's output casting rule (results cached: np.can_cast is slow)."""
    key = (from_dtype, to_dtype, casting)
    ok = _CASTS.get(key)
    if ok is None:
        ok = _CASTS[key] = bool(np.can_cast(from_dtype, np.dtype(to_dtype), casting))
    if not ok:
        raise TypeError(f"Cannot cast ufunc '{ufunc.__name__}' output from {from_dtype!r} to "
                        f"{to_dtype!r} with casting rule {casting!r}")


def _check_shapes(ufunc, input_shapes, shape):
    """The inputs broadcast together, and into an output of ``shape``."""
    if ufunc.signature is not None:
        return
    try:
        full = np.broadcast_shapes(*input_shapes)
    except ValueError:
        raise ValueError(f"{ufunc.__name__}: operands could not be broadcast together with "
                         f"shapes {' '.join(str(s) for s in input_shapes)}") from None
    if np.broadcast_shapes(full, shape) != shape:
        raise ValueError(f"non-broadcastable output operand with shape {shape} doesn't "
                         f"match the broadcast shape {np.broadcast_shapes(full, shape)}")


def _normalize_out(ufunc, out):
    if out is None:
        return None
    if type(out) is not tuple:
        out = (out,)
    if len(out) != ufunc.nout:
        raise ValueError(f"{ufunc.__name__}: 'out' must have {ufunc.nout} element(s), "
                         f"got {len(out)}")
    if all(o is None for o in out):
        return None
    return out


def _normalize_signature(ufunc, signature):
    if isinstance(signature, str):
        raise TypeError(f"{ufunc.__name__}: string signatures are not supported; "
                        "pass a tuple of dtypes")
    return tuple(None if s is None else np.dtype(s) for s in signature)


def as_mask(where, name):
    value = where.value if type(where) is JaxArray else where
    mask = jnp.asarray(value)
    if mask.dtype != _BOOL:
        raise TypeError(f"{name}: 'where' must be a boolean array, got dtype {mask.dtype}")
    return mask


def on_host(ufunc, method, inputs, kwargs):
    """Run the ufunc with NumPy on host copies (used when an output is a NumPy array)."""
    inputs = [to_host(x) for x in inputs]
    kwargs = {k: to_host(v) for k, v in kwargs.items()}
    return getattr(ufunc, method)(*inputs, **kwargs) if method != "__call__" \
        else ufunc(*inputs, **kwargs)


# --- operators, generated from one table ------------------------------------------------

_BINARY_OPERATORS = (
    ("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("matmul", np.matmul),
    ("truediv", np.true_divide), ("floordiv", np.floor_divide), ("mod", np.remainder),
    ("pow", np.power), ("lshift", np.left_shift), ("rshift", np.right_shift),
    ("and", np.bitwise_and), ("xor", np.bitwise_xor), ("or", np.bitwise_or),
)
_COMPARISON_OPERATORS = (
    ("lt", np.less), ("le", np.less_equal), ("eq", np.equal), ("ne", np.not_equal),
    ("gt", np.greater), ("ge", np.greater_equal),
)
_UNARY_OPERATORS = (("neg", np.negative), ("pos", np.positive), ("abs", np.absolute),
                    ("invert", np.invert))


def _defers(other) -> bool:
    """True if ``other`` asked NumPy operators to leave it alone (NEP 13)."""
    return getattr(type(other), "__array_ufunc__", False) is None


def _binary_method(ufunc, name):
    def forward(self, other):
        if _defers(other):
            return NotImplemented
        result = call(ufunc, (self, other))
        if result is NotImplemented:
            return _equal_to_foreign(ufunc, (self, other), _NEVER_EQUAL)
        return result
    forward.__name__ = f"__{name}__"
    return forward


def _reflected_method(ufunc, name):
    def reflected(self, other):
        if _defers(other):
            return NotImplemented
        return call(ufunc, (other, self))
    reflected.__name__ = f"__r{name}__"
    return reflected


def _inplace_method(ufunc, name):
    def in_place(self, other):
        if is_element(self):          # NumPy's scalars are immutable: a new value
            if _defers(other):
                return NotImplemented
            result = call(ufunc, (self, other))
            return as_element(result) if type(result) is JaxArray and not result.ndim else result
        return inplace(ufunc, self, other)
    in_place.__name__ = f"__i{name}__"
    return in_place


def _unary_method(ufunc, name):
    def unary(self):
        return call(ufunc, (self,))
    unary.__name__ = f"__{name}__"
    return unary


def install_operators(cls) -> None:
    """Give ``cls`` every Python operator, each defined by its NumPy ufunc."""
    for name, ufunc in _BINARY_OPERATORS:
        setattr(cls, f"__{name}__", _binary_method(ufunc, name))
        setattr(cls, f"__r{name}__", _reflected_method(ufunc, name))
        setattr(cls, f"__i{name}__", _inplace_method(ufunc, name))
    for name, ufunc in _COMPARISON_OPERATORS:
        setattr(cls, f"__{name}__", _binary_method(ufunc, name))
    for name, ufunc in _UNARY_OPERATORS:
        setattr(cls, f"__{name}__", _unary_method(ufunc, name))
    cls.__divmod__ = _binary_method(np.divmod, "divmod")
    cls.__rdivmod__ = _reflected_method(np.divmod, "divmod")

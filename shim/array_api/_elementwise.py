"""Element-wise functions of the array API standard, generated from two tables.

Each function unwraps JaxArrays, calls ``jax.numpy`` and wraps the result.
Binary functions first bring two arrays of different dtypes to NumPy's result
dtype, which is the standard's where the standard defines one (and extends it
for mixed kinds), so ``xp.add(x, y)`` and ``x + y`` always agree; Python
scalars keep JAX's weak typing, which is the standard's scalar rule.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .._array import JaxArray, wrap
from .._branch_cuts import BRANCH_CUT_SAFE
from ._base import value

UNARY = ("abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "bitwise_invert", "ceil",
         "conj", "cos", "cosh", "exp", "expm1", "floor", "imag", "isfinite", "isinf", "isnan",
         "log", "log1p", "log2", "log10", "logical_not", "negative", "positive", "real",
         "reciprocal", "round", "sign", "signbit", "sin", "sinh", "square", "sqrt", "tan", "tanh",
         "trunc")
BINARY = ("add", "atan2", "bitwise_and", "bitwise_left_shift", "bitwise_or", "bitwise_right_shift",
          "bitwise_xor", "copysign", "divide", "equal", "floor_divide", "greater", "greater_equal",
          "hypot", "less", "less_equal", "logaddexp", "logical_and", "logical_or", "logical_xor",
          "maximum", "minimum", "multiply", "nextafter", "not_equal", "pow", "remainder",
          "subtract")

__all__ = [*UNARY, *BINARY, "clip"]


def _unary(x, f):
    return wrap(f(x.value if type(x) is JaxArray else x))


def _binary(x1, x2, f):
    a = x1.value if type(x1) is JaxArray else x1
    b = x2.value if type(x2) is JaxArray else x2
    da, db = getattr(a, "dtype", None), getattr(b, "dtype", None)
    if da is not None and db is not None and da != db:
        common = np.result_type(da, db)
        a, b = a.astype(common), b.astype(common)
    return wrap(f(a, b))


def _generate(names, params, call):
    scope = {"_unary": _unary, "_binary": _binary}
    for name in names:
        scope["_f_" + name] = _STANDARD_VALUES.get(name) or getattr(jnp, name)
        exec(f"def {name}({params}, /):\n    return {call}_f_{name})\n", scope)
        fn = scope[name]
        fn.__module__ = __name__
        fn.__doc__ = (f"``{name}`` of the array API standard, element-wise "
                      f"(``jax.numpy.{name}`` on JaxArrays).")
        globals()[name] = fn


# --- special values ---------------------------------------------------------------------
# jax.numpy differs from the standard's special cases for complex infinities and NaNs
# (C99 Annex G) and for signed zeros and infinities in floor division and remainder.
# Each function below computes jax.numpy's value and corrects those elements; each is
# one compiled kernel per dtype and shape.

def _by_kind(f, complex_f):
    """One compiled kernel: ``complex_f`` for complex arguments, ``f`` for the others."""
    @jax.jit
    def kernel(z):
        return complex_f(z) if jnp.iscomplexobj(z) else f(z)
    return kernel


def _complex_fixed(name, fix):
    """``jax.numpy``'s ``name``, its complex special values corrected by ``fix``."""
    f = getattr(jnp, name)
    return _by_kind(f, lambda z: fix(z, z.real, z.imag, f(z)))


def _c(re, im):
    return jax.lax.complex(re, im)


def _is_inf_or_nan(v):
    return jnp.isinf(v) | jnp.isnan(v)


_NAN, _INF = math.nan, math.inf


def _fix_exp(z, re, im, r, at_minus_inf=0.0):
    bad = _is_inf_or_nan(im)
    r = jnp.where((re == -_INF) & bad, _c(at_minus_inf + jnp.zeros_like(re), jnp.zeros_like(re)), r)
    return jnp.where((re == _INF) & bad, _c(re, _NAN + jnp.zeros_like(re)), r)


def _fix_expm1(z, re, im, r):
    return _fix_exp(z, re, im, r, at_minus_inf=-1.0)


def _fix_log(z, re, im, r):
    bad = (jnp.isinf(re) & jnp.isnan(im)) | (jnp.isnan(re) & jnp.isinf(im))
    return jnp.where(bad, _c(_INF + jnp.zeros_like(re), _NAN + jnp.zeros_like(re)), r)


def _fix_sqrt(z, re, im, r):
    r = jnp.where((re == _INF) & jnp.isnan(im), _c(re, im), r)
    r = jnp.where((re == -_INF) & jnp.isnan(im), _c(im, -re), r)
    r = jnp.where(jnp.isinf(im), _c(_INF + jnp.zeros_like(re), im), r)
    return _c(r.real, jnp.copysign(r.imag, im))      # the branch cut's signed zeros


def _fix_cosh(z, re, im, r):
    bad = _is_inf_or_nan(im)
    r = jnp.where((re == 0) & bad, _c(_NAN + jnp.zeros_like(re), jnp.zeros_like(re)), r)
    return jnp.where(jnp.isinf(re) & bad, _c(jnp.abs(re), _NAN + jnp.zeros_like(re)), r)


def _fix_sinh(z, re, im, r):
    bad = _is_inf_or_nan(im)
    r = jnp.where((re == 0) & bad, _c(re, _NAN + jnp.zeros_like(re)), r)
    return jnp.where(jnp.isinf(re) & bad, _c(re, _NAN + jnp.zeros_like(re)), r)


def _fix_tanh(z, re, im, r):
    r = jnp.where((re == 0) & _is_inf_or_nan(im), _c(re, _NAN + jnp.zeros_like(re)), r)
    # tanh(±inf + yj) is ±1 + 0j with the sign of y (XLA's zero follows sin(2y))
    far = jnp.isinf(re) & jnp.isfinite(im) & (im != 0)
    return jnp.where(far, _c(jnp.sign(re), jnp.copysign(jnp.zeros_like(im), im)), r)


@jax.jit
def _floor_divide(a, b):
    r = jnp.floor_divide(a, b)
    if jnp.issubdtype(r.dtype, jnp.floating):
        special = jnp.isinf(a) | jnp.isinf(b) | (a == 0)
        r = jnp.where(special, jnp.floor(a / b), r)
    return r


@jax.jit
def _remainder(a, b):
    r = jnp.remainder(a, b)
    if jnp.issubdtype(r.dtype, jnp.floating):
        r = jnp.where(r == 0, jnp.copysign(jnp.zeros_like(r), b), r)
    return r


_STANDARD_VALUES = {
    "exp": _complex_fixed("exp", _fix_exp), "expm1": _complex_fixed("expm1", _fix_expm1),
    "log": _complex_fixed("log", _fix_log), "log1p": _complex_fixed("log1p", _fix_log),
    "sqrt": _complex_fixed("sqrt", _fix_sqrt), "cosh": _complex_fixed("cosh", _fix_cosh),
    "sinh": _complex_fixed("sinh", _fix_sinh), "tanh": _complex_fixed("tanh", _fix_tanh),
    # acos... of complex arguments take NumPy's branch cuts, which are the standard's.
    **{"a" + name[3:]: _by_kind(getattr(jnp, name), safe)
       for name, safe in BRANCH_CUT_SAFE.items()},
    "sign": jax.jit(lambda x: jnp.where(x == 0, jnp.zeros_like(x), jnp.sign(x))),
    "floor_divide": _floor_divide, "remainder": _remainder,
}

_generate(UNARY, "x", "_unary(x, ")
_generate(BINARY, "x1, x2", "_binary(x1, x2, ")


def clip(x, /, min=None, max=None) -> JaxArray:
    """``x`` limited to ``[min, max]``; the result has ``x``'s dtype (bounds are cast to it)."""
    v = value(x)
    dt = v.dtype
    lo = None if min is None else _bound(min, dt)
    hi = None if max is None else _bound(max, dt)
    r = v
    if lo is not None:
        r = jnp.where(jnp.isnan(lo) | (r < lo), lo, r) if dt.kind == "f" else jnp.maximum(r, lo)
    if hi is not None:
        r = jnp.where(jnp.isnan(hi) | (r > hi), hi, r) if dt.kind == "f" else jnp.minimum(r, hi)
    if dt.kind == "f":
        r = jnp.where(jnp.isnan(v), v, r)
    return wrap(r.astype(dt))


def _bound(b, dt):
    b = value(b)
    if isinstance(b, int) and not isinstance(b, bool) and dt.kind in "iu":
        info = np.iinfo(dt)
        b = info.min if b < info.min else info.max if b > info.max else b
    return jnp.asarray(b).astype(dt) if hasattr(b, "dtype") else jnp.asarray(b, dt)

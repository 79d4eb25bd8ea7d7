"""Complex inverse trigonometric and hyperbolic functions with NumPy's cuts and special values.

``jax.numpy``'s ``arccos``, ``arcsin``, ``arctan``, ``arccosh``, ``arcsinh`` and
``arctanh`` ignore the sign of a zero real or imaginary part, so on a branch
cut (``arccos(2 - 0j)``) they return the value of the other side, some zero
parts get the wrong sign, and several NaN inputs give numbers. NumPy, like
C99 Annex G, uses the sign of a zero to choose the side. Each function here
evaluates ``jax.numpy`` in the closed first quadrant, where it agrees with
NumPy up to the signs of zeros, maps the value to the argument's quadrant by
the function's symmetries (all six are conjugate-symmetric), and takes NumPy's
values where a part of the argument is NaN.
"""
from __future__ import annotations

import math

import jax.numpy as jnp
from jax import lax

__all__ = ["BRANCH_CUT_SAFE"]


def _inverse(f, quadrant, nan_rule):
    """``f`` on complex ``z``: ``quadrant`` maps its first-quadrant value to ``z``'s,
    ``nan_rule`` gives the values where a part of ``z`` is NaN."""
    def safe(z):
        x, y = z.real, z.imag
        w = f(lax.complex(jnp.abs(x), jnp.abs(y)))
        re, im = quadrant(x, y, jnp.abs(w.real), jnp.abs(w.imag))
        nan_re, nan_im = nan_rule(x, y, lambda v: jnp.full_like(x, v))
        any_nan = jnp.isnan(x) | jnp.isnan(y)
        return lax.complex(jnp.where(any_nan, nan_re, re), jnp.where(any_nan, nan_im, im))
    safe.__name__ = f.__name__
    return safe


def _signs_of_argument(x, y, re, im):
    # Odd functions whose value's parts have the signs of the argument's (asin, atan...).
    return jnp.copysign(re, x), jnp.copysign(im, y)


def _arccos_quadrant(x, y, re, im):
    # arccos(-z) == pi - arccos(z); the imaginary part has the sign opposite to Im z's.
    return jnp.where(jnp.signbit(x), math.pi - re, re), -jnp.copysign(im, y)


def _arccosh_quadrant(x, y, re, im):
    # Re >= 0; Im has Im z's sign and is pi - Im(arccosh(-z)) left of the imaginary axis.
    return re, jnp.copysign(jnp.where(jnp.signbit(x), math.pi - im, im), y)


_NAN, _INF, _HALF_PI = math.nan, math.inf, math.pi / 2

# NaN cases, as NumPy computes them (C99 Annex G, with NumPy's choice where the sign
# of an infinity is unspecified). ``c(v)`` is a constant of the real dtype.


def _arccos_nan(x, y, c):
    re = jnp.where((x == 0) & jnp.isnan(y), c(_HALF_PI), c(_NAN))
    im = jnp.where(jnp.isnan(x) & jnp.isinf(y), -y,
                   jnp.where(jnp.isinf(x) & jnp.isnan(y), c(-_INF), c(_NAN)))
    return re, im


def _arccosh_nan(x, y, c):
    re = jnp.where(jnp.isinf(x) | jnp.isinf(y), c(_INF), c(_NAN))
    return re, jnp.where((x == 0) & jnp.isnan(y), c(_HALF_PI), c(_NAN))


def _arcsin_nan(x, y, c):
    re = jnp.where((x == 0) & jnp.isnan(y), x, c(_NAN))
    im = jnp.where(jnp.isnan(x) & jnp.isinf(y), y,
                   jnp.where(jnp.isinf(x) & jnp.isnan(y), c(_INF), c(_NAN)))
    return re, im


def _arcsinh_nan(x, y, c):
    re = jnp.where(jnp.isinf(x) & jnp.isnan(y), x,
                   jnp.where(jnp.isnan(x) & jnp.isinf(y), c(_INF), c(_NAN)))
    return re, jnp.where(jnp.isnan(x) & (y == 0), y, c(_NAN))


def _arctan_nan(x, y, c):
    inf_x = jnp.isinf(x) & jnp.isnan(y)
    re = jnp.where(inf_x, jnp.copysign(c(_HALF_PI), x), c(_NAN))
    im = jnp.where(jnp.isnan(x) & (jnp.isinf(y) | (y == 0)), jnp.copysign(c(0.0), y),
                   jnp.where(inf_x, c(0.0), c(_NAN)))
    return re, im


def _arctanh_nan(x, y, c):
    inf_y = jnp.isnan(x) & jnp.isinf(y)
    re = jnp.where(((x == 0) | jnp.isinf(x)) & jnp.isnan(y), jnp.copysign(c(0.0), x),
                   jnp.where(inf_y, c(0.0), c(_NAN)))
    return re, jnp.where(inf_y, jnp.copysign(c(_HALF_PI), y), c(_NAN))


#: ``jax.numpy`` function name -> its complex version with NumPy's cuts and NaN cases.
BRANCH_CUT_SAFE = {
    "arccos": _inverse(jnp.arccos, _arccos_quadrant, _arccos_nan),
    "arccosh": _inverse(jnp.arccosh, _arccosh_quadrant, _arccosh_nan),
    "arcsin": _inverse(jnp.arcsin, _signs_of_argument, _arcsin_nan),
    "arcsinh": _inverse(jnp.arcsinh, _signs_of_argument, _arcsinh_nan),
    "arctan": _inverse(jnp.arctan, _signs_of_argument, _arctan_nan),
    "arctanh": _inverse(jnp.arctanh, _signs_of_argument, _arctanh_nan),
}

"""Complex inverse trigonometric and hyperbolic functions with NumPy's cuts and special values.

``jax.numpy``'s ``arccos``, ``arcsin``, ``arctan``, ``arccosh``, ``arcsinh`` and
``arctanh`` ignore the sign of a zero real or imaginary part, so on a branch
cut (``arccos(2 - 0j)``) they return the value of the other side, some zero
parts get the wrong sign, and several NaN inputs give numbers. NumPy, like
C99 Annex G, uses the sign of a zero to choose the side. Each function here
evaluates ``jax.numpy`` in the closed first quadrant, where it agrees with
NumPy up to the signs of zeros, maps the value to the argument's quadrant by
the function's symmetries (all six are conjugate-symmetric), and takes NumPy's
values, measured at import, where a part of the argument is NaN.
"""
from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
from jax import lax

__all__ = ["BRANCH_CUT_SAFE"]


def _inverse(f, quadrant, nan_rule):
    """``f`` on complex ``z``: ``quadrant`` maps its first-quadrant value to ``z``'s,
    ``nan_rule`` gives the values where a part of ``z`` is NaN."""
    def safe(z):
        x, y = z.real, z.imag
        w = f(lax.complex(jnp.abs(x), jnp.abs(y)))
        re, im = quadrant(x, y, jnp.abs(w.real), jnp.abs(w.imag))
        nan_re, nan_im = nan_rule(x, y)
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


# Where a part of the argument is NaN, the value depends only on the other part's class
# (NaN, +-inf, +-0, or finite of either sign), and C99 Annex G leaves some signs to the
# implementation, which NumPy's versions choose differently. So the NaN cases are NumPy's
# own: measured once, at import, on one representative of each class.
_CLASS_VALUES = (math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0)


def _part_class(v):
    """Index of ``v``'s class in ``_CLASS_VALUES``, elementwise."""
    finite = jnp.where(jnp.signbit(v), 6, 5)
    zero = jnp.where(jnp.signbit(v), 4, 3)
    return jnp.where(jnp.isnan(v), 0, jnp.where(v == math.inf, 1, jnp.where(
        v == -math.inf, 2, jnp.where(v == 0, zero, finite))))


def _numpy_nan_cases(name):
    """NumPy's ``name`` at NaN + i*c and c + i*NaN for each class representative c:
    (real parts, imaginary parts), indexed as ``_nan_case_index`` does."""
    points = [complex(math.nan, c) for c in _CLASS_VALUES] + \
             [complex(c, math.nan) for c in _CLASS_VALUES]
    with np.errstate(all="ignore"):
        values = getattr(np, name)(np.array(points, dtype=np.complex128))
    return tuple(values.real.tolist()), tuple(values.imag.tolist())


def _nan_case_index(x, y):
    return jnp.where(jnp.isnan(x), _part_class(y), len(_CLASS_VALUES) + _part_class(x))


def _nan_rule(name):
    real, imag = _numpy_nan_cases(name)

    def rule(x, y):
        index = _nan_case_index(x, y)
        return (jnp.asarray(real, x.dtype)[index], jnp.asarray(imag, x.dtype)[index])
    return rule


def _safe(name, quadrant):
    return _inverse(getattr(jnp, name), quadrant, _nan_rule(name))


#: ``jax.numpy`` function name -> its complex version with NumPy's cuts and NaN cases.
BRANCH_CUT_SAFE = {
    "arccos": _safe("arccos", _arccos_quadrant),
    "arccosh": _safe("arccosh", _arccosh_quadrant),
    "arcsin": _safe("arcsin", _signs_of_argument),
    "arcsinh": _safe("arcsinh", _signs_of_argument),
    "arctan": _safe("arctan", _signs_of_argument),
    "arctanh": _safe("arctanh", _signs_of_argument),
}

"""``shim.random``: NumPy's random API for the current backend.

The module-level functions (``seed``, ``normal``, ``randint``, ``choice``...)
and :func:`default_rng` have NumPy's signatures on both backends. On
``"numpy"`` they are NumPy's own; on ``"jax"`` they draw from a JAX PRNG key
and return JaxArrays. ``seed(s)`` makes each backend's sequence reproducible;
the two backends' sequences differ from each other. Inside code compiled by
``shim.jit`` on ``"numpy"``, these functions are Numba's, drawing from Numba's
own generator, which ``seed(s)`` seeds too (see docs/numba.md).
"""
from __future__ import annotations

import functools

import numpy as np

from . import _backend, _random
from ._numba import seed_compiled_generator

__all__ = ["default_rng", "RandomState", "Generator", "random_integers", "BitGenerator",
           "MT19937", "PCG64", "PCG64DXSM", "Philox", "SFC64", "SeedSequence"]

#: NumPy's bit generators and seed sequences, as they are: they seed either backend's
#: generators (``shim.random.Generator(shim.random.PCG64(5))``).
from numpy.random import (  # noqa: E402
    MT19937,
    PCG64,
    PCG64DXSM,
    SFC64,
    BitGenerator,
    Philox,
    SeedSequence,
)

_STATE = _backend.STATE

#: The legacy ``numpy.random`` functions, each a method of the global stream.
_LEGACY = """
    seed random random_sample ranf sample rand randn randint choice permutation shuffle
    normal standard_normal uniform exponential standard_exponential poisson binomial beta
    gamma standard_gamma lognormal laplace logistic gumbel chisquare standard_t
    standard_cauchy pareto weibull rayleigh geometric triangular power f wald dirichlet
    multivariate_normal multinomial negative_binomial hypergeometric logseries zipf vonmises
    noncentral_chisquare noncentral_f bytes get_state set_state
""".split()


def _follow(name: str):
    numpy_function = getattr(np.random, name)

    def function(*args, **kwargs):
        if _STATE.name == "numpy":
            return numpy_function(*args, **kwargs)
        return getattr(_random.DEFAULT, name)(*args, **kwargs)

    functools.update_wrapper(function, numpy_function)
    function.__module__ = __name__
    return function


globals().update({name: _follow(name) for name in _LEGACY})
__all__ += _LEGACY


def seed(seed=None):
    """Seed the global stream of the current backend (``numpy.random.seed``).

    On ``"numpy"`` this seeds NumPy's global generator and gives the generator
    that code compiled by ``shim.jit`` (Numba) draws from the same state, so
    the first numbers drawn inside compiled code are those NumPy would draw.
    The two then advance separately.
    """
    if _STATE.name == "numpy":
        np.random.seed(seed)
        seed_compiled_generator()
        return None
    return _random.DEFAULT.seed(seed)


def default_rng(seed=None):
    """A new random generator: ``numpy.random.default_rng`` for the current backend.

    On the JAX backend, a :class:`shim._random.Generator` with
    ``numpy.random.Generator``'s methods, returning JaxArrays.
    """
    if _STATE.name == "numpy":
        return np.random.default_rng(seed)
    return _random.default_rng(seed)


def RandomState(seed=None):
    """A new legacy-API random stream (``numpy.random.RandomState``) for the current backend."""
    if _STATE.name == "numpy":
        return np.random.RandomState(seed)
    return _random.RandomState(seed)


def random_integers(low, high=None, size=None):
    """Integers in ``[low, high]`` (``numpy.random.random_integers``, deprecated in NumPy:
    prefer ``randint(low, high + 1)``)."""
    if _STATE.name == "numpy":
        return np.random.random_integers(low, high, size)
    if high is None:
        low, high = 1, low
    return _random.DEFAULT.randint(low, np.add(high, 1), size)


class _GeneratorType(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, (np.random.Generator, _random.Generator))

    def __subclasscheck__(cls, sub) -> bool:
        return issubclass(sub, (np.random.Generator, _random.Generator))


class Generator(metaclass=_GeneratorType):
    """The generator type of either backend (``numpy.random.Generator``).

    ``isinstance(rng, shim.random.Generator)`` holds for what :func:`default_rng`
    returns on both backends. ``Generator(bit_generator)`` makes one of the
    current backend; on JAX the bit generator only seeds it.
    """

    def __new__(cls, bit_generator):
        if _STATE.name == "numpy":
            return np.random.Generator(bit_generator)
        return _random.default_rng(int(np.random.Generator(bit_generator).integers(2**62)))

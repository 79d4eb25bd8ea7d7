"""The NumPy protocols of JaxArray: ``__array_function__`` (NEP 18) and ``__array_ufunc__`` (NEP 13).

Both handlers are a lookup: a NumPy function's registry entry knows its
caller (:mod:`._registry`), a ufunc method's handler is in
:data:`._ufunc_methods.METHODS`. The ndarray methods that are NumPy functions
(``x.sum()``, ``x.reshape(...)``) dispatch through the same entries.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .._array import JaxArray, wrap
from ._registry import ENTRIES
from ._ufunc import call, call_with_options, jax_function_of, on_host_fallback
from ._ufunc_methods import METHODS

__all__ = ["array_function", "array_ufunc", "dispatch", "install_methods"]


def array_function(self, func, types, args, kwargs):
    """``JaxArray.__array_function__``: route a NumPy function through the registry."""
    entry = ENTRIES.get(func)
    if entry is None:
        return NotImplemented
    for t in types:
        if t is not JaxArray and not issubclass(t, (JaxArray, np.ndarray)):
            return NotImplemented
    return entry.call(entry, args, kwargs)


def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """``JaxArray.__array_ufunc__``: NumPy ufuncs and their methods on JaxArrays.

    Foreign ufuncs too: SciPy's with a ``jax.scipy.special`` function run on
    JAX; the others (``numba.vectorize``'s) run on the host with a FallbackWarning.
    """
    if not isinstance(ufunc, np.ufunc) or jax_function_of(ufunc) is None:
        return on_host_fallback(ufunc, method, inputs, dict(kwargs))
    if method == "__call__":
        if kwargs:
            return call_with_options(ufunc, inputs, kwargs)
        return call(ufunc, inputs)
    handler = METHODS.get(method)
    if handler is None:
        return NotImplemented
    return handler(ufunc, inputs, kwargs)


def dispatch(entry, args, kwargs):
    """Call ``entry``'s implementation on ``args``/``kwargs`` by its convention."""
    return entry.call(entry, args, kwargs)


# --- array methods ---------------------------------------------------------------------------

#: ndarray methods that are NumPy functions with the array first.
_FUNCTION_METHODS = """
    all any argmax argmin argpartition argsort choose clip conj conjugate cumprod
    cumsum diagonal dot max mean min nonzero prod repeat round searchsorted std sum take
    trace var squeeze swapaxes
""".split()


def _function_method(func):
    def method(self, *args, **kwargs):
        return dispatch(ENTRIES[func], (self,) + args, kwargs)
    method.__name__ = func.__name__
    method.__qualname__ = f"JaxArray.{func.__name__}"
    method.__doc__ = f"``numpy.{func.__name__}(self, ...)``; see NumPy's documentation."
    return method


def _reshape(self, *shape, order="C", copy=None):
    """``numpy.reshape(self, shape)``: a view when NumPy's would be one here."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return dispatch(ENTRIES[np.reshape], (self, shape), {"order": order, "copy": copy})


def _ravel(self, order="C"):
    """``numpy.ravel(self)``: a view of a whole array, else a copy."""
    return dispatch(ENTRIES[np.ravel], (self,), {"order": order})


def _compress(self, condition, axis=None, out=None):
    """``numpy.compress(condition, self, axis)``."""
    return dispatch(ENTRIES[np.compress], (condition, self),
                    {"axis": axis, "out": out})


def _flatten(self, order="C"):
    """A flattened copy."""
    return wrap(jnp.ravel(self.value, order=order))


def install_methods(cls) -> None:
    """Give ``cls`` the ndarray methods that are NumPy functions."""
    for name in _FUNCTION_METHODS:
        setattr(cls, name, _function_method(getattr(np, name)))
    cls.reshape = _reshape
    cls.ravel = _ravel
    cls.flatten = _flatten
    cls.compress = _compress

"""What compiled code is given for the values it reads: NumPy's objects for shim's.

Numba knows NumPy, not shim: ``shim.sin`` becomes ``numpy.sin``,
``shim.random`` becomes ``numpy.random`` (whose functions draw from Numba's
generator), and values compiled code cannot hold (JaxArrays, lists, compiled
callables not called) are refused.
"""
from __future__ import annotations

import types

import numpy as np

from .._array import JaxArray
from .._objects import is_user_object

__all__ = ["for_numba", "is_object", "is_shim", "REFUSED", "COMPILED_CALLABLES", "NUMBERS",
           "CONSTANTS"]

#: Plain numbers, which compiled code reads as values (and may assign, as state).
NUMBERS = (bool, int, float, complex, np.bool_, np.number)
#: Plain values that are constants of the compiled code.
CONSTANTS = NUMBERS + (str, bytes, type(None), np.dtype, type)

#: Returned by :func:`for_numba` for values compiled code cannot be given.
REFUSED = object()
#: Classes of compiled callables whose Python function a call is flattened into
#: (NumbaFunction, registered by :mod:`._function`).
COMPILED_CALLABLES: list = []
#: shim's submodules and the NumPy modules they stand for.
_SUBMODULES = {"shim.random": "numpy.random", "shim.linalg": "numpy.linalg", "shim.fft": "numpy.fft"}


class _NumpyView(types.ModuleType):
    """``shim`` for Numba: every name is NumPy's object (``shim.random`` is ``numpy.random``).

    shim's namespace mirrors NumPy's, so a name is NumPy's own; names NumPy
    lacks (``shim.jit``, ``shim.JaxArray``) are refused.
    """

    def __getattr__(self, name):
        try:
            return getattr(np, name)
        except AttributeError:
            raise AttributeError(name) from None


_NUMPY_VIEW = _NumpyView("shim")


def is_object(value) -> bool:
    """Objects whose attributes compiled code reaches (not shim's or Numba's own objects)."""
    return is_user_object(value) and not is_shim(value) \
        and not type(value).__module__.startswith("numba")


def is_shim(value) -> bool:
    """Whether ``value`` is one of shim's own objects (its module is shim's)."""
    return (getattr(value, "__module__", None) or "").split(".")[0] == "shim"


def for_numba(value):
    """What Numba is given for a constant: NumPy's object for shim's, else the value."""
    if isinstance(value, types.ModuleType):
        if value.__name__ == "shim":
            return _NUMPY_VIEW
        name = _SUBMODULES.get(value.__name__)
        return value if name is None else getattr(np, name.split(".", 1)[1])
    if isinstance(value, tuple(COMPILED_CALLABLES)):
        return REFUSED                         # called ones are flattened in visit_Call
    if isinstance(value, JaxArray):
        return REFUSED
    if isinstance(value, (list, dict, set)):
        return REFUSED
    if isinstance(value, tuple):
        return value if all(isinstance(v, CONSTANTS + (tuple,)) for v in value) else REFUSED
    if is_shim(value) and hasattr(value, "__wrapped__"):
        return value.__wrapped__               # a namespace function or ufunc: NumPy's own
    return value

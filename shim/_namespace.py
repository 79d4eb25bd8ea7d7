"""The ``shim`` namespace, built from the registry: NumPy's public names.

Every function here reads the backend when it is called: on ``"jax"`` it
dispatches through the registry and returns JaxArrays, on ``"numpy"`` it is
NumPy's own function. Constants, dtypes and NumPy's utilities are NumPy's
objects. :func:`names` gives the contents of ``shim``, ``shim.linalg`` and
``shim.fft``.
"""
from __future__ import annotations

import functools
import sys
import types
import warnings

import jax.numpy as jnp
import numpy as np

from . import _backend
from ._array import JaxArray
from ._config import scoped
from ._dispatch import (
    BY_NAME,
    ENTRIES,
    JAX_UFUNCS,
    UFUNC_METHODS,
    dispatch,
    public_names,
    ufunc_call,
    wrap_result,
)

__all__ = ["names", "submodules", "ufunc", "ndarray"]

_STATE = _backend.STATE


def _function(entry):
    numpy_func = entry.numpy_func

    def function(*args, **kwargs):
        if _STATE.name == "numpy":
            return numpy_func(*args, **kwargs)
        return dispatch(entry, args, kwargs)

    functools.update_wrapper(function, numpy_func)
    function.__module__ = entry.name.rsplit(".", 1)[0].replace("numpy", "shim", 1)
    function.__qualname__ = entry.short_name
    return function


class ufunc:
    """A NumPy ufunc that follows the backend: ``shim.add(x, y)``, ``shim.add.reduce(x)``.

    On the JAX backend every call returns JaxArrays (for lists and NumPy arrays
    too); on the NumPy backend it is NumPy's ufunc. Attributes such as
    ``nin``, ``nout`` and ``identity`` are NumPy's.
    """

    def __init__(self, numpy_ufunc: np.ufunc):
        self._ufunc = numpy_ufunc
        self.__name__ = numpy_ufunc.__name__
        self.__doc__ = numpy_ufunc.__doc__
        self.__wrapped__ = numpy_ufunc

    def __call__(self, *args, **kwargs):
        if _STATE.name == "numpy":
            return self._ufunc(*args, **kwargs)
        result = ufunc_call(self._ufunc, args, kwargs)
        if result is NotImplemented:
            raise TypeError(f"shim.{self.__name__}: unsupported operand types "
                            f"{', '.join(type(a).__name__ for a in args)}")
        return result

    def _method(self, method, args, kwargs):
        if _STATE.name == "numpy":
            return getattr(self._ufunc, method)(*args, **kwargs)
        return UFUNC_METHODS[method](self._ufunc, args, kwargs)

    def reduce(self, *args, **kwargs):
        return self._method("reduce", args, kwargs)

    def accumulate(self, *args, **kwargs):
        return self._method("accumulate", args, kwargs)

    def reduceat(self, *args, **kwargs):
        return self._method("reduceat", args, kwargs)

    def outer(self, *args, **kwargs):
        return self._method("outer", args, kwargs)

    def at(self, *args, **kwargs):
        return self._method("at", args, kwargs)

    def __getattr__(self, name):
        return getattr(self._ufunc, name)

    def __repr__(self) -> str:
        return f"<shim.ufunc '{self.__name__}'>"


class _ArrayType(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, (np.ndarray, JaxArray))

    def __subclasscheck__(cls, sub) -> bool:
        return issubclass(sub, (np.ndarray, JaxArray))


class ndarray(metaclass=_ArrayType):
    """The array type of either backend.

    ``isinstance(x, shim.ndarray)`` is true for NumPy arrays and JaxArrays;
    ``shim.ndarray(shape, dtype)`` makes an uninitialised (zero) array of the
    current backend, like ``numpy.ndarray(shape, dtype)``.
    """

    @scoped
    def __new__(cls, shape, dtype=float, *args, **kwargs):
        if args or kwargs:
            raise TypeError("shim.ndarray(shape, dtype) takes no buffer arguments")
        if _STATE.name == "numpy":
            return np.ndarray(shape, dtype)
        return JaxArray(jnp.zeros(shape, dtype))


class _IndexTrick:
    """``r_``, ``c_``, ``mgrid``, ``ogrid`` for the current backend."""

    __slots__ = ("_numpy", "_jax", "_name")

    def __init__(self, name):
        self._name = name
        self._numpy = getattr(np, name)
        self._jax = getattr(jnp, name)

    @scoped
    def __getitem__(self, key):
        if _STATE.name == "numpy":
            return self._numpy[key]
        return wrap_result(self._jax[_unwrap_key(key)])

    def __repr__(self) -> str:
        return f"shim.{self._name}"


def _unwrap_key(key):
    if type(key) is tuple:
        return tuple(_unwrap_key(k) for k in key)
    return key.value if type(key) is JaxArray else key


#: NumPy submodules re-exported unchanged: they work on NumPy arrays (JaxArrays reach them
#: through conversion, and their results are NumPy's).
_NUMPY_SUBMODULES = ("testing", "exceptions", "dtypes", "typing", "char", "strings", "rec", "ma",
                     "polynomial", "ctypeslib", "f2py", "core")
#: NumPy public names that shim replaces (``emath`` and ``lib`` are built by :func:`submodules`).
_SKIPPED = frozenset({"linalg", "fft", "random", "emath", "lib", "__version__"})


@functools.cache
def _ufunc_objects():
    return {u: ufunc(u) for u in JAX_UFUNCS}


def names(prefix: str) -> dict[str, object]:
    """The public names of the shim module that mirrors NumPy module ``prefix``."""
    module = {"numpy": np, "numpy.linalg": np.linalg, "numpy.fft": np.fft,
              "numpy.emath": np.emath}[prefix]
    result = {}
    for name in public_names(module):
        entry = BY_NAME.get(f"{prefix}.{name}")
        if entry is not None:
            if entry.convention == "numpy":
                result[name] = entry.numpy_func
            elif entry.convention == "ufunc":
                result[name] = _ufunc_objects()[entry.numpy_func]
            else:
                result[name] = _function(entry)
        elif name not in _SKIPPED:
            result[name] = getattr(module, name)
    if prefix == "numpy":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            for name in _NUMPY_SUBMODULES:
                result[name] = getattr(np, name)
        result.update({name: _IndexTrick(name) for name in ("r_", "c_", "mgrid", "ogrid")})
        result["ndarray"] = ndarray
        result["ufunc"] = ufunc
    return result


def _module(name: str, doc: str, contents: dict) -> types.ModuleType:
    """A module object ``name`` holding ``contents``, importable (in ``sys.modules``)."""
    module = types.ModuleType(name, doc)
    module.__dict__.update(contents)
    module.__all__ = sorted(contents)
    sys.modules[name] = module
    return module


def submodules() -> dict[str, types.ModuleType]:
    """``shim.emath`` and ``shim.lib`` (with ``shim.lib.scimath`` and ``shim.lib.stride_tricks``).

    ``emath`` follows the backend like the rest of ``shim``; ``stride_tricks``'
    ``sliding_window_view`` too. The other ``numpy.lib`` names (``mixins``,
    ``array_utils``, ``NumpyVersion``, ``npyio``, ``format``...) are NumPy's
    own: they take no arrays or work on NumPy arrays. ``as_strided`` is
    NumPy's and returns a NumPy array, because JAX arrays have no strides.
    """
    emath = _module("shim.emath", "``numpy.emath`` for the current backend: complex results "
                    "outside the real domain (eager only on JAX: the dtype depends on the values).",
                    names("numpy.emath"))
    window = dispatched_function(np.lib.stride_tricks.sliding_window_view)
    stride_tricks = _module("shim.lib.stride_tricks", "``numpy.lib.stride_tricks`` for the "
                            "current backend.", {"sliding_window_view": window,
                                                 "as_strided": np.lib.stride_tricks.as_strided})
    lib = {name: getattr(np.lib, name) for name in public_names(np.lib)}
    lib.update(scimath=emath, stride_tricks=stride_tricks)
    sys.modules["shim.lib.scimath"] = emath
    return {"emath": emath, "lib": _module("shim.lib", "``numpy.lib`` for the current backend.",
                                           lib)}


def dispatched_function(numpy_func):
    """``numpy_func`` following the backend, through its registry entry."""
    return _function(ENTRIES[numpy_func])

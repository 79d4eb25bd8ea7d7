"""Every public NumPy callable the table covers, by qualified name.

:func:`enumerate_callables` lists top-level functions, ``numpy.linalg``,
``numpy.fft``, ``numpy.random`` (module functions and ``Generator``
methods), every ufunc with each method NumPy supports for it, the
``ndarray`` methods, and -- where SciPy is installed -- the ``scipy.special``
ufuncs that have a ``jax.scipy.special`` namesake. :func:`resolve` turns a name back into the NumPy object
and the kind of call (names travel to worker processes, objects do not).
"""
from __future__ import annotations

import types
import warnings

import numpy as np

from shim._dispatch import public_names

__all__ = ["UFUNC_METHODS", "GROUPS", "enumerate_callables", "resolve", "group_of", "dispatches",
           "is_dispatchable"]

UFUNC_METHODS = ("reduce", "accumulate", "reduceat", "outer", "at")

#: Table sections, in order.
GROUPS = ("numpy", "numpy.linalg", "numpy.fft", "numpy.random", "numpy.random.Generator",
          "ufunc methods", "numpy.ndarray", "scipy.special")

_MODULES = {"numpy": np, "numpy.linalg": np.linalg, "numpy.fft": np.fft, "numpy.random": np.random}


def _is_function(obj) -> bool:
    return callable(obj) and not isinstance(obj, (type, types.ModuleType))


def enumerate_callables() -> list[str]:
    """Qualified names of every callable, sorted within each group."""
    names = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for prefix, module in _MODULES.items():
            for name in public_names(module):
                obj = getattr(module, name, None)
                if obj is not None and _is_function(obj):
                    names.append(f"{prefix}.{name}")
                    if isinstance(obj, np.ufunc) and obj.__name__ == name:
                        names.extend(f"{prefix}.{name}.{m}" for m in _ufunc_methods(obj))
    names.extend(f"numpy.random.Generator.{n}" for n in public_names(np.random.Generator)
                 if callable(getattr(np.random.Generator, n)))
    names.extend(f"numpy.ndarray.{n}" for n in public_names(np.ndarray)
                 if callable(getattr(np.ndarray, n)))
    names.extend(f"scipy.special.{n}" for n in _scipy_special_names())
    return names


def _scipy_special_names() -> list[str]:
    """The ``scipy.special`` ufuncs with a ``jax.scipy.special`` namesake ([] without SciPy)."""
    try:
        import scipy.special as special
    except ImportError:
        return []
    import jax.scipy.special as jss
    return [n for n in public_names(special)
            if isinstance(getattr(special, n, None), np.ufunc) and hasattr(jss, n)]


def _ufunc_methods(u: np.ufunc):
    """The methods NumPy supports for ``u``: all five for binary ufuncs with one output.

    Generalized ufuncs (``matmul``, ``vecdot``) have none.
    """
    if u.signature is not None:
        return ()
    if u.nin == 2 and u.nout == 1:
        return UFUNC_METHODS
    if u.nout == 1:
        return ("at",)
    return ()


def resolve(name: str):
    """(kind, NumPy object, ufunc or None) for a qualified name.

    Kinds: ``function``, ``ufunc``, ``ufunc-method``, ``random``, ``generator``,
    ``method``.
    """
    if name.startswith("numpy.ndarray."):
        return "method", getattr(np.ndarray, name.rsplit(".", 1)[1]), None
    if name.startswith("numpy.random.Generator."):
        return "generator", getattr(np.random.Generator, name.rsplit(".", 1)[1]), None
    if name.startswith("scipy.special."):
        import scipy.special
        u = getattr(scipy.special, name.rsplit(".", 1)[1])
        return "ufunc", u, u
    prefix, _, short = name.rpartition(".")
    if prefix in _MODULES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            obj = getattr(_MODULES[prefix], short)
        if isinstance(obj, np.ufunc):
            return "ufunc", obj, obj
        return ("random" if prefix == "numpy.random" else "function"), obj, None
    owner, _, method = prefix.rpartition(".")
    u = getattr(_MODULES[owner], method)
    return "ufunc-method", u, u


def group_of(name: str) -> str:
    if name.startswith("numpy.ndarray."):
        return "numpy.ndarray"
    if name.startswith("numpy.random.Generator."):
        return "numpy.random.Generator"
    if name.startswith("scipy.special."):
        return "scipy.special"
    prefix = name.rpartition(".")[0]
    return prefix if prefix in _MODULES else "ufunc methods"


def dispatches(numpy_obj) -> bool:
    """Whether NumPy hands calls of ``numpy_obj`` to ``__array_function__``/``__array_ufunc__``."""
    return isinstance(numpy_obj, np.ufunc) or type(numpy_obj).__name__ == "_ArrayFunctionDispatcher"


def is_dispatchable(name: str) -> bool:
    """A function or ufunc of ``numpy``, ``numpy.linalg`` or ``numpy.fft`` that NumPy dispatches."""
    if group_of(name) not in ("numpy", "numpy.linalg", "numpy.fft"):
        return False
    return dispatches(resolve(name)[1])

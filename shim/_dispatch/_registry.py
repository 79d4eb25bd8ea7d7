"""The registry: every public NumPy callable and how shim implements it on JAX.

One table, built once at import, keyed by the NumPy callable itself. It is the
single source of truth: ``__array_function__`` dispatches through it, the
``shim`` namespace is built from it, and the comparison table reads its
statuses and reasons. It imports only the implementations.

Each :class:`~._entry.Entry` has a status (``native``, ``fallback``,
``missing``) and a *convention* saying how it is called -- its ``call`` is
that convention's caller:

``"jax"``
    ``impl`` takes ``jax.Array`` values (:mod:`._jax_in`, :mod:`._jax_adapters`,
    or ``jax.numpy``'s own function); JaxArrays are unwrapped before the call
    and array results are wrapped after it. ``out=`` is handled around it.
``"array"``
    ``impl`` takes the arguments as given (JaxArrays included) and returns the
    final result: views, in-place functions, introspection (:mod:`._array_in`,
    :mod:`._inplace`).
``"host"``
    NumPy runs on host copies; array results are wrapped (:mod:`._host`).
``"numpy"``
    NumPy's own object, which takes no arrays (``set_printoptions``,
    ``isdtype``...); the namespace re-exports it unchanged.
``"ufunc"``
    A NumPy ufunc: see :mod:`._ufunc`.

A NumPy name given two implementations is an error at import, never a silent
overwrite.
"""
from __future__ import annotations

import types
import warnings

import jax.numpy as jnp
import numpy as np

from . import _array_in, _host, _inplace, _jax_adapters, _jax_in, _ufunc
from ._entry import FALLBACK, MISSING, NATIVE, Entry
from ._ufunc import JAX_UFUNCS

__all__ = ["Entry", "ENTRIES", "BY_NAME", "MODULES", "public_names", "NATIVE", "FALLBACK", "MISSING"]

#: (NumPy module, jax.numpy module, qualified prefix) covered by the registry.
MODULES = ((np, jnp, "numpy"), (np.linalg, jnp.linalg, "numpy.linalg"), (np.fft, jnp.fft, "numpy.fft"),
           (np.emath, None, "numpy.emath"))

#: NumPy callables outside MODULES that JaxArrays still dispatch (in ENTRIES, not in BY_NAME:
#: the shim namespace has no module for them).
_DISPATCH_ONLY = ("numpy.lib.stride_tricks.sliding_window_view",)

#: NumPy callables that take no arrays: re-exported as they are.
_NUMPY_UTILITIES = frozenset("""
    get_printoptions set_printoptions printoptions seterr geterr seterrcall geterrcall
    setbufsize getbufsize show_config show_runtime get_include info test typename base_repr
    binary_repr format_float_positional format_float_scientific issubdtype isdtype
    promote_types mintypecode isscalar iterable broadcast_shapes frompyfunc nested_iters
""".split())

#: Host operations by nature (files, text, dates): NumPy on host copies, no warning.
_HOST_NATIVE = {
    name: reason for names, reason in (
        ("save savez savez_compressed savetxt load loadtxt genfromtxt fromfile fromregex "
         "frombuffer fromstring fromiter", "file and buffer I/O runs on the host"),
        ("array2string array_repr array_str", "text formatting runs on the host"),
        ("datetime_as_string datetime_data busday_count busday_offset is_busday",
         "datetime types exist only in NumPy"),
    ) for name in names.split()
}


#: The caller of each convention.
_CALLERS = {"jax": _jax_in.call, "array": _array_in.call, "host": _host.call,
            "numpy": _host.call_numpy, "ufunc": _ufunc.call_entry}


def _implementations():
    """Qualified NumPy name -> (impl, convention, reason), from every implementation table."""
    tables = (("array", _array_in.IMPLEMENTATIONS), ("array", _inplace.IMPLEMENTATIONS),
              ("jax", _jax_in.IMPLEMENTATIONS), ("jax", _jax_adapters.IMPLEMENTATIONS))
    merged: dict = {}
    for convention, table in tables:
        for name, impl, reason in table:
            if name in merged:
                raise RuntimeError(f"shim's registry: {name} has two implementations "
                                   f"({merged[name][0]!r} and {impl!r}); keep one")
            merged[name] = (impl, convention, reason)
    return merged


_IMPLEMENTATIONS = _implementations()


def public_names(module) -> list[str]:
    """Public names of a NumPy module, in a stable order."""
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    return sorted(set(names))


def _is_function(obj) -> bool:
    return callable(obj) and not isinstance(obj, (type, types.ModuleType))


def _classify(prefix: str, name: str, numpy_func, jax_module) -> Entry:
    qualified = f"{prefix}.{name}"
    if isinstance(numpy_func, np.ufunc):
        jfunc = JAX_UFUNCS.get(numpy_func)
        if jfunc is None:
            return _entry(qualified, numpy_func, None, MISSING,
                          "needs datetime types, which JAX lacks", "ufunc")
        return _entry(qualified, numpy_func, jfunc, NATIVE, "", "ufunc")
    override = _IMPLEMENTATIONS.get(qualified)
    if override is not None:
        impl, convention, reason = override
        return _entry(qualified, numpy_func, impl, NATIVE, reason, convention)
    if prefix == "numpy" and name in _NUMPY_UTILITIES:
        return _entry(qualified, numpy_func, numpy_func, NATIVE, "NumPy's own; takes no arrays",
                      "numpy")
    if prefix == "numpy" and name in _HOST_NATIVE:
        return _entry(qualified, numpy_func, numpy_func, NATIVE, _HOST_NATIVE[name], "host")
    jfunc = getattr(jax_module, name, None)
    if jfunc is not None and jfunc is not numpy_func and name not in _jax_in.JAX_STUBS:
        return _entry(qualified, numpy_func, jfunc, NATIVE, "", "jax")
    return _entry(qualified, numpy_func, numpy_func, FALLBACK,
                  f"jax.numpy has no {name}" if jfunc is None else
                  f"jax.numpy.{name} is NumPy's own function", "host")


def _entry(name, numpy_func, impl, status, reason, convention) -> Entry:
    if name in _host.NOT_FINITE_ON_HOST:
        impl = _host.not_finite_on_host(impl, numpy_func)
    return Entry(name, numpy_func, impl, status, reason, convention, _CALLERS[convention])


def _build():
    """One entry per NumPy callable, built under its canonical name; aliases share it.

    ``numpy.concat`` is ``numpy.concatenate`` and ``numpy.abs`` is
    ``numpy.absolute``: the entry is made for the name the object calls itself
    (its ``__name__``), so an override of ``concatenate`` covers ``concat`` too.
    """
    names_of: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for module, jax_module, prefix in MODULES:
            for name in public_names(module):
                obj = getattr(module, name, None)
                if obj is not None and _is_function(obj):
                    names_of.setdefault(obj, []).append((prefix, name, jax_module))
    entries: dict = {}
    by_name: dict = {}
    for obj, names in names_of.items():
        own = getattr(obj, "__name__", None)
        prefix, name, jax_module = next((n for n in names if n[1] == own), names[0])
        entry = entries[obj] = _classify(prefix, name, obj, jax_module)
        for prefix, alias, _ in names:
            by_name[f"{prefix}.{alias}"] = entry
    for qualified in _DISPATCH_ONLY:
        prefix, name = qualified.rsplit(".", 1)
        module = np
        for part in prefix.split(".")[1:]:
            module = getattr(module, part)
        obj = getattr(module, name)
        entries[obj] = _classify(prefix, name, obj, None)
    return entries, by_name


#: NumPy callable -> Entry (a callable exported under two names maps to its first name).
ENTRIES, BY_NAME = _build()

"""The registry: every public NumPy callable and how shim implements it on JAX.

One table, built once at import, keyed by the NumPy callable itself. It is the
single source of truth: ``__array_function__`` dispatches through it, the
``shim`` namespace is built from it, and the comparison table reads its
statuses and reasons.

Each :class:`Entry` has a *status* -- ``native`` (runs on JAX, or is a host
operation by nature such as file I/O), ``fallback`` (runs NumPy on host copies
and warns) or ``missing`` -- and a *convention* saying how it is called:

``"jax"``
    ``impl`` takes ``jax.Array`` values; JaxArrays are unwrapped before the
    call and array results are wrapped after it. ``out=`` is handled around it.
``"array"``
    ``impl`` takes the arguments as given (JaxArrays included) and returns the
    final result: in-place functions, views and introspection.
``"host"``
    NumPy runs on host copies; array results are wrapped.
``"numpy"``
    NumPy's own object, which takes no arrays (``set_printoptions``,
    ``isdtype``...); the namespace re-exports it unchanged.
``"ufunc"``
    A NumPy ufunc: see :mod:`shim._ufuncs`.
"""
from __future__ import annotations

import inspect
import types
import warnings

import jax.numpy as jnp
import numpy as np

from . import _jax_additions, _overrides
from ._ufuncs import JAX_UFUNCS

__all__ = ["Entry", "ENTRIES", "BY_NAME", "MODULES", "public_names"]

NATIVE, FALLBACK, MISSING = "native", "fallback", "missing"

#: (NumPy module, jax.numpy module, qualified prefix) covered by the registry.
MODULES = ((np, jnp, "numpy"), (np.linalg, jnp.linalg, "numpy.linalg"), (np.fft, jnp.fft, "numpy.fft"))

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


class Entry:
    """How one NumPy callable is implemented on the JAX backend."""

    __slots__ = ("name", "numpy_func", "impl", "status", "reason", "convention", "call",
                 "_params", "_impl_params")

    def __init__(self, name, numpy_func, impl, status, reason, convention):
        self.name = name
        self.numpy_func = numpy_func
        self.impl = impl
        self.status = status
        self.reason = reason
        self.convention = convention
        self.call = None        # the protocol layer's caller for this convention
        self._params = None
        self._impl_params = False

    def __repr__(self) -> str:
        return f"<Entry {self.name}: {self.status} ({self.convention}){' - ' + self.reason if self.reason else ''}>"

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[1]

    def params(self):
        """(positional parameter names, name of ``*args`` or None), from NumPy's signature."""
        if self._params is None:
            try:
                sig = inspect.signature(self.numpy_func)
            except (TypeError, ValueError):
                self._params = ((), None)
            else:
                positional = tuple(p.name for p in sig.parameters.values()
                                   if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
                star = next((p.name for p in sig.parameters.values()
                             if p.kind == p.VAR_POSITIONAL), None)
                self._params = (positional, star)
        return self._params

    def impl_params(self):
        """Keyword names the implementation accepts, or None if it takes ``**kwargs``."""
        if self._impl_params is False:
            try:
                parameters = inspect.signature(self.impl).parameters.values()
            except (TypeError, ValueError):
                self._impl_params = None
            else:
                self._impl_params = None if any(p.kind == p.VAR_KEYWORD for p in parameters) \
                    else frozenset(p.name for p in parameters)
        return self._impl_params


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
            return Entry(qualified, numpy_func, None, MISSING,
                         "needs datetime types, which JAX lacks", "ufunc")
        return Entry(qualified, numpy_func, jfunc, NATIVE, "", "ufunc")
    override = _overrides.IMPLEMENTATIONS.get(qualified) or _jax_additions.IMPLEMENTATIONS.get(qualified)
    if override is not None:
        impl, convention, reason = override
        return Entry(qualified, numpy_func, impl, NATIVE, reason, convention)
    if prefix == "numpy" and name in _NUMPY_UTILITIES:
        return Entry(qualified, numpy_func, numpy_func, NATIVE, "NumPy's own; takes no arrays",
                     "numpy")
    if prefix == "numpy" and name in _HOST_NATIVE:
        return Entry(qualified, numpy_func, numpy_func, NATIVE, _HOST_NATIVE[name], "host")
    jfunc = getattr(jax_module, name, None)
    if jfunc is not None and jfunc is not numpy_func and name not in _overrides.JAX_STUBS:
        return Entry(qualified, numpy_func, jfunc, NATIVE, "", "jax")
    return Entry(qualified, numpy_func, numpy_func, FALLBACK,
                 f"jax.numpy has no {name}" if jfunc is None else
                 f"jax.numpy.{name} is NumPy's own function", "host")


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

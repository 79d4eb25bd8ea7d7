"""The dispatch layer: NumPy's protocols on JaxArrays, through one registry.

Modules:

- ``_registry``: every public NumPy callable and its implementation (data,
  built once at import; imports only the implementations); ``_entry``: one
  registry entry;
- implementations by calling convention: ``_jax_in`` (``jax.Array`` in, with
  its caller) and ``_jax_adapters``; ``_array_in`` (JaxArrays in: views,
  introspection, copies) and ``_inplace`` (functions writing their argument);
  ``_host`` (NumPy on host copies, fallbacks);
- ``_ufunc``: ufunc calls, in-place operators, ``out=`` and the operator
  table; ``_ufunc_methods``: ``reduce``, ``accumulate``, ``reduceat``,
  ``outer``, ``at``;
- ``_protocols``: the NEP 18 and NEP 13 handlers and the function methods;
- ``_placement``: ``device=`` as a device or a sharding, for creation and
  random functions and ``device_put``;
- ``_results`` (wrapping results, ``out=`` for functions), ``_dtypes``
  (NumPy's promotion rules);
- ``_probe`` (NumPy's exception for a call JAX refused, asked of NumPy on
  free arrays of the same shapes), ``_sizes`` (shapes checked before JAX
  sees them, out-of-memory as ``MemoryError``).

May import: :mod:`shim._array` (its exported names only) and the leaves
(``shim._config``, ``shim._backend``, ``shim._errors``, ``shim._objects``,
``shim._branch_cuts``). :func:`install` gives JaxArray its protocols, operators
and methods; the public face calls it first. The layers above use the names
exported here:

- ``install``; ``ENTRIES``, ``BY_NAME``, ``public_names``, ``NATIVE``,
  ``FALLBACK``, ``MISSING``: the registry; ``dispatch``: call an entry;
- ``ufunc_call``, ``UFUNC_METHODS``, ``JAX_UFUNCS``: ufuncs and their methods;
- ``wrap_result``; ``forget_fallback_warnings``; ``contiguous_producer`` (a DLPack
  producer JAX can import);
- ``placed``, ``put``, ``as_sharding``, ``device_put``: arrays made or put where
  ``device=`` says.
"""
from .._config import scope_class, scoped
from ._host import forget_warnings as forget_fallback_warnings
from ._jax_adapters import contiguous_producer
from ._placement import as_sharding, device_put, placed, put
from ._protocols import array_function, array_ufunc, install_methods
from ._protocols import dispatch as _dispatch
from ._registry import BY_NAME, ENTRIES, FALLBACK, MISSING, NATIVE, public_names
from ._results import wrap_result
from ._ufunc import JAX_UFUNCS, install_operators
from ._ufunc import call as _ufunc_call
from ._ufunc_methods import METHODS as _UFUNC_METHODS

# The entry points run under shim's 64-bit setting (shim._config.scoped).
dispatch = scoped(_dispatch)
ufunc_call = scoped(_ufunc_call)
device_put = scoped(device_put)
UFUNC_METHODS = {name: scoped(method) for name, method in _UFUNC_METHODS.items()}

__all__ = ["install", "ENTRIES", "BY_NAME", "public_names", "NATIVE", "FALLBACK", "MISSING",
           "dispatch", "ufunc_call", "UFUNC_METHODS", "JAX_UFUNCS", "wrap_result",
           "forget_fallback_warnings", "contiguous_producer", "as_sharding", "device_put", "placed",
           "put"]


def install(cls) -> None:
    """Give ``cls`` (JaxArray) NumPy's protocols, every Python operator and the function methods."""
    install_operators(cls)
    install_methods(cls)
    cls.__array_ufunc__ = array_ufunc
    cls.__array_function__ = array_function
    scope_class(cls)

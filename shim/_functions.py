"""NumPy functions on JaxArrays: ``__array_function__`` (NEP 18) and array methods.

Every call goes through :func:`dispatch`, which looks at the registry entry's
*convention* (see :mod:`shim._registry`):

* ``jax``: unwrap JaxArrays to ``jax.Array`` (and Python lists in array
  positions to arrays), call ``jax.numpy``, wrap array results, honour ``out=``;
* ``array``: call shim's own implementation with the arguments as given;
* ``host``: run NumPy on host copies and wrap array results; a *fallback* warns
  once per function (``shim.config.fallback``) and is refused inside ``jit``.
"""
from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np

from . import _registry, _ufuncs
from ._array import JaxArray, wrap
from ._config import FallbackWarning, config

__all__ = ["array_function", "dispatch", "wrap_result", "install_methods"]

_Tracer = jax.core.Tracer
_ArrayImpl = type(jnp.zeros(0))


def array_function(self, func, types, args, kwargs):
    """``JaxArray.__array_function__``: route a NumPy function through the registry."""
    entry = _registry.ENTRIES.get(func)
    if entry is None:
        return NotImplemented
    for t in types:
        if t is not JaxArray and not issubclass(t, (JaxArray, np.ndarray)):
            return NotImplemented
    return entry.call(entry, args, kwargs)


def dispatch(entry, args, kwargs):
    """Call ``entry``'s implementation on ``args``/``kwargs`` by its convention."""
    return entry.call(entry, args, kwargs)


def _call_jax(entry, args, kwargs):
    out = None
    if kwargs:
        out = kwargs.pop("out", None)
        kwargs = {k: _unwrap(v, _kind_of(entry, k)) for k, v in _supported(entry, kwargs)}
    values = []
    for a in args:
        t = type(a)
        if t is JaxArray:
            values.append(a._value if a._base is None else a.value)
        elif t is list or t is tuple:
            values = _unwrap_args(entry, args)
            break
        else:
            values.append(a)
    try:
        result = entry.impl(*values, **kwargs)
    except (jax.errors.ConcretizationTypeError, jax.errors.NonConcreteBooleanIndexError) as error:
        raise TypeError(
            f"{entry.name} inside jit: its result's shape (or an argument it needs as a Python "
            "value) depends on array values, which are not known while compiling. Use "
            "np.where(cond, a, b) to keep shapes fixed, give the result a fixed size through "
            "shim's namespace (shim.nonzero(x, size=n), shim.unique(x, size=n), "
            "shim.where(cond, size=n)), or make the argument static (static_argnums).") from error
    if out is not None:
        return _write_out(entry, result, out)
    if type(result) is _ArrayImpl:
        return wrap(result)
    return wrap_result(result)


def _call_array(entry, args, kwargs):
    return entry.impl(*args, **kwargs)


def _call_numpy(entry, args, kwargs):
    return entry.numpy_func(*args, **kwargs)


def _call_ufunc(entry, args, kwargs):
    result = _ufuncs.call(entry.numpy_func, args, kwargs)
    if result is NotImplemented:
        raise TypeError(f"{entry.name}: unsupported operand types "
                        f"{', '.join(type(a).__name__ for a in args)}")
    return result


def _call_host(entry, args, kwargs):
    if entry.status == _registry.FALLBACK:
        _announce_fallback(entry)
    if _any_traced(args) or _any_traced(kwargs.values()):
        raise TypeError(
            f"{entry.name} cannot be used inside jit: "
            + (f"JAX has no implementation ({entry.reason}), so it would run NumPy on "
               "host data, which a compiled function cannot do. Call it outside the compiled "
               "function, or express it with functions the comparison table lists as native."
               if entry.status == _registry.FALLBACK else f"it {entry.reason}."))
    out = kwargs.pop("out", None) if "out" in kwargs else None
    result = entry.numpy_func(*_to_host(args), **{k: _to_host(v) for k, v in kwargs.items()})
    return wrap_result(result) if out is None else _write_out(entry, result, out)


#: NumPy keywords that cannot change values on JAX (memory order, subclasses, host device).
_NO_EFFECT = {"order": None, "subok": None, "device": (None, "cpu"), "like": (None,)}


def _supported(entry, kwargs):
    """The keyword arguments to pass on; NumPy-only ones without effect are dropped."""
    accepted = entry.impl_params()
    for key, value in kwargs.items():
        if accepted is None or key in accepted:
            yield key, value
        elif key not in _NO_EFFECT or (_NO_EFFECT[key] is not None and value not in _NO_EFFECT[key]):
            raise TypeError(f"{entry.name}: the argument {key}={value!r} is not supported on the "
                            "JAX backend")


_CONVENTIONS = {"jax": _call_jax, "array": _call_array, "host": _call_host, "numpy": _call_numpy,
                "ufunc": _call_ufunc}

for _entry in _registry.ENTRIES.values():     # every entry; BY_NAME holds the named ones
    _entry.call = _CONVENTIONS[_entry.convention]

_ANNOUNCED: set = set()


def _announce_fallback(entry):
    mode = config.fallback
    if mode == "error":
        raise TypeError(f"{entry.name} has no JAX implementation ({entry.reason}); "
                        "shim.config.fallback is 'error'. Set it to 'warn' or 'silent' to run "
                        "NumPy on host copies instead.")
    if mode == "warn" and entry.name not in _ANNOUNCED:
        _ANNOUNCED.add(entry.name)
        warnings.warn(f"{entry.name} has no JAX implementation ({entry.reason}); it runs "
                      "NumPy on host copies and the result is copied back to the device. "
                      "This warning is shown once per function.", FallbackWarning, stacklevel=4)


# --- arguments ----------------------------------------------------------------------------

#: Parameter names whose list/tuple arguments are arrays (converted with jnp.asarray).
_ARRAY_PARAMS = frozenset("""
    a a1 a2 x x1 x2 y arr array ary ar ar1 ar2 m v b condition p xp fp values indices
    weights element test_elements A B mask vals ind prepend append to_end to_begin
    a_min a_max min max fill_value q seq_of_zeros src obj fweights aweights sample
    object repeats bins right_bins dst default
""".split())

#: Parameter names holding sequences of arrays (each list element becomes an array).
_SEQUENCE_PARAMS = frozenset("arrays tup condlist choicelist choices keys multi_index".split())

#: Functions that read a list differently from the array made of it (``block``'s nesting,
#: ``histogramdd``'s one list per dimension): their lists are kept as lists.
_NESTED = frozenset({"numpy.block", "numpy.histogramdd"})


def _kind_of(entry, name):
    if entry.name in _NESTED:
        return "other"
    if name in _ARRAY_PARAMS:
        return "array"
    if name in _SEQUENCE_PARAMS:
        return "sequence"
    return "other"


def _unwrap_args(entry, args):
    """``args`` unwrapped, with lists in array positions made arrays (see _kind_of)."""
    positional, star = entry.params()
    unwrapped = []
    for i, a in enumerate(args):
        name = positional[i] if i < len(positional) else star
        kind = "array" if name == star and star is not None else _kind_of(entry, name)
        unwrapped.append(_unwrap(a, kind))
    return unwrapped


def _unwrap(x, kind):
    """``x`` with JaxArrays replaced by their values; lists made arrays where ``kind`` says."""
    t = type(x)
    if t is JaxArray:
        return x.value
    if t is list or t is tuple:
        if kind == "array":
            return jnp.asarray(_unwrap(x, "other"))
        inner = "array" if kind == "sequence" else "other"
        return t(_unwrap(item, inner) for item in x)
    return x


def _to_host(x):
    t = type(x)
    if t is JaxArray:
        return np.array(x)
    if isinstance(x, jax.Array):
        return np.array(x)
    if t is list or t is tuple:
        return t(_to_host(item) for item in x)
    return x


def _any_traced(values) -> bool:
    for v in values:
        t = type(v)
        if t is JaxArray:
            if isinstance(v.value, _Tracer):
                return True
        elif isinstance(v, _Tracer):
            return True
        elif (t is list or t is tuple) and _any_traced(v):
            return True
    return False


# --- results ----------------------------------------------------------------------------

_HOST_ARRAY_KINDS = "biufc"
_NUMPY_RESULTS = {name: getattr(np.linalg._linalg, name) for name in (
    "EigResult", "EighResult", "QRResult", "SlogdetResult", "SVDResult")
    if hasattr(np.linalg, "_linalg") and hasattr(np.linalg._linalg, name)}


def wrap_result(result):
    """Array results as JaxArrays (containers kept); everything else unchanged."""
    t = type(result)
    if t is _ArrayImpl or isinstance(result, jax.Array):
        return wrap(result)
    if t is tuple or t is list:
        return t(wrap_result(r) for r in result)
    if isinstance(result, tuple):   # a named tuple: NumPy's class (SVDResult, EighResult...)
        return _NUMPY_RESULTS.get(t.__name__, t)(*(wrap_result(r) for r in result))
    if isinstance(result, (np.ndarray, np.generic)) and result.dtype.kind in _HOST_ARRAY_KINDS:
        return wrap(jnp.asarray(result))
    return result


def _write_out(entry, result, out):
    """NumPy's ``out=`` for functions: same shape, unsafe cast, return ``out``."""
    if type(out) is tuple:
        if len(out) != 1:
            raise ValueError(f"{entry.name}: 'out' must be a single array, got {len(out)}")
        out = out[0]
    shape = np.shape(result)
    if isinstance(out, np.ndarray):
        if out.shape != shape:
            raise ValueError(f"{entry.name}: output array has shape {out.shape}, the result has "
                             f"shape {shape}")
        np.copyto(out, np.asarray(result), casting="unsafe")
        return out
    if type(out) is not JaxArray:
        raise TypeError(f"{entry.name}: 'out' must be a JaxArray or numpy.ndarray, got "
                        f"{type(out).__name__}")
    if out.shape != shape:
        raise ValueError(f"{entry.name}: output array has shape {out.shape}, the result has "
                         f"shape {shape}")
    out[...] = result.value if type(result) is JaxArray else result
    return out


# --- array methods ---------------------------------------------------------------------------

#: ndarray methods that are NumPy functions with the array first.
_FUNCTION_METHODS = """
    all any argmax argmin argpartition argsort choose clip conj conjugate cumprod
    cumsum diagonal dot max mean min nonzero prod repeat round searchsorted std sum take
    trace var squeeze swapaxes
""".split()


def _function_method(func):
    def method(self, *args, **kwargs):
        return dispatch(_registry.ENTRIES[func], (self,) + args, kwargs)
    method.__name__ = func.__name__
    method.__qualname__ = f"JaxArray.{func.__name__}"
    method.__doc__ = f"``numpy.{func.__name__}(self, ...)``; see NumPy's documentation."
    return method


def _reshape(self, *shape, order="C", copy=None):
    """``numpy.reshape(self, shape)``: a view when NumPy's would be one here."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return dispatch(_registry.ENTRIES[np.reshape], (self, shape), {"order": order, "copy": copy})


def _ravel(self, order="C"):
    """``numpy.ravel(self)``: a view of a whole array, else a copy."""
    return dispatch(_registry.ENTRIES[np.ravel], (self,), {"order": order})


def _compress(self, condition, axis=None, out=None):
    """``numpy.compress(condition, self, axis)``."""
    return dispatch(_registry.ENTRIES[np.compress], (condition, self),
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

"""The ``jax`` convention: NumPy functions computed by ``jax.numpy`` on unwrapped values.

:func:`call` is the caller of every ``jax`` entry of the registry: it unwraps
JaxArrays to ``jax.Array`` (and Python lists in array positions to arrays),
calls the implementation, wraps array results and honours ``out=``. Most
implementations are ``jax.numpy``'s own functions; this module compiles the
Python-heavy ones whole (:class:`_Compiled`), so that an eager call is one
dispatch, and makes ``linalg`` raise NumPy's ``LinAlgError``; the adapters
with NumPy's dtypes and containers live in :mod:`._jax_adapters`.

The route of ``np.sum(x)``: :func:`shim._dispatch._protocols.array_function`
finds the registry entry and calls :func:`call`, which runs
``_Compiled(jnp.sum)`` (``IMPLEMENTATIONS`` below) and wraps the result.
"""
from __future__ import annotations

import functools
import inspect

import jax
import jax.numpy as jnp
import numpy as np

from .._array import UNSUPPORTED_KINDS, JaxArray, wrap
from .._errors import DATA_DEPENDENT_SHAPE, TracingError
from ._dtypes import accumulation_dtype
from ._host import host_dtype_result
from ._placement import placed
from ._probe import as_one_d, numpy_refusal
from ._results import wrap_result, write_out
from ._sizes import SHAPE_OF, check_shape, out_of_memory

__all__ = ["call", "IMPLEMENTATIONS", "JAX_STUBS"]

#: jax.numpy functions that exist only to raise NotImplementedError.
JAX_STUBS = frozenset({"fromfile", "fromiter"})

_Tracer = jax.core.Tracer
_ArrayImpl = type(jnp.zeros(0))


def call(entry, args, kwargs):
    """``entry.impl`` on the unwrapped arguments; array results wrapped, ``out=`` honoured."""
    out = None
    shape_of = SHAPE_OF.get(entry.name)
    if shape_of is not None:
        check_shape(entry.short_name, *shape_of(args, kwargs))
    if kwargs:
        out = kwargs.pop("out", None)
        kwargs = {k: _unwrap(v, _kind_of(entry, k)) for k, v in _supported(entry, kwargs)}
    values = []
    for a in args:
        t = type(a)
        if t is JaxArray:
            values.append(a.value)
        elif t is list or t is tuple:
            values = _unwrap_args(entry, args)
            break
        else:
            values.append(a)
    try:
        result = entry.impl(*values, **kwargs)
    except (jax.errors.ConcretizationTypeError, jax.errors.NonConcreteBooleanIndexError) as error:
        raise TracingError(
            f"{entry.name} inside jit: its result's shape (or an argument it needs as a Python "
            "value) depends on array values, which are not known while compiling. Use "
            "np.where(cond, a, b) to keep shapes fixed, give the result a fixed size through "
            "shim's namespace (shim.nonzero(x, size=n), shim.unique(x, size=n), "
            "shim.where(cond, size=n)), or make the argument static (static_argnums).",
            reason=DATA_DEPENDENT_SHAPE, function=entry.name) from error
    except (TypeError, ValueError, IndexError, NameError, NotImplementedError) as error:
        result = _numpy_answer(entry, values, kwargs, error)
    except jax.errors.JaxRuntimeError as error:
        memory = out_of_memory(entry.name, error)
        if memory is None:
            raise
        raise memory from error
    if out is not None:
        return write_out(entry.name, result, out)
    if type(result) is _ArrayImpl:
        return wrap(result)
    return wrap_result(result)


def _numpy_answer(entry, values, kwargs, error):
    """After JAX refused a call: NumPy's exception for it, or NumPy's 0-d ``axis`` answer.

    See :mod:`._probe`; JAX's own error is raised when NumPy accepts the call.
    """
    refusal, expected = numpy_refusal(entry.numpy_func, values, kwargs)
    if refusal is not None:
        raise refusal from error
    if getattr(expected, "dtype", np.dtype(float)).kind in UNSUPPORTED_KINDS:
        result = host_dtype_result(entry, values, kwargs)
        if result is not None:
            return result
    one_d = as_one_d(values) if expected is not None else None
    if one_d is not None:
        try:
            result = entry.impl(*one_d, **kwargs)
        except Exception:  # noqa: BLE001 - the retry failing too: JAX's first error stands
            result = None
        if result is not None and np.shape(result) == np.shape(expected):
            return result
    raise error


# --- arguments ----------------------------------------------------------------------------

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


# --- jax.numpy functions compiled whole ---------------------------------------------------
# Many jax.numpy functions are Python wrappers that dispatch several operations
# eagerly. Compiling each into one executable, with only its structural
# arguments static (axes, keepdims, ddof, dtypes -- never values such as a roll's
# shift or a reduction's initial), makes an eager call one dispatch.

_REDUCTION = ("axis", "dtype", "keepdims")
_QUANTILE = ("axis", "keepdims", "method", "overwrite_input", "interpolation")


def _int_accumulation(function):
    """``function`` accumulating small integers and bools in 64 bits, as NumPy does."""
    @functools.wraps(function)
    def accumulation(a, *args, dtype=None, **kwargs):
        return function(a, *args, dtype=accumulation_dtype(a, dtype), **kwargs)
    return accumulation


def _float_statistic(function):
    """``function`` computing on integer and boolean input in float64, as NumPy's
    statistics do (JAX's give float32 for int32 and bool)."""
    @functools.wraps(function)
    def statistic(a, *args, **kwargs):
        if jnp.result_type(a).kind in "biu":
            a = jnp.asarray(a, dtype=jax.dtypes.canonicalize_dtype(np.float64))
        return function(a, *args, **kwargs)
    return statistic


#: Statistics whose result is floating even for integer input.
_FLOAT_STATISTICS = {
    "mean": _REDUCTION, "std": _REDUCTION + ("ddof", "correction"),
    "var": _REDUCTION + ("ddof", "correction"), "nanmean": _REDUCTION,
    "nanstd": _REDUCTION + ("ddof", "correction"), "nanvar": _REDUCTION + ("ddof", "correction"),
    "average": ("axis", "returned", "keepdims"), "median": ("axis", "keepdims", "overwrite_input"),
    "nanmedian": ("axis", "keepdims", "overwrite_input"), "percentile": _QUANTILE,
    "nanpercentile": _QUANTILE, "quantile": _QUANTILE, "nanquantile": _QUANTILE,
}
_COMPILED = {
    "sum": _REDUCTION + ("promote_integers",), "prod": _REDUCTION + ("promote_integers",),
    "max": ("axis", "keepdims"),
    "min": ("axis", "keepdims"), "amax": ("axis", "keepdims"), "amin": ("axis", "keepdims"),
    "argmax": ("axis", "keepdims"), "argmin": ("axis", "keepdims"),
    "any": ("axis", "keepdims"), "all": ("axis", "keepdims"), "ptp": ("axis", "keepdims"),
    "nansum": _REDUCTION, "nanprod": _REDUCTION,
    "nanmax": ("axis", "keepdims"), "nanmin": ("axis", "keepdims"),
    "nanargmax": ("axis", "keepdims"), "nanargmin": ("axis", "keepdims"),
    "roll": ("axis",), "flip": ("axis",), "fliplr": (), "flipud": (), "rot90": ("k", "axes"),
    "tile": ("reps",), "take": ("axis", "mode", "unique_indices", "indices_are_sorted"),
    "take_along_axis": ("axis", "mode"), "diag": ("k",),
    "logspace": ("num", "endpoint", "base", "dtype", "axis"),
    "nan_to_num": ("copy",), "cov": ("rowvar", "bias", "ddof"), "corrcoef": ("rowvar",),
    "trapezoid": ("axis",), "gradient": ("axis", "edge_order"),
}


class _Compiled:
    """A jax.numpy function called through ``jax.jit`` with the named arguments static.

    An option that cannot be static (unhashable, such as a list of bin
    edges) makes that call run eagerly instead.
    """

    __slots__ = ("_function", "_jitted", "_static", "_positions", "__name__", "__wrapped__",
                 "__signature__")

    def __init__(self, function, static):
        self.__signature__ = inspect.signature(function)
        parameters = list(self.__signature__.parameters.values())
        static = tuple(n for n in static if n in self.__signature__.parameters)
        self._function = function
        self._jitted = jax.jit(function, static_argnames=static)
        self._static = static
        self._positions = tuple((i, p.name) for i, p in enumerate(parameters)
                                if p.name in static and p.kind is p.POSITIONAL_OR_KEYWORD)
        self.__name__ = function.__name__
        self.__wrapped__ = function

    def __call__(self, *args, **kwargs):
        if kwargs:
            for name in self._static:
                if type(kwargs.get(name)) is list:
                    kwargs[name] = tuple(kwargs[name])
        try:
            return self._jitted(*args, **kwargs)
        except (TypeError, ValueError):
            if not self._unhashable_option(args, kwargs):
                raise
            return self._function(*args, **kwargs)

    def _unhashable_option(self, args, kwargs) -> bool:
        values = [kwargs[n] for n in self._static if n in kwargs]
        values += [args[i] for i, _ in self._positions if i < len(args)]
        for value in values:
            try:
                hash(value)
            except TypeError:
                return True
        return False


def _at_least_2d(jfunc):
    """``tril``/``triu``: a 1-D ``m`` is the rows of a square matrix, as NumPy broadcasts it."""
    def triangle(m, k=0):
        m = jnp.asarray(m)
        if m.ndim == 1:
            m = jnp.broadcast_to(m, (m.shape[0], m.shape[0]))
        return jfunc(m, k)
    triangle.__name__ = jfunc.__name__
    return triangle


def _linalg_checked(jfunc, message):
    """A jax.numpy.linalg function that raises NumPy's LinAlgError where NumPy would.

    JAX returns inf/nan for a singular (or not positive definite) matrix; with
    finite inputs, a non-finite result means exactly that. The check waits for
    the result, so it is skipped inside jit.
    """
    def checked(*args, **kwargs):
        result = jfunc(*args, **kwargs)
        if not isinstance(result, _Tracer) and not any(isinstance(a, _Tracer) for a in args):
            if bool(_all_finite(args[0])) and not bool(_all_finite(result)):
                raise np.linalg.LinAlgError(message)
        return result
    checked.__name__ = jfunc.__name__
    checked.__wrapped__ = jfunc
    return checked


@jax.jit
def _all_finite(x):
    return jnp.all(jnp.isfinite(x))


_LINALG_CHECKED = (("inv", "Singular matrix"), ("solve", "Singular matrix"),
                   ("cholesky", "Matrix is not positive definite"),
                   ("tensorinv", "Singular matrix"), ("tensorsolve", "Singular matrix"))
_ACCUMULATIONS = ("cumsum", "cumprod", "nancumsum", "nancumprod", "cumulative_sum",
                  "cumulative_prod")

def _on_device(make):
    """A creation function whose ``device=`` may be a sharding: see :func:`._placement.placed`."""
    def create(*args, device=None, **kwargs):
        return placed(device, make, args, kwargs, f"numpy.{make.__name__}")
    create.__name__ = make.__name__
    create.__wrapped__ = make
    create.__signature__ = inspect.signature(make)
    return create


#: Creation functions with NumPy's ``device=``; made in place when it is a sharding.
_CREATION = {name: getattr(jnp, name) for name in (
    "zeros", "ones", "empty", "full", "arange", "eye", "zeros_like", "ones_like", "empty_like",
    "full_like")}
_CREATION["linspace"] = _Compiled(jnp.linspace, ("num", "endpoint", "retstep", "dtype", "axis"))

#: Qualified NumPy name -> (implementation, reason), all of the ``jax`` convention.
IMPLEMENTATIONS = [
    *((f"numpy.{name}", _on_device(make), "jax.numpy, made where device= (a sharding) says")
      for name, make in _CREATION.items()),
    *((f"numpy.{name}", _Compiled(getattr(jnp, name), static), "jax.numpy, compiled into one call")
      for name, static in _COMPILED.items()),
    *((f"numpy.{name}", _Compiled(_float_statistic(getattr(jnp, name)), static),
       "float64 for integer input, as NumPy") for name, static in _FLOAT_STATISTICS.items()),
    *((f"numpy.{name}", _Compiled(_int_accumulation(getattr(jnp, name)),
                                  ("axis", "dtype", "include_initial")),
       "64-bit accumulation of small integers, as NumPy") for name in _ACCUMULATIONS),
    *((f"numpy.linalg.{name}", _linalg_checked(getattr(jnp.linalg, name), message),
       "raises LinAlgError where NumPy does") for name, message in _LINALG_CHECKED),
    *((f"numpy.{f.__name__}", _Compiled(_at_least_2d(f), ("k",)),
       "1-D input is a square matrix's rows, as NumPy") for f in (jnp.tril, jnp.triu)),
]

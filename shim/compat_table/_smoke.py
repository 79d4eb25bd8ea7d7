"""One row of the table: run a callable's smoke call in every column and compare with NumPy.

:func:`run_row` finds the row's sample (the first candidate on which NumPy
itself runs cleanly), writes one small function that makes the call --
``def smoke(a0, a1): return np.concatenate((a0, a1), axis=0)``, array arguments as
parameters and everything else baked in -- and runs that same source in each
column:

``jax``      NumPy's own callable on JaxArrays (``shim.random`` for the random API);
``jax-jit``  the same function compiled by ``shim.jit`` on the JAX backend;
``numpy``    the ``shim`` namespace's callable on the NumPy backend;
``numba``    the function compiled by :func:`compile_numba`, on the NumPy backend.

A cell is ``native``, ``numpy: no array input`` (a JAX column where the sample
passes no array and the result holds no JaxArray: NumPy itself answered),
``fallback``, ``error: <reason>`` or ``mismatch: <what differs>``; see
``docs/compat_table.md``.
"""
from __future__ import annotations

import contextlib
import importlib
import io
import linecache
import os
import re
import warnings

import numpy as np

import shim
from shim._dispatch import ENTRIES, forget_fallback_warnings
from shim._errors import (
    DATA_DEPENDENT_SHAPE,
    NO_JAX_IMPLEMENTATION,
    TRACED_VALUE,
    NumbaCompileError,
    TracingError,
)

from . import _callables, _samples

__all__ = ["COLUMNS", "NOT_RUN", "NO_ARRAY_INPUT", "run_row", "compile_numba"]

COLUMNS = ("jax", "jax-jit", "numpy", "numba")

#: Callables that are not called at all, with the reason (listed with the exclusions).
NOT_RUN = {"numpy.test": "runs NumPy's own test suite (pytest), not a computation"}

_RANDOM_KINDS = ("random", "generator")

#: Callables whose result values are unspecified by NumPy: only dtypes and shapes are compared.
_NO_VALUES = frozenset({"numpy.empty", "numpy.empty_like"})


def compile_numba(function):
    """The numba column's compiler: ``shim.jit`` of ``function`` on the numpy backend.

    Called under ``shim.use_backend("numpy")``, where ``shim.jit`` compiles
    with Numba. Numba's optimisation level changes neither what compiles nor
    the values, and level 0 compiles about a third faster, so the table's
    processes use it (set before Numba's first import in the process).
    """
    os.environ.setdefault("NUMBA_OPT", "0")
    return shim.jit(function)


def run_row(name: str) -> dict:
    """``{"name", "cells", "notes", "sample", "excluded"}`` for one qualified name."""
    row = {"name": name, "cells": {}, "notes": [], "sample": None, "excluded": None}
    if name in NOT_RUN:
        row["excluded"] = NOT_RUN[name]
        return row
    kind, numpy_obj, ufunc = _callables.resolve(name)
    found = _reference(name, kind, numpy_obj, ufunc)
    if isinstance(found, str):
        if found.startswith("deprecated"):
            row["excluded"] = found
        elif kind == "ufunc-method" and found.startswith("no sample: NumPy raised"):
            row["excluded"] = "NumPy rejects this method for the ufunc on every sample " \
                f"({found.split('NumPy raised ', 1)[1]})"
        else:
            row["cells"] = {c: f"error: {found}" for c in COLUMNS}
        return row
    factory, source, expected = found
    row["sample"] = factory()[2]
    for column in COLUMNS:
        cell, note = _run_column(column, name, kind, factory, source, expected)
        row["cells"][column] = cell
        if note:
            row["notes"].append(f"{column}: {note}")
    return row


# --- the reference run ------------------------------------------------------------------------

def _reference(name, kind, numpy_obj, ufunc):
    """(sample factory, smoke source, NumPy's outcome) or a string saying why there is none."""
    last = "no sample: no rule fits its parameters and no hand-written sample exists"
    deprecated = []
    for factory in _samples.candidates(kind, name, numpy_obj, ufunc):
        try:
            args, kwargs, _ = factory()
        except _samples.Unfillable as reason:
            last = f"no sample: {reason}"
            continue
        source, leaves, constants = _render(name, kind, args, kwargs)
        smoke = _define(source, np, constants)
        if kind == "generator":
            leaves = [np.random.default_rng(0), *leaves]
        with warnings.catch_warnings(record=True) as seen, _quiet():
            warnings.simplefilter("always")
            try:
                result = smoke(*leaves)
            except Exception as exc:  # noqa: BLE001 - a failing candidate is skipped
                last = f"no sample: NumPy raised {_short(exc)}"
                continue
        deprecation = next((w for w in seen if issubclass(w.category, DeprecationWarning)), None)
        if deprecation is not None:
            deprecated.append(f"deprecated: {_first_line(str(deprecation.message))}")
            continue
        if any(issubclass(w.category, RuntimeWarning) for w in seen):
            last = "no sample: NumPy warned on every candidate"
            continue
        return factory, source, (result, _arrays_after(leaves))
    # Deprecated: every call NumPy accepted warned (a warning about one input is not enough).
    return deprecated[0] if deprecated else last


# --- the columns ------------------------------------------------------------------------------

def _run_column(column, name, kind, factory, source, expected):
    import shim
    args, kwargs, _ = factory()
    _, leaves, constants = _render(name, kind, args, kwargs)
    backend = "numpy" if column in ("numpy", "numba") else "jax"
    with shim.use_backend(backend):
        namespace = _column_namespace(column, name, kind, bool(leaves))
        if backend == "jax":
            try:
                leaves = [shim.asarray(leaf) for leaf in leaves]
            except TypeError as exc:
                return f"error: {_short(exc)}", None
        no_array_input = kind not in _RANDOM_KINDS and not any(
            isinstance(leaf, shim.JaxArray) for leaf in leaves)
        if kind == "generator":
            leaves = [(np.random.default_rng(0) if column == "numba" else shim.random.default_rng(0)),
                      *leaves]
        smoke = _define(source, namespace, constants)
        forget_fallback_warnings()
        with warnings.catch_warnings(record=True) as seen, _quiet(), \
                shim.config.override(fallback="warn"):
            warnings.simplefilter("always")
            try:
                if column == "jax-jit":
                    smoke = shim.jit(smoke)
                elif column == "numba":
                    smoke = compile_numba(smoke)
                result = smoke(*leaves)
            except Exception as exc:  # noqa: BLE001 - every failure is a cell
                return f"error: {_error_reason(column, exc)}", None
            after = _arrays_after(leaves)
    fallback = next((w for w in seen if issubclass(w.category, shim.FallbackWarning)), None)
    values = kind not in _RANDOM_KINDS and name not in _NO_VALUES
    problem, host = _compare(expected[0], result, jax=backend == "jax", values=values)
    if not problem:
        problem, _ = _compare(expected[1], after, jax=False, values=values, path="arguments after")
    if problem:
        return f"mismatch: {problem}", None
    if fallback is not None:
        return "fallback", fallback.message.reason
    if backend == "jax" and no_array_input and (
            not _holds_jaxarray(result) or _numpy_answers(name)):
        return NO_ARRAY_INPUT, None
    if host:
        return "fallback", "NumPy ran on a host copy (the result is a numpy.ndarray)"
    return "native", None


#: The cell of a call whose sample passes no JaxArray and that NumPy itself answered (the
#: result holds no JaxArray, or the registry runs NumPy's function: ``busday_count`` of two
#: dates, ``promote_types``), counted apart from native.
NO_ARRAY_INPUT = "numpy: no array input"


def _numpy_answers(name) -> bool:
    """Whether the registry runs ``name`` by NumPy itself (host operations, NumPy's utilities)."""
    entry = ENTRIES.get(_callables.resolve(name)[1])
    return entry is not None and entry.convention in ("host", "numpy")


def _holds_jaxarray(value) -> bool:
    if isinstance(value, shim.JaxArray):
        return True
    if isinstance(value, (tuple, list)):
        return any(map(_holds_jaxarray, value))
    if isinstance(value, dict):
        return any(map(_holds_jaxarray, value.values()))
    return False


def _column_namespace(column, name, kind, has_arrays):
    """The module the smoke source calls as ``np`` in ``column``: ``numpy`` or ``shim``.

    The JAX columns call NumPy's own callable when NumPy dispatches it to
    JaxArrays (a ufunc or method, or a function with ``__array_function__``
    dispatch given at least one array); creation functions, functions without
    the hook and ``numpy.random`` have nothing to dispatch on, so they call the
    ``shim`` namespace's callable, as code written for shim does.
    """
    import shim
    if column == "numba":
        return np
    if column == "numpy" or kind in _RANDOM_KINDS:
        return shim
    _, numpy_obj, ufunc = _callables.resolve(name)
    if ufunc is not None or kind == "method" or (has_arrays and _callables.dispatches(numpy_obj)):
        return np
    return shim


# --- the smoke source ---------------------------------------------------------------------------

def _render(name, kind, args, kwargs):
    """(source of ``smoke``, array leaves, constants) for a call with ``args``/``kwargs``."""
    leaves, constants = [], []

    def expr(value):
        if isinstance(value, np.ndarray):
            leaves.append(value)
            return f"a{len(leaves) - 1}"
        if type(value) is tuple:
            inner = ", ".join(expr(v) for v in value)
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        if type(value) is list:
            return "[" + ", ".join(expr(v) for v in value) + "]"
        if value is None or type(value) in (bool, int, str, bytes) or (
                type(value) is float and np.isfinite(value)):
            return repr(value)
        constants.append(value)
        return f"c{len(constants) - 1}"

    parts = [expr(a) for a in args] + [f"{k}={expr(v)}" for k, v in kwargs.items()]
    method = name.rsplit(".", 1)[1]
    if kind == "method":
        call = f"{parts[0]}.{method}({', '.join(parts[1:])})"
    elif kind == "generator":
        call = f"g.{method}({', '.join(parts)})"
    elif name.startswith("scipy."):
        module, function = name.rsplit(".", 1)
        call = f"{expr(importlib.import_module(module))}.{function}({', '.join(parts)})"
    else:
        call = f"np.{name.removeprefix('numpy.')}({', '.join(parts)})"
    params = (["g"] if kind == "generator" else []) + [f"a{i}" for i in range(len(leaves))]
    source = f"def smoke({', '.join(params)}):\n    return {call}\n"
    return source, leaves, constants


def _define(source, module, constants):
    """``smoke`` from ``source`` with ``np`` bound to ``module``; ``inspect`` can read its source."""
    namespace = {"np": module, **{f"c{i}": c for i, c in enumerate(constants)}}
    filename = f"<smoke {abs(hash(source))}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - source built by _render
    return namespace["smoke"]


def _arrays_after(leaves):
    return tuple(np.array(leaf) for leaf in leaves if not isinstance(leaf, np.random.Generator)
                 and type(leaf).__name__ != "Generator")


@contextlib.contextmanager
def _quiet():
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


# --- comparing ------------------------------------------------------------------------------------

def _compare(expected, actual, *, jax, values, path="result"):
    """(first difference or None, whether a NumPy array came back where JAX should give one)."""
    from shim import JaxArray
    if isinstance(expected, (np.ndarray, np.generic)):
        host = False
        if isinstance(actual, JaxArray):
            if not jax:
                return f"{path} is a JaxArray on the NumPy backend", False
        elif isinstance(actual, np.ndarray) and jax and isinstance(expected, np.ndarray):
            host = True
        elif not isinstance(actual, (np.ndarray, np.generic, bool, int, float, complex)):
            return f"{path} is {type(actual).__name__}, NumPy gives an array", False
        got = np.asarray(actual)
        if got.shape != expected.shape:
            return f"{path} shape {got.shape}, NumPy {expected.shape}", host
        if got.dtype != expected.dtype:
            return f"{path} dtype {got.dtype}, NumPy {expected.dtype}", host
        if values and not _same_values(expected, got):
            return f"{path} values differ", host
        return None, host
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            return f"{path} is {_describe(actual)}, NumPy {_describe(expected)}", False
        host = False
        for i, (e, a) in enumerate(zip(expected, actual)):
            problem, h = _compare(e, a, jax=jax, values=values, path=f"{path}[{i}]")
            if problem:
                return problem, h
            host = host or h
        return None, host
    if isinstance(actual, JaxArray):
        return f"{path} is a JaxArray, NumPy gives {type(expected).__name__}", False
    if isinstance(expected, (bool, int, float, complex)):
        if not isinstance(actual, (bool, int, float, complex, np.generic)):
            return f"{path} is {type(actual).__name__}, NumPy {type(expected).__name__}", False
        if values and not _same_values(np.asarray(expected), np.asarray(actual)):
            return f"{path} values differ", False
        return None, False
    if expected is None or isinstance(expected, (str, np.dtype, type)):
        if values and not (actual == expected):
            return f"{path} is {actual!r}, NumPy {expected!r}", False
        return None, False
    if type(actual).__name__ != type(expected).__name__:
        return f"{path} is {type(actual).__name__}, NumPy {type(expected).__name__}", False
    return None, False


def _same_values(expected, got):
    if expected.dtype.kind in "fc":
        rtol = 1e-3 if expected.dtype.itemsize <= 2 else 1e-5 if expected.dtype.itemsize <= 8 \
            and expected.dtype != np.float64 else 1e-9
        return bool(np.allclose(got, expected, rtol=rtol, atol=1e-12, equal_nan=True))
    try:
        return bool(np.array_equal(got, expected, equal_nan=True))
    except TypeError:
        return bool(np.array_equal(got, expected))


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of {len(value)}"
    return type(value).__name__


# --- reasons ---------------------------------------------------------------------------------------

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+|0x[0-9a-fA-F]{6,}")
_FUNCTION = re.compile(r"Function\(<(?:built-in function|function|bound method|ufunc) '?([\w.]+)'?[^>]*>\)")


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("Failed in ", "During:", "Traceback")):
            return line
    return ""


def _short(exc: BaseException, limit: int = 90) -> str:
    text = _ADDRESS.sub("", _first_line(str(exc)))
    text = _FUNCTION.sub(r"\1", text).rstrip(":")
    text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _error_reason(column, exc):
    """The cell text for ``exc``, from the reason it carries where it is one of shim's."""
    if column == "numba" and isinstance(exc, NumbaCompileError):
        if exc.unsupported_function:
            return "Numba has no implementation of this function"
        return _short(NumbaCompileError(exc.reason, reason=exc.reason), 70).replace(
            "NumbaCompileError: ", "Numba unsupported: ")
    if column == "numba" and (type(exc).__module__ or "").startswith("numba"):
        return "Numba unsupported: " + _short(exc, 70).split(": ", 1)[-1]
    if column == "jax-jit" and isinstance(exc, TracingError):
        if exc.reason == TRACED_VALUE:
            return f"{exc.function} of a traced array inside jit"
        if exc.reason == DATA_DEPENDENT_SHAPE:
            return "data-dependent shape inside jit"
        if exc.reason == NO_JAX_IMPLEMENTATION:
            return "no JAX implementation; refused inside jit"
        return "host-only operation; refused inside jit"
    return _short(exc)

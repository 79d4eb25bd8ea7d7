"""The arrays an object reaches, by attribute path: ``shim.state`` and ``shim.load_state``.

An object's state is every array it reaches through its attributes and the
containers they hold -- lists, tuples, named tuples, dicts, other objects --
named by the path that reaches it: ``"layers.0.w"``, ``"opt_state.0.mu.w"``
(a named tuple's items by field name, a dict's by key). :func:`walk` is that
walk; the compiler uses it too, to bind the arrays a call may touch as inputs
of its one trace (see :mod:`._function`).
"""
from __future__ import annotations

import types
from collections.abc import Callable

import numpy as np

from .._array import JaxArray, view_parts
from .._objects import is_user_object, own_attributes

__all__ = ["state", "load_state", "walk", "reachable_roots", "select"]

#: At most this many objects and containers are walked (the rest is left out).
_MAX_VISITS = 20_000

def state(obj, filter=None) -> dict:
    """Every array ``obj`` reaches, as a flat dict keyed by attribute path.

    Parameters
    ----------
    obj : object
        An object whose attributes (and the lists, tuples, dicts, named tuples
        and objects they hold) carry arrays.
    filter : callable, str or sequence of str, optional
        Which arrays: ``filter(path, array) -> bool``, or path prefixes
        (``"layers"`` selects ``"layers.0.w"`` and ``"layers.1.w"``). Default: all.

    Returns
    -------
    dict
        ``{path: array}`` in attribute order. The values are the arrays
        themselves (JaxArrays, or NumPy arrays on the numpy backend), not
        copies: ``np.savez(file, **shim.state(obj))`` saves them, and
        :func:`load_state` writes saved values back. An array reached twice
        (an alias) is listed once, under the first path.
    """
    keep = select(filter)
    found = {}
    for path, array in walk(obj):
        if keep(path, array):
            found[path] = array
    return found


def load_state(obj, values) -> None:
    """Write ``values`` (``{path: array}``, as :func:`state` gives) into ``obj``'s arrays.

    Each path must name an array ``obj`` reaches, of the same shape and a
    dtype the value casts to (``same_kind``); paths not given keep their
    values. Everything is checked before anything is written, so on error
    (``KeyError`` for an unknown path, ``ValueError`` for a shape,
    ``TypeError`` for a dtype) no array has changed. The arrays are written in
    place: views and other references to them see the new values.
    """
    targets = dict(walk(obj, aliases=True))
    plan = []
    for path, value in values.items():
        if path not in targets:
            raise KeyError(f"shim.load_state: {type(obj).__name__} has no array at {path!r}; "
                           f"its arrays are at {sorted(targets)}")
        target = targets[path]
        source = value if isinstance(value, (JaxArray, np.ndarray)) else np.asarray(value)
        if source.shape != target.shape:
            raise ValueError(f"shim.load_state: {path!r} has shape {target.shape}, the value "
                             f"given has shape {source.shape}")
        if not np.can_cast(source.dtype, target.dtype, "same_kind"):
            raise TypeError(f"shim.load_state: {path!r} is {target.dtype}, the value given is "
                            f"{source.dtype}, which does not cast to it (same_kind)")
        plan.append((target, source))
    for target, source in plan:
        if isinstance(target, JaxArray):
            target[...] = source
        else:
            np.copyto(target, np.asarray(source), casting="same_kind")


def select(filter) -> Callable[[str, object], bool]:
    """``filter`` (see :func:`state`) as a function of ``(path, array)``."""
    if filter is None:
        return lambda path, array: True
    if callable(filter):
        return filter
    prefixes = (filter,) if isinstance(filter, str) else tuple(filter)
    for p in prefixes:
        if not isinstance(p, str):
            raise TypeError(f"shim.state: a filter is a callable or path strings, got "
                            f"{type(p).__name__}")
    return lambda path, array: any(path == p or path.startswith(p + ".") for p in prefixes)


def walk(obj, aliases: bool = False, leaves=(JaxArray, np.ndarray)):
    """``(path, array)`` for every array ``obj`` reaches, in attribute order.

    With ``aliases``, an array reached twice is given under each path.
    ``leaves`` are the types that count as arrays.
    """
    seen_arrays: set = set()
    visited: set = set()
    stack = [("", obj)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, leaves):
            if aliases or id(value) not in seen_arrays:
                seen_arrays.add(id(value))
                yield path, value
            continue
        children = _children(value)
        if children is None or id(value) in visited or len(visited) >= _MAX_VISITS:
            continue
        visited.add(id(value))
        prefix = path + "." if path else ""
        stack.extend((prefix + str(k), v) for k, v in reversed(children))


def reachable_roots(values) -> list:
    """The root JaxArrays reachable from ``values`` (objects, containers, arrays)."""
    roots: dict = {}
    for value in values:
        for _, array in walk(value):
            if type(array) is JaxArray:
                parts = view_parts(array, materialize=False)
                if parts is not None:
                    roots.setdefault(id(parts[0]), parts[0])
    return list(roots.values())


def _children(value):
    """``[(key, item)]`` of a container or object that may hold arrays, else None."""
    t = type(value)
    if t is list or t is tuple:
        return list(enumerate(value))
    if t is dict:
        return list(value.items())
    if isinstance(value, tuple):
        fields = getattr(value, "_fields", None)
        return list(zip(fields, value)) if fields else list(enumerate(value))
    if isinstance(value, (list, dict)):
        return list(value.items()) if isinstance(value, dict) else list(enumerate(value))
    if isinstance(value, types.ModuleType) or not is_user_object(value):
        return None
    return list(own_attributes(value).items())

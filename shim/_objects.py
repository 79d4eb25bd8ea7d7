"""Python objects as state holders: which objects compiled code may read state from.

``shim.jit`` (on both backends) follows the attributes of *user objects* --
instances of Python classes -- to find the arrays a method reads and writes.
These helpers say what counts as one, read an instance's own attributes
without triggering its class's attribute hooks, and list the global names a
function's code uses.

A leaf module: it imports nothing from shim. Classes opt out of being state
holders with a true ``_shim_opaque`` class attribute (JaxArray and compiled
functions do).
"""
from __future__ import annotations

import functools
import types
import weakref

import jax
import numpy as np

__all__ = ["is_user_object", "slot_names", "own_attributes", "own_value", "code_names",
           "same_items", "CONSTANTS", "HEAPTYPE", "UNSET"]

#: A sentinel for "no such attribute".
UNSET = object()
#: Immutable plain values: constants of a trace, checked by identity between calls.
CONSTANTS = (bool, int, float, complex, str, bytes, type(None), tuple, frozenset, np.generic)
#: ``Py_TPFLAGS_HEAPTYPE``: the flag of a class written in Python.
HEAPTYPE = 1 << 9

_NOT_OBJECTS = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
                types.MethodType, functools.partial, jax.Array)

def is_user_object(obj) -> bool:
    """Objects whose instance attributes may hold state: instances of Python classes.

    Their attributes live in ``__dict__``, in ``__slots__``, or both. Classes can
    opt out with a true ``_shim_opaque`` class attribute (JaxArray does, and
    compiled functions do: their caches are not the program's state).
    """
    cls = type(obj)
    return (hasattr(obj, "__dict__") or bool(cls.__flags__ & HEAPTYPE and slot_names(cls))) \
        and not isinstance(obj, _NOT_OBJECTS) and not getattr(cls, "_shim_opaque", False)


_SLOT_NAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def slot_names(cls) -> frozenset:
    """Names of the ``__slots__`` attributes of instances of ``cls`` (its bases included)."""
    names = _SLOT_NAMES.get(cls)
    if names is None:
        names = frozenset(name for c in cls.__mro__ for name, member in vars(c).items()
                          if isinstance(member, types.MemberDescriptorType))
        _SLOT_NAMES[cls] = names
    return names


def own_attributes(obj) -> dict:
    """The instance's own attributes: its ``__dict__`` and the slots that are set."""
    try:
        found = dict(object.__getattribute__(obj, "__dict__"))
    except AttributeError:
        found = {}
    for name in slot_names(type(obj)):
        try:
            found[name] = object.__getattribute__(obj, name)
        except AttributeError:                # an unset slot
            pass
    return found


def own_value(obj, name, default=None):
    """The instance attribute ``name`` of ``obj`` (not a class attribute), or ``default``."""
    try:
        d = object.__getattribute__(obj, "__dict__")
        if name in d:
            return d[name]
    except AttributeError:
        pass
    if name in slot_names(type(obj)):
        try:
            return object.__getattribute__(obj, name)
        except AttributeError:
            pass
    return default


def code_names(fn) -> list:
    """Global names a function's code refers to.

    Nested code counts, and so do the functions of the same module it names
    (helpers defined next to it read the same globals).
    """
    names: set = set()
    globals_ = getattr(fn, "__globals__", None)
    stack = [getattr(fn, "__code__", None)]
    seen: set = set()
    while stack:
        code = stack.pop()
        if code is None or code in seen:
            continue
        seen.add(code)
        new = set(code.co_names) - names
        names |= new
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        if globals_ is not None:
            stack.extend(value.__code__ for value in map(globals_.get, new)
                         if type(value) is types.FunctionType and value.__globals__ is globals_)
    return sorted(names)


def same_items(container, copy) -> bool:
    """Whether ``container`` holds the very items of ``copy`` (dicts: in the same order)."""
    if len(container) != len(copy):
        return False
    if isinstance(container, dict):
        return all(k1 is k2 or k1 == k2 for k1, k2 in zip(container, copy)) and \
            all(container[k] is copy[k] for k in copy)
    if isinstance(container, set):
        return container == copy
    return all(a is b for a, b in zip(container, copy))


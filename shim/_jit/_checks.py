"""Whether a compiled program still applies: the Python values its trace read, checked.

A trace bakes in every plain value it reads (``self.tau``, a global, a
closure variable, the items of a list of layers). :func:`program_checks`
collects them from the trace's :class:`~._attributes.AttributeLog`;
:class:`Checks` tests by identity that each is still the same object before
every call, explains a failure (:meth:`Checks.reason`) and gives the same
tests as straight-line code for the hot path (:meth:`Checks.hot_lines`).
"""
from __future__ import annotations

import operator
import types
from collections.abc import Mapping

import numpy as np

from .._array import JaxArray
from .._objects import CONSTANTS, HEAPTYPE, code_names, own_value, same_items, slot_names

__all__ = ["Checks", "program_checks"]

_MISSING = object()


# --- checks that a compiled program still applies ------------------------------------------

def program_checks(log, fn):
    """The Python values the trace read (attributes, globals, closure cells), to check."""
    by_owner: dict = {}
    for obj, name, value in log.reads.values():
        by_owner.setdefault(id(obj), (obj, []))[1].append((name, value))
    dicts, slotted = [], []
    for obj, items in by_owner.values():
        slots = slot_names(type(obj))
        in_dict = [item for item in items if item[0] not in slots]
        if in_dict:
            owner = obj.__name__ if isinstance(obj, type) else type(obj).__name__
            dicts.append((obj.__dict__, in_dict, owner))
        if len(in_dict) < len(items):
            slotted.append((obj, [item for item in items if item[0] in slots],
                            type(obj).__name__))
    func = fn.__func__ if isinstance(fn, types.MethodType) else fn
    globals_ = getattr(func, "__globals__", None)
    if globals_ is not None:
        names = [n for n in code_names(func) if n in globals_]
        if names:
            dicts.append((globals_, [(n, globals_[n]) for n in names], "global"))
        for space in {id(m): m for m in (globals_[n] for n in names)
                      if _is_namespace(m)}.values():
            # ``params.DT``: constants of modules the code names, by the names it uses
            used = [(n, space.__dict__[n]) for n in code_names(func)
                    if isinstance(space.__dict__.get(n, _MISSING), CONSTANTS)]
            if used:
                dicts.append((space.__dict__, used, getattr(space, "__name__", "namespace")))
    cells = []
    for i, cell in enumerate(getattr(func, "__closure__", None) or ()):
        try:
            cells.append((cell, cell.cell_contents, func.__code__.co_freevars[i]))
        except ValueError:                    # an empty cell
            continue
    absent = [(obj.__dict__, name, type(obj).__name__) for obj, name in log.absent.values()]
    return Checks(dicts, cells, log.container_checks(), slotted, absent)


def _getters(dicts, slotted):
    return [(d, operator.itemgetter(*(n for n, _ in items)), tuple(v for _, v in items))
            for d, items, _ in dicts if items] + \
        [(obj, operator.attrgetter(*(n for n, _ in items)), tuple(v for _, v in items))
         for obj, items, _ in slotted if items]


def _containers(value):
    """The lists, dicts and sets inside ``value`` (through tuples too), ``value`` included."""
    found, stack = [], [value]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, dict, set)):
            found.append(x)
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, dict):
            stack.extend(x.values())
    return found


def _is_namespace(value) -> bool:
    """A module or another built-in object with a ``__dict__`` (``SimpleNamespace``).

    Their attribute reads cannot be logged, so constants of theirs the code
    names are checked instead.
    """
    return isinstance(value, types.ModuleType) or (
        not type(value).__flags__ & HEAPTYPE and not callable(value)
        and type(getattr(value, "__dict__", None)) is dict)


def _advice(old, new, target):
    """``(advice, at once)`` about ``target`` changing from ``old`` to ``new`` between calls.

    A changed number or string is worth a warning at once: it is usually meant
    to be an array or an argument.
    """
    if type(old) is JaxArray and type(new) is JaxArray:
        return (f"To give it new values without compiling again, write into the array "
                f"({target}[...] = new) instead of binding a new one.", False)
    if isinstance(old, (bool, int, float, complex, str, bytes, np.generic)):
        return ("Values that change between calls should be arrays or arguments; use "
                "static_argnums for true constants.", True)
    return "Compiled code is specialised to the objects it reaches.", False


class Checks:
    """Whether every Python value a trace read is still the same object.

    Identity, not equality: a rebound attribute, a new global, a changed
    closure variable or a list, dict or set the trace reached holding other
    items all fail, and a failure explains itself (:meth:`reason`).
    """

    __slots__ = ("dicts", "cells", "containers", "slotted", "absent", "_getters")

    def __init__(self, dicts, cells, containers=(), slotted=(), absent=()):
        self.dicts = dicts                    # (namespace dict, [(name, value)], owner name)
        self.cells = cells                    # (cell, value, variable name)
        self.containers = list(containers)    # (container, copy, where)
        self.slotted = list(slotted)          # (object, [(slot name, value)], class name)
        self.absent = absent                  # (instance dict, name, class name): still unset
        self._getters = _getters(dicts, slotted)

    def rebind(self, obj, name, old, new) -> None:
        """``obj.name`` was rebound from ``old`` to ``new`` by the program itself:
        check for ``new`` from now on, and for the lists and dicts it holds."""
        d = getattr(obj, "__dict__", None)
        self.dicts = [(source, [(n, new if source is d and n == name and v is old else v)
                                for n, v in items], owner)
                      for source, items, owner in self.dicts]
        self.slotted = [(o, [(n, new if o is obj and n == name and v is old else v)
                             for n, v in items], owner) for o, items, owner in self.slotted]
        inside_old = {id(c) for c in _containers(old)}
        self.containers = [entry for entry in self.containers if id(entry[0]) not in inside_old]
        self.containers += [(c, c.copy(), f"{type(obj).__name__}.{name}")
                            for c in _containers(new)]
        self._getters = _getters(self.dicts, self.slotted)

    def __call__(self) -> bool:
        for source, getter, values in self._getters:
            try:
                current = getter(source)
            except (KeyError, AttributeError):
                return False
            if len(values) == 1:
                if current is not values[0]:
                    return False
            elif not all(map(operator.is_, current, values)):
                return False
        for cell, value, _ in self.cells:
            try:
                if cell.cell_contents is not value:
                    return False
            except ValueError:
                return False
        for container, copy, _ in self.containers:
            if not same_items(container, copy):
                return False
        for d, name, _ in self.absent:
            if name in d:
                return False
        return True

    def reason(self):
        """``(what changed, advice, warn at once)`` for the first failing check, or None."""
        for source, items, owner in [*self.dicts, *self.slotted]:
            for name, value in items:
                new = source.get(name, _MISSING) if isinstance(source, Mapping) else \
                    own_value(source, name, _MISSING)
                if new is not value:
                    what = f"{owner}.{name}" if owner != "global" else f"the global {name!r}"
                    return (f"{what} changed",
                            *_advice(value, new, name if owner == "global" else f"obj.{name}"))
        for cell, value, name in self.cells:
            try:
                new = cell.cell_contents
            except ValueError:
                new = _MISSING
            if new is not value:
                return (f"the closure variable {name!r} changed",
                        *_advice(value, new, name))
        for container, copy, where in self.containers:
            if not same_items(container, copy):
                return (f"the items of {where} changed",
                        "Compiled code is specialised to the objects it reaches.", False)
        for d, name, owner in self.absent:
            if name in d:
                return (f"{owner}.{name} was set on the instance, hiding the class attribute",
                        *_advice(0.0, d[name], f"obj.{name}"))
        return None

    def hot_lines(self, names):
        """The checks as straight-line code for :func:`_hot_path` (its names added)."""
        tests = []
        for i, (d, items, _) in enumerate(self.dicts):
            names[f"d{i}"] = d
            for j, (name, value) in enumerate(items):
                names[f"c{i}_{j}"] = value
                tests.append(f"d{i}[{name!r}] is not c{i}_{j}")
        for i, (obj, items, _) in enumerate(self.slotted):
            names[f"o{i}"] = obj
            for j, (name, value) in enumerate(items):
                names[f"oc{i}_{j}"] = value
                tests.append(f"o{i}.{name} is not oc{i}_{j}")
        for i, (cell, value, _) in enumerate(self.cells):
            names[f"cell{i}"], names[f"cv{i}"] = cell, value
            tests.append(f"cell{i}.cell_contents is not cv{i}")
        for i, (container, copy, _) in enumerate(self.containers):
            names[f"k{i}"], names[f"kc{i}"] = container, copy
            if type(container) is list and len(copy) <= 8:   # unrolled: the usual short list
                names.update({f"kc{i}_{j}": item for j, item in enumerate(copy)})
                tests.append(f"len(k{i}) != {len(copy)}")
                tests += [f"k{i}[{j}] is not kc{i}_{j}" for j in range(len(copy))]
            else:
                names["same_items"] = same_items
                tests.append(f"not same_items(k{i}, kc{i})")
        for i, (d, name, _) in enumerate(self.absent):
            names[f"a{i}"] = d
            tests.append(f"{name!r} in a{i}")
        if not tests:
            return []
        return ["    try:",
                f"        if {' or '.join(tests)}: return MISS",
                "    except (KeyError, ValueError, AttributeError): return MISS"]

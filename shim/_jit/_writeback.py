"""What a trace did to Python state, turned into state writes -- or refused.

:func:`apply_attribute_writes` reads the :class:`~._attributes.AttributeLog`
of a trace: an attribute rebound to an array, or to a tuple, list, dict or
named tuple of arrays, is bound to the new value after every call (a rebind
is not a write: the array it held before is left alone); a number attribute
assigned a number becomes a 0-d array (found by discovery), and any other
change of Python state is a :class:`~shim.StateError`, since compiled code
runs Python only while tracing. :func:`flatten_output` and
:func:`flatten_promotions` turn a traced result and rebound attributes into
flat lists of values and specs, with arrays that existed before as references.
"""
from __future__ import annotations

import jax
import numpy as np

from .._array import JaxArray, is_root, to_jax, view_parts, weak, wrap
from .._errors import StateError
from .._objects import own_attributes, own_value, same_items
from ._state import walk
from ._tracking import leaks_trace
from ._tree import flatten

__all__ = ["apply_attribute_writes", "number_array", "flatten_output", "flatten_promotions",
           "carried_rebinds", "NOTHING", "MISSING"]

#: The spec of a call that returns nothing.
NOTHING = ("const", None)
#: A sentinel for "no such attribute".
MISSING = object()


# --- attribute writes inside a trace ---------------------------------------------------------

def apply_attribute_writes(log, name, numbers=None):
    """Check the attribute writes of a trace; refuse what cannot be kept.

    Returns ``[(object, attribute, new value)]`` for attributes rebound to an
    array or to a tuple, list, dict or named tuple holding arrays: after each
    call the attribute is bound to the new value, as Python binds it (a new
    array, whose dtype and shape may differ; a rebind never writes into the
    array the attribute held before). ``numbers``, if given, collects
    ``(object, attribute, old value)`` for number attributes assigned numbers
    (``self.t += dt``), which the caller makes arrays.
    """
    promoted = []
    for obj, attr in log.writes.values():
        snapshot = log.snapshots[id(obj)][1]
        old = snapshot.get(attr, MISSING)
        new = own_value(obj, attr, MISSING)
        if new is old:
            continue
        where = f"{type(obj).__name__}.{attr}"
        if numbers is not None and _is_number(old) and _is_number(new):
            numbers.append((obj, attr, old))
            continue
        if new is MISSING:
            raise StateError(f"shim.jit: {name} deletes {where}; compiled code cannot change "
                             "which attributes an object has", reason="deletes an attribute",
                             function=name)
        if type(new) is JaxArray or _holds_arrays(new):
            promoted.append((obj, attr, new))
            continue
        raise StateError(
            f"shim.jit: {name} sets {where} to a Python {type(new).__name__} "
            f"(was {old if old is not MISSING else 'unset'}); compiled code runs Python only "
            f"while tracing, so this would happen once, not on every call. Make it an array "
            f"(e.g. {attr} = shim.asarray(...)) so the compiled code can update it",
            reason="sets an attribute to a plain Python value", function=name)
    refuse_leaked_traces(log, name, written=set(log.writes))
    for container in log.changed_containers():
        raise StateError(f"shim.jit: {name} changes a Python {type(container).__name__} "
                         "held by an attribute (e.g. appending to a list); that happens only "
                         "while tracing. Return the values instead, or collect them with "
                         "shim.for_loop", reason="changes a container held by an attribute",
                         function=name)
    return promoted


def refuse_leaked_traces(log, name, written=()):
    """Raise a StateError naming the place if the trace left a traced value in Python data
    it reached (an appended list, an object reached by a default argument or a module)
    that shim does not write back; the data is put back as it was first.

    Attributes in ``written`` (``(id, name)`` keys) are written back and not checked.
    """
    for obj in log.objects.values():
        for attr, value in own_attributes(obj).items():
            if (id(obj), attr) not in written and not isinstance(value, (list, dict, set)) \
                    and leaks_trace(value):
                log.restore(everything=True)
                raise StateError(
                    f"shim.jit: {name} leaves a traced value in {type(obj).__name__}.{attr}, "
                    "which shim cannot write back after each call (its class does not "
                    "report attribute writes); return the value instead",
                    reason="leaves a traced value in Python data", function=name)
    for key, (container, copy) in log.containers.items():
        if key in log.free and not same_items(container, copy) and leaks_trace(container):
            where = log.where.get(key, f"a {type(container).__name__}")
            log.restore(everything=True)
            raise StateError(
                f"shim.jit: {name} puts a traced value into {where} (e.g. appending to a "
                "list); compiled code runs Python only while tracing, so the list would "
                "keep a placeholder, not the values of each call. Return the values "
                "instead, or collect them with shim.for_loop",
                reason="leaves a traced value in Python data", function=name)


# --- outputs --------------------------------------------------------------------------------

def _holds_arrays(x) -> bool:
    """Whether ``x`` is a tuple, list, dict or named tuple with arrays among its leaves."""
    if type(x) is JaxArray or isinstance(x, jax.Array):
        return True
    if isinstance(x, (list, tuple)):
        return any(_holds_arrays(item) for item in x)
    if isinstance(x, dict):
        return any(_holds_arrays(item) for item in x.values())
    return False


def _is_number(x):
    return type(x) in (int, float, complex) or isinstance(x, np.number)


def number_array(x):
    """A 0-d JaxArray for the number ``x``; a Python number stays weakly typed."""
    if isinstance(x, np.number):
        return wrap(to_jax(x), x.dtype)
    return weak(to_jax(x), np.asarray(x).dtype.kind)


def flatten_output(result, call_roots, tracking, promoted=()):
    """:func:`flatten` of a traced result; arrays the caller holds become references.

    An array the trace bound to an attribute (``self.s = ...; return self.s``)
    comes back as the attribute's new array itself.
    """
    if result is None:
        return NOTHING, []
    held = _held(call_roots, tracking)
    attributes = {id(new): (obj, attr) for obj, attr, new in promoted if type(new) is JaxArray}
    if not attributes:
        return flatten(result, held)

    def held_or_bound(x):
        bound = attributes.get(id(x))
        return ("attr", *bound) if bound is not None else held(x)

    return flatten(result, held_or_bound)


def flatten_promotions(promoted, call_roots, tracking):
    """``(promotions, values)`` for the attributes a trace rebound (see
    :func:`apply_attribute_writes`): ``promotions`` lists ``(object, attribute,
    spec, number of values)``; arrays that existed before stay references."""
    held = _held(call_roots, tracking)
    promotions, values = [], []
    for obj, attr, new in promoted:
        spec, flat = flatten(new, held)
        promotions.append((obj, attr, spec, len(flat)))
        values += flat
    return tuple(promotions), values


def carried_rebinds(promoted, log, call_roots):
    """The rebound attributes whose new value takes the old one's place as the program's input.

    ``self.params = update(self.params)`` reads the attribute and rebinds it:
    the next call must read the new arrays. For each such attribute whose old
    value held only root arrays, reached by no other attribute the trace read
    and by no argument, and whose new value has arrays at the same paths, this
    gives ``(object, attribute, old value, [(path, old root)])``; after each
    call the program swaps the new arrays in (:meth:`Program.run`). Other
    read-and-rebound attributes make the next call compile again.
    """
    found = []
    elsewhere = {id(r) for r in call_roots}
    read_values = {}
    for (key, name), (obj, _, value) in log.reads.items():
        read_values[(key, name)] = value
    for obj, attr, new in promoted:
        entry = log.reads.get((id(obj), attr))
        if entry is None:
            continue
        old = entry[2]
        old_arrays = list(walk(old, aliases=True))
        if not old_arrays or not all(type(a) is JaxArray and is_root(a) for _, a in old_arrays):
            continue
        others = set(elsewhere)
        for key, value in read_values.items():
            if key != (id(obj), attr):
                others |= {id(a) for _, a in walk(value, aliases=True)}
        ids = [id(a) for _, a in old_arrays]
        if others.intersection(ids) or len(set(ids)) != len(ids):
            continue
        new_paths = [p for p, _ in walk(new, aliases=True, leaves=(JaxArray, jax.Array))]
        if sorted(new_paths) != sorted(p for p, _ in old_arrays):
            continue
        found.append((obj, attr, old, old_arrays))
    return found


def _held(call_roots, tracking):
    """The leaf function of :func:`flatten` for traced values: arrays that existed before
    the trace (arguments, state) become references to them."""
    bound = {id(r): i for i, r in enumerate(call_roots)}

    def existing(root):
        key = id(root)
        return (key in tracking.seen or key in tracking.candidates) and \
            not tracking.is_temporary(root)

    def held(x):
        parts = view_parts(x, materialize=False)
        if parts is None:                     # a deferred masked read: a new array
            return None
        base, layout, firsts = parts
        if layout is None:
            if id(x) in bound:
                return ("root", bound[id(x)])
            if existing(x):
                return ("state", x)
            return None
        if id(base) in bound:
            return ("view", bound[id(base)], layout, firsts)
        if existing(base):
            return ("state-view", base, layout, firsts)
        return None

    return held

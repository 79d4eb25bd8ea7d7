"""What a trace did to Python state, turned into state writes -- or refused.

:func:`apply_attribute_writes` reads the :class:`~._attributes.AttributeLog`
of a trace: an array attribute rebound to a new array of its shape becomes a
write into the existing array, a number attribute assigned a number becomes a
0-d array (found by discovery), and any other change of Python state is a
:class:`~shim.StateError`, since compiled code runs Python only while
tracing. :func:`flatten_output` turns a traced result into a flat list of
values and a spec, with arrays the caller already holds as references.
"""
from __future__ import annotations

import numpy as np

from .._array import JaxArray, is_root, to_jax, view_parts, weak, wrap
from .._errors import StateError
from .._objects import own_value
from ._tracking import shape_of
from ._tree import flatten

__all__ = ["apply_attribute_writes", "number_array", "flatten_output", "NOTHING", "MISSING"]

#: The spec of a call that returns nothing.
NOTHING = ("const", None)
#: A sentinel for "no such attribute".
MISSING = object()


# --- attribute writes inside a trace ---------------------------------------------------------

def apply_attribute_writes(log, name, rebound=None, numbers=None):
    """Turn attribute writes of the trace into array writes; refuse what cannot be kept.

    Returns ``[(object, attribute, traced value)]`` for plain attributes that became
    arrays (written as new JaxArrays after each call). ``rebound``, if given, maps
    ``id(new array)`` to the existing array it was written into. ``numbers``, if
    given, collects ``(object, attribute, old value)`` for number attributes
    assigned numbers (``self.t += dt``), which the caller makes arrays.
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
        if type(new) is JaxArray:
            if type(old) is JaxArray:
                old_shape = shape_of(old) if is_root(old) else old.shape
                if new.shape != old_shape:
                    raise StateError(
                        f"shim.jit: {name} rebinds {where} to an array of shape {new.shape} "
                        f"(it was {old_shape}); compiled code writes new values into the "
                        "existing array, so its shape must stay",
                        reason="rebinds an array attribute to another shape", function=name)
                old.value = new.value          # write the new value into the existing array
                if rebound is not None:
                    rebound[id(new)] = old
            else:
                promoted.append((obj, attr, new.value))
            continue
        raise StateError(
            f"shim.jit: {name} sets {where} to a Python {type(new).__name__} "
            f"(was {old if old is not MISSING else 'unset'}); compiled code runs Python only "
            f"while tracing, so this would happen once, not on every call. Make it an array "
            f"(e.g. {attr} = shim.asarray(...)) so the compiled code can update it",
            reason="sets an attribute to a plain Python value", function=name)
    for container in log.changed_containers():
        raise StateError(f"shim.jit: {name} changes a Python {type(container).__name__} "
                         "held by an attribute (e.g. appending to a list); that happens only "
                         "while tracing. Return the values instead, or collect them with "
                         "shim.for_loop", reason="changes a container held by an attribute",
                         function=name)
    return promoted


# --- outputs --------------------------------------------------------------------------------

def _is_number(x):
    return type(x) in (int, float, complex) or isinstance(x, np.number)


def number_array(x):
    """A 0-d JaxArray for the number ``x``; a Python number stays weakly typed."""
    if isinstance(x, np.number):
        return wrap(to_jax(x), x.dtype)
    return weak(to_jax(x), np.asarray(x).dtype.kind)


def flatten_output(result, call_roots, tracking, rebound):
    """:func:`flatten` of a traced result; arrays the caller holds become references."""
    if result is None:
        return NOTHING, []
    bound = {id(r): i for i, r in enumerate(call_roots)}

    def held(x):
        if id(x) in rebound:                  # self.a = new; return self.a: the existing array
            return ("state", rebound[id(x)])
        parts = view_parts(x, materialize=False)
        if parts is None:                     # a deferred masked read: a new array
            return None
        base, layout, firsts = parts
        if layout is None:
            if id(x) in bound:
                return ("root", bound[id(x)])
            if id(x) in tracking.seen and not tracking.is_temporary(x):
                return ("state", x)
            return None
        if id(base) in bound:
            return ("view", bound[id(base)], layout, firsts)
        if id(base) in tracking.seen and not tracking.is_temporary(base):
            return ("state-view", base, layout, firsts)
        return None

    return flatten(result, held)


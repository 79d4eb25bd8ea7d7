"""A Python callable that reads and writes JaxArrays, as a pure function of a carry.

Shared by the control-flow helpers (:mod:`._control`: ``shim.for_loop``,
``shim.while_loop``, ``shim.cond``) and by converted Python control flow
(:mod:`._convert_runtime`).
"""
from __future__ import annotations

import jax
import numpy as np

from .._array import JaxArray, commit, is_root, root_value, wrap
from .._errors import NumbersAssigned, StateError
from ._attributes import AttributeLog
from ._tracking import Tracking, shape_of
from ._tree import flatten, unflatten
from ._writeback import apply_attribute_writes

__all__ = ["Functional", "refuse_attribute_writes", "scalar_bool", "wrap_step"]


class Functional:
    """A Python callable that touches JaxArrays, as a pure function of a carry.

    ``carry_roots`` are the JaxArrays it writes (found by a discovery trace, or
    given); ``pure(carry, x)`` returns ``(new carry, flat outputs)``.
    """

    def __init__(self, fn, run, example, carry=None):
        self._run = run
        self._name = getattr(fn, "__name__", "the function")
        self._fns = fn if isinstance(fn, tuple) else (fn,)
        if carry is None:
            carry = self._discover(example)
        self.carry_roots = carry
        self._outputs = None

    def _discover(self, example):
        found = {}

        def probe(anchor, x):
            log = AttributeLog.around(self._fns)
            with Tracking((), "discover", anchor) as tracking, log:
                try:
                    self._run(wrap_step(x))
                    refuse_attribute_writes(log, self._name)
                    found["written"] = list(tracking.written.values())
                finally:
                    log.restore()
            return 0

        jax.make_jaxpr(probe)(True, example)
        return found["written"]

    def initial(self):
        return [root_value(r) for r in self.carry_roots]

    def pure(self, carry, x):
        bind = list(zip(self.carry_roots, carry))
        log = AttributeLog.around(self._fns)
        with Tracking(bind, "open") as tracking, log:
            try:
                result = self._run(wrap_step(x))
                refuse_attribute_writes(log, self._name)
                extra = [r for r in tracking.written.values()
                         if not any(r is c for c in self.carry_roots)]
                if extra:
                    raise TypeError(
                        f"{self._name} wrote a JaxArray on one path that it did not write on "
                        "another; write the same arrays in every branch and step")
                new_carry = [tracking.value_of(r) for r in self.carry_roots]
                self._outputs, values = flatten(result)
            finally:
                log.restore()
        return new_carry, values

    def commit(self, carry):
        for root, value in zip(self.carry_roots, carry):
            commit(root, value)

    def rebuild(self, values):
        return unflatten(self._outputs, values)


def refuse_attribute_writes(log, name):
    numbers = []
    promoted = apply_attribute_writes(log, name, numbers=numbers)
    if numbers:
        raise NumbersAssigned(numbers, name)
    for obj, attr, new in promoted:
        # Inside a loop or branch the attribute keeps its array: a new value of the
        # same shape and dtype is carried in it (the body's state must keep its type).
        old = log.snapshots[id(obj)][1].get(attr)
        if type(new) is JaxArray and type(old) is JaxArray and is_root(old) and \
                new.shape == shape_of(old) and new.dtype == old.dtype:
            object.__setattr__(obj, attr, old)
            old.value = new.value
            continue
        raise StateError(f"{name} sets {type(obj).__name__}.{attr} to a new value of another "
                         "kind, shape or dtype inside a loop or branch; create the array "
                         "before and update it in place",
                         reason="rebinds an attribute inside a loop or branch", function=name)


def wrap_step(x):
    if x is None:
        return None
    if isinstance(x, tuple):
        return tuple(wrap(v) for v in x)
    return wrap(x)


def scalar_bool(value, where):
    value = value.value if type(value) is JaxArray else value
    value = jax.numpy.asarray(value)
    if value.shape != () or value.dtype != np.bool_:
        if value.shape == ():
            return value.astype(bool)
        raise TypeError(f"{where}: the condition must be a boolean scalar, got shape {value.shape}")
    return value

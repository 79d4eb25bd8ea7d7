"""Which JaxArrays a Python function touches while JAX traces it.

``shim.jit`` and the control-flow helpers turn a Python callable that reads and
writes JaxArrays -- through ``self``, arguments, closures, globals or any other
way -- into a pure function of those arrays' values. :class:`Tracking`,
active only while a trace runs, makes that possible: through the array
layer's value hooks (``shim._array.hook_root_values``) it notices every
*pre-existing* root that is read or written (roots created during the trace
are temporaries). In ``discover`` mode each newly touched root is lifted into
the trace (its value joined to an *anchor* tracer, so nothing is computed
eagerly) and recorded; in ``strict`` mode only the roots bound as inputs may
be touched, any other one raises :class:`Rediscover`. On exit every root gets
back the value it had, whatever happened.

The attributes a trace reads and writes are recorded by
:class:`~._attributes.AttributeLog`. Outside a trace neither recorder
exists, so eager code pays nothing.

Tracking is per thread: each thread (each context) has its own stack of
trackings in a context variable, and the hooks, installed while any thread
traces, leave the roots of threads that are not tracing alone. Another
thread's eager work meanwhile sees plain values, and a :class:`Rediscover`
is never raised outside the thread that traces.
"""
from __future__ import annotations

import contextvars
import threading

import jax
import jax.numpy as jnp

from .._array import (
    JaxArray,
    hook_root_values,
    raw_value,
    set_raw_value,
    unhook_root_values,
    view_parts,
)

__all__ = ["Tracking", "Rediscover", "WriteOnly", "shape_of", "tracing", "leaks_trace"]

#: This context's trackings, outermost first (a tuple: contexts may be copied).
_STACK: contextvars.ContextVar = contextvars.ContextVar("shim_trackings", default=())
_HOOKED = [0]                     # trackings alive in all threads; the hooks are on while > 0
_HOOK_LOCK = threading.Lock()
_Tracer = jax.core.Tracer


try:
    from jax._src.core import trace_state_clean as _trace_state_clean
except ImportError:                       # pragma: no cover - depends on JAX's internals
    _trace_state_clean = None


def tracing(*values) -> bool:
    """Whether a JAX trace is active (so control flow must be staged, not run)."""
    if _trace_state_clean is not None:
        return not _trace_state_clean()
    return any(isinstance(v.value if type(v) is JaxArray else v, _Tracer) for v in values)


def leaks_trace(value, depth: int = 0) -> bool:
    """Whether ``value`` would keep a traced value after the trace: a JAX tracer, or an array
    made during the trace (its value is a tracer), also inside lists, tuples and dicts.

    Arrays that existed before hold tracers only while tracing; they get their
    values back at the end.
    """
    if isinstance(value, _Tracer):
        return True
    if type(value) is JaxArray:
        stack = _STACK.get()
        parts = view_parts(value, materialize=False)
        if parts is None:                     # a deferred masked read
            return bool(stack)
        root = parts[0]
        return bool(stack) and stack[-1].is_temporary(root) and \
            isinstance(raw_value(root), _Tracer)
    if depth < 8:
        if isinstance(value, (list, tuple, set)):
            return any(leaks_trace(v, depth + 1) for v in value)
        if isinstance(value, dict):
            return any(leaks_trace(v, depth + 1) for v in value.values())
    return False


class Rediscover(BaseException):
    """A strict trace touched a JaxArray it was not given: trace again with it.

    A BaseException so that user code catching ``Exception`` does not swallow it.
    """


class WriteOnly:
    """Bound in place of a value the trace overwrites without reading: reading it
    raises :class:`Rediscover`; its shape can be asked with :func:`shape_of`."""

    __slots__ = ("shape",)

    def __init__(self, shape):
        self.shape = shape


def shape_of(root):
    """A root's shape, without counting as a read of its value."""
    return raw_value(root).shape


def _on_read(root, value):
    stack = _STACK.get()
    if not stack:                         # this thread is not tracing
        return value
    key = id(root)
    if key not in stack[-1].seen and stack[0].created.get(key, 0) < len(stack):
        return _first_touch(stack, root, value, write=False)
    if type(value) is WriteOnly:
        raise Rediscover(root, "read")    # bound as write-only, but read after all
    return value


def _on_write(root):
    stack = _STACK.get()
    if not stack:
        return
    key = id(root)
    if stack[0].created.get(key, 0) < len(stack):
        top = stack[-1]
        if key not in top.seen:
            _first_touch(stack, root, raw_value(root), write=True)
        top.written[key] = root


def _on_create(array):
    stack = _STACK.get()
    if stack:
        bottom = stack[0]
        bottom.created[id(array)] = len(stack)   # a temporary of every level
        bottom.keep.append(array)                # alive while the trace is: its id stays its


def _first_touch(stack, root, value, write):
    """Show a root to every level for which it pre-exists, outermost first.

    An outer level must learn of a root even when an inner trace (a loop body
    inside a compiled function) is the first to read it, or the outer program
    would bake its value in.
    """
    born = stack[0].created.get(id(root), 0)
    top = len(stack)
    for depth in range(born + 1, top + 1):
        tracking = stack[depth - 1]
        if id(root) in tracking.seen:
            value = raw_value(root)
        else:
            value = tracking._first_touch(root, value, write and depth == top)
    return value


class Tracking:
    """Record and isolate the JaxArray roots a trace touches.

    Parameters
    ----------
    bind : sequence of (root, value)
        Values to give roots for the trace (input tracers). Bound roots may
        always be touched.
    mode : {"discover", "strict", "open"}
        ``discover``: any other pre-existing root touched is recorded and lifted
        into the trace with ``anchor``. ``strict``: touching one raises
        :class:`Rediscover`. ``open``: it is recorded and keeps its value (a
        constant of the trace, as for arrays a loop body only reads).
    anchor : traced bool scalar, for ``discover``.
    candidates : sequence of (root, value)
        For ``discover``: roots the trace may touch, with input tracers made in
        advance. One that is touched is recorded like any other and bound to its
        tracer then (an input, not a constant; untouched ones are never changed,
        which matters to other threads): a trace whose touched roots
        were all candidates needs no second pass. Others touched are listed in
        ``lifted``.

    Trackings nest (a loop body traced inside a compiled function): an array
    made at an inner level is a temporary of the enclosing levels too.
    """

    def __init__(self, bind=None, mode="strict", anchor=None, candidates=()):
        self.bind = bind or ()
        self.candidates = {id(root): root for root, _ in candidates}
        self._candidate_values = {id(root): value for root, value in candidates}
        self.lifted: dict = {}      # id -> root, touched roots that were not candidates
        self.mode = mode
        self.anchor = anchor
        self.depth = 0
        self.seen: dict = {}        # id -> root, every pre-existing root touched or bound
        self.touched: dict = {}     # id -> root, pre-existing roots touched (not bound)
        self.read: set = set()      # ids of those whose value was read before any write
        self.written: dict = {}     # id -> root, roots written (bound or not)
        self._saved: list = []      # (root, value) to restore
        self.created: dict = {}     # outermost level only: id -> depth where an array was made
        self.keep: list = []        # outermost level only: those arrays
        self._outer = ()            # the stack this one was pushed onto

    def __enter__(self) -> "Tracking":
        with _HOOK_LOCK:
            if not _HOOKED[0]:
                hook_root_values(_on_read, _on_write, _on_create)
            _HOOKED[0] += 1
        self._outer = _STACK.get()
        stack = (*self._outer, self)
        _STACK.set(stack)
        self.depth = len(stack)
        try:
            for root, value in self.bind:
                self.seen[id(root)] = root
                self._saved.append((root, raw_value(root)))
                set_raw_value(root, value)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        for root, value in reversed(self._saved):
            set_raw_value(root, value)
        self._saved.clear()
        _STACK.set(self._outer)
        if self._outer:
            created = self._outer[0].created
            depth = self.depth
            for key, born in list(created.items()):
                if born == depth:           # still temporaries of the levels below
                    created[key] = depth - 1
        else:
            self.created.clear()
            self.keep.clear()
        with _HOOK_LOCK:
            _HOOKED[0] -= 1
            if not _HOOKED[0]:
                unhook_root_values()

    def is_temporary(self, array) -> bool:
        """Whether ``array`` was made during this trace."""
        stack = (*self._outer, self)
        return stack[0].created.get(id(array), 0) >= self.depth

    def _first_touch(self, root, value, write):
        self.seen[id(root)] = root
        if self.mode == "strict":
            raise Rediscover(root)
        self.touched[id(root)] = root
        if not write:
            self.read.add(id(root))
        self._saved.append((root, value))
        if id(root) in self.candidates:   # bound to its input tracer only now: a root
            tracer = self._candidate_values[id(root)]   # no code touches is left alone
            set_raw_value(root, tracer)
            return tracer
        self.lifted[id(root)] = root
        if not write and self.mode == "discover":
            value = jnp.where(self.anchor, value, value)   # into the trace, computing nothing
            set_raw_value(root, value)
        return value

    def value_of(self, root):
        """The current (traced) value of ``root``, without recording anything."""
        return raw_value(root)

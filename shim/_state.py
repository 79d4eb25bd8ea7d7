"""Which JaxArrays, and which attributes, a Python function touches while JAX traces it.

``shim.jit`` and the control-flow helpers turn a Python callable that reads and
writes JaxArrays -- through ``self``, arguments, closures, globals or any other
way -- into a pure function of those arrays' values. Two recorders, active only
while a trace runs, make that possible:

* :class:`Tracking` replaces the descriptor of ``JaxArray._value`` so that every
  *pre-existing* root that is read or written is noticed (roots created during
  the trace are temporaries). In ``discover`` mode each newly touched root is
  lifted into the trace (its value joined to an *anchor* tracer, so nothing is
  computed eagerly) and recorded; in ``strict`` mode only the roots bound as
  inputs may be touched, any other one raises :class:`Rediscover`. On exit every
  root gets back the value it had, whatever happened.

* :class:`AttributeLog` temporarily wraps ``__getattribute__``, ``__setattr__``
  and ``__delattr__`` of the classes of tracked objects, records the instance
  attributes the trace reads (so later calls can check them cheaply) and the
  ones it writes (so they can be turned into state writes, refused, and in every
  case restored). Objects reached through tracked attributes are tracked too.

Outside a trace neither recorder exists, so eager code pays nothing.
"""
from __future__ import annotations

import functools
import types

import jax
import jax.numpy as jnp

from ._array import JaxArray

__all__ = ["Tracking", "AttributeLog", "Rediscover", "StateError", "is_user_object",
           "tracing", "WriteOnly", "shape_of"]

_SLOT = JaxArray.__dict__["_value"]      # the real storage of JaxArray._value
_TRACKINGS: list["Tracking"] = []
_Tracer = jax.core.Tracer


try:
    from jax._src.core import trace_state_clean as _trace_state_clean
except ImportError:                       # pragma: no cover - depends on JAX's internals
    _trace_state_clean = None


def tracing(*values) -> bool:
    """Whether a JAX trace is active (so control flow must be staged, not run)."""
    if _trace_state_clean is not None:
        return not _trace_state_clean()
    return any(isinstance(getattr(v, "_value", v), _Tracer) for v in values)


class Rediscover(BaseException):
    """A strict trace touched a JaxArray it was not given: trace again with it.

    A BaseException so that user code catching ``Exception`` does not swallow it.
    """


class StateError(TypeError):
    """A compiled function did something to Python state that compilation cannot keep."""


class _TrackedValue:
    """The descriptor of ``JaxArray._value`` while a :class:`Tracking` is active."""

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = _SLOT.__get__(obj, cls)
        if obj._base is None:
            key = id(obj)
            if key not in _TRACKINGS[-1].seen and _CREATED.get(key, 0) < len(_TRACKINGS):
                value = _first_touch(obj, value, write=False)
            elif type(value) is WriteOnly:
                raise Rediscover(obj, "read")   # bound as write-only, but read after all
        return value

    def __set__(self, obj, value):
        try:
            obj._version
        except AttributeError:               # being constructed: a temporary of every level
            _CREATED[id(obj)] = len(_TRACKINGS)
            _KEEP.append(obj)
        else:
            key = id(obj)
            if obj._base is None and _CREATED.get(key, 0) < len(_TRACKINGS):
                top = _TRACKINGS[-1]
                if key not in top.seen:
                    _first_touch(obj, _SLOT.__get__(obj), write=True)
                top.written[key] = obj
        _SLOT.__set__(obj, value)


_TRACKED_VALUE = _TrackedValue()
class WriteOnly:
    """Bound in place of a value the trace overwrites without reading: reading it
    raises :class:`Rediscover`; its shape can be asked with :func:`shape_of`."""

    __slots__ = ("shape",)

    def __init__(self, shape):
        self.shape = shape


def shape_of(root):
    """A root's shape, without counting as a read of its value."""
    return _SLOT.__get__(root).shape
_CREATED: dict = {}     # id -> depth of the tracking stack when the array was made
_KEEP: list = []        # those arrays, alive while any tracking is, so their ids stay theirs


def _first_touch(root, value, write):
    """Show a root to every level for which it pre-exists, outermost first.

    An outer level must learn of a root even when an inner trace (a loop body
    inside a compiled function) is the first to read it, or the outer program
    would bake its value in.
    """
    born = _CREATED.get(id(root), 0)
    top = len(_TRACKINGS)
    for depth in range(born + 1, top + 1):
        tracking = _TRACKINGS[depth - 1]
        if id(root) in tracking.seen:
            value = _SLOT.__get__(root)
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

    Trackings nest (a loop body traced inside a compiled function): an array
    made at an inner level is a temporary of the enclosing levels too.
    """

    def __init__(self, bind=None, mode="strict", anchor=None):
        self.bind = bind or ()
        self.mode = mode
        self.anchor = anchor
        self.depth = 0
        self.seen: dict = {}        # id -> root, every pre-existing root touched or bound
        self.touched: dict = {}     # id -> root, pre-existing roots touched (not bound)
        self.read: set = set()      # ids of those whose value was read before any write
        self.written: dict = {}     # id -> root, roots written (bound or not)
        self._saved: list = []      # (root, value) to restore

    def __enter__(self) -> "Tracking":
        if not _TRACKINGS:
            JaxArray._value = _TRACKED_VALUE
        _TRACKINGS.append(self)
        self.depth = len(_TRACKINGS)
        try:
            for root, value in self.bind:
                self.seen[id(root)] = root
                self._saved.append((root, _SLOT.__get__(root)))
                _SLOT.__set__(root, value)
                root._version += 1
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        for root, value in reversed(self._saved):
            _SLOT.__set__(root, value)
            root._version += 1
        self._saved.clear()
        _TRACKINGS.pop()
        depth = self.depth
        for key, born in list(_CREATED.items()):
            if born == depth:               # still temporaries of the levels below
                _CREATED[key] = depth - 1
        if not _TRACKINGS:
            JaxArray._value = _SLOT
            _CREATED.clear()
            _KEEP.clear()

    def is_temporary(self, array) -> bool:
        """Whether ``array`` was made during this trace."""
        return _CREATED.get(id(array), 0) >= self.depth

    def _first_touch(self, root, value, write):
        self.seen[id(root)] = root
        if self.mode == "strict":
            raise Rediscover(root)
        self.touched[id(root)] = root
        if not write:
            self.read.add(id(root))
        self._saved.append((root, value))
        if not write and self.mode == "discover":
            value = jnp.where(self.anchor, value, value)   # into the trace, computing nothing
            _SLOT.__set__(root, value)
            root._version += 1
        return value

    def value_of(self, root):
        """The current (traced) value of ``root``, without recording anything."""
        return _SLOT.__get__(root)


_NOT_OBJECTS = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
                types.MethodType, functools.partial, JaxArray, jax.Array)


def is_user_object(obj) -> bool:
    """Objects whose instance attributes may hold state: instances of Python classes."""
    return hasattr(obj, "__dict__") and not isinstance(obj, _NOT_OBJECTS)


_HEAPTYPE = 1 << 9                  # Py_TPFLAGS_HEAPTYPE: a class written in Python
_LOGS: list["AttributeLog"] = []
_PATCHED: dict = {}                 # class -> (had own methods?, originals)


class AttributeLog:
    """Record instance-attribute reads and writes of tracked objects during a trace.

    ``reads`` maps (object, name) to the value first read; ``writes`` lists the
    attributes assigned or deleted; ``snapshots`` keeps each touched object's
    ``__dict__`` (and each list/dict/set read through an attribute) as it was,
    for :meth:`restore`.
    """

    def __init__(self, roots=()):
        self.objects: dict = {}       # id -> object being tracked
        self.reads: dict = {}         # (id, name) -> (object, name, value)
        self.writes: dict = {}        # (id, name) -> (object, name)
        self.snapshots: dict = {}     # id -> (object, dict copy)
        self.containers: dict = {}    # id -> (container, copy)
        for obj in roots:
            self.track(obj)

    def track(self, obj) -> None:
        if id(obj) in self.objects or not is_user_object(obj):
            return
        self.objects[id(obj)] = obj
        _patch(type(obj))

    def __enter__(self) -> "AttributeLog":
        _LOGS.append(self)
        return self

    def __exit__(self, *exc_info) -> None:
        _LOGS.pop()
        if not _LOGS:
            _unpatch_all()

    def _snapshot(self, obj) -> None:
        if id(obj) not in self.snapshots:
            self.snapshots[id(obj)] = (obj, dict(obj.__dict__))

    def _read(self, obj, name, value) -> None:
        key = (id(obj), name)
        if key not in self.reads and key not in self.writes:
            self.reads[key] = (obj, name, value)
        if is_user_object(value):
            self.track(value)
        elif isinstance(value, (list, dict, set)) and id(value) not in self.containers:
            self.containers[id(value)] = (value, value.copy())
            for item in (value.values() if isinstance(value, dict) else value):
                if is_user_object(item):
                    self.track(item)

    def changed_containers(self):
        """Lists, dicts and sets read through attributes whose contents changed."""
        return [c for c, copy in self.containers.values() if not _same_items(c, copy)]

    def restore(self) -> None:
        """Put every touched ``__dict__`` and container back as it was."""
        for obj, saved in self.snapshots.values():
            current = obj.__dict__
            if current.keys() != saved.keys() or any(current[k] is not v for k, v in saved.items()):
                current.clear()
                current.update(saved)
        for container, copy in self.containers.values():
            if not _same_items(container, copy):
                container.clear()
                container.update(copy) if isinstance(container, (dict, set)) else \
                    container.extend(copy)


def _same_items(container, copy) -> bool:
    if len(container) != len(copy):
        return False
    if isinstance(container, dict):
        return container.keys() == copy.keys() and all(container[k] is copy[k] for k in copy)
    if isinstance(container, set):
        return container == copy
    return all(a is b for a, b in zip(container, copy))


def _current_log(obj):
    if _LOGS:
        log = _LOGS[-1]
        if id(obj) in log.objects:
            return log
    return None


def _patch(cls) -> None:
    """Wrap attribute access of ``cls`` while logs are active (heap types only)."""
    if cls in _PATCHED or not cls.__flags__ & _HEAPTYPE:
        return
    own = {name: cls.__dict__[name] for name in ("__getattribute__", "__setattr__", "__delattr__")
           if name in cls.__dict__}
    get, set_, delete = cls.__getattribute__, cls.__setattr__, cls.__delattr__

    def __getattribute__(obj, name):
        value = get(obj, name)
        log = _current_log(obj)
        if log is not None:
            d = object.__getattribute__(obj, "__dict__")
            if name in d:
                log._read(obj, name, d[name])
        return value

    def __setattr__(obj, name, value):
        log = _current_log(obj)
        if log is not None:
            log._snapshot(obj)
            log.writes[(id(obj), name)] = (obj, name)
        set_(obj, name, value)

    def __delattr__(obj, name):
        log = _current_log(obj)
        if log is not None:
            log._snapshot(obj)
            log.writes[(id(obj), name)] = (obj, name)
        delete(obj, name)

    _PATCHED[cls] = own
    cls.__getattribute__ = __getattribute__
    cls.__setattr__ = __setattr__
    cls.__delattr__ = __delattr__


def _unpatch_all() -> None:
    for cls, own in _PATCHED.items():
        for name in ("__getattribute__", "__setattr__", "__delattr__"):
            if name in own:
                setattr(cls, name, own[name])
            else:
                delattr(cls, name)
    _PATCHED.clear()

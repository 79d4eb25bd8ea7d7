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
  case restored). Objects reached through tracked attributes are tracked too,
  and the lists, dicts and sets passed through are copied, so a compiled
  program can check that they still hold the same items.

Outside a trace neither recorder exists, so eager code pays nothing.
"""
from __future__ import annotations

import functools
import types
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from ._array import JaxArray

__all__ = ["Tracking", "AttributeLog", "Rediscover", "StateError", "NumbersAssigned",
           "is_user_object", "slot_names", "own_attributes", "own_value", "code_names",
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


class NumbersAssigned(StateError):
    """Number attributes were assigned inside a compiled loop or branch.

    ``numbers`` lists ``(object, attribute, old value)``. The outermost
    ``shim.jit`` catches this, makes them 0-d arrays and traces again; with no
    ``shim.jit`` around, the message says what to do.
    """

    def __init__(self, numbers, name):
        self.numbers = numbers
        where = ", ".join(f"{type(obj).__name__}.{attr}" for obj, attr, _ in numbers)
        super().__init__(
            f"{name} assigns the number attribute(s) {where} inside a compiled loop or "
            "branch, where Python numbers cannot change from step to step. Make them arrays "
            "(e.g. t = shim.asarray(0.0)), or compile the caller with shim.jit, which does so")


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
            _ = obj._version
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
    """Objects whose instance attributes may hold state: instances of Python classes.

    Their attributes live in ``__dict__``, in ``__slots__``, or both. Classes can
    opt out with a true ``_shim_opaque`` class attribute (compiled functions do:
    their caches are not the program's state).
    """
    cls = type(obj)
    return (hasattr(obj, "__dict__") or bool(cls.__flags__ & _HEAPTYPE and slot_names(cls))) \
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


_UNSET = object()
_CONSTANTS = (bool, int, float, complex, str, bytes, type(None), tuple, frozenset, np.generic)
_HEAPTYPE = 1 << 9                  # Py_TPFLAGS_HEAPTYPE: a class written in Python
_LOGS: list["AttributeLog"] = []
_PATCHED: dict = {}                 # class -> (had own methods?, originals)


class AttributeLog:
    """Record instance-attribute reads and writes of tracked objects during a trace.

    ``reads`` maps (object, name) to the value first read; ``writes`` lists the
    attributes assigned or deleted; ``snapshots`` keeps each touched object's
    ``__dict__`` as it was, for :meth:`restore`. ``containers`` holds a copy of
    every list, dict and set reached from the roots or from an attribute read,
    nested ones included (through tuples too): the compiled code is only valid
    while they hold the same items, and they are restored like ``__dict__``.
    """

    def __init__(self):
        self.objects: dict = {}       # id -> object being tracked
        self.reads: dict = {}         # (id, name) -> (object, name, value)
        self.writes: dict = {}        # (id, name) -> (object, name)
        self.snapshots: dict = {}     # id -> (object, dict copy)
        self.containers: dict = {}    # id -> (container, copy)
        self.where: dict = {}         # id -> what a container is, for messages
        self.free: set = set()        # ids of containers that may change (see reach)
        self.absent: dict = {}        # (id, name) -> (object, name): read from the class
        self._walked: set = set()     # ids of tuples already walked

    @classmethod
    def around(cls, fns, objects=()) -> "AttributeLog":
        """A log rooted at everything the callables ``fns`` can reach.

        That is ``objects``, a bound method's object, a callable object, and the
        closure variables and module globals the code names.
        """
        log = cls()
        for obj in objects:
            log.reach(obj, type(obj).__name__)
        for fn in fns:
            if isinstance(fn, types.MethodType):
                log.reach(fn.__self__, type(fn.__self__).__name__)
                fn = fn.__func__
            elif is_user_object(fn):
                log.reach(fn, type(fn).__name__)
                fn = getattr(type(fn).__call__, "__func__", type(fn).__call__)
            code = getattr(fn, "__code__", None)
            if code is None:
                continue
            for name, cell in zip(code.co_freevars, fn.__closure__ or ()):
                try:
                    log.reach(cell.cell_contents, f"the closure variable {name!r}", free=True)
                except ValueError:            # an empty cell
                    pass
            for name in code_names(fn):
                if name in fn.__globals__:
                    log.reach(fn.__globals__[name], f"the global {name!r}", free=True)
        return log

    def track(self, obj) -> None:
        if id(obj) in self.objects or not is_user_object(obj):
            return
        self.objects[id(obj)] = obj
        _patch(type(obj))

    def reach(self, value, where: str = "", free: bool = False) -> None:
        """Track ``value`` if it is an object; if a container, copy it and reach its items.

        ``where`` names the value for messages (``"Net.layers"``); items add
        ``[i]``. ``free`` containers (those of closure variables and globals) may
        change while tracing, as a Python side effect that happens once per
        trace (``calls.append(1)``); changes of others are refused and undone.
        """
        if isinstance(value, (list, dict, set)):
            if id(value) in self.containers:
                if not free:
                    self.free.discard(id(value))
                return
            self.containers[id(value)] = (value, value.copy())
            self.where[id(value)] = where or f"a {type(value).__name__}"
            if free:
                self.free.add(id(value))
        elif isinstance(value, tuple):
            if id(value) in self._walked:
                return
            self._walked.add(id(value))
        else:
            self.track(value)
            return
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(item, (list, dict, set, tuple)) or is_user_object(item):
                self.reach(item, f"{where}[{key!r}]" if where else "", free)

    def __enter__(self) -> "AttributeLog":
        _LOGS.append(self)
        return self

    def __exit__(self, *exc_info) -> None:
        _LOGS.pop()
        if not _LOGS:
            _unpatch_all()

    def _snapshot(self, obj) -> None:
        if id(obj) not in self.snapshots:
            self.snapshots[id(obj)] = (obj, own_attributes(obj))

    def _read(self, obj, name, value) -> None:
        key = (id(obj), name)
        if key not in self.reads and key not in self.writes:
            self.reads[key] = (obj, name, value)
        if isinstance(value, (list, dict, set, tuple)) or is_user_object(value):
            self.reach(value, f"{type(obj).__name__}.{name}")

    def _class_read(self, obj, name) -> None:
        """Record a constant read through the instance from its class (``self.dt``).

        The check then covers the class attribute and that the instance has
        not gained its own attribute of that name since.
        """
        for cls in type(obj).__mro__:
            value = cls.__dict__.get(name, _UNSET)
            if value is _UNSET:
                continue
            if isinstance(value, _CONSTANTS):
                self.reads.setdefault((id(cls), name), (cls, name, value))
                try:
                    object.__getattribute__(obj, "__dict__")
                    self.absent.setdefault((id(obj), name), (obj, name))
                except AttributeError:
                    pass
            return

    def changed_containers(self):
        """Lists, dicts and sets reached through attributes whose contents changed."""
        return [c for key, (c, copy) in self.containers.items()
                if key not in self.free and not same_items(c, copy)]

    def container_checks(self):
        """``[(container, items it holds, where)]``: what compiled code assumes.

        Free containers are taken as they are now, after their side effects.
        """
        return [(c, c.copy() if key in self.free else copy, self.where[key])
                for key, (c, copy) in self.containers.items()]

    def restore(self) -> None:
        """Put every touched object's attributes and every container back as they were."""
        for obj, saved in self.snapshots.values():
            current = own_attributes(obj)
            for name in current.keys() - saved.keys():
                object.__delattr__(obj, name)
            for name, value in saved.items():
                if current.get(name, _UNSET) is not value:
                    object.__setattr__(obj, name, value)
        for key, (container, copy) in self.containers.items():
            if key not in self.free and not same_items(container, copy):
                container.clear()
                container.update(copy) if isinstance(container, (dict, set)) else \
                    container.extend(copy)


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
            own = own_value(obj, name, _UNSET)
            if own is not _UNSET:
                log._read(obj, name, own)
            else:
                log._class_read(obj, name)
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

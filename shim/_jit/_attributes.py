"""Which instance attributes a Python function reads and writes while JAX traces it.

:class:`AttributeLog` temporarily wraps ``__getattribute__``, ``__setattr__``
and ``__delattr__`` of the classes of tracked objects, records the instance
attributes the trace reads (so later calls can check them cheaply) and the
ones it writes (so they can be turned into state writes, refused, and in every
case restored). Objects reached through tracked attributes are tracked too,
and the lists, dicts and sets passed through are copied, so a compiled
program can check that they still hold the same items.

Logs are per thread (a context variable holds each context's stack); the
patched attribute methods, installed while any thread traces, record only
for the thread that owns the log.
"""
from __future__ import annotations

import contextvars
import threading
import types

import numpy as np

from .._objects import (
    CONSTANTS,
    HEAPTYPE,
    UNSET,
    code_names,
    is_user_object,
    own_attributes,
    own_value,
    same_items,
)

__all__ = ["AttributeLog"]

#: This context's logs, outermost first (a tuple: contexts may be copied).
_LOGS: contextvars.ContextVar = contextvars.ContextVar("shim_attribute_logs", default=())
_PATCHED: dict = {}                 # class -> its own attribute methods, to put back
_ACTIVE = [0]                       # logs alive in all threads; classes stay patched while > 0
_PATCH_LOCK = threading.RLock()


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
        self._entered = False         # classes are patched once the log is entered
        self._outer = ()              # the logs this one was pushed onto
        self.stand_ins: dict = {}     # id(NumPy array) -> (array, JaxArray read in its place)

    @classmethod
    def around(cls, fns, objects=(), stand_ins=None) -> "AttributeLog":
        """A log rooted at everything the callables ``fns`` can reach.

        That is ``objects``, a bound method's object, a callable object, the
        closure variables, default arguments and module globals the code names,
        and the attributes of modules it names, by the names it uses
        (``config.state`` for ``import config``). ``stand_ins`` maps NumPy
        arrays held by attributes to the JaxArrays the trace reads instead (so
        that they are inputs, current on every call); inner logs inherit them.
        """
        log = cls()
        if stand_ins:
            log.stand_ins = stand_ins
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
            names = code_names(fn)
            for name, cell in zip(code.co_freevars, fn.__closure__ or ()):
                try:
                    value = cell.cell_contents
                except ValueError:            # an empty cell
                    continue
                log.reach(value, f"the closure variable {name!r}", free=True)
                log._reach_module(value, names)
            for i, value in enumerate(fn.__defaults__ or ()):
                log.reach(value, f"default argument {i} of {fn.__name__}")
            for name, value in (fn.__kwdefaults__ or {}).items():
                log.reach(value, f"the default of {name!r}")
            for name in names:
                if name in fn.__globals__:
                    value = fn.__globals__[name]
                    log.reach(value, f"the global {name!r}", free=True)
                    log._reach_module(value, names)
        return log

    def _reach_module(self, value, names) -> None:
        """Reach the attributes of the module ``value`` that the code names."""
        if isinstance(value, types.ModuleType):
            for attr in names:
                item = value.__dict__.get(attr)
                if isinstance(item, (list, dict, set, tuple)) or is_user_object(item):
                    self.reach(item, f"{value.__name__}.{attr}", free=True)

    def track(self, obj) -> None:
        if id(obj) in self.objects or not is_user_object(obj):
            return
        self.objects[id(obj)] = obj
        if not type(obj).__flags__ & HEAPTYPE:
            self._snapshot(obj)             # writes are not seen: restore all (SimpleNamespace)
        if self._entered:
            with _PATCH_LOCK:
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
        with _PATCH_LOCK:
            _ACTIVE[0] += 1
            self._entered = True
            for obj in self.objects.values():
                _patch(type(obj))
        self._outer = _LOGS.get()
        if self._outer and not self.stand_ins:
            self.stand_ins = self._outer[-1].stand_ins
        _LOGS.set((*self._outer, self))
        return self

    def __exit__(self, *exc_info) -> None:
        _LOGS.set(self._outer)
        if self._outer:                 # what an inner trace read, the outer one read too
            self._outer[-1].absorb(self)
        with _PATCH_LOCK:
            _ACTIVE[0] -= 1
            if not _ACTIVE[0]:
                _unpatch_all()

    def absorb(self, inner: "AttributeLog") -> None:
        """Take the reads of an inner trace (a loop or branch body) as this trace's own,
        so that a compiled program checks the attributes its loop bodies read."""
        for key, entry in inner.reads.items():
            if key not in self.reads and key not in self.writes:
                self.reads[key] = entry
        for key, entry in inner.absent.items():
            self.absent.setdefault(key, entry)
        for key, entry in inner.containers.items():
            if key not in self.containers:
                self.containers[key] = entry
                self.where[key] = inner.where[key]
                if key in inner.free:
                    self.free.add(key)

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
            value = cls.__dict__.get(name, UNSET)
            if value is UNSET:
                continue
            if isinstance(value, CONSTANTS):
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

    def restore(self, everything: bool = False) -> None:
        """Put every touched object's attributes and every container back as they were.

        Free containers (see :meth:`reach`) keep their changes, unless ``everything``.
        """
        for obj, saved in self.snapshots.values():
            current = own_attributes(obj)
            for name in current.keys() - saved.keys():
                object.__delattr__(obj, name)
            for name, value in saved.items():
                if current.get(name, UNSET) is not value:
                    object.__setattr__(obj, name, value)
        for key, (container, copy) in self.containers.items():
            if (everything or key not in self.free) and not same_items(container, copy):
                container.clear()
                container.update(copy) if isinstance(container, (dict, set)) else \
                    container.extend(copy)


def _current_log(obj):
    logs = _LOGS.get()
    if logs:
        log = logs[-1]
        if id(obj) in log.objects:
            return log
    return None


def _patch(cls) -> None:
    """Wrap attribute access of ``cls`` while logs are active (heap types only)."""
    if cls in _PATCHED or not cls.__flags__ & HEAPTYPE:
        return
    own = {name: cls.__dict__[name] for name in ("__getattribute__", "__setattr__", "__delattr__")
           if name in cls.__dict__}
    get, set_, delete = cls.__getattribute__, cls.__setattr__, cls.__delattr__

    def __getattribute__(obj, name):
        value = get(obj, name)
        log = _current_log(obj)
        if log is not None:
            own = own_value(obj, name, UNSET)
            if own is not UNSET:
                log._read(obj, name, own)
                if type(value) is np.ndarray and log.stand_ins:
                    stand_in = log.stand_ins.get(id(value))
                    if stand_in is not None:
                        return stand_in[1]
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

"""``shim.jit``: compile functions, methods and objects whose state lives in JaxArrays.

A compiled call is a pure JAX function of the *values* of every JaxArray the
Python callable touches -- through ``self``, arguments, closures, globals (the
random stream's key included) -- that returns its results and the new values of
the arrays it wrote; shim writes those back into the same JaxArray objects.

Compiling (once per argument signature) takes two traces:

1. *discovery*: run the callable under :class:`~shim._state.Tracking` in
   ``discover`` mode to find the JaxArrays it touches and the instance
   attributes it reads;
2. *compile*: ``jax.jit`` a pure function that binds those arrays to its inputs
   and runs the callable again in ``strict`` mode (touching anything else
   restarts from 1).

Each later call checks, by identity, the attributes the trace read (so
rebinding ``obj.v`` or changing ``obj.tau`` is never missed), passes the current
values, calls the executable and commits the written arrays. Nothing is written
if tracing or the call fails, and every array keeps its value.
"""
from __future__ import annotations

import functools
import operator
import types
import warnings
import weakref

import jax
import numpy as np

from ._array import JaxArray, _MaskedRead, _view, wrap
from ._state import AttributeLog, Rediscover, StateError, Tracking, is_user_object

__all__ = ["jit", "JitFunction", "RecompileWarning"]

_MISSING = object()
_MAX_REDISCOVERIES = 8


class RecompileWarning(UserWarning):
    """A compiled function was traced again because a value it baked in changed."""


def jit(fn=None, *, static_argnums=(), static_argnames=(), donate=False):
    """Compile ``fn`` -- a function, a bound method or a callable object -- with JAX.

    Parameters
    ----------
    fn : callable
        NumPy-style Python code working on JaxArrays. State is found, not
        declared: every JaxArray it reads (through ``self``, arguments, closures
        or globals) is an input of the compiled program and every JaxArray it
        writes is written back after each call, into the same object.
    static_argnums, static_argnames : int or str, or sequences of them
        Arguments that are compile-time constants (they must be hashable); a
        new value compiles again. Other numbers and arrays are traced, so new
        values reuse the compiled program.
    donate : bool
        Let XLA reuse the buffers of the arrays the function writes. Faster for
        large state; any other reference to those buffers (``x.value``, a
        ``x.copy()`` made before the call) becomes invalid.

    Returns
    -------
    JitFunction
        Call it like ``fn``. Usable as a decorator, also on methods.

    Notes
    -----
    The callable runs as Python only while tracing: Python side effects
    (``print``, appending to lists) happen once per compilation. Python
    ``if``/``while`` on array values cannot be traced: use ``np.where``,
    :func:`shim.cond`, :func:`shim.while_loop`, or a static argument. A plain
    Python attribute the code reads (``self.tau``) is a constant of the
    compiled program; changing it compiles again. Writing one inside
    (``self.t += dt`` with a float ``t``) is refused: make it an array.
    """
    if fn is None:
        return functools.partial(jit, static_argnums=static_argnums,
                                 static_argnames=static_argnames, donate=donate)
    return JitFunction(fn, static_argnums, static_argnames, donate)


class JitFunction:
    """A compiled callable made by :func:`shim.jit`."""

    def __init__(self, fn, static_argnums=(), static_argnames=(), donate=False):
        if not callable(fn):
            raise TypeError(f"shim.jit: expected a function, method or callable object, "
                            f"got {type(fn).__name__}")
        if is_user_object(fn):
            fn = fn.__call__                  # a callable object: compile its __call__
        self._fn = fn
        self._static_argnums = (static_argnums,) if isinstance(static_argnums, int) \
            else tuple(static_argnums)
        self._static_argnames = frozenset((static_argnames,) if isinstance(static_argnames, str)
                                          else static_argnames)
        self._donate = bool(donate)
        self._entries: dict = {}
        self._warned: set = set()
        functools.update_wrapper(self, fn)

    def __get__(self, obj, cls=None):
        """``@shim.jit`` on a method: ``obj.method`` calls the compiled function with ``obj``."""
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __repr__(self) -> str:
        return f"<shim.jit of {getattr(self._fn, '__qualname__', self._fn)!r}>"

    def __call__(self, *args, **kwargs):
        call = _Call(self, args, kwargs)
        entry = self._entries.get(call.key)
        if entry is not None and entry.valid():
            try:
                return entry.run(call)
            except _Retrace:                  # JAX traced again without our call: redo it
                pass
        return self._compile_and_run(call, entry)

    # --- compiling ----------------------------------------------------------------------

    def _compile_and_run(self, call, old):
        if old is not None and not old.valid():
            self._warn_recompile(old)
        extra_reads, extra_writes = [], []
        for _ in range(_MAX_REDISCOVERIES):
            try:
                state, written, arg_written = self._discover(call, extra_reads, extra_writes)
                entry = _Entry(self, state, written, arg_written)
                result = entry.run(call, tracing=True)
            except Rediscover as signal:
                root, kind = signal.args[0], signal.args[1] if len(signal.args) > 1 else "read"
                (extra_writes if kind == "write" else extra_reads).append(root)
                continue
            self._store(call, entry)
            return result
        raise RuntimeError(f"shim.jit: the arrays {self.__name__} touches kept changing while "
                           "tracing; does its Python control flow depend on something random?")

    def _discover(self, call, extra_reads, extra_writes):
        """Pass 1: the state JaxArrays the callable touches and those it writes."""
        arg_roots = call.roots
        found = {}

        def probe(anchor, root_values, dynamic):
            log = AttributeLog(self._owners(call))
            with Tracking(list(zip(arg_roots, root_values)), "discover", anchor) as tracking, log:
                try:
                    for root in extra_reads + extra_writes:   # met by an earlier strict pass
                        root.value
                    args, kwargs = call.rebuild(dynamic)
                    self._fn(*args, **kwargs)
                    _apply_attribute_writes(log, self.__name__)
                    found["state"] = list(tracking.touched.values())
                    found["written"] = {id(r) for r in tracking.written.values()} | \
                        {id(r) for r in extra_writes}
                finally:
                    log.restore()
            return 0

        jax.make_jaxpr(probe)(True, [r._value for r in arg_roots], call.dynamic_values())
        written = found["written"]
        state = found["state"]
        return ([r for r in state if id(r) in written], [r for r in state if id(r) not in written],
                tuple(i for i, r in enumerate(arg_roots) if id(r) in written))

    def _owners(self, call):
        """Objects whose attribute reads and writes are logged while tracing."""
        owners = list(call.objects)
        fn = self._fn
        if isinstance(fn, types.MethodType):
            owners.append(fn.__self__)
            fn = fn.__func__
        for cell in getattr(fn, "__closure__", None) or ():
            try:
                owners.append(cell.cell_contents)
            except ValueError:                # an empty cell
                pass
        globals_ = getattr(fn, "__globals__", {})
        owners.extend(globals_[n] for n in _global_names(fn) if n in globals_)
        return owners

    def _store(self, call, entry):
        key = call.key
        self._entries[key] = entry
        for obj in call.objects:              # forget entries of objects that die
            weakref.finalize(obj, self._entries.pop, key, None)

    def _warn_recompile(self, entry):
        reason = entry.invalid_reason()
        if reason and reason not in self._warned:
            self._warned.add(reason)
            warnings.warn(f"shim.jit: compiling {self.__name__} again because {reason}. "
                          "Values that change between calls should be arrays or arguments; "
                          "use static_argnums for true constants.", RecompileWarning,
                          stacklevel=4)


def _global_names(fn):
    """Global names a function's code (and its nested code) refers to."""
    names = set()
    stack = [getattr(fn, "__code__", None)]
    while stack:
        code = stack.pop()
        if code is None:
            continue
        names.update(code.co_names)
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return sorted(names)


# --- one call's arguments ---------------------------------------------------------------

_SCALARS = (float, int, complex, bool)
_WEAK = {"f": float, "i": int, "u": int, "c": complex, "b": bool}


class _Call:
    """The arguments of one call: their cache key, JaxArray roots and dynamic values."""

    __slots__ = ("args", "kwargs", "key", "roots", "objects", "_dynamic", "_static_nums",
                 "_static_names")

    def __init__(self, function, args, kwargs):
        self.args, self.kwargs = args, kwargs
        self.roots = []
        self.objects = []
        self._dynamic = []
        self._static_nums = {i % len(args) for i in function._static_argnums if -len(args) <= i
                             < len(args)} if function._static_argnums else ()
        self._static_names = function._static_argnames
        root_index = {}
        parts = []
        for i, a in enumerate(args):
            parts.append(("static", _hashable(a, f"argument {i}")) if i in self._static_nums
                         else self._describe(a, root_index, f"argument {i}"))
        for name in sorted(kwargs):
            value = kwargs[name]
            parts.append((name, ("static", _hashable(value, f"argument {name!r}"))
                          if name in self._static_names
                          else self._describe(value, root_index, f"argument {name!r}")))
        self.key = tuple(parts)

    def _describe(self, x, root_index, where):
        t = type(x)
        if t is JaxArray:
            if type(x._base) is _MaskedRead:
                x._materialize()
            base = x._base
            root = x if base is None else base
            k = root_index.get(id(root))
            if k is None:
                k = root_index[id(root)] = len(self.roots)
                self.roots.append(root)
            if base is None:
                return ("J", k, root._value.shape, root._dtype)
            return ("V", k, root._value.shape, root._dtype, x._layout, x._firsts)
        if t in _SCALARS:
            self._dynamic.append(x)
            return ("S", t)
        if isinstance(x, (jax.Array, np.ndarray, np.generic)):
            self._dynamic.append(x)
            return ("A", x.shape, x.dtype, bool(getattr(x, "weak_type", False)))
        if x is None:
            return None
        if t is list or t is tuple:
            return (t, tuple(self._describe(item, root_index, where) for item in x))
        if t is dict:
            keys = sorted(x)
            return (dict, tuple(keys), tuple(self._describe(x[k], root_index, where) for k in keys))
        if is_user_object(x):
            self.objects.append(x)
            try:
                return ("O", weakref.ref(x))
            except TypeError:
                return ("O", _hashable(x, where))
        return ("H", _hashable(x, where))

    def dynamic_values(self):
        return list(self._dynamic)

    def rebuild(self, dynamic):
        """The arguments for the traced callable: traced numbers and arrays are JaxArrays."""
        values = iter(dynamic)
        args = tuple(a if i in self._static_nums else _rebuild(a, values)
                     for i, a in enumerate(self.args))
        kwargs = {k: v if k in self._static_names else _rebuild(v, values)
                  for k, v in self.kwargs.items()}
        return args, kwargs


def _rebuild(x, values):
    t = type(x)
    if t is JaxArray:
        return x                              # its root is bound to a tracer
    if t in _SCALARS:
        value = next(values)
        return wrap(value, _WEAK[value.dtype.kind])   # a Python number stays weakly typed
    if isinstance(x, (jax.Array, np.ndarray, np.generic)):
        return wrap(next(values))
    if t is list or t is tuple:
        return t(_rebuild(item, values) for item in x)
    if t is dict:
        return {k: _rebuild(x[k], values) for k in sorted(x)}
    return x


def _hashable(value, where):
    try:
        hash(value)
    except TypeError:
        raise TypeError(f"shim.jit: {where} ({type(value).__name__}) is not hashable, so it "
                        "cannot be a static argument; pass arrays and numbers as traced "
                        "arguments") from None
    return value


class _Retrace(Exception):
    """JAX traced an entry's function again outside shim's control; compile it anew."""


# --- a compiled entry ----------------------------------------------------------------------

class _Entry:
    """One compiled program: its state, its executable, and how to check it still applies."""

    def __init__(self, function, written_state, read_state, arg_written):
        self.function = function
        self.written_state = written_state       # state roots the program writes
        self.read_state = read_state             # state roots it only reads
        self.arg_written = arg_written           # indices of the call's argument roots written
        self.outputs = None                      # how to rebuild results (set while tracing)
        self.promotions = ()                     # (object, name) made arrays (set while tracing)
        self.checks = ()                         # attribute checks (set while tracing)
        self._call = None                        # the call being traced, only while tracing
        self.compiled = jax.jit(self._pure, donate_argnums=(0,) if function._donate else ())

    def _pure(self, written_values, read_values, root_values, dynamic):
        """The function JAX compiles: state and argument values in, new values out."""
        call = self._call
        if call is None:
            raise _Retrace()
        roots = self.written_state + self.read_state + call.roots
        bind = list(zip(roots, [*written_values, *read_values, *root_values]))
        function = self.function
        log = AttributeLog(function._owners(call))
        with Tracking(bind, "strict") as tracking, log:
            try:
                args, kwargs = call.rebuild(dynamic)
                result = function._fn(*args, **kwargs)
                rebound = {}
                promoted = _apply_attribute_writes(log, function.__name__, rebound)
                allowed = {id(r) for r in self.written_state} | {
                    id(call.roots[i]) for i in self.arg_written}
                for root in tracking.written.values():
                    if id(root) not in allowed:
                        raise Rediscover(root, "write")
                writes = [tracking.value_of(r) for r in self.written_state]
                arg_writes = [tracking.value_of(call.roots[i]) for i in self.arg_written]
                self.outputs, out_values = _flatten_output(result, call.roots, tracking, rebound)
                self.promotions = tuple((obj, name) for obj, name, _ in promoted)
                self.checks = _checks(log, function._fn)
            finally:
                log.restore()
        return writes, arg_writes, out_values, [value for _, _, value in promoted]

    def run(self, call, tracing=False):
        """Call the program with the current values and write the results back."""
        written = self.written_state
        if tracing:
            self._call = call
        try:
            writes, arg_writes, outs, promoted = self.compiled(
                [r._value for r in written], [r._value for r in self.read_state],
                [r._value for r in call.roots], call.dynamic_values())
        finally:
            self._call = None
        for root, value in zip(written, writes):
            root._commit(value)
        roots = call.roots
        for i, value in zip(self.arg_written, arg_writes):
            roots[i]._commit(value)
        for (obj, name), value in zip(self.promotions, promoted):
            setattr(obj, name, wrap(value))
        return _unflatten_output(self.outputs, outs, roots)

    def valid(self) -> bool:
        for check in self.checks:
            if not check():
                return False
        return True

    def invalid_reason(self):
        for check in self.checks:
            if not check():
                return check.reason
        return None


# --- attribute writes inside a trace ---------------------------------------------------------

def _apply_attribute_writes(log, name, rebound=None):
    """Turn attribute writes of the trace into array writes; refuse what cannot be kept.

    Returns ``[(object, attribute, traced value)]`` for plain attributes that became
    arrays (written as new JaxArrays after each call). ``rebound``, if given, maps
    ``id(new array)`` to the existing array it was written into.
    """
    promoted = []
    for obj, attr in log.writes.values():
        snapshot = log.snapshots[id(obj)][1]
        old = snapshot.get(attr, _MISSING)
        new = obj.__dict__.get(attr, _MISSING)
        if new is old:
            continue
        where = f"{type(obj).__name__}.{attr}"
        if new is _MISSING:
            raise StateError(f"shim.jit: {name} deletes {where}; compiled code cannot change "
                             "which attributes an object has")
        if type(new) is JaxArray:
            if type(old) is JaxArray:
                if new.shape != old.shape:
                    raise StateError(
                        f"shim.jit: {name} rebinds {where} to an array of shape {new.shape} "
                        f"(it was {old.shape}); compiled code writes new values into the "
                        "existing array, so its shape must stay")
                old._assign(new.value)        # write the new value into the existing array
                if rebound is not None:
                    rebound[id(new)] = old
            else:
                promoted.append((obj, attr, new.value))
            continue
        raise StateError(
            f"shim.jit: {name} sets {where} to a Python {type(new).__name__} "
            f"(was {old if old is not _MISSING else 'unset'}); compiled code runs Python only "
            f"while tracing, so this would happen once, not on every call. Make it an array "
            f"(e.g. {attr} = shim.asarray(...)) so the compiled code can update it")
    for container in log.changed_containers():
        raise StateError(f"shim.jit: {name} changes a Python {type(container).__name__} "
                         "held by an attribute (e.g. appending to a list); that happens only "
                         "while tracing. Return the values instead, or collect them with "
                         "shim.for_loop")
    return promoted


# --- outputs --------------------------------------------------------------------------------

def _flatten_output(result, call_roots, tracking, rebound):
    values = []
    bound = {id(r): i for i, r in enumerate(call_roots)}

    def spec(x):
        t = type(x)
        if t is JaxArray:
            if id(x) in rebound:              # self.a = new; return self.a: the existing array
                return ("state", rebound[id(x)])
            base = x._base
            if base is None and id(x) in bound:
                return ("root", bound[id(x)])
            if base is None and id(x) in tracking.seen and not tracking.is_temporary(x):
                return ("state", x)
            if base is not None and type(base) is not _MaskedRead and id(base) in bound:
                return ("view", bound[id(base)], x._layout, x._firsts)
            if base is not None and type(base) is not _MaskedRead and id(base) in tracking.seen \
                    and not tracking.is_temporary(base):
                return ("state-view", base, x._layout, x._firsts)
            values.append(x.value)
            return ("array",)
        if isinstance(x, jax.Array):
            values.append(x)
            return ("array",)
        if t is tuple or t is list:
            return (t, tuple(spec(item) for item in x))
        if t is dict:
            return (dict, tuple((k, spec(v)) for k, v in x.items()))
        if isinstance(x, tuple) and hasattr(x, "_fields"):
            return ("named", t, tuple(spec(item) for item in x))
        return ("const", x)

    return spec(result), values


def _unflatten_output(spec, values, roots):
    values = iter(values)

    def build(s):
        kind = s[0]
        if kind == "array":
            return wrap(next(values))
        if kind == "root":
            return roots[s[1]]
        if kind == "state":
            return s[1]
        if kind == "view":
            return _view(roots[s[1]], s[2], s[3])
        if kind == "state-view":
            return _view(s[1], s[2], s[3])
        if kind == "const":
            return s[1]
        if kind == "named":
            return s[1](*(build(item) for item in s[2]))
        if kind is dict:
            return {k: build(v) for k, v in s[1]}
        return kind(build(item) for item in s[1])

    return build(spec)


# --- checks that a compiled program still applies ------------------------------------------

def _checks(log, fn):
    """Identity checks of everything the trace read as a Python value."""
    checks = []
    by_owner: dict = {}
    for obj, name, value in log.reads.values():
        by_owner.setdefault(id(obj), (obj, []))[1].append((name, value))
    for obj, items in by_owner.values():
        checks.append(_dict_check(obj.__dict__, items, type(obj).__name__))
    func = fn.__func__ if isinstance(fn, types.MethodType) else fn
    globals_ = getattr(func, "__globals__", None)
    if globals_ is not None:
        names = [n for n in _global_names(func) if n in globals_]
        if names:
            checks.append(_dict_check(globals_, [(n, globals_[n]) for n in names], "global"))
    for i, cell in enumerate(getattr(func, "__closure__", None) or ()):
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        checks.append(_cell_check(cell, value, func.__code__.co_freevars[i]))
    return tuple(checks)


def _dict_check(d, items, owner):
    names = tuple(n for n, _ in items)
    values = tuple(v for _, v in items)
    if len(names) == 1:
        name, value = names[0], values[0]

        def check():
            return d.get(name, _MISSING) is value
    else:
        getter = operator.itemgetter(*names)

        def check():
            try:
                current = getter(d)
            except KeyError:
                return False
            return all(map(operator.is_, current, values))
    changed = lambda: next((n for n, v in items if d.get(n, _MISSING) is not v), None)  # noqa: E731
    check.reason = _LazyReason(lambda: f"{owner}.{changed()} changed")
    return check


def _cell_check(cell, value, name):
    def check():
        try:
            return cell.cell_contents is value
        except ValueError:
            return False
    check.reason = f"the closure variable {name!r} changed"
    return check


class _LazyReason:
    """A reason computed when shown (only after a failed check)."""

    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make

    def __str__(self):
        return self.make()

    def __hash__(self):
        return hash(str(self))

    def __eq__(self, other):
        return str(self) == str(other)

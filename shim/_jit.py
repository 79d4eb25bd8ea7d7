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

Each later call checks, by identity, the attributes, globals, closure
variables and container items the trace read (so rebinding ``obj.v``, changing
``obj.tau`` or appending to ``obj.layers`` is never missed), passes the current
values, calls the executable and commits the written arrays. Nothing is written
if tracing or the call fails, and every array keeps its value. For plain
positional calls these steps are generated as straight-line Python per
compiled program (:func:`_hot_path`).
"""
from __future__ import annotations

import functools
import operator
import types
import warnings
import weakref
from collections.abc import Mapping

import jax
import numpy as np

from ._array import JaxArray, _MaskedRead, to_jax, wrap
from ._backend import get_backend_name
from ._config import config
from ._state import (_CONSTANTS, _HEAPTYPE, AttributeLog, NumbersAssigned, Rediscover, StateError, Tracking, WriteOnly,
                     code_names, is_user_object, own_value, same_items, shape_of,
                     slot_names)
from ._tree import expression, flatten, unflatten

__all__ = ["jit", "JitFunction", "RecompileWarning"]

_MISSING = object()
_MAX_REDISCOVERIES = 8


class RecompileWarning(UserWarning):
    """A compiled function was traced again because a value it baked in changed."""


def jit(fn=None, *, static_argnums=(), static_argnames=(), donate=False, **numba_options):
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
    compiled program; changing it compiles again. The one surprise: a number
    attribute the code assigns (``self.t += dt`` with a float ``t``) becomes a
    0-d JaxArray on the first call, so that it can change on every call. Other
    plain values assigned inside (strings, lists changed) are refused.

    On the numpy backend (read when ``jit`` is applied) the callable is
    compiled by Numba instead: see :func:`shim._numba.jit` and docs/numba.md;
    ``numba_options`` (``parallel``, ``fastmath``, ``cache``, ``fallback``) are
    for that backend and ignored here, so the same code runs on both.
    """
    if get_backend_name() == "numpy":
        from ._numba import jit as numba_jit
        return numba_jit(fn, static_argnums=static_argnums, static_argnames=static_argnames,
                         donate=donate, **numba_options)
    if numba_options:                         # Numba's options: accepted, unused on JAX
        from ._numba import check_options
        check_options(numba_options)
    if fn is None:
        return functools.partial(jit, static_argnums=static_argnums,
                                 static_argnames=static_argnames, donate=donate)
    return JitFunction(fn, static_argnums, static_argnames, donate)


class JitFunction:
    """A compiled callable made by :func:`shim.jit`."""

    _shim_opaque = True                       # its caches are not state of the code it runs

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
        self._entries: dict = {}              # _Call.key -> _Entry
        self._fast: dict = {}                 # the key of a plain positional call -> _Entry
        self._hot = _miss                     # straight-line code of the last such entry
        self._warned: set = set()
        self._recompiles: dict = {}           # what changed -> how often it made us compile
        functools.update_wrapper(self, fn)

    def __get__(self, obj, cls=None):
        """``@shim.jit`` on a method: ``obj.method`` calls the compiled function with ``obj``."""
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __repr__(self) -> str:
        return f"<shim.jit of {getattr(self._fn, '__qualname__', self._fn)!r}>"

    def __call__(self, *args, **kwargs):
        if not kwargs:
            try:
                result = self._hot(*args)
            except (_Retrace, TypeError):     # new shapes or dtypes (JAX traced again), or
                result = _MISS                # another number of arguments: the general path
            if result is not _MISS:
                return result
        return self._call(args, kwargs)

    def _call(self, args, kwargs):
        if not kwargs and not self._static_argnums:
            # The common call -- positional arrays and numbers -- without building a _Call.
            roots, dynamic, parts = [], [], []
            for a in args:
                t = type(a)
                if t is JaxArray and a._base is None:
                    for r in roots:
                        if r is a:                # the same array twice: the general path
                            break
                    else:
                        roots.append(a)
                        parts.append((a._value.shape, a._dtype))
                        continue
                    break
                elif t is float or t is int or t is bool or t is complex:
                    dynamic.append(a)
                    parts.append(t)
                else:
                    break
            else:
                entry = self._fast.get(tuple(parts))
                if entry is not None and entry.check():
                    try:
                        result = entry.run(roots, dynamic)
                    except _Retrace:
                        pass
                    else:
                        self._hot = entry.hot or _miss
                        return result
        call = _Call(self, args, kwargs)
        entry = self._entries.get(call.key)
        if entry is not None and entry.check():
            try:
                return entry.run(call.roots, call.dynamic, call)
            except _Retrace:                  # JAX traced again without our call: redo it
                pass
        return self._compile_and_run(call, entry)

    # --- compiling ----------------------------------------------------------------------

    def _compile_and_run(self, call, old):
        if old is not None and not old.check():
            self._warn_recompile(old)
        extra_reads, extra_writes, numbers = [], [], []
        for _ in range(_MAX_REDISCOVERIES):
            try:
                entry = _Entry(self, call, *self._discover(call, extra_reads, extra_writes,
                                                           numbers))
                result = entry.run(call.roots, call.dynamic, call)
            except Rediscover as signal:
                root, kind = signal.args[0], signal.args[1] if len(signal.args) > 1 else "read"
                (extra_writes if kind == "write" else extra_reads).append(root)
                continue
            except BaseException:
                for obj, attr, number in numbers:    # as they were: numbers, not arrays
                    setattr(obj, attr, number)
                raise
            self._store(call, entry)
            if not config.x64:
                self._warn_x64([*call.roots, *entry.inputs])
            if call.fast_key is not None:
                entry.hot = _hot_path(entry, call.fast_key)
                self._hot = entry.hot or _miss
            return result
        raise RuntimeError(f"shim.jit: the arrays {self.__name__} touches kept changing while "
                           "tracing; does its Python control flow depend on something random?")

    def _discover(self, call, extra_reads, extra_writes, numbers):
        """Pass 1: the state the callable touches: written (read or not) and only read.

        Number attributes the callable assigns (``self.t += dt``) become 0-d
        JaxArrays first (and are listed in ``numbers``), so that they change on
        every call rather than once per compilation.
        """
        arg_roots = call.roots
        found = {}
        assigned = []

        def probe(anchor, root_values, dynamic):
            log = AttributeLog.around((self._fn,), call.objects)
            with Tracking(list(zip(arg_roots, root_values)), "discover", anchor) as tracking, log:
                try:
                    for root in extra_reads:          # read by an earlier strict pass
                        _ = root.value
                    args, kwargs = call.rebuild(dynamic)
                    self._fn(*args, **kwargs)
                    _apply_attribute_writes(log, self.__name__, numbers=assigned)
                    found["state"] = list(tracking.touched.values())
                    found["read"] = set(tracking.read)
                    found["written"] = {id(r) for r in tracking.written.values()}
                finally:
                    log.restore()
            return 0

        try:
            jax.make_jaxpr(probe)(True, [r._value for r in arg_roots], call.dynamic)
        except NumbersAssigned as signal:     # assigned inside a for_loop, cond...
            assigned = signal.numbers
        if assigned:
            numbers += assigned
            for obj, attr, number in assigned:
                setattr(obj, attr, _number_array(number))
            return self._discover(call, extra_reads, extra_writes, numbers)
        state, read = found["state"], found["read"] | {id(r) for r in extra_reads}
        written = found["written"] | {id(r) for r in extra_writes}
        return ([r for r in state if id(r) in written and id(r) in read],
                [r for r in state if id(r) in written and id(r) not in read],
                [r for r in state if id(r) not in written],
                tuple(i for i, r in enumerate(arg_roots) if id(r) in written))

    def _store(self, call, entry):
        key = call.key
        self._entries[key] = entry
        if call.fast_key is not None:
            self._fast[call.fast_key] = entry
        for obj in call.objects:              # forget entries of objects that die
            weakref.finalize(obj, self._entries.pop, key, None)

    def _warn_recompile(self, entry):
        """Warn when values the trace read keep changing: each change compiles again.

        A changed number or string warns at once (it is usually meant to be an
        array or an argument); a new array or other objects in a list warn only
        when the same change recurs, which makes every call slow.
        """
        reason = entry.reason()
        if reason is None:
            return
        what, advice, at_once = reason
        self._recompiles[what] = count = self._recompiles.get(what, 0) + 1
        if what in self._warned or (not at_once and count < 3):
            return
        self._warned.add(what)
        warnings.warn(f"shim.jit: compiling {self.__name__} again because {what} "
                      f"(time {count}). {advice}", RecompileWarning, stacklevel=4)

    def _warn_x64(self, arrays):
        """Warn once if 64-bit arrays meet ``x64`` off: each such call converts and recompiles."""
        if "x64" in self._warned:
            return
        wide = [r for r in arrays
                if r._value.dtype.itemsize == 8 or r._value.dtype == np.complex128]
        if wide:
            self._warned.add("x64")
            warnings.warn(
                f"shim.jit: {self.__name__} uses {len(wide)} array(s) of 64-bit dtype "
                f"({wide[0]._value.dtype}) while jax_enable_x64 is off -- they were created "
                "while it was on, and some libraries switch it off when imported. JAX converts "
                "them on every call, which can make every call compile again. Set "
                "shim.config.x64 = True after such an import, or create the arrays after it.",
                RecompileWarning, stacklevel=4)


# --- one call's arguments ---------------------------------------------------------------

_SCALARS = (float, int, complex, bool)
_WEAK = {"f": float, "i": int, "u": int, "c": complex, "b": bool}


class _Call:
    """The arguments of one call: their cache key, JaxArray roots and dynamic values."""

    __slots__ = ("args", "kwargs", "key", "fast_key", "roots", "hosts", "objects", "dynamic",
                 "_static_nums", "_static_names")

    def __init__(self, function, args, kwargs):
        self.args, self.kwargs = args, kwargs
        self.roots = []
        self.hosts = []                       # (root index, NumPy array it stands for)
        self.objects = []
        self.dynamic = []
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
        self.fast_key = self._fast_key(parts) if not kwargs and not self._static_nums else None

    def _fast_key(self, parts):
        """The key JitFunction.__call__ builds for this call without a _Call, if it can:
        positional whole arrays (each once) and Python numbers only."""
        key = []
        roots = 0
        for part in parts:
            if part is not None and part[0] == "S":
                key.append(part[1])
            elif part is not None and part[0] == "J" and part[1] == roots:
                key.append((part[2], part[3]))
                roots += 1
            else:
                return None
        return tuple(key)

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
            self.dynamic.append(x)
            return ("S", t)
        if t is np.ndarray:                   # a root standing in for it; writes are copied back
            k = root_index.get(id(x))
            if k is None:
                k = root_index[id(x)] = len(self.roots)
                self.roots.append(wrap(to_jax(x), x.dtype))
                self.hosts.append((k, x))
            return ("J", k, x.shape, x.dtype)
        if isinstance(x, (jax.Array, np.ndarray, np.generic)):
            self.dynamic.append(x)
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

    def rebuild(self, dynamic):
        """The arguments for the traced callable: traced numbers and arrays are JaxArrays."""
        values = iter(dynamic)
        hosts = {id(array): self.roots[k] for k, array in self.hosts}
        args = tuple(a if i in self._static_nums else _rebuild(a, values, hosts)
                     for i, a in enumerate(self.args))
        kwargs = {k: v if k in self._static_names else _rebuild(v, values, hosts)
                  for k, v in self.kwargs.items()}
        return args, kwargs


def _rebuild(x, values, hosts):
    t = type(x)
    if t is JaxArray:
        return x                              # its root is bound to a tracer
    if t is np.ndarray:
        return hosts[id(x)]
    if t in _SCALARS:
        value = next(values)
        return wrap(value, _WEAK[value.dtype.kind])   # a Python number stays weakly typed
    if isinstance(x, (jax.Array, np.ndarray, np.generic)):
        return wrap(next(values))
    if t is list or t is tuple:
        return t(_rebuild(item, values, hosts) for item in x)
    if t is dict:
        return {k: _rebuild(x[k], values, hosts) for k in sorted(x)}
    return x


def _check_writable(call, written):
    for k, array in call.hosts:
        if k in written and not array.flags.writeable:
            raise ValueError(f"shim.jit: a NumPy array argument of shape {array.shape} is "
                             "written, but it is read-only")


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

_NOTHING = ("const", None)
_VALUE = operator.attrgetter("_value")


class _Entry:
    """One compiled program: its state, its executable, and the check that it applies.

    The program's inputs are the state it reads (``inputs``), the call's
    JaxArray arguments, then its numbers and other arrays; its outputs are the
    new values of the state it writes (``written``), of written arguments, the
    function's results, then plain attributes turned into arrays. State it
    writes without reading is not passed in.
    """

    def __init__(self, function, call, written_read, written_only, read_only, arg_written):
        self.function = function
        self.inputs = written_read + read_only
        self.written = written_read + written_only
        self.written_only = written_only
        self._written_only_shapes = [r._value.shape for r in written_only]
        self.arg_written = arg_written           # indices of the call's argument roots written
        self.n_roots = len(call.roots)
        self.outputs = _NOTHING                  # how to rebuild results (set while tracing)
        self.promotions = ()                     # (object, name) made arrays (set while tracing)
        self.check = _Checks([], [])             # do the values the trace read still hold?
        self._call = None                        # the call being traced, only while tracing
        self.hot = None                          # see _hot_path
        self.single = False                      # one output, returned bare (set while tracing)
        donate = tuple(range(len(written_read))) if function._donate else ()
        self.compiled = jax.jit(self._pure, donate_argnums=donate)

    def _pure(self, *flat):
        """The function JAX compiles: state and argument values in, new values out."""
        call = self._call
        if call is None:
            raise _Retrace()
        n_state = len(self.inputs)
        root_values = flat[n_state:n_state + self.n_roots]
        bind = [*zip(self.inputs, flat[:n_state]), *zip(call.roots, root_values),
                *((r, WriteOnly(s)) for r, s in zip(self.written_only, self._written_only_shapes))]
        function = self.function
        log = AttributeLog.around((function._fn,), call.objects)
        with Tracking(bind, "strict") as tracking, log:
            try:
                args, kwargs = call.rebuild(flat[n_state + self.n_roots:])
                result = function._fn(*args, **kwargs)
                rebound = {}
                promoted = _apply_attribute_writes(log, function.__name__, rebound)
                allowed = {id(r) for r in self.written} | {
                    id(call.roots[i]) for i in self.arg_written}
                for root in tracking.written.values():
                    if id(root) not in allowed:
                        raise Rediscover(root, "write")
                writes = [tracking.value_of(r) for r in self.written]
                writes += [tracking.value_of(call.roots[i]) for i in self.arg_written]
                self.outputs, out_values = _flatten_output(result, call.roots, tracking, rebound)
                self.promotions = tuple((obj, name) for obj, name, _ in promoted)
                self.check = _checks(log, function._fn)
            finally:
                log.restore()
        outputs = (*writes, *out_values, *(value for _, _, value in promoted))
        self.single = len(outputs) == 1          # a bare array is quicker for JAX than a tuple
        return outputs[0] if self.single else outputs

    def run(self, roots, dynamic, call=None):
        """Call the program with the current values and write the results back."""
        if call is not None:
            self._call = call
        try:
            results = self.compiled(*map(_VALUE, self.inputs), *map(_VALUE, roots), *dynamic)
        finally:
            self._call = None
        if self.single:
            results = (results,)
        if call is not None and call.hosts:
            _check_writable(call, self.arg_written)
        written = self.written
        for root, value in zip(written, results):
            root._value = value               # JaxArray._commit, inlined: a hot loop
            root._version += 1
        n = len(written)
        for i in self.arg_written:
            roots[i]._commit(results[n])
            n += 1
        if self.promotions:
            for (obj, name), value in zip(self.promotions, results[len(results) -
                                                                   len(self.promotions):]):
                setattr(obj, name, wrap(value))
        if call is not None and call.hosts:
            for k, array in call.hosts:
                if k in self.arg_written:
                    np.copyto(array, np.asarray(roots[k]._value), casting="unsafe")
        if self.outputs is _NOTHING:
            return None
        return unflatten(self.outputs, results[n:], roots)

    def reason(self):
        """See :meth:`_Checks.reason`."""
        return None if self.check() else self.check.reason()


_MISS = object()


def _miss(*args):
    return _MISS


def _hot_path(entry, fast_key):
    """Straight-line Python for ``entry``'s plain positional calls, or None.

    The code checks the kinds of the arguments and that the values the trace
    read still hold, calls the executable with direct arguments and commits the
    results -- the steps of ``JitFunction.__call__`` and ``_Entry.run``, without
    loops or generic containers, because for small state this path is the whole
    cost of a call. Shapes and dtypes are left to JAX's dispatch: a mismatch
    makes it trace again, which raises ``_Retrace``; another number of arguments
    raises ``TypeError`` before any of it runs. Any other mismatch returns
    ``_MISS``. All three hand over to the general path, which nothing here has
    changed: results are committed only after the executable returned.
    """
    if entry.promotions:
        return None
    names = {"JaxArray": JaxArray, "MISS": _MISS, "compiled": entry.compiled, "wrap": wrap,
             "check": entry.check, "unflatten": unflatten, "outputs": entry.outputs}
    params = [f"a{i}" for i in range(len(fast_key))]
    lines = [f"def hot({', '.join(params)}):"]
    roots, call_args = [], []
    for i, part in enumerate(fast_key):
        a = params[i]
        if isinstance(part, tuple):           # a whole JaxArray
            lines.append(f"    if type({a}) is not JaxArray or {a}._base is not None: return MISS")
            roots.append(a)
            call_args.append(f"{a}._value")
        else:                                 # a Python number of this type
            names[f"type{i}"] = part
            lines.append(f"    if type({a}) is not type{i}: return MISS")
            call_args.append(a)
    for j in range(1, len(roots)):
        lines.append(f"    if {roots[j]} is {roots[j - 1]}: return MISS")
    lines += entry.check.hot_lines(names)
    state_args = []
    for k, root in enumerate(entry.inputs):
        names[f"s{k}"] = root
        state_args.append(f"s{k}._value")
    comma = "," if entry.single else ""
    lines.append(f"    r = compiled({', '.join(state_args + call_args)}){comma}")
    n = 0
    for k, root in enumerate(entry.written):
        names[f"w{k}"] = root
        lines.append(f"    w{k}._value = r[{n}]; w{k}._version += 1")
        n += 1
    for i in entry.arg_written:
        lines.append(f"    {roots[i]}._value = r[{n}]; {roots[i]}._version += 1")
        n += 1
    if entry.outputs is _NOTHING:
        lines.append("    return None")
    else:
        result = expression(entry.outputs, names, n, roots)
        if result is None:
            result = f"unflatten(outputs, r[{n}:], ({''.join(r + ', ' for r in roots)}))"
        lines.append(f"    return {result}")
    namespace = dict(names)
    source = "\n".join(lines)
    exec(source, namespace)                  # noqa: S102 - code built above from trusted parts
    namespace["hot"].source = source
    return namespace["hot"]


# --- attribute writes inside a trace ---------------------------------------------------------

def _apply_attribute_writes(log, name, rebound=None, numbers=None):
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
        old = snapshot.get(attr, _MISSING)
        new = own_value(obj, attr, _MISSING)
        if new is old:
            continue
        where = f"{type(obj).__name__}.{attr}"
        if numbers is not None and _is_number(old) and _is_number(new):
            numbers.append((obj, attr, old))
            continue
        if new is _MISSING:
            raise StateError(f"shim.jit: {name} deletes {where}; compiled code cannot change "
                             "which attributes an object has")
        if type(new) is JaxArray:
            if type(old) is JaxArray:
                old_shape = shape_of(old) if old._base is None else old.shape
                if new.shape != old_shape:
                    raise StateError(
                        f"shim.jit: {name} rebinds {where} to an array of shape {new.shape} "
                        f"(it was {old_shape}); compiled code writes new values into the "
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

def _is_number(x):
    return type(x) in (int, float, complex) or isinstance(x, np.number)


def _number_array(x):
    """A 0-d JaxArray for the number ``x``; a Python number stays weakly typed."""
    if isinstance(x, np.number):
        return wrap(to_jax(x), x.dtype)
    return wrap(to_jax(x), _WEAK[np.asarray(x).dtype.kind])


def _flatten_output(result, call_roots, tracking, rebound):
    """:func:`flatten` of a traced result; arrays the caller holds become references."""
    if result is None:
        return _NOTHING, []
    bound = {id(r): i for i, r in enumerate(call_roots)}

    def held(x):
        if id(x) in rebound:                  # self.a = new; return self.a: the existing array
            return ("state", rebound[id(x)])
        base = x._base
        if base is None:
            if id(x) in bound:
                return ("root", bound[id(x)])
            if id(x) in tracking.seen and not tracking.is_temporary(x):
                return ("state", x)
            return None
        if type(base) is _MaskedRead:
            return None
        if id(base) in bound:
            return ("view", bound[id(base)], x._layout, x._firsts)
        if id(base) in tracking.seen and not tracking.is_temporary(base):
            return ("state-view", base, x._layout, x._firsts)
        return None

    return flatten(result, held)


# --- checks that a compiled program still applies ------------------------------------------

def _checks(log, fn):
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
                    if isinstance(space.__dict__.get(n, _MISSING), _CONSTANTS)]
            if used:
                dicts.append((space.__dict__, used, getattr(space, "__name__", "namespace")))
    cells = []
    for i, cell in enumerate(getattr(func, "__closure__", None) or ()):
        try:
            cells.append((cell, cell.cell_contents, func.__code__.co_freevars[i]))
        except ValueError:                    # an empty cell
            continue
    absent = [(obj.__dict__, name, type(obj).__name__) for obj, name in log.absent.values()]
    return _Checks(dicts, cells, log.container_checks(), slotted, absent)


def _is_namespace(value) -> bool:
    """A module or another built-in object with a ``__dict__`` (``SimpleNamespace``).

    Their attribute reads cannot be logged, so constants of theirs the code
    names are checked instead.
    """
    return isinstance(value, types.ModuleType) or (
        not type(value).__flags__ & _HEAPTYPE and not callable(value)
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


class _Checks:
    """Whether every Python value a trace read is still the same object.

    Identity, not equality: a rebound attribute, a new global, a changed
    closure variable or a list, dict or set the trace reached holding other
    items all fail, and a failure explains itself (:meth:`reason`).
    """

    __slots__ = ("dicts", "cells", "containers", "slotted", "absent", "_getters")

    def __init__(self, dicts, cells, containers=(), slotted=(), absent=()):
        self.dicts = dicts                    # (namespace dict, [(name, value)], owner name)
        self.cells = cells                    # (cell, value, variable name)
        self.containers = containers          # (container, copy, where)
        self.slotted = slotted                # (object, [(slot name, value)], class name)
        self.absent = absent                  # (instance dict, name, class name): still unset
        self._getters = [(d, operator.itemgetter(*(n for n, _ in items)),
                          tuple(v for _, v in items)) for d, items, _ in dicts] + \
            [(obj, operator.attrgetter(*(n for n, _ in items)),
              tuple(v for _, v in items)) for obj, items, _ in slotted]

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

"""``shim.jit`` and :class:`JitFunction`: the entry point, argument handling and compiling.

A compiled call is a pure JAX function of the *values* of every JaxArray the
Python callable touches -- through ``self``, arguments, closures, globals (the
random stream's key included) -- that returns its results and the new values of
the arrays it wrote; shim writes those back into the same JaxArray objects.

Compiling (once per argument signature) takes two traces:

1. *discovery*: run the callable under :class:`~._tracking.Tracking` in
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
compiled program (:func:`._program.hot_path`).

The route of ``shim.jit(obj.step)(x)``: :meth:`JitFunction.__call__` runs the
generated hot path of the last program, or :meth:`JitFunction._call` finds
the program for this call's arguments (a :class:`_Call` key), checks it and
runs it; the program -- tracing, the executable, the write-back -- is
:class:`~._program.Program` in :mod:`._program`.
"""
from __future__ import annotations

import functools
import logging
import time
import warnings
import weakref

import jax
import numpy as np

from .._array import JaxArray, dtype_token, is_root, root_value, to_jax, view_parts, weak, wrap
from .._backend import get_backend_name
from .._config import config, scoped
from .._errors import NumbaMissingError, NumbersAssigned, RecompileWarning
from .._objects import is_user_object
from ._attributes import AttributeLog
from ._program import MISS, Program, Retrace, hot_path, miss
from ._tracking import Rediscover, Tracking
from ._writeback import apply_attribute_writes, number_array

__all__ = ["jit", "JitFunction"]

_MAX_REDISCOVERIES = 8


LOGGER = logging.getLogger("shim")


def log_compile(name: str, seconds: float) -> None:
    """Log a compilation on the ``"shim"`` logger; a warning past ``config.compile_notice_seconds``."""
    level = logging.WARNING if seconds > config.compile_notice_seconds else logging.INFO
    LOGGER.log(level, "shim.jit: compiled %s in %.1f s (trace, compile and first run)", name, seconds)


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
        import importlib.util
        if importlib.util.find_spec("numba") is None:
            raise NumbaMissingError(
                "shim.jit on the numpy backend compiles with Numba, which is not installed: "
                "pip install 'shim-numpy[numba]' (or use the jax backend)",
                reason="Numba is not installed", function="shim.jit")
        from .._numba import jit as numba_jit
        return numba_jit(fn, static_argnums=static_argnums, static_argnames=static_argnames,
                         donate=donate, **numba_options)
    if numba_options:                         # Numba's options: accepted, unused on JAX
        from .._numba import check_options
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
        self._entries: dict = {}              # _Call.key -> Program
        self._fast: dict = {}                 # the key of a plain positional call -> Program
        self._hot = miss                     # straight-line code of the last such entry
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

    @scoped
    def __call__(self, *args, **kwargs):
        if not kwargs:
            try:
                result = self._hot(*args)
            except (Retrace, TypeError):     # new shapes or dtypes (JAX traced again), or
                result = MISS                # another number of arguments: the general path
            if result is not MISS:
                return result
        return self._call(args, kwargs)

    def _call(self, args, kwargs):
        if not kwargs and not self._static_argnums:
            # The common call -- positional arrays and numbers -- without building a _Call.
            roots, dynamic, parts = [], [], []
            for a in args:
                t = type(a)
                if t is JaxArray and is_root(a):
                    for r in roots:
                        if r is a:                # the same array twice: the general path
                            break
                    else:
                        roots.append(a)
                        parts.append((root_value(a).shape, dtype_token(a)))
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
                    except Retrace:
                        pass
                    else:
                        self._hot = entry.hot or miss
                        return result
        call = _Call(self, args, kwargs)
        entry = self._entries.get(call.key)
        if entry is not None and entry.check():
            try:
                return entry.run(call.roots, call.dynamic, call)
            except Retrace:                  # JAX traced again without our call: redo it
                pass
        return self._compile_and_run(call, entry)

    # --- compiling ----------------------------------------------------------------------

    def _compile_and_run(self, call, old):
        started = time.perf_counter()
        if old is not None and not old.check():
            self._warn_recompile(old)
        extra_reads, extra_writes, numbers = [], [], []
        for _ in range(_MAX_REDISCOVERIES):
            try:
                entry = Program(self, call, *self._discover(call, extra_reads, extra_writes,
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
                entry.hot = hot_path(entry, call.fast_key)
                self._hot = entry.hot or miss
            log_compile(self.__name__, time.perf_counter() - started)
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
                    apply_attribute_writes(log, self.__name__, numbers=assigned)
                    found["state"] = list(tracking.touched.values())
                    found["read"] = set(tracking.read)
                    found["written"] = {id(r) for r in tracking.written.values()}
                finally:
                    log.restore()
            return 0

        try:
            jax.make_jaxpr(probe)(True, [root_value(r) for r in arg_roots], call.dynamic)
        except NumbersAssigned as signal:     # assigned inside a for_loop, cond...
            assigned = signal.numbers
        if assigned:
            numbers += assigned
            for obj, attr, number in assigned:
                setattr(obj, attr, number_array(number))
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
        warnings.warn(RecompileWarning(f"shim.jit: compiling {self.__name__} again because "
                                       f"{what} (time {count}). {advice}", reason=what,
                                       function=self.__name__), stacklevel=4)

    def _warn_x64(self, arrays):
        """Warn once if 64-bit arrays meet ``x64`` off: each such call converts and recompiles."""
        if "x64" in self._warned:
            return
        wide = [r for r in arrays
                if root_value(r).dtype.itemsize == 8 or root_value(r).dtype == np.complex128]
        if wide:
            self._warned.add("x64")
            warnings.warn(RecompileWarning(
                f"shim.jit: {self.__name__} uses {len(wide)} array(s) of 64-bit dtype "
                f"({root_value(wide[0]).dtype}) while jax_enable_x64 is off -- they were created "
                "while it was on, and some libraries switch it off when imported. JAX converts "
                "them on every call, which can make every call compile again. Set "
                "shim.config.x64 = True after such an import, or create the arrays after it.",
                reason="64-bit arrays while 64-bit types are off", function=self.__name__),
                stacklevel=4)


# --- one call's arguments ---------------------------------------------------------------

_SCALARS = (float, int, complex, bool)


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
            root, layout, firsts = view_parts(x)
            k = root_index.get(id(root))
            if k is None:
                k = root_index[id(root)] = len(self.roots)
                self.roots.append(root)
            if layout is None:
                return ("J", k, root_value(root).shape, dtype_token(root))
            return ("V", k, root_value(root).shape, dtype_token(root), layout, firsts)
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
        return weak(value, value.dtype.kind)   # a Python number stays weakly typed
    if isinstance(x, (jax.Array, np.ndarray, np.generic)):
        return wrap(next(values))
    if t is list or t is tuple:
        return t(_rebuild(item, values, hosts) for item in x)
    if t is dict:
        return {k: _rebuild(x[k], values, hosts) for k in sorted(x)}
    return x


def _hashable(value, where):
    try:
        hash(value)
    except TypeError:
        raise TypeError(f"shim.jit: {where} ({type(value).__name__}) is not hashable, so it "
                        "cannot be a static argument; pass arrays and numbers as traced "
                        "arguments") from None
    return value

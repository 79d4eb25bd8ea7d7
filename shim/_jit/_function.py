"""``shim.jit`` and :class:`JitFunction`: the entry point, argument handling and compiling.

A compiled call is a pure JAX function of the *values* of every JaxArray the
Python callable touches -- through ``self``, arguments, closures, globals (the
random stream's key included) -- that returns its results and the new values of
the arrays it wrote; shim writes those back into the same JaxArray objects.

Compiling (once per argument signature) takes one trace: the callable runs
under :class:`~._tracking.Tracking` in ``discover`` mode, with every JaxArray
it can reach (:func:`._state.reachable_roots`) bound to an input tracer in
advance, and records the arrays it touches and the attributes it reads. The
jaxpr of that trace, with the inputs it did not use dropped, is the compiled
program (:class:`~._program.Traced`). Only when the callable read an array
found on the way, which the trace holds as a constant, is it traced again as a
pure function of the arrays found (``strict`` mode: touching anything else
restarts).

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
import types
import warnings
import weakref

import jax
import numpy as np

from .. import _random as random_state
from .._array import (
    UNSUPPORTED_KINDS,
    JaxArray,
    dtype_token,
    is_root,
    kept_sharding,
    root_value,
    to_jax,
    view_parts,
    weak,
    wrap,
)
from .._backend import get_backend_name
from .._config import config, scoped
from .._errors import (
    FallbackWarning,
    NumbaMissingError,
    NumbersAssigned,
    RecompileWarning,
    TracingError,
)
from .._objects import code_names, is_user_object
from ._attributes import AttributeLog
from ._checks import program_checks
from ._convert import user_line as _user_line
from ._convert_runtime import convert_callable
from ._program import MISS, Program, Retrace, Traced, hot_path, miss
from ._state import reachable_roots, walk
from ._tracking import Rediscover, Tracking
from ._writeback import (
    apply_attribute_writes,
    carried_rebinds,
    flatten_output,
    flatten_promotions,
    number_array,
)

__all__ = ["jit", "JitFunction"]

_MAX_REDISCOVERIES = 8


LOGGER = logging.getLogger("shim")


def log_compile(name: str, seconds: float) -> None:
    """Log a compilation on the ``"shim"`` logger; a warning past ``config.compile_notice_seconds``."""
    level = logging.WARNING if seconds > config.compile_notice_seconds else logging.INFO
    LOGGER.log(level, "shim.jit: compiled %s in %.1f s (trace, compile and first run)", name, seconds)


def jit(fn=None, *, static_argnums=(), static_argnames=(), donate=False, in_shardings=None,
        out_shardings=None, fallback=None, dyn_vars=None, **numba_options):
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
    in_shardings, out_shardings : jax.sharding.Sharding, or a sequence of them, optional
        As ``jax.jit``'s: how the array arguments (one sharding for all, or one
        per positional argument) and the results (one for all, or one per item
        of a returned tuple) are laid out across devices; ``None`` leaves it to
        XLA. State needs neither: an array split across devices stays split as
        it is. The one surprise: results given a sharding are new arrays, even
        where the function returns one of its state arrays.
    fallback : {None, "eager", "error"}
        What to do with Python control flow that cannot be compiled (see
        docs/jit.md, "Python control flow"): ``"eager"`` runs the function
        eagerly on JaxArrays, with a :class:`~shim.FallbackWarning` naming the
        line; ``"error"`` raises :class:`~shim.ControlFlowError`; ``None``
        (default) follows ``shim.config.jit_fallback``. On the numpy backend,
        ``"eager"`` (or ``True``) runs as Python what Numba cannot compile.
    dyn_vars : JaxArray, or a sequence or dict of JaxArrays, optional
        Accepted for BrainPy compatibility and checked, but not needed: every
        JaxArray the function reads or writes is state anyway.

    Returns
    -------
    JitFunction
        Call it like ``fn``. Usable as a decorator, also on methods.

    Notes
    -----
    The callable runs as Python only while tracing: Python side effects
    (``print``, appending to lists) happen once per compilation. Python
    ``if``/``while``/``for`` over array values are compiled: the source of
    the function (and of the user functions and methods it calls) is rewritten
    into ``lax.cond``/``while_loop``/``fori_loop`` over the variables they
    assign and the arrays they write; a test that is a Python value stays a
    Python ``if``. ``numpy.random`` functions and NumPy ``Generator`` methods
    draw from shim's stream, new numbers on every call. A plain
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
    _check_dyn_vars(dyn_vars)
    if fallback not in (None, "eager", "error", True, False):
        raise ValueError(f"shim.jit: fallback must be None, 'eager' or 'error', got {fallback!r}")
    if get_backend_name() == "numpy":
        import importlib.util
        if importlib.util.find_spec("numba") is None:
            raise NumbaMissingError(
                "shim.jit on the numpy backend compiles with Numba, which is not installed: "
                "pip install 'shim-numpy[numba]' (or use the jax backend)",
                reason="Numba is not installed", function="shim.jit")
        from .._numba import jit as numba_jit
        return numba_jit(fn, static_argnums=static_argnums, static_argnames=static_argnames,
                         donate=donate, fallback=fallback in ("eager", True), **numba_options)
    if numba_options:                         # Numba's options: accepted, unused on JAX
        from .._numba import check_options
        check_options(numba_options)
    if fallback is True or fallback is False:
        fallback = "eager" if fallback else "error"
    if fn is None:
        return functools.partial(jit, static_argnums=static_argnums,
                                 static_argnames=static_argnames, donate=donate,
                                 in_shardings=in_shardings, out_shardings=out_shardings,
                                 fallback=fallback)
    return JitFunction(fn, static_argnums, static_argnames, donate, in_shardings, out_shardings,
                       fallback)


def _check_dyn_vars(dyn_vars):
    """BrainPy's ``dyn_vars``: JaxArrays (or containers of them); unused, since all are state."""
    if dyn_vars is None:
        return
    items = dyn_vars.values() if isinstance(dyn_vars, dict) else \
        dyn_vars if isinstance(dyn_vars, (list, tuple)) else (dyn_vars,)
    for item in items:
        if isinstance(item, (dict, list, tuple)):
            _check_dyn_vars(item)
        elif type(item) is not JaxArray:
            raise TypeError(f"shim.jit: dyn_vars must be JaxArrays (or a list, tuple or dict of "
                            f"them), got {type(item).__name__}; it is not needed: every JaxArray "
                            "the function touches is state")


class JitFunction:
    """A compiled callable made by :func:`shim.jit`."""

    _shim_opaque = True                       # its caches are not state of the code it runs

    def __init__(self, fn, static_argnums=(), static_argnames=(), donate=False, in_shardings=None,
                 out_shardings=None, fallback=None):
        if not callable(fn):
            raise TypeError(f"shim.jit: expected a function, method or callable object, "
                            f"got {type(fn).__name__}")
        if is_user_object(fn):
            fn = fn.__call__                  # a callable object: compile its __call__
        self._fn = fn
        self._traced = convert_callable(fn)   # what traces run: control flow converted
        self._fallback = fallback
        self._eager = None                    # the line that made it run eagerly, once it does
        self._static_argnums = (static_argnums,) if isinstance(static_argnums, int) \
            else tuple(static_argnums)
        self._static_argnames = frozenset((static_argnames,) if isinstance(static_argnames, str)
                                          else static_argnames)
        self._donate = bool(donate)
        self._in_shardings, self._out_shardings = in_shardings, out_shardings
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
        if self._eager is not None:
            return self._fn(*args, **kwargs)
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
        try:
            return self._compile_and_run(call, entry)
        except (TracingError, jax.errors.ConcretizationTypeError) as error:
            if (self._fallback or config.jit_fallback) != "eager":
                raise
            return self._run_eagerly(error, args, kwargs)

    def _run_eagerly(self, error, args, kwargs):
        """``fallback="eager"``: run the Python function on JaxArrays, from now on."""
        where = f"{error.filename}:{error.lineno}" if getattr(error, "lineno", None) else \
            _user_line(error)
        self._eager = where
        reason = getattr(error, "reason", type(error).__name__)
        warnings.warn(FallbackWarning(
            f"shim.jit: {self.__name__} runs eagerly (fallback='eager'): the code at {where} "
            f"cannot be compiled. {str(error).splitlines()[0]}", reason=reason,
            function=self.__name__), stacklevel=4)
        return self._fn(*args, **kwargs)

    # --- compiling ----------------------------------------------------------------------

    def _compile_and_run(self, call, old):
        started = time.perf_counter()
        if old is not None and not old.check():
            self._warn_recompile(old)
        extra_reads, extra_writes, numbers = [], [], []
        stand_ins = _stand_ins([getattr(self._fn, "__self__", None), *call.objects],
                               _global_arrays(self._fn))
        for _ in range(_MAX_REDISCOVERIES):
            try:
                found = self._discover(call, extra_reads, extra_writes, numbers, stand_ins)
                entry = Program(self, call, *found.sets, traced=found.traced,
                                stand_ins=stand_ins, run_fn=with_stand_ins(self._traced, stand_ins))
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

    def _discover(self, call, extra_reads, extra_writes, numbers, stand_ins=None):
        """The one trace: the state the callable touches and, usually, the program itself.

        The arrays the callable can reach (through its object, arguments,
        closures and globals: :func:`._state.reachable_roots`) are bound to
        input tracers in advance, so the trace that finds the state is the
        program: its jaxpr, with the inputs it did not use dropped, is what
        JAX compiles (``found.traced``). Only when the callable read an array
        found on the way (reached through a function's result, say) does the
        program need a second, strict trace (``found.traced`` is None).

        Number attributes the callable assigns (``self.t += dt``) become 0-d
        JaxArrays first (and are listed in ``numbers``), so that they change on
        every call rather than once per compilation; that takes one more trace.
        """
        arg_roots = call.roots
        bound = {id(r) for r in arg_roots}
        one_pass = not extra_reads and not extra_writes
        candidates = [r for r in reachable_roots(
            [getattr(self._fn, "__self__", None), *call.objects, *_code_values(self._fn),
             random_state.DEFAULT]) if id(r) not in bound] if one_pass else []
        if one_pass and stand_ins:
            candidates += [stand_in for _, stand_in in stand_ins.values()]
        if one_pass and (self._in_shardings is not None or self._out_shardings is not None or any(
                kept_sharding(root_value(r)) is not None for r in (*arg_roots, *candidates))):
            one_pass, candidates = False, []  # split arrays: the strict trace lays them out
        found = _Found()
        assigned = []

        def probe(anchor, root_values, candidate_values, dynamic):
            log = AttributeLog.around((self._fn,), call.objects, stand_ins)
            with Tracking(list(zip(arg_roots, root_values)), "discover", anchor,
                          list(zip(candidates, candidate_values))) as tracking, log:
                try:
                    for root in extra_reads:          # read by an earlier strict pass
                        _ = root.value
                    args, kwargs = call.rebuild(dynamic)
                    result = with_stand_ins(self._traced, stand_ins)(*args, **kwargs)
                    promoted = apply_attribute_writes(log, self.__name__, numbers=assigned)
                    if assigned:
                        return ()
                    state, read = list(tracking.touched.values()), set(tracking.read)
                    read |= {id(r) for r in extra_reads}
                    written = {id(r) for r in tracking.written.values()}
                    written |= {id(r) for r in extra_writes}
                    found.sets = sets = (
                        [r for r in state if id(r) in written and id(r) in read],
                        [r for r in state if id(r) in written and id(r) not in read],
                        [r for r in state if id(r) not in written],
                        tuple(i for i, r in enumerate(arg_roots) if id(r) in written))
                    if not one_pass or any(key in read for key in tracking.lifted):
                        return ()                     # read as constants: trace again
                    writes = [tracking.value_of(r) for r in sets[0] + sets[1]]
                    writes += [tracking.value_of(arg_roots[i]) for i in sets[3]]
                    outputs, out_values = flatten_output(result, arg_roots, tracking, promoted)
                    promotions, promoted_values = flatten_promotions(promoted, arg_roots,
                                                                     tracking)
                    found.spec = (outputs, promotions,
                                  carried_rebinds(promoted, log, arg_roots),
                                  program_checks(log, self._fn))
                finally:
                    log.restore()
            return (*writes, *out_values, *promoted_values)

        try:
            closed = jax.make_jaxpr(probe)(True, [root_value(r) for r in arg_roots],
                                           [root_value(r) for r in candidates], call.dynamic)
        except NumbersAssigned as signal:     # assigned inside a for_loop, cond...
            assigned = signal.numbers
        if assigned:
            numbers += assigned
            for obj, attr, number in assigned:
                setattr(obj, attr, number_array(number))
            return self._discover(call, extra_reads, extra_writes, numbers, stand_ins)
        if found.spec is not None:
            inputs = found.sets[0] + found.sets[2]
            found.traced = Traced.from_jaxpr(closed, candidates, inputs, len(arg_roots),
                                             *found.spec)
        return found

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


class _Found:
    """What :meth:`JitFunction._discover` found: the state (``sets``, as :class:`Program`
    takes them) and, when one trace was enough, the traced program (``traced``)."""

    __slots__ = ("sets", "spec", "traced")

    def __init__(self):
        self.sets = self.spec = self.traced = None


def _stand_ins(objects, arrays=()):
    """``{id(array): (array, JaxArray)}`` for the NumPy arrays that objects' attributes
    hold, and for ``arrays`` (globals the code names).

    The trace reads each through its JaxArray stand-in, an input of the program
    that takes the array's current values at every call (and whose writes are
    copied back), so a NumPy array attribute or global is never frozen at trace time.
    """
    found = {}
    for obj in [*objects, list(arrays)]:
        if obj is None:
            continue
        for _, array in walk(obj):
            if type(array) is np.ndarray and id(array) not in found and \
                    array.dtype.kind not in UNSUPPORTED_KINDS:
                found[id(array)] = (array, wrap(to_jax(array), array.dtype))
    return found


def _global_arrays(fn):
    """The NumPy arrays among the globals that ``fn``'s own code names."""
    func = getattr(fn, "__func__", fn)
    globals_ = getattr(func, "__globals__", None)
    if globals_ is None:
        return []
    return [globals_[n] for n in code_names(func) if type(globals_.get(n)) is np.ndarray]


def with_stand_ins(fn, stand_ins):
    """``fn`` reading its NumPy array globals through their stand-ins (see :func:`_stand_ins`),
    or ``fn`` itself if it names none. Its other globals are the module's, read when it is
    made."""
    if not stand_ins:
        return fn
    func = getattr(fn, "__func__", fn)
    globals_ = getattr(func, "__globals__", None)
    if globals_ is None or type(func) is not types.FunctionType:
        return fn
    replaced = {n: stand_ins[id(globals_[n])][1] for n in code_names(func)
                if type(globals_.get(n)) is np.ndarray and id(globals_[n]) in stand_ins}
    if not replaced:
        return fn
    namespace = {**globals_, **replaced}
    new = types.FunctionType(func.__code__, namespace, func.__name__, func.__defaults__,
                             func.__closure__)
    new.__kwdefaults__ = func.__kwdefaults__
    return types.MethodType(new, fn.__self__) if isinstance(fn, types.MethodType) else new


def _code_values(fn):
    """The closure variables and the globals that ``fn``'s code names (a method's function's)."""
    func = getattr(fn, "__func__", fn)
    if is_user_object(func):
        func = getattr(type(func).__call__, "__func__", type(func).__call__)
    code = getattr(func, "__code__", None)
    if code is None:
        return []
    values = []
    for cell in func.__closure__ or ():
        try:
            values.append(cell.cell_contents)
        except ValueError:                    # an empty cell
            pass
    globals_ = func.__globals__
    values += [globals_[n] for n in code_names(func) if n in globals_]
    return values


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

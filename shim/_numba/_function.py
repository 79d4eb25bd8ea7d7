"""``shim.jit`` on the numpy backend: functions, methods and objects compiled by Numba.

Numba compiles functions of arrays and numbers, not objects. A method is
therefore *flattened* before Numba sees it: its source is parsed with
:mod:`ast` and every chain ``self.a.b`` that ends at a NumPy array or a number
becomes a parameter with a flat name (``_shim_self_a_b``):

- arrays are passed in and mutated in place by Numba; an array attribute that
  is rebound (``self.spike = self.v > 1``) is returned and set on the object
  after the call;
- numbers the code assigns (``self.t += dt``) are passed in, returned and set;
- other plain values the code reads (``self.tau``, strings, tuples) are
  compile-time constants; each call checks them by identity, and a change
  compiles again (never a stale result);
- calls of methods of sub-objects (``self.group.step(x)``) and of plain Python
  helper functions are flattened the same way and compiled as Numba functions
  that the caller calls with its flat names.

Module globals and closure variables get the same treatment: arrays become
parameters (Numba would freeze them), numbers are checked constants, objects
are roots of chains. Names of the ``shim`` namespace are replaced by NumPy's,
which Numba knows (``shim.random.normal`` is ``numpy.random.normal``: it draws
from Numba's generator, which ``shim.random.seed`` seeds).

Each call runs a small generated Python function (:meth:`._plan.Plan.caller`): the
identity checks, the attribute reads, the call of the Numba dispatcher, and
the writes of returned numbers. Whatever Numba cannot compile raises
:class:`NumbaCompileError` naming the construct, the function and the line.
"""
from __future__ import annotations

import functools
import logging
import time
import types
import warnings
import weakref

from .._errors import FallbackWarning
from .._objects import is_user_object
from ._build import Build
from ._explain import explain, first_line
from ._values import COMPILED_CALLABLES

__all__ = ["jit", "NumbaFunction", "check_options"]

_LOG = logging.getLogger("shim")
_NUMBA_OPTIONS = frozenset({"parallel", "fastmath", "cache", "boundscheck", "error_model",
                            "nogil", "inline"})


def jit(fn=None, *, static_argnums=(), static_argnames=(), donate=False, fallback=False,
        **numba_options):
    """Compile ``fn`` -- a function, a bound method or a callable object -- with Numba.

    ``shim.jit`` calls this on the numpy backend (the backend is read when
    ``shim.jit`` is applied, not at each call).

    Parameters
    ----------
    fn : callable
        NumPy-style Python code on NumPy arrays. Arrays reached through
        ``self`` (nested objects included), closures and globals are passed to
        the compiled code, which writes them in place.
    static_argnums, static_argnames, donate
        Accepted so that code written for the JAX backend runs unchanged; they
        change nothing here (Numba specialises on argument types and writes
        arrays in place anyway).
    fallback : bool
        ``False`` (default): code Numba cannot compile raises
        :class:`NumbaCompileError`. ``True``: it runs as plain Python instead,
        with a :class:`~shim.FallbackWarning` (once).
    **numba_options
        Passed to ``numba.njit``: ``parallel``, ``fastmath``, ``cache``
        (Numba's on-disk cache: a second process loads the machine code
        instead of compiling), ``boundscheck``, ``error_model``, ``nogil``.

    Returns
    -------
    NumbaFunction
        Call it like ``fn``. ``compile_time`` gives the seconds spent compiling.

    Notes
    -----
    The one surprise: plain attributes that the code reads but never assigns
    (``self.tau``) are constants of the machine code. Changing one is seen at
    the next call and compiles again (a second or so), so values that change
    often belong in arguments or arrays.
    """
    if fn is None:
        return functools.partial(jit, static_argnums=static_argnums,
                                 static_argnames=static_argnames, donate=donate,
                                 fallback=fallback, **numba_options)
    check_options(numba_options)
    return NumbaFunction(fn, fallback=fallback, **numba_options)


def check_options(options) -> None:
    """Refuse option names ``numba.njit`` does not take (both backends check them)."""
    unknown = set(options) - _NUMBA_OPTIONS - {"fallback"}
    if unknown:
        raise TypeError(f"shim.jit: unknown option(s) {', '.join(sorted(unknown))}; allowed: "
                        "static_argnums, static_argnames, donate, and for the numpy backend "
                        f"(Numba) fallback, {', '.join(sorted(_NUMBA_OPTIONS))}")


class NumbaFunction:
    """A callable compiled by Numba, made by :func:`shim.jit` on the numpy backend.

    Attributes
    ----------
    compile_time : float
        Seconds spent preparing and compiling so far (each first call of a
        compiled variant: flattening, Numba's compilation or cache load).
    compilations : int
        How many variants were compiled (1 plus one per change of a constant).
    """

    _shim_opaque = True                        # its caches are not state of the code it runs

    def __init__(self, fn, *, fallback=False, **options):
        if isinstance(fn, NumbaFunction):
            fn = fn._fn
        if not callable(fn):
            raise TypeError(f"shim.jit: expected a function, method or callable object, "
                            f"got {type(fn).__name__}")
        if is_user_object(fn) and not isinstance(fn, types.MethodType):
            fn = fn.__call__                   # a callable object: compile its __call__
        if not isinstance(fn, (types.FunctionType, types.MethodType)) or (
                isinstance(fn, types.MethodType) and not isinstance(fn.__func__, types.FunctionType)):
            raise TypeError(f"shim.jit (numpy backend): cannot compile {fn!r}: expected a Python "
                            "function, a bound method or an object with a __call__ method")
        self._fn = fn
        self._options = options
        self._fallback = bool(fallback)
        self._plan = None
        self._dispatchers: dict = {}           # fingerprint -> (dispatcher, sub-dispatchers)
        self._bound: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.compile_time = 0.0
        self.compilations = 0
        self._call = self._first
        functools.update_wrapper(self, fn)

    def __get__(self, obj, cls=None):
        """``@shim.jit`` on a method: ``obj.method`` is compiled per object."""
        if obj is None:
            return self
        try:
            return self._bound[obj]
        except (KeyError, TypeError):
            pass
        bound = NumbaFunction(types.MethodType(self._fn, obj), fallback=self._fallback,
                              **self._options)
        try:
            self._bound[obj] = bound
        except TypeError:                      # not weakly referenceable or unhashable
            pass
        return bound

    def __repr__(self) -> str:
        return f"<shim.jit (Numba) of {getattr(self._fn, '__qualname__', self._fn)!r}>"

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    @property
    def cache_hits(self) -> int:
        """How many compiled signatures were loaded from Numba's on-disk cache."""
        plan = self._plan
        if plan is None:
            return 0
        return sum(sum(d.stats.cache_hits.values()) for d in plan.dispatchers)

    # --- compiling -------------------------------------------------------------------

    def _first(self, *args, **kwargs):
        """The slow path: (re)build the plan if a constant changed, then call."""
        start = time.perf_counter()
        plan = Build(self._fn, self._options).plan()
        cached = self._dispatchers.get(plan.fingerprint)
        fresh = cached is None
        if fresh:
            plan.compile()
            self._dispatchers[plan.fingerprint] = plan.dispatchers
            self.compilations += 1
        else:
            plan.dispatchers = cached
        self._plan = plan
        self._set_call(plan.caller(self._first, self._failed))
        result = self._call(*args, **kwargs)
        if fresh:
            elapsed = time.perf_counter() - start
            self.compile_time += elapsed
            _LOG.info("shim.jit: compiled %s with Numba in %.3f s%s", plan.name, elapsed,
                      " (on-disk cache)" if self.cache_hits else "")
        return result

    def _failed(self, error, args, kwargs):
        """A Numba compile error: explain it, or run Python if the user asked for that."""
        if not self._fallback:
            raise explain(error, self._fn) from None
        reason = first_line(error)
        warnings.warn(FallbackWarning(f"shim.jit: Numba cannot compile {self._fn.__qualname__}; "
                                      f"it runs as Python (fallback=True). {reason}",
                                      reason=reason, function=self._fn.__qualname__),
                      stacklevel=3)
        self._set_call(self._fn)
        return self._fn(*args, **kwargs)

    def _set_call(self, call) -> None:
        """Make ``call`` this object's ``__call__``, with no Python frame in between.

        Calling an instance looks ``__call__`` up on its type, so each compiled
        variant gets a one-off subclass whose ``__call__`` is the generated
        function itself (a staticmethod): that saves ~0.3 µs per call.
        """
        self._call = call
        self.__class__ = type("NumbaFunction", (NumbaFunction,),
                              {"__call__": staticmethod(call), "__module__": __name__})


COMPILED_CALLABLES.append(NumbaFunction)

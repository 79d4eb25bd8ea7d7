"""Compiled control flow over stateful NumPy-style code: for_loop, while_loop, cond.

Each helper runs Python callables that read and write JaxArrays inside one JAX
control-flow primitive (``lax.scan``, ``lax.while_loop``, ``lax.cond``). The
JaxArrays a callable writes become the primitive's carry and are written back
afterwards; the ones it only reads are constants of the loop.

Outside any trace, ``for_loop`` compiles itself (once per callable and
argument signature, through :func:`shim.jit`); ``while_loop`` and ``cond`` run
as plain Python there, so their results are the same either way.
"""
from __future__ import annotations

import functools
import types

import jax
import numpy as np
from jax import lax

from .._array import JaxArray
from ._function import JitFunction
from ._functional import Functional as _Functional
from ._functional import scalar_bool as _scalar_bool
from ._tracking import tracing

__all__ = ["for_loop", "while_loop", "cond"]


def for_loop(body, steps, *args, unroll=1, **kwargs):
    """Call ``body`` many times in one compiled loop and stack what it returns.

    Parameters
    ----------
    body : callable
        NumPy-style code; the JaxArrays it writes (through ``self``, closures,
        arguments...) carry over from one step to the next and hold their final
        values afterwards.
    steps : int or array_like or tuple of array_like
        An int: call ``body(*args)`` that many times. Arrays: call
        ``body(x, *args)`` for each ``x`` along their first axis (a tuple gives
        ``body(x1, x2, ..., *args)``).
    unroll : int
        Loop steps per compiled iteration (``lax.scan``'s ``unroll``).

    Returns
    -------
    The values ``body`` returned, each stacked along a new first axis of length
    the number of steps (``None`` if it returns nothing).
    """
    if not tracing(steps, *args):
        return _eager_loop(body, steps)(*args, unroll=unroll, **kwargs)
    xs, length = _steps(steps)
    per_step = _example_step(xs)
    state = _Functional(body, lambda x: _call(body, x, args, kwargs), per_step)

    def step(carry, x):
        new_carry, outputs = state.pure(carry, x)
        return new_carry, outputs

    final, stacked = lax.scan(step, state.initial(), xs, length=length, unroll=unroll)
    state.commit(final)
    return state.rebuild(stacked)


def while_loop(cond_fun, body_fun, *args):
    """``while cond_fun(*args): body_fun(*args)``, compiled when traced.

    ``cond_fun`` returns a boolean scalar computed from JaxArrays; ``body_fun``
    updates JaxArrays in place (its return value is ignored). Eagerly this is a
    Python ``while`` loop.
    """
    if not tracing(*args):
        while bool(cond_fun(*args)):
            body_fun(*args)
        return None
    both = _Functional((cond_fun, body_fun), lambda _: (cond_fun(*args), body_fun(*args)), None)
    test = _Functional(cond_fun, lambda _: cond_fun(*args), None, carry=both.carry_roots)
    body = _Functional(body_fun, lambda _: body_fun(*args), None, carry=both.carry_roots)

    def cond_step(carry):
        _, outputs = test.pure(carry, None)
        return _scalar_bool(outputs[0], "shim.while_loop")

    def body_step(carry):
        new_carry, _ = body.pure(carry, None)
        return new_carry

    both.commit(lax.while_loop(cond_step, body_step, both.initial()))
    return None


def cond(pred, true_fun, false_fun, *operands):
    """``true_fun(*operands) if pred else false_fun(*operands)``, compiled when traced.

    Both functions may update JaxArrays in place; they must return values of the
    same structure, shapes and dtypes. Eagerly this is a Python ``if``.
    """
    pred_value = pred.value if type(pred) is JaxArray else pred
    if not isinstance(pred_value, jax.core.Tracer):
        return true_fun(*operands) if bool(pred_value) else false_fun(*operands)
    both = _Functional((true_fun, false_fun),
                       lambda _: (true_fun(*operands), false_fun(*operands)), None)
    branches = [_Functional(f, lambda _, f=f: f(*operands), None, carry=both.carry_roots)
                for f in (true_fun, false_fun)]
    results = lax.cond(_scalar_bool(pred_value, "shim.cond"),
                       lambda c: branches[0].pure(c, None), lambda c: branches[1].pure(c, None),
                       both.initial())
    both.commit(results[0])
    return branches[0].rebuild(results[1])


def _steps(steps):
    if isinstance(steps, (int, np.integer)):
        if steps < 0:
            raise ValueError(f"shim.for_loop: steps must be >= 0, got {steps}")
        return None, int(steps)
    seq = steps if isinstance(steps, (tuple, list)) else (steps,)
    xs = tuple(s.value if type(s) is JaxArray else jax.numpy.asarray(s) for s in seq)
    lengths = {x.shape[0] if x.ndim else None for x in xs}
    if len(lengths) != 1 or None in lengths:
        raise ValueError("shim.for_loop: the arrays to loop over need the same, non-zero "
                         f"number of dimensions and the same first axis; got shapes "
                         f"{[x.shape for x in xs]}")
    xs = xs if isinstance(steps, (tuple, list)) else xs[0]
    return xs, lengths.pop()


def _example_step(xs):
    if xs is None:
        return None
    return jax.tree_util.tree_map(lambda x: x[0], xs)


def _call(body, x, args, kwargs):
    if x is None:
        return body(*args, **kwargs)
    if isinstance(x, tuple):
        return body(*x, *args, **kwargs)
    return body(x, *args, **kwargs)


# --- eager for_loop: compiled once per callable ----------------------------------------------

_EAGER_LOOPS: dict = {}
_MAX_EAGER_LOOPS = 256


def _eager_loop(body, steps):
    """``for_loop(body, steps, ...)`` compiled by a cached :func:`shim.jit`.

    One compiled function per callable (per method function for bound methods,
    whose object is passed as an argument, so the cache keeps no object alive)
    and per kind of ``steps``: a count is static, arrays are traced.
    """
    count = isinstance(steps, (int, np.integer))
    method = isinstance(body, types.MethodType)
    func = body.__func__ if method else body
    key = (func, count, method)
    run = _EAGER_LOOPS.get(key)
    if run is None:
        if method:
            def loop(obj, steps, *args, unroll=1, **kwargs):
                return for_loop(types.MethodType(func, obj), steps, *args, unroll=unroll, **kwargs)
        else:
            def loop(steps, *args, unroll=1, **kwargs):
                return for_loop(func, steps, *args, unroll=unroll, **kwargs)
        static = ((1,) if method else (0,)) if count else ()
        if len(_EAGER_LOOPS) >= _MAX_EAGER_LOOPS:
            del _EAGER_LOOPS[next(iter(_EAGER_LOOPS))]
        run = _EAGER_LOOPS[key] = JitFunction(loop, static_argnums=static,
                                              static_argnames=("unroll",))
    steps = int(steps) if count else steps
    return functools.partial(run, body.__self__, steps) if method else functools.partial(run, steps)

"""The helpers that code rewritten by :mod:`._convert` calls: Python or staged control flow.

Each helper looks at its test or iterable *when it runs*. A Python value
(``if n > 0`` with a Python ``n``, ``for x in a_list``) gives plain Python
semantics. A traced array value stages JAX control flow -- ``lax.cond``,
``lax.while_loop``, ``lax.fori_loop`` -- whose operands are

- the *variables* the construct assigns, passed in and returned by the
  generated branch and body functions: a variable whose object every branch
  or iteration leaves as it is stays a Python value; the others (arrays and
  numbers) are carried, and must keep their shape and dtype (a Python number
  takes the dtype of the array it becomes);
- the *JaxArrays written in place* (``self.v[i] = 0``), found by a discovery
  trace as :mod:`._control` does for ``shim.cond``/``shim.for_loop``.

``for i in range(K)`` with a Python ``K`` runs as Python (unrolled into the
trace) when ``K <= UNROLL_LIMIT`` and as one compiled loop above it, so that
compile time does not grow with ``K``; if the body then needs ``i`` as a
Python number (``a_list[i]``), the loop is unrolled after all.

What cannot be staged raises :class:`~shim._errors.ControlFlowError`, which
names the file, the line and the variable.
"""
from __future__ import annotations

import sys
import types

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _random
from .._array import JaxArray, commit, dtype_token, wrap
from .._errors import (
    DATA_DEPENDENT_SHAPE,
    ONE_BRANCH,
    PYTHON_VALUE_CHANGES,
    TRACED_VALUE,
    TYPE_CHANGES,
    ControlFlowError,
    TracingError,
)
from ._attributes import AttributeLog
from ._convert import convert as _convert
from ._convert import is_user_function
from ._functional import Functional as _Functional
from ._functional import refuse_attribute_writes as _refuse_attribute_writes
from ._functional import scalar_bool as _scalar_bool
from ._tracking import Tracking

__all__ = ["convert", "convert_callable", "UNROLL_LIMIT", "UNDEF", "ld", "call", "if_",
           "while_", "for_", "range_", "and_", "or_", "not_", "ifexp", "none_set", "result"]

#: ``for i in range(K)`` with a Python ``K`` is unrolled up to this many steps, one loop above.
UNROLL_LIMIT = 16

_Tracer = jax.core.Tracer
_NUMBERS = (bool, int, float, complex)


def convert(fn):
    """The user function ``fn`` with its control flow converted (see :mod:`._convert`)."""
    return _convert(fn, sys.modules[__name__])


def convert_callable(fn):
    """``fn`` converted: a function, a bound method (its function) or a callable object."""
    if isinstance(fn, types.FunctionType):
        return convert(fn)
    if isinstance(fn, types.MethodType) and isinstance(fn.__func__, types.FunctionType):
        converted = convert(fn.__func__)
        return fn if converted is fn.__func__ else types.MethodType(converted, fn.__self__)
    return fn


class _Undefined:
    """The value of a variable not yet assigned (the generated code deletes it again)."""

    __slots__ = ()

    def __repr__(self):
        return "<undefined>"


UNDEF = _Undefined()


def ld(thunk):
    """The variable's value, or :data:`UNDEF` if it is not assigned yet."""
    try:
        return thunk()
    except NameError:
        return UNDEF


def _traced(x) -> bool:
    if type(x) is JaxArray:
        return isinstance(x.value, _Tracer)
    return isinstance(x, _Tracer)


# --- expressions -----------------------------------------------------------------------------

def and_(first, *rest):
    """``a and b and ...`` (the later operands as thunks); elementwise-free on traced scalars."""
    value = first
    for thunk in rest:
        if _traced(value):
            return _logical(jnp.logical_and, value, rest[rest.index(thunk):])
        if not value:
            return value
        value = thunk()
    return value


def or_(first, *rest):
    """``a or b or ...`` (the later operands as thunks)."""
    value = first
    for thunk in rest:
        if _traced(value):
            return _logical(jnp.logical_or, value, rest[rest.index(thunk):])
        if value:
            return value
        value = thunk()
    return value


def _logical(op, value, thunks):
    result = _bool_value(value)
    for thunk in thunks:
        result = op(result, _bool_value(thunk()))
    return wrap(result)


def _bool_value(x):
    v = x.value if type(x) is JaxArray else x
    return _scalar_bool(v, "a condition")


def not_(x):
    """``not x``; a traced scalar gives a traced boolean."""
    if _traced(x):
        return wrap(jnp.logical_not(_bool_value(x)))
    return not x


def result(value):
    """A function's return value: ``None`` if no ``return`` ran; a variable assigned in one
    branch only is refused."""
    if value is UNDEF:
        return None
    if type(value) is _OneBranch:
        value._fail()
    if type(value) is tuple or type(value) is list:
        for item in value:
            if type(item) is _OneBranch:
                item._fail()
    return value


def none_set(*flags):
    """Whether none of the break/continue/return flags is set (traced if any flag is)."""
    if any(_traced(f) for f in flags):
        result = jnp.asarray(True)
        for f in flags:
            result = jnp.logical_and(result, jnp.logical_not(_bool_value(f)))
        return wrap(result)
    return not any(flags)


def ifexp(test, body, orelse):
    """``body() if test else orelse()``; a traced test selects with ``where``."""
    if not _traced(test):
        return body() if test else orelse()
    a, b = body(), orelse()
    return wrap(jnp.where(_bool_value(test), _value(a), _value(b)))


def _value(x):
    return x.value if type(x) is JaxArray else jnp.asarray(x)


# --- calls -----------------------------------------------------------------------------------

_GENERATOR = None


def _global_generator():
    """A shim Generator that shares the global stream's key (so ``seed`` reproduces it)."""
    global _GENERATOR
    if _GENERATOR is None:
        generator = _random.Generator.__new__(_random.Generator)
        generator._key = _random.DEFAULT._key
        _GENERATOR = generator
    return _GENERATOR


def _random_target(f):
    owner = getattr(f, "__self__", None)
    if owner is None:
        return None
    name = getattr(f, "__name__", None)
    if isinstance(owner, np.random.RandomState):
        stream = _random.DEFAULT
    elif isinstance(owner, np.random.Generator):
        stream = _global_generator()
    else:
        return None
    return getattr(stream, name, None)


def call(f, /, *args, **kwargs):
    """``f(*args, **kwargs)``, with ``f`` converted if it is user code.

    NumPy's random functions and the methods of NumPy ``Generator`` and
    ``RandomState`` objects draw from shim's stream instead, so that they give
    new numbers on every call of the compiled function.
    """
    t = type(f)
    if t is types.FunctionType:
        if is_user_function(f):
            f = convert(f)
    elif t is types.MethodType or t is types.BuiltinMethodType:
        target = _random_target(f)
        if target is not None:
            f = target
        elif t is types.MethodType:
            func = f.__func__
            if type(func) is types.FunctionType and is_user_function(func):
                f = types.MethodType(convert(func), f.__self__)
    return f(*args, **kwargs)


# --- describing values -----------------------------------------------------------------------

def _kind(x):
    """``("undef", x)``, ``("leaf", shape, dtype token, x)`` or ``("py", x)``."""
    t = type(x)
    if x is UNDEF or t is _OneBranch:             # unassigned on this path
        return ("undef", x)
    if t is JaxArray:
        return ("leaf", x.shape, dtype_token(x), x)
    if t in _NUMBERS:
        return ("leaf", (), t, x)
    if isinstance(x, (jax.Array, np.ndarray, np.generic)):
        return ("leaf", tuple(x.shape), np.dtype(x.dtype), x)
    return ("py", x)


def _token_dtype(token):
    if isinstance(token, type):
        return jax.dtypes.canonicalize_dtype(np.dtype(token if token is not int else np.int64))
    return jax.dtypes.canonicalize_dtype(token)


def _merge(name, kinds, where, what):
    """The common type of a variable's values on several paths, or a ControlFlowError."""
    shapes = {k[1] for k in kinds}
    if len(shapes) > 1:
        raise ControlFlowError(
            f"{where.text}: the variable {name!r} has shape {' or '.join(map(str, sorted(shapes)))} "
            f"depending on {what}; compiled control flow keeps every variable's shape. Give it "
            "one shape on every path (pad, or use np.where on full arrays), or pass "
            "fallback='eager' to shim.jit", reason=TYPE_CHANGES, where=where, variable=name)
    strong = {np.dtype(k[2]) for k in kinds if not isinstance(k[2], type)}
    if len(strong) > 1:
        raise ControlFlowError(
            f"{where.text}: the variable {name!r} has dtype "
            f"{' or '.join(sorted(map(str, strong)))} depending on {what}; compiled control "
            "flow keeps every variable's dtype. Convert it (x.astype(...)) so that every path "
            "gives the same dtype, or pass fallback='eager' to shim.jit",
            reason=TYPE_CHANGES, where=where, variable=name)
    if strong:
        return shapes.pop(), strong.pop()
    weak_types = [k[2] for k in kinds]
    order = (bool, int, float, complex)
    return shapes.pop(), max(weak_types, key=order.index)


class _Where:
    """A construct's place in the user's source: file and line."""

    __slots__ = ("filename", "lineno")

    def __init__(self, fn, lineno):
        self.filename = fn.__code__.co_filename
        self.lineno = lineno

    @property
    def text(self):
        return f"{self.filename}:{self.lineno}"


class _OneBranch:
    """A variable assigned on one path of a staged ``if`` only: any use raises."""

    __slots__ = ("_name", "_where")

    def __init__(self, name, where):
        self._name, self._where = name, where

    def _fail(self, *args, **kwargs):
        raise ControlFlowError(
            f"{self._where.text}: the variable {self._name!r} is assigned in only one branch of "
            "an if over an array value, and used after it; compiled code must have it on both "
            "paths. Assign it before the if (or in every branch), or pass fallback='eager' to "
            "shim.jit", reason=ONE_BRANCH, where=self._where, variable=self._name)

    __getattr__ = __bool__ = __array__ = __index__ = __float__ = __int__ = __len__ = __iter__ = \
        __getitem__ = __setitem__ = __call__ = __jax_array__ = _fail
    for _op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or",
                "xor", "lshift", "rshift", "lt", "le", "gt", "ge", "neg", "pos", "abs",
                "invert"):
        locals()[f"__{_op}__"] = _fail
        locals()[f"__r{_op}__"] = _fail
    del _op

    def __array_function__(self, *args, **kwargs):
        self._fail()

    def __array_ufunc__(self, *args, **kwargs):
        self._fail()


# --- running a region of code as a pure function of its carry ------------------------------

def _pure(fns, roots, carry, thunk):
    """Run ``thunk`` with ``roots`` bound to ``carry``: (new carry values, flat outputs)."""
    return _Functional(fns, lambda _: thunk(), None, carry=roots).pure(carry, None)


def _discover(fns, thunks, where, index=None):
    """One trace of each thunk: the JaxArrays any of them writes, and what each returns.

    The thunks get a traced loop index (``index`` gives its dtype), or nothing.
    """
    found = {}

    def probe(anchor, i):
        written, outputs = {}, []
        for thunk in thunks:
            log = AttributeLog.around(fns)
            with Tracking((), "discover", anchor) as tracking, log:
                try:
                    kinds = _located(lambda: [_kind(v) for v in (
                        thunk() if index is None else thunk(i))], where)
                    _refuse_attribute_writes(log, "the code")
                    written.update((id(r), r) for r in tracking.written.values())
                    outputs.append(kinds)
                finally:
                    log.restore()
        found["written"], found["outputs"] = list(written.values()), outputs
        return 0

    jax.make_jaxpr(probe)(True, 0 if index is None else index)
    return found["written"], found["outputs"]


def _located(thunk, where):
    """Call ``thunk``; a data-dependent shape inside names the construct."""
    try:
        return thunk()
    except ControlFlowError:
        raise
    except TracingError as error:
        if error.reason == DATA_DEPENDENT_SHAPE:
            raise ControlFlowError(
                f"{where.text}: inside an if or loop over array values, {error} Compiled "
                "control flow needs shapes that do not depend on array values; pass "
                "fallback='eager' to shim.jit to run such code eagerly",
                reason=DATA_DEPENDENT_SHAPE, where=where, variable=None) from error
        raise


def _leaf_value(x, dtype, shape=()):
    if x is UNDEF or type(x) is _OneBranch:
        return jnp.zeros(shape, _token_dtype(dtype))
    if type(x) is JaxArray:
        x = x.value
    return jnp.asarray(x, dtype=_token_dtype(dtype))


def _leaf_result(value, token):
    return wrap(value, token)


# --- if --------------------------------------------------------------------------------------

def if_(test, true_fn, false_fn, values, names, lineno):
    """``if test: ... else: ...`` -- Python, or ``lax.cond`` when ``test`` is traced."""
    if not _traced(test):
        return true_fn(*values) if test else false_fn(*values)
    where = _Where(true_fn, lineno)
    pred = _bool_value(test)
    fns = (true_fn, false_fn)
    thunks = [lambda f=f: f(*values) for f in fns]
    roots, outputs = _discover(fns, thunks, where)
    plan = []                                   # per variable: ("static", value) or ("leaf", ...)
    for k, name in enumerate(names):
        kinds = [out[k] for out in outputs]
        if name.startswith("_shim_ret_") and any(kd[0] == "leaf" for kd in kinds):
            # the returned value: unassigned on a path that has not returned yet
            kinds = [kd for kd in kinds if kd[0] == "leaf"]
        if all(kd[0] in ("py", "leaf") for kd in kinds) and kinds[0][-1] is kinds[-1][-1]:
            plan.append(("static", kinds[0][-1]))    # the same object: written in place, if at all
        elif all(kd[0] == "undef" for kd in kinds):
            plan.append(("static", kinds[0][1]))
        elif any(kd[0] == "undef" for kd in kinds):
            plan.append(("static", _OneBranch(name, where)))
        elif all(kd[0] == "leaf" for kd in kinds):
            plan.append(("leaf",) + _merge(name, kinds, where, f"the condition at line {lineno}"))
        elif all(kd[0] == "py" for kd in kinds) and _same(kinds[0][1], kinds[1][1]):
            plan.append(("static", kinds[0][1]))
        else:
            raise ControlFlowError(
                f"{where.text}: the variable {name!r} is "
                f"{_describe(kinds[0])} if the condition holds and {_describe(kinds[1])} if "
                "not; under a condition on array values, a variable can only change between "
                "arrays or numbers of one shape and dtype. Keep Python values out of the "
                "branches, or pass fallback='eager' to shim.jit",
                reason=PYTHON_VALUE_CHANGES, where=where, variable=name)

    def branch(f):
        def run(carry):
            def thunk():
                out = _located(lambda: f(*values), where)
                return [_leaf_value(v, p[2], p[1]) for v, p in zip(out, plan) if p[0] == "leaf"]
            return _pure(fns, roots, carry, thunk)
        return run

    carry, leaves = lax.cond(pred, branch(true_fn), branch(false_fn),
                             [r.value for r in roots])
    for root, value in zip(roots, carry):
        commit(root, value)
    leaves = iter(leaves)
    return tuple(p[1] if p[0] == "static" else _leaf_result(next(leaves), p[2]) for p in plan)


def _same(a, b):
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:                           # noqa: BLE001 - comparing user objects
        return False


def _describe(kind):
    if kind[0] == "undef":
        return "unassigned"
    if kind[0] == "leaf":
        return f"an array of shape {kind[1]}"
    return f"a {type(kind[1]).__name__}"


# --- loops -----------------------------------------------------------------------------------

class _Range:
    """``range(...)`` with a traced bound: its start, step and (traced) length."""

    __slots__ = ("start", "step", "length")

    def __init__(self, start, stop, step):
        self.start, self.step = start, step
        start_v, stop_v, step_v = (_value(v) for v in (start, stop, step))
        if not _traced(step) and step == 0:
            raise ValueError("range() arg 3 must not be zero")
        span = jnp.where(step_v > 0, stop_v - start_v, start_v - stop_v)
        length = (span + jnp.abs(step_v) - 1) // jnp.abs(step_v)
        self.length = jnp.maximum(length, 0)


def range_(*args):
    """``range(*args)``; with a traced bound, a range that compiles as one loop."""
    if not any(_traced(a) for a in args):
        return range(*args)
    if not 1 <= len(args) <= 3:
        raise TypeError(f"range expected at most 3 arguments, got {len(args)}")
    start, stop, step = (0, args[0], 1) if len(args) == 1 else \
        (args[0], args[1], 1) if len(args) == 2 else args
    for a in (start, stop, step):
        if np.dtype(_value(a).dtype).kind not in "iub":
            raise TypeError("range() arguments must be integers")
    return _Range(start, stop, step)


def while_(test_fn, body_fn, values, names, brk, lineno):
    """``while test: body`` -- Python while the test is a Python value, then ``lax.while_loop``."""
    values = tuple(values)
    while True:
        if brk >= 0:
            flag = values[brk]
            if _traced(flag):
                return _staged(None, test_fn, body_fn, values, names, brk, lineno)
            if flag:
                return values
        test = test_fn(*values)
        if _traced(test):
            return _staged(None, test_fn, body_fn, values, names, brk, lineno)
        if not test:
            return values
        values = tuple(body_fn(*values))


def for_(iterable, body_fn, values, names, brk, lineno):
    """``for x in iterable: body`` -- Python for Python iterables and short ranges; one
    compiled loop for a traced range, a long Python range, or an array's first axis."""
    values = tuple(values)
    if type(iterable) is _Range:
        return _staged(iterable, None, body_fn, values, names, brk, lineno)
    if type(iterable) is range and len(iterable) > UNROLL_LIMIT:
        try:
            return _staged(iterable, None, body_fn, values, names, brk, lineno)
        except (TracingError, jax.errors.ConcretizationTypeError,
                jax.errors.TracerIntegerConversionError) as error:
            if isinstance(error, ControlFlowError) or (isinstance(error, TracingError) and
                                                       error.reason != TRACED_VALUE):
                raise
            # the body needs the index as a Python number: unroll after all
    elif _traced(iterable) or isinstance(iterable, jax.Array):
        if not iterable.shape:
            raise TypeError("iteration over a 0-d array")
        return _staged(iterable, None, body_fn, values, names, brk, lineno)
    for item in iterable:
        if brk >= 0:
            flag = values[brk]
            if _traced(flag):                  # a break under an array condition: mask the rest
                values = if_(not_(flag), lambda *v, item=item: body_fn(item, *v),
                             lambda *v: v, values, names, lineno)
                continue
            if flag:
                break
        values = tuple(body_fn(item, *values))
    return values


def _staged(over, test_fn, body_fn, values, names, brk, lineno):
    """One ``lax.while_loop`` (or ``fori_loop``) over the carried variables and state.

    ``over`` is None (a while loop: ``test_fn`` decides), a range (Python or
    traced) or an array (its first axis).
    """
    where = _Where(body_fn, lineno)
    if over is None:
        length, item_of = None, None
    elif isinstance(over, (range, _Range)):
        length = len(over) if type(over) is range else over.length
        start, step = over.start, over.step

        def item_of(i):
            return wrap(_value(start) + i * _value(step)) if type(over) is _Range or start or \
                step != 1 else wrap(i)
    else:
        xs = over.value if type(over) is JaxArray else over
        token = dtype_token(over) if type(over) is JaxArray else xs.dtype
        length = xs.shape[0]

        def item_of(i):
            return wrap(lax.dynamic_index_in_dim(xs, i, keepdims=False), token)

    def run_body(i, vals):
        if item_of is None:
            return body_fn(*vals)
        return body_fn(item_of(i), *vals)

    fns = (body_fn,) if test_fn is None else (test_fn, body_fn)
    index0 = jnp.asarray(0, dtype=jax.dtypes.canonicalize_dtype(np.int64))
    # Decide what each variable is: static (every iteration leaves its object) or a carried
    # leaf of one shape and dtype; trace the body until the decision holds.
    plan = [("static", v) for v in values]
    for _ in range(4):
        thunks = [lambda i, plan=plan: run_body(i, _inputs(values, plan))]
        if test_fn is not None:
            thunks.append(lambda i, plan=plan: (test_fn(*_inputs(values, plan)),))
        roots, outputs = _discover(fns, thunks, where, index0)
        new_plan = _loop_plan(names, values, plan, outputs[0], where, lineno)
        if new_plan == plan:
            break
        plan = new_plan
    leaf_at = [k for k, p in enumerate(plan) if p[0] == "leaf"]

    def rebuild(leaves):
        vals = [p[1] for p in plan]
        for k, v in zip(leaf_at, leaves):
            vals[k] = _leaf_result(v, plan[k][2])
        return tuple(vals)

    def outputs_of(out):
        for k, p in enumerate(plan):
            if p[0] == "static" and out[k] is not p[1] and not (
                    _kind(p[1])[0] == "undef" and _kind(out[k])[0] == "undef"):
                raise ControlFlowError(
                    f"{where.text}: the variable {names[k]!r} changes inside a loop over array "
                    f"values to {_describe(_kind(out[k]))}; only arrays and numbers can change "
                    "from step to step of a compiled loop. Keep Python values out of the loop, "
                    "or pass fallback='eager' to shim.jit",
                    reason=PYTHON_VALUE_CHANGES, where=where, variable=names[k])
        return [_leaf_value(out[k], plan[k][2], plan[k][1]) for k in leaf_at]

    def cond_fun(carry):
        i, state, leaves = carry
        ok = []
        if brk >= 0:
            flag = plan[brk]
            ok.append(jnp.logical_not(_bool_value(leaves[leaf_at.index(brk)])) if flag[0] == "leaf"
                      else jnp.asarray(not flag[1]))
        if length is not None:
            ok.append(i < length)
        if test_fn is not None:
            _, flat = _pure(fns, roots, state, lambda: [_bool_value(
                _located(lambda: test_fn(*rebuild(leaves)), where))])
            ok.append(flat[0])
        result = ok[0]
        for o in ok[1:]:
            result = jnp.logical_and(result, o)
        return result

    def body_fun(carry):
        i, state, leaves = carry
        new_state, new_leaves = _pure(fns, roots, state, lambda: outputs_of(
            _located(lambda: run_body(i, rebuild(leaves)), where)))
        return i + 1, new_state, new_leaves

    init = (index0, [r.value for r in roots], [_leaf_value(values[k], plan[k][2])
                                               if values[k] is not UNDEF else
                                               jnp.zeros(plan[k][1], _token_dtype(plan[k][2]))
                                               for k in leaf_at])
    if brk < 0 and test_fn is None and type(over) is not _Range:
        def fori_body(i, carry):
            _, state, leaves = body_fun((i, carry[1], carry[2]))
            return (i, state, leaves)
        final = lax.fori_loop(0, length, fori_body, init)
    else:
        final = lax.while_loop(cond_fun, body_fun, init)
    for root, value in zip(roots, final[1]):
        commit(root, value)
    return rebuild(final[2])


def _inputs(values, plan):
    """The values the body gets: carried leaves as fresh traced arrays, the rest as they are."""
    out = []
    for v, p in zip(values, plan):
        if p[0] == "leaf":
            out.append(_leaf_result(jnp.zeros(p[1], _token_dtype(p[2])) if v is UNDEF else
                                    _leaf_value(v, p[2]), p[2]))
        else:
            out.append(v)
    return tuple(out)


def _loop_plan(names, values, plan, outputs, where, lineno):
    new = []
    for k, name in enumerate(names):
        out = outputs[k]
        before = plan[k]
        if before[0] == "static":
            if out[0] in ("py", "leaf") and out[-1] is values[k]:   # the same object
                new.append(before)
                continue
            if out[0] == "undef" and values[k] is UNDEF:
                new.append(before)
                continue
            if out[0] == "undef":
                new.append(before)           # deleted in the body: left to Python's semantics
                continue
            if out[0] != "leaf":
                raise ControlFlowError(
                    f"{where.text}: the variable {name!r} changes inside a loop over array "
                    f"values to {_describe(out)}; only arrays and numbers can change from step "
                    "to step of a compiled loop. Keep Python values out of the loop, or pass "
                    "fallback='eager' to shim.jit",
                    reason=PYTHON_VALUE_CHANGES, where=where, variable=name)
            start = _kind(values[k])
            kinds = [out] if start[0] == "undef" else [start, out]
            if start[0] == "py":
                raise ControlFlowError(
                    f"{where.text}: the variable {name!r} is {_describe(start)} before the "
                    f"loop and {_describe(out)} inside it; a compiled loop carries only arrays "
                    "and numbers", reason=PYTHON_VALUE_CHANGES, where=where, variable=name)
            new.append(("leaf",) + _merge(name, kinds, where, f"the iteration of the loop at line "
                                                          f"{lineno}"))
        else:
            if out[0] != "leaf":
                raise ControlFlowError(
                    f"{where.text}: the variable {name!r} changes inside a loop over array "
                    f"values to {_describe(out)}; only arrays and numbers can change from step "
                    "to step of a compiled loop", reason=PYTHON_VALUE_CHANGES, where=where,
                    variable=name)
            new.append(("leaf",) + _merge(name, [("leaf",) + before[1:], out], where,
                                          f"the iteration of the loop at line {lineno}"))
    return new

"""One compiled program of a :class:`~._function.JitFunction`: trace, executable, write-back.

A :class:`Program` is the pure function JAX compiles for one argument
signature -- the values of the state it reads and of the call's arrays in,
the new values of what it writes and its results out -- plus the check that
it still applies (:class:`~._checks.Checks`). Usually the function is the
jaxpr of the discovery trace (:class:`Traced`); otherwise the callable is
traced again, strictly (:meth:`Program._pure`). :meth:`Program.run` calls it
with the current values, writes the results back into the same JaxArrays and
binds rebound attributes to their new values; :func:`hot_path` generates the
same steps as straight-line code for plain positional calls.
"""
from __future__ import annotations

import keyword
import sys

import jax
import numpy as np
from jax.extend.core import ClosedJaxpr, Jaxpr, jaxpr_as_fun

from .._array import HotCode, JaxArray, commit, kept_sharding, root_value, to_jax, wrap
from ._attributes import AttributeLog
from ._checks import Checks, program_checks
from ._state import walk
from ._tracking import Rediscover, Tracking, WriteOnly
from ._tree import expression, unflatten
from ._writeback import (
    NOTHING,
    apply_attribute_writes,
    carried_rebinds,
    flatten_output,
    flatten_promotions,
)

__all__ = ["Program", "Traced", "Retrace", "hot_path", "miss", "MISS"]


class Retrace(Exception):
    """JAX traced a program's function again outside shim's control; compile it anew."""


class Program:
    """One compiled program: its state, its executable, and the check that it applies.

    The program's inputs are the state it reads (``inputs``), the call's
    JaxArray arguments, then its numbers and other arrays; its outputs are the
    new values of the state it writes (``written``), of written arguments, the
    function's results, then plain attributes turned into arrays. State it
    writes without reading is not passed in.
    """

    def __init__(self, function, call, written_read, written_only, read_only, arg_written,
                 traced=None, stand_ins=None, run_fn=None):
        self.function = function
        self.inputs = written_read + read_only
        self.written = written_read + written_only
        self.written_only = written_only
        self._written_only_shapes = [root_value(r).shape for r in written_only]
        self._kept = [kept_sharding(root_value(r)) for r in self.written]   # state stays split
        self.arg_written = arg_written           # indices of the call's argument roots written
        self.n_roots = len(call.roots)
        self.stand_ins = stand_ins or {}         # NumPy attributes read through JaxArrays
        self._run_fn = run_fn or function._traced   # the callable, its NumPy globals stood in for
        uses = {id(r) for r in self.inputs}
        self.host_reads = [(a, s) for a, s in self.stand_ins.values() if id(s) in uses]
        uses = {id(r) for r in self.written}
        self.host_writes = [(a, s) for a, s in self.stand_ins.values() if id(s) in uses]
        self.outputs = NOTHING                  # how to rebuild results (set while tracing)
        self.promotions = ()                     # (object, name, spec, count) rebound after calls
        self.carried = []                        # see carried_rebinds (set while tracing)
        self.n_out = 0                           # how many values the program returns
        self.check = Checks([], [])             # do the values the trace read still hold?
        self._call = None                        # the call being traced, only while tracing
        self.hot = None                          # see hot_path
        self.single = False                      # one output, returned bare (set while tracing)
        donate = tuple(range(len(written_read))) if function._donate else ()
        self.n_donated = len(donate)
        if traced is not None:                   # the discovery trace was the program
            self.outputs, self.promotions, self.carried, self.check = traced.spec
            self.n_out = traced.n_out
            self.single = traced.n_out == 1
            self._replay = traced.function
            self.compiled = jax.jit(self._replayed, donate_argnums=donate)
        else:
            self.compiled = jax.jit(self._pure, donate_argnums=donate)

    def _replayed(self, *flat):
        """The function JAX compiles from a traced program: its jaxpr, evaluated."""
        if self._call is None:
            raise Retrace()
        outputs = self._replay(*flat)
        return outputs[0] if self.single else tuple(outputs)

    def _pure(self, *flat):
        """The function JAX compiles: state and argument values in, new values out."""
        call = self._call
        if call is None:
            raise Retrace()
        n_state = len(self.inputs)
        root_values = _constrained(flat[n_state:n_state + self.n_roots],
                                   _root_shardings(call, self.function._in_shardings))
        bind = [*zip(self.inputs, flat[:n_state]), *zip(call.roots, root_values),
                *((r, WriteOnly(s)) for r, s in zip(self.written_only, self._written_only_shapes))]
        function = self.function
        log = AttributeLog.around((function._fn,), call.objects, self.stand_ins)
        with Tracking(bind, "strict") as tracking, log:
            try:
                args, kwargs = call.rebuild(flat[n_state + self.n_roots:])
                result = self._run_fn(*args, **kwargs)
                promoted = apply_attribute_writes(log, function.__name__)
                allowed = {id(r) for r in self.written} | {
                    id(call.roots[i]) for i in self.arg_written}
                for root in tracking.written.values():
                    if id(root) not in allowed:
                        raise Rediscover(root, "write")
                writes = _constrained([tracking.value_of(r) for r in self.written], self._kept)
                writes += [tracking.value_of(call.roots[i]) for i in self.arg_written]
                if function._out_shardings is not None:
                    result = _results_on(result, function._out_shardings)
                self.outputs, out_values = flatten_output(result, call.roots, tracking, promoted)
                self.promotions, promoted_values = flatten_promotions(promoted, call.roots,
                                                                      tracking)
                self.carried = carried_rebinds(promoted, log, call.roots)
                self.check = program_checks(log, function._fn)
            finally:
                log.restore()
        outputs = (*writes, *out_values, *promoted_values)
        self.n_out = len(outputs)
        self.single = len(outputs) == 1          # a bare array is quicker for JAX than a tuple
        return outputs[0] if self.single else outputs

    def run(self, roots, dynamic, call=None):
        """Call the program with the current values and write the results back."""
        if call is not None:
            self._call = call
        for array, stand_in in self.host_writes:
            if not array.flags.writeable:
                raise ValueError(f"shim.jit: {self.function.__name__} writes a read-only NumPy "
                                 f"array attribute of shape {array.shape}")
        for array, stand_in in self.host_reads:      # NumPy attributes: their values now
            commit(stand_in, to_jax(array))
        state = list(map(root_value, self.inputs))
        for k in range(self.n_donated):
            if sys.getrefcount(state[k]) > _OWNED:   # a copy shares the buffer: keep it valid
                state[k] = jax.numpy.copy(state[k])
        try:
            results = self.compiled(*state, *map(root_value, roots), *dynamic)
        finally:
            self._call = None
        if self.single:
            results = (results,)
        if call is not None and call.hosts:
            check_writable(call, self.arg_written)
        written = self.written
        for root, value in zip(written, results):
            commit(root, value)
        n = len(written)
        for i in self.arg_written:
            commit(roots[i], results[n])
            n += 1
        if self.promotions:
            end = len(results)
            bound = {}
            for obj, name, spec, count in reversed(self.promotions):
                bound[id(obj), name] = value = unflatten(spec, results[end - count:end], roots)
                setattr(obj, name, value)
                end -= count
            for k, (obj, name, old, old_arrays) in enumerate(self.carried):
                self.carried[k] = self._carry(obj, name, old, old_arrays, bound[id(obj), name])
        for array, stand_in in self.host_writes:
            np.copyto(array, np.asarray(root_value(stand_in)), casting="unsafe")
        if call is not None and call.hosts:
            for k, array in call.hosts:
                if k in self.arg_written:
                    np.copyto(array, np.asarray(root_value(roots[k])), casting="unsafe")
        if self.outputs is NOTHING:
            return None
        return unflatten(self.outputs, results[n:len(results) - self.n_promoted], roots)

    @property
    def n_promoted(self) -> int:
        return sum(count for _, _, _, count in self.promotions)

    def _carry(self, obj, name, old, old_arrays, new):
        """The program rebound ``obj.name`` from ``old`` to ``new``: its arrays take the
        old ones' places among the inputs and writes, and the check expects ``new``."""
        new_arrays = list(walk(new, aliases=True))
        by_path = dict(new_arrays)
        swap = {id(a): by_path[path] for path, a in old_arrays}
        for roots in (self.inputs, self.written, self.written_only):
            roots[:] = [swap.get(id(r), r) for r in roots]
        self.check.rebind(obj, name, old, new)
        return obj, name, new, new_arrays

    def reason(self):
        """See :meth:`_Checks.reason`."""
        return None if self.check() else self.check.reason()


class Traced:
    """A program traced once: its jaxpr as a function of the program's inputs, and how
    to use its outputs (``spec``: results, promoted attributes, checks)."""

    __slots__ = ("function", "spec", "n_out")

    def __init__(self, function, spec, n_out):
        self.function, self.spec, self.n_out = function, spec, n_out

    @classmethod
    def from_jaxpr(cls, closed, candidates, inputs, n_roots, outputs, promotions, carried,
                   check):
        """From the discovery trace's jaxpr, or None if it cannot serve.

        The trace's inputs are ``(anchor, argument roots, candidates, numbers)``;
        the program's are ``(inputs, argument roots, numbers)``. The anchor and
        the candidates that are not inputs must be unused.
        """
        jaxpr = closed.jaxpr
        invars = jaxpr.invars
        anchor, roots = invars[0], invars[1:1 + n_roots]
        candidate_vars = invars[1 + n_roots:1 + n_roots + len(candidates)]
        rest = invars[1 + n_roots + len(candidates):]
        position = {id(r): i for i, r in enumerate(candidates)}
        kept = [candidate_vars[position[id(r)]] for r in inputs]
        dropped = {anchor, *candidate_vars} - set(kept)
        used = {v for eqn in jaxpr.eqns for v in eqn.invars if not hasattr(v, "val")}
        used |= {v for v in jaxpr.outvars if not hasattr(v, "val")}
        if dropped & used:
            return None
        program = Jaxpr(jaxpr.constvars, [*kept, *roots, *rest], jaxpr.outvars, jaxpr.eqns,
                        jaxpr.effects, jaxpr.debug_info.with_unknown_names()
                        if hasattr(jaxpr.debug_info, "with_unknown_names") else None)
        return cls(jaxpr_as_fun(ClosedJaxpr(program, closed.consts)),
                   (outputs, promotions, carried, check), len(jaxpr.outvars))


#: References to a state value held by its root, the list of values and getrefcount itself:
#: a donated buffer with more is shared (``c = s.v.copy()``) and is copied before the call.
_OWNED = 3


def _constrained(values, shardings):
    """``values`` with each laid out as its sharding says (``None``: as XLA chooses)."""
    return [v if s is None else jax.lax.with_sharding_constraint(v, s)
            for v, s in zip(values, shardings)]


def _root_shardings(call, in_shardings):
    """The sharding of each of the call's array roots: one for all, or one per argument."""
    shardings = [None] * len(call.roots)
    if in_shardings is None:
        return shardings
    per_argument = in_shardings if isinstance(in_shardings, (list, tuple)) else \
        [in_shardings] * len(call.args)
    for a, sharding in zip(call.args, per_argument):
        for k, root in enumerate(call.roots):
            if root is a:
                shardings[k] = sharding
    return shardings


def _results_on(result, out_shardings):
    """The arrays of ``result`` laid out as ``out_shardings`` says (one, or one per item)."""
    if type(result) is JaxArray:
        return wrap(jax.lax.with_sharding_constraint(result.value, out_shardings))
    if isinstance(result, (list, tuple)):
        per_item = out_shardings if isinstance(out_shardings, (list, tuple)) else \
            [out_shardings] * len(result)
        return type(result)(r if s is None else _results_on(r, s) for r, s in zip(result, per_item))
    return result


MISS = object()


def miss(*args):
    return MISS


def hot_path(entry, fast_key):
    """Straight-line Python for ``entry``'s plain positional calls, or None.

    The code checks the kinds of the arguments and that the values the trace
    read still hold, calls the executable with direct arguments and commits the
    results -- the steps of ``JitFunction.__call__`` and ``Program.run``, without
    loops or generic containers, because for small state this path is the whole
    cost of a call. Shapes and dtypes are left to JAX's dispatch: a mismatch
    makes it trace again, which raises ``Retrace``; another number of arguments
    raises ``TypeError`` before any of it runs. Any other mismatch returns
    ``MISS``. All three hand over to the general path, which nothing here has
    changed: results are committed only after the executable returned.
    """
    if entry.carried or entry.n_donated or entry.host_reads or entry.host_writes:
        return None
    names = {"JaxArray": JaxArray, "MISS": MISS, "compiled": entry.compiled, "wrap": wrap,
             "setattr": setattr,
             "check": entry.check, "unflatten": unflatten, "outputs": entry.outputs}
    params = [f"a{i}" for i in range(len(fast_key))]
    lines = [f"def hot({', '.join(params)}):"]
    roots, call_args = [], []
    for i, part in enumerate(fast_key):
        a = params[i]
        if isinstance(part, tuple):           # a whole JaxArray
            lines.append(f"    if {HotCode.not_whole_root(a)}: return MISS")
            roots.append(a)
            call_args.append(HotCode.value(a))
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
        state_args.append(HotCode.value(f"s{k}"))
    comma = "," if entry.single else ""
    lines.append(f"    r = compiled({', '.join(state_args + call_args)}){comma}")
    n = 0
    for k, root in enumerate(entry.written):
        names[f"w{k}"] = root
        lines.append(f"    {HotCode.commit(f'w{k}', f'r[{n}]')}")
        n += 1
    for i in entry.arg_written:
        lines.append(f"    {HotCode.commit(roots[i], f'r[{n}]')}")
        n += 1
    start = entry.n_out - entry.n_promoted
    for i, (obj, name, spec, count) in enumerate(entry.promotions):
        names[f"p{i}"], names[f"pspec{i}"] = obj, spec
        value = expression(spec, names, start, roots) or \
            f"unflatten(pspec{i}, r[{start}:{start + count}], ({''.join(r + ', ' for r in roots)}))"
        lines.append(f"    p{i}.{name} = {value}" if name.isidentifier() and
                     not keyword.iskeyword(name) else f"    setattr(p{i}, {name!r}, {value})")
        start += count
    if entry.outputs is NOTHING:
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


def check_writable(call, written):
    """Refuse to write into read-only NumPy arguments (before anything is written)."""
    for k, array in call.hosts:
        if k in written and not array.flags.writeable:
            raise ValueError(f"shim.jit: a NumPy array argument of shape {array.shape} is "
                             "written, but it is read-only")

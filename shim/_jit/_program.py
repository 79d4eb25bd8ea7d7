"""One compiled program of a :class:`~._function.JitFunction`: trace, executable, write-back.

A :class:`Program` is the pure function JAX compiles for one argument
signature -- the values of the state it reads and of the call's arrays in,
the new values of what it writes and its results out -- plus the check that
it still applies (:class:`~._checks.Checks`). :meth:`Program.run` calls it
with the current values and writes the results back into the same
JaxArrays; :func:`hot_path` generates the same steps as straight-line code for
plain positional calls.
"""
from __future__ import annotations

import jax
import numpy as np

from .._array import HotCode, JaxArray, commit, root_value, wrap
from ._attributes import AttributeLog
from ._checks import Checks, program_checks
from ._tracking import Rediscover, Tracking, WriteOnly
from ._tree import expression, unflatten
from ._writeback import NOTHING, apply_attribute_writes, flatten_output

__all__ = ["Program", "Retrace", "hot_path", "miss", "MISS"]


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

    def __init__(self, function, call, written_read, written_only, read_only, arg_written):
        self.function = function
        self.inputs = written_read + read_only
        self.written = written_read + written_only
        self.written_only = written_only
        self._written_only_shapes = [root_value(r).shape for r in written_only]
        self.arg_written = arg_written           # indices of the call's argument roots written
        self.n_roots = len(call.roots)
        self.outputs = NOTHING                  # how to rebuild results (set while tracing)
        self.promotions = ()                     # (object, name) made arrays (set while tracing)
        self.check = Checks([], [])             # do the values the trace read still hold?
        self._call = None                        # the call being traced, only while tracing
        self.hot = None                          # see hot_path
        self.single = False                      # one output, returned bare (set while tracing)
        donate = tuple(range(len(written_read))) if function._donate else ()
        self.compiled = jax.jit(self._pure, donate_argnums=donate)

    def _pure(self, *flat):
        """The function JAX compiles: state and argument values in, new values out."""
        call = self._call
        if call is None:
            raise Retrace()
        n_state = len(self.inputs)
        root_values = flat[n_state:n_state + self.n_roots]
        bind = [*zip(self.inputs, flat[:n_state]), *zip(call.roots, root_values),
                *((r, WriteOnly(s)) for r, s in zip(self.written_only, self._written_only_shapes))]
        function = self.function
        log = AttributeLog.around((function._fn,), call.objects)
        with Tracking(bind, "strict") as tracking, log:
            try:
                args, kwargs = call.rebuild(flat[n_state + self.n_roots:])
                result = function._traced(*args, **kwargs)
                rebound = {}
                promoted = apply_attribute_writes(log, function.__name__, rebound)
                allowed = {id(r) for r in self.written} | {
                    id(call.roots[i]) for i in self.arg_written}
                for root in tracking.written.values():
                    if id(root) not in allowed:
                        raise Rediscover(root, "write")
                writes = [tracking.value_of(r) for r in self.written]
                writes += [tracking.value_of(call.roots[i]) for i in self.arg_written]
                self.outputs, out_values = flatten_output(result, call.roots, tracking, rebound)
                self.promotions = tuple((obj, name) for obj, name, _ in promoted)
                self.check = program_checks(log, function._fn)
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
            results = self.compiled(*map(root_value, self.inputs), *map(root_value, roots), *dynamic)
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
            for (obj, name), value in zip(self.promotions, results[len(results) -
                                                                   len(self.promotions):]):
                setattr(obj, name, wrap(value))
        if call is not None and call.hosts:
            for k, array in call.hosts:
                if k in self.arg_written:
                    np.copyto(array, np.asarray(root_value(roots[k])), casting="unsafe")
        if self.outputs is NOTHING:
            return None
        return unflatten(self.outputs, results[n:], roots)

    def reason(self):
        """See :meth:`_Checks.reason`."""
        return None if self.check() else self.check.reason()


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
    if entry.promotions:
        return None
    names = {"JaxArray": JaxArray, "MISS": MISS, "compiled": entry.compiled, "wrap": wrap,
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

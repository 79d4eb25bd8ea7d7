"""The compiled program of one build and the Python code that calls it."""
from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING

from ._values import CONSTANTS

if TYPE_CHECKING:
    from ._build import Build, Flat

__all__ = ["Plan", "numba_error"]


class Plan:
    """The compiled program of one build and the Python code that calls it."""

    def __init__(self, build: "Build", top: "Flat"):
        self.build = build
        self.top = top
        self.name = top.func.__qualname__
        self.state = list(dict.fromkeys(top.state))
        self.written = list(dict.fromkeys(top.written))
        parts = [flat.digest for flat in build.flats.values()]
        parts += [repr(sorted(build.options.items()))]
        parts += [f"{e}={v!r}:{type(v).__name__}" for e, v in build.checks.items()
                  if isinstance(v, CONSTANTS + (tuple,))]
        self.fingerprint = hashlib.sha1("|".join(parts).encode()).hexdigest()
        self.dispatchers = None

    def compile(self) -> None:
        self.top.compile(self.build.options)
        self.dispatchers = [self.top.dispatcher] + [
            f.dispatcher for f in self.build.flats.values() if f is not self.top]

    def caller(self, slow, failed):
        """Straight-line Python for one call: checks, reads, the Numba call, writes."""
        build = self.build
        env = dict(build.roots)
        env.update(DISPATCHER=self.dispatchers[0], SLOW=slow, FAILED=failed,
                   NumbaError=numba_error())
        conditions = []
        for i, (expr, value) in enumerate(build.checks.items()):
            env[f"K{i}"] = value
            conditions.append(f"{expr} is not K{i}")
        for i, (expr, cls) in enumerate(build.type_checks.items()):
            if expr == "o":
                continue                       # the bound object itself
            env[f"T{i}"] = cls
            conditions.append(f"type({expr}) is not T{i}")
        lines = ["def call(*args, **kwargs):"]
        if conditions:
            lines.append(f"    if {' or '.join(conditions)}:")
            lines.append("        return SLOW(*args, **kwargs)")
        state = "".join(f"{e}, " for e in self.state)
        # Numba's dispatcher takes keywords through a slower Python path: only when given.
        lines += ["    try:",
                  "        if kwargs:",
                  f"            r = DISPATCHER({state}*args, **kwargs)",
                  "        else:",
                  f"            r = DISPATCHER({state}*args)",
                  "    except NumbaError as error:",
                  "        return FAILED(error, args, kwargs)"]
        for i, expr in enumerate(self.written, 1):
            lines.append(f"    {expr} = r[{i}]")
        lines.append("    return r[0]" if self.written else "    return r")
        exec("\n".join(lines), env)            # built from identifiers and attribute names
        return env["call"]


@functools.cache
def numba_error():
    from numba.core.errors import NumbaError
    return NumbaError

"""One registry entry: how a NumPy callable is implemented on the JAX backend.

An :class:`Entry` has a *status* -- :data:`NATIVE` (runs on JAX, or is a host
operation by nature such as file I/O), :data:`FALLBACK` (runs NumPy on host
copies and warns) or :data:`MISSING` -- a *convention* naming how it is
called, and ``call(entry, args, kwargs)``, the caller of that convention.
"""
from __future__ import annotations

import inspect

__all__ = ["Entry", "NATIVE", "FALLBACK", "MISSING"]

NATIVE, FALLBACK, MISSING = "native", "fallback", "missing"


class Entry:
    """How one NumPy callable is implemented on the JAX backend."""

    __slots__ = ("name", "numpy_func", "impl", "status", "reason", "convention", "call",
                 "_params", "_impl_params")

    def __init__(self, name, numpy_func, impl, status, reason, convention, call):
        self.name = name
        self.numpy_func = numpy_func
        self.impl = impl
        self.status = status
        self.reason = reason
        self.convention = convention
        self.call = call        # call(entry, args, kwargs): the convention's caller
        self._params = None
        self._impl_params = False

    def __repr__(self) -> str:
        reason = f" - {self.reason}" if self.reason else ""
        return f"<Entry {self.name}: {self.status} ({self.convention}){reason}>"

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[1]

    def params(self):
        """(positional parameter names, name of ``*args`` or None), from NumPy's signature."""
        if self._params is None:
            try:
                sig = inspect.signature(self.numpy_func)
            except (TypeError, ValueError):
                self._params = ((), None)
            else:
                positional = tuple(p.name for p in sig.parameters.values()
                                   if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
                star = next((p.name for p in sig.parameters.values()
                             if p.kind == p.VAR_POSITIONAL), None)
                self._params = (positional, star)
        return self._params

    def impl_params(self):
        """Keyword names the implementation accepts, or None if it takes ``**kwargs``."""
        if self._impl_params is False:
            try:
                parameters = inspect.signature(self.impl).parameters.values()
            except (TypeError, ValueError):
                self._impl_params = None
            else:
                self._impl_params = None if any(p.kind == p.VAR_KEYWORD for p in parameters) \
                    else frozenset(p.name for p in parameters)
        return self._impl_params

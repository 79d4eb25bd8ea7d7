"""Library-wide settings: ``shim.config``.

Settings are plain attributes validated on assignment; ``config.override(...)``
changes some for the duration of a ``with`` block.

A leaf module: it imports nothing from shim.
"""
from __future__ import annotations

import contextlib
from typing import Iterator

import jax

__all__ = ["config", "Config"]

_FALLBACK_MODES = ("warn", "error", "silent")
_JIT_FALLBACK_MODES = ("error", "eager")


class Config:
    """Settings of the shim library.

    Attributes
    ----------
    fallback : {"warn", "error", "silent"}
        What happens when a NumPy function with no JAX implementation is called
        on JaxArrays: ``"warn"`` (default) runs NumPy on host copies and emits a
        :class:`~shim.FallbackWarning` once per function; ``"error"`` raises
        :class:`~shim.FallbackError` (a ``TypeError``); ``"silent"`` runs NumPy without a warning.
    jit_fallback : {"error", "eager"}
        What ``shim.jit`` on the JAX backend does with Python control flow it
        cannot compile (a variable assigned in one branch of an ``if`` over an
        array only, a shape that changes between loop iterations, a
        data-dependent shape): ``"error"`` (default) raises
        :class:`~shim.ControlFlowError` naming the file, line and variable;
        ``"eager"`` runs the function eagerly on JaxArrays instead, with a
        :class:`~shim.FallbackWarning` naming the line. ``shim.jit(f,
        fallback="eager")`` chooses this per function.
    x64 : bool
        ``True`` (default): 64-bit types exist and the default dtypes are
        NumPy's (float64, int64). ``False``: every 64-bit type becomes its
        32-bit counterpart, which is faster on accelerators; results then differ
        from NumPy in precision. This is JAX's ``jax_enable_x64`` flag, so it
        also applies to plain JAX code in the same process.
    """

    __slots__ = ("_fallback", "_jit_fallback")

    def __init__(self) -> None:
        self._fallback = "warn"
        self._jit_fallback = "error"

    @property
    def fallback(self) -> str:
        return self._fallback

    @fallback.setter
    def fallback(self, mode: str) -> None:
        if mode not in _FALLBACK_MODES:
            raise ValueError(
                f"shim.config.fallback: got {mode!r}; allowed: {', '.join(map(repr, _FALLBACK_MODES))}")
        self._fallback = mode

    @property
    def jit_fallback(self) -> str:
        return self._jit_fallback

    @jit_fallback.setter
    def jit_fallback(self, mode: str) -> None:
        if mode not in _JIT_FALLBACK_MODES:
            raise ValueError(f"shim.config.jit_fallback: got {mode!r}; allowed: "
                             f"{', '.join(map(repr, _JIT_FALLBACK_MODES))}")
        self._jit_fallback = mode

    @property
    def x64(self) -> bool:
        return bool(jax.config.jax_enable_x64)

    @x64.setter
    def x64(self, enabled: bool) -> None:
        if not isinstance(enabled, bool):
            raise TypeError(f"shim.config.x64: got {enabled!r}; allowed: True or False")
        jax.config.update("jax_enable_x64", enabled)

    @contextlib.contextmanager
    def override(self, **settings) -> Iterator["Config"]:
        """Change settings inside a ``with`` block and restore them after it.

        >>> with shim.config.override(fallback="error"):
        ...     pass
        """
        unknown = sorted(set(settings) - {"fallback", "jit_fallback", "x64"})
        if unknown:
            raise TypeError(f"shim.config.override: unknown setting(s) {unknown}; allowed: "
                            "'fallback', 'jit_fallback', 'x64'")
        saved = {name: getattr(self, name) for name in settings}
        try:
            for name, value in settings.items():
                setattr(self, name, value)
            yield self
        finally:
            for name, value in saved.items():
                setattr(self, name, value)

    def __repr__(self) -> str:
        return (f"shim.config(fallback={self.fallback!r}, jit_fallback={self.jit_fallback!r}, "
                f"x64={self.x64!r})")


config = Config()
jax.config.update("jax_enable_x64", True)

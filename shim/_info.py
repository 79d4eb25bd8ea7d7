"""``shim.show_config()``: what shim runs on and how it is set."""
from __future__ import annotations

import importlib.metadata
import platform
import sys

import jax

from ._about import __version__
from ._backend import get_backend_name
from ._config import config

__all__ = ["show_config"]


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def show_config(file=None) -> None:
    """Print shim's version, its dependencies' versions, JAX's devices and shim's settings.

    Parameters
    ----------
    file : a text stream, optional
        Where to print (default ``sys.stdout``).

    Like ``numpy.show_runtime()``; include its output when reporting a problem.
    """
    lines = [
        f"shim {__version__} (Python {platform.python_version()}, {platform.platform()})",
        *(f"  {name:<10} {_version(name)}" for name in ("numpy", "jax", "jaxlib", "numba", "llvmlite")),
        f"  devices    {', '.join(str(d) for d in jax.devices())}",
        f"  backend    {get_backend_name()!r}  (SHIM_BACKEND; shim.use_backend)",
        f"  x64        {config.x64}  (SHIM_X64; shim.config.x64; JAX's own flag: "
        f"{bool(jax.config.jax_enable_x64)})",
        f"  fallback   {config.fallback!r}  (SHIM_FALLBACK; shim.config.fallback)",
        f"  cache dir  {config.compilation_cache_dir}  (SHIM_COMPILATION_CACHE)",
    ]
    print("\n".join(lines), file=file or sys.stdout)

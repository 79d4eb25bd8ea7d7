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


def show_config(mode: str = "stdout", file=None) -> dict | None:
    """Print shim's version, its dependencies' versions, JAX's devices and shim's settings.

    Parameters
    ----------
    mode : {"stdout", "dicts"}
        As ``numpy.show_config``'s: ``"stdout"`` (default) prints the report;
        ``"dicts"`` returns it as a dict instead.
    file : a text stream, optional
        Where to print (default ``sys.stdout``).

    Returns
    -------
    dict or None
        The report, for ``mode="dicts"``.

    Like ``numpy.show_runtime()``; include its output when reporting a problem.
    It replaces NumPy's ``show_config`` on ``import shim as np``: NumPy's build
    configuration is ``numpy.show_config()``.
    """
    if mode not in ("stdout", "dicts"):
        raise ValueError(f"show_config: mode must be 'stdout' or 'dicts', got {mode!r}")
    report = {
        "shim": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {name: _version(name) for name in ("numpy", "jax", "jaxlib", "numba", "llvmlite")},
        "devices": [str(d) for d in jax.devices()],
        "backend": get_backend_name(),
        "x64": config.x64,
        "jax_enable_x64": bool(jax.config.jax_enable_x64),
        "fallback": config.fallback,
        "compilation_cache_dir": config.compilation_cache_dir,
    }
    if mode == "dicts":
        return report
    lines = [
        f"shim {report['shim']} (Python {report['python']}, {report['platform']})",
        *(f"  {name:<10} {version}" for name, version in report["versions"].items()),
        f"  devices    {', '.join(report['devices'])}",
        f"  backend    {report['backend']!r}  (SHIM_BACKEND; shim.use_backend)",
        f"  x64        {report['x64']}  (SHIM_X64; shim.config.x64; JAX's own flag: "
        f"{report['jax_enable_x64']})",
        f"  fallback   {report['fallback']!r}  (SHIM_FALLBACK; shim.config.fallback)",
        f"  cache dir  {report['compilation_cache_dir']}  (SHIM_COMPILATION_CACHE)",
    ]
    print("\n".join(lines), file=file or sys.stdout)
    return None

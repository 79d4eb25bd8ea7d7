"""Errors of the numpy backend's jit: what Numba (or shim) cannot compile, and where.

:func:`explain` turns Numba's own error into a :class:`~shim.NumbaCompileError`
naming the function and the user's source line, with Numba's reason as data;
:func:`refusal` is shim's own refusal of a construct it cannot flatten.
"""
from __future__ import annotations

import linecache
import os
import re

from .._errors import NumbaCompileError

__all__ = ["explain", "refusal", "first_line", "COMPAT_TABLE"]

COMPAT_TABLE = "docs/compat_table.md"


def refusal(construct, func, line, advice) -> NumbaCompileError:
    where = f"{func.__code__.co_filename}, line {line}" if line else func.__code__.co_filename
    return NumbaCompileError(f"shim.jit (numpy backend) cannot compile {construct} in "
                             f"{func.__qualname__} ({where}): {advice}. See {COMPAT_TABLE} for "
                             "what each backend compiles; shim.jit(..., fallback=True) runs such "
                             "code as Python.", reason=f"shim refuses {construct}",
                             function=func.__qualname__)


_LOCATION = re.compile(r'File "([^"]+)", line (\d+)')
#: How Numba says that it lacks a NumPy function (its errors carry no such data).
_UNSUPPORTED_FUNCTION = re.compile(r"Use of unsupported NumPy function|Unknown attribute "
                                   r"'[^']+' of type [Mm]odule[( ]")


def first_line(error) -> str:
    """The line of a Numba error that says what failed (no colours, no addresses)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
    text = re.sub(r"Function\(<(?:function|ufunc) '?([\w.]+)'?(?: at 0x[0-9a-f]+)?>\)", r"\1", text)
    text = re.sub(r"Module\(<module '([\w.]+)'[^>]*>\)", r"module \1", text)
    for line in text.splitlines():
        line = line.strip().rstrip(":")
        if line and not line.startswith(("Failed in ", "- Resolution", "During:")):
            return line
    return text.strip()


def explain(error, fn) -> NumbaCompileError:
    """A Numba error as a NumbaCompileError naming the construct, the function and the line."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
    func = getattr(fn, "__func__", fn)
    locations = _LOCATION.findall(text)
    where = func.__code__.co_filename
    if locations:
        filename, line = locations[-1]
        if os.path.abspath(filename) == os.path.abspath(where):
            filename = where         # Numba prints paths relative to the working directory
        code = linecache.getline(filename, int(line)).strip()
        where = f"{filename}, line {line}: {code}" if code else f"{filename}, line {line}"
    qualname = func.__qualname__
    match = re.search(r"in function '([^']+)'", text)
    inner = match.group(1).split("__shim_")[0] if match else None
    if inner and inner != func.__name__:
        qualname = f"{qualname} (in {inner})"
    reason = first_line(error).rstrip(".")
    return NumbaCompileError(f"shim.jit (numpy backend): Numba cannot compile {qualname} "
                             f"({where}): {reason}. See {COMPAT_TABLE} for what each backend "
                             "compiles; shim.jit(..., fallback=True) runs such code as Python.",
                             reason=reason, function=func.__qualname__,
                             unsupported_function=bool(_UNSUPPORTED_FUNCTION.search(text)))

"""Flattening a callable and everything it calls into Numba-compilable functions.

A :class:`Build` starts at the compiled callable and flattens each function
it reaches (:class:`Flat`, rewritten by :class:`~._rewrite.Rewriter`) until
the state it reads and writes, the constants it depends on and the calls it
makes are known; its :meth:`Build.plan` is the :class:`~._plan.Plan` that
compiles and calls them.
"""
from __future__ import annotations

import ast
import hashlib
import inspect
import itertools
import re
import textwrap
import types

from ._explain import refusal
from ._plan import Plan
from ._random import apply_pending_seed
from ._rewrite import ReturnWriter, Rewriter

__all__ = ["Build", "Flat"]


class Build:
    """Flatten a callable and everything it calls into Numba-compilable functions.

    State is keyed by a Python expression that reads it from the roots the
    generated caller holds: ``o`` (the bound object), ``G0['x']`` (a module's
    globals), ``C0.cell_contents`` (a closure cell).
    """

    def __init__(self, fn, options):
        self.fn = fn
        self.options = options
        self.roots: dict = {}                  # root name -> the object it names
        self.root_of: dict = {}                # id(dict or cell) -> root name
        self.state: dict = {}                  # expr -> flat name (parameters)
        self.assigned: set = set()             # exprs assigned somewhere (known numbers state)
        self.checks: dict = {}                 # expr -> value that must still be there (is)
        self.type_checks: dict = {}            # expr -> type of the object there
        self.flats: dict = {}                  # (function, self expr) -> Flat
        self.names = itertools.count()

    def plan(self) -> "Plan":
        fn = self.fn
        if isinstance(fn, types.MethodType):
            self.roots["o"] = fn.__self__
            func, self_expr = fn.__func__, "o"
        else:
            func, self_expr = fn, None
        for _ in range(4):                     # assignments found late reclassify numbers
            known = set(self.assigned)
            self.state, self.checks, self.type_checks, self.flats = {}, {}, {}, {}
            self.names = itertools.count()
            top = self.flatten(func, self_expr)
            if self.assigned <= known:
                break
        return Plan(self, top)

    def flatten(self, func, self_expr) -> "Flat":
        key = (func, self_expr)
        flat = self.flats.get(key)
        if flat is None:
            flat = self.flats[key] = Flat(self, func, self_expr, top=not self.flats)
            flat.make()
        elif flat.source is None:
            raise refusal("a recursive method or function call", func, None,
                         "Numba compiles recursion only between plain functions")
        return flat

    def flat_name(self, expr) -> str:
        name = self.state.get(expr)
        if name is None:
            readable = re.sub(r"\W+", "_", expr.replace(".cell_contents", "")).strip("_")
            name = self.state[expr] = f"_shim{next(self.names)}_{readable}"[:60]
        return name

    def root(self, container, key: str) -> str:
        """The expression reading ``key`` from a globals dict or a closure cell."""
        if isinstance(container, dict):
            name = self.root_of.get(id(container))
            if name is None:
                name = self.root_of[id(container)] = f"G{len(self.root_of)}"
                self.roots[name] = container
            return f"{name}[{key!r}]"
        name = self.root_of.get(id(container))
        if name is None:
            name = self.root_of[id(container)] = f"C{len(self.root_of)}"
            self.roots[name] = container
        return f"{name}.cell_contents"


class Flat:
    """One function flattened: its source, its state parameters, what it writes."""

    def __init__(self, build: Build, func, self_expr, top=False):
        self.build = build
        self.func = func
        self.self_expr = self_expr
        self.top = top                         # called from Python, not from Numba code
        self.source = None
        self.globals: dict = {}
        self.state: list = []                  # exprs of state parameters, in order
        self.written: list = []                # exprs returned after the result
        self.dispatcher = None

    @property
    def name(self) -> str:
        return self.func.__qualname__

    def make(self) -> None:
        func = self.func
        try:
            source = textwrap.dedent(inspect.getsource(func))
        except (OSError, TypeError):
            raise refusal("a function without source code", func, None,
                         "shim.jit rewrites methods from their source; define it in a file") from None
        tree = ast.parse(source)
        fdef = tree.body[0]
        if not isinstance(fdef, (ast.FunctionDef, ast.AsyncFunctionDef)):
            raise refusal("a lambda", func, func.__code__.co_firstlineno,
                         "define the function with def")
        ast.increment_lineno(tree, func.__code__.co_firstlineno - 1)
        fdef.decorator_list = []
        params = fdef.args
        self_name = None
        if self.self_expr is not None:
            first = (params.posonlyargs + params.args)[0]
            self_name = first.arg
            if params.posonlyargs:
                params.posonlyargs = params.posonlyargs[1:]
            else:
                params.args = params.args[1:]
        rewriter = Rewriter(self, self_name, _local_names(fdef))
        fdef.body = rewriter.visit_body(fdef.body)
        state = list(dict.fromkeys(rewriter.state))
        written = list(dict.fromkeys(rewriter.written))
        raises = [n for n in ast.walk(fdef) if type(n) is ast.Raise]
        if written and raises:
            # Arrays are written in place as the code runs, number attributes only when it
            # returns: a raise would leave the first written and the second not.
            raise refusal("a raise in a method that assigns number attributes", func,
                          raises[0].lineno, "the arrays it writes would change but the "
                          "numbers would not, which no Python run does; make the numbers "
                          "0-d arrays (self.t = np.zeros(())), or check before compiling")
        if written:
            ReturnWriter([self.build.flat_name(e) for e in written]).rewrite(fdef)
        if self.top:
            # State the body assigns before any use (self.spike = v > th) is not passed in:
            # unboxing an array argument costs Numba about 0.3 us per call.
            state = [e for e in state if e not in written
                     or not _assigned_first(fdef.body, self.build.flat_name(e))]
        self.state, self.written = state, written
        flat_state = [self.build.flat_name(e) for e in state]
        params.posonlyargs = []
        params.args = [ast.arg(arg=n) for n in flat_state] + [
            a for a in (fdef.args.args) if a.arg not in flat_state]
        digest = hashlib.sha1(ast.dump(fdef).encode()).hexdigest()[:12]
        fdef.name = f"{func.__name__}__shim_{digest}"
        self.source = fdef
        self.globals = {"__builtins__": __builtins__, "__name__": func.__module__,
                        **rewriter.globals}
        self.digest = digest

    def compile(self, options) -> None:
        import numba
        apply_pending_seed()
        for value in self.globals.values():
            if isinstance(value, Flat) and value.dispatcher is None:
                value.compile(options)
        module = ast.Module(body=[self.source], type_ignores=[])
        ast.fix_missing_locations(module)
        namespace = dict(self.globals)
        for name, value in list(namespace.items()):
            if isinstance(value, Flat):
                namespace[name] = value.dispatcher
        exec(compile(module, self.func.__code__.co_filename, "exec"), namespace)
        py_func = namespace[self.source.name]
        py_func.__qualname__ = f"{self.func.__qualname__}__shim_{self.digest}"
        py_func.__module__ = self.func.__module__
        self.dispatcher = numba.njit(**options)(py_func)


def _mentions(node, name) -> bool:
    return any(type(n) is ast.Name and n.id == name for n in ast.walk(node))


def _assigned_first(body, name) -> bool:
    """Whether the first statement of ``body`` that mentions ``name`` is ``name = ...``
    (at the top level, one target, a value that does not read ``name``)."""
    for statement in body:
        if _mentions(statement, name):
            return (type(statement) is ast.Assign and len(statement.targets) == 1
                    and type(statement.targets[0]) is ast.Name
                    and statement.targets[0].id == name
                    and not _mentions(statement.value, name))
    return False


def _local_names(fdef) -> set:
    names = {a.arg for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs}
    for extra in (fdef.args.vararg, fdef.args.kwarg):
        if extra is not None:
            names.add(extra.arg)
    for node in ast.walk(fdef):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node is not fdef:
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names

"""``shim.jit`` on the numpy backend: functions, methods and objects compiled by Numba.

Numba compiles functions of arrays and numbers, not objects. A method is
therefore *flattened* before Numba sees it: its source is parsed with
:mod:`ast` and every chain ``self.a.b`` that ends at a NumPy array or a number
becomes a parameter with a flat name (``_shim_self_a_b``):

- arrays are passed in and mutated in place by Numba; an array attribute that
  is rebound (``self.spike = self.v > 1``) is returned and set on the object
  after the call;
- numbers the code assigns (``self.t += dt``) are passed in, returned and set;
- other plain values the code reads (``self.tau``, strings, tuples) are
  compile-time constants; each call checks them by identity, and a change
  compiles again (never a stale result);
- calls of methods of sub-objects (``self.group.step(x)``) and of plain Python
  helper functions are flattened the same way and compiled as Numba functions
  that the caller calls with its flat names.

Module globals and closure variables get the same treatment: arrays become
parameters (Numba would freeze them), numbers are checked constants, objects
are roots of chains. Names of the ``shim`` namespace are replaced by NumPy's,
which Numba knows (``shim.random.normal`` is ``numpy.random.normal``: it draws
from Numba's generator, which ``shim.random.seed`` seeds).

Each call runs a small generated Python function (:meth:`_Plan.caller`): the
identity checks, the attribute reads, the call of the Numba dispatcher, and
the writes of returned numbers. Whatever Numba cannot compile raises
:class:`NumbaCompileError` naming the construct, the function and the line.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import itertools
import linecache
import logging
import os
import re
import sys
import textwrap
import time
import types
import warnings
import weakref

import numpy as np

from ._config import FallbackWarning
from ._state import is_user_object

__all__ = ["jit", "NumbaFunction", "NumbaCompileError"]

_LOG = logging.getLogger("shim")
COMPAT_TABLE = "docs/compat_table.md"
_NUMBERS = (bool, int, float, complex, np.bool_, np.number)
_CONSTANTS = _NUMBERS + (str, bytes, type(None), np.dtype, type)
_NUMBA_OPTIONS = frozenset({"parallel", "fastmath", "cache", "boundscheck", "error_model",
                            "nogil", "inline"})


class NumbaCompileError(TypeError):
    """Numba cannot compile the code given to ``shim.jit`` on the numpy backend.

    The message names the construct, the function and the line, and points to
    the comparison table of what each backend compiles; ``reason`` is the
    construct alone (Numba's own first line, for Numba's errors).
    """

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message


def jit(fn=None, *, static_argnums=(), static_argnames=(), donate=False, fallback=False,
        **numba_options):
    """Compile ``fn`` -- a function, a bound method or a callable object -- with Numba.

    ``shim.jit`` calls this on the numpy backend (the backend is read when
    ``shim.jit`` is applied, not at each call).

    Parameters
    ----------
    fn : callable
        NumPy-style Python code on NumPy arrays. Arrays reached through
        ``self`` (nested objects included), closures and globals are passed to
        the compiled code, which writes them in place.
    static_argnums, static_argnames, donate
        Accepted so that code written for the JAX backend runs unchanged; they
        change nothing here (Numba specialises on argument types and writes
        arrays in place anyway).
    fallback : bool
        ``False`` (default): code Numba cannot compile raises
        :class:`NumbaCompileError`. ``True``: it runs as plain Python instead,
        with a :class:`~shim.FallbackWarning` (once).
    **numba_options
        Passed to ``numba.njit``: ``parallel``, ``fastmath``, ``cache``
        (Numba's on-disk cache: a second process loads the machine code
        instead of compiling), ``boundscheck``, ``error_model``, ``nogil``.

    Returns
    -------
    NumbaFunction
        Call it like ``fn``. ``compile_time`` gives the seconds spent compiling.

    Notes
    -----
    The one surprise: plain attributes that the code reads but never assigns
    (``self.tau``) are constants of the machine code. Changing one is seen at
    the next call and compiles again (a second or so), so values that change
    often belong in arguments or arrays.
    """
    if fn is None:
        return functools.partial(jit, static_argnums=static_argnums,
                                 static_argnames=static_argnames, donate=donate,
                                 fallback=fallback, **numba_options)
    check_options(numba_options)
    return NumbaFunction(fn, fallback=fallback, **numba_options)


def check_options(options) -> None:
    """Refuse option names ``numba.njit`` does not take (both backends check them)."""
    unknown = set(options) - _NUMBA_OPTIONS - {"fallback"}
    if unknown:
        raise TypeError(f"shim.jit: unknown option(s) {', '.join(sorted(unknown))}; allowed: "
                        "static_argnums, static_argnames, donate, and for the numpy backend "
                        f"(Numba) fallback, {', '.join(sorted(_NUMBA_OPTIONS))}")


class NumbaFunction:
    """A callable compiled by Numba, made by :func:`shim.jit` on the numpy backend.

    Attributes
    ----------
    compile_time : float
        Seconds spent preparing and compiling so far (each first call of a
        compiled variant: flattening, Numba's compilation or cache load).
    compilations : int
        How many variants were compiled (1 plus one per change of a constant).
    """

    _shim_opaque = True                        # its caches are not state of the code it runs

    def __init__(self, fn, *, fallback=False, **options):
        if isinstance(fn, NumbaFunction):
            fn = fn._fn
        if not callable(fn):
            raise TypeError(f"shim.jit: expected a function, method or callable object, "
                            f"got {type(fn).__name__}")
        if is_user_object(fn) and not isinstance(fn, types.MethodType):
            fn = fn.__call__                   # a callable object: compile its __call__
        if not isinstance(fn, (types.FunctionType, types.MethodType)) or (
                isinstance(fn, types.MethodType) and not isinstance(fn.__func__, types.FunctionType)):
            raise TypeError(f"shim.jit (numpy backend): cannot compile {fn!r}: expected a Python "
                            "function, a bound method or an object with a __call__ method")
        self._fn = fn
        self._options = options
        self._fallback = bool(fallback)
        self._plan = None
        self._dispatchers: dict = {}           # fingerprint -> (dispatcher, sub-dispatchers)
        self._bound: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.compile_time = 0.0
        self.compilations = 0
        self._call = self._first
        functools.update_wrapper(self, fn)

    def __get__(self, obj, cls=None):
        """``@shim.jit`` on a method: ``obj.method`` is compiled per object."""
        if obj is None:
            return self
        try:
            return self._bound[obj]
        except (KeyError, TypeError):
            pass
        bound = NumbaFunction(types.MethodType(self._fn, obj), fallback=self._fallback,
                              **self._options)
        try:
            self._bound[obj] = bound
        except TypeError:                      # not weakly referenceable or unhashable
            pass
        return bound

    def __repr__(self) -> str:
        return f"<shim.jit (Numba) of {getattr(self._fn, '__qualname__', self._fn)!r}>"

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    @property
    def cache_hits(self) -> int:
        """How many compiled signatures were loaded from Numba's on-disk cache."""
        plan = self._plan
        if plan is None:
            return 0
        return sum(sum(d.stats.cache_hits.values()) for d in plan.dispatchers)

    # --- compiling -------------------------------------------------------------------

    def _first(self, *args, **kwargs):
        """The slow path: (re)build the plan if a constant changed, then call."""
        start = time.perf_counter()
        plan = _Build(self._fn, self._options).plan()
        cached = self._dispatchers.get(plan.fingerprint)
        fresh = cached is None
        if fresh:
            plan.compile()
            self._dispatchers[plan.fingerprint] = plan.dispatchers
            self.compilations += 1
        else:
            plan.dispatchers = cached
        self._plan = plan
        self._set_call(plan.caller(self._first, self._failed))
        result = self._call(*args, **kwargs)
        if fresh:
            elapsed = time.perf_counter() - start
            self.compile_time += elapsed
            _LOG.info("shim.jit: compiled %s with Numba in %.3f s%s", plan.name, elapsed,
                      " (on-disk cache)" if self.cache_hits else "")
        return result

    def _failed(self, error, args, kwargs):
        """A Numba compile error: explain it, or run Python if the user asked for that."""
        if not self._fallback:
            raise _explain(error, self._fn) from None
        warnings.warn(f"shim.jit: Numba cannot compile {self._fn.__qualname__}; it runs as "
                      f"Python (fallback=True). {_first_line(error)}", FallbackWarning,
                      stacklevel=3)
        self._set_call(self._fn)
        return self._fn(*args, **kwargs)

    def _set_call(self, call) -> None:
        """Make ``call`` this object's ``__call__``, with no Python frame in between.

        Calling an instance looks ``__call__`` up on its type, so each compiled
        variant gets a one-off subclass whose ``__call__`` is the generated
        function itself (a staticmethod): that saves ~0.3 µs per call.
        """
        self._call = call
        self.__class__ = type("NumbaFunction", (NumbaFunction,),
                              {"__call__": staticmethod(call), "__module__": __name__})


# --- flattening --------------------------------------------------------------------------

class _Build:
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
        self.flats: dict = {}                  # (function, self expr) -> _Flat
        self.names = itertools.count()

    def plan(self) -> "_Plan":
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
        return _Plan(self, top)

    def flatten(self, func, self_expr) -> "_Flat":
        key = (func, self_expr)
        flat = self.flats.get(key)
        if flat is None:
            flat = self.flats[key] = _Flat(self, func, self_expr, top=not self.flats)
            flat.make()
        elif flat.source is None:
            raise _error("a recursive method or function call", func, None,
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


class _Flat:
    """One function flattened: its source, its state parameters, what it writes."""

    def __init__(self, build: _Build, func, self_expr, top=False):
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
            raise _error("a function without source code", func, None,
                         "shim.jit rewrites methods from their source; define it in a file") from None
        tree = ast.parse(source)
        fdef = tree.body[0]
        if not isinstance(fdef, (ast.FunctionDef, ast.AsyncFunctionDef)):
            raise _error("a lambda", func, func.__code__.co_firstlineno,
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
        rewriter = _Rewriter(self, self_name, _local_names(fdef))
        fdef.body = rewriter.visit_body(fdef.body)
        state = list(dict.fromkeys(rewriter.state))
        written = list(dict.fromkeys(rewriter.written))
        if written:
            _ReturnWriter([self.build.flat_name(e) for e in written]).rewrite(fdef)
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
        _apply_pending_seed()
        for value in self.globals.values():
            if isinstance(value, _Flat) and value.dispatcher is None:
                value.compile(options)
        module = ast.Module(body=[self.source], type_ignores=[])
        ast.fix_missing_locations(module)
        namespace = dict(self.globals)
        for name, value in list(namespace.items()):
            if isinstance(value, _Flat):
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


class _Rewriter(ast.NodeTransformer):
    """Replace chains through objects by flat names; collect state, constants and calls."""

    def __init__(self, flat: _Flat, self_name, local_names):
        self.flat = flat
        self.build = flat.build
        self.func = flat.func
        self.self_name = self_name
        self.locals = local_names
        self.state: list = []
        self.written: list = []
        self.globals: dict = {}
        self.calls = itertools.count()
        self._in_place = False
        self._hoisted: list = []               # statements to run before the current one
        self._conditional = 0                  # inside and/or, x if c else y, comprehensions

    def visit_body(self, statements) -> list:
        body = []
        for statement in statements:
            result = self.visit(statement)
            body.extend(result if isinstance(result, list) else [result])
        return body

    def visit(self, node):
        if not isinstance(node, ast.stmt):
            return super().visit(node)
        outer, self._hoisted = self._hoisted, []
        try:
            result = super().visit(node)
            return [*self._hoisted, result] if self._hoisted else result
        finally:
            self._hoisted = outer

    def visit_While(self, node):
        node.test = self.visit(node.test)
        if self._hoisted:
            raise _error("a call of a method that assigns numbers, in a while condition",
                         self.func, node.lineno, "call it in the loop body")
        node.body = self.visit_body(node.body)
        node.orelse = self.visit_body(node.orelse)
        return node

    def _visit_conditional(self, node):
        self._conditional += 1
        try:
            return self.generic_visit(node)
        finally:
            self._conditional -= 1

    visit_BoolOp = visit_IfExp = visit_ListComp = visit_GeneratorExp = _visit_conditional
    visit_SetComp = visit_DictComp = visit_Lambda = _visit_conditional

    # --- resolving names and chains ------------------------------------------------------

    def _global(self, name):
        """(expr, value) of a free name: closure cell, module global or builtin; None if unknown."""
        code = self.func.__code__
        if name in code.co_freevars:
            cell = self.func.__closure__[code.co_freevars.index(name)]
            try:
                return self.build.root(cell, name), cell.cell_contents
            except ValueError:
                return None
        g = self.func.__globals__
        if name in g:
            return self.build.root(g, name), g[name]
        return None

    def _chain(self, node):
        """For ``a.b.c``: the base Name and the attribute names, or None."""
        attrs = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        return node, attrs[::-1]

    def _root(self, name):
        if name == self.self_name:
            return self.flat.self_expr, _resolve(self.build, self.flat.self_expr)
        if name in self.locals:
            return None
        found = self._global(name)
        if found is None or not _is_object(found[1]):
            return None
        return found

    def _walk(self, node):
        """Follow ``node``'s chain through objects: (expr, value, attributes left) or None."""
        chain = self._chain(node)
        if chain is None:
            return None
        base, attrs = chain
        root = self._root(base.id)
        if root is None:
            return None
        expr, value = root
        used = 0
        for attr in attrs:
            if not _is_object(value):
                break
            self.build.type_checks[expr] = type(value)
            try:
                value = getattr(value, attr)
            except AttributeError:
                raise _error(f"{_show(base.id, attrs[:used + 1])} (no such attribute)", self.func,
                             node.lineno, "attributes must exist before the first call") from None
            expr = f"{expr}.{attr}"
            used += 1
        return expr, value, attrs[used:], _show(base.id, attrs[:used])

    # --- visitors ----------------------------------------------------------------------------

    def visit_Attribute(self, node):
        found = self._walk(node)
        if found is None:
            return self.generic_visit(node)
        expr, value, rest, shown = found
        store = not rest and isinstance(node.ctx, ast.Store)
        replacement = self._value(expr, value, shown, node, store=store,
                                  in_place=store and self._in_place)
        for attr in rest:
            replacement = ast.Attribute(value=replacement, attr=attr, ctx=ast.Load())
        if rest:
            replacement.ctx = node.ctx
        return ast.copy_location(replacement, node)

    def visit_Name(self, node):
        if node.id in self.locals or node.id == self.self_name:
            if node.id == self.self_name and isinstance(node.ctx, ast.Load):
                raise _error(f"{node.id} used as a value", self.func, node.lineno,
                             "Numba code can use the object's attributes, not the object itself")
            return node
        found = self._global(node.id)
        if found is None:
            return node                        # a builtin (range, len...) or undefined
        expr, value = found
        if isinstance(node.ctx, ast.Store):
            raise _error(f"assignment to the global {node.id}", self.func, node.lineno,
                         "keep state in arrays or object attributes")
        return ast.copy_location(self._value(expr, value, node.id, node, store=False,
                                             name=node.id), node)

    def visit_AugAssign(self, node):
        self._mark_assigned(node.target)
        self._in_place = True                  # arr += x: Numba writes the array in place
        node.target = self.visit(node.target)
        self._in_place = False
        node.value = self.visit(node.value)
        return node

    def visit_Assign(self, node):
        for target in node.targets:
            self._mark_assigned(target)
        return self.generic_visit(node)

    def _mark_assigned(self, target):
        for t in ast.walk(target):
            if isinstance(t, ast.Attribute) and isinstance(t.ctx, ast.Store):
                found = self._walk(t)
                if found is not None and not found[2]:
                    self.build.assigned.add(found[0])

    def visit_Call(self, node):
        callee = None
        if isinstance(node.func, (ast.Attribute, ast.Name)):
            callee = self._callee(node.func)
        if callee is None:
            return self.generic_visit(node)
        function, self_expr = callee
        sub = self.build.flatten(function, self_expr)
        self.state.extend(sub.state)
        self.written.extend(sub.written)
        name = f"_shim_f_{len(self.globals)}"
        self.globals[name] = sub
        args = [ast.Name(id=self.build.flat_name(e), ctx=ast.Load()) for e in sub.state]
        args += [self.visit(a) for a in node.args]
        keywords = [self.visit(k) for k in node.keywords]
        call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args, keywords=keywords)
        if not sub.written:
            return ast.copy_location(call, node)
        if self._conditional:
            raise _error(f"a call of {sub.name}, which assigns attributes, inside and/or, "
                         "a conditional expression or a comprehension", self.func, node.lineno,
                         "call it in a statement of its own")
        # Before the statement: r = f(...); w1 = r[1]; ... and the call becomes r[0].
        result = f"_shim_r{next(self.calls)}_{len(self.globals)}"
        self._hoisted.append(ast.copy_location(ast.Assign(
            targets=[ast.Name(id=result, ctx=ast.Store())], value=call), node))
        for i, expr in enumerate(sub.written, 1):
            self._hoisted.append(ast.copy_location(ast.Assign(
                targets=[ast.Name(id=self.build.flat_name(expr), ctx=ast.Store())],
                value=_item(result, i)), node))
        return ast.copy_location(_item(result, 0), node)

    def _callee(self, func_node):
        """(Python function, self expr) for calls that are flattened, else None."""
        if isinstance(func_node, ast.Name):
            if func_node.id in self.locals:
                return None
            found = self._global(func_node.id)
            if found is None:
                return None
            expr, value = found
        else:
            found = self._walk(func_node)
            if found is None or found[2]:
                return None
            expr, value = found[0], found[1]
        if isinstance(value, NumbaFunction):
            value = value._fn
        if isinstance(value, types.MethodType) and _is_object(value.__self__) \
                and isinstance(value.__func__, types.FunctionType):
            self.build.type_checks[expr.rsplit(".", 1)[0]] = type(value.__self__)
            return value.__func__, expr.rsplit(".", 1)[0]
        if isinstance(value, types.FunctionType) and not _is_shim(value):
            self.build.checks[expr] = value
            return value, None
        return None

    # --- what a value becomes ------------------------------------------------------------

    def _value(self, expr, value, shown, node, store, name=None, in_place=False):
        """The node replacing a chain or free name that holds ``value``."""
        build = self.build
        if isinstance(value, np.ndarray):
            self.state.append(expr)
            if store and not in_place:
                self.written.append(expr)
            return ast.Name(id=build.flat_name(expr), ctx=node.ctx)
        if isinstance(value, _NUMBERS) and (store or expr in build.assigned):
            if name is not None:
                raise _error(f"assignment to the global {name}", self.func, node.lineno,
                             "keep state in arrays or object attributes")
            self.state.append(expr)
            if store:
                self.written.append(expr)
            return ast.Name(id=build.flat_name(expr), ctx=node.ctx)
        if store:
            raise _error(f"assignment to {shown} (a {type(value).__name__})", self.func,
                         node.lineno, "compiled code can assign arrays and numbers only")
        if _is_object(value):
            raise _error(f"{shown} used as a value (a {type(value).__name__} object)", self.func,
                         node.lineno, "Numba code can use an object's array and number "
                         "attributes and call its methods, not pass the object itself")
        translated = _for_numba(value)
        if translated is _REFUSED:
            raise _error(f"{shown} (a {type(value).__name__})", self.func, node.lineno,
                         "compiled code can reach NumPy arrays, numbers, strings, tuples of "
                         "them, objects holding them, and functions")
        if isinstance(translated, _CONSTANTS + (tuple,)):
            build.checks[expr] = value
        local = f"_shim_k{len(self.globals)}_{name or ''}" if name is None else name
        self.globals[local] = translated
        return ast.Name(id=local, ctx=ast.Load())


def _item(name, i):
    return ast.Subscript(value=ast.Name(id=name, ctx=ast.Load()), slice=ast.Constant(i),
                         ctx=ast.Load())


class _ReturnWriter(ast.NodeTransformer):
    """``return x`` becomes ``return (x, w1, w2...)`` in the function (not nested ones)."""

    def __init__(self, names):
        self.names = names

    def rewrite(self, fdef) -> None:
        fdef.body = [self.visit(s) for s in fdef.body]
        if not fdef.body or not isinstance(fdef.body[-1], ast.Return):
            fdef.body.append(ast.copy_location(self._tuple(None), fdef.body[-1]))

    def _tuple(self, value):
        elts = [value or ast.Constant(None)] + [ast.Name(id=n, ctx=ast.Load()) for n in self.names]
        return ast.Return(value=ast.Tuple(elts=elts, ctx=ast.Load()))

    def visit_Return(self, node):
        return ast.copy_location(self._tuple(node.value), node)

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef


def _resolve(build, expr):
    """The current value of a state expression, read from the build's roots."""
    return eval(expr, {}, build.roots)        # exprs are made of identifiers shim generated


def _show(base, attrs) -> str:
    return ".".join([base, *attrs])


# --- the shim namespace, as Numba sees it -------------------------------------------------

_REFUSED = object()


class _NumpyView(types.ModuleType):
    """``shim`` for Numba: every name is NumPy's object (``shim.random`` is ``numpy.random``)."""

    def __getattr__(self, name):
        import shim
        value = _for_numba(getattr(shim, name))
        if value is _REFUSED:
            raise AttributeError(name)
        return value


_NUMPY_VIEW = _NumpyView("shim")


def _is_object(value) -> bool:
    """Objects whose attributes compiled code reaches (not shim's or Numba's own objects)."""
    return is_user_object(value) and not _is_shim(value) \
        and not type(value).__module__.startswith("numba")


def _is_shim(value) -> bool:
    return (getattr(value, "__module__", None) or "").split(".")[0] == "shim"


def _for_numba(value):
    """What Numba is given for a constant: NumPy's object for shim's, else the value."""
    import shim
    if isinstance(value, types.ModuleType):
        if value is shim:
            return _NUMPY_VIEW
        return {"shim.random": np.random, "shim.linalg": np.linalg,
                "shim.fft": np.fft}.get(value.__name__, value)
    if isinstance(value, NumbaFunction):
        return _REFUSED                        # called ones are flattened in visit_Call
    if isinstance(value, shim.JaxArray):
        return _REFUSED
    if isinstance(value, (list, dict, set)):
        return _REFUSED
    if isinstance(value, tuple):
        return value if all(isinstance(v, _CONSTANTS + (tuple,)) for v in value) else _REFUSED
    if _is_shim(value) and hasattr(value, "__wrapped__"):
        return value.__wrapped__               # a namespace function or ufunc: NumPy's own
    return value


# --- the plan: generated call path -------------------------------------------------------

class _Plan:
    """The compiled program of one build and the Python code that calls it."""

    def __init__(self, build: _Build, top: _Flat):
        self.build = build
        self.top = top
        self.name = top.func.__qualname__
        self.state = list(dict.fromkeys(top.state))
        self.written = list(dict.fromkeys(top.written))
        parts = [flat.digest for flat in build.flats.values()]
        parts += [repr(sorted(build.options.items()))]
        parts += [f"{e}={v!r}:{type(v).__name__}" for e, v in build.checks.items()
                  if isinstance(v, _CONSTANTS + (tuple,))]
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
                   NumbaError=_numba_error())
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
def _numba_error():
    from numba.core.errors import NumbaError
    return NumbaError


# --- errors -------------------------------------------------------------------------------

def _error(construct, func, line, advice) -> NumbaCompileError:
    where = f"{func.__code__.co_filename}, line {line}" if line else func.__code__.co_filename
    return NumbaCompileError(f"shim.jit (numpy backend) cannot compile {construct} in "
                             f"{func.__qualname__} ({where}): {advice}. See {COMPAT_TABLE} for "
                             "what each backend compiles; shim.jit(..., fallback=True) runs such "
                             "code as Python.", f"shim refuses {construct}")


_LOCATION = re.compile(r'File "([^"]+)", line (\d+)')


def _first_line(error) -> str:
    """The line of a Numba error that says what failed (no colours, no addresses)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
    text = re.sub(r"Function\(<(?:function|ufunc) '?([\w.]+)'?(?: at 0x[0-9a-f]+)?>\)", r"\1", text)
    text = re.sub(r"Module\(<module '([\w.]+)'[^>]*>\)", r"module \1", text)
    for line in text.splitlines():
        line = line.strip().rstrip(":")
        if line and not line.startswith(("Failed in ", "- Resolution", "During:")):
            return line
    return text.strip()


def _explain(error, fn) -> NumbaCompileError:
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
    reason = _first_line(error).rstrip(".")
    return NumbaCompileError(f"shim.jit (numpy backend): Numba cannot compile {qualname} "
                             f"({where}): {reason}. See {COMPAT_TABLE} for what each backend "
                             "compiles; shim.jit(..., fallback=True) runs such code as Python.",
                             reason)


# --- the random stream ----------------------------------------------------------------------

_PENDING_SEED: list = []                       # NumPy's state at the last seed, not yet applied


def seed_compiled_generator() -> None:
    """Give Numba's generator the state of NumPy's global one (``shim.random.seed`` calls this).

    Applied at once if Numba is loaded, else when the first function compiles
    (Numba's generator is not used before).
    """
    _PENDING_SEED[:] = [np.random.get_state(legacy=True)]
    if "numba" in sys.modules:
        _apply_pending_seed()


def _apply_pending_seed() -> None:
    if not _PENDING_SEED:
        return
    from numba import _helperlib
    state = _PENDING_SEED.pop()
    _helperlib.rnd_set_state(_helperlib.rnd_get_np_state_ptr(),
                             (int(state[2]), state[1].tolist()))

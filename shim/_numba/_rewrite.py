"""The rewriting of one function's source for Numba: chains through objects become flat names.

:class:`Rewriter` walks a function's ``ast``: every chain ``self.a.b`` (or a
global, or a closure variable) that ends at a NumPy array or a number becomes
a parameter with a flat name, other plain values become checked constants,
and calls of methods and helper functions are flattened in turn (through the
:class:`~._build.Build`). :class:`ReturnWriter` makes the function return the
state it assigns after its own result.
"""
from __future__ import annotations

import ast
import itertools
import types
from typing import TYPE_CHECKING

import numpy as np

from ._explain import refusal
from ._values import COMPILED_CALLABLES, CONSTANTS, NUMBERS, REFUSED, for_numba, is_object, is_shim

if TYPE_CHECKING:
    from ._build import Flat

__all__ = ["Rewriter", "ReturnWriter", "resolve"]


class Rewriter(ast.NodeTransformer):
    """Replace chains through objects by flat names; collect state, constants and calls."""

    def __init__(self, flat: "Flat", self_name, local_names):
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
            raise refusal("a call of a method that assigns numbers, in a while condition",
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
            return self.flat.self_expr, resolve(self.build, self.flat.self_expr)
        if name in self.locals:
            return None
        found = self._global(name)
        if found is None or not is_object(found[1]):
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
            if not is_object(value):
                break
            self.build.type_checks[expr] = type(value)
            try:
                value = getattr(value, attr)
            except AttributeError:
                raise refusal(f"{_show(base.id, attrs[:used + 1])} (no such attribute)", self.func,
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
                raise refusal(f"{node.id} used as a value", self.func, node.lineno,
                             "Numba code can use the object's attributes, not the object itself")
            return node
        found = self._global(node.id)
        if found is None:
            return node                        # a builtin (range, len...) or undefined
        expr, value = found
        if isinstance(node.ctx, ast.Store):
            raise refusal(f"assignment to the global {node.id}", self.func, node.lineno,
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
            raise refusal(f"a call of {sub.name}, which assigns attributes, inside and/or, "
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
        if isinstance(value, tuple(COMPILED_CALLABLES)):
            value = value._fn
        if isinstance(value, types.MethodType) and is_object(value.__self__) \
                and isinstance(value.__func__, types.FunctionType):
            self.build.type_checks[expr.rsplit(".", 1)[0]] = type(value.__self__)
            return value.__func__, expr.rsplit(".", 1)[0]
        if isinstance(value, types.FunctionType) and not is_shim(value):
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
        if isinstance(value, NUMBERS) and (store or expr in build.assigned):
            if name is not None:
                raise refusal(f"assignment to the global {name}", self.func, node.lineno,
                             "keep state in arrays or object attributes")
            self.state.append(expr)
            if store:
                self.written.append(expr)
            return ast.Name(id=build.flat_name(expr), ctx=node.ctx)
        if store:
            raise refusal(f"assignment to {shown} (a {type(value).__name__})", self.func,
                         node.lineno, "compiled code can assign arrays and numbers only")
        if is_object(value):
            raise refusal(f"{shown} used as a value (a {type(value).__name__} object)", self.func,
                         node.lineno, "Numba code can use an object's array and number "
                         "attributes and call its methods, not pass the object itself")
        translated = for_numba(value)
        if translated is REFUSED:
            raise refusal(f"{shown} (a {type(value).__name__})", self.func, node.lineno,
                         "compiled code can reach NumPy arrays, numbers, strings, tuples of "
                         "them, objects holding them, and functions")
        if isinstance(translated, CONSTANTS + (tuple,)):
            build.checks[expr] = value
        local = f"_shim_k{len(self.globals)}_{name or ''}" if name is None else name
        self.globals[local] = translated
        return ast.Name(id=local, ctx=ast.Load())


def _item(name, i):
    return ast.Subscript(value=ast.Name(id=name, ctx=ast.Load()), slice=ast.Constant(i),
                         ctx=ast.Load())


class ReturnWriter(ast.NodeTransformer):
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


def resolve(build, expr):
    """The current value of a state expression, read from the build's roots."""
    return eval(expr, {}, build.roots)        # exprs are made of identifiers shim generated


def _show(base, attrs) -> str:
    return ".".join([base, *attrs])

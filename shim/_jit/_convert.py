"""Python control flow in ``shim.jit``: the function's source rewritten into calls of runtime helpers.

:func:`convert` rewrites a user function's ``if``/``elif``/``else``,
``while`` and ``for`` statements (with ``ast``), and its ``and``/``or``/``not``
and calls, into calls of :mod:`._convert_runtime`, which decides *at run
time* what each one is: a test or an iterable that is a Python value runs as
Python (the same semantics, the same results); a traced array value stages
``lax.cond``, ``lax.while_loop``, ``lax.fori_loop`` or ``lax.scan`` over the
variables the construct assigns and the JaxArrays it writes in place.

The shape of the rewrite, for ``if t: a = f(a)`` (names prefixed ``_shim_``)::

    def _shim_if_1(a):          # each branch: the assigned variables in and out
        a = f(a)
        return (a,)
    def _shim_else_1(a):
        return (a,)
    (a,) = _shim_cf_.if_(t, _shim_if_1, _shim_else_1, (_shim_cf_.ld(lambda: a),), ...)

``break`` and ``continue`` become flags carried with the loop's variables
(the statements after them are guarded by the flags); an ``if`` whose branch
ends in ``return`` takes the rest of its block as its ``else``, so that both
branches end by assigning the result. Line numbers are the original ones, and
the code is compiled under the original file name, so tracebacks point into
the user's source.

Only user code is converted: functions defined in NumPy, JAX, shim, the
standard library or installed packages run unchanged
(:func:`is_user_function`). Converted code objects are cached per function
code and source.
"""
from __future__ import annotations

import ast
import functools
import inspect
import itertools
import os
import sys
import sysconfig
import textwrap
import types
import weakref

__all__ = ["convert", "is_user_function", "user_line"]

_RT = "_shim_cf_"                              # the runtime module's name in converted code
_NOT_WRAPPED = frozenset({"super", "locals", "globals", "vars", "eval", "exec", "range", "print",
                          "isinstance", "len", "type", "id", "hasattr", "getattr", "setattr"})


def _library_dirs():
    paths = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            paths.add(os.path.realpath(sysconfig.get_paths()[key]))
        except KeyError:
            pass
    paths.add(os.path.realpath(os.path.dirname(os.path.dirname(__file__))))  # shim itself
    for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix):
        paths.add(os.path.realpath(os.path.join(prefix, "lib")))
    return tuple(p + os.sep for p in paths)


_LIBRARY_DIRS = _library_dirs()
_LIBRARY_MODULES = ("numpy", "jax", "jaxlib", "shim", "scipy", "numba", "brainpy")


@functools.lru_cache(maxsize=4096)
def _user_file(filename: str) -> bool:
    if not filename or filename.startswith("<"):
        return False
    path = os.path.realpath(filename)
    return not path.startswith(_LIBRARY_DIRS)


def is_user_function(fn) -> bool:
    """Whether ``fn`` is a plain Python function of the user's own code (not a library's)."""
    if not isinstance(fn, types.FunctionType):
        return False
    module = (getattr(fn, "__module__", None) or "").partition(".")[0]
    if module in _LIBRARY_MODULES:
        return False
    return _user_file(fn.__code__.co_filename)


def user_line(error) -> str:
    """``file:line`` of the innermost frame of user code in ``error``'s traceback."""
    where = "an unknown line"
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if _user_file(filename):
            where = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


# --- the cache -------------------------------------------------------------------------------

_CODE: dict = {}                 # (code object, source) -> converted code object, or None
_FUNCTIONS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # function -> converted


def convert(fn, runtime):
    """The converted version of the user function ``fn`` (``fn`` itself if it cannot be).

    ``runtime`` is the module of helpers the converted code calls
    (:mod:`._convert_runtime`, which passes itself).
    """
    if not is_user_function(fn):
        return fn
    try:
        return _FUNCTIONS[fn]
    except KeyError:
        pass
    code = _converted_code(fn)
    if code is None:
        converted = fn
    else:
        closure = []
        own = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
        for name in code.co_freevars:
            closure.append(own[name] if name in own else types.CellType(runtime))
        converted = types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__,
                                       tuple(closure))
        converted.__kwdefaults__ = fn.__kwdefaults__
        converted.__dict__.update(fn.__dict__)
        converted.__wrapped_by_shim__ = fn
        converted.__qualname__ = fn.__qualname__
    try:
        _FUNCTIONS[fn] = converted
    except TypeError:
        pass
    return converted


def _converted_code(fn):
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        return None
    source = textwrap.dedent("".join(lines))
    key = (fn.__code__, source)
    if key in _CODE:
        return _CODE[key]
    code = None
    try:
        tree = ast.parse(source)
    except SyntaxError:                       # a lambda in an expression, odd indentation
        tree = None
    if tree is not None and tree.body and isinstance(tree.body[0], (ast.FunctionDef,
                                                                    ast.AsyncFunctionDef)):
        code = _compile(tree.body[0], fn, start)
    if len(_CODE) > 4096:
        _CODE.pop(next(iter(_CODE)))
    _CODE[key] = code
    return code


def _compile(node, fn, start):
    if isinstance(node, ast.AsyncFunctionDef) or fn.__code__.co_flags & inspect.CO_GENERATOR:
        return None
    node.decorator_list = []
    node = _Converter(start - 1).convert_function(node)
    freevars = list(fn.__code__.co_freevars)
    # A factory whose parameters are the function's free variables (and the runtime), so that
    # the converted function closes over the same cells.
    factory = ast.FunctionDef(
        name="_shim_factory",
        args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=n) for n in freevars + [_RT]],
                           kwonlyargs=[], kw_defaults=[], defaults=[]),
        body=[node, ast.Return(value=ast.Name(id=node.name, ctx=ast.Load()))],
        decorator_list=[], returns=None, type_comment=None)
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    ast.increment_lineno(module, start - 1)
    try:
        factory_code = compile(module, fn.__code__.co_filename, "exec")
    except SyntaxError:
        return None
    for const in factory_code.co_consts:
        if isinstance(const, types.CodeType) and const.co_name == "_shim_factory":
            for inner in const.co_consts:
                if isinstance(inner, types.CodeType) and inner.co_name == node.name:
                    return inner
    return None                               # pragma: no cover


# --- the rewrite -----------------------------------------------------------------------------

def _name(id_, ctx=None):
    return ast.Name(id=id_, ctx=ctx or ast.Load())


def _rt(attr):
    return ast.Attribute(value=_name(_RT), attr=attr, ctx=ast.Load())


def _call(func, *args):
    return ast.Call(func=func, args=list(args), keywords=[])


def _const(value):
    return ast.Constant(value=value)


def _assign(target, value):
    return ast.Assign(targets=[_name(target, ast.Store())], value=value)


def _tuple(names, ctx=None):
    return ast.Tuple(elts=[_name(n, ctx) for n in names], ctx=ctx or ast.Load())


class _Assigned(ast.NodeVisitor):
    """Names a block assigns, not looking into nested functions, classes or comprehensions."""

    def __init__(self):
        self.names: dict = {}

    def visit_Name(self, node):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.names[node.id] = None

    def visit_FunctionDef(self, node):
        self.names[node.name] = None

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):
        pass

    def visit_ListComp(self, node):
        pass

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp

    def visit_alias(self, node):
        self.names[(node.asname or node.name).partition(".")[0]] = None

    def visit_ExceptHandler(self, node):
        if node.name:
            self.names[node.name] = None
        self.generic_visit(node)


def _assigned(stmts):
    visitor = _Assigned()
    for s in stmts:
        visitor.visit(s)
    return [n for n in visitor.names if not n.startswith("_shim_")] + \
        [n for n in visitor.names if n.startswith("_shim_") and not n.startswith("_shim_if_")
         and not n.startswith("_shim_else_") and not n.startswith("_shim_body_")
         and not n.startswith("_shim_test_")]


def _contains(stmts, kinds, into_loops=False):
    """Whether ``stmts`` hold a statement of ``kinds`` at this level (not in nested functions,
    nor in nested loops unless ``into_loops``)."""
    for s in stmts:
        for node in _walk_level(s, into_loops):
            if isinstance(node, kinds):
                return True
    return False


def _walk_level(node, into_loops):
    yield node
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
        return
    for child in ast.iter_child_nodes(node):
        if not into_loops and isinstance(child, (ast.For, ast.While, ast.AsyncFor)):
            # the loop's own test/iter/else can hold nothing of interest; its body is its own
            continue
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield from _walk_level(child, into_loops)


def _always_returns(stmts):
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return False


class _Converter(ast.NodeTransformer):
    """Rewrites one function definition (and the ones nested in it)."""

    def __init__(self, offset=0):
        self._offset = offset             # the source's first line in its file, minus one
        self._ids = itertools.count(1)
        self._scopes: list = []           # per function: names declared global or nonlocal
        self._loops: list = []            # per enclosing loop: (break flag, continue flag) or None
        self._ret: list = []              # per function: name of the returned-value variable

    # --- functions ---

    def convert_function(self, node):
        declared = set()
        for sub in _walk_level(node, True):
            if isinstance(sub, (ast.Global, ast.Nonlocal)) and sub is not node:
                declared.update(sub.names)
        self._scopes.append(declared)
        saved_loops, self._loops = self._loops, []
        body = node.body
        needs_ret = _contains(body, (ast.If, ast.For, ast.While)) and any(
            isinstance(s, ast.Return) for st in body if isinstance(st, (ast.If, ast.For, ast.While))
            for s in _walk_level(st, True))
        if needs_ret:
            ret = f"_shim_ret_{next(self._ids)}"
            self._ret.append(ret)
            body = self._lift_returns(body)
            body = [_assign(ret, _rt("UNDEF")), _assign(ret + "_f", _const(False)),
                    *self._block(body),
                    ast.Return(value=_call(_rt("result"), _name(ret)))]
            self._ret.pop()
        else:
            self._ret.append(None)
            body = self._block(body)
            self._ret.pop()
        node.body = body or [ast.Pass()]
        node.args = self.visit(node.args)
        self._loops = saved_loops
        self._scopes.pop()
        return node

    def visit_FunctionDef(self, node):
        return self.convert_function(node)

    def visit_AsyncFunctionDef(self, node):
        return node

    def visit_Lambda(self, node):
        node.body = self.visit(node.body)
        return node

    # --- blocks: return lifting, break/continue guards ---

    def _lift_returns(self, stmts):
        """An ``if`` whose branch always returns takes the rest of the block as its else."""
        out = []
        for i, s in enumerate(stmts):
            if isinstance(s, ast.If):
                s.body = self._lift_returns(s.body)
                s.orelse = self._lift_returns(s.orelse)
                rest = stmts[i + 1:]
                if rest and _always_returns(s.body) and not s.orelse:
                    s.orelse = self._lift_returns(rest)
                    out.append(s)
                    return out
                if rest and _always_returns(s.orelse) and s.orelse and not _always_returns(s.body):
                    s.body = s.body + self._lift_returns(rest)
                    out.append(s)
                    return out
            out.append(s)
        return out

    def _block(self, stmts):
        """Visit a block; after a statement that may break, continue or return, guard the rest."""
        out = []
        for i, s in enumerate(stmts):
            flags = self._flags_set_by(s)
            new = self.visit(s)
            out.extend(new if isinstance(new, list) else [new])
            rest = stmts[i + 1:]
            if flags and rest and not isinstance(s, (ast.Break, ast.Continue, ast.Return)):
                guard = ast.If(test=_call(_rt("none_set"), *[_name(f) for f in flags]),
                               body=rest, orelse=[])
                ast.copy_location(guard, rest[0])
                converted = self.visit_If(guard, guarded=True)
                out.extend(converted if isinstance(converted, list) else [converted])
                return out
            if isinstance(s, (ast.Break, ast.Continue, ast.Return)) and (self._loops or
                                                                         self._ret[-1]):
                return out                    # the rest of the block is dead code
        return out

    def _flags_set_by(self, s):
        flags = []
        loop = self._loops[-1] if self._loops else None
        if loop is not None:
            if _contains([s], ast.Break):
                flags.append(loop[0])
            if _contains([s], ast.Continue):
                flags.append(loop[1])
        ret = self._ret[-1] if self._ret else None
        if ret and not isinstance(s, ast.Return) and _contains([s], ast.Return, into_loops=True):
            flags.append(ret + "_f")
        return flags

    def _flag_names(self, stmts):
        """The flags (and returned value) that ``stmts`` may set, for the innermost loop."""
        names = []
        loop = self._loops[-1] if self._loops else None
        if loop is not None:
            if _contains(stmts, ast.Break):
                names.append(loop[0])
            if _contains(stmts, ast.Continue):
                names.append(loop[1])
        ret = self._ret[-1] if self._ret else None
        if ret and _contains(stmts, ast.Return, into_loops=True):
            names += [ret, ret + "_f"]
            if loop is not None and loop[0] not in names:
                names.append(loop[0])
        return names

    def visit_Break(self, node):
        if not self._loops:
            return node
        return ast.copy_location(_assign(self._loops[-1][0], _const(True)), node)

    def visit_Continue(self, node):
        if not self._loops:
            return node
        return ast.copy_location(_assign(self._loops[-1][1], _const(True)), node)

    def visit_Return(self, node):
        ret = self._ret[-1] if self._ret else None
        if not ret:
            if node.value is not None:
                node.value = ast.copy_location(_call(_rt("result"), self.visit(node.value)), node)
            return node
        value = self.visit(node.value) if node.value is not None else _const(None)
        stmts = [_assign(ret, value), _assign(ret + "_f", _const(True))]
        if self._loops:
            stmts.append(_assign(self._loops[-1][0], _const(True)))
        return [ast.copy_location(s, node) for s in stmts]

    # --- expressions ---

    def visit_BoolOp(self, node):
        values = [self.visit(v) for v in node.values]
        lazy = [ast.Lambda(args=_no_args(), body=v) for v in values[1:]]
        helper = "and_" if isinstance(node.op, ast.And) else "or_"
        return ast.copy_location(_call(_rt(helper), values[0], *lazy), node)

    def visit_UnaryOp(self, node):
        node.operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return ast.copy_location(_call(_rt("not_"), node.operand), node)
        return node

    def visit_IfExp(self, node):
        test, body, orelse = self.visit(node.test), self.visit(node.body), self.visit(node.orelse)
        return ast.copy_location(_call(_rt("ifexp"), test, ast.Lambda(args=_no_args(), body=body),
                                       ast.Lambda(args=_no_args(), body=orelse)), node)

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Name) and (func.id in _NOT_WRAPPED or func.id.startswith("_shim")):
            return node
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id == _RT:
            return node
        node.args = [func, *node.args]
        node.func = _rt("call")
        return node

    # --- statements ---

    def _carried(self, stmts, extra=()):
        declared = self._scopes[-1] if self._scopes else set()
        names = [n for n in _assigned(stmts) if n not in declared]
        for n in extra:
            if n not in names:
                names.append(n)
        return names

    def _load_all(self, names):
        return ast.Tuple(elts=[_call(_rt("ld"), ast.Lambda(args=_no_args(), body=_name(n)))
                               for n in names], ctx=ast.Load())

    def _unpack(self, names, value, node):
        out = [ast.Assign(targets=[_tuple(names, ast.Store())], value=value)] if names else \
            [ast.Expr(value=value)]
        for n in names:
            out.append(ast.If(test=ast.Compare(left=_name(n), ops=[ast.Is()],
                                               comparators=[_rt("UNDEF")]),
                              body=[ast.Delete(targets=[_name(n, ast.Del())])], orelse=[]))
        return [ast.copy_location(s, node) for s in out]

    def _function(self, name, params, body, returns, node):
        fn = ast.FunctionDef(
            name=name, args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params],
                                          kwonlyargs=[], kw_defaults=[], defaults=[]),
            body=[*body, ast.Return(value=self._load_all(returns))], decorator_list=[], returns=None,
            type_comment=None)
        return ast.copy_location(fn, node)

    def _where(self, node):
        return _const(node.lineno + self._offset)

    def visit_If(self, node, guarded=False):
        n = next(self._ids)
        test = self.visit(node.test)
        body = self._block(node.body)
        orelse = self._block(node.orelse)
        names = self._carried(node.body + node.orelse, self._flag_names(node.body + node.orelse))
        true_fn = self._function(f"_shim_if_{n}", names, body or [ast.Pass()], names, node)
        false_fn = self._function(f"_shim_else_{n}", names, orelse or [ast.Pass()], names, node)
        call = _call(_rt("if_"), test, _name(true_fn.name), _name(false_fn.name),
                     self._load_all(names), _tuple_const(names), self._where(node))
        return [true_fn, false_fn, *self._unpack(names, call, node)]

    def _loop_parts(self, node):
        """What ``while`` and ``for`` share: the loop's id, its break and continue flag
        names, whether it continues or returns, the enclosing return name, the
        converted body and the flags the loop carries."""
        n = next(self._ids)
        brk, cnt = f"_shim_brk_{n}", f"_shim_cnt_{n}"
        has_break = _contains(node.body, ast.Break)
        has_cont = _contains(node.body, ast.Continue)
        ret = self._ret[-1] if self._ret else None
        has_ret = bool(ret) and _contains(node.body, ast.Return, into_loops=True)
        self._loops.append((brk, cnt))
        body = self._block(node.body)
        self._loops.pop()
        flags = ([brk] if has_break or has_ret else []) + ([cnt] if has_cont else [])
        return n, brk, cnt, has_cont, ret, has_ret, body, flags

    def visit_While(self, node):
        n, brk, cnt, has_cont, ret, has_ret, body, flags = self._loop_parts(node)
        names = self._carried(node.body, flags)
        if has_ret:
            names += [x for x in (ret, ret + "_f") if x not in names]
        pre = [_assign(f, _const(False)) for f in flags]
        if has_cont:
            body = [_assign(cnt, _const(False)), *body]
        test = self.visit(node.test)
        test_fn = ast.copy_location(ast.FunctionDef(
            name=f"_shim_test_{n}", args=ast.arguments(
                posonlyargs=[], args=[ast.arg(arg=p) for p in names], kwonlyargs=[],
                kw_defaults=[], defaults=[]),
            body=[ast.Return(value=test)], decorator_list=[], returns=None, type_comment=None),
            node)
        body_fn = self._function(f"_shim_body_{n}", names, body or [ast.Pass()], names, node)
        call = _call(_rt("while_"), _name(test_fn.name), _name(body_fn.name),
                     self._load_all(names), _tuple_const(names),
                     _const(names.index(brk) if brk in names else -1), self._where(node))
        out = [*[ast.copy_location(p, node) for p in pre], test_fn, body_fn,
               *self._unpack(names, call, node)]
        if node.orelse:
            out += self._loop_else(node, brk if brk in names else None)
        return out

    def visit_For(self, node):
        n, brk, cnt, has_cont, ret, has_ret, body, flags = self._loop_parts(node)
        target_names = _assigned([ast.Assign(targets=[node.target], value=_const(None))])
        names = self._carried(node.body, [*target_names, *flags])
        if has_ret:
            names += [x for x in (ret, ret + "_f") if x not in names]
        pre = [_assign(f, _const(False)) for f in flags]
        item = f"_shim_item_{n}"
        head = [ast.copy_location(ast.Assign(targets=[self.visit(node.target)],
                                             value=_name(item)), node)]
        if has_cont:
            head.insert(0, _assign(cnt, _const(False)))
        body_fn = self._function(f"_shim_body_{n}", [item, *names], head + (body or []), names,
                                 node)
        it = node.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" \
                and not it.keywords:
            iterable = _call(_rt("range_"), *[self.visit(a) for a in it.args])
        else:
            iterable = self.visit(it)
        call = _call(_rt("for_"), iterable, _name(body_fn.name), self._load_all(names),
                     _tuple_const(names), _const(names.index(brk) if brk in names else -1),
                     self._where(node))
        out = [*[ast.copy_location(p, node) for p in pre], body_fn,
               *self._unpack(names, call, node)]
        if node.orelse:
            out += self._loop_else(node, brk if brk in names else None)
        return out

    def _loop_else(self, node, brk):
        """A loop's ``else``: runs when the loop did not break."""
        if brk is None:
            return self._block(node.orelse)
        guard = ast.If(test=_call(_rt("none_set"), _name(brk)), body=node.orelse, orelse=[])
        ast.copy_location(guard, node.orelse[0])
        return self.visit_If(guard)


def _no_args():
    return ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])


def _tuple_const(names):
    return _const(tuple(names))


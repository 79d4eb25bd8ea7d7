"""shim's layers import one way, with no import circle, and respect each other's privacy.

The rules (docs/design.md opens with them):

- a module imports only from its own layer or the layers below it
  (:data:`LAYERS`, top first); lazy imports inside functions count too;
- no import circle among shim's modules, except the array's lazy import of
  ``shim.array_api`` in ``__array_namespace__`` (:data:`ALLOWED_UPWARD`);
- a layer uses a lower package through the names the package exports: no
  import of another package's private module (``shim._array._core``) and no
  access to JaxArray's private slots and methods outside ``shim._array``;
- the registry imports only the implementations;
- each package's ``__init__`` says what the layer holds and what it may import.

Imports are read from the source with :mod:`ast` (``if TYPE_CHECKING:`` blocks
are not imports at run time and are skipped), so the test needs no import.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "shim"

#: The layers, top first: (name, module prefixes). A module belongs to the first
#: layer with a prefix that names it or a package above it.
LAYERS = (
    ("face", ("shim", "shim.__main__", "shim._namespace", "shim._numpy_api", "shim.linalg",
              "shim.fft", "shim.random", "shim.array_api", "shim.compat_table", "shim._info")),
    ("jit", ("shim._jit",)),
    ("numba", ("shim._numba",)),
    ("dispatch", ("shim._dispatch", "shim._random")),
    ("array", ("shim._array",)),
    ("leaves", ("shim._config", "shim._backend", "shim._errors", "shim._objects",
                "shim._branch_cuts", "shim._about")),
)

#: (importer, imported) pairs allowed to go up a layer, each a lazy import.
ALLOWED_UPWARD = {("shim._array._core", "shim.array_api")}

#: JaxArray's private members: its storage slots and the methods behind the internal API.
JAXARRAY_PRIVATE = frozenset({
    "_value", "_dtype", "_base", "_layout", "_firsts", "_lows", "_version", "_update",
    "_write", "_target", "_transposed", "_reshaped", "_commit", "_assign", "_materialize",
    "_lows_arg", "_scalar", "_concrete"})


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _layer(name: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if prefix == "shim" and name == "shim" or prefix != "shim" and (
                    name == prefix or name.startswith(prefix + ".")):
                return index
    raise AssertionError(f"{name} belongs to no layer; add it to LAYERS in {__file__}")


class _Imports(ast.NodeVisitor):
    """The shim modules a module imports: [(imported module, line, lazy)]."""

    def __init__(self, name: str):
        self.name = name
        self.package = name if _is_package(name) else name.rpartition(".")[0]
        self.found: list = []
        self._depth = 0

    def _add(self, target: str, line: int):
        if target == "shim" or target.startswith("shim."):
            while target not in MODULES:         # an attribute imported as a module path
                target = target.rpartition(".")[0]
            self.found.append((target, line, self._depth > 0))

    def visit_If(self, node):
        test = node.test
        if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING" or \
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node):
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node):
        if node.level:
            base = self.package.split(".")
            base = base[:len(base) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module
        for alias in node.names:
            submodule = f"{module}.{alias.name}"
            self._add(submodule if submodule in MODULES else module, node.lineno)


def _imports(name: str) -> list:
    visitor = _Imports(name)
    visitor.visit(ast.parse(MODULES[name].read_text(encoding="utf-8")))
    return visitor.found


IMPORTS = {name: _imports(name) for name in MODULES}


def _package_of(name: str) -> str:
    """The package a module is private to: ``shim._array`` for ``shim._array._core``."""
    return name if _is_package(name) else name.rpartition(".")[0]


def test_every_module_has_a_layer():
    for name in MODULES:
        _layer(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down(name):
    mine = _layer(name)
    for target, line, _ in IMPORTS[name]:
        theirs = _layer(target)
        if theirs < mine and (name, target) not in ALLOWED_UPWARD:
            pytest.fail(f"{name} (layer {LAYERS[mine][0]}) imports {target} (layer "
                        f"{LAYERS[theirs][0]}, above it) at line {line}")


def test_allowed_upward_imports_are_lazy():
    for name, target in ALLOWED_UPWARD:
        found = [lazy for t, _, lazy in IMPORTS[name] if t == target]
        assert found and all(found), f"{name} must import {target} lazily (inside a function)"


def test_no_import_circle():
    graph = {name: {t for t, _, _ in IMPORTS[name] if t != name and (name, t) not in ALLOWED_UPWARD}
             for name in MODULES}
    state: dict = {}
    path: list = []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                circle = path[path.index(nxt):] + [nxt]
                pytest.fail("import circle: " + " -> ".join(circle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_module_of_another_package(name):
    for target, line, _ in IMPORTS[name]:
        if _is_package(target) or not target.rpartition(".")[2].startswith("_"):
            continue
        owner = _package_of(target)
        if owner != "shim" and owner != _package_of(name) and \
                not _package_of(name).startswith(owner + "."):
            pytest.fail(f"{name} imports {target}, a private module of {owner}, at line {line}; "
                        f"use the names {owner} exports")


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.startswith("shim._array")))
def test_no_private_jaxarray_members_outside_the_array_layer(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in JAXARRAY_PRIVATE and not (
                isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            pytest.fail(f"{name}, line {node.lineno}: .{node.attr} is private to shim._array; "
                        "use the internal API it exports")


def test_the_registry_imports_only_implementations():
    allowed = {"shim._dispatch._array_in", "shim._dispatch._inplace", "shim._dispatch._jax_in",
               "shim._dispatch._jax_adapters", "shim._dispatch._host", "shim._dispatch._ufunc",
               "shim._dispatch._entry"}
    imported = {t for t, _, _ in IMPORTS["shim._dispatch._registry"]}
    assert imported <= allowed, f"the registry imports {sorted(imported - allowed)}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _is_package(n) and n != "shim"))
def test_each_package_says_what_it_holds_and_may_import(name):
    doc = ast.get_docstring(ast.parse(MODULES[name].read_text(encoding="utf-8"))) or ""
    assert doc, f"{name}/__init__.py has no docstring"
    if _layer(name) != 0:                      # face packages have no import rule beyond it
        assert "May import" in doc, f"{name}/__init__.py must say what the layer may import"


def test_the_rule_finds_a_violation():
    """The checker itself: an upward import and a circle are caught."""
    assert _layer("shim._array._core") > _layer("shim._dispatch._ufunc")
    assert _layer("shim") == 0 and _layer("shim._errors") == len(LAYERS) - 1
    visitor = _Imports("shim._array._core")
    visitor.visit(ast.parse("from .._dispatch import install\n"
                            "def f():\n    from ..array_api import fft\n"))
    assert visitor.found == [("shim._dispatch", 1, False), ("shim.array_api.fft", 3, True)]

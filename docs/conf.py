"""Sphinx configuration of shim's documentation.

Pages are Markdown (MyST). User-guide pages that start with a ``mystnb``
header are text notebooks: myst-nb runs their ``{code-cell}`` blocks at build
time, so every printed output on the site is produced by the build. Build::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

Two things are generated here rather than written by hand: the listing of
shim's NumPy-named functions (the ``shim-numpy-names`` directive, read from
the namespace and the registry), and the index's table of contents, from which
pages that do not exist yet are dropped with a note (see ``OPTIONAL_PAGES``;
links to them become plain text until they exist).
"""
from __future__ import annotations

import inspect
import os
import sys
import types
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

project = "shim"
author = "the shim developers"
copyright = "the shim developers"

import shim  # noqa: E402  (after the path is set, so the checkout's shim is documented)

release = version = shim.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
templates_path = []
html_static_path = ["_static"]
html_theme = "furo"
html_title = f"shim {release}"

# MyST: ``#`` anchors on headings (pages link to sections of each other) and
# ``:::`` fences for directives.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]

# myst-nb: execute every text notebook, fail the build on an error in a cell.
# Results are cached by cell source in _build/.jupyter_cache (a change to shim
# itself does not invalidate them): ``SHIM_DOCS_EXECUTE=force`` runs every
# cell again (the test of the docs does), ``off`` skips execution for a quick
# look at the layout.
nb_execution_mode = os.environ.get("SHIM_DOCS_EXECUTE", "cache")
if nb_execution_mode not in ("cache", "force", "off"):
    raise ValueError(f"SHIM_DOCS_EXECUTE: got {nb_execution_mode!r}; allowed: 'cache', 'force', 'off'")
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 300
nb_merge_streams = True

# API reference.
autosummary_generate = True
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "none"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable", None),
    "jax": ("https://docs.jax.dev/en/latest", None),
}
# The build must not depend on the network: inventories are used only when
# SHIM_DOCS_INTERSPHINX=on (links to Python, NumPy and JAX then resolve).
if os.environ.get("SHIM_DOCS_INTERSPHINX") != "on":
    intersphinx_mapping = {}

# Pages written alongside this site: listed in the index's table of contents,
# left out of it (with a note in the build log) while their file does not exist.
OPTIONAL_PAGES = ("numba", "compat_table", "array_api")

_log = logging.getLogger("shim.docs")


def _drop_missing_pages(app, docname, source):
    """Remove table-of-contents lines of the index that name a page not written yet."""
    if docname != "index":
        return
    kept = []
    for line in source[0].splitlines():
        name = line.strip()
        if name in OPTIONAL_PAGES and not (DOCS / f"{name}.md").exists():
            _log.info(f"shim docs: {name}.md does not exist yet; left out of the table of contents")
            continue
        kept.append(line)
    source[0] = "\n".join(kept) + "\n"


def optional_doc_role(name, rawtext, text, lineno, inliner, options=None, content=()):
    """``{optdoc}`title <page>``` -- a link to ``page`` if it exists, else the plain title.

    For links to the pages of ``OPTIONAL_PAGES``, so that a missing page does
    not break the build with a warning.
    """
    title, _, target = text.partition(" <")
    target = target.rstrip(">") if target else title
    env = inliner.document.settings.env
    if (DOCS / f"{target.lstrip('/')}.md").exists():
        ref = addnodes.pending_xref(rawtext, refdomain="std", reftype="doc", reftarget=target,
                                    refexplicit=True, refdoc=env.docname)
        ref += nodes.inline(rawtext, title, classes=["xref", "std", "std-doc"])
        return [ref], []
    return [nodes.emphasis(rawtext, title)], []


class UnlinkMissingOptionalPages(SphinxPostTransform):
    """Markdown links to an optional page that does not exist yet become plain text.

    ``[the table](compat_table.md)`` in any page renders as "the table", with
    a note in the build log, until ``compat_table.md`` is written; then it is
    a link again. Runs before MyST resolves links (priority 9).
    """

    default_priority = 8

    def run(self, **kwargs):
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") != "myst":
                continue
            page = Path(str(node.get("reftarget", "")).split("#")[0]).name
            if page.endswith(".md") and page[:-3] in OPTIONAL_PAGES and not (DOCS / page).exists():
                _log.info(f"shim docs: link to {page} left as text in {self.env.docname}; "
                          "the page does not exist yet")
                node.replace_self(nodes.inline("", "", *node.children))


def _reread_index(app, env, added, changed, removed):
    """Read the index on every build: which optional pages exist may have changed."""
    return ["index"]


# ---------------------------------------------------------------------------
# The listing of NumPy-named functions


def _summary(name: str, obj) -> str:
    """The first line of a docstring, skipping a leading call signature (ufuncs have one)."""
    doc = inspect.getdoc(obj) or ""
    paragraphs = [p.strip() for p in doc.split("\n\n") if p.strip()]
    if paragraphs and paragraphs[0].startswith(f"{name}("):
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return ""
    text = " ".join(line.strip() for line in paragraphs[0].splitlines()).replace("``", "")
    return text.split(". ")[0].rstrip(".")


def _kind(obj) -> str:
    if isinstance(obj, types.ModuleType):
        return "module"
    if isinstance(obj, type):
        return "type"
    if type(obj).__name__ == "ufunc":
        return "ufunc"
    if callable(obj):
        return "function"
    return "constant"


def _status(module_prefix: str, name: str) -> str:
    from shim._dispatch import BY_NAME

    entry = BY_NAME.get(f"{module_prefix}.{name}")
    if entry is None:
        return ""
    return entry.status + (f": {entry.reason}" if entry.status != "native" and entry.reason else "")


class NumpyNames(SphinxDirective):
    """``.. shim-numpy-names:: shim.linalg`` -- a table of a namespace's NumPy names.

    Columns: name, kind (function, ufunc, type, constant), what the registry
    says about the JAX backend (``native`` or ``fallback`` with its reason),
    and the first line of the docstring (NumPy's, which shim keeps).
    """

    required_arguments = 1
    option_spec = {"exclude": directives.unchanged}

    def run(self):
        module_name = self.arguments[0]
        module = __import__(module_name, fromlist=["_"])
        exclude = set((self.options.get("exclude") or "").split())
        numpy_prefix = "numpy" + module_name[len("shim"):]
        names = [n for n in module.__all__ if n not in exclude and not n.startswith("_")]

        table = nodes.table(classes=["shim-numpy-names"])
        group = nodes.tgroup(cols=4)
        table += group
        for width in (18, 8, 22, 52):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        head += self._row(["name", "kind", "JAX backend", "summary"])
        body = nodes.tbody()
        group += body
        for name in sorted(names, key=str.lower):
            obj = getattr(module, name)
            body += self._row([nodes.literal(text=f"{module_name}.{name}"), _kind(obj),
                               _status(numpy_prefix, name), _summary(name, obj)])
        return [table]

    @staticmethod
    def _row(cells):
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            paragraph = nodes.paragraph()
            paragraph += cell if isinstance(cell, nodes.Node) else nodes.Text(str(cell))
            entry += paragraph
            row += entry
        return row


def setup(app):
    app.connect("source-read", _drop_missing_pages)
    app.connect("env-get-outdated", _reread_index)
    app.add_directive("shim-numpy-names", NumpyNames)
    app.add_role("optdoc", optional_doc_role)
    app.add_post_transform(UnlinkMissingOptionalPages)
    return {"parallel_read_safe": True}

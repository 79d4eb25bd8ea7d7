"""NumPy's own docstring examples, run on shim: the examples corpus.

``python -m shim.compat_table --examples`` takes the ``Examples`` code of every
callable the comparison table covers (:mod:`._callables`; the five ufunc
methods once, as ``numpy.ufunc.reduce``..., since every ufunc shares their
docstrings), splits it with :class:`doctest.DocTestParser` and runs it three
times, statement by statement, in lockstep:

- ``numpy``: the reference, ``np`` bound to NumPy;
- ``swap``: ``np`` bound to ``shim`` (``import numpy ...`` inside the example
  imports the ``shim`` module of that name where there is one);
- ``dispatch``: ``np`` bound to NumPy, and every ``numpy.ndarray`` a statement
  binds replaced by ``shim.asarray`` of it before the next statement.

An *example* is a run of statements between two paragraphs of prose. The
examples of one docstring share a namespace (later ones use the names earlier
ones bind, as the reader of the docstring does), fresh for every docstring.
After each statement its value (an expression statement's), its printed
output (``JaxArray(`` reads as ``array(``, runs of spaces as one) and every
name that holds data are compared with NumPy's run; values with tolerances by
dtype, dtypes, shapes, types and exception types (:func:`._smoke._compare`).
A name that differs is reset to a copy of NumPy's value, so one difference is
counted once, in the example where it happens. Examples that use random
numbers compare types, shapes and dtypes only. An example where NumPy itself
raises an exception the docstring does not show (a missing optional package,
a file that is not there, a name the docstring never defines) is *skipped*,
with the reason.

Isolation: each run of each docstring has its own temporary working
directory, print options, floating-point error state and global random
streams (seeded with 0 at the start), switched in around every statement;
warnings and printed output are captured; each run of an example has a time
budget (:data:`EXAMPLE_TIMEOUT`). Nothing an example does outlives its
docstring.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import copy
import doctest
import importlib
import io
import json
import os
import re
import signal
import tempfile
import time
import warnings

import numpy as np

from . import _callables
from ._smoke import _compare, _short

__all__ = ["MODES", "OUTPUTS", "EXAMPLE_TIMEOUT", "docstring_names", "examples_of", "run_row",
           "render", "summary"]

#: The compared runs, with their names in the table.
MODES = {"swap": "import swap", "dispatch": "dispatch"}

#: The generated files, relative to the output folder.
OUTPUTS = ("examples.md", "examples.json")

#: Seconds one run of one example may take.
EXAMPLE_TIMEOUT = 60.0

STATUSES = ("agree", "differ", "error")

#: Docstrings not run, with the reason (each example of them is counted as skipped).
NOT_RUN = {"numpy.shares_memory": "builds a strided view of 10**9 bytes: too large to copy "
                                  "for the comparison"}

#: Arrays larger than this (elements) are neither converted nor copied by the runner.
_LARGEST = 2 ** 24

_RANDOM = re.compile(r"random|rng|Generator|shuffle|permutation|\bchoice\b")
_DOC = "docs/examples_corpus.md"


# --- the corpus -----------------------------------------------------------------------------------

def docstring_names() -> list[str]:
    """Qualified names whose docstrings make the corpus: one per distinct docstring."""
    names = [n for n in _callables.enumerate_callables()
             if n.startswith("numpy.") and _callables.group_of(n) != "ufunc methods"]
    names += [f"numpy.ufunc.{m}" for m in _callables.UFUNC_METHODS]
    seen, unique = set(), []
    for name in names:
        doc = _docstring(name)
        if doc not in seen:
            seen.add(doc)
            unique.append(name)
    return unique


def _docstring(name: str) -> str:
    if name.startswith("numpy.ufunc."):
        obj = getattr(np.ufunc, name.rsplit(".", 1)[1])
    else:
        obj = _callables.resolve(name)[1]
    return obj.__doc__ or ""


def examples_of(docstring: str) -> list[list[doctest.Example]]:
    """The examples of a docstring: runs of statements between paragraphs of prose."""
    blocks, prose = [], True
    for part in doctest.DocTestParser().parse(docstring):
        if isinstance(part, doctest.Example):
            if prose:
                blocks.append([])
            blocks[-1].append(part)
            prose = False
        elif part.strip():
            prose = True
    return blocks


# --- one run's world ------------------------------------------------------------------------------

class _Timeout(BaseException):
    """An example ran past its budget (a BaseException: example code cannot catch it)."""


def _alarm(signum, frame):
    raise _Timeout


def _swap_import(name, globals=None, locals=None, fromlist=(), level=0):
    """``__import__`` for import swap: ``numpy[.x]`` is ``shim[.x]`` where shim has that module."""
    if level == 0 and (name == "numpy" or name.startswith("numpy.")):
        try:
            module = importlib.import_module("shim" + name[len("numpy"):])
        except ImportError:
            module = None
        if module is not None:
            return module if fromlist else importlib.import_module("shim")
    return builtins.__import__(name, globals, locals, fromlist, level)


class _Run:
    """One run of a docstring: its namespace and the global state it sees."""

    def __init__(self, mode: str, folder: str):
        import shim
        self.mode = mode
        self.folder = folder
        self.home = os.getcwd()
        module = shim if mode == "swap" else np
        bins = dict(builtins.__dict__)
        if mode == "swap":
            bins["__import__"] = _swap_import
        self.namespace = {"__name__": "__main__", "__builtins__": bins, "np": module}
        with self.entered():
            np.random.seed(0)
            shim.random.seed(0)
        self.budget = EXAMPLE_TIMEOUT
        self.timed_out = False

    @contextlib.contextmanager
    def entered(self):
        """Switch this run's working directory, print options, error state and streams in."""
        import shim
        from shim import _random
        saved = (self.home, np.get_printoptions(), np.geterr(), np.random.get_state(),
                 _random.DEFAULT.get_state())
        state = getattr(self, "state", None)
        os.chdir(self.folder)
        if state is not None:
            np.set_printoptions(**state[0])
            np.seterr(**state[1])
            np.random.set_state(state[2])
            _random.DEFAULT.set_state(state[3])
        try:
            with shim.use_backend("jax"):
                yield
        finally:
            self.state = (np.get_printoptions(), np.geterr(), np.random.get_state(),
                          _random.DEFAULT.get_state())
            os.chdir(saved[0])
            np.set_printoptions(**saved[1])
            np.seterr(**saved[2])
            np.random.set_state(saved[3])
            _random.DEFAULT.set_state(saved[4])

    def execute(self, source: str):
        """(value or _NONE, exception or None, printed text) of one statement."""
        if self.timed_out:
            return _NONE, _Timeout(), ""
        printed = io.StringIO()
        value, error = _NONE, None
        start = time.monotonic()
        try:
            with self.entered(), contextlib.redirect_stdout(printed), \
                    contextlib.redirect_stderr(io.StringIO()), _c_stderr_silenced():
                # The budget covers the statement only, never the switching around it.
                timer = _set_timer(self.budget)
                try:
                    value = _evaluate(source, self.namespace)
                finally:
                    if timer:
                        signal.setitimer(signal.ITIMER_REAL, 0)
        except _Timeout as exc:
            error, self.timed_out = exc, True
        except Exception as exc:  # noqa: BLE001 - the example's own exceptions are results
            error = exc
        finally:
            self.budget -= time.monotonic() - start
        return value, error, printed.getvalue()

    def new_example(self):
        self.budget, self.timed_out = EXAMPLE_TIMEOUT, False


_NONE = object()


@contextlib.contextmanager
def _c_stderr_silenced():
    """Send what C code writes to the process's stderr (``np.seterr(all='print')``) nowhere."""
    saved = os.dup(2)
    sink = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(sink, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(sink)


def _set_timer(seconds: float) -> bool:
    try:
        signal.signal(signal.SIGALRM, _alarm)
    except ValueError:  # not the main thread: no budget
        return False
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    return True


def _evaluate(source: str, namespace: dict):
    tree = ast.parse(source)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, "<example>", "exec"), namespace)
    return _NONE if last is None else eval(compile(last, "<example>", "eval"), namespace)


# --- comparing ------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def _normal_text(text: str) -> str:
    return _SPACES.sub(" ", text.replace("JaxArray(", "array(")).strip()


def _is_data(name: str, value) -> bool:
    if name.startswith("_") or name == "np":
        return False
    return not (callable(value) and not isinstance(value, np.ndarray)) \
        and not isinstance(value, type(np))


def _difference(expected, actual, random: bool, path: str):
    from shim import JaxArray
    if isinstance(expected, str) and isinstance(actual, str):
        same = _normal_text(expected) == _normal_text(actual)
        return None if same else f"{path} is {actual!r}, NumPy {expected!r}"[:200]
    if type(expected) not in (np.ndarray,) and isinstance(expected, np.ndarray) \
            and type(actual) is not type(expected):
        return f"{path} is {type(actual).__name__}, NumPy {type(expected).__name__}"
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or list(actual) != list(expected):
            return f"{path} is {type(actual).__name__}, NumPy a dict with keys {list(expected)}"
        for key in expected:
            problem = _difference(expected[key], actual[key], random, f"{path}[{key!r}]")
            if problem:
                return problem
        return None
    try:
        problem, _ = _compare(expected, actual, jax=True, values=not random, path=path)
    except Exception as exc:  # noqa: BLE001 - an uncomparable value is a difference
        return f"{path} cannot be compared: {_short(exc)}"
    if problem is None and isinstance(expected, (np.ndarray, np.generic)) \
            and isinstance(actual, (np.ndarray, JaxArray)) and expected.dtype.kind in "OUSV":
        if random or _normal_text(str(np.asarray(actual).tolist())) == \
                _normal_text(str(expected.tolist())):
            return None
        return f"{path} values differ"
    return problem


def _exception_type(exc):
    return type(exc).__name__


def _to_shim(value):
    """``shim.asarray`` of a plain ndarray of a numeric or boolean dtype; else ``value``."""
    import shim
    if type(value) is np.ndarray and value.dtype.kind in "biufc" and value.size <= _LARGEST:
        try:
            return shim.asarray(value)
        except Exception:  # noqa: BLE001 - a dtype JAX lacks stays an ndarray
            return value
    return value


def _copy_for(mode, value):
    if isinstance(value, np.ndarray) and value.size > _LARGEST:
        return value
    try:
        value = copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - an uncopiable object is shared
        pass
    return _to_shim(value)


# --- one docstring --------------------------------------------------------------------------------

def run_row(name: str, docstring: str | None = None) -> dict:
    """Run every example of ``name``'s docstring in the three runs; one row of the table.

    ``docstring`` replaces the docstring of ``name`` (to run code of one's own).

    Returns
    -------
    dict
        ``{"name", "examples": [{"line", "statements", "skipped", "swap",
        "dispatch"}]}``; ``skipped`` is None or NumPy's reason, each mode's
        entry ``{"status"}`` plus, unless it agrees, ``{"statement", "source",
        "why"}`` for the first statement that does not.
    """
    blocks = examples_of(_docstring(name) if docstring is None else docstring)
    random = any(_RANDOM.search(e.source) for block in blocks for e in block)
    row = {"name": name, "examples": []}
    if name in NOT_RUN and docstring is None:
        row["examples"] = [{"line": b[0].lineno + 1, "statements": len(b), "skipped": NOT_RUN[name],
                            **{mode: {"status": "skipped"} for mode in MODES}} for b in blocks]
        return row
    if not blocks:
        return row
    with contextlib.ExitStack() as stack:
        stack.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        runs = {mode: _Run(mode, stack.enter_context(
            tempfile.TemporaryDirectory(ignore_cleanup_errors=True)))
                for mode in ("numpy", *MODES)}
        for block in blocks:
            try:
                entry = _run_example(block, runs, random)
            except Exception as exc:  # noqa: BLE001 - one docstring never stops the corpus
                entry = {"line": block[0].lineno + 1, "statements": len(block), "skipped": None}
                entry.update({mode: {"status": "error", "statement": 1, "source": "",
                                     "why": f"the runner failed: {_short(exc)}"} for mode in MODES})
            row["examples"].append(entry)
    return row


def _run_example(block, runs, random):
    for run in runs.values():
        run.new_example()
    entry = {"line": block[0].lineno + 1, "statements": len(block), "skipped": None}
    entry.update({mode: {"status": "agree"} for mode in MODES})
    reference = runs["numpy"]
    for number, example in enumerate(block, 1):
        before = {mode: dict(run.namespace) for mode, run in runs.items()}
        value, error, printed = reference.execute(example.source)
        expected_error = bool(example.exc_msg)
        if error is not None and not expected_error and entry["skipped"] is None:
            entry["skipped"] = _short(error) if not isinstance(error, _Timeout) else "NumPy timed out"
        for mode in MODES:
            run = runs[mode]
            got = run.execute(example.source)
            if mode == "dispatch":
                _convert_bound(run.namespace, before[mode])
            problem = None
            if entry["skipped"] is None:
                problem = _statement_problem((value, error, printed), got, random,
                                             reference.namespace, run.namespace)
            _resync(reference.namespace, run.namespace, random, mode)
            if problem and entry[mode]["status"] == "agree":
                entry[mode] = {"status": problem[0], "statement": number,
                               "source": example.source.strip().splitlines()[0][:120],
                               "why": problem[1]}
    if entry["skipped"] is not None:
        for mode in MODES:
            entry[mode] = {"status": "skipped"}
    return entry


def _convert_bound(namespace, before):
    for key, value in namespace.items():
        if before.get(key, _NONE) is not value:
            namespace[key] = _to_shim(value)


def _statement_problem(expected, got, random, reference_names, names):
    """(status, why) for the first difference of one statement, or None."""
    value, error, printed = expected
    got_value, got_error, got_printed = got
    if isinstance(got_error, _Timeout):
        return "error", f"timed out (over {EXAMPLE_TIMEOUT:.0f} s)"
    if error is not None:
        if got_error is None:
            return "differ", f"no exception, NumPy raises {_exception_type(error)}"
        if not isinstance(got_error, type(error)):
            return "differ", f"raises {_short(got_error)}; NumPy raises {_exception_type(error)}"
        return None
    if got_error is not None:
        return "error", _short(got_error)
    if value is not _NONE:
        problem = _difference(value, got_value, random, "value")
        if problem:
            return "differ", problem
    if not random and _normal_text(printed) != _normal_text(got_printed):
        return "differ", "printed output differs"
    for key, expected_value in reference_names.items():
        if not _is_data(key, expected_value):
            continue
        if key not in names:
            return "differ", f"{key} is not bound"
        problem = _difference(expected_value, names[key], random, key)
        if problem:
            return "differ", problem
    return None


def _resync(reference_names, names, random, mode):
    """Reset every data name that differs from NumPy's run to a copy of NumPy's value."""
    for key, expected_value in reference_names.items():
        if not _is_data(key, expected_value):
            if key not in names:
                names[key] = expected_value
            continue
        if key not in names or _difference(expected_value, names[key], random, key):
            names[key] = _copy_for(mode, expected_value)


# --- the outputs ----------------------------------------------------------------------------------

def summary(rows: list[dict]) -> dict:
    """Counts over every example: ``{"examples", "skipped", "run", mode: {status: n}}``."""
    examples = [e for r in rows for e in r["examples"]]
    ran = [e for e in examples if e["skipped"] is None]
    out = {"examples": len(examples), "skipped": len(examples) - len(ran), "run": len(ran)}
    for mode in MODES:
        out[mode] = {s: sum(e[mode]["status"] == s for e in ran) for s in STATUSES}
    return out


def _share(part, whole):
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _versions():
    import jax
    return {"numpy": np.__version__, "jax": jax.__version__}


def _counts(row):
    ran = [e for e in row["examples"] if e["skipped"] is None]
    return [len(ran), len(row["examples"]) - len(ran)] + [
        sum(e[mode]["status"] == s for e in ran) for mode in MODES for s in STATUSES]


def render(rows: list[dict]) -> dict[str, str]:
    """``{file name: text}`` for the rows of :func:`run_row` (in any order)."""
    order = {g: i for i, g in enumerate(_callables.GROUPS)}
    rows = sorted(rows, key=lambda r: (order.get(_group(r["name"]), len(order)), r["name"]))
    document = {"versions": _versions(), "summary": summary(rows), "rows": rows}
    return {"examples.md": _markdown(rows, document),
            "examples.json": json.dumps(document, indent=1, ensure_ascii=False) + "\n"}


def _group(name):
    return "ufunc methods" if name.startswith("numpy.ufunc.") else _callables.group_of(name)


def _cell(text):
    return text.replace("|", "\\|").replace("`", "'")


def _markdown(rows, document):
    v, s = document["versions"], document["summary"]
    out = ["# NumPy's docstring examples on shim", "",
           f"Generated by `python -m shim.compat_table --examples` (NumPy {v['numpy']}, "
           f"JAX {v['jax']}); do not edit by hand. {_DOC} explains how the examples run.", "",
           "## Summary", "",
           f"{s['examples']} examples from {sum(bool(r['examples']) for r in rows)} docstrings; "
           f"NumPy runs {s['run']} of them cleanly here ({s['skipped']} skipped, listed at the end).",
           "", "| mode | agree | differ | error | agreement |", "|---|---|---|---|---|"]
    for mode, label in MODES.items():
        c = s[mode]
        out.append(f"| {label} | {c['agree']} | {c['differ']} | {c['error']} | "
                   f"{_share(c['agree'], s['run'])} |")
    out += ["", "## Examples by callable", "",
            "| callable | run | skipped | " + " | ".join(
                f"{label} {st}" for label in MODES.values() for st in STATUSES) + " |",
            "|---" * (3 + len(MODES) * len(STATUSES)) + "|"]
    for row in rows:
        if row["examples"]:
            out.append(f"| `{row['name']}` | " + " | ".join(map(str, _counts(row))) + " |")
    out += ["", "## Examples that do not agree", "",
            "The first statement that does not agree, per mode (examples are numbered from 1 "
            "within their docstring; the line is the docstring's).", ""]
    for row in rows:
        for index, e in enumerate(row["examples"], 1):
            for mode, label in MODES.items():
                m = e[mode]
                if m["status"] in ("differ", "error"):
                    out.append(f"- `{row['name']}` example {index} (line {e['line']}), {label}, "
                               f"statement {m['statement']} `{_cell(m['source'])}`: "
                               f"{m['status']}: {_cell(m['why'])}")
    out += ["", "## Examples NumPy cannot run here", ""]
    for row in rows:
        for index, e in enumerate(row["examples"], 1):
            if e["skipped"] is not None:
                out.append(f"- `{row['name']}` example {index} (line {e['line']}): "
                           f"{_cell(e['skipped'])}")
    no_examples = [r["name"] for r in rows if not r["examples"]]
    out += ["", "## Docstrings without examples", "",
            f"{len(no_examples)} docstrings: " + ", ".join(f"`{n}`" for n in no_examples), ""]
    return "\n".join(out)


def parse_json(text: str) -> list[dict]:
    """The rows of a generated ``examples.json``."""
    return json.loads(text)["rows"]

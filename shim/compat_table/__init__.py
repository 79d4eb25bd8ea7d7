"""The NumPy API comparison table, measured by running every callable.

``python -m shim.compat_table`` enumerates every public NumPy callable
(:mod:`._callables`), runs a smoke call per column on sample inputs
(:mod:`._samples`, :mod:`._smoke`), compares each with NumPy's own result and
writes ``compat_table/numpy_api.md``, ``.rst`` and ``.json``
(:mod:`._render`). The output is deterministic: no timings, no addresses,
rows sorted, so a fresh run can be compared with the committed files.

The rows are independent, so they run in worker processes (``--processes``).

``python -m shim.compat_table --examples`` runs NumPy's docstring examples on
shim instead (:mod:`._examples`) and writes ``compat_table/examples.md`` and
``.json``; ``--examples --update NAME...`` reruns only those docstrings and
merges their rows into the committed files.
"""
from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import multiprocessing
import os
from pathlib import Path

__all__ = ["generate", "generate_examples", "update_examples", "write", "main", "OUTPUTS"]

#: The generated files, relative to the output folder.
OUTPUTS = ("numpy_api.md", "numpy_api.rst", "numpy_api.json")

#: The default output folder: ``compat_table/`` at the repository root.
DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "compat_table"


def generate(processes: int | None = None, names: list[str] | None = None) -> dict[str, str]:
    """Run every smoke call and return ``{file name: text}`` for :data:`OUTPUTS`.

    Parameters
    ----------
    processes : int, optional
        Worker processes (default: the number of CPUs, at most 4); ``1`` runs
        in this process.
    names : list of str, optional
        Qualified names to run instead of every callable (for quick checks).

    Returns
    -------
    dict
        The text of each output file.
    """
    from . import _callables, _render, _smoke
    names = _callables.enumerate_callables() if names is None else list(names)
    return _render.render(_run_rows(_smoke.run_row, names, processes))


def generate_examples(processes: int | None = None,
                      names: list[str] | None = None) -> dict[str, str]:
    """Run NumPy's docstring examples; ``{file name: text}`` for ``examples.md`` and ``.json``.

    Parameters are those of :func:`generate`; ``names`` are docstring names
    (:func:`._examples.docstring_names`).
    """
    from . import _examples
    names = _examples.docstring_names() if names is None else list(names)
    return _examples.render(_run_rows(_examples.run_row, names, processes))


def update_examples(names: list[str], processes: int | None = None,
                    folder: Path | str = DEFAULT_FOLDER) -> dict[str, str]:
    """Rerun the docstrings ``names`` and merge their rows into ``folder``'s ``examples.json``.

    Returns ``{file name: text}`` like :func:`generate_examples`; the other rows
    are those committed, so the result equals a full run only where nothing else
    changed (a full run is the check).
    """
    from . import _examples
    path = Path(folder) / "examples.json"
    rows = {r["name"]: r for r in _examples.parse_json(path.read_text(encoding="utf-8"))}
    unknown = sorted(set(names) - set(_examples.docstring_names()))
    if unknown:
        raise ValueError(f"not docstring names: {', '.join(unknown)}")
    for row in _run_rows(_examples.run_row, list(names), processes):
        rows[row["name"]] = row
    return _examples.render(list(rows.values()))


def _run_rows(run_row, names, processes):
    """``[run_row(name) for name in names]``, in ``processes`` worker processes.

    A worker that dies (killed for memory, a crash in native code) costs only
    its pending names: they run again in a fresh pool; a name whose worker dies
    three times raises.
    """
    processes = processes or min(os.cpu_count() or 1, 4)
    if processes == 1:
        return [run_row(n) for n in names]
    context = multiprocessing.get_context("spawn")
    rows, deaths = {}, dict.fromkeys(names, 0)
    while len(rows) < len(names):
        pending = [n for n in names if n not in rows]
        with concurrent.futures.ProcessPoolExecutor(processes, mp_context=context) as pool:
            futures = {pool.submit(run_row, n): n for n in pending}
            for future in concurrent.futures.as_completed(futures):
                name = futures[future]
                try:
                    rows[name] = future.result()
                except concurrent.futures.process.BrokenProcessPool:
                    deaths[name] += 1
                    if deaths[name] >= 3:
                        raise
    return [rows[n] for n in names]


def write(texts: dict[str, str], folder: Path | str = DEFAULT_FOLDER) -> None:
    """Write the output of :func:`generate` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for file, text in texts.items():
        (folder / file).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m shim.compat_table [--examples] [--processes N] [--out FOLDER] [NAME...]``."""
    import argparse
    parser = argparse.ArgumentParser(prog="python -m shim.compat_table",
                                     description="Generate the NumPy API comparison table.")
    parser.add_argument("--examples", action="store_true",
                        help="run NumPy's docstring examples instead (compat_table/examples.*)")
    parser.add_argument("--processes", type=int, default=None, help="worker processes")
    parser.add_argument("--out", default=str(DEFAULT_FOLDER), help="output folder")
    parser.add_argument("--update", action="store_true",
                        help="with --examples and names: rerun those docstrings and merge their "
                             "rows into the committed examples.json and .md")
    parser.add_argument("names", nargs="*", help="only these qualified names (printed, not written)")
    options = parser.parse_args(argv)
    if options.update:
        if not (options.examples and options.names):
            parser.error("--update needs --examples and at least one name")
        write(update_examples(options.names, options.processes, options.out), options.out)
        return 0
    texts = (generate_examples if options.examples else generate)(options.processes,
                                                                  options.names or None)
    if options.names:
        print(texts["examples.md" if options.examples else "numpy_api.md"])
    else:
        write(texts, options.out)
    return 0

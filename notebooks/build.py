"""Build the teaching notebooks (``notebooks/*.ipynb``) from their sources, without outputs.

Each notebook is written as a plain Python file in ``notebooks/source/`` in the "percent"
format: ``# %%`` opens a code cell and ``# %% [markdown]`` a Markdown cell whose lines start
with ``# ``. Sources are easy to review and diff; the ``.ipynb`` files are committed without
outputs so that a notebook's history shows only changes to its text and code. Run from the
repository root::

    .venv/bin/python notebooks/build.py

``tests/test_notebooks.py`` executes every built notebook in a real Jupyter kernel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "source"
CELL = "# %%"
MARKDOWN = "# %% [markdown]"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _unquote(line: str) -> str:
    """A Markdown line of a source: ``# `` taken off (a heading's own ``#`` kept), or a
    bare ``#`` (a blank line)."""
    return line[2:] if line.startswith("# ") else line.removeprefix("#")


def cells(text: str) -> list:
    """Split a percent-format source into notebook cells (blank edges trimmed)."""
    result, kind, lines = [], None, []

    def flush() -> None:
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(_unquote(line) for line in lines)
            body = body.strip("\n")
            result.append(new_markdown_cell(body))
        elif kind == "code" and body:
            result.append(new_code_cell(body))

    for line in text.splitlines():
        if line.startswith(MARKDOWN) or line.startswith(CELL):
            flush()
            kind, lines = ("markdown" if line.startswith(MARKDOWN) else "code"), []
        else:
            lines.append(line)
    flush()
    return result


def build(source: Path) -> Path:
    """Write ``notebooks/<stem>.ipynb`` from one source file; returns its path."""
    notebook = new_notebook(cells=cells(source.read_text(encoding="utf-8")))
    for number, cell in enumerate(notebook.cells):
        cell.id = (
            f"{source.stem[:2]}-{number:03d}"  # stable ids: a rebuild changes only what changed
        )
    notebook.metadata["kernelspec"] = KERNELSPEC
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.validate(notebook)
    target = HERE / f"{source.stem}.ipynb"
    nbformat.write(notebook, target)
    return target


def main() -> int:
    """Build every notebook whose source is in ``notebooks/source``."""
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.py"))
    for source in sources:
        print(build(source).relative_to(HERE.parent))
    return 0 if sources else 1


if __name__ == "__main__":
    sys.exit(main())

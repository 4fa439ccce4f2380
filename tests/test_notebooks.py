"""The teaching notebooks run top to bottom in a real Jupyter kernel, without errors.

Each notebook is executed by nbclient in an IPython kernel started with this very Python
(``sys.executable``, so the kernel sees the installed package, whatever kernels the user's
Jupyter knows), from the notebook's own folder, as Jupyter runs it: notebooks load the
shipped scenarios by name, so they run from any folder. Each notebook's claim cells
(``check(...)``) fail the notebook when the model no longer bears a sentence out.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from traitlets import default

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
KERNEL_NAME = "stakhanov-sim-test"
CELL_TIMEOUT_S = 300
BUDGET_S = 120  # each notebook is meant to take under a minute on 2 cores; twice that fails


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory) -> type[KernelManager]:
    """A kernel manager whose only kernelspec launches ipykernel with this interpreter."""
    folder = tmp_path_factory.mktemp("kernels")
    spec = folder / KERNEL_NAME
    spec.mkdir()
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "stakhanov-sim (test)",
                "language": "python",
            }
        )
    )

    class VenvKernelManager(KernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self) -> KernelSpecManager:
            return KernelSpecManager(kernel_dirs=[str(folder)])

    return VenvKernelManager


def execute(
    notebook: nbformat.NotebookNode, manager_class: type[KernelManager], folder: Path = ROOT
) -> None:
    """Run every cell in a fresh kernel; raises ``CellExecutionError`` on the first error.

    nbclient starts the kernel and, owning it, shuts it down and closes its sockets.
    """
    client = NotebookClient(
        notebook,
        kernel_manager_class=manager_class,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()


def outputs(notebook: nbformat.NotebookNode, kind: str) -> list:
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.get("output_type") == kind or o.get("name") == kind]  # fmt: skip


def test_notebooks_exist_and_are_committed_without_outputs():
    """Six notebooks, stored clean: no outputs, no execution counts."""
    assert len(NOTEBOOKS) == 6, [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        for heading in ("THINGS TO NOTICE", "THINGS TO TRY", "Questions for discussion"):
            assert heading in text, f"{path.name} lacks {heading}"


def _build_module():
    spec = importlib.util.spec_from_file_location("notebook_build", ROOT / "notebooks" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_markdown_keeps_its_headings():
    """A source's ``# # Title`` is the notebook's ``# Title`` (a title, not a list item)."""
    (cell,) = _build_module().cells("# %% [markdown]\n# # 1. Title\n#\n# ## Part\n# text")
    assert cell.source == "# 1. Title\n\n## Part\ntext"


def test_notebooks_are_built_from_their_sources():
    """Each committed notebook's cells are those its source in ``notebooks/source`` builds
    (run ``notebooks/build.py`` after editing a source), and each opens with a title."""
    build = _build_module()
    for path in NOTEBOOKS:
        source = ROOT / "notebooks" / "source" / f"{path.stem}.py"
        built = build.cells(source.read_text(encoding="utf-8"))
        committed = nbformat.read(path, as_version=4).cells
        assert [(c.cell_type, c.source) for c in committed] == [
            (c.cell_type, c.source) for c in built
        ], f"{path.name} differs from {source.name}: run notebooks/build.py"
        assert committed[0].source.startswith(f"# {int(path.name[:2])}. "), path.name


@pytest.mark.slow
def test_kernel_is_this_python(kernel_specs):
    """The kernel runs the venv's interpreter (which has stakhanov_sim), not another one."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import sys, stakhanov_sim; print(sys.executable)")]
    )
    execute(notebook, kernel_specs)
    (stream,) = outputs(notebook, "stdout")
    assert Path(stream["text"].strip()) == Path(sys.executable)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_without_errors(path, kernel_specs):
    """Top to bottom, no error, no warning on stderr, figures drawn, within the time budget."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    execute(notebook, kernel_specs, folder=path.parent)
    seconds = time.perf_counter() - started
    print(f"{path.name}: {seconds:.1f} s")
    assert not outputs(notebook, "error")
    warnings = [o["text"] for o in outputs(notebook, "stderr")]
    assert not warnings, f"{path.name} wrote to stderr: {warnings}"
    images = [o for o in outputs(notebook, "display_data") if "image/png" in o.get("data", {})]
    assert images, f"{path.name} drew no figure"
    checked = [o["text"] for o in outputs(notebook, "stdout") if "checked: " in o["text"]]
    assert checked or path.stem.startswith("06"), f"{path.name} checks none of its claims"
    assert seconds < BUDGET_S, f"{path.name} took {seconds:.0f} s (budget {BUDGET_S} s)"

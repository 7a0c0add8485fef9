"""Running a notebook's tests in the grader's own process, against answers fetched from the kernel.

A learner controls everything inside their kernel: the names the tests call,
the libraries they import, IPython itself, and what the kernel reports. So after
the kernel has run the notebook, the grader runs every test cell again here,
outside the kernel, in a namespace built from the instructor's own cells. The
names the learner was asked to define are proxies: reading one fetches its
value from the kernel as plain data; calling one sends the arguments in and
brings the result back as plain data (see ``probe_codec``). A patched
``np.allclose``, a swallowed exception or a faked output in the kernel cannot
change what these tests see.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import pickle
import uuid
from pathlib import Path

import nbformat

from .grading import strip_solution_markers
from .probe_codec import LearnerError, UngradableAnswer, read_answer



def answer_names(source: str) -> list[str]:
    """Names a solution cell defines at the top level (functions, variables)."""
    tree = ast.parse(strip_solution_markers(source))  # the instructor's own cell: a syntax error here is a real fault
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        names.append(sub.id)
    return list(dict.fromkeys(names))


class Kernel:
    """Asks the learner's kernel for answers, through the grading client."""

    def __init__(self, run_code, workdir: Path):
        self.run_code = run_code  # callable(code) -> None: executes code in the kernel, waits
        self.workdir = workdir
        self.calls = 0

    def _exchange(self, code_template: str, name: str, args=None) -> object:
        self.calls += 1
        token = uuid.uuid4().hex
        out = self.workdir / f".csw-answer-{token}.json"
        args_path = ""
        if args is not None:
            args_file = self.workdir / f".csw-args-{token}.pickle"
            args_file.write_bytes(pickle.dumps(args))
            args_path = str(args_file)
        code = code_template.format(name=repr(name), args=repr(args_path), out=repr(str(out)))
        try:
            self.run_code(code)
            return read_answer(out)
        finally:
            out.unlink(missing_ok=True)
            if args_path:
                Path(args_path).unlink(missing_ok=True)

    def kind(self, name: str) -> str:
        return self._exchange("__import__('csworkbook.trainer.probe_codec', fromlist=['x']).kind_in_kernel("
                              "globals(), {name}, {out})", name)

    def value(self, name: str):
        return self._exchange("__import__('csworkbook.trainer.probe_codec', fromlist=['x']).run_in_kernel("
                              "globals(), {name}, {args}, {out})", name)

    def call(self, name: str, args: tuple, kwargs: dict):
        return self._exchange("__import__('csworkbook.trainer.probe_codec', fromlist=['x']).run_in_kernel("
                              "globals(), {name}, {args}, {out})", name, (args, kwargs))


class FunctionProxy:
    def __init__(self, kernel: Kernel, name: str):
        self._kernel, self.__name__ = kernel, name

    def __call__(self, *args, **kwargs):
        return self._kernel.call(self.__name__, args, kwargs)

    def __repr__(self) -> str:
        return f"<learner's function {self.__name__}>"


class _NoIPython:
    """Stands in for get_ipython() when instructor cells use a magic: magics do nothing here."""

    def run_line_magic(self, *args, **kwargs):
        return None

    run_cell_magic = system = run_line_magic


def _python(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _defined(tree: ast.AST) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.With)):
            names.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return names


def _read(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _needed_cells(cells: list) -> set[int]:
    """Indexes of the instructor's non-test cells that define something a test (or a needed cell) reads.

    Cells that only draw a chart or show a table are skipped: the tests cannot
    depend on them, and running them here would cost time for nothing.
    """
    parsed = {}
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("solution"):
            try:
                parsed[i] = ast.parse(_python(cell.source))
            except SyntaxError:
                parsed[i] = None
    wanted = set()
    needed: set[int] = set()
    for i in sorted(parsed, reverse=True):
        tree = parsed[i]
        if cells[i].metadata.get("nbgrader", {}).get("grade"):
            if tree is not None:
                wanted |= _read(tree)
            continue
        if tree is None or _defined(tree) & wanted:
            needed.add(i)
            if tree is not None:
                wanted |= _read(tree)
    return needed


def _prepared(source_path: Path):
    """The instructor notebook, the cells the tests need, and each code cell as plain Python.

    The same for every submission of an assignment, so a worker works it out once per
    version of the file (keyed by its time and size), not once per learner.
    """
    stat = source_path.stat()
    return _prepare(str(source_path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _prepare(path: str, mtime_ns: int, size: int):
    nb = nbformat.read(path, as_version=4)
    python = {i: _python(c.source) for i, c in enumerate(nb.cells)
              if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("solution")}
    return nb, _needed_cells(nb.cells), python


def verify(source_path: Path, kernel: Kernel, stop_before: int | None = None) -> dict[str, tuple[bool, str]]:
    """Run every test cell of the instructor notebook here; return {grade_id: (passed, reason)}.

    ``stop_before``: the index of a cell the learner's kernel never finished
    (it died there); tests from that point on are not run.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nb, needed, python = _prepared(Path(source_path))
    namespace: dict = {"get_ipython": _NoIPython, "__name__": "__main__"}
    results: dict[str, tuple[bool, str]] = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            for name in answer_names(cell.source):
                try:
                    kind = kernel.kind(name)
                except (LearnerError, UngradableAnswer):
                    kind = "missing"
                if kind == "callable":
                    namespace[name] = FunctionProxy(kernel, name)
                elif kind == "value":
                    try:
                        namespace[name] = kernel.value(name)
                    except (LearnerError, UngradableAnswer) as exc:
                        namespace.pop(name, None)
                        results.setdefault(f"answer:{name}", (False, str(exc)))
                else:
                    namespace.pop(name, None)
            continue
        grade_id = meta.get("grade_id")
        is_test = bool(meta.get("grade")) and grade_id
        if not is_test and index not in needed:
            continue
        if is_test and stop_before is not None and index >= stop_before:
            results[grade_id] = (False, "not run: the learner's kernel had stopped before this test")
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(python[index], f"<{grade_id or cell.get('id', index)}>", "exec"), namespace)
            if is_test:
                results[grade_id] = (True, "")
        except Exception as exc:  # noqa: BLE001 - any failure of a test is a failed test
            if is_test:
                results[grade_id] = (False, f"{type(exc).__name__}: {str(exc)[:300]}")
        finally:
            plt.close("all")
    return {k: v for k, v in results.items() if not k.startswith("answer:")}

"""Test strength: would a task's tests notice a wrong answer?

A *mutant* is the instructor's solution with one small change, the kind of slip
a learner makes: ``>=`` for ``>``, ``mean`` for ``median``, ``ascending=True``,
a threshold one step off, a keyword dropped. Each mutant is run against the
task's tests. A test that fails on it *kills* it; a mutant that passes every
test *survives*, and shows a wrong answer the grader would give full marks.

How it runs (one kernel per notebook, as fast as a build needs):

* one Jupyter kernel runs the instructor notebook cell by cell, real solutions
  included, so every task sees the state the grader's run would give it;
* just before a task's answer cell, each of its mutants runs in a *copy* of the
  kernel's namespace (data frames and lists copied, so a mutant cannot spoil the
  next one): the mutated answer, then the visible tests, then the hidden tests.
  The real answer then runs in the real namespace, so later tasks build on it;
* a mutant that makes the answer cell itself raise is not a test result (any
  learner would see that error at once): it is counted as *answer fails* and
  left out of the rate. A mutant that runs too long is stopped and counts as
  killed (the grader's time limit would fail it too).

Mutants an author has checked and found to behave exactly like the solution
(*equivalent* mutants: no test could ever kill them) are recorded with a reason
in ``mutants.yaml`` beside the notebook; they are shown and left out of the rate.

The rate is ``killed / (mutants - equivalent - answer fails)``; a task below
``c.CSWorkbook.kill_rate`` (``nbgrader_config.py``) fails ``csworkbook verify``.

This module is imported inside the kernel too (``run_in_kernel``): its top level
uses the standard library only.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import hashlib
import io
import json
import re
import time
import tokenize
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

MUTANTS_FILE = "mutants.yaml"
# A mutant may run ten times as long as the solution's own run of the tests, and at least this long.
MIN_MUTANT_SECONDS = 5.0

# ---------------------------------------------------------------------------
# The mutation operators
# ---------------------------------------------------------------------------

_ARITHMETIC = {ast.Add: ("+", ["-"]), ast.Sub: ("-", ["+"]), ast.Mult: ("*", ["/"]), ast.Div: ("/", ["*"]),
               ast.FloorDiv: ("//", ["/"]), ast.Mod: ("%", ["//"]), ast.Pow: ("**", ["*"])}
_COMPARISON = {ast.Lt: ("<", ["<=", ">="]), ast.LtE: ("<=", ["<", ">"]), ast.Gt: (">", [">=", "<="]),
               ast.GtE: (">=", [">", "<"]), ast.Eq: ("==", ["!="]), ast.NotEq: ("!=", ["=="]),
               ast.Is: ("is", ["is not"]), ast.IsNot: ("is not", ["is"]), ast.In: ("in", ["not in"]),
               ast.NotIn: ("not in", ["in"])}
_BOOLEAN = {ast.And: ("and", ["or"]), ast.Or: ("or", ["and"])}

# Method calls swapped for a near neighbour: the aggregation a learner might pick instead.
AGGREGATIONS = {
    "mean": ["median", "sum"], "median": ["mean"], "sum": ["mean", "count"], "count": ["sum", "nunique"],
    "nunique": ["count"], "size": ["count"], "max": ["min"], "min": ["max"], "idxmax": ["idxmin"],
    "idxmin": ["idxmax"], "nlargest": ["nsmallest"], "nsmallest": ["nlargest"], "head": ["tail"],
    "tail": ["head"], "first": ["last"], "last": ["first"], "any": ["all"], "all": ["any"],
    "std": ["var"], "var": ["std"], "prod": ["sum"], "cumsum": ["cumprod"], "argmax": ["argmin"],
    "argmin": ["argmax"],
}
# Built-in functions swapped the same way.
BUILTIN_SWAPS = {"max": ["min"], "min": ["max"], "any": ["all"], "all": ["any"]}
# Aggregations named by a string argument: .agg("mean"), aggfunc="sum", .transform("max").
STRING_AGGREGATIONS = {k: v for k, v in AGGREGATIONS.items()
                       if k in {"mean", "median", "sum", "count", "nunique", "size", "max", "min", "std", "var",
                                "first", "last", "any", "all", "prod", "idxmax", "idxmin"}}
# Calls whose removal leaves a plausible, wrong answer: round(x, 1) -> x, df.dropna() -> df.
REMOVABLE_FUNCTIONS = {"round", "abs"}
REMOVABLE_METHODS = {"round", "abs", "dropna", "drop_duplicates", "fillna", "head", "tail", "unique"}
SORT_METHODS = {"sort_values", "sort_index", "rank"}

_ATOMS = (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Set,
          ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)


@dataclass(frozen=True)
class SourceMutant:
    """One single-change mutant of a piece of code."""

    kind: str         # the operator: comparison, arithmetic, constant, flag, aggregation, ...
    description: str  # what changed, e.g. "`>=` -> `>`"
    lineno: int       # 1-based line of the change in the original code
    original: str     # the original line(s) the change touches
    mutated: str      # the same line(s) after the change
    source: str       # the whole mutated code
    column: int = 0   # where in ``mutated`` the change starts


@dataclass(frozen=True)
class _Edit:
    kind: str
    description: str
    start: int
    end: int
    text: str


class _Code:
    """Source text with conversions between ast positions and string offsets."""

    def __init__(self, source: str):
        self.source = source
        self.lines = source.splitlines(keepends=True) or [""]
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
                       if t.type in (tokenize.OP, tokenize.NAME)]
        self.token_starts = [self.char(*t.start, chars=True) for t in self.tokens]

    def char(self, lineno: int, col: int, chars: bool = False) -> int:
        if lineno - 1 >= len(self.lines):
            return len(self.source)
        line = self.lines[lineno - 1]
        if not chars:  # ast columns count UTF-8 bytes
            col = len(line.encode("utf-8")[:col].decode("utf-8", errors="ignore"))
        return self.starts[lineno - 1] + col

    def span(self, node: ast.AST) -> tuple[int, int]:
        return self.char(node.lineno, node.col_offset), self.char(node.end_lineno, node.end_col_offset)

    def text(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.source[start:end]

    def atom(self, node: ast.AST) -> str:
        """The node's code, in parentheses unless it is safe anywhere."""
        text = self.text(node)
        return text if isinstance(node, _ATOMS) else f"({text})"

    def operator(self, after: int, before: int, words: int) -> tuple[int, int] | None:
        """The span of the operator token(s) between two operands (parentheses skipped)."""
        found = [i for i, s in enumerate(self.token_starts)
                 if after <= s < before and self.tokens[i].string not in "()"]
        if len(found) < words:
            return None
        first, last = self.tokens[found[0]], self.tokens[found[words - 1]]
        return self.char(*first.start, chars=True), self.char(*last.end, chars=True)


def _is_number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _step_values(code: _Code, node: ast.Constant, negative: bool = False) -> list[str]:
    """A number one step either side: 9 -> 8, 10; 0.05 -> 0.04, 0.06 (the step is the last digit written)."""
    value = node.value
    if isinstance(value, int):
        value = -value if negative else value
        return [str(value - 1), str(value + 1)]
    try:
        written = Decimal(code.text(node).replace("_", ""))
    except InvalidOperation:
        written = Decimal(repr(value))
    if not written.is_finite():
        return []
    written = -written if negative else written
    step = Decimal(1).scaleb(written.as_tuple().exponent)
    return [repr(float(written - step)), repr(float(written + step))]


class _Collector(ast.NodeVisitor):
    def __init__(self, code: _Code, lines: set[int] | None):
        self.code = code
        self.lines = lines
        self.edits: list[_Edit] = []
        self.parents: dict[int, ast.AST] = {}

    def inside(self, node: ast.AST) -> bool:
        if not hasattr(node, "lineno") or node.end_lineno is None:
            return False
        return self.lines is None or all(n in self.lines for n in range(node.lineno, node.end_lineno + 1))

    def add(self, kind: str, description: str, start: int, end: int, text: str) -> None:
        self.edits.append(_Edit(kind, description, start, end, text))

    def replace(self, node: ast.AST, kind: str, description: str, text: str) -> None:
        start, end = self.code.span(node)
        self.add(kind, description, start, end, text)

    def generic_visit(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            self.parents[id(child)] = node
        super().generic_visit(node)

    # f-strings: their parts have no reliable positions before Python 3.12; leave them alone
    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return None

    def _swap_operator(self, kind: str, table: dict, op: ast.AST, left: ast.AST, right: ast.AST) -> None:
        symbol, others = table[type(op)]
        span = self.code.operator(self.code.span(left)[1], self.code.span(right)[0], len(symbol.split()))
        if span is None:
            return
        for other in others:
            self.add(kind, f"`{symbol}` -> `{other}`", span[0], span[1], other)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        texty = any(isinstance(side, ast.JoinedStr) or (
            isinstance(side, ast.Constant) and isinstance(side.value, (str, bytes))) for side in (node.left, node.right))
        if self.inside(node) and type(node.op) in _ARITHMETIC and not texty:
            self._swap_operator("arithmetic", _ARITHMETIC, node.op, node.left, node.right)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if self.inside(node) and type(node.op) in _ARITHMETIC:
            symbol, others = _ARITHMETIC[type(node.op)]
            span = self.code.operator(self.code.span(node.target)[1], self.code.span(node.value)[0], 1)
            if span is not None:
                for other in others:
                    self.add("arithmetic", f"`{symbol}=` -> `{other}=`", span[0], span[1], other + "=")
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        if self.inside(node):
            left = node.left
            for op, right in zip(node.ops, node.comparators):
                self._swap_operator("comparison", _COMPARISON, op, left, right)
                left = right
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        if self.inside(node):
            for left, right in zip(node.values, node.values[1:]):
                self._swap_operator("boolean", _BOOLEAN, node.op, left, right)
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if self.inside(node):
            if isinstance(node.op, ast.Not):
                self.replace(node, "negation", "`not` removed", self.code.atom(node.operand))
            elif isinstance(node.op, ast.USub) and _is_number(node.operand):
                text = self.code.text(node)  # -0.05 is one constant to a reader: -0.04, -0.06
                for other in _step_values(self.code, node.operand, negative=True):
                    self.replace(node, "constant", f"`{text}` -> `{other}`", other)
                return
            elif isinstance(node.op, ast.USub) and not isinstance(node.operand, ast.Constant):
                self.replace(node, "negation", "unary `-` removed", self.code.atom(node.operand))
        self.generic_visit(node)

    def _negate_test(self, test: ast.AST) -> None:
        if self.inside(test) and not isinstance(test, ast.Compare) and not (
                isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
            self.replace(test, "condition", "condition negated", f"not {self.code.atom(test)}")

    def visit_If(self, node: ast.If) -> None:
        self._negate_test(node.test)
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        self._negate_test(node.test)
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._negate_test(node.test)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not self.inside(node):
            return
        parent = self.parents.get(id(node))
        value = node.value
        if isinstance(value, bool):
            if isinstance(parent, ast.keyword) and parent.arg:
                self.replace(node, "flag", f"`{parent.arg}={value}` -> `{parent.arg}={not value}`", str(not value))
            else:
                self.replace(node, "constant", f"`{value}` -> `{not value}`", str(not value))
        elif _is_number(node):
            for other in _step_values(self.code, node):
                self.replace(node, "constant", f"`{self.code.text(node)}` -> `{other}`", other)
        elif isinstance(value, str) and value in STRING_AGGREGATIONS and (
                isinstance(parent, ast.keyword) or (isinstance(parent, ast.Call) and node in parent.args)):
            quote = self.code.text(node)[0] if self.code.text(node)[:1] in "'\"" else '"'
            for other in STRING_AGGREGATIONS[value]:
                self.replace(node, "aggregation", f"`{value!r}` -> `{other!r}`", f"{quote}{other}{quote}")

    def visit_Call(self, node: ast.Call) -> None:
        if self.inside(node):
            self._call(node)
        self.generic_visit(node)

    def _call(self, node: ast.Call) -> None:
        code, func = self.code, node.func
        start, end = code.span(node)
        method = func.attr if isinstance(func, ast.Attribute) else None
        name = func.id if isinstance(func, ast.Name) else None
        # aggregation swapped: .mean() -> .median(); max(...) -> min(...)
        if method in AGGREGATIONS:
            attr_end = code.char(func.end_lineno, func.end_col_offset)
            for other in AGGREGATIONS[method]:
                self.add("aggregation", f"`.{method}()` -> `.{other}()`", attr_end - len(method), attr_end, other)
        if name in BUILTIN_SWAPS:
            for other in BUILTIN_SWAPS[name]:
                self.replace(func, "aggregation", f"`{name}()` -> `{other}()`", other)
        # sort order reversed where no keyword says it
        keywords = {k.arg for k in node.keywords}
        flag = ("ascending", "False") if method in SORT_METHODS else ("reverse", "True") if (
            name == "sorted" or method == "sort") else None
        if flag and flag[0] not in keywords and code.source[end - 1:end] == ")":
            head = code.source[start:end - 1].rstrip()
            sep = "" if head.endswith(("(", ",")) else ", "
            self.add("sort order", f"`{flag[0]}={flag[1]}` added", start, end, f"{head}{sep}{flag[0]}={flag[1]})")
        # a call taken away: round(x, 1) -> x; df.dropna() -> df
        if name in REMOVABLE_FUNCTIONS and node.args and not isinstance(node.args[0], ast.Starred):
            self.add("call removed", f"`{name}(...)` removed", start, end, code.atom(node.args[0]))
        if method in REMOVABLE_METHODS:
            self.add("call removed", f"`.{method}(...)` removed", start, end, code.atom(func.value))
        # arguments: a keyword dropped (its default used instead); two positional arguments swapped
        parts = [*node.args, *node.keywords]
        if any(isinstance(p, ast.Starred) for p in node.args) or not all(hasattr(p, "lineno") for p in parts):
            return
        ordered = sorted(parts, key=lambda p: (p.lineno, p.col_offset))
        texts = {id(p): code.text(p) for p in ordered}
        call_head = code.text(func)

        def rebuilt(items):
            return f"{call_head}({', '.join(texts[id(p)] for p in items)})"

        for kw in node.keywords:
            if kw.arg and not (isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, bool)):
                self.add("argument", f"`{kw.arg}=` dropped", start, end, rebuilt([p for p in ordered if p is not kw]))
        for a, b in zip(node.args, node.args[1:]):
            if texts[id(a)] != texts[id(b)]:
                swapped = [b if p is a else a if p is b else p for p in ordered]
                self.add("argument", f"arguments `{texts[id(a)]}` and `{texts[id(b)]}` swapped", start, end,
                         rebuilt(swapped))

    def visit_Slice(self, node: ast.Slice) -> None:
        if self.inside(node):
            parts = {"start": node.lower, "stop": node.upper, "step": node.step}
            for dropped, part in parts.items():
                if part is None:
                    continue
                text = [("" if p is None or k == dropped else self.code.text(p)) for k, p in parts.items()]
                step = f":{text[2]}" if parts["step"] is not None and dropped != "step" else ""
                new = f"{text[0]}:{text[1]}{step}"
                self.replace(node, "slice", f"slice {dropped} removed", new)
        self.generic_visit(node)

    def visit_List(self, node: ast.List) -> None:
        if self.inside(node) and isinstance(node.ctx, ast.Load) and 2 <= len(node.elts) <= 12 and not any(
                isinstance(e, ast.Starred) for e in node.elts):
            texts = [self.code.text(e) for e in node.elts]
            for i, removed in enumerate(texts):
                rest = texts[:i] + texts[i + 1:]
                self.replace(node, "element removed", f"list element `{removed}` removed", f"[{', '.join(rest)}]")
        self.generic_visit(node)


def _line_block(source: str, start: int, end: int) -> tuple[int, str]:
    """The 1-based number of the line holding ``start`` and the full lines from ``start`` to ``end``."""
    first = source.rfind("\n", 0, start) + 1
    last = source.find("\n", max(end - 1, start))
    last = len(source) if last == -1 else last
    return source.count("\n", 0, start) + 1, source[first:last]


def solution_lines(source: str) -> set[int] | None:
    """Lines strictly inside ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (None: no markers, all of it)."""
    inside, lines, seen = False, set(), False
    for n, line in enumerate(source.splitlines(), 1):
        if re.match(r"\s*###\s*BEGIN SOLUTION", line):
            inside, seen = True, True
        elif re.match(r"\s*###\s*END SOLUTION", line):
            inside = False
        elif inside:
            lines.add(n)
    return lines if seen else None


def mutants_of(source: str, only_lines: set[int] | None = None) -> list[SourceMutant]:
    """Every single-change mutant of ``source`` that parses and differs from it (no duplicates).

    ``only_lines``: mutate only nodes that lie wholly on these (1-based) lines.
    """
    tree = ast.parse(source)
    code = _Code(source)
    collector = _Collector(code, only_lines)
    collector.visit(tree)
    seen = {source}
    out = []
    for edit in sorted(collector.edits, key=lambda e: (e.start, e.end)):
        mutated = source[:edit.start] + edit.text + source[edit.end:]
        if mutated in seen:
            continue
        seen.add(mutated)
        try:
            ast.parse(mutated)
        except SyntaxError:
            continue
        lineno, original = _line_block(source, edit.start, edit.end)
        _, changed = _line_block(mutated, edit.start, edit.start + len(edit.text))
        column = edit.start - (mutated.rfind("\n", 0, edit.start) + 1)
        out.append(SourceMutant(edit.kind, edit.description, lineno, original, changed, mutated, column))
    return out


# ---------------------------------------------------------------------------
# Tasks in a notebook
# ---------------------------------------------------------------------------


def _python(source: str) -> str:
    """A cell's code as plain Python (IPython magics turned into calls)."""
    try:
        ast.parse(source)
        return source
    except SyntaxError:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell defines at any level, names it reads)."""
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return set(), set()
    defined, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (defined if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name).split(".")[0] for a in node.names)
    return defined, read


def split_hidden(source: str) -> tuple[str, str | None]:
    """A test cell as (visible code, hidden code to run after it in the same namespace).

    The hidden code is None when the hidden tests cannot simply follow the
    visible ones (visible code after them, or an indented block): then the whole
    cell is run again in a fresh namespace.
    """
    visible, hidden, inside, after_hidden = [], [], False, False
    for line in source.splitlines():
        if "BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "END HIDDEN TESTS" in line:
            inside, after_hidden = False, True
        elif inside:
            hidden.append(line)
        else:
            visible.append(line)
            if after_hidden and line.strip() and not line.strip().startswith("#"):
                return "\n".join(visible), None
    hidden_code = "\n".join(hidden)
    try:
        ast.parse(_python(hidden_code))
    except SyntaxError:
        return "\n".join(visible), None
    return "\n".join(visible), hidden_code


@dataclass
class Task:
    """An autograded task: its answer cells and the test cell(s) that follow them."""

    grade_id: str                  # the first test cell's grade id: the task's name in reports
    answer_ids: list[str]
    first_cell: int                # index of the first answer cell in the notebook
    answers: list[str]             # answer cell sources, in order
    steps: list[tuple[str, str]]   # after the answers: ("cell", needed code) or ("test", test cell source)
    test_ids: list[str] = field(default_factory=list)

    def names(self) -> set[str]:
        return {self.grade_id, *self.answer_ids, *self.test_ids}


def find_tasks(nb) -> list[Task]:
    """The autograded tasks of a notebook, in order.

    A task is the answer (solution) code cells since the previous test cell,
    plus the test cells after them. Cells in between run for a mutant only if
    a test reads a name they define (a ``q1.check()`` cell does not).
    """
    tasks: list[Task] = []
    answers: list[tuple[int, object]] = []
    between: list[object] = []
    current: Task | None = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade"):
            if current is not None:  # a new task starts: what ran before it is the kernel's own state
                current, between = None, []
            answers.append((index, cell))
            continue
        if meta.get("grade") and not meta.get("solution"):
            if answers:
                current = Task(meta.get("grade_id", f"cell-{index}"),
                               [c.metadata["nbgrader"].get("grade_id", f"cell-{i}") for i, c in answers],
                               answers[0][0], [c.source for _, c in answers], [])
                tasks.append(current)
                answers = []
            if current is None:
                between = []
                continue
            _, reads = _names(cell.source)
            current.steps.extend(("cell", c.source) for c in between if _names(c.source)[0] & reads)
            current.steps.append(("test", cell.source))
            current.test_ids.append(meta.get("grade_id", f"cell-{index}"))
            between = []
            continue
        if answers or current is not None:
            between.append(cell)
    return tasks


def mutant_id(task: str, original: str, mutated: str) -> str:
    raw = f"{task}\0{' '.join(original.split())}\0{' '.join(mutated.split())}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:7]


@dataclass(frozen=True)
class Mutant:
    """A mutant of one task: one answer cell with a single change."""

    id: str
    task: str
    cell: str          # the answer cell's grade id
    cell_number: int   # which of the task's answer cells (0-based)
    change: SourceMutant


def task_mutants(task: Task) -> list[Mutant]:
    out: list[Mutant] = []
    ids: set[str] = set()
    for number, (cell_id, source) in enumerate(zip(task.answer_ids, task.answers)):
        code = _python(source)
        for change in mutants_of(code, solution_lines(code)):
            mid = base = mutant_id(task.grade_id, change.original, change.mutated)
            n = 1
            while mid in ids:
                n += 1
                mid = f"{base}-{n}"
            ids.add(mid)
            out.append(Mutant(mid, task.grade_id, cell_id, number, change))
    return out


# ---------------------------------------------------------------------------
# Equivalent mutants recorded by the author
# ---------------------------------------------------------------------------


class MutantsFileError(ValueError):
    """mutants.yaml is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Equivalent:
    task: str
    reason: str
    mutant: str | None = None
    line: str | None = None
    notebook: str | None = None
    where: str = ""

    def matches(self, notebook: str, mutant: Mutant, task: Task) -> bool:
        if self.notebook and self.notebook != notebook:
            return False
        if self.task not in task.names():
            return False
        if self.mutant:
            return self.mutant == mutant.id
        return " ".join(self.line.split()) == " ".join(mutant.change.mutated.split())


def load_equivalents(folder: Path) -> list[Equivalent]:
    """The equivalent mutants recorded in ``folder/mutants.yaml`` (none if there is no file)."""
    path = Path(folder) / MUTANTS_FILE
    if not path.is_file():
        return []
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise MutantsFileError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("equivalent", []), list):
        raise MutantsFileError(f"{path}: expected a mapping with a list under `equivalent:`")
    extra = set(data) - {"equivalent"}
    if extra:
        raise MutantsFileError(f"{path}: unknown key(s) {', '.join(sorted(map(str, extra)))}; only `equivalent:`")
    out = []
    for n, entry in enumerate(data.get("equivalent") or [], 1):
        where = f"{path}: equivalent entry {n}"
        if not isinstance(entry, dict):
            raise MutantsFileError(f"{where}: expected `task:`, `mutant:` (or `line:`) and `reason:`")
        unknown = set(entry) - {"task", "mutant", "line", "reason", "notebook"}
        if unknown:
            raise MutantsFileError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        task, reason = entry.get("task"), entry.get("reason")
        mutant, line = entry.get("mutant"), entry.get("line")
        if not task or not isinstance(task, str):
            raise MutantsFileError(f"{where}: `task:` (the test cell's grade id) is missing")
        if not reason or not str(reason).strip():
            raise MutantsFileError(f"{where}: `reason:` is missing: say why no test can tell this mutant "
                                   "from the solution")
        if bool(mutant) == bool(line):
            raise MutantsFileError(f"{where}: give exactly one of `mutant:` (its id) or `line:` (the mutated line)")
        out.append(Equivalent(task, str(reason).strip(), str(mutant) if mutant else None,
                              str(line) if line else None, entry.get("notebook"), where))
    return out


# ---------------------------------------------------------------------------
# Inside the kernel
# ---------------------------------------------------------------------------

LAST_RESULT = ""
_IPYTHON_NAMES = {"In", "Out", "_oh", "_ih", "_dh", "_", "__", "___", "get_ipython", "exit", "quit"}


def _copy_value(value):
    kind = type(value)
    if kind in (list, dict, set, bytearray):
        return copy.copy(value)
    root = kind.__module__.split(".", 1)[0]
    if root in ("pandas", "numpy") and hasattr(value, "copy") and not isinstance(value, type):
        try:
            return value.copy()
        except Exception:  # noqa: BLE001 - a value that cannot copy itself is shared as it is
            return value
    return value


_IPYTHON_HISTORY = re.compile(r"_i{1,3}|_i?\d+")  # _i, _ii, _iii, _i12, _12: IPython's input and output history


def _copy_namespace(namespace: dict) -> dict:
    return {k: (v if k in _IPYTHON_NAMES or _IPYTHON_HISTORY.fullmatch(k) else _copy_value(v))
            for k, v in namespace.items()}


def run_in_kernel(namespace: dict, payload: str) -> None:
    """Run one mutant against its task's tests in copies of ``namespace``; result in ``LAST_RESULT`` (JSON).

    Stages: ``answer`` (the answer cells raised), ``visible`` (a visible test failed),
    ``hidden`` (only a hidden test failed) or ``survived``.
    """
    global LAST_RESULT
    LAST_RESULT = ""  # never a previous mutant's result
    job = json.loads(payload)
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - kernels always have IPython
        shell = None

    def compiled(source: str, name: str):
        return compile(shell.transform_cell(source) if shell else source, name, "exec")

    def run(ns, plan, stage_name):
        nonlocal stage
        for kind, code in plan:
            if kind == "cell":
                try:
                    exec(code, ns)
                except Exception:  # noqa: BLE001 - like the grader: a failing ordinary cell does not stop the run
                    pass
            else:
                stage = stage_name
                exec(code, ns)

    stage, error, started = "answer", "", time.perf_counter()
    sink = io.StringIO()
    try:
        answers = [compiled(s, f"<answer {i}>") for i, s in enumerate(job["answers"])]
        stage = "visible"  # a test cell that does not compile fails as a test would
        steps = [(kind, compiled(s, f"<{kind}>")) for kind, s in job["visible_steps"]]
        hidden = compiled(job["hidden"], "<hidden tests>") if job.get("hidden") else None
        full_steps = ([(kind, compiled(s, f"<{kind}>")) for kind, s in job["full_steps"]]
                      if job.get("full_steps") else None)
        stage = "answer"
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            ns = _copy_namespace(namespace)
            for code in answers:
                exec(code, ns)
            run(ns, steps, "visible")
            if full_steps is not None:
                ns = _copy_namespace(namespace)
                stage = "answer"
                for code in answers:
                    exec(code, ns)
                run(ns, full_steps, "hidden")
            elif hidden is not None:
                stage = "hidden"
                exec(hidden, ns)
            stage = "survived"
    except BaseException as exc:  # noqa: BLE001 - anything a mutant raises, KeyboardInterrupt (timeout) included
        error = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        plt = __import__("sys").modules.get("matplotlib.pyplot")
        if plt is not None:
            plt.close("all")
    LAST_RESULT = json.dumps({"stage": stage, "error": error, "seconds": time.perf_counter() - started})


# ---------------------------------------------------------------------------
# Measuring a course: one kernel per notebook
# ---------------------------------------------------------------------------


@dataclass
class MutantResult:
    mutant: Mutant
    outcome: str          # visible, hidden, survived, equivalent, answer (the answer cell itself raised)
    error: str = ""       # what killed it
    reason: str = ""      # why it is equivalent (from mutants.yaml)
    timed_out: bool = False


@dataclass
class TaskStrength:
    assignment: str
    notebook: str
    task: str
    results: list[MutantResult] = field(default_factory=list)
    kill_rate: float | None = None
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def _count(self, outcome: str) -> int:
        return sum(r.outcome == outcome for r in self.results)

    @property
    def mutants(self) -> int:
        return len(self.results)

    @property
    def killed_visible(self) -> int:
        return self._count("visible")

    @property
    def killed_hidden(self) -> int:
        return self._count("hidden")

    @property
    def survivors(self) -> list[MutantResult]:
        return [r for r in self.results if r.outcome == "survived"]

    @property
    def equivalent(self) -> int:
        return self._count("equivalent")

    @property
    def answer_fails(self) -> int:
        return self._count("answer")

    @property
    def rate(self) -> float | None:
        """Killed / (mutants - equivalent - answer fails); None when nothing is left to measure."""
        measured = self.killed_visible + self.killed_hidden + len(self.survivors)
        return (self.killed_visible + self.killed_hidden) / measured if measured else None

    @property
    def verdict(self) -> str:
        if self.problems:
            return "FAIL"
        if self.rate is None:
            return "no mutants"
        if self.kill_rate is None:
            return "-"
        return "ok" if self.rate >= self.kill_rate - 1e-12 else "FAIL"

    @property
    def ok(self) -> bool:
        return self.verdict != "FAIL"


@dataclass
class NotebookStrength:
    assignment: str
    notebook: str
    tasks: list[TaskStrength] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # fail verify
    notes: list[str] = field(default_factory=list)      # shown, do not fail
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and all(t.ok for t in self.tasks)


class _KernelSession:
    """One kernel, driven over the Jupyter protocol; can be restarted and brought back to where it was."""

    def __init__(self, cwd: Path, kernel_name: str, cell_timeout: float):
        import os
        import subprocess

        from jupyter_client.manager import KernelManager

        self.cell_timeout = cell_timeout
        self.km = KernelManager(kernel_name=kernel_name)
        env = dict(os.environ)
        env["MPLBACKEND"] = "agg"  # nobody looks at the charts here: no images to render
        # the kernel's own chatter (and a mutant's C-level output) is not ours to show
        self.km.start_kernel(cwd=str(cwd), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.history: list[str] = []

    def _drain(self) -> None:
        import queue

        while True:
            try:
                self.kc.get_iopub_msg(timeout=0)
            except queue.Empty:
                return

    def _reply(self, msg_id: str, timeout: float) -> dict | None:
        import queue

        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                msg = self.kc.get_shell_msg(timeout=min(remaining, 1.0))
            except queue.Empty:
                self._drain()
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg["content"]
        return None

    def execute(self, code: str, timeout: float, user_expressions: dict | None = None,
                silent: bool = False) -> tuple[dict | None, bool]:
        """(reply content, timed out).

        A run past ``timeout`` is interrupted; a kernel that will not stop is restarted.
        """
        self._drain()
        msg_id = self.kc.execute(code, silent=silent, store_history=False, user_expressions=user_expressions or {},
                                 allow_stdin=False)
        reply = self._reply(msg_id, timeout)
        if reply is not None:
            return reply, False
        self.km.interrupt_kernel()
        reply = self._reply(msg_id, 10)
        if reply is None:
            self.restart()
        return reply, True

    def run_cell(self, source: str) -> str | None:
        """Run an ordinary cell in the kernel's own namespace; the error it raised, if any."""
        self.history.append(source)
        reply, timed_out = self.execute(source, self.cell_timeout)
        self.execute("__import__('sys').modules.get('matplotlib.pyplot') and "
                     "__import__('sys').modules['matplotlib.pyplot'].close('all')", 30, silent=True)
        if timed_out:
            return f"did not finish within {self.cell_timeout:g} s"
        if reply and reply.get("status") == "error":
            return f"{reply.get('ename')}: {reply.get('evalue')}"[:300]
        return None

    def restart(self) -> None:
        self.km.restart_kernel(now=True)
        self.kc.wait_for_ready(timeout=60)
        for source in self.history:
            self.execute(source, self.cell_timeout)

    def shutdown(self) -> None:
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        with contextlib.suppress(Exception):
            self.km.shutdown_kernel(now=True)


_RUNNER = "__import__('csworkbook.trainer.mutation', fromlist=['run_in_kernel'])"


def _job(task: Task, answers: list[str]) -> str:
    tests = [s for kind, s in task.steps if kind == "test"]
    has_hidden = any("BEGIN HIDDEN TESTS" in s for s in tests)
    visible = [(kind, split_hidden(s)[0] if kind == "test" else s) for kind, s in task.steps]
    hidden, full = None, None
    if has_hidden:
        tail = split_hidden(tests[0])[1] if len(tests) == 1 and task.steps[-1][0] == "test" else None
        if tail is not None:
            hidden = tail
        else:
            full = task.steps
    return json.dumps({"answers": answers, "visible_steps": visible, "hidden": hidden, "full_steps": full})


def _run_job(session: _KernelSession, payload: str, timeout: float) -> tuple[dict, bool, float]:
    started = time.perf_counter()
    reply, timed_out = session.execute(f"{_RUNNER}.run_in_kernel(globals(), {payload!r})", timeout,
                                       user_expressions={"r": f"{_RUNNER}.LAST_RESULT"}, silent=True)
    seconds = time.perf_counter() - started
    try:
        text = reply["user_expressions"]["r"]["data"]["text/plain"]
        return json.loads(ast.literal_eval(text)), timed_out, seconds
    except (TypeError, KeyError, ValueError, SyntaxError):
        error = "the kernel stopped" if reply is None else f"{reply.get('ename', 'error')}: {reply.get('evalue', '')}"
        return {"stage": "visible", "error": error}, timed_out, seconds


def _measure_task(session: _KernelSession, assignment: str, notebook: str, task: Task, mutants: list[Mutant],
                  equivalents: list[Equivalent], used: set[int], kill_rate: float | None, bar,
                  stop=None) -> TaskStrength:
    started = time.perf_counter()
    out = TaskStrength(assignment, notebook, task.grade_id, kill_rate=kill_rate)
    reference, timed_out, seconds = _run_job(session, _job(task, task.answers), session.cell_timeout)
    if reference.get("stage") != "survived":
        where = {"answer": "its answer cell raised", "visible": "a visible test failed",
                 "hidden": "a hidden test failed"}.get(reference.get("stage"), "it did not run")
        out.problems.append(f"the solution itself does not pass its tests here ({where}: "
                            f"{reference.get('error') or 'timed out'}), so its mutants were not run")
        if bar is not None:
            bar.update(len(mutants))
        out.seconds = time.perf_counter() - started
        return out
    limit = max(MIN_MUTANT_SECONDS, 10 * seconds)
    if bar is not None:
        bar.set_postfix_str(task.grade_id, refresh=False)
    for mutant in mutants:
        if stop is not None and stop.is_set():
            raise KeyboardInterrupt
        answers = list(task.answers)
        answers[mutant.cell_number] = mutant.change.source
        result, timed_out, _ = _run_job(session, _job(task, answers), limit)
        stage, error = result.get("stage", "visible"), result.get("error", "")
        record = next((i for i, e in enumerate(equivalents) if e.matches(notebook, mutant, task)), None)
        if record is not None:
            used.add(record)
        if stage == "survived" and record is not None:
            out.results.append(MutantResult(mutant, "equivalent", reason=equivalents[record].reason))
        else:
            outcome = stage if stage in ("answer", "visible", "hidden", "survived") else "visible"
            out.results.append(MutantResult(mutant, outcome, error, timed_out=timed_out))
        if bar is not None:
            bar.update(1)
    out.seconds = time.perf_counter() - started
    return out


def measure_notebook(path: Path, assignment: str, equivalents: list[Equivalent] | None = None,
                     kill_rate: float | None = None, progress: bool = False,
                     cell_timeout: float = 60, stop=None) -> NotebookStrength:
    """Run every task's mutants of one instructor notebook in one kernel."""
    import shutil
    import tempfile

    import nbformat

    path = Path(path)
    started = time.perf_counter()
    equivalents = equivalents or []
    nb = nbformat.read(path, as_version=4)
    record = NotebookStrength(assignment, path.stem)
    plans = []
    for task in find_tasks(nb):
        try:
            plans.append((task, task_mutants(task)))
        except SyntaxError as exc:
            record.problems.append(f"{task.grade_id}: the answer cell does not parse ({exc})")
    by_cell = {task.first_cell: (task, mutants) for task, mutants in plans}
    total = sum(len(m) for _, m in plans)
    bar = None
    if progress and total:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc=f"mutants {path.stem}", unit="mutant", leave=False)
    kernel_name = nb.metadata.get("kernelspec", {}).get("name") or "python3"
    used: set[int] = set()
    session = None
    try:
        with tempfile.TemporaryDirectory(prefix="csworkbook-mutants-") as tmp:
            workdir = Path(tmp) / path.parent.name
            shutil.copytree(path.parent, workdir, ignore=shutil.ignore_patterns(MUTANTS_FILE, ".ipynb_checkpoints"))
            if plans:
                session = _KernelSession(workdir, kernel_name, cell_timeout)
            for index, cell in enumerate(nb.cells if plans else []):
                if index in by_cell:
                    task, mutants = by_cell.pop(index)
                    record.tasks.append(_measure_task(session, assignment, path.stem, task, mutants, equivalents,
                                                      used, kill_rate, bar, stop))
                if not by_cell:
                    break  # every task measured: the rest of the notebook is not needed
                if stop is not None and stop.is_set():
                    raise KeyboardInterrupt
                if cell.cell_type == "code":
                    error = session.run_cell(cell.source)
                    if error:
                        name = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id", "")
                        record.notes.append(f"cell {index + 1} ({name}) raised in the instructor notebook: {error}")
    finally:
        if session is not None:
            session.shutdown()
        if bar is not None:
            bar.close()
    for i, e in enumerate(equivalents):
        if i not in used and (not e.notebook or e.notebook == path.stem) and any(
                e.task in t.names() for t, _ in plans):
            record.notes.append(f"{e.where}: matches no mutant of {e.task} any more (the code changed?); "
                                "remove the entry or update it")
    for task in record.tasks:
        for r in task.results:
            if r.outcome in ("visible", "hidden"):
                for e in equivalents:
                    if e.matches(path.stem, r.mutant, next(t for t, _ in plans if t.grade_id == task.task)):
                        record.notes.append(f"{e.where}: recorded as equivalent, but the tests kill mutant "
                                            f"{r.mutant.id}: it is not equivalent; remove the entry")
    record.seconds = time.perf_counter() - started
    return record


def configured_kill_rate(root: Path) -> float | None:
    """``c.CSWorkbook.kill_rate`` from the course's nbgrader_config.py (None when it is not set)."""
    from traitlets.config.loader import PyFileConfigLoader

    from .grading import CONFIG_FILE, CourseError

    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    if "CSWorkbook" not in config or "kill_rate" not in config.CSWorkbook:
        return None
    return check_kill_rate(config.CSWorkbook.kill_rate, f"c.CSWorkbook.kill_rate in {Path(root) / CONFIG_FILE}",
                           CourseError)


def check_kill_rate(value, where: str = "the kill rate", error=ValueError) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise error(f"{where} must be a number between 0 and 1 (0.8 means 80%), not {value!r}") from None
    if not 0 <= rate <= 1:
        raise error(f"{where} must be between 0 and 1 (0.8 means 80%), not {value!r}")
    return rate


def _cell_timeout(root: Path) -> float:
    from traitlets.config.loader import PyFileConfigLoader

    from .grading import CONFIG_FILE

    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    for section in ("Execute", "ExecutePreprocessor"):
        if section in config and "timeout" in config[section] and config[section].timeout:
            return float(config[section].timeout)
    return 60.0


def measure(root: str | Path, only: list[str] | None = None, progress: bool = False,
            kill_rate: float | None = None, use_config: bool = True, stop=None) -> list[NotebookStrength]:
    """Test strength of every notebook of the course (or of the assignments in ``only``).

    ``kill_rate``: the rate each task must reach; by default (``use_config``) the one in
    nbgrader_config.py, and with none configured, rates are reported but not enforced.
    ``stop``: a ``threading.Event``; once set, the run ends (KeyboardInterrupt) at the next mutant.
    """
    from .grading import CourseError, assignments

    root = Path(root)
    ids = [a for a in assignments(root) if not only or a in only]
    if only and (unknown := sorted(set(only) - set(ids))):
        raise CourseError(f"no assignment called {', '.join(unknown)} in {root / 'source'}")
    if kill_rate is None and use_config:
        kill_rate = configured_kill_rate(root)
    timeout = _cell_timeout(root)
    out = []
    for aid in ids:
        folder = root / "source" / aid
        problems = []
        try:
            equivalents = load_equivalents(folder)
        except MutantsFileError as exc:
            equivalents, problems = [], [str(exc)]
        for nb in sorted(folder.glob("*.ipynb")):
            record = measure_notebook(nb, aid, equivalents, kill_rate, progress, timeout, stop)
            record.problems[:0] = problems
            out.append(record)
    return out


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{int(rate * 100 + 1e-9)}%"


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def strength_table(records: list[NotebookStrength], all_survivors: bool = False, survivors_shown: int = 8) -> str:
    """The test-strength table, one row per task, then every problem and the survivors."""
    tasks = [t for r in records for t in r.tasks]
    rates = {t.kill_rate for t in tasks}
    rate_note = ("kill rate not set (c.CSWorkbook.kill_rate in nbgrader_config.py): rates are shown, not enforced"
                 if rates <= {None} else f"kill rate {_percent(next(iter(rates - {None})))}")
    lines = [f"test strength: single-change mutants of each solution, run against its tests ({rate_note})"]
    head = ("notebook", "task", "mutants", "killed visible", "killed hidden only", "survivors", "equivalent",
            "answer fails", "rate", "verdict")
    rows = [head]
    for t in tasks:
        rows.append((t.notebook, t.task, str(t.mutants), str(t.killed_visible), str(t.killed_hidden),
                     str(len(t.survivors)), str(t.equivalent), str(t.answer_fails), _percent(t.rate), t.verdict))
    lines += _table(rows) if tasks else ["(no autograded tasks found)"]
    lines.append("killed: a test failed on the mutant; answer fails: the mutated answer cell raised by itself "
                 "(not a test result, left out of the rate, like equivalent)")
    for r in records:
        for p in r.problems:
            lines.append(f"  {r.assignment}/{r.notebook}: {p}")
        for t in r.tasks:
            for p in t.problems:
                lines.append(f"  {r.assignment}/{r.notebook} {t.task}: {p}")
            if t.verdict == "FAIL" and not t.problems:
                lines.append(f"  {r.assignment}/{r.notebook} {t.task}: kills {_percent(t.rate)} of its mutants, "
                             f"below the kill rate {_percent(t.kill_rate)}")
        for n in r.notes:
            lines.append(f"  note: {r.assignment}/{r.notebook}: {n}")
    survivors = [(r, t, s) for r in records for t in r.tasks for s in t.survivors]
    if survivors:
        lines.append("")
        lines.append(f"survivors ({len(survivors)}): wrong answers every test passes. Add a test that fails on each, "
                     f"or, if it behaves exactly like the solution, record it in source/<assignment>/{MUTANTS_FILE}")
        for (r, t), group in _grouped(survivors):
            shown = group if all_survivors else group[:survivors_shown]
            lines.append(f"  {r.assignment}/{r.notebook} {t.task}:")
            for s in shown:
                m = s.mutant
                if all_survivors:
                    lines.append(f"    mutant {m.id}  ({m.change.kind}: {m.change.description}, "
                                 f"cell {m.cell} line {m.change.lineno})")
                    lines.extend(f"      - {x}" for x in m.change.original.splitlines())
                    lines.extend(f"      + {x}" for x in m.change.mutated.splitlines())
                else:
                    where = f"line {m.change.lineno}" if len({x.mutant.cell for x in t.results}) < 2 else \
                        f"{m.cell} line {m.change.lineno}"
                    lines.append(f"    {m.id}  {where:<8} {m.change.description:<34} "
                                 f"{_excerpt(m.change.mutated, m.change.column)}")
            if len(group) > len(shown):
                lines.append(f"    ... and {len(group) - len(shown)} more (--survivors shows every one in full)")
    equivalents = [(r, t, e) for r in records for t in r.tasks for e in t.results if e.outcome == "equivalent"]
    if equivalents and all_survivors:
        lines.append("")
        lines.append("equivalent (recorded in mutants.yaml, left out of the rate):")
        for r, t, e in equivalents:
            lines.append(f"  {r.assignment}/{r.notebook} {t.task} {e.mutant.id}: "
                         f"{' '.join(e.mutant.change.mutated.split())}  ({e.reason})")
    return "\n".join(lines)


def _excerpt(text: str, column: int, width: int = 80) -> str:
    """The first line of ``text`` cut to ``width`` around ``column`` (where the change is)."""
    line = text.splitlines()[0] if text else ""
    indent = len(line) - len(line.lstrip())
    line, column = line.strip(), max(column - indent, 0)
    if len(line) <= width:
        return line
    start = min(max(column - width // 3, 0), len(line) - width)
    cut = line[start:start + width]
    return ("..." if start else "") + cut + ("..." if start + width < len(line) else "")


def _grouped(survivors):
    groups: dict[tuple[int, int], list] = {}
    keys = {}
    for r, t, s in survivors:
        key = (id(r), id(t))
        keys[key] = (r, t)
        groups.setdefault(key, []).append(s)
    return [(keys[k], g) for k, g in groups.items()]

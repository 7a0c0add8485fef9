"""A learner controls their kernel; they still cannot raise their own score.

Each submission below has wrong answers and tries a different way to make the
tests pass anyway. The grader runs every test again in its own process, asking
the kernel only for the learner's answers as plain data, so each attempt is
caught: the submission scores 0, is flagged, and waits for a trainer's review.
"""

from __future__ import annotations

import os

import pytest
from nbformat.v4 import new_code_cell

from course_factory import ASSIGNMENT, NOTEBOOK, answered, make_course, submit
from csworkbook.trainer import autograde

pytestmark = pytest.mark.grading

WRONG = "def double(x):\n    return 0\n"

SWALLOW = (
    "import ast\n"
    "class Swallow(ast.NodeTransformer):\n"
    "    def visit_Module(self, node):\n"
    "        handler = ast.ExceptHandler(type=ast.Name('BaseException', ast.Load()), name=None, body=[ast.Pass()])\n"
    "        node.body = [ast.Try(body=node.body or [ast.Pass()], handlers=[handler], orelse=[], finalbody=[])]\n"
    "        return ast.fix_missing_locations(node)\n"
    "get_ipython().ast_transformers.append(Swallow())\n"
)

FORGE = (
    "import sys, types, json\n"
    "fake = types.ModuleType('csworkbook.trainer.probe_codec')\n"
    "def _answer(namespace, name, args_path, out_path):\n"
    "    json.dump({'ok': True, 'value': 4}, open(out_path, 'w'))\n"
    "def _kind(namespace, name, out_path):\n"
    "    json.dump({'ok': True, 'value': 'callable'}, open(out_path, 'w'))\n"
    "fake.run_in_kernel, fake.kind_in_kernel = _answer, _kind\n"
    "sys.modules['csworkbook.trainer.probe_codec'] = fake\n"
)

ATTACKS = {
    # Every cell is wrapped in try/except by an AST transformer, so failing asserts raise nothing.
    "swallow-errors": WRONG + SWALLOW,
    # An answer that equals anything: `double(2) == 4` is True inside the kernel.
    "equals-anything": (
        "class Anything:\n"
        "    def __eq__(self, other):\n"
        "        return True\n"
        "def double(x):\n"
        "    return Anything()\n"),
    # The kernel reports every cell as a success and shows no tracebacks.
    "fake-success": WRONG + (
        "ip = get_ipython()\n"
        "ip.showtraceback = lambda *a, **k: None\n"
        "ip._showtraceback = lambda *a, **k: None\n"
        "import sys\n"
        "sys.excepthook = lambda *a: None\n"
        "_run = ip.run_cell\n"
        "def run_cell(*a, **k):\n"
        "    result = _run(*a, **k)\n"
        "    result.error_in_exec = None\n"
        "    result.error_before_exec = None\n"
        "    return result\n"
        "ip.run_cell = run_cell\n"
        "ip.ast_transformers.append(__import__('ast').NodeTransformer())\n"),
    # Test cells never run: each is replaced by a number, which nbgrader reads as the points earned.
    "fake-output": WRONG + (
        "import ast\n"
        "class Points(ast.NodeTransformer):\n"
        "    def visit_Module(self, node):\n"
        "        if any(isinstance(n, ast.Assert) for n in node.body):\n"
        "            node.body = [ast.Expr(ast.Constant(3.0))]\n"
        "        return ast.fix_missing_locations(node)\n"
        "get_ipython().ast_transformers.append(Points())\n"),
    # Errors are swallowed, and the grader's own probe module is replaced with one that always says 4.
    "forge-probe": WRONG + SWALLOW + FORGE,
    # Tests pass by swallowing errors, then the kernel is killed so nothing can be checked afterwards.
    "tamper-then-die": None,  # built below: needs two cells
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("tamper"))
    submit(root, "honest", answered(root))
    for student, code in ATTACKS.items():
        if code is not None and student != "tamper-then-die":
            submit(root, student, answered(root, {"a1": code, "a2": "def triple(x):\n    return 0"}))
    die = answered(root, {"a1": WRONG + SWALLOW, "a2": "def triple(x):\n    return 0"})
    last_test = max(i for i, c in enumerate(die.cells) if c.get("id") == "t2")
    die.cells.insert(last_test + 1, new_code_cell("import os\nos._exit(0)"))
    submit(root, "tamper-then-die", die)
    outcomes = autograde.grade(root, ASSIGNMENT, workers=2, time_limit=30)
    return root, {o.student: o for o in outcomes}


def _flags(root, student):
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + str(root / "gradebook.db")) as gb:
        nb = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
        return nb.flagged, [(g.name, g.auto_score, g.needs_manual_grade) for g in nb.grades]


def test_the_honest_submission_is_trusted(graded):
    root, outcomes = graded
    assert outcomes["honest"].score == 5 and outcomes["honest"].problems == []
    from csworkbook.trainer import sandbox

    if not sandbox.bwrap_works() and not os.environ.get(sandbox.ENV_VAR):  # the attacks below were caught inside the sandbox, not beside it
        assert {o.sandbox for o in outcomes.values()} == {"bwrap"}
    flagged, _ = _flags(root, "honest")
    assert not flagged


@pytest.mark.parametrize("student", list(ATTACKS))
def test_each_attack_scores_zero_and_is_flagged_for_review(graded, student):
    root, outcomes = graded
    outcome = outcomes[student]
    assert outcome.score == 0, outcome
    suspicious = [p for p in outcome.problems if p.startswith("SUSPICIOUS")]
    assert suspicious, outcome.problems
    assert "passed in the learner's kernel but not when the grader ran it" in suspicious[0]
    flagged, grades = _flags(root, student)
    assert flagged
    assert all(score == 0 and needs_review for _, score, needs_review in grades), grades


def test_the_attacks_really_fooled_the_kernel(graded):
    """Without the grader's own check these submissions would have scored: the attacks are real."""
    import nbformat
    from nbgrader.utils import determine_grade

    root, _ = graded
    for student in ("swallow-errors", "equals-anything", "fake-success", "fake-output", "forge-probe"):
        nb = nbformat.read(root / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
        earned = []
        for cell in nb.cells:
            if cell.get("id") in ("t1", "t2"):
                try:
                    earned.append(determine_grade(cell)[0])
                except ValueError:
                    earned.append(0)
        assert max(earned) > 0, student

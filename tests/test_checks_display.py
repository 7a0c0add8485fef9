"""How checks, hints and the data dictionary look to a learner in a real kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from csworkbook.checks.core import Feedback, inline_markdown
from csworkbook.datasets import SCHEMAS, describe


def _run(*sources: str, folder: Path) -> list:
    from nbclient import NotebookClient

    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return [cell.outputs for cell in nb.cells]


def _html(outputs) -> list[str]:
    return [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]


@pytest.fixture(scope="module")
def kernel_outputs(tmp_path_factory):
    return _run(
        # The notebook's own check cell with its hint line uncommented, as the notebook suggests.
        "from csworkbook.checks.start_here import q0\n\nresponse_count = 3\nq0.check()\nq0.hint()",
        "q0.check(); q0.hint()",
        "q0.check()",  # the last value on its own is shown once, not twice
        "from csworkbook import describe\ndescribe('survey_responses')",
        "from csworkbook.checks.measuring_satisfaction import q1\nq1.check()\nq1.hint()",
        folder=tmp_path_factory.mktemp("kernel"),
    )


def test_an_uncommented_hint_line_no_longer_hides_the_check(kernel_outputs):
    for outputs in kernel_outputs[:2]:
        shown = _html(outputs)
        assert len(shown) == 2, shown
        assert "Not yet:" in shown[0] and "Warm-up" in shown[0]
        assert "Hint:" in shown[1]


def test_the_class_report_still_counts_hints_from_what_a_notebook_saves(kernel_outputs):
    from csworkbook.trainer.reports import HINT

    plain = [o["data"]["text/plain"] for o in kernel_outputs[4] if "text/plain" in o.get("data", {})]
    assert [HINT.findall(text) for text in plain] == [[], [("Task 1", "1")]]


def test_a_check_on_its_own_is_shown_once(kernel_outputs):
    shown = _html(kernel_outputs[2])
    assert len(shown) == 1 and "Not yet:" in shown[0]


def test_describe_shows_every_meaning_in_full_in_a_notebook(kernel_outputs):
    (table,) = _html(kernel_outputs[3])
    for column in SCHEMAS["survey_responses"].columns:
        assert inline_markdown(column.description) in table, column.name
    assert "white-space:normal" in table
    assert "..." not in table


def test_describe_as_text_is_not_cut_either():
    longest = max((c for ds in SCHEMAS.values() for c in ds.columns), key=lambda c: len(c.description))
    assert len(longest.description) > 50  # the cut the learner met was at 50 characters
    owner = next(name for name, ds in SCHEMAS.items() if longest in ds.columns)
    table = describe(owner)
    assert longest.description in repr(table)
    assert table.loc[longest.name, "meaning"] == longest.description  # still a DataFrame to work with
    assert list(table.columns) == ["type", "meaning", "allowed values"]


def test_inline_code_in_feedback_shows_as_code_not_backticks():
    html = Feedback("not attempted", "define `response_count` in the cell above <b>", "Warm-up")._repr_html_()
    assert "<code>response_count</code>" in html and "`" not in html
    assert "&lt;b&gt;" in html  # still escaped: a learner's value can never inject markup
    assert inline_markdown("`a<b` and `c`") == "<code>a&lt;b</code> and <code>c</code>"
    # Plain text keeps the backticks, where they read as quotes.
    assert "`response_count`" in str(Feedback("not attempted", "define `response_count`", "Warm-up"))


def test_outside_a_notebook_check_and_hint_return_their_feedback():
    from csworkbook.checks.start_here import ResponseCount

    task = ResponseCount()
    assert task.check(3).status == "incorrect"
    assert task.hint().message.startswith("(1 of 2)")
    assert task.checks_run == 1 and task.hints_shown == 1

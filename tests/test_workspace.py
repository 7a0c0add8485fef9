"""The learner workspace: new notebooks arrive, a learner's work is never overwritten."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from csworkbook.workspace import MANIFEST, NEWS, content_digest, seed

DAY1, DAY2, DAY3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 9)


@pytest.fixture()
def course(tmp_path):
    root = tmp_path / "course"
    (root / "release" / "07-topic").mkdir(parents=True)
    (root / "release" / "07-topic" / "07-topic.ipynb").write_text('{"v": 1}')
    (root / "notebooks" / "trainer").mkdir(parents=True)
    (root / "notebooks" / "00-start-here.ipynb").write_text('{"start": 1}')
    (root / "notebooks" / "trainer" / "answers.ipynb").write_text('{"secret": 1}')
    return root


def test_first_seed_copies_release_and_start_here_but_not_trainer_material(course, tmp_path):
    ws = tmp_path / "ws"
    report = seed(course, ws)
    assert sorted(report.added) == ["00-start-here.ipynb", "07-topic/07-topic.ipynb"]
    assert (ws / "07-topic" / "07-topic.ipynb").read_text() == '{"v": 1}'
    assert not (ws / "trainer").exists()
    assert json.loads((ws / MANIFEST).read_text()).keys() == {"00-start-here.ipynb", "07-topic/07-topic.ipynb"}


def test_a_learners_edited_notebook_is_never_overwritten(course, tmp_path):
    ws = tmp_path / "ws"
    seed(course, ws, today=DAY1)
    mine = ws / "07-topic" / "07-topic.ipynb"
    mine.write_text('{"v": 1, "my answer": 42}')
    (course / "release" / "07-topic" / "07-topic.ipynb").write_text('{"v": 2}')
    report = seed(course, ws, today=DAY2)
    assert mine.read_text() == '{"v": 1, "my answer": 42}'
    copy = ws / "updates" / "2026-03-02 07-topic.ipynb"
    assert copy.read_text() == '{"v": 2}'
    assert report.offered == ["updates/2026-03-02 07-topic.ipynb"]
    assert not list(ws.rglob("*.updated.ipynb"))
    # The learner wrote in the copy too: a later update keeps both and adds the newest.
    copy.write_text('{"v": 2, "notes": "mine too"}')
    (course / "release" / "07-topic" / "07-topic.ipynb").write_text('{"v": 3}')
    report = seed(course, ws, today=DAY3)
    assert mine.read_text() == '{"v": 1, "my answer": 42}'
    assert copy.read_text() == '{"v": 2, "notes": "mine too"}'
    assert (ws / "updates" / "2026-03-09 07-topic.ipynb").read_text() == '{"v": 3}'
    assert report.offered == ["updates/2026-03-09 07-topic.ipynb"] and report.refreshed == []


def test_an_untouched_notebook_is_brought_up_to_date(course, tmp_path):
    ws = tmp_path / "ws"
    seed(course, ws)
    (course / "release" / "07-topic" / "07-topic.ipynb").write_text('{"v": 2}')
    report = seed(course, ws)
    assert report.updated == ["07-topic/07-topic.ipynb"]
    assert (ws / "07-topic" / "07-topic.ipynb").read_text() == '{"v": 2}'


def test_new_assignments_arrive_beside_existing_work(course, tmp_path):
    ws = tmp_path / "ws"
    seed(course, ws)
    (ws / "my-notes.txt").write_text("keep me")
    shutil.copytree(course / "release" / "07-topic", course / "release" / "08-next")
    report = seed(course, ws)
    assert report.added == ["08-next/07-topic.ipynb"]
    assert (ws / "my-notes.txt").read_text() == "keep me"


def test_a_file_the_learner_made_with_a_release_name_is_kept(course, tmp_path):
    ws = tmp_path / "ws"
    (ws / "07-topic").mkdir(parents=True)
    (ws / "07-topic" / "07-topic.ipynb").write_text('{"learner": "started early"}')
    report = seed(course, ws)
    assert (ws / "07-topic" / "07-topic.ipynb").read_text() == '{"learner": "started early"}'
    assert "07-topic/07-topic.ipynb" in report.kept
    assert report.offered == [f"updates/{date.today().isoformat()} 07-topic.ipynb"]


def notebook(*cells, outputs=False):
    """A notebook of (cell type, source) pairs; outputs=True as if every code cell had been run."""
    out = []
    for n, (kind, source) in enumerate(cells, start=1):
        cell = {"cell_type": kind, "id": f"c{n}", "metadata": {}, "source": source}
        if kind == "code":
            cell["execution_count"] = n if outputs else None
            cell["outputs"] = ([{"output_type": "stream", "name": "stdout", "text": [f"ran {n}\n"]}]
                               if outputs else [])
        out.append(cell)
    return json.dumps({"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


V1 = [("markdown", "# Topic"), ("code", "# YOUR CODE HERE\nraise NotImplementedError()"), ("code", "assert True")]
V2 = [("markdown", "# Topic, clearer"), *V1[1:], ("markdown", "A new closing cell")]


@pytest.fixture()
def nb_course(tmp_path):
    root = tmp_path / "nbcourse"
    (root / "release" / "07-topic").mkdir(parents=True)
    (root / "release" / "07-topic" / "07-topic.ipynb").write_text(notebook(*V1))
    return root


def release_v2(course):
    (course / "release" / "07-topic" / "07-topic.ipynb").write_text(notebook(*V2))


def test_a_notebook_that_was_only_run_is_refreshed_in_place(nb_course, tmp_path):
    ws = tmp_path / "ws"
    seed(nb_course, ws, today=DAY1)
    mine = ws / "07-topic" / "07-topic.ipynb"
    mine.write_text(notebook(*V1, outputs=True))  # run all, saved: outputs and counts, no edits
    release_v2(nb_course)
    report = seed(nb_course, ws, today=DAY2)
    assert report.updated == ["07-topic/07-topic.ipynb"] and report.offered == [] and report.kept == []
    assert mine.read_text() == notebook(*V2)
    assert not (ws / "updates").exists()


@pytest.mark.parametrize("edit", ["answer", "added cell", "deleted cell", "note in a text cell"])
def test_a_notebook_the_learner_wrote_in_is_kept_even_if_also_run(nb_course, tmp_path, edit):
    ws = tmp_path / "ws"
    seed(nb_course, ws, today=DAY1)
    cells = list(V1)
    if edit == "answer":
        cells[1] = ("code", "answer = 42")
    elif edit == "added cell":
        cells.append(("code", "print('my own working')"))
    elif edit == "deleted cell":
        del cells[2]
    else:
        cells[0] = ("markdown", "# Topic\nmy note: ask about refunds")
    mine = ws / "07-topic" / "07-topic.ipynb"
    mine.write_text(notebook(*cells, outputs=True))
    before = mine.read_text()
    release_v2(nb_course)
    report = seed(nb_course, ws, today=DAY2)
    assert mine.read_text() == before
    assert report.kept == ["07-topic/07-topic.ipynb"]
    assert report.offered == ["updates/2026-03-02 07-topic.ipynb"]
    assert (ws / report.offered[0]).read_text() == notebook(*V2)


def test_content_digest_ignores_what_running_changes_but_not_attachments(tmp_path):
    plain, run, pasted = tmp_path / "a.ipynb", tmp_path / "b.ipynb", tmp_path / "c.ipynb"
    plain.write_text(notebook(*V1))
    run.write_text(notebook(*V1, outputs=True))
    nb = json.loads(notebook(*V1))
    nb["cells"][0]["attachments"] = {"shot.png": {"image/png": "iVBORw0KGgo="}}
    pasted.write_text(json.dumps(nb))
    assert content_digest(plain) == content_digest(run)
    assert content_digest(plain) != content_digest(pasted)


def test_a_second_update_refreshes_the_copy_and_says_so(nb_course, tmp_path):
    ws = tmp_path / "ws"
    seed(nb_course, ws, today=DAY1)
    mine = ws / "07-topic" / "07-topic.ipynb"
    mine.write_text(notebook(("markdown", "# Topic"), ("code", "answer = 42"), ("code", "assert True")))
    release_v2(nb_course)
    first = seed(nb_course, ws, today=DAY2)
    old_copy = ws / first.offered[0]
    old_copy.write_text(notebook(*V2, outputs=True))  # the learner ran the copy: still nothing of theirs
    v3 = [*V2, ("markdown", "Third version")]
    (nb_course / "release" / "07-topic" / "07-topic.ipynb").write_text(notebook(*v3))
    second = seed(nb_course, ws, today=DAY3)
    assert second.refreshed == [("updates/2026-03-02 07-topic.ipynb", "updates/2026-03-09 07-topic.ipynb")]
    assert second.offered == []
    assert not old_copy.exists()
    assert (ws / "updates" / "2026-03-09 07-topic.ipynb").read_text() == notebook(*v3)
    assert sorted(p.name for p in (ws / "updates").iterdir()) == ["2026-03-09 07-topic.ipynb"]
    assert "refreshed the update copy: updates/2026-03-02 07-topic.ipynb is now updates/2026-03-09 07-topic.ipynb" \
        in second.summary()
    # The same release again: nothing new, nothing said.
    third = seed(nb_course, ws, today=DAY3)
    assert not third.changed and third.news is None
    assert "answer = 42" in mine.read_text()


def test_the_learner_is_told_inside_the_workspace_what_an_update_brought(nb_course, tmp_path):
    ws = tmp_path / "ws"
    first = seed(nb_course, ws, today=DAY1)
    assert first.news is None and not (ws / NEWS).exists(), "a first start is not news: start-here opens"
    mine = ws / "07-topic" / "07-topic.ipynb"
    mine.write_text(notebook(("markdown", "# Topic"), ("code", "answer = 42"), ("code", "assert True")))
    release_v2(nb_course)
    (nb_course / "release" / "08-next").mkdir()
    (nb_course / "release" / "08-next" / "08-next.ipynb").write_text(notebook(*V1))
    report = seed(nb_course, ws, today=DAY2)
    assert report.news == NEWS
    news = (ws / NEWS).read_text()
    assert "## Workbook update, 2 March 2026" in news
    assert "[08-next/08-next.ipynb](08-next/08-next.ipynb)" in news
    assert ("[updates/2026-03-02 07-topic.ipynb](updates/2026-03-02%2007-topic.ipynb), "
            "the new version of your `07-topic/07-topic.ipynb`") in news
    assert "what this update brought: WHAT-IS-NEW.md" in report.summary()
    # A later update goes on top; the earlier one stays below it.
    (nb_course / "release" / "09-last").mkdir()
    (nb_course / "release" / "09-last" / "09-last.ipynb").write_text(notebook(*V1))
    seed(nb_course, ws, today=DAY3)
    news = (ws / NEWS).read_text()
    assert news.count("# What is new") == 1
    assert news.index("9 March 2026") < news.index("09-last") < news.index("2 March 2026") < news.index("08-next")


def test_a_workspace_seeded_before_content_digests_is_read(nb_course, tmp_path):
    ws = tmp_path / "ws"
    seed(nb_course, ws, today=DAY1)
    manifest = json.loads((ws / MANIFEST).read_text())
    (ws / MANIFEST).write_text(json.dumps({rel: entry["file"] for rel, entry in manifest.items()}))
    release_v2(nb_course)
    report = seed(nb_course, ws, today=DAY2)
    assert report.updated == ["07-topic/07-topic.ipynb"]


def test_a_damaged_record_is_reported_by_name(nb_course, tmp_path):
    ws = tmp_path / "ws"
    seed(nb_course, ws, today=DAY1)
    (ws / MANIFEST).write_text("{not json")
    with pytest.raises(ValueError, match=r"\.csworkbook-seeded\.json: the workspace's record"):
        seed(nb_course, ws, today=DAY2)


def test_without_a_new_release_a_learners_notebook_gets_no_copy(nb_course, tmp_path):
    ws = tmp_path / "ws"
    seed(nb_course, ws, today=DAY1)
    (ws / "07-topic" / "07-topic.ipynb").write_text(notebook(("markdown", "# Topic"), ("code", "answer = 42")))
    again = seed(nb_course, ws, today=DAY2)
    assert again.kept == ["07-topic/07-topic.ipynb"]
    assert not again.changed and again.news is None
    assert not (ws / "updates").exists() and not (ws / NEWS).exists()

"""The learner workspace: new notebooks arrive, a learner's work is never overwritten."""

from __future__ import annotations

import json
import shutil

import pytest

from csworkbook.workspace import MANIFEST, seed


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
    seed(course, ws)
    mine = ws / "07-topic" / "07-topic.ipynb"
    mine.write_text('{"v": 1, "my answer": 42}')
    (course / "release" / "07-topic" / "07-topic.ipynb").write_text('{"v": 2}')
    report = seed(course, ws)
    assert mine.read_text() == '{"v": 1, "my answer": 42}'
    assert (ws / "07-topic" / "07-topic.updated.ipynb").read_text() == '{"v": 2}'
    assert report.offered == ["07-topic/07-topic.updated.ipynb"]
    # Seeding again changes nothing, not even the offered copy the learner may be reading.
    (ws / "07-topic" / "07-topic.updated.ipynb").write_text('{"v": 2, "notes": "mine too"}')
    (course / "release" / "07-topic" / "07-topic.ipynb").write_text('{"v": 3}')
    seed(course, ws)
    assert mine.read_text() == '{"v": 1, "my answer": 42}'
    assert (ws / "07-topic" / "07-topic.updated.ipynb").read_text() == '{"v": 2, "notes": "mine too"}'


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

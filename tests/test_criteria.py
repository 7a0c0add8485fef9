"""Every graded cell, written answer and scenario names real criteria that its topic evidences."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from csworkbook import criteria
from csworkbook.roleplay import list_scenarios, load_scenario

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "criteria.csv"
NOTEBOOKS = sorted((REPO / "source").glob("*/*.ipynb"))


def test_the_packaged_list_is_the_projects_list():
    if not SHARED.is_file():
        pytest.skip(f"the project's shared list is not beside this clone ({SHARED})")
    assert (Path(criteria.__file__).with_name("criteria.csv")).read_bytes() == SHARED.read_bytes()


def test_every_topic_claims_only_real_criteria():
    known = criteria.load()
    assert len(known) == 31
    for topic, codes in criteria.TOPIC_CRITERIA.items():
        assert codes <= set(known), (topic, codes - set(known))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_every_graded_cell_is_tagged_with_its_topics_criteria(path):
    topic = path.parent.name
    problems = []
    for cell in nbformat.read(path, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") or meta.get("solution")):
            continue
        tags = cell.metadata.get("tags", [])
        where = f"{path.name}: cell {meta.get('grade_id')}"
        if not any(criteria.TAG.match(t) for t in tags):
            problems.append(f"{where}: no criteria tag")
        problems += criteria.problems_with(tags, topic, where)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list_scenarios())
def test_every_scenario_is_tagged_with_its_topics_criteria(name):
    scenario = load_scenario(name)
    assert scenario.criteria, f"{name}: no criteria"
    problems = criteria.problems_with(scenario.criteria, scenario.topic, f"{name}.yaml")
    assert not problems, "\n".join(problems)


def test_a_wrong_tag_is_named_with_what_to_choose_instead():
    found = criteria.problems_with(["BSBCUS501:2.3", "BSBCUS401:9.9", "nbval-skip"], "06-complaint-handling", "x")
    assert len(found) == 2
    assert "BSBCUS501:2.3 (Help colleagues overcome difficulties" in found[0]
    assert "choose from BSBCUS401:2.3, BSBCUS403:1.1" in found[0]
    assert "BSBCUS401:9.9 is not a performance criterion" in found[1]

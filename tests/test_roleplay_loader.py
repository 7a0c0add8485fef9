"""Scenario files: every shipped one passes; each kind of broken file is refused with file and line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from csworkbook.roleplay import ScenarioError, list_scenarios, load_scenario, parse_scenario

BASE = textwrap.dedent("""\
    id: tiny
    title: A tiny scenario
    topic: 06-complaint-handling
    objectives: [Stay calm]
    criteria: ["BSBCUS501:2.3"]
    persona: {name: Pat, role: external customer, mood: angry}
    rubric:
      empathy: {label: Empathy, max: 2}
    start: hello
    nodes:
      hello:
        speaker: Pat
        text: "Where is my order?"
        choices:
          - id: kind
            text: "I'm sorry, let me check."
            next: good-end
            effects: {empathy: 2}
            feedback: Acknowledged.
          - id: rude
            text: "Not my problem."
            next: bad-end
            effects: {empathy: -1}
            feedback: Dismissive.
      good-end:
        speaker: Pat
        text: Thanks.
        ending: {outcome: success, title: Sorted, debrief: Well done.}
      bad-end:
        speaker: Pat
        text: Goodbye.
        ending: {outcome: failure, title: Lost, debrief: Try again.}
    """)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def _refused(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "broken.yaml")
    return err.value


def test_the_base_fixture_is_valid():
    scenario = parse_scenario(BASE, "tiny.yaml")
    assert scenario.start == "hello" and len(scenario.endings) == 2


def test_rubric_scores_are_core_unless_marked_otherwise():
    assert [r.core for r in parse_scenario(BASE, "tiny.yaml").rubric] == [True]
    relaxed = BASE.replace("empathy: {label: Empathy, max: 2}", "empathy: {label: Empathy, max: 2, core: false}")
    assert [r.core for r in parse_scenario(relaxed, "tiny.yaml").rubric] == [False]
    # BSBCUS401 (complaints: 2.3) is a unit the scenarios may evidence, as well as 403 and 501.
    assert parse_scenario(BASE.replace("BSBCUS501:2.3", "BSBCUS401:2.3"), "tiny.yaml").criteria == ("BSBCUS401:2.3",)


@pytest.mark.parametrize("sid", list_scenarios())
def test_every_shipped_scenario_loads(sid):
    scenario = load_scenario(sid)
    assert scenario.id == sid
    assert len(scenario.nodes) >= 10, "at least ten nodes"
    assert len(scenario.endings) >= 3, "at least three endings"
    assert {e.ending.outcome for e in scenario.endings} >= {"success", "failure"}


def test_the_required_eight_situations_ship():
    topics = {load_scenario(s).topic for s in list_scenarios()}
    assert len(list_scenarios()) >= 8
    assert {"06-complaint-handling", "01-customer-needs", "03-improvement-options", "05-strategies-and-budgets",
            "04-service-standards", "07-measuring-satisfaction"} <= topics
    roles = {load_scenario(s).persona.role for s in list_scenarios()}
    assert {"external customer", "internal customer", "team member", "manager", "team"} <= roles


def test_yaml_syntax_error_names_the_line():
    text = BASE.replace('title: A tiny scenario', 'title: [A tiny scenario')
    err = _refused(text)
    assert "YAML syntax" in str(err) and str(err).startswith("broken.yaml")
    assert err.problems[0].line >= 2


def test_unknown_field_names_the_field_and_line():
    text = BASE.replace("        feedback: Acknowledged.", "        feedback: Acknowledged.\n        colour: blue")
    err = _refused(text)
    [problem] = err.problems
    assert "unknown field 'colour'" in problem.message
    assert problem.line == _line_of(text, "colour: blue")


def test_choice_pointing_at_a_missing_node():
    text = BASE.replace("next: good-end", "next: nowhere")
    problems = _refused(text).problems
    assert any("leads to 'nowhere', which is not a node" in p.message and p.line == _line_of(text, "next: nowhere")
               for p in problems)


def test_unreachable_node():
    text = BASE + textwrap.indent(textwrap.dedent("""\
        orphan:
          speaker: Pat
          text: Nobody gets here.
          ending: {outcome: partial, title: Orphan, debrief: Unreachable.}
        """), "  ")
    [problem] = _refused(text).problems
    assert "node 'orphan' cannot be reached" in problem.message
    assert problem.line == _line_of(text, "orphan:")


def test_a_path_that_can_never_end():
    loop_choice = (
        "      - id: loop\n"
        "        text: Let me transfer you.\n"
        "        next: limbo\n"
        "        feedback: Round we go.\n"
    )
    limbo = (
        "  limbo:\n"
        "    speaker: Pat\n"
        "    text: Still waiting.\n"
        "    choices:\n"
        "      - {id: again, text: Hold please, next: limbo, feedback: Again.}\n"
    )
    text = BASE.replace("      - id: rude\n", loop_choice + "      - id: rude\n") + limbo
    [problem] = _refused(text).problems
    assert "from node 'limbo' no path leads to an ending" in problem.message
    assert problem.line == _line_of(text, "limbo:")


def test_score_name_not_in_the_rubric():
    text = BASE.replace("effects: {empathy: 2}", "effects: {empthy: 2}")
    [problem] = _refused(text).problems
    assert "score 'empthy' is not in the rubric (empathy)" in problem.message
    assert problem.line == _line_of(text, "empthy")


def test_duplicate_node_ids():
    text = BASE + textwrap.indent(textwrap.dedent("""\
        hello:
          speaker: Pat
          text: A second hello.
          ending: {outcome: partial, title: Again, debrief: Twice.}
        """), "  ")
    [problem] = _refused(text).problems
    assert "duplicate key 'hello'" in problem.message
    assert problem.line == len(text.splitlines()) - 3


def test_duplicate_choice_ids():
    text = BASE.replace("- id: rude", "- id: kind")
    [problem] = _refused(text).problems
    assert "two choices with the id 'kind'" in problem.message
    assert problem.line == _line_of(text, "Not my problem") - 1


@pytest.mark.parametrize(
    "change, message",
    [
        (("mood: angry", "mood: livid"), "'livid' is not one of: furious, angry"),
        (("start: hello", "start: begin"), "start node 'begin' is not one of the nodes"),
        (("effects: {empathy: 2}", "effects: {empathy: 9}"), "9 is greater than the maximum of 5"),
        (("    ending: {outcome: failure, title: Lost, debrief: Try again.}", ""), "node 'bad-end' has neither `choices` nor an `ending`"),
        (("criteria: [\"BSBCUS501:2.3\"]", "criteria: [\"2.3\"]"), "'2.3' is not a performance criterion"),
        (("criteria: [\"BSBCUS501:2.3\"]", "criteria: [\"BSBCUS999:2.3\"]"), "is not a performance criterion"),
        (("empathy: {label: Empathy, max: 2}", "empathy: {label: Empathy, max: 2, core: maybe}"),
         "'maybe' is not of type 'boolean'"),
        (("id: tiny", "id: Tiny Scenario"), "is not a valid id"),
    ],
)
def test_other_faults_are_named(change, message):
    err = _refused(BASE.replace(*change))
    assert any(message in p.message for p in err.problems), [p.message for p in err.problems]


def test_every_fault_is_listed_and_nothing_is_loaded():
    text = BASE.replace("next: good-end", "next: nowhere").replace("effects: {empathy: -1}", "effects: {patience: -1}")
    err = _refused(text)
    messages = [p.message for p in err.problems]
    assert len(messages) == 3, messages  # the bad link, the bad score, and the node the bad link orphaned
    assert "leads to 'nowhere'" in messages[0] and "'patience' is not in the rubric" in messages[1]
    assert "node 'good-end' cannot be reached" in messages[2]
    assert "nothing was loaded" in str(err)


def test_empty_and_non_mapping_files():
    assert "empty" in str(_refused(""))
    assert "mapping" in str(_refused("- just\n- a list\n"))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_check_passes_shipped_and_fails_each_broken_file_with_file_and_line(tmp_path):
    exe = str(Path(sys.executable).parent / "csworkbook")
    ok = subprocess.run([exe, "scenarios", "check"], capture_output=True, text=True)
    # Every shipped file passes the structural checks and meets the dilemma thresholds.
    assert ok.stderr == "", ok.stderr
    n = len(list_scenarios())
    assert f"{n} of {n} scenario file(s) passed" in ok.stdout
    assert f"{n} of {n} scenario(s) meet the dilemma thresholds" in ok.stdout
    assert ok.returncode == 0, ok.stdout

    broken = {
        "syntax.yaml": (BASE.replace("title: A tiny scenario", "title: [oops"), "YAML syntax"),
        "unknown-field.yaml": (BASE.replace("start: hello", "start: hello\nauthor: me"), "unknown field 'author'"),
        "missing-node.yaml": (BASE.replace("next: bad-end", "next: gone"), "which is not a node"),
        "bad-score.yaml": (BASE.replace("effects: {empathy: -1}", "effects: {patience: -1}"), "not in the rubric"),
        "duplicate.yaml": (BASE.replace("- id: rude", "- id: kind"), "two choices with the id"),
    }
    for name, (text, message) in broken.items():
        path = _write(tmp_path, name, text)
        out = subprocess.run([exe, "scenarios", "check", str(path)], capture_output=True, text=True)
        assert out.returncode == 1, name
        assert message in out.stderr, (name, out.stderr)
        assert f"{path}:" in out.stderr and "0 of 1" in out.stdout
    # A folder is checked file by file.
    out = subprocess.run([exe, "scenarios", "check", str(tmp_path)], capture_output=True, text=True)
    assert out.returncode == 1 and f"0 of {len(broken)} scenario file(s) passed" in out.stdout


def test_the_readme_example_is_valid_and_its_fault_report_is_true(repo):
    readme = (repo / "README.md").read_text()
    blocks = [block.split("```", 1)[0] for block in readme.split("```yaml\n")[1:]]
    example = next(block for block in blocks if block.startswith("id: wrong-size"))
    assert parse_scenario(example, "wrong-size.yaml").id == "wrong-size"
    with pytest.raises(ScenarioError) as err:
        parse_scenario(example.replace("next: happy", "next: hapy"), "wrong-size.yaml")
    assert len(err.value.problems) == 2
    for problem in err.value.problems:
        assert f"  {problem}\n" in readme, f"README shows a different fault report than: {problem}"


# The loader checks schema.json with its own small checker (importing jsonschema costs over a
# second): it must find a fault exactly where jsonschema does, on good files and on broken ones.
_SCHEMA_BREAKS = [
    ("mood: angry", "mood: livid"),
    ("effects: {empathy: 2}", "effects: {empathy: 9}"),
    ("effects: {empathy: 2}", "effects: {empathy: -6}"),
    ("effects: {empathy: 2}", "effects: {Empathy: 2}"),
    ("    ending: {outcome: failure, title: Lost, debrief: Try again.}", ""),
    ("    text: Goodbye.\n", "    text: Goodbye.\n    choices: [{id: x, text: y, next: hello, feedback: z}]\n"),
    ('criteria: ["BSBCUS501:2.3"]', 'criteria: ["2.3"]'),
    ('criteria: ["BSBCUS501:2.3"]', "criteria: []"),
    ("empathy: {label: Empathy, max: 2}", "empathy: {label: Empathy, max: 2, core: maybe}"),
    ("empathy: {label: Empathy, max: 2}", "empathy: {label: Empathy, max: 0}"),
    ("empathy: {label: Empathy, max: 2}", "empathy: {label: Empathy}"),
    ("id: tiny", "id: Tiny Scenario"),
    ("title: A tiny scenario", "title: A"),
    ("title: A tiny scenario", "title: 12"),
    ("start: hello", "start: hello\nauthor: me"),
    ("objectives: [Stay calm]", "objectives: Stay calm"),
    ("persona: {name: Pat, role: external customer, mood: angry}", "persona: {name: Pat, mood: angry, age: 3}"),
    ("topic: 06-complaint-handling", "topic: complaints"),
    ("feedback: Acknowledged.", "feedback: Acknowledged.\n        requires: {flags: [a], colour: red}"),
    ("feedback: Dismissive.", "feedback: Dismissive.\n        sets: [Not A Slug]"),
]


@pytest.mark.parametrize("change", [None, *_SCHEMA_BREAKS])
def test_own_schema_checker_agrees_with_jsonschema(change):
    import json

    import yaml
    from jsonschema import Draft202012Validator

    from csworkbook.roleplay import model

    text = BASE if change is None else BASE.replace(*change)
    assert change is None or text != BASE, f"the change {change} does not apply to BASE"
    data = yaml.safe_load(text)
    theirs = Draft202012Validator(model._schema())
    ours = model._validator()
    where = lambda errors: sorted((e.validator, json.dumps(list(e.absolute_path))) for e in errors)  # noqa: E731
    assert where(ours.iter_errors(data)) == where(theirs.iter_errors(data))
    for sid in list_scenarios():
        shipped = yaml.safe_load(Path(model.scenario_path(sid)).read_text(encoding="utf-8"))
        assert list(ours.iter_errors(shipped)) == [] and theirs.is_valid(shipped)


def test_own_schema_checker_refuses_keywords_it_does_not_know():
    from csworkbook.roleplay.schema_check import SchemaUnsupported, Validator

    with pytest.raises(SchemaUnsupported, match="maxLength"):
        Validator({"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}})


def test_exploring_paths_by_forking_gives_the_same_sessions_as_replaying_them():
    from csworkbook.roleplay import all_paths, play

    for sid in list_scenarios():
        for session in all_paths(sid)[:200]:
            again = play(sid, session.path)
            assert (again.node.id, again.raw_scores, again.flags, again.transcript) == (
                session.node.id, session.raw_scores, session.flags, session.transcript)

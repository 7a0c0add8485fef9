"""The workshop app's logic without a browser: run files, the facilitator summary, the two pages' widgets."""

from __future__ import annotations

import json
import threading
import time

import pytest

from csworkbook.roleplay import all_paths, extreme_paths, play
from csworkbook.workshop import runs as run_files
from csworkbook.workshop import summary
from csworkbook.workshop.facilitator import FacilitatorView
from csworkbook.workshop.team_app import TeamApp

SCENARIO = "late-delivery"


def _paths_splitting_at(step: int) -> tuple[list[str], list[str]]:
    """Two complete paths of SCENARIO that agree on the first step-1 replies and differ at `step`."""
    for a in all_paths(SCENARIO):
        for b in all_paths(SCENARIO):
            if len(a.path) >= step and len(b.path) >= step and a.path[:step - 1] == b.path[:step - 1] \
                    and a.path[step - 1] != b.path[step - 1]:
                return a.path, b.path
    raise AssertionError(f"no two paths of {SCENARIO} split at step {step}")


def _save(folder, team, path):
    return run_files.save_run(folder, run_files.build_run(play(SCENARIO, path), team, seconds=12.5))


# -- run files ----------------------------------------------------------------------------------


def test_a_saved_run_reads_back_with_every_choice_and_the_scores_after_each(tmp_path):
    best, _ = extreme_paths(SCENARIO)
    saved = _save(tmp_path, "Team Koala", best.path)
    assert saved.parent == tmp_path and saved.suffix == ".json"
    raw = json.loads(saved.read_text())
    assert raw["team"] == "Team Koala" and raw["scenario"] == SCENARIO and raw["outcome"] == best.outcome
    assert [s["choice"] for s in raw["steps"]] == best.path
    assert raw["finished"] and raw["seconds"] == 12.5
    run = run_files.read_run(saved)
    assert run.team == "Team Koala" and run.path == tuple(best.path) and run.outcome == "success"
    assert run.scores == best.scores and run.percent == round(best.percent, 1)
    # the scores after each step are what the engine gives after that many replies
    for n, step in enumerate(run.steps, start=1):
        assert step["scores"] == play(SCENARIO, best.path[:n]).scores
        assert step["step"] == n and step["choice"] == best.path[n - 1]


def test_runs_never_overwrite_each_other_even_in_the_same_second(tmp_path):
    best, worst = extreme_paths(SCENARIO)
    files = [_save(tmp_path, "Team Koala", best.path) for _ in range(5)]
    files.append(_save(tmp_path, "Team Koala", worst.path))
    assert len(set(files)) == 6
    reading = run_files.read_runs(tmp_path)
    assert reading.problems == []
    assert sorted(r.path for r in reading.runs) == sorted([tuple(best.path)] * 5 + [tuple(worst.path)])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary file left behind"


def test_teams_saving_at_once_from_threads_each_get_their_own_file(tmp_path):
    best, _ = extreme_paths(SCENARIO)
    record = run_files.build_run(play(SCENARIO, best.path), "Team Wombat")
    out, errors = [], []

    def save():
        try:
            out.append(run_files.save_run(tmp_path, record))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=save) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == [] and len(set(out)) == 8
    assert len(run_files.read_runs(tmp_path).runs) == 8


def test_an_unfinished_run_or_a_nameless_team_is_refused_not_saved(tmp_path):
    best, _ = extreme_paths(SCENARIO)
    with pytest.raises(ValueError, match="has not finished"):
        run_files.build_run(play(SCENARIO, best.path[:1]), "Team Koala")
    with pytest.raises(ValueError, match="team name"):
        run_files.build_run(play(SCENARIO, best.path), "   ")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content, expected", [
    ("", "empty file"),
    ('{"format": "csworkbook-workshop-run", "team": "A", "scen', "half-written"),
    ("[1, 2]", "not a workshop run file"),
    ('{"format": "csworkbook-workshop-run", "scenario": "late-delivery"}', "missing field 'team'"),
    ("PATH", "its path cannot be played"),
    ("SHORT", "stops before the end"),
    ("UNKNOWN", "scenario 'no-such-scenario' is not one the workbook has"),
    ("TEAMTYPE", "field 'team' should be a str, not int"),
])
def test_a_bad_or_half_written_file_is_reported_by_name_and_skipped(tmp_path, content, expected):
    best, _ = extreme_paths(SCENARIO)
    good = _save(tmp_path, "Team Koala", best.path)
    record = json.loads(good.read_text())
    if content == "PATH":
        record["path"] = [best.path[0], "no-such-reply"] + best.path[2:]
        content = json.dumps(record)
    elif content == "SHORT":
        record["path"] = best.path[:2]
        content = json.dumps(record)
    elif content == "UNKNOWN":
        record["scenario"] = "no-such-scenario"
        content = json.dumps(record)
    elif content == "TEAMTYPE":
        record["team"] = 7
        content = json.dumps(record)
    (tmp_path / "zz-bad.json").write_text(content)
    (tmp_path / "notes.txt").write_text("not a run, not a .json: ignored")
    reading = run_files.read_runs(tmp_path)
    assert [r.file for r in reading.runs] == [good.name]
    assert [p.file for p in reading.problems] == ["zz-bad.json"]
    assert expected in reading.problems[0].message, reading.problems[0].message


def test_a_half_written_file_is_read_again_once_it_is_complete(tmp_path):
    best, _ = extreme_paths(SCENARIO)
    text = json.dumps(run_files.build_run(play(SCENARIO, best.path), "Team Emu"))
    target = tmp_path / "slow-writer.json"
    target.write_text(text[: len(text) // 2])
    folder = run_files.RunFolder(tmp_path)
    first = folder.scan()
    assert first.runs == [] and "half-written" in first.problems[0].message
    target.write_text(text)
    second = folder.scan()
    assert second.problems == [] and [r.team for r in second.runs] == ["Team Emu"]


def test_session_folders_and_names(tmp_path, monkeypatch):
    monkeypatch.delenv(run_files.SESSION_ENV, raising=False)
    assert run_files.session_dir("morning", tmp_path) == tmp_path / "workshop-sessions" / "morning"
    assert run_files.session_dir(None, tmp_path).name == run_files.default_session_name()
    with pytest.raises(ValueError, match="cannot be a folder name"):
        run_files.session_dir("../elsewhere", tmp_path)
    monkeypatch.setenv(run_files.SESSION_ENV, str(tmp_path / "chosen"))
    assert run_files.session_dir() == tmp_path / "chosen"
    assert not (tmp_path / "workshop-sessions").exists(), "finding the folder does not create it"


# -- the facilitator summary ----------------------------------------------------------------------


def test_split_points_are_where_teams_on_the_same_path_chose_differently(tmp_path):
    a, b = _paths_splitting_at(2)
    _save(tmp_path, "Koala", a)
    _save(tmp_path, "Wombat", b)
    _save(tmp_path, "Echidna", a)
    runs = run_files.read_runs(tmp_path).runs
    splits = summary.split_points(runs)
    first = splits[0]
    assert (first.scenario, first.step) == (SCENARIO, 2)
    assert {c: sorted(t) for c, t in first.choices.items()} == {a[1]: ["Echidna", "Koala"], b[1]: ["Wombat"]}
    assert first.node == play(SCENARIO, a[:1]).node.id
    # Koala and Echidna took the same path: they never split from each other
    assert all(not ({"Koala", "Echidna"} <= set(ts)) or len(sp.choices) > 1 for sp in splits for ts in sp.choices.values())
    assert all(sp.step >= 2 for sp in splits)
    table = summary.choice_table(runs, SCENARIO)
    assert list(table.loc["Wombat"])[: len(b)] == b and list(table.loc["Koala"])[: len(a)] == a


def test_no_split_when_every_team_took_the_same_path(tmp_path):
    best, _ = extreme_paths(SCENARIO)
    _save(tmp_path, "Koala", best.path)
    _save(tmp_path, "Wombat", best.path)
    assert summary.split_points(run_files.read_runs(tmp_path).runs) == []


def test_score_table_puts_outcomes_and_scores_side_by_side_and_numbers_repeat_runs(tmp_path):
    best, worst = extreme_paths(SCENARIO)
    _save(tmp_path, "Koala", best.path)
    _save(tmp_path, "Koala", worst.path)
    _save(tmp_path, "Wombat", worst.path)
    table = summary.score_table(run_files.read_runs(tmp_path).runs)
    assert sorted(table["team"]) == ["Koala (run 1)", "Koala (run 2)", "Wombat"]
    by_outcome = table.groupby("outcome").size().to_dict()
    assert by_outcome == {best.outcome: 1, worst.outcome: 2}
    assert sorted(table["overall %"]) == sorted([round(best.percent, 1), round(worst.percent, 1), round(worst.percent, 1)])
    assert "Empathy" not in table.columns and "empathy (of 5)" in table.columns


def test_debrief_marks_where_the_team_left_the_strongest_path():
    best, _ = extreme_paths(SCENARIO)
    assert all(r["same"] for r in summary.debrief_rows(SCENARIO, best.path))
    # a path that follows the strongest one for a reply, then leaves it
    other = next(s.path for s in all_paths(SCENARIO) if s.path[:1] == best.path[:1] and s.path[1] != best.path[1])
    rows = summary.debrief_rows(SCENARIO, other)
    assert rows[0]["same"] and not rows[1]["same"]
    assert rows[1]["yours"] == [t.text for t in play(SCENARIO, other[:2]).transcript if t.kind == "reply"][-1]
    assert rows[1]["strongest"] == [t.text for t in play(SCENARIO, best.path[:2]).transcript if t.kind == "reply"][-1]
    assert not any(r["same"] for r in rows[1:]), "once the paths part, later replies are not counted as the same"
    assert summary.png(summary.debrief_chart(SCENARIO, other)).startswith(b"\x89PNG")


# -- the pages' widgets, driven as a browser would ------------------------------------------------


def _play_through(app: TeamApp, path: list[str]) -> None:
    for choice in path:
        app.roleplay.click(choice)


def test_team_page_needs_a_name_then_saves_the_run_and_shows_the_debrief(tmp_path):
    best, worst = extreme_paths(SCENARIO)
    app = TeamApp(session_dir=tmp_path)
    app.scenario.value = SCENARIO
    app.start_button.click()
    assert app.roleplay is None and "team's name" in app.message.value
    app.team.value = "  Team Quokka "
    app.start_button.click()
    assert app.roleplay is not None and app.setup.layout.display == "none"
    _play_through(app, worst.path)
    assert app.last_saved is not None and app.last_saved.name in app.saved.value
    saved = run_files.read_run(app.last_saved)
    assert saved.team == "Team Quokka" and saved.path == tuple(worst.path) and saved.outcome == worst.outcome
    assert saved.started <= saved.finished and saved.seconds is not None  # ISO times in one zone sort as text
    assert "part at <b>reply" in app.debrief.value
    assert bytes(app.chart.value).startswith(b"\x89PNG") and app.end_box.layout.display is None
    app.again_button.click()
    app.start_button.click()
    _play_through(app, best.path)
    assert "took the strongest path" in app.debrief.value
    assert len(run_files.read_runs(tmp_path).runs) == 2


def test_team_page_still_shows_the_debrief_when_the_run_cannot_be_saved(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where the session folder should be")
    best, _ = extreme_paths(SCENARIO)
    app = TeamApp(session_dir=blocked)
    app.team.value = "Team Numbat"
    app.scenario.value = SCENARIO
    app.start_button.click()
    _play_through(app, best.path)
    assert "could not be saved" in app.saved.value and best.path[0] in app.saved.value
    assert "Debrief" in app.debrief.value


def test_facilitator_view_picks_up_runs_as_they_arrive_and_reports_bad_files(tmp_path):
    a, b = _paths_splitting_at(2)
    view = FacilitatorView(tmp_path / "session")
    assert "No finished runs yet" in view.status.value and view.choices.value == ""
    _save(tmp_path / "session", "Koala", a)
    assert view.refresh() is True
    assert "1 run(s)" in view.status.value and "One run so far" in view.splits.value
    assert view.refresh() is False, "nothing new: nothing redrawn"
    _save(tmp_path / "session", "Wombat", b)
    (tmp_path / "session" / "broken.json").write_text('{"format": "csworkbook-workshop-run", "te')
    view.refresh()
    assert "2 run(s)</b> from <b>2 team(s)" in view.status.value
    assert "broken.json" in view.problems.value and "half-written" in view.problems.value
    assert "Reply 2" in view.splits.value and a[1] in view.splits.value and b[1] in view.splits.value
    assert view.choices.value.count("csw-split") >= 2 and "Wombat" in view.scores.value
    assert bytes(view.paths_image.value).startswith(b"\x89PNG") and bytes(view.scores_image.value).startswith(b"\x89PNG")


def test_facilitator_polling_thread_shows_a_new_run_without_being_asked(tmp_path):
    best, _ = extreme_paths(SCENARIO)
    view = FacilitatorView(tmp_path).start(interval=0.1)
    try:
        _save(tmp_path, "Bilby", best.path)
        deadline = time.monotonic() + 30
        while "Bilby" not in view.status.value and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "Bilby" in view.status.value
    finally:
        view.stop()


# -- the command's own checks, before anything starts -------------------------------------------


def _course(tmp_path):
    (tmp_path / "source").mkdir()
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()  # noqa\n")
    return tmp_path


def test_workshop_command_refuses_a_session_name_that_is_not_a_folder_name(tmp_path, capsys):
    from csworkbook import cli

    assert cli.main(["--course", str(_course(tmp_path)), "workshop", "--no-browser", "--session", "../other"]) == 2
    assert "session name '../other' cannot be a folder name" in capsys.readouterr().err
    assert not (tmp_path / "workshop-sessions").exists()


def test_workshop_command_says_when_its_port_is_taken(tmp_path, capsys):
    import socket

    from csworkbook import cli

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = cli.main(["--course", str(_course(tmp_path)), "workshop", "--no-browser", "--port", str(port)])
    assert code == 2
    assert f"port {port} on 127.0.0.1 is not free" in capsys.readouterr().err


def test_facilitator_menu_shows_one_scenario_at_a_time_and_keeps_the_choice_when_runs_arrive(tmp_path):
    best, _ = extreme_paths(SCENARIO)
    other_best, _ = extreme_paths("telephone-standards")
    _save(tmp_path, "Koala", best.path)
    run_files.save_run(tmp_path, run_files.build_run(play("telephone-standards", other_best.path), "Wombat"))
    view = FacilitatorView(tmp_path)
    assert sorted(v for _, v in view.scenario.options) == sorted([SCENARIO, "telephone-standards"])
    view.scenario.value = "telephone-standards"
    assert "Wombat" in view.choices.value and "Koala" not in view.choices.value
    assert other_best.path[0] in view.choices.value
    _save(tmp_path, "Echidna", best.path)
    _save(tmp_path, "Bilby", best.path)
    view.refresh()
    assert view.scenario.value == "telephone-standards", "a new run does not switch the facilitator's scenario"
    view.scenario.value = SCENARIO
    assert all(team in view.choices.value for team in ("Koala", "Echidna", "Bilby"))


def test_the_facilitator_notebook_stays_out_of_a_learners_workspace(tmp_path):
    from pathlib import Path

    from csworkbook import workspace

    repo = Path(__file__).resolve().parents[1]
    assert (repo / "notebooks" / "trainer" / "facilitator.ipynb").is_file()
    report = workspace.seed(repo, tmp_path / "ws")
    assert "workshop/roleplays.ipynb" in report.added
    assert not [p for p in report.added if "facilitator" in p or p.startswith("trainer/")]
    assert not (tmp_path / "ws" / "trainer").exists()

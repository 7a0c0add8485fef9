"""The learner's lab settings: what they hide, when the Assignment List stays, which page opens first."""

from __future__ import annotations

import json

import pytest

from csworkbook import lab
from csworkbook.lab import ExchangeError, find_exchange, prepare_learner, write_learner_config


def disabled(config_dir):
    page = json.loads((config_dir / "labconfig" / "page_config.json").read_text())
    return {name for name, off in page["disabledExtensions"].items() if off}


def server_extensions(config_dir):
    data = json.loads((config_dir / "jupyter_server_config.d" / "csworkbook-learner.json").read_text())
    return data["ServerApp"]["jpserver_extensions"]


def test_without_an_exchange_the_trainer_tools_and_the_assignment_list_are_off(tmp_path):
    hidden = write_learner_config(tmp_path)
    assert disabled(tmp_path) == {"@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
                                  "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:assignment-list",
                                  "@jupyter/nbgrader:menu"}
    assert "@jupyter/nbgrader:validate-assignment" not in disabled(tmp_path)
    assert server_extensions(tmp_path) == {
        "nbgrader.server_extensions.formgrader": False, "nbgrader.server_extensions.course_list": False,
        "nbgrader.server_extensions.assignment_list": False,
        "nbgrader.server_extensions.validate_assignment": True}
    assert "the Create Assignment side panel" in hidden and "the Assignment List" in hidden
    assert not (tmp_path / "nbgrader_config.json").exists()


def test_with_an_exchange_the_assignment_list_and_its_menu_stay(tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    config = tmp_path / "cfg"
    write_learner_config(config)  # an earlier launch without one must not linger
    write_learner_config(config, str(exchange))
    assert disabled(config) == {"@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
                                "@jupyter/nbgrader:course-list"}
    assert server_extensions(config)["nbgrader.server_extensions.assignment_list"] is True
    assert server_extensions(config)["nbgrader.server_extensions.formgrader"] is False
    assert json.loads((config / "nbgrader_config.json").read_text()) == {"Exchange": {"root": str(exchange)}}


def test_the_exchange_named_in_the_environment_must_be_a_folder(tmp_path):
    with pytest.raises(ExchangeError, match=r"CSWORKBOOK_EXCHANGE=.*nowhere: that is not a folder"):
        find_exchange(tmp_path, {"CSWORKBOOK_EXCHANGE": str(tmp_path / "nowhere")})
    (tmp_path / "ex").mkdir()
    assert find_exchange(tmp_path, {"CSWORKBOOK_EXCHANGE": str(tmp_path / "ex")}) == str(tmp_path / "ex")


def test_the_exchange_nbgrader_is_configured_with_counts_only_if_it_exists(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    exchange = tmp_path / "srv-exchange"
    (workspace / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
    assert find_exchange(workspace, {}) is None
    exchange.mkdir()
    assert find_exchange(workspace, {}) == str(exchange)


def test_the_first_page_is_start_here_then_what_is_new_after_an_update(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "cfg"))
    course = tmp_path / "course"
    (course / "release" / "07-topic").mkdir(parents=True)
    (course / "release" / "07-topic" / "07-topic.ipynb").write_text('{"v": 1}')
    workspace = tmp_path / "ws"
    env = {"CSWORKBOOK_EXCHANGE": ""}
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "nbgrader_config.json").write_text(json.dumps({"Exchange": {"root": str(tmp_path / "x")}}))
    first = prepare_learner(course, workspace, env)
    assert first.default_url == f"/lab/tree/{lab.START_HERE}"
    assert first.config_dir == workspace / lab.CONFIG_DIR
    overrides = json.loads((first.settings_dir / "overrides.json").read_text())
    assert overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == "Markdown Preview"
    (course / "release" / "08-next").mkdir()
    (course / "release" / "08-next" / "08-next.ipynb").write_text('{"v": 1}')
    second = prepare_learner(course, workspace, env)
    assert second.default_url == "/lab/tree/WHAT-IS-NEW.md"
    assert "the Assignment List is off" in second.describe()
    assert "new: 08-next/08-next.ipynb" in capsys.readouterr().out


def test_a_hub_gets_the_settings_folder_from_one_command(tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    repo = __import__("pathlib").Path(__file__).resolve().parents[1]
    out = tmp_path / "hub-learner"
    assert lab.main(["--config-only", str(out), "--exchange", str(exchange), "--course", str(repo)]) == 0
    assert "@jupyter/nbgrader:formgrader" in disabled(out)
    assert "@jupyter/nbgrader:assignment-list" not in disabled(out)
    nbgrader = json.loads((out / "nbgrader_config.json").read_text())
    assert nbgrader["Exchange"] == {"root": str(exchange)}
    assert nbgrader["CourseDirectory"] == {"course_id": "customer-service-workbook"}
    assert nbgrader["Execute"]["timeout"] == 60
    assert lab.main(["--config-only", str(out), "--exchange", str(tmp_path / "missing")]) == 1

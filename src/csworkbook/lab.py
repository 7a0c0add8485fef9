"""What the learner's JupyterLab shows, and what only the trainer's does.

nbgrader's lab extension gives everyone the trainer's tools: the Create
Assignment side panel, Formgrader and the Course List, and an Assignment List
that can only show errors where there is no exchange. The learner's launch
(``python3 workbook.py lab``) switches those off with JupyterLab's and Jupyter
Server's own settings, written to a config folder of the launch's own that
``JUPYTER_CONFIG_PATH`` adds to the usual ones:

* ``labconfig/page_config.json``: ``disabledExtensions`` names the front-end
  plugins (what ``jupyter labextension disable`` writes);
* ``jupyter_server_config.d/csworkbook-learner.json``: the matching nbgrader
  server extensions off, so the pages and APIs are gone too, not only hidden;
* ``lab-settings/overrides.json`` (the launch's ``--LabApp.app_settings_dir``):
  the environment's overrides, plus Markdown opening rendered, so the
  what-is-new page reads as a page.

Validate stays. The Assignment List (and the Nbgrader menu that holds it) stays
only where the course has an exchange: the folder ``CSWORKBOOK_EXCHANGE`` names,
or the exchange nbgrader's own configuration names if that folder exists (as on
a JupyterHub set up for nbgrader), or an exchange other than nbgrader's
folder one. On a hub, point the single-user server's ``JUPYTER_CONFIG_PATH`` at
a folder made by ``python -m csworkbook.lab --config-only DIR --exchange PATH``
(or ``write_learner_config``).

The trainer's launch (``workbook.py lab --trainer``) uses none of this.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import workspace as workspace_mod

# Front-end plugins (nbgrader 0.9's lab extension) a learner has no use for.
TRAINER_PLUGINS = {
    "@jupyter/nbgrader:create-assignment": "the Create Assignment side panel",
    "@jupyter/nbgrader:formgrader": "Formgrader",
    "@jupyter/nbgrader:course-list": "the Course List",
}
# Only useful with an exchange; without one the list shows "Error fetching courses!".
EXCHANGE_PLUGINS = {
    "@jupyter/nbgrader:assignment-list": "the Assignment List",
    # The menu would otherwise be left empty: Validate is on the notebook's toolbar.
    "@jupyter/nbgrader:menu": "the Nbgrader menu",
}
TRAINER_SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"]
EXCHANGE_SERVER_EXTENSIONS = ["nbgrader.server_extensions.assignment_list"]
LEARNER_KEEPS = "nbgrader.server_extensions.validate_assignment"

ENV_EXCHANGE = "CSWORKBOOK_EXCHANGE"
CONFIG_DIR = ".csworkbook/lab-config"  # inside the workspace: one per learner, hidden in the file browser
START_HERE = "00-start-here.ipynb"
MARKDOWN_RENDERED = {"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Markdown Preview"}}}


@dataclass
class LearnerLaunch:
    config_dir: Path
    settings_dir: Path
    default_url: str
    exchange: str | None
    hidden: list[str] = field(default_factory=list)

    def describe(self) -> str:
        where = (f"the Assignment List is on (exchange: {self.exchange})" if self.exchange else
                 f"no exchange, so the Assignment List is off too (set {ENV_EXCHANGE} to the exchange "
                 "folder to have it)")
        return f"learner's JupyterLab: Validate kept; hidden: {', '.join(self.hidden)}; {where}"


class ExchangeError(ValueError):
    pass


def find_exchange(workspace: Path, environ: dict[str, str] | None = None) -> str | None:
    """The exchange a learner's Assignment List would use, or None when there is none to use."""
    environ = os.environ if environ is None else environ
    named = environ.get(ENV_EXCHANGE, "").strip()
    if named:
        if not Path(named).is_dir():
            raise ExchangeError(f"{ENV_EXCHANGE}={named}: that is not a folder. Set it to the nbgrader "
                                "exchange folder your trainer gave you, or unset it to work without one.")
        return str(Path(named).resolve())
    # Read nbgrader's configuration the way its Assignment List does: the Jupyter config
    # folders, then the folder it serves.
    from nbgrader.apps import NbGrader
    from nbgrader.exchange.default.exchange import Exchange

    here = os.getcwd()
    os.chdir(workspace)
    try:
        app = NbGrader()
        app.log_level = logging.CRITICAL  # "no nbgrader_config.py found" is normal here
        app.load_config_file()
    finally:
        os.chdir(here)
    config = app.config
    factory = config.ExchangeFactory.get("exchange") if "ExchangeFactory" in config else None
    if factory and "nbgrader.exchange.default" not in str(factory):
        return str(factory)  # another exchange (ngshare and the like) needs no folder here
    root = config.Exchange.get("root") if "Exchange" in config else None
    root = str(root or Exchange.root.default_value)
    return root if Path(root).is_dir() else None


def course_settings_for_learners(course: Path) -> dict:
    """What Validate needs from the course's nbgrader_config.py: its course id and time limits.

    Not the rest: the exchange, the gradebook and the sandbox there are the trainer's.
    """
    from traitlets.config.loader import PyFileConfigLoader

    path = course / "nbgrader_config.py"
    if not path.is_file():
        return {}
    config = PyFileConfigLoader(path.name, path=str(course)).load_config()
    kept = {section: dict(config[section]) for section in ("Execute", "ExecutePreprocessor") if section in config}
    if "CourseDirectory" in config and "course_id" in config.CourseDirectory:
        kept["CourseDirectory"] = {"course_id": config.CourseDirectory.course_id}
    return kept


def write_learner_config(config_dir: str | Path, exchange: str | None = None,
                         nbgrader: dict | None = None) -> list[str]:
    """Write the learner's settings into config_dir; return what they hide, in words.

    nbgrader: settings for nbgrader's learner tools (see course_settings_for_learners).
    """
    config_dir = Path(config_dir)
    plugins = dict(TRAINER_PLUGINS)
    server_off = list(TRAINER_SERVER_EXTENSIONS)
    if not exchange:
        plugins.update(EXCHANGE_PLUGINS)
        server_off += EXCHANGE_SERVER_EXTENSIONS
    labconfig = config_dir / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    # Every plugin named, on or off, so an earlier launch's choice never lingers.
    every = {**TRAINER_PLUGINS, **EXCHANGE_PLUGINS}
    page = {"disabledExtensions": {name: name in plugins for name in every}}
    (labconfig / "page_config.json").write_text(json.dumps(page, indent=1) + "\n")
    server_d = config_dir / "jupyter_server_config.d"
    server_d.mkdir(parents=True, exist_ok=True)
    extensions = {name: name not in server_off for name in TRAINER_SERVER_EXTENSIONS + EXCHANGE_SERVER_EXTENSIONS}
    extensions[LEARNER_KEEPS] = True
    server = {"ServerApp": {"jpserver_extensions": extensions}}
    (server_d / "csworkbook-learner.json").write_text(json.dumps(server, indent=1) + "\n")
    nbgrader_settings = json.loads(json.dumps(nbgrader or {}))
    if exchange and Path(exchange).is_dir():
        nbgrader_settings["Exchange"] = {"root": exchange}
    nbgrader_json = config_dir / "nbgrader_config.json"
    if nbgrader_settings:
        nbgrader_json.write_text(json.dumps(nbgrader_settings, indent=1) + "\n")
    elif nbgrader_json.exists():
        nbgrader_json.unlink()
    return list(plugins.values())


def write_settings(settings_dir: Path, environment_settings: Path | None) -> None:
    """The launch's app settings: the environment's overrides, plus Markdown opened rendered."""
    settings_dir.mkdir(parents=True, exist_ok=True)
    overrides: dict = {}
    if environment_settings and (environment_settings / "overrides.json").is_file():
        overrides = json.loads((environment_settings / "overrides.json").read_text())
    for plugin, values in MARKDOWN_RENDERED.items():
        overrides.setdefault(plugin, {}).update(values)
    (settings_dir / "overrides.json").write_text(json.dumps(overrides, indent=1) + "\n")


def prepare_learner(course: str | Path, workspace: str | Path, environ: dict[str, str] | None = None) -> LearnerLaunch:
    """Seed the workspace, write the learner's settings, and say which page to open first."""
    course, workspace = Path(course), Path(workspace).resolve()
    report = workspace_mod.seed(course, workspace)
    print(report.summary(), flush=True)
    exchange = find_exchange(workspace, environ)
    config_dir = workspace / CONFIG_DIR
    hidden = write_learner_config(config_dir, exchange, course_settings_for_learners(course))
    environment_settings = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"
    write_settings(config_dir / "lab-settings", environment_settings)
    first = workspace_mod.NEWS if report.news else START_HERE
    return LearnerLaunch(config_dir=config_dir, settings_dir=config_dir / "lab-settings",
                         default_url=f"/lab/tree/{first}", exchange=exchange, hidden=hidden)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m csworkbook.lab",
        description="prepare the learner's JupyterLab: `--course --workspace --write` is what "
                    "`workbook.py lab` runs; `--config-only DIR` writes only the settings folder, "
                    "for a JupyterHub's JUPYTER_CONFIG_PATH")
    parser.add_argument("--course", help="the course folder (release/, notebooks/, nbgrader_config.py)")
    parser.add_argument("--workspace", help="the learner's workspace folder")
    parser.add_argument("--write", help="where to write the launch's settings as JSON")
    parser.add_argument("--config-only", metavar="DIR", help="write the learner's settings into DIR, nothing else")
    parser.add_argument("--exchange", help="with --config-only: the exchange folder (keeps the Assignment List)")
    args = parser.parse_args(argv)
    try:
        if args.config_only:
            if args.exchange and not Path(args.exchange).is_dir():
                raise ExchangeError(f"--exchange {args.exchange}: that is not a folder")
            course = course_settings_for_learners(Path(args.course)) if args.course else {}
            hidden = write_learner_config(args.config_only, args.exchange, course)
            print(f"{args.config_only}: the learner's settings (hidden: {', '.join(hidden)})")
            return 0
        if not (args.course and args.workspace and args.write):
            parser.error("give --course, --workspace and --write (or --config-only DIR)")
        launch = prepare_learner(args.course, args.workspace)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(launch.describe(), flush=True)
    Path(args.write).parent.mkdir(parents=True, exist_ok=True)
    Path(args.write).write_text(json.dumps({
        "config_dir": str(launch.config_dir), "settings_dir": str(launch.settings_dir),
        "default_url": launch.default_url, "exchange": launch.exchange}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

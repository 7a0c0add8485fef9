#!/usr/bin/env python3
"""Set up the workbook and run it: the two commands of the README's quick start.

    python3 workbook.py lab     set everything up, then open the workbook in JupyterLab
    python3 workbook.py test    set everything up, then run every test

Everything is installed into .venv/ inside this folder; nothing outside it is
touched. The first run takes a minute or two; later runs start at once unless
pyproject.toml has changed.

Other commands:
    python3 workbook.py run CMD ARGS...   run a command inside the environment,
                                          e.g. `run csworkbook build`
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".csworkbook-installed"


def say(message: str) -> None:
    print(f"[workbook] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[workbook] error: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    # nbgrader calls `alembic` as a subprocess, so the environment's bin must be on PATH.
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = str(VENV)
    env.pop("PYTHONHOME", None)
    return env


def ensure_environment() -> None:
    if sys.version_info < (3, 11):
        fail(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}. "
             "Run the command with a newer python3.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not PYTHON.exists():
        say(f"creating a virtual environment in {VENV.relative_to(ROOT)}/")
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    say("installing the workbook and its dependencies (first run: a minute or two)")
    steps = [
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--editable", f"{ROOT}[test]"],
    ]
    for step in steps:
        if subprocess.run(step, cwd=ROOT, env=environment()).returncode != 0:
            fail("installation failed (see the messages above); fix the cause and run the command again")
    quiet_jupyterlab()
    STAMP.write_text(wanted)


def quiet_jupyterlab() -> None:
    """No 'would you like news?' pop-up: learners have enough on screen."""
    settings = VENV / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(
        '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}\n'
    )


def run(cmd: list[str]) -> int:
    exe = shutil.which(cmd[0], path=str(BIN)) or cmd[0]
    return subprocess.run([exe, *cmd[1:]], cwd=ROOT, env=environment()).returncode


def cmd_lab(extra: list[str]) -> int:
    # CSWORKBOOK_WORKSPACE lets a learner (or a test) keep their work somewhere else.
    workspace = Path(os.environ.get("CSWORKBOOK_WORKSPACE", ROOT / "workspace")).resolve()
    code = run(["csworkbook", "workspace", "--into", str(workspace)])
    if code:
        return code
    say(f"opening JupyterLab in {workspace} (your own copies of the notebooks); stop it with Ctrl+C")
    os.chdir(ROOT)
    args = [str(BIN / "jupyter"), "lab", f"--ServerApp.root_dir={workspace}",
            "--ServerApp.default_url=/lab/tree/00-start-here.ipynb", *extra]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        args.append("--allow-root")
    if os.name == "nt":
        return subprocess.run(args, env=environment()).returncode
    os.execve(args[0], args, environment())  # hand the terminal to JupyterLab


def cmd_test(extra: list[str]) -> int:
    return run(["python", "-m", "pytest", *extra])


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command, extra = argv[0], argv[1:]
    commands = {"lab": cmd_lab, "test": cmd_test, "run": run}
    if command not in commands:
        fail(f"unknown command {command!r}; use lab, test or run (see --help)")
    ensure_environment()
    if command == "run":
        if not extra:
            fail("say what to run, e.g. `python3 workbook.py run csworkbook build`")
        return run(extra)
    return commands[command](extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Set up the workbook and run it: the two commands of the README's quick start.

    python3 workbook.py lab     set everything up, then open the workbook in JupyterLab
                                (the learner's: `lab --trainer` opens the course folder with
                                nbgrader's trainer tools, Formgrader and Create Assignment)
    python3 workbook.py test    set everything up, then run every test

Everything is installed into .venv/ inside this folder; nothing outside it is
touched. Every package is installed at the exact version pinned in
constraints.txt (the lock), so learners and the grader run the same libraries.
The first run takes a minute or two; later runs start at once unless
pyproject.toml or constraints.txt has changed.

Other commands:
    python3 workbook.py run CMD ARGS...   run a command inside the environment,
                                          e.g. `run csworkbook build`
    python3 workbook.py bench [--quick]   the benchmark suite: prints every figure and writes
                                          benchmarks/RESULTS.md (see benchmarks/suite.py;
                                          --only FIGURE..., --smoke for seconds, --help)
    python3 workbook.py lock [UV ARGS]    regenerate constraints.txt from pyproject.toml
                                          (its dependencies and the `test` extra) and say
                                          what changed. Pins still allowed by pyproject.toml
                                          are kept; `lock --upgrade-package pandas` moves one
                                          package to its newest allowed version, `lock
                                          --upgrade` moves them all. Installs its resolver
                                          (uv, at a pinned version) into .venv/lock-tool/.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
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
PYPROJECT = ROOT / "pyproject.toml"
# The lock: every package the environment installs, at an exact version, for every
# platform and Python 3.11+. Made by `python3 workbook.py lock`; never edit it by hand.
LOCK = ROOT / "constraints.txt"
# The resolver behind `lock`, pinned so that the same pyproject.toml gives the same lock.
LOCK_TOOL = "uv==0.13.9"
LOCK_TOOL_VENV = VENV / "lock-tool"
LOCK_PYTHON = "3.11"  # the oldest Python pyproject.toml allows: every pin must install on it


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
    if not LOCK.exists():
        fail(f"{LOCK.name} (the lock every install uses) is missing: restore it with "
             f"`git checkout {LOCK.name}`, or make a new one with `python3 workbook.py lock`")
    wanted = install_stamp(PYPROJECT, LOCK)
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not PYTHON.exists():
        say(f"creating a virtual environment in {VENV.relative_to(ROOT)}/")
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
        say("installing the workbook and its dependencies (first run: a minute or two)")
    else:
        say(f"installing the locked versions ({PYPROJECT.name} or {LOCK.name} changed, "
            "or the last installation did not finish)")
    # --constraint: every package, pip included, at the version constraints.txt pins.
    lock = ["--constraint", str(LOCK)]
    steps = [
        [str(PYTHON), "-m", "pip", "install", "--quiet", *lock, "--upgrade", "pip"],
        [str(PYTHON), "-m", "pip", "install", "--quiet", *lock, "--editable", f"{ROOT}[test]"],
    ]
    for step in steps:
        if subprocess.run(step, cwd=ROOT, env=environment()).returncode != 0:
            fail("installation failed (see the messages above); fix the cause and run the command again")
    quiet_jupyterlab()
    STAMP.write_text(wanted)


def install_stamp(*paths: Path) -> str:
    """One hash of the files the installation follows: a change to any of them reinstalls."""
    digest = hashlib.sha256()
    for path in paths:
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


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
    if "--trainer" in extra:
        return lab_trainer([arg for arg in extra if arg != "--trainer"])
    return lab_learner(extra)


def lab_learner(extra: list[str]) -> int:
    """The learner's JupyterLab: their workspace, Validate, and none of the trainer's tools."""
    # CSWORKBOOK_WORKSPACE lets a learner (or a test) keep their work somewhere else.
    workspace = Path(os.environ.get("CSWORKBOOK_WORKSPACE", ROOT / "workspace")).resolve()
    launch_file = workspace / ".csworkbook" / "launch.json"
    # Seeds the workspace and writes the learner's settings (see src/csworkbook/lab.py).
    code = run(["python", "-m", "csworkbook.lab", "--course", str(ROOT), "--workspace", str(workspace),
                "--write", str(launch_file)])
    if code:
        return code
    launch = json.loads(launch_file.read_text())
    env = environment()
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        p for p in [launch["config_dir"], os.environ.get("JUPYTER_CONFIG_PATH", "")] if p)
    say(f"opening JupyterLab in {workspace} (your own copies of the notebooks); stop it with Ctrl+C")
    # Run from the workspace, not the course: nbgrader's learner tools read nbgrader_config.py
    # from the working folder, and the course's is the trainer's (its exchange, its gradebook).
    return exec_lab([f"--ServerApp.root_dir={workspace}", f"--LabApp.default_url={launch['default_url']}",
                     f"--LabApp.app_settings_dir={launch['settings_dir']}", *extra], env, cwd=workspace)


def lab_trainer(extra: list[str]) -> int:
    """The trainer's JupyterLab: the course folder, with every nbgrader tool."""
    say(f"opening the trainer's JupyterLab in {ROOT} (source/, release/, and Formgrader in the "
        "Nbgrader menu); stop it with Ctrl+C")
    # Collaboration's document store goes where the server runs: keep it out of the course folder.
    store = f"--SQLiteYStore.db_path={VENV / 'trainer-ystore.db'}"
    return exec_lab([f"--ServerApp.root_dir={ROOT}", "--LabApp.default_url=/lab", store, *extra],
                    environment(), cwd=ROOT)


def exec_lab(args: list[str], env: dict[str, str], cwd: Path) -> int:
    os.chdir(cwd)
    args = [str(BIN / "jupyter"), "lab", *args]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        args.append("--allow-root")
    if os.name == "nt":
        return subprocess.run(args, env=env).returncode
    os.execve(args[0], args, env)  # hand the terminal to JupyterLab


def cmd_test(extra: list[str]) -> int:
    return run(["python", "-m", "pytest", *extra])


def cmd_bench(extra: list[str]) -> int:
    return run(["python", str(ROOT / "benchmarks" / "suite.py"), *extra])


PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;]+)\s*(?:;\s*(.*?))?\s*$")


def read_pins(text: str) -> dict[str, str]:
    """Package (normalised name) -> its pin, from a lock's text.

    A package pinned differently on different platforms or Pythons (lines with markers)
    gets all its pins, joined: "1.0 ; sys_platform == 'win32', 2.0 ; sys_platform != 'win32'".
    """
    pins: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*", "", raw).strip()
        match = PIN.match(line)
        if match:
            name = re.sub(r"[-_.]+", "-", match[1]).lower()
            pins.setdefault(name, []).append(match[2] + (f" ; {match[3]}" if match[3] else ""))
    return {name: ", ".join(sorted(versions)) for name, versions in sorted(pins.items())}


def describe_changes(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """What changed between two locks, one line per package: + added, - removed, ~ changed."""
    lines = [f"+ {name} {new[name]}" for name in sorted(new.keys() - old.keys())]
    lines += [f"- {name} {old[name]}" for name in sorted(old.keys() - new.keys())]
    lines += [f"~ {name} {old[name]} -> {new[name]}"
              for name in sorted(old.keys() & new.keys()) if old[name] != new[name]]
    return lines


def lock_tool() -> Path:
    """uv, at the pinned version, in a small environment of its own (never in the workbook's)."""
    tool_bin = LOCK_TOOL_VENV / ("Scripts" if os.name == "nt" else "bin")
    uv = tool_bin / ("uv.exe" if os.name == "nt" else "uv")
    version = LOCK_TOOL.split("==", 1)[1]
    if uv.exists():
        found = subprocess.run([str(uv), "--version"], capture_output=True, text=True).stdout.split()
        if found[1:2] == [version]:
            return uv
    say(f"installing the lock's resolver, {LOCK_TOOL}, into {LOCK_TOOL_VENV.relative_to(ROOT)}/")
    if not (tool_bin / ("python.exe" if os.name == "nt" else "python")).exists():
        venv.EnvBuilder(with_pip=True, clear=LOCK_TOOL_VENV.exists()).create(LOCK_TOOL_VENV)
    pip = [str(tool_bin / "python"), "-m", "pip", "install", "--quiet", LOCK_TOOL]
    if subprocess.run(pip, cwd=ROOT).returncode != 0 or not uv.exists():
        fail(f"could not install {LOCK_TOOL} (see the messages above)")
    return uv


def cmd_lock(extra: list[str]) -> int:
    """Resolve pyproject.toml (with the test extra) into constraints.txt; say what changed."""
    old_text = LOCK.read_text() if LOCK.exists() else ""
    uv = lock_tool()
    say(f"resolving pyproject.toml (dependencies and the test extra) into {LOCK.name}")
    env = dict(os.environ, UV_CACHE_DIR=str(LOCK_TOOL_VENV / "cache"))
    compile_ = [
        str(uv), "pip", "compile", "pyproject.toml", "--extra", "test",
        # pip itself: the install step upgrades it, so the lock pins it too.
        "-",
        "--output-file", LOCK.name,  # its pins are kept where pyproject.toml still allows them
        "--universal", "--python-version", LOCK_PYTHON,
        "--no-config",  # a personal uv.toml must not change the lock
        "--custom-compile-command", "python3 workbook.py lock",
        "--quiet", *extra,
    ]
    result = subprocess.run(compile_, cwd=ROOT, env=env, input="pip\n", text=True)
    if result.returncode != 0:
        if LOCK.exists() and LOCK.read_text() != old_text:
            LOCK.write_text(old_text)
        fail(f"could not resolve pyproject.toml; {LOCK.name} is unchanged (see the messages above)")
    new_text = LOCK.read_text()
    old, new = read_pins(old_text), read_pins(new_text)
    changes = describe_changes(old, new)
    if not changes:
        comments = " (only its comments changed)" if new_text != old_text else ""
        say(f"{LOCK.name}: no changes{comments}; {len(new)} packages pinned")
        return 0
    counts = [sum(line.startswith(sign) for line in changes) for sign in "+-~"]
    say(f"{LOCK.name}: {counts[0]} added, {counts[1]} removed, {counts[2]} changed "
        f"(version, or where it applies); {len(new)} packages pinned")
    for line in changes:
        print(f"    {line}", flush=True)
    say("the next `python3 workbook.py lab` or `test` installs these versions into .venv/")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command, extra = argv[0], argv[1:]
    commands = {"lab": cmd_lab, "test": cmd_test, "bench": cmd_bench, "run": run, "lock": cmd_lock}
    if command not in commands:
        fail(f"unknown command {command!r}; use lab, test, bench, run or lock (see --help)")
    if command == "lock":  # resolves from pyproject.toml alone: needs no environment
        return cmd_lock(extra)
    ensure_environment()
    if command == "run":
        if not extra:
            fail("say what to run, e.g. `python3 workbook.py run csworkbook build`")
        return run(extra)
    return commands[command](extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

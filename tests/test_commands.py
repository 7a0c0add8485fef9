"""The commands people type: the `csworkbook` CLI and `workbook.py lab`."""

from __future__ import annotations

import filecmp
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def csworkbook(*args, cwd=None):
    return subprocess.run([str(BIN / "csworkbook"), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_help_lists_the_commands():
    out = csworkbook("--help")
    assert out.returncode == 0
    for command in ("build", "verify", "workspace"):
        assert command in out.stdout


def test_outside_a_course_the_error_says_what_to_do(tmp_path):
    out = csworkbook("build", cwd=tmp_path)
    assert out.returncode == 2
    assert "no course found" in out.stderr and "nbgrader_config.py" in out.stderr


def test_build_regenerates_release_and_datasets_identically(repo, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy2(repo / "nbgrader_config.py", course / "nbgrader_config.py")
    for folder in ("source", "release", "datasets"):
        shutil.copytree(repo / folder, course / folder)
    # An assignment removed from source/ must disappear from release/ too.
    (course / "release" / "99-stale").mkdir()
    out = csworkbook("--course", str(course), "build", "--quiet")
    assert out.returncode == 0, out.stderr
    assert "generated" in out.stdout
    assert not (course / "release" / "99-stale").exists()
    for folder in ("release", "datasets"):
        cmp = filecmp.dircmp(repo / folder, course / folder)
        assert not (cmp.left_only or cmp.right_only or cmp.diff_files), folder
        for sub in cmp.subdirs.values():
            assert not (sub.left_only or sub.right_only or sub.diff_files), sub.left
    assert not (course / "gradebook.db").exists(), "a build must not create a gradebook in the course"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.mark.timeout(180)
def test_workbook_lab_seeds_a_workspace_and_serves_it(repo, tmp_path):
    """The README's first command, with a private port, token and workspace."""
    port, token = _free_port(), secrets.token_hex(8)
    env = dict(os.environ, CSWORKBOOK_WORKSPACE=str(tmp_path / "ws"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
               IPYTHONDIR=str(tmp_path / "ipy"))
    cmd = [sys.executable, str(repo / "workbook.py"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        status = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status = _get(f"http://127.0.0.1:{port}/api/status?token={token}")
                break
            except OSError:
                time.sleep(0.5)
        assert status is not None, "JupyterLab did not answer"
        listing = _get(f"http://127.0.0.1:{port}/api/contents/?token={token}")
        names = {item["name"] for item in listing["content"]}
        assert "00-start-here.ipynb" in names
        assert "07-measuring-satisfaction" in names
        topic = _get(f"http://127.0.0.1:{port}/api/contents/07-measuring-satisfaction?token={token}")
        assert [i["name"] for i in topic["content"]] == ["07-measuring-satisfaction.ipynb"]
        # The learner's copy is the release version: no solutions in what they open.
        nb = _get(f"http://127.0.0.1:{port}/api/contents/07-measuring-satisfaction/07-measuring-satisfaction.ipynb?token={token}")
        text = json.dumps(nb["content"])
        assert "BEGIN SOLUTION" not in text and "YOUR CODE HERE" in text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_nbgrader_lab_extension_is_enabled_and_compatible():
    out = subprocess.run([str(BIN / "jupyter"), "labextension", "list"], capture_output=True, text=True)
    lines = [line for line in (out.stdout + out.stderr).splitlines() if "@jupyter/nbgrader" in line]
    assert lines, out.stdout + out.stderr
    assert "enabled" in lines[0] and "OK" in lines[0] and "not compatible" not in lines[0]

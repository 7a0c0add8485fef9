"""What the browser tests share: Debian's Chromium, and a private JupyterLab started and stopped.

Importing this module skips the importing test file when Chromium is missing (and fails it
under CI, which must run the browser tests).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ON_CI = os.environ.get("CI", "").lower() == "true"

if CHROMIUM is None:
    if ON_CI:
        pytest.fail("CI must run the browser test, but Chromium is not installed: .ci/run should install it "
                    "(apt-get install chromium)", pytrace=False)
    pytest.skip("Chromium is not installed (apt-get install chromium); the browser test runs in CI",
                allow_module_level=True)

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_env(tmp: Path, **extra: str) -> dict[str, str]:
    """An environment whose Jupyter config, runtime and IPython folders are all inside tmp."""
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp / "rt"),
               IPYTHONDIR=str(tmp / "ipy"), JUPYTER_DATA_DIR=str(tmp / "data"), **extra)
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    return env


def server_args(port: int, token: str) -> list[str]:
    return ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True", "--allow-root"]


@contextmanager
def running_lab(cmd_before_server_args: list[str], env: dict[str, str], tmp: Path, timeout: float = 120):
    """Start `cmd + server args` in tmp, wait until it answers, yield {url, token, log}; stop it after.

    Started in tmp, not the repository: jupyter-collaboration writes its .jupyter_ystore.db
    into the folder the server starts in."""
    port, token = free_port(), secrets.token_hex(12)
    log_path = tmp / f"lab-{port}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([*cmd_before_server_args, *server_args(port, token)], env=env, cwd=tmp,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"JupyterLab did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.5)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "log": log_path}
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def jupyter_lab_command() -> list[str]:
    return [str(BIN / "jupyter"), "lab"]

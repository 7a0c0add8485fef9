"""Start Voilà on the app's two pages and say where teams and the facilitator open them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import webbrowser
from pathlib import Path

from .runs import SESSION_ENV

PAGES = Path(__file__).resolve().parent / "pages"
TEAM_PAGE = "team.ipynb"
FACILITATOR_PAGE = "facilitator.ipynb"
DEFAULT_PORT = 8866  # Voilà's own default


def check_port(ip: str, port: int) -> None:
    with socket.socket() as s:
        try:
            s.bind((ip, port))
        except OSError as exc:
            raise ValueError(f"port {port} on {ip} is not free ({exc.strerror}): choose another with --port") from None


def voila_command(port: int, ip: str = "127.0.0.1") -> list[str]:
    return [
        sys.executable, "-m", "voila", str(PAGES), "--no-browser", f"--Voila.ip={ip}", f"--Voila.port={port}",
        # a busy port is an error to report, not a reason to move somewhere teams were not told about
        "--Voila.port_retries=0",
        "--Voila.log_level=WARN",
        "--VoilaConfiguration.show_tracebacks=True",
    ]


def urls(port: int, ip: str = "127.0.0.1") -> dict[str, str]:
    host = "127.0.0.1" if ip in ("127.0.0.1", "localhost") else (socket.gethostname() if ip in ("0.0.0.0", "") else ip)
    base = f"http://{host}:{port}"
    return {"team": f"{base}/voila/render/{TEAM_PAGE}", "facilitator": f"{base}/voila/render/{FACILITATOR_PAGE}"}


def wait_until_up(port: int, proc: subprocess.Popen, timeout: float = 120.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"Voilà stopped as it started (exit code {proc.returncode}); its messages are above")
        try:
            urllib.request.urlopen(f"http://{host}:{port}/", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"Voilà did not answer on port {port} within {timeout:.0f} s") from None
            time.sleep(0.3)


def serve(session_dir: Path, port: int = DEFAULT_PORT, ip: str = "127.0.0.1", open_browser: bool = True,
          say=None) -> int:
    """Run the app until Ctrl+C (or until Voilà stops); returns an exit code."""
    say = say or (lambda text: print(text, flush=True))
    check_port(ip if ip not in ("", "0.0.0.0") else "0.0.0.0", port)
    env = dict(os.environ)
    env[SESSION_ENV] = str(Path(session_dir).resolve())
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    say(f"workshop: starting Voilà on port {port} (a few seconds)...")
    proc = subprocess.Popen(voila_command(port, ip), env=env, start_new_session=True)

    def stop(signum, frame):
        raise KeyboardInterrupt

    # Stopped by a signal (a service manager, a test, `kill`), Voilà and its kernels go too.
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        wait_until_up(port, proc, host="127.0.0.1" if ip in ("", "0.0.0.0") else ip)
        where = urls(port, ip)
        say(f"workshop: session folder {session_dir}")
        say(f"workshop: teams open      {where['team']}")
        say(f"workshop: facilitator     {where['facilitator']}")
        say("workshop: press Ctrl+C to stop (finished runs stay in the session folder)")
        if open_browser:
            webbrowser.open(where["facilitator"])
            webbrowser.open(where["team"])
        return proc.wait()
    except KeyboardInterrupt:
        say("workshop: stopping")
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

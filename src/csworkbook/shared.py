"""A shared editing session: one JupyterLab that a whole team edits together.

The facilitator's laptop serves JupyterLab on the local network with real-time
collaboration (the jupyter-collaboration extension, installed with the
workbook): every teammate who opens the printed address edits the same
notebooks and sees the others' cursors and changes as they type. A token in the
address keeps out anyone who was not given it.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DEFAULT_PORT = 8890  # not 8888, so a learner's own JupyterLab on the same laptop can keep its port
# The collaboration extension keeps each document's edit history in this file; it sits in
# the served folder so a restarted session picks up where the team left off.
YSTORE = ".jupyter_ystore.db"


def lan_address() -> str | None:
    """This machine's address on the local network, or None when it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            # A UDP connect sends nothing: it only asks the kernel which interface would be used.
            s.connect(("192.0.2.1", 9))
            address = s.getsockname()[0]
    except OSError:
        try:
            address = socket.gethostbyname(socket.gethostname())
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def lab_command(folder: Path, port: int, token: str, ip: str) -> list[str]:
    """The JupyterLab command line for a shared session serving ``folder``."""
    jupyter = Path(sys.executable).with_name("jupyter")
    cmd = [str(jupyter if jupyter.exists() else "jupyter"), "lab", "--no-browser",
           f"--ServerApp.ip={ip}", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
           # Teammates reach it by the laptop's address, not by localhost.
           "--ServerApp.allow_remote_access=True",
           f"--SQLiteYStore.db_path={folder / YSTORE}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def addresses(ip: str, port: int, token: str) -> list[tuple[str, str]]:
    """(who, address) pairs to print: the one teammates open first."""
    found = []
    if ip in ("0.0.0.0", ""):
        lan = lan_address()
        if lan:
            found.append(("teammates open", f"http://{lan}:{port}/lab?token={token}"))
        found.append(("on this laptop", f"http://127.0.0.1:{port}/lab?token={token}"))
    else:
        found.append(("teammates open", f"http://{ip}:{port}/lab?token={token}"))
    return found


def wait_until_up(host: str, port: int, token: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://{host}:{port}/api/status?token={token}", timeout=2)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab stopped before it was ready (exit code {proc.returncode}): "
                                   f"is port {port} already in use? Try --port with another number") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not answer on port {port} within {timeout:.0f} s") from None
            time.sleep(0.5)


def serve(folder: Path, port: int = DEFAULT_PORT, ip: str = "0.0.0.0", token: str | None = None) -> int:
    """Run the shared session until Ctrl+C; print the addresses once it answers."""
    folder = Path(folder).resolve()
    token = token or secrets.token_urlsafe(12)
    print(f"share: starting JupyterLab with real-time collaboration on {folder} ...", flush=True)
    proc = subprocess.Popen(lab_command(folder, port, token, ip), cwd=folder)
    # Stopped from outside (a closed terminal, a service manager): still stop JupyterLab below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        # Listening on every interface includes loopback, which is always reachable from here.
        wait_until_up("127.0.0.1" if ip in ("0.0.0.0", "") else ip, port, token, proc)
        for who, url in addresses(ip, port, token):
            print(f"share: {who}: {url}", flush=True)
        print("share: everyone who opens a notebook edits the same copy; changes are saved to "
              f"{folder}. Stop the session with Ctrl+C.", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # SIGINT would make JupyterLab ask "Shutdown?" first
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

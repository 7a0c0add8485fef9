"""`csworkbook share`: the command line it runs and the addresses it prints (the browser test is test_collaboration)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from csworkbook import cli, shared


def test_lab_command_serves_the_folder_with_a_token_on_the_given_address(tmp_path):
    cmd = shared.lab_command(tmp_path, 8890, "secret-token", "0.0.0.0")
    assert cmd[1:3] == ["lab", "--no-browser"]
    assert f"--ServerApp.root_dir={tmp_path}" in cmd
    assert "--ServerApp.ip=0.0.0.0" in cmd and "--ServerApp.port=8890" in cmd
    assert "--IdentityProvider.token=secret-token" in cmd
    assert "--ServerApp.port_retries=0" in cmd, "a busy port must fail, not move silently to another"
    # The edit history stays with the shared files, not in whatever folder the command ran from.
    assert f"--SQLiteYStore.db_path={tmp_path / '.jupyter_ystore.db'}" in cmd


def test_addresses_lead_with_the_one_teammates_open(monkeypatch):
    monkeypatch.setattr(shared, "lan_address", lambda: "192.168.1.23")
    assert shared.addresses("0.0.0.0", 8890, "tok") == [
        ("teammates open", "http://192.168.1.23:8890/lab?token=tok"),
        ("on this laptop", "http://127.0.0.1:8890/lab?token=tok"),
    ]
    # No network at all: only this laptop's address, never a made-up one.
    monkeypatch.setattr(shared, "lan_address", lambda: None)
    assert shared.addresses("0.0.0.0", 8890, "tok") == [("on this laptop", "http://127.0.0.1:8890/lab?token=tok")]
    assert shared.addresses("127.0.0.1", 9000, "tok") == [("teammates open", "http://127.0.0.1:9000/lab?token=tok")]


def test_lan_address_is_never_loopback():
    address = shared.lan_address()
    assert address is None or (not address.startswith("127.") and socket.inet_aton(address))


def test_a_server_that_stops_before_answering_is_reported_with_the_port():
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
    proc.wait()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RuntimeError, match=f"port {port} already in use"):
        shared.wait_until_up("127.0.0.1", port, "tok", proc, timeout=30)


def test_share_refuses_a_folder_that_does_not_exist(tmp_path, capsys):
    assert cli.main(["share", "--folder", str(tmp_path / "missing")]) == 2
    assert f"no folder {tmp_path / 'missing'}" in capsys.readouterr().err


def test_share_is_listed_in_the_command_help():
    help_text = cli.build_parser().format_help()
    assert "share" in help_text and "real time" in help_text

"""Learner code cannot reach past its own submission while it is graded.

Each submission below attacks the trainer's machine from inside its kernel, the
way a learner who wants marks without the work would: it knows the course
folder's real path (the strongest form of each attack), looks for the
instructor's notebook, other learners' work, the gradebook and the trainer's
files, leaves a process behind, opens a network connection, forks without end or
writes a huge file. Graded inside the sandbox each attack fails and the rest of
the class is graded as usual; graded with ``--sandbox none`` the same
submissions succeed, which proves the attacks are real.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
import uuid

import nbformat
import psutil
import pytest

from course_factory import ASSIGNMENT, NOTEBOOK, answered, make_course, release_notebook, submit
from csworkbook.trainer import autograde, sandbox

pytestmark = pytest.mark.grading

if sandbox.bwrap_works():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"CI must run the sandbox tests, but {sandbox.bwrap_works()}")
    pytest.skip(f"bubblewrap cannot run here: {sandbox.bwrap_works()}", allow_module_level=True)

UNANSWERED = "# YOUR CODE HERE\nraise NotImplementedError()"

# Every attack prints one line `ATTACK {json}` saying what it got; the tests read it from the graded notebook.
REPORT = "import json as _j\nprint('ATTACK ' + _j.dumps(got))\n"

READ_SOLUTIONS = """
import glob, json, os, re
got = {{'found': []}}
places = [{root!r}, os.getcwd(), os.path.dirname(os.getcwd())]
for proc in glob.glob('/proc/[0-9]*/cwd'):
    try:
        places.append(os.readlink(proc))
    except OSError:
        pass
for place in places:
    for path in glob.glob(os.path.join(place, 'source', '*', '*.ipynb')):
        got['found'].append(path)
        if not path.startswith({root!r}):
            continue  # another course on the same machine: listed, not used
        for cell in json.load(open(path))['cells']:
            if cell['cell_type'] == 'code' and 'BEGIN SOLUTION' in ''.join(cell['source']):
                try:
                    exec(re.sub(r'.*### (BEGIN|END) SOLUTION.*\\n?', '', ''.join(cell['source'])), globals())
                except Exception:
                    pass  # another course's notebook, found through a process's working folder
""" + REPORT

READ_OTHERS = """
import glob, json, os
got = {{'found': []}}
for path in glob.glob(os.path.join({root!r}, 'submitted', '*', '*', '*.ipynb')) + glob.glob('../*/*.ipynb'):
    got['found'].append(path)
    if 'honest' in path:
        for cell in json.load(open(path))['cells']:
            if cell['metadata'].get('nbgrader', {{}}).get('solution') and cell['cell_type'] == 'code':
                exec(''.join(cell['source']), globals())
""" + REPORT

GRADEBOOK = """
import sqlite3
got = {{}}
try:
    db = sqlite3.connect('file:' + {root!r} + '/gradebook.db?mode=rw', uri=True)
    db.execute('CREATE TABLE pwned (x)')
    db.execute('UPDATE grade SET manual_score = 99')
    db.commit()
    got['wrote'] = True
except Exception as exc:
    got['error'] = repr(exc)
""" + REPORT

TRAINER_FILES = """
import os
got = {{'env': os.environ.get('CSW_TRAINER_SECRET'), 'home': os.path.expanduser('~')}}
try:
    got['secret'] = open({secret!r}).read()
except OSError as exc:
    got['error'] = repr(exc)
""" + REPORT

LINGERS = """
import subprocess, sys
code = "import time, pathlib\\nwhile True:\\n    pathlib.Path({beacon!r}).write_text(str(time.time()))\\n    time.sleep(0.2)"
subprocess.Popen([sys.executable, '-c', code, {token!r}], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
got = {{'started': True}}
""" + REPORT

NETWORK = """
import socket
got = {{}}
try:
    s = socket.create_connection(('127.0.0.1', {port}), timeout=3)
    s.sendall(b'hello from a learner')
    s.close()
    got['connected'] = True
except OSError as exc:
    got['error'] = repr(exc)
""" + REPORT

FORK_BOMB = "import os\nwhile True:\n    os.fork()\n"
HUGE_FILE = "with open('huge.bin', 'wb') as f:\n    while True:\n        f.write(b'0' * 1_000_000)\n"
TRIPLE = "def triple(x):\n    return 3 * x"


class Listener:
    """A TCP server on loopback that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(2)
            try:
                self.received.append(conn.recv(100))
            except OSError:
                self.received.append(b"")
            conn.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()


def _class(root, secret, beacon, token, port, bombs: bool):
    submit(root, "honest", answered(root))
    fill = {"root": str(root), "secret": str(secret), "beacon": str(beacon), "token": token, "port": port}
    attacks = {"reads-solutions": READ_SOLUTIONS, "reads-others": READ_OTHERS, "gradebook": GRADEBOOK,
               "trainer-files": TRAINER_FILES, "lingers": LINGERS, "network": NETWORK}
    for student, code in attacks.items():
        # Each attack answers nothing itself: whatever it scores, it took.
        submit(root, student, answered(root, {"a1": code.format(**fill), "a2": UNANSWERED}))
    if bombs:
        submit(root, "fork-bomb", answered(root, {"a1": FORK_BOMB, "a2": TRIPLE}))
        submit(root, "huge-file", answered(root, {"a1": HUGE_FILE, "a2": TRIPLE}))
    submit(root, "blank", release_notebook(root))


def _graded(tmp_path_factory, kind: str, bombs: bool):
    root = make_course(tmp_path_factory.mktemp(f"sandbox-{kind}"))
    secret = tmp_path_factory.mktemp("trainer-home") / "api-key.txt"
    secret.write_text("trainer's secret key")
    beacon = tmp_path_factory.mktemp("outside") / "still-running.txt"
    token = f"csw-linger-{uuid.uuid4().hex}"
    listener = Listener()
    _class(root, secret, beacon, token, listener.port, bombs)
    os.environ["CSW_TRAINER_SECRET"] = "from the trainer's environment"
    try:
        outcomes = autograde.grade(root, ASSIGNMENT, workers=2, time_limit=15, sandbox=kind, file_mb=32)
    finally:
        del os.environ["CSW_TRAINER_SECRET"]
    time.sleep(1)  # a process left behind would write its beacon by now
    lingering = [p for p in psutil.process_iter(["cmdline"]) if token in " ".join(p.info["cmdline"] or [])]
    listener.close()
    state = {"root": root, "outcomes": {o.student: o for o in outcomes}, "lingering": lingering,
             "beacon": beacon, "received": list(listener.received)}
    yield state
    for proc in lingering:
        proc.kill()


@pytest.fixture(scope="module")
def sandboxed(tmp_path_factory):
    yield from _graded(tmp_path_factory, "bwrap", bombs=True)


@pytest.fixture(scope="module")
def unprotected(tmp_path_factory):
    # No fork bomb or huge file here: without the sandbox they would hurt the test machine itself.
    yield from _graded(tmp_path_factory, "none", bombs=False)


def _attack(state, student) -> dict:
    nb = nbformat.read(state["root"] / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    lines = [line for line in text.splitlines() if line.startswith("ATTACK ")]
    assert lines, f"{student}: the attack did not report (outputs: {text[:500]!r})"
    return json.loads(lines[-1][len("ATTACK "):])


def test_every_submission_was_graded_in_the_sandbox(sandboxed):
    outcomes = sandboxed["outcomes"]
    assert len(outcomes) == 10
    assert {o.sandbox for o in outcomes.values()} == {"bwrap"}
    assert all(o.status == "graded" for o in outcomes.values()), {s: o.status for s, o in outcomes.items()}
    assert outcomes["honest"].score == 5 and outcomes["honest"].problems == []
    assert outcomes["blank"].score == 0


def test_reading_the_instructors_notebook_finds_nothing_and_earns_nothing(sandboxed, unprotected):
    assert _attack(sandboxed, "reads-solutions")["found"] == []
    assert sandboxed["outcomes"]["reads-solutions"].score == 0
    # Without the sandbox the same submission finds the solutions and takes every autograded mark.
    assert _attack(unprotected, "reads-solutions")["found"]
    assert unprotected["outcomes"]["reads-solutions"].score == 5


def test_other_learners_work_cannot_be_found(sandboxed, unprotected):
    assert _attack(sandboxed, "reads-others")["found"] == []
    assert sandboxed["outcomes"]["reads-others"].score == 0
    nb = nbformat.read(sandboxed["root"] / "autograded" / "reads-others" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", 4)
    printed = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "submitted/honest" not in printed and "return 2 * x" not in printed
    assert any("honest" in path for path in _attack(unprotected, "reads-others")["found"])
    assert unprotected["outcomes"]["reads-others"].score == 5


def _gradebook_tables(root) -> set[str]:
    with sqlite3.connect(root / "gradebook.db") as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _manual_scores(root) -> set:
    with sqlite3.connect(root / "gradebook.db") as db:
        return {row[0] for row in db.execute("SELECT manual_score FROM grade")}


def test_the_gradebook_is_out_of_reach(sandboxed, unprotected):
    got = _attack(sandboxed, "gradebook")
    assert "wrote" not in got and "unable to open" in got["error"]
    assert "pwned" not in _gradebook_tables(sandboxed["root"])
    assert 99 not in _manual_scores(sandboxed["root"])
    assert _attack(unprotected, "gradebook").get("wrote") is True
    assert "pwned" in _gradebook_tables(unprotected["root"])


def test_the_trainers_files_and_environment_are_out_of_reach(sandboxed, unprotected):
    got = _attack(sandboxed, "trainer-files")
    assert "secret" not in got and "No such file" in got["error"]
    assert got["env"] is None and got["home"] == "/tmp"
    got = _attack(unprotected, "trainer-files")
    assert got["secret"] == "trainer's secret key" and got["env"] == "from the trainer's environment"


def test_a_process_started_by_learner_code_is_gone_after_grading(sandboxed, unprotected):
    assert _attack(sandboxed, "lingers")["started"] is True
    assert sandboxed["lingering"] == []
    assert not sandboxed["beacon"].exists()  # nor did it ever write outside its sandbox
    assert unprotected["lingering"], "without the sandbox the detached process outlives grading"
    assert unprotected["beacon"].exists()


def test_network_connections_fail(sandboxed, unprotected):
    got = _attack(sandboxed, "network")
    assert "connected" not in got and "Connection refused" in got["error"]
    assert sandboxed["received"] == [], "the sandboxed kernel reached a server on the grader's loopback"
    assert unprotected["received"] == [b"hello from a learner"]


def test_a_fork_bomb_is_stopped_and_reported(sandboxed):
    outcome = sandboxed["outcomes"]["fork-bomb"]
    assert sum("limit of 64 processes" in p for p in outcome.problems) == 1, outcome.problems
    assert outcome.score == 3  # its other task still counts


def test_a_huge_file_is_stopped_and_reported(sandboxed):
    outcome = sandboxed["outcomes"]["huge-file"]
    assert any("larger than the sandbox's 32 MB" in p for p in outcome.problems), outcome.problems
    assert outcome.score == 3
    assert not list((sandboxed["root"] / "autograded").rglob("huge.bin"))


def test_grading_without_a_sandbox_says_so(unprotected):
    assert {o.sandbox for o in unprotected["outcomes"].values()} == {"none"}
    table = autograde.outcome_table(list(unprotected["outcomes"].values()))
    assert sandbox.NO_SANDBOX_WARNING in table
    from csworkbook.trainer.reports import class_report

    assert "graded WITHOUT a sandbox" in class_report(unprotected["root"], [ASSIGNMENT])


# -- choosing the sandbox ------------------------------------------------------

def test_auto_never_falls_back_to_no_sandbox(monkeypatch, tmp_path):
    monkeypatch.delenv(sandbox.ENV_VAR, raising=False)
    monkeypatch.setattr(sandbox, "bwrap_works", lambda: "bubblewrap is not installed")
    monkeypatch.setattr(sandbox, "container_engine", lambda: "")
    with pytest.raises(sandbox.SandboxError) as caught:
        sandbox.choose("auto", tmp_path, sandbox.Limits())
    message = str(caught.value)
    assert "bubblewrap is not installed" in message and "--sandbox none" in message
    with pytest.raises(sandbox.SandboxError, match="--sandbox bwrap: bubblewrap is not installed"):
        sandbox.choose("bwrap", tmp_path, sandbox.Limits())
    with pytest.raises(sandbox.SandboxError, match="neither Docker nor Podman"):
        sandbox.choose("container", tmp_path, sandbox.Limits())
    with pytest.raises(sandbox.SandboxError, match="unknown sandbox 'docker'"):
        sandbox.choose("docker", tmp_path, sandbox.Limits())
    assert sandbox.choose("none", tmp_path, sandbox.Limits()).kind == "none"


def test_the_kernel_is_shown_libraries_but_never_the_course(tmp_path, monkeypatch):
    course = tmp_path / "course"
    for sub in ("source/demo", "submitted/ann", ".venv/lib/site", "src"):
        (course / sub).mkdir(parents=True)
    # Whatever sys.path says: the course folder itself, a folder above it, or its source/ are never exposed.
    monkeypatch.setattr("sys.path", [str(course), str(tmp_path), str(course / "source" / "demo"),
                                     str(course / ".venv" / "lib" / "site"), str(course / "src")])
    exposed = sandbox.exposed_paths([course], [course / p for p in sandbox.COURSE_PRIVATE])
    assert str(course / ".venv" / "lib" / "site") in exposed and str(course / "src") in exposed
    for hidden in (course, tmp_path, course / "source", course / "source" / "demo", course / "submitted"):
        assert str(hidden) not in exposed


def test_the_bubblewrap_command_isolates_and_limits(tmp_path):
    limits = sandbox.Limits(memory_mb=1000, cpu_seconds=90, processes=32, file_mb=8)
    cmd = sandbox.bwrap_command(["python", "-m", "ipykernel_launcher"], tmp_path / "w", tmp_path / "i", limits,
                                ("/opt/env",))
    joined = " ".join(cmd)
    for flag in ("--unshare-pid", "--unshare-net", "--die-with-parent", "--clearenv", "--ro-bind /opt/env /opt/env",
                 f"--bind {tmp_path / 'w'} {tmp_path / 'w'}", "--nproc=32", "--cpu=90", f"--fsize={8 * 1024 * 1024}",
                 f"--as={1000 * 1024 * 1024}"):
        assert flag in joined, flag
    assert cmd[-3:] == ["python", "-m", "ipykernel_launcher"]


def test_the_container_command_isolates_and_limits(tmp_path):
    cmd = sandbox.container_command(["/venv/bin/python", "-m", "ipykernel_launcher", "-f", "/i/k.json"],
                                    tmp_path / "w", tmp_path / "i", sandbox.Limits(processes=32), "podman",
                                    "csworkbook-grader", "csw-x")
    joined = " ".join(cmd)
    for flag in ("--network none", "--read-only", "--pids-limit 32", "--cap-drop ALL", "--user 65534:65534",
                 f"-v {tmp_path / 'w'}:{tmp_path / 'w'}", "csworkbook-grader python -m ipykernel_launcher"):
        assert flag in joined, flag


def test_the_course_configuration_chooses_the_sandbox(tmp_path):
    assert sandbox.configured(tmp_path) == {}
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CSWorkbook.sandbox = 'none'\n")
    assert sandbox.configured(tmp_path)["sandbox"] == "none"
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CSWorkbook.sandbox = 'chroot'\n")
    with pytest.raises(sandbox.SandboxError, match="nbgrader_config.py: c.CSWorkbook.sandbox = 'chroot'"):
        sandbox.configured(tmp_path)


def test_the_command_warns_loudly_without_a_sandbox(tmp_path, capsys):
    from csworkbook import cli

    root = make_course(tmp_path / "course")
    submit(root, "ann", answered(root))
    assert cli.main(["--course", str(root), "grade", ASSIGNMENT, "--sandbox", "none", "-q"]) == 0
    out, err = capsys.readouterr()
    assert sandbox.NO_SANDBOX_WARNING in err and sandbox.NO_SANDBOX_WARNING in out
    assert "sandbox: none" in out
    assert cli.main(["--course", str(root), "grade", ASSIGNMENT, "--sandbox", "bwrap", "-q", "--force"]) == 0
    out, err = capsys.readouterr()
    assert "sandbox: bwrap" in out and "WITHOUT a sandbox" not in out + err


def test_the_grader_never_follows_a_link_the_kernel_planted(tmp_path):
    from csworkbook.trainer.probe_codec import UngradableAnswer, read_answer

    real = tmp_path / "graders-own.json"
    real.write_text('{"ok": true, "value": 4}')
    assert read_answer(real) == 4
    link = tmp_path / ".csw-answer-x.json"
    link.symlink_to(real)
    with pytest.raises(UngradableAnswer, match="link"):
        read_answer(link)
    fifo = tmp_path / ".csw-answer-y.json"
    os.mkfifo(fifo)
    with pytest.raises(UngradableAnswer, match="not a plain file"):
        read_answer(fifo)


def test_a_fork_bomb_does_not_stop_a_kernel_graded_beside_it(tmp_path):
    """The process limit counts a user's processes machine-wide: each kernel must have a user of its own."""
    root = make_course(tmp_path / "course")
    submit(root, "a-fork-bomb", answered(root, {"a1": FORK_BOMB, "a2": TRIPLE}))
    for student in ("b-honest", "c-honest"):
        submit(root, student, answered(root))
    outcomes = {o.student: o for o in autograde.grade(root, ASSIGNMENT, workers=2, time_limit=10, sandbox="bwrap")}
    assert outcomes["b-honest"].score == 5 and outcomes["b-honest"].problems == [], outcomes["b-honest"]
    assert outcomes["c-honest"].score == 5 and outcomes["c-honest"].problems == [], outcomes["c-honest"]
    assert any("limit of 64 processes" in p for p in outcomes["a-fork-bomb"].problems), outcomes["a-fork-bomb"].problems


def test_the_environment_names_the_default_and_none_still_warns(monkeypatch, tmp_path):
    monkeypatch.setenv(sandbox.ENV_VAR, "none")
    assert sandbox.choose("auto", tmp_path, sandbox.Limits()).kind == "none"
    assert sandbox.choose("bwrap", tmp_path, sandbox.Limits()).kind == "bwrap"  # a named choice wins
    monkeypatch.setenv(sandbox.ENV_VAR, "chroot")
    with pytest.raises(sandbox.SandboxError, match=r"\$CSWORKBOOK_SANDBOX='chroot'"):
        sandbox.choose("auto", tmp_path, sandbox.Limits())

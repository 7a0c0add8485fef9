"""The course on JupyterHub: hub/jupyterhub_config.py, a trainer and a learner, nbgrader's exchange.

Starts the shipped hub configuration on loopback (JupyterHub's DummyAuthenticator and
SimpleLocalProcessSpawner, chosen through its environment variables; the proxy is
configurable-http-proxy from npm, which .ci/run installs into .hub-tools/). Both users
log in through the hub's login form. The trainer releases a shipped topic; the learner
fetches, answers and submits it through their own single-user server (nbgrader's
Assignments endpoints, what Nbgrader > Assignment List calls); the trainer collects and grades
with `csworkbook grade`, and the learner's score is checked in the gradebook.

The trainer's steps are commands typed into a terminal in the trainer's own JupyterLab on
the hub (Jupyter Server's terminal websocket), so they run with exactly the environment the
hub gives the trainer. Off CI, without the proxy, the test skips and says how to install
it; under CI it must run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HUB = REPO / "hub"
PROXY = REPO / ".hub-tools" / "node_modules" / ".bin" / "configurable-http-proxy"
ON_CI = os.environ.get("CI", "").lower() == "true"
COURSE_ID = "customer-service-workbook"
ASSIGNMENT = "01-customer-needs"  # a shipped topic; its release/ comes from `csworkbook build`
TRAINER, LEARNER, PASSWORD = "trainer", "learner1", "shared-trial-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hub_settings(tmp: Path) -> dict[str, str]:
    """The environment variables a site sets for hub/jupyterhub_config.py: here, a trial on loopback."""
    return {
        "CSWORKBOOK_HUB_AUTH": "dummy", "CSWORKBOOK_HUB_PASSWORD": PASSWORD,
        "CSWORKBOOK_HUB_SPAWNER": "simple", "CSWORKBOOK_HUB_HOMES": str(tmp / "home"),
        "CSWORKBOOK_HUB_TRAINERS": TRAINER, "CSWORKBOOK_HUB_LEARNERS": f"{LEARNER},learner2",
        "CSWORKBOOK_EXCHANGE": str(tmp / "exchange"), "CSWORKBOOK_HUB_STATE": str(tmp / "state"),
        "CSWORKBOOK_HUB_URL": f"http://127.0.0.1:{_free_port()}",
        "CSWORKBOOK_HUB_API_URL": f"http://127.0.0.1:{_free_port()}",
        "CSWORKBOOK_HUB_PROXY_API": f"http://127.0.0.1:{_free_port()}",
    }


def load_hub_config(settings: dict[str, str]):
    """hub/jupyterhub_config.py evaluated as JupyterHub evaluates it, with these settings."""
    from traitlets.config import Config

    config = Config()
    saved = dict(os.environ)
    os.environ.update(settings)
    try:
        path = HUB / "jupyterhub_config.py"
        exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: config, "__file__": str(path)})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return config


def user_environment(config, user: str, home: Path) -> dict[str, str]:
    """What the hub's spawner puts in a user's server environment, on top of the usual."""
    spawner = SimpleNamespace(user=SimpleNamespace(name=user))
    env = {k: (v(spawner) if callable(v) else v) for k, v in config.Spawner.environment.items()}
    return dict(os.environ, **env, HOME=str(home), USER=user, JUPYTERHUB_USER=user)


def test_the_shipped_hub_configuration_names_one_course_a_shared_exchange_and_the_roles(tmp_path):
    settings = hub_settings(tmp_path)
    config = load_hub_config(settings)
    assert config.JupyterHub.authenticator_class == "dummy"
    assert config.JupyterHub.spawner_class == "simple"
    assert config.Authenticator.allowed_users == {TRAINER, LEARNER, "learner2"}
    assert config.JupyterHub.load_groups["trainers"]["users"] == [TRAINER]
    env = user_environment(config, LEARNER, tmp_path)
    assert env["CSWORKBOOK_ROLE"] == "learner" and user_environment(config, TRAINER, tmp_path)["CSWORKBOOK_ROLE"] == "trainer"
    assert env["CSWORKBOOK_EXCHANGE"] == settings["CSWORKBOOK_EXCHANGE"]
    assert Path(env["JUPYTER_CONFIG_PATH"]) == HUB
    # The shipped defaults are the real thing: the machine's accounts and one process per user.
    default = load_hub_config({"CSWORKBOOK_HUB_STATE": str(tmp_path / "state2"),
                               "CSWORKBOOK_EXCHANGE": str(tmp_path / "exchange2")})
    assert default.JupyterHub.authenticator_class == "pam"
    assert default.JupyterHub.spawner_class == "localprocess"
    # A trial hub without a password would let anyone in as anyone: the configuration refuses it.
    with pytest.raises(SystemExit, match="CSWORKBOOK_HUB_PASSWORD"):
        load_hub_config({**settings, "CSWORKBOOK_HUB_PASSWORD": ""})
    with pytest.raises(SystemExit, match="trainer and as learner"):
        load_hub_config({**settings, "CSWORKBOOK_HUB_LEARNERS": f"{LEARNER},{TRAINER}"})


def test_nbgrader_settings_give_a_learner_their_hub_name_and_the_shared_exchange(tmp_path, monkeypatch):
    from nbgrader.apps import NbGrader

    def nbgrader_config(folder, **env):
        """The settings nbgrader reads in ``folder`` inside a server the hub started with ``env``."""
        monkeypatch.chdir(folder)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(HUB))  # as the hub sets it for every server
        app = NbGrader()
        app.load_config_file()
        return app.config

    exchange = str(tmp_path / "exchange")
    learner = nbgrader_config(tmp_path, CSWORKBOOK_EXCHANGE=exchange, CSWORKBOOK_ROLE="learner",
                              JUPYTERHUB_USER=LEARNER)
    assert learner.CourseDirectory.course_id == COURSE_ID
    assert learner.Exchange.root == exchange
    assert learner.CourseDirectory.student_id == LEARNER
    # The trainer, in the course folder: the course's own settings, the same shared exchange, and
    # no student id of their own (collect takes everyone's work).
    trainer = nbgrader_config(REPO, CSWORKBOOK_EXCHANGE=exchange, CSWORKBOOK_ROLE="trainer", JUPYTERHUB_USER=TRAINER)
    assert trainer.CourseDirectory.course_id == COURSE_ID
    assert trainer.Exchange.root == exchange
    assert not isinstance(trainer.CourseDirectory.get("student_id", None), str)


# --------------------------------------------------------------------------------------------
# The round trip on a running hub
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if not PROXY.exists():
        why = (f"configurable-http-proxy is not installed in {PROXY.parent.parent.parent}: run "
               "`npm install --prefix .hub-tools configurable-http-proxy@5.3.0` (as .ci/run does)")
        if ON_CI:
            pytest.fail(f"CI must run the JupyterHub test, but {why}", pytrace=False)
        pytest.skip(why)
    tmp = tmp_path_factory.mktemp("hub")
    settings = hub_settings(tmp)
    config = load_hub_config(settings)
    # The trainer's course: the workbook's course files in the trainer's home, as a clone would be.
    course = tmp / "home" / TRAINER / "course"
    course.mkdir(parents=True)
    shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    for folder in ("source", "release"):
        shutil.copytree(REPO / folder / ASSIGNMENT, course / folder / ASSIGNMENT)
    env = dict(os.environ, **settings, JUPYTER_CONFIG_DIR=str(tmp / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp / "rt"))
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    log_path = tmp / "hub.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(HUB / "jupyterhub_config.py")], cwd=tmp,
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = settings["CSWORKBOOK_HUB_URL"]
    import requests

    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(f"{url}/hub/api/", timeout=2).ok:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"JupyterHub did not start:\n{log_path.read_text()[-4000:]}")
        time.sleep(0.5)
    yield SimpleNamespace(url=url, tmp=tmp, config=config, course=course, log=log_path, settings=settings)
    os.killpg(proc.pid, signal.SIGTERM)  # the hub stops the users' servers and its proxy as it exits
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


def log_in(hub, user: str):
    """Log in through the hub's login form, start the user's server, and return a session with an API token."""
    import requests

    s = requests.Session()
    form = s.get(f"{hub.url}/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', form.text).group(1)
    r = s.post(f"{hub.url}/hub/login?next=", data={"username": user, "password": PASSWORD, "_xsrf": xsrf},
               timeout=180)
    # Logged in, the hub starts the user's server and shows its progress page until it is up.
    assert r.ok and (f"/user/{user}/" in r.url or f"/hub/spawn-pending/{user}" in r.url), \
        f"{user} was not logged in ({r.status_code} {r.url}):\n{hub.log.read_text()[-3000:]}"
    # A token of the user's own for the REST calls: the hub API, with the form's XSRF cookie.
    r = s.post(f"{hub.url}/hub/api/users/{user}/tokens", json={"note": "test"},
               headers={"X-XSRFToken": s.cookies.get("_xsrf", path="/hub/")}, timeout=30)
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    api = requests.Session()
    api.headers["Authorization"] = f"token {token}"
    deadline = time.monotonic() + 150
    while not api.get(f"{hub.url}/hub/api/users/{user}", timeout=10).json()["servers"].get("", {}).get("ready"):
        assert time.monotonic() < deadline, f"{user}'s server did not answer:\n{hub.log.read_text()[-3000:]}"
        time.sleep(1)
    assert api.get(f"{hub.url}/user/{user}/api/status", timeout=30, allow_redirects=False).status_code == 200
    return api


def answer(release_nb, source_path: Path, leave_out: str):
    """The learner's work: each task answered as the instructor's solution does, except ``leave_out``."""
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source
                 for c in nbformat.read(source_path, as_version=4).cells if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in release_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and meta["grade_id"] != leave_out:
            cell.source = "\n".join(line for line in solutions[meta["grade_id"]].splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return release_nb


def trainer_runs(hub, api, *cmd: str, timeout: float = 600) -> str:
    """A command typed into a terminal in the trainer's JupyterLab on the hub, in the course folder."""
    import shlex

    import websocket

    base = f"{hub.url}/user/{TRAINER}"
    name = api.post(f"{base}/api/terminals", timeout=30).json()["name"]
    ws = websocket.create_connection(f"{base.replace('http://', 'ws://')}/terminals/websocket/{name}",
                                     header=[f"Authorization: {api.headers['Authorization']}"], timeout=timeout)
    try:
        line = f"cd {shlex.quote(str(hub.course))} && {shlex.join(cmd)}; echo __EXIT__$?__"
        ws.send(json.dumps(["stdin", line + "\r"]))
        output, deadline = "", time.monotonic() + timeout
        while not (done := re.search(r"__EXIT__(\d+)__", output)):
            assert time.monotonic() < deadline, f"{' '.join(cmd)} did not finish:\n{output[-3000:]}"
            message = json.loads(ws.recv())
            if message[0] == "stdout":
                output += message[1]
    finally:
        ws.close()
        api.delete(f"{base}/api/terminals/{name}", timeout=30)
    assert done.group(1) == "0", f"{' '.join(cmd)} failed in the trainer's terminal:\n{output[-4000:]}"
    return output


@pytest.mark.timeout(900)
def test_release_fetch_submit_collect_and_grade_through_the_hub(hub):
    from nbgrader.api import Gradebook

    trainer = log_in(hub, TRAINER)
    learner = log_in(hub, LEARNER)
    assert trainer.get(f"{hub.url}/hub/api/user", timeout=10).json()["name"] == TRAINER
    base = f"{hub.url}/user/{LEARNER}"
    started = time.perf_counter()

    trainer_runs(hub, trainer, "nbgrader", "release_assignment", ASSIGNMENT)
    released = hub.tmp / "exchange" / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert released.is_file()

    # The learner's Assignments tab: the released topic is listed, then fetched into their home.
    listing = learner.get(f"{base}/assignments", params={"course_id": COURSE_ID}, timeout=60).json()
    assert listing["success"], listing
    assert [(a["assignment_id"], a["status"]) for a in listing["value"]] == [(ASSIGNMENT, "released")]
    r = learner.post(f"{base}/assignments/fetch", data={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT},
                     timeout=120)
    assert r.ok and r.json()["success"], r.text
    path = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    model = learner.get(f"{base}/api/contents/{path}", timeout=60).json()
    assert (hub.tmp / "home" / LEARNER / path).is_file()

    # The learner answers every task but the last, and saves, as JupyterLab does, through the server.
    fetched = nbformat.from_dict(model["content"])
    graded = [c.metadata["nbgrader"] for c in fetched.cells if c.metadata.get("nbgrader", {}).get("grade")
              and c.cell_type == "code"]
    solved = [c.metadata["nbgrader"]["grade_id"] for c in fetched.cells
              if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    leave_out = solved[-1]
    answered = answer(fetched, REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", leave_out)
    r = learner.put(f"{base}/api/contents/{path}", json={"type": "notebook", "format": "json",
                                                        "content": json.loads(nbformat.writes(answered))},
                    timeout=60)
    assert r.ok, r.text
    r = learner.post(f"{base}/assignments/submit", data={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT},
                     timeout=120)
    assert r.ok and r.json()["success"], r.text
    inbound = list((hub.tmp / "exchange" / COURSE_ID / "inbound").iterdir())
    assert [p.name.split("+")[0] for p in inbound] == [LEARNER], "submitted under the learner's hub name"

    exchanged = time.perf_counter() - started
    # The trainer collects from the exchange and grades with the workbook's own command.
    trainer_runs(hub, trainer, "nbgrader", "collect", ASSIGNMENT)
    assert (hub.course / "submitted" / LEARNER / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    out = trainer_runs(hub, trainer, "csworkbook", "grade", ASSIGNMENT, "--workers", "1", "-q")
    elapsed = time.perf_counter() - started
    assert "1 graded" in out, out

    # The score: every task's tests pass but those of the task left out (the tests after its answer).
    answered_by, last = {}, None
    for cell in fetched.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            last = meta["grade_id"]
        elif cell.cell_type == "code" and meta.get("grade"):
            answered_by[meta["grade_id"]] = last
    points = {m["grade_id"]: m["points"] for m in graded}
    lost = sum(p for test, p in points.items() if answered_by[test] == leave_out)
    assert lost > 0
    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}", COURSE_ID) as gb:
        submission = gb.find_submission(ASSIGNMENT, LEARNER)
        assert submission.max_code_score == sum(points.values())
        assert submission.code_score == sum(points.values()) - lost
    print(f"\nhub round trip (release, list, fetch, save, submit, collect, grade): {elapsed:.1f} s, of which "
          f"release to submitted {exchanged:.1f} s; score {submission.code_score:g} of {submission.max_code_score:g}")


# --------------------------------------------------------------------------------------------
# Kubernetes (Zero to JupyterHub): the files agree with each other; no cluster runs here
# --------------------------------------------------------------------------------------------


def test_zero_to_jupyterhub_values_image_and_exchange_volume_agree(monkeypatch):
    import yaml

    k8s = HUB / "kubernetes"
    values = yaml.safe_load((k8s / "values.yaml").read_text())
    pvc = yaml.safe_load((k8s / "exchange-pvc.yaml").read_text())
    containerfile = (k8s / "Containerfile").read_text()
    single = values["singleuser"]

    # One exchange volume, shared: ReadWriteMany, mounted in every pod where nbgrader looks.
    assert pvc["kind"] == "PersistentVolumeClaim" and pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    volume = next(v for v in single["storage"]["extraVolumes"]
                  if v.get("persistentVolumeClaim", {}).get("claimName") == pvc["metadata"]["name"])
    mount = next(m for m in single["storage"]["extraVolumeMounts"] if m["name"] == volume["name"])
    assert single["extraEnv"]["CSWORKBOOK_EXCHANGE"] == mount["mountPath"]
    monkeypatch.delenv("CSWORKBOOK_EXCHANGE", raising=False)
    from traitlets.config import Config

    config = Config()
    exec((HUB / "nbgrader_config.py").read_text(), {"get_config": lambda: config})
    assert config.Exchange.root == mount["mountPath"], "the image's default exchange is the mounted volume"
    assert config.CourseDirectory.course_id == COURSE_ID

    # The image carries hub/nbgrader_config.py where JUPYTER_CONFIG_PATH points, and the workbook
    # installed at the locked versions, for the jovyan user the chart runs as.
    copied = re.search(r"^COPY hub/nbgrader_config\.py hub/jupyter_server_config\.py (\S+)/$", containerfile, re.M)
    assert copied and copied.group(1) == single["extraEnv"]["JUPYTER_CONFIG_PATH"]
    assert re.search(rf"^ENV JUPYTER_CONFIG_PATH={re.escape(single['extraEnv']['JUPYTER_CONFIG_PATH'])}$",
                     containerfile, re.M)
    install = re.search(r"^RUN pip install .*$", containerfile, re.M).group(0)
    assert "--constraint constraints.txt" in install and '".[hub]"' in install
    for copied_in in ("pyproject.toml constraints.txt", "src ./src", "datasets ./datasets"):
        assert f"COPY {copied_in}" in containerfile
    assert re.search(r"useradd .*--uid 1000 .*jovyan", containerfile)
    assert re.search(r"^USER 1000$", containerfile, re.M) and single["uid"] == 1000
    assert single["image"]["name"] and isinstance(single["image"]["tag"], str)

    # Who may log in: the trainers and the learners, in their groups, never both.
    hub_config = values["hub"]["config"]
    groups = hub_config["JupyterHub"]["load_groups"]
    trainers, learners = set(groups["trainers"]["users"]), set(groups["learners"]["users"])
    assert trainers and learners and not trainers & learners
    assert set(hub_config["Authenticator"]["allowed_users"]) == trainers | learners

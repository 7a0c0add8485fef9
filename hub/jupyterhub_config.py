"""JupyterHub for the Customer Service Workbook: one course, one trainer (or a few), a class of learners.

Run it from the workbook's environment (it has JupyterHub, nbgrader and the workbook):

    sudo .venv/bin/jupyterhub -f hub/jupyterhub_config.py

Every setting a site changes comes from an environment variable, so this file stays as
shipped (see the README's "Class scale" section):

    CSWORKBOOK_HUB_TRAINERS    user names of the trainers, comma-separated (default: trainer)
    CSWORKBOOK_HUB_LEARNERS    user names of the learners, comma-separated, or
                               CSWORKBOOK_HUB_CLASS_LIST: a file with one user name per line
    CSWORKBOOK_HUB_ADMINS      hub administrators (default: none)
    CSWORKBOOK_EXCHANGE        nbgrader's exchange folder, shared by all (default /srv/nbgrader/exchange)
    CSWORKBOOK_HUB_URL         where the hub listens (default http://:8000, every interface)
    CSWORKBOOK_HUB_STATE       the hub's own files: database, cookie secret (default hub/state/)
    CSWORKBOOK_HUB_AUTH        pam (default: the machine's own accounts) or dummy (a trial: any
                               allowed user name with the password in CSWORKBOOK_HUB_PASSWORD)
    CSWORKBOOK_HUB_SPAWNER     local (default: each user's server runs as their own system user)
                               or simple (a trial: every server runs as the hub's user, each with
                               a home under CSWORKBOOK_HUB_HOMES; no isolation between users)
    CSWORKBOOK_HUB_API_URL     the hub's internal API (default http://127.0.0.1:8081)
    CSWORKBOOK_HUB_PROXY_API   configurable-http-proxy's API (default http://127.0.0.1:8001)
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (JupyterHub provides get_config)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent  # the environment the hub runs in serves the users too
COURSE_ID = "customer-service-workbook"


def names(text):
    return [n.strip() for n in text.replace("\n", ",").split(",") if n.strip() and not n.strip().startswith("#")]


def setting(name, default=""):
    return os.environ.get(name, default).strip() or default


TRAINERS = names(setting("CSWORKBOOK_HUB_TRAINERS", "trainer"))
LEARNERS = names(setting("CSWORKBOOK_HUB_LEARNERS"))
if setting("CSWORKBOOK_HUB_CLASS_LIST"):
    LEARNERS += names(Path(setting("CSWORKBOOK_HUB_CLASS_LIST")).read_text(encoding="utf-8"))
if overlap := set(TRAINERS) & set(LEARNERS):
    raise SystemExit(f"jupyterhub_config.py: {', '.join(sorted(overlap))} listed both as trainer and as learner")
EXCHANGE = Path(setting("CSWORKBOOK_EXCHANGE", "/srv/nbgrader/exchange"))
STATE = Path(setting("CSWORKBOOK_HUB_STATE", str(HERE / "state")))
STATE.mkdir(parents=True, exist_ok=True)

# --- the hub and its proxy -----------------------------------------------------------------
c.JupyterHub.bind_url = setting("CSWORKBOOK_HUB_URL", "http://:8000")
c.JupyterHub.hub_bind_url = setting("CSWORKBOOK_HUB_API_URL", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = setting("CSWORKBOOK_HUB_PROXY_API", "http://127.0.0.1:8001")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# configurable-http-proxy from npm, installed into the clone (`npm install --prefix .hub-tools
# configurable-http-proxy@5.3.0`, as .ci/run does); else the one on PATH.
_proxy = REPO / ".hub-tools" / "node_modules" / ".bin" / "configurable-http-proxy"
if _proxy.exists():
    c.ConfigurableHTTPProxy.command = [str(_proxy)]

# --- who may log in ------------------------------------------------------------------------
if setting("CSWORKBOOK_HUB_AUTH", "pam") == "dummy":
    if not setting("CSWORKBOOK_HUB_PASSWORD"):
        raise SystemExit("jupyterhub_config.py: CSWORKBOOK_HUB_AUTH=dummy needs a shared password in "
                         "CSWORKBOOK_HUB_PASSWORD (without one, anyone could log in as anyone)")
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = setting("CSWORKBOOK_HUB_PASSWORD")
else:
    c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(TRAINERS) | set(LEARNERS)
c.Authenticator.admin_users = set(names(setting("CSWORKBOOK_HUB_ADMINS")))
c.JupyterHub.load_groups = {
    "trainers": {"users": TRAINERS},
    "learners": {"users": LEARNERS},
}

# --- each user's JupyterLab ----------------------------------------------------------------
if setting("CSWORKBOOK_HUB_SPAWNER", "local") == "simple":
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(
        Path(setting("CSWORKBOOK_HUB_HOMES", str(STATE / "homes"))) / "{username}")
else:
    c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
if os.geteuid() == 0 and setting("CSWORKBOOK_HUB_SPAWNER", "local") == "simple":
    c.Spawner.args = ["--allow-root"]  # the trial spawner runs every server as the hub's (root) user
c.Spawner.default_url = "/lab"
# A loaded machine starting thirty servers at nine o'clock needs longer than the defaults.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def role(spawner):
    return "trainer" if spawner.user.name in TRAINERS else "learner"


c.Spawner.environment = {
    # nbgrader runs `alembic` as a subprocess; the environment's bin must be on PATH.
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/local/bin:/usr/bin:/bin')}",
    # hub/nbgrader_config.py: the course id and the exchange, for everyone.
    "JUPYTER_CONFIG_PATH": str(HERE),
    "CSWORKBOOK_EXCHANGE": str(EXCHANGE),
    "CSWORKBOOK_ROLE": role,
}

# nbgrader's exchange must exist and be writable by every learner before anyone fetches.
if not EXCHANGE.exists():
    EXCHANGE.mkdir(parents=True)
    EXCHANGE.chmod(0o777)

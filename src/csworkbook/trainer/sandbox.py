"""The sandbox every grading kernel runs in: learner code sees its own submission and nothing else.

A learner's code runs with the trainer's rights while it is graded. Without a
sandbox it could read the instructor's notebooks in ``source/``, other learners'
submissions and the gradebook, leave a process behind, or reach the network.
Here each kernel the grader starts is wrapped in a well-kept sandbox instead of
checks of our own on what the code might do:

* ``bwrap`` (Linux): bubblewrap gives the kernel a root of its own in which only
  the Python environment and the package (read-only), its own working folder and
  the folder of its sockets (read-write) and a private ``/tmp`` exist; its own
  process namespace (everything it starts dies with it) and no network. Limits:
  memory, CPU time, processes and file size. When the trainer is root, the
  kernel runs as an unprivileged user, so the process limit holds.
* ``container``: the same in a Docker or Podman container from the image built
  from ``containers/grader/Containerfile`` (for trainers without bubblewrap).
* ``none``: no sandbox. Only when asked for by name; every run says so loudly.

The kernel talks to the grader over Unix sockets in a folder shared with the
sandbox (ZeroMQ's IPC transport), so it needs no network at all.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

KINDS = ("auto", "bwrap", "container", "none")
# When the trainer is root each kernel runs as an unprivileged user id of its own from this range:
# the process limit counts a user's processes across the machine, so kernels graded side by side
# must not share one, or a fork bomb in one would stop the others from starting.
KERNEL_UIDS = (1_500_000_000, 1_600_000_000)
CONTAINER_USER = 65534  # "nobody" inside a container
DEFAULT_IMAGE = "csworkbook-grader"

NO_SANDBOX_WARNING = (
    "WARNING: graded WITHOUT a sandbox (--sandbox none). Learner code ran with your rights: it could read "
    "source/ (the solutions), other learners' work and the gradebook, and reach the network. Use "
    "--sandbox bwrap (Linux) or --sandbox container for a class you do not trust completely."
)


class SandboxError(ValueError):
    """The sandbox asked for cannot run here; the message says what to do."""


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 3072
    cpu_seconds: int = 300
    processes: int = 64
    file_mb: int = 256
    tmp_mb: int = 512


@dataclass(frozen=True)
class Sandbox:
    """How grading kernels are started. Plain data, so a job can carry it to a worker."""

    kind: str = "none"
    limits: Limits = Limits()
    exposed: tuple[str, ...] = ()  # read-only: the Python environment, the package, the sample data
    engine: str = ""  # container: docker or podman
    image: str = DEFAULT_IMAGE

    @property
    def protects(self) -> bool:
        return self.kind != "none"

    def to_job(self) -> dict:
        return {**asdict(self), "limits": asdict(self.limits)}

    @classmethod
    def from_job(cls, spec: dict) -> "Sandbox":
        return cls(**{**spec, "limits": Limits(**spec["limits"]), "exposed": tuple(spec["exposed"])})

    # -- starting a kernel ---------------------------------------------------

    def kernel_manager(self, workdir: Path, kernel_name: str = "python3"):
        """A jupyter_client kernel manager whose kernel starts inside this sandbox, in ``workdir``."""
        from jupyter_client import AsyncKernelManager

        if self.kind == "none":
            # Over IPC, not TCP: ipykernel warns about unencrypted TCP, which only alarms a trainer.
            plain = Path(tempfile.mkdtemp(prefix="csw-ipc-"))

            class PlainKernelManager(AsyncKernelManager):
                async def _async_cleanup_resources(self, restart: bool = False) -> None:
                    await super()._async_cleanup_resources(restart=restart)
                    if not restart:
                        shutil.rmtree(plain, ignore_errors=True)

            return PlainKernelManager(kernel_name=kernel_name, transport="ipc", ip=str(plain / "k"),
                                      connection_file=str(plain / "kernel.json"))
        sandbox = self
        # Socket paths must stay short (Unix limits them to about 100 bytes).
        ipc = Path(tempfile.mkdtemp(prefix="csw-ipc-"))
        uid = kernel_uid()
        sandbox.hand_over(ipc, uid)
        sandbox.hand_over(workdir, uid)
        # Each kernel gets its own copy of matplotlib's font list: without one, every kernel
        # rebuilds it (a second or so per submission); a shared one could be spoiled by a learner.
        fonts = ipc / "matplotlib"
        fonts.mkdir()
        for cached in _font_lists() if sandbox.kind == "bwrap" else ():  # a container has its own paths
            shutil.copy2(cached, fonts / cached.name)
            sandbox.hand_over(fonts / cached.name, uid)
        sandbox.hand_over(fonts, uid)

        class SandboxedKernelManager(AsyncKernelManager):
            def format_kernel_cmd(self, extra_arguments=None):
                cmd = super().format_kernel_cmd(extra_arguments)
                sandbox.hand_over(Path(self.connection_file), uid)  # written by now; the kernel's user reads it
                return sandbox.command(cmd, workdir, ipc, self._container_name, uid)

            _container_name = f"csw-{uuid.uuid4().hex[:12]}"

            @property
            def kernel_spec(self):
                # A SIGINT sent to the process group would stop bwrap (or the container client)
                # rather than the cell: interrupt over the kernel's control channel instead.
                spec = super().kernel_spec
                if spec is not None:
                    spec.interrupt_mode = "message"
                return spec

            async def _async_cleanup_resources(self, restart: bool = False) -> None:
                await super()._async_cleanup_resources(restart=restart)
                if not restart:
                    sandbox.stop(self._container_name)
                    shutil.rmtree(ipc, ignore_errors=True)

        return SandboxedKernelManager(kernel_name=kernel_name, transport="ipc", ip=str(ipc / "k"),
                                      connection_file=str(ipc / "kernel.json"))

    def hand_over(self, path: Path, uid: int | None) -> None:
        """Let the kernel's user use a folder or file the grader made (only needed when the trainer is root)."""
        if self.kind == "none" or os.geteuid() != 0:
            return
        owner = CONTAINER_USER if self.kind == "container" else uid
        os.chown(path, owner, owner)

    def stop(self, container_name: str) -> None:
        """A container outlives a killed `docker run` client: remove it by name."""
        if self.kind == "container":
            subprocess.run([self.engine, "rm", "-f", container_name], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False, timeout=60)

    def command(self, kernel_cmd: list[str], workdir: Path, ipc: Path, name: str = "csw-kernel",
                uid: int | None = None) -> list[str]:
        if self.kind == "bwrap":
            return bwrap_command(kernel_cmd, workdir, ipc, self.limits, self.exposed, uid)
        if self.kind == "container":
            return container_command(kernel_cmd, workdir, ipc, self.limits, self.engine, self.image, name)
        return kernel_cmd


# -- bubblewrap --------------------------------------------------------------

_SYSTEM = ("/usr", "/bin", "/lib", "/lib32", "/lib64", "/sbin")
_ETC = ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts", "/etc/alternatives", "/etc/mime.types",
        "/etc/matplotlibrc")
_PASS_ENV = ("LANG", "LC_ALL", "TZ", "MPLBACKEND", "PYTHONHASHSEED", "PYDEVD_DISABLE_FILE_VALIDATION")


@functools.lru_cache(maxsize=None)
def _font_lists() -> tuple[Path, ...]:
    """The grader's own matplotlib font list (built here once if missing)."""
    import matplotlib
    from matplotlib import font_manager  # noqa: F401  (builds the font list when there is none)

    return tuple(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))


def _prlimit(limits: Limits) -> list[str]:
    return ["prlimit", f"--as={limits.memory_mb * 1024 * 1024}", f"--cpu={limits.cpu_seconds}",
            f"--nproc={limits.processes}", f"--fsize={limits.file_mb * 1024 * 1024}", "--core=0", "--"]


def _environment() -> dict[str, str]:
    env = {k: os.environ[k] for k in _PASS_ENV if k in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env.update({
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": "/tmp",
        "IPYTHONDIR": "/tmp/ipython",
        "PYTHONDONTWRITEBYTECODE": "1",
        # 1 means "no parent to watch": the sandbox itself dies with the grader (--die-with-parent),
        # and without it ipykernel prints a console banner onto the grader's own output.
        "JPY_PARENT_PID": "1",
    })
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def _is_cwd(path: str) -> bool:
    try:
        return Path(path).resolve() == Path.cwd().resolve()
    except OSError:
        return False


def _mkdirs(target: Path, made: set[str]) -> list[str]:
    """Folders on the way to a mount point, readable by the kernel's user (bwrap makes them 0700)."""
    args = []
    for parent in reversed(target.parents):
        p = str(parent)
        if p in ("/", "/tmp") or p in made:
            continue
        made.add(p)
        args += ["--perms", "0755", "--dir", p]
    return args


def kernel_uid() -> int | None:
    """A user id for one kernel when the trainer is root (None otherwise: the trainer's own id is used)."""
    import secrets

    if os.geteuid() != 0:
        return None
    low, high = KERNEL_UIDS
    return low + secrets.randbelow(high - low)


def bwrap_command(kernel_cmd: list[str], workdir: Path, ipc: Path, limits: Limits,
                  exposed: tuple[str, ...], uid: int | None = None) -> list[str]:
    root = os.geteuid() == 0
    if root and uid is None:
        uid = kernel_uid()
    args = ["bwrap", "--die-with-parent", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--hostname", "grader", "--clearenv"]
    if not root:
        args.append("--unshare-user")  # an unprivileged trainer needs a user namespace to mount anything
    for key, value in {**_environment(), "MPLCONFIGDIR": str(ipc / "matplotlib")}.items():
        args += ["--setenv", key, value]
    for path in _SYSTEM:
        p = Path(path)
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), path]
        elif p.is_dir():
            args += ["--ro-bind", path, path]
    for path in _ETC:
        if Path(path).exists():
            args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "01777", "--size", str(limits.tmp_mb * 1024 * 1024), "--tmpfs", "/tmp"]
    made: set[str] = set()
    for path in exposed:
        args += _mkdirs(Path(path), made) + ["--ro-bind", path, path]
    for path in (workdir, ipc):
        args += _mkdirs(path, made) + ["--bind", str(path), str(path)]
    args += ["--chdir", str(workdir)]
    inside = _prlimit(limits) + kernel_cmd
    if root:
        # Root is exempt from the process limit: the kernel runs as an unprivileged user of its own instead.
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        inside = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"] + inside
    return args + inside


COURSE_PRIVATE = ("source", "submitted", "autograded", "feedback", "exchange", "gradebook.db")


def exposed_paths(protected: list[Path], private: list[Path] = ()) -> tuple[str, ...]:
    """What a kernel must read: the interpreter, its libraries, the package and the sample data.

    A folder that holds a protected one (the course folder, the trainer's home) is
    never exposed, whatever sys.path says: only the library folders inside it are.
    Nothing inside a private folder (the course's source/, submissions, gradebook) is.
    """
    from .. import datasets

    candidates = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                  str(Path(sys.executable).resolve().parent.parent)]
    candidates += [p for p in sys.path if p and not _is_cwd(p)]
    try:
        candidates.append(str(datasets._shipped_dir()))
    except FileNotFoundError:
        pass
    guarded = [Path(p).resolve() for p in protected]
    hidden = [Path(p).resolve() for p in private]
    chosen: list[Path] = []
    for raw in candidates:
        path = Path(raw).resolve()
        if not path.is_dir() or any(path == g or path in g.parents for g in guarded):
            continue
        if any(path == p or p in path.parents for p in hidden):
            continue
        chosen.append(path)
    # Keep only the outermost of nested folders (binding both would be redundant).
    outer = [p for p in chosen if not any(q != p and q in p.parents for q in chosen)]
    return tuple(sorted({str(p) for p in outer}))


@functools.lru_cache(maxsize=None)
def bwrap_works() -> str:
    """'' when bubblewrap can start a sandbox here, else why not."""
    if sys.platform != "linux":
        return "bubblewrap runs on Linux only"
    if not shutil.which("bwrap"):
        return "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    if not shutil.which("prlimit") or (os.geteuid() == 0 and not shutil.which("setpriv")):
        return "prlimit/setpriv (util-linux) are missing"
    with tempfile.TemporaryDirectory(prefix="csw-probe-") as tmp:
        work = Path(tmp) / "w"
        ipc = Path(tmp) / "i"
        work.mkdir()
        ipc.mkdir()
        uid = kernel_uid()
        Sandbox("bwrap").hand_over(work, uid)
        cmd = bwrap_command([sys.executable, "-c", "pass"], work, ipc, Limits(), exposed_paths([]), uid)
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap could not start ({exc})"
        if done.returncode != 0:
            return ("bubblewrap is installed but cannot make a sandbox here "
                    f"({done.stderr.strip()[:300] or 'exit ' + str(done.returncode)}); on Ubuntu 24.04 and later "
                    "unprivileged user namespaces may be restricted by AppArmor")
    return ""


# -- containers ---------------------------------------------------------------

def container_command(kernel_cmd: list[str], workdir: Path, ipc: Path, limits: Limits, engine: str,
                      image: str, name: str) -> list[str]:
    cmd = ["python"] + kernel_cmd[1:]  # the image's own interpreter, with the same package installed
    return [engine, "run", "--rm", "-i", "--name", name, "--network", "none", "--read-only",
            "--tmpfs", f"/tmp:rw,size={limits.tmp_mb}m,mode=1777", "--pids-limit", str(limits.processes),
            "--memory", f"{limits.memory_mb}m", "--memory-swap", f"{limits.memory_mb}m",
            "--ulimit", f"cpu={limits.cpu_seconds}", "--ulimit", f"fsize={limits.file_mb * 1024 * 1024}",
            "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--user", f"{CONTAINER_USER}:{CONTAINER_USER}", "-e", "HOME=/tmp", "-e", f"MPLCONFIGDIR={ipc / 'matplotlib'}",
            "-v", f"{workdir}:{workdir}", "-v", f"{ipc}:{ipc}", "-w", str(workdir), image] + cmd


def container_engine() -> str:
    for engine in ("podman", "docker"):
        if shutil.which(engine):
            return engine
    return ""


def container_works(engine: str, image: str) -> str:
    if not engine:
        return "neither Docker nor Podman is installed"
    try:
        done = subprocess.run([engine, "image", "inspect", image], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{engine} did not answer ({exc})"
    if done.returncode != 0:
        return (f"{engine} has no image {image!r} (or its engine is not running): build it with "
                f"`{engine} build -t {image} -f containers/grader/Containerfile .` in the workbook folder")
    return ""


# -- choosing ----------------------------------------------------------------

def configured(root: Path) -> dict:
    """The course's own choices: ``c.CSWorkbook.sandbox`` and friends in nbgrader_config.py."""
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(root) / "nbgrader_config.py"
    if not path.is_file():
        return {}
    config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    found = dict(config.get("CSWorkbook", {}))
    if "sandbox" in found and found["sandbox"] not in KINDS:
        raise SandboxError(f"{path}: c.CSWorkbook.sandbox = {found['sandbox']!r}: choose one of {', '.join(KINDS)}")
    return found


ENV_VAR = "CSWORKBOOK_SANDBOX"  # the default instead of auto, e.g. for a test run on a machine with no sandbox


def choose(kind: str, root: Path, limits: Limits, image: str = DEFAULT_IMAGE) -> Sandbox:
    """The sandbox for a grading run; ``auto`` never falls back to none by itself.

    ``auto`` is replaced by ``$CSWORKBOOK_SANDBOX`` when that is set: naming ``none`` there is
    asking for it by name, and every run still says so loudly.
    """
    if kind == "auto" and os.environ.get(ENV_VAR):
        kind = os.environ[ENV_VAR]
        if kind not in KINDS:
            raise SandboxError(f"${ENV_VAR}={kind!r}: choose one of {', '.join(KINDS)}")
    if kind not in KINDS:
        raise SandboxError(f"unknown sandbox {kind!r}: choose one of {', '.join(KINDS)}")
    protected = [root, Path.home()]
    if kind == "none":
        return Sandbox("none", limits)
    if kind in ("auto", "bwrap"):
        why = bwrap_works()
        if not why:
            return Sandbox("bwrap", limits, exposed_paths(protected, [root / p for p in COURSE_PRIVATE]))
        if kind == "bwrap":
            raise SandboxError(f"--sandbox bwrap: {why}")
    engine = container_engine()
    why_not = container_works(engine, image)
    if not why_not:
        return Sandbox("container", limits, (), engine, image)
    if kind == "container":
        raise SandboxError(f"--sandbox container: {why_not}")
    raise SandboxError(
        f"no sandbox can run here: bubblewrap: {bwrap_works()}; containers: {why_not}. Install bubblewrap "
        "(Linux) or build the grading image (see the README's trainer guide). To grade without any "
        "protection, say so: --sandbox none")

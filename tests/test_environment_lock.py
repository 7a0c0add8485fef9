"""The environment is the lock: learners and the grader run the same library versions.

constraints.txt, made by `python3 workbook.py lock` from pyproject.toml, pins every package
the environment installs, and workbook.py installs with it. An answer that passes for a
learner must pass for the grader, and pandas 2 and 3 (for one) group categoricals
differently, so a version that drifts from the lock is a failure, named here.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "constraints.txt"
PROJECT = "csworkbook"  # installed editable from the folder itself: never in the lock
# Put into every virtual environment by `python -m venv` itself, not by the install.
VENV_BOOTSTRAP = {"pip", "setuptools", "wheel"}
FIX = ("make the environment again from the lock: delete .venv/ and run "
       "`python3 workbook.py test` (or regenerate the lock with `python3 workbook.py lock`)")


def read_lock(text: str) -> dict[str, list[Requirement]]:
    """Package (normalised name) -> its pins; refuses any line that is not an exact pin."""
    pins: dict[str, list[Requirement]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*", "", raw).strip()
        if not line:
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement as error:
            raise ValueError(f"lock line {number}: {raw!r} is not a pin ({error})") from None
        specs = list(req.specifier)
        if len(specs) != 1 or specs[0].operator != "==" or "*" in specs[0].version or req.url:
            raise ValueError(f"lock line {number}: {raw!r} is not an exact pin (name==version)")
        pins.setdefault(canonicalize_name(req.name), []).append(req)
    return pins


def pinned_version(req: Requirement) -> str:
    return next(iter(req.specifier)).version


def pins_here(pins: dict[str, list[Requirement]]) -> dict[str, str]:
    """Package -> locked version, for the pins whose markers hold on this platform and Python."""
    here: dict[str, str] = {}
    for name, reqs in pins.items():
        versions = {pinned_version(r) for r in reqs if r.marker is None or r.marker.evaluate()}
        if len(versions) > 1:
            raise ValueError(f"the lock pins {name} to {sorted(versions)} at once here")
        if versions:
            here[name] = versions.pop()
    return here


def installed_distributions() -> dict[str, str]:
    """Package (normalised name) -> version, for everything installed in this environment.

    Only the environment's own site-packages count: setuptools puts its vendored copies
    (jaraco, zipp, ...) on sys.path once something imports it, and those were not installed.
    """
    import sysconfig

    found: dict[str, str] = {}
    places = list(dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]))
    for dist in importlib.metadata.distributions(path=places):
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonicalize_name(name), dist.version)  # first on sys.path wins
    return found


def same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def environment_problems(locked: dict[str, str], installed: dict[str, str]) -> list[str]:
    """Every difference between the environment and the lock, one line per package."""
    problems = []
    for name in sorted((locked.keys() | installed.keys()) - {PROJECT}):
        want, have = locked.get(name), installed.get(name)
        if want is None:
            if name not in VENV_BOOTSTRAP:
                problems.append(f"{name}: installed {have}, not in the lock")
        elif have is None:
            problems.append(f"{name}: locked {want}, not installed")
        elif not same_version(have, want):
            problems.append(f"{name}: installed {have}, locked {want}")
    return problems


def declared_requirements(pyproject_text: str) -> list[Requirement]:
    """What pyproject.toml asks for: its dependencies and the test extra (what workbook.py installs)."""
    project = tomllib.loads(pyproject_text)["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]


def range_problems(requirements: list[Requirement], pins: dict[str, list[Requirement]]) -> list[str]:
    """Every dependency the lock leaves unpinned, or pins outside pyproject.toml's range."""
    problems = []
    for req in requirements:
        entries = pins.get(canonicalize_name(req.name), [])
        if not entries:
            problems.append(f"{req.name}: pyproject.toml asks for {req}, the lock does not pin it")
        for entry in entries:  # every pin, on every platform, must be inside the range
            version = pinned_version(entry)
            if not req.specifier.contains(version, prereleases=True):
                problems.append(f"{req.name}: locked {version}, outside pyproject.toml's range "
                                f"{req.specifier}")
    return problems


def load_workbook_py():
    spec = importlib.util.spec_from_file_location("workbook_under_test", REPO / "workbook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the real environment and the real lock ---------------------------------------------

def test_every_installed_package_is_at_its_locked_version():
    problems = environment_problems(pins_here(read_lock(LOCK.read_text())), installed_distributions())
    assert not problems, (f"this environment differs from {LOCK.name} ({len(problems)}):\n  "
                          + "\n  ".join(problems) + f"\nTo fix: {FIX}.")


def test_every_dependency_in_pyproject_is_pinned_inside_its_range():
    requirements = declared_requirements((REPO / "pyproject.toml").read_text())
    problems = range_problems(requirements, read_lock(LOCK.read_text()))
    assert not problems, (f"{LOCK.name} does not follow pyproject.toml ({len(problems)}):\n  "
                          + "\n  ".join(problems)
                          + "\nTo fix: run `python3 workbook.py lock` and commit constraints.txt.")


def test_the_lock_pins_the_versions_the_suite_is_proven_with():
    """Major versions that change answers (pandas 2 and 3 group categoricals differently)."""
    here = pins_here(read_lock(LOCK.read_text()))
    assert Version(here["pandas"]).major == 3
    assert Version(here["nbgrader"]) == Version("0.9.6")
    assert Version(here["jupyterlab"]).release[:2] >= (4, 4)


# --- the checks fail when they should: the same helpers on doctored locks ----------------

def _doctor(text: str, package: str, line: str | None) -> str:
    """The lock with PACKAGE's pin replaced by LINE (or removed, when LINE is None)."""
    pattern = re.compile(rf"^{re.escape(package)}==[^\n]*$", re.M | re.I)
    assert pattern.search(text), f"{package} is not pinned in the lock"
    return pattern.sub(line or "", text)


def test_a_version_that_differs_from_the_lock_is_reported_by_name():
    installed = installed_distributions()
    doctored = _doctor(LOCK.read_text(), "pandas", "pandas==2.2.3")
    doctored = _doctor(doctored, "pytest", None)
    doctored += "\nnot-a-real-package==1.0\n"
    problems = environment_problems(pins_here(read_lock(doctored)), installed)
    assert problems == [
        "not-a-real-package: locked 1.0, not installed",
        f"pandas: installed {installed['pandas']}, locked 2.2.3",
        f"pytest: installed {installed['pytest']}, not in the lock",
    ]


def test_every_mismatch_is_reported_not_just_the_first():
    locked = {"numpy": "2.4.6", "pandas": "3.1.1", "pyyaml": "6.0.3", "pip": "26.3"}
    installed = {"numpy": "2.4.6", "pandas": "2.2.3", "pyyaml": "6.0.2", "csworkbook": "0.1.0",
                 "setuptools": "65.5.0", "pip": "25.0"}
    assert environment_problems(locked, installed) == [
        "pandas: installed 2.2.3, locked 3.1.1",
        "pip: installed 25.0, locked 26.3",
        "pyyaml: installed 6.0.2, locked 6.0.3",
    ]


def test_a_lock_that_misses_a_dependency_or_leaves_its_range_is_reported():
    requirements = declared_requirements((REPO / "pyproject.toml").read_text())
    doctored = _doctor(LOCK.read_text(), "pandas", "pandas==2.1.4")  # pyproject: pandas>=2.2
    doctored = _doctor(doctored, "nbval", None)
    doctored = _doctor(doctored, "nbgrader", "nbgrader==0.9.6 ; sys_platform == 'linux'\n"
                                             "nbgrader==0.10.0 ; sys_platform != 'linux'")
    assert range_problems(requirements, read_lock(doctored)) == [
        "nbgrader: locked 0.10.0, outside pyproject.toml's range <0.10,>=0.9.6",
        "pandas: locked 2.1.4, outside pyproject.toml's range >=2.2",
        "nbval: pyproject.toml asks for nbval>=0.11, the lock does not pin it",
    ]


@pytest.mark.parametrize("line", ["pandas>=2.2", "pandas", "pandas==3.*", "pandas==3.1.1,<4",
                                  "-e ./somewhere", "pandas @ https://example.invalid/p.whl"])
def test_the_lock_holds_only_exact_pins(line):
    with pytest.raises(ValueError, match="lock line 2"):
        read_lock(f"numpy==2.4.6\n{line}\n")


def test_pins_that_apply_elsewhere_are_not_expected_here():
    pins = read_lock("pywinpty==3.0.2 ; os_name == 'nt'\nnumpy==2.4.6 ; python_version >= '3.11'\n")
    expected = {"numpy": "2.4.6"} | ({"pywinpty": "3.0.2"} if os.name == "nt" else {})
    assert pins_here(pins) == expected


# --- workbook.py: reinstalls when the lock changes, and says what `lock` changed ---------

def test_workbook_py_reinstalls_when_pyproject_or_the_lock_changes(tmp_path):
    workbook = load_workbook_py()
    pyproject, lock = tmp_path / "pyproject.toml", tmp_path / "constraints.txt"
    pyproject.write_text("[project]\n")
    lock.write_text("pandas==3.1.1\n")
    first = workbook.install_stamp(pyproject, lock)
    assert workbook.install_stamp(pyproject, lock) == first
    lock.write_text("pandas==3.1.2\n")
    second = workbook.install_stamp(pyproject, lock)
    assert second != first
    pyproject.write_text("[project]\nname = 'x'\n")
    assert workbook.install_stamp(pyproject, lock) not in (first, second)
    # and it installs with the lock
    source = (REPO / "workbook.py").read_text()
    assert workbook.LOCK == LOCK and '"--constraint", str(LOCK)' in source


def test_workbook_py_lock_says_what_changed():
    workbook = load_workbook_py()
    old = workbook.read_pins("# header\nPandas==3.1.1\n    # via csworkbook\nnumpy==2.4.6\n"
                             "pywinpty==3.0.2 ; os_name == 'nt'\ntyping_extensions==4.16.0\n")
    new = workbook.read_pins("pandas==3.1.2\nnumpy==2.4.6\nrapidfuzz==3.14.6  # via pandera\n"
                             "typing-extensions==4.16.0\n")
    assert workbook.describe_changes(old, new) == [
        "+ rapidfuzz 3.14.6",
        "- pywinpty 3.0.2 ; os_name == 'nt'",
        "~ pandas 3.1.1 -> 3.1.2",
    ]
    assert workbook.describe_changes(new, new) == []
    assert workbook.read_pins(LOCK.read_text()).keys() == read_lock(LOCK.read_text()).keys()

"""The repository keeps what the package needs: no file under src/ may be hidden by .gitignore.

A pattern meant for a trainer's nbgrader folders (feedback/, submitted/ ...) once matched the
package's own feedback template, so a fresh clone lacked it and every feedback page failed.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_no_package_file_is_ignored_by_git():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing can be ignored")
    files = [str(p.relative_to(ROOT)) for p in (ROOT / "src").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
             and ".egg-info" not in str(p)]
    assert files, "no package files found"
    done = subprocess.run(["git", "check-ignore", "--no-index", "-v", *files], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1, f"git would not track these package files:\n{done.stdout}"

"""Shared test set-up."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# nbgrader runs `alembic` as a subprocess: the environment's bin must be on PATH
# even when pytest was started without activating the virtual environment.
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO

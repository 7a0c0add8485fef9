"""Moving answers out of a learner's kernel as plain data, for the grader to judge.

The grader never trusts what a learner's kernel says about its own tests: the
kernel could have patched the test helpers, swallowed errors, or faked its
outputs. Instead the grader runs the tests itself, in its own process, and asks
the kernel only for the learner's answers: the value of a name, or what a
learner's function returns for arguments the grader chooses.

Arguments travel into the kernel pickled (the grader's own data; whatever the
kernel does with them is its own business). Answers travel out as JSON with
type tags, decoded without ever running code from the kernel (no pickle), so
the worst a tampered kernel can send back is a wrong answer.
"""

from __future__ import annotations

import io
import json
import math
import pickle
import traceback
from pathlib import Path

MAX_ANSWER_BYTES = 20_000_000  # an answer bigger than this is refused, not parsed


class UngradableAnswer(ValueError):
    """The kernel sent back something that is not a plain, decodable answer."""


# -- inside the learner's kernel ------------------------------------------------


def encode(value, depth: int = 0):
    """A JSON-ready form of an answer, or raise TypeError for what cannot be sent."""
    if depth > 20:
        raise TypeError("the answer is nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return {"t": "int", "v": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"t": "float", "v": repr(value)}
    if isinstance(value, (list, tuple)):
        return {"t": "tuple" if isinstance(value, tuple) else "list", "v": [encode(v, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    module = type(value).__module__.split(".")[0]
    # numpy and pandas are imported only for their own objects: a kernel short of memory
    # can still hand back a plain answer.
    if module == "numpy":
        import numpy as np

        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return {"t": "int", "v": str(int(value))}
        if isinstance(value, np.floating):
            return encode(float(value), depth)
        if isinstance(value, np.ndarray):
            return {"t": "list", "v": [encode(v, depth + 1) for v in value.tolist()]}
    if module == "pandas":
        import pandas as pd

        if isinstance(value, pd.DataFrame):
            return {"t": "frame", "v": value.to_json(orient="table", date_format="iso", default_handler=str)}
        if isinstance(value, pd.Series):
            name = value.name if isinstance(value.name, (str, int, float)) or value.name is None else str(value.name)
            return {"t": "series", "name": name,
                    "v": value.to_frame(name=name if name is not None else "values")
                    .to_json(orient="table", date_format="iso", default_handler=str)}
        if isinstance(value, pd.Timestamp):
            return {"t": "timestamp", "v": value.isoformat()}
    raise TypeError(f"an answer of type {type(value).__name__} cannot be graded")


def run_in_kernel(namespace: dict, name: str, args_path: str, out_path: str) -> None:
    """Called by the grader inside the kernel: evaluate one answer and write it as JSON."""
    try:
        target = namespace[name]
        if args_path:
            with open(args_path, "rb") as handle:
                args, kwargs = pickle.load(handle)
            value = target(*args, **kwargs)
        else:
            value = target
        payload = {"ok": True, "value": encode(value)}
    except BaseException as exc:  # noqa: BLE001 - a learner's function may raise anything
        payload = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                   "traceback": traceback.format_exception_only(type(exc), exc)[-1].strip()}
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)


# -- in the grader --------------------------------------------------------------


def decode(data, depth: int = 0):
    """The answer again, built only from JSON: no code from the kernel runs here."""
    import pandas as pd

    if depth > 20:
        raise UngradableAnswer("the answer is nested too deeply")
    if data is None or isinstance(data, (bool, str, float, int)):
        return data
    if not isinstance(data, dict) or "t" not in data:
        raise UngradableAnswer("the kernel sent back something that is not an encoded answer")
    kind, value = data["t"], data.get("v")
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind in ("list", "tuple"):
        items = [decode(v, depth + 1) for v in value]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {decode(k, depth + 1): decode(v, depth + 1) for k, v in value}
    if kind == "frame":
        return pd.read_json(io.StringIO(value), orient="table")
    if kind == "series":
        frame = pd.read_json(io.StringIO(value), orient="table")
        series = frame.iloc[:, 0]
        series.name = data.get("name")
        return series
    if kind == "timestamp":
        return pd.Timestamp(value)
    raise UngradableAnswer(f"unknown answer type {kind!r}")


def read_answer(path: Path):
    """Decode what the kernel wrote; raise the learner's error, or UngradableAnswer."""
    import os
    import stat

    try:
        # Never followed: a link the kernel planted here could point at the grader's own files.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        raise UngradableAnswer("the kernel did not return an answer (or returned a link)") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UngradableAnswer("the kernel's answer is not a plain file")
        if info.st_size > MAX_ANSWER_BYTES:
            raise UngradableAnswer(f"the answer is larger than {MAX_ANSWER_BYTES // 1_000_000} MB")
        raw = handle.read(MAX_ANSWER_BYTES + 1)
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UngradableAnswer(f"the kernel's answer is not valid JSON ({exc})") from None
    if not isinstance(payload, dict):
        raise UngradableAnswer("the kernel's answer is not an object")
    if not payload.get("ok"):
        raise LearnerError(str(payload.get("error", "the learner's code raised an error"))[:500])
    return decode(payload.get("value"))


class LearnerError(Exception):
    """The learner's own code raised an error when the grader called it."""


def kind_in_kernel(namespace: dict, name: str, out_path: str) -> None:
    """Called by the grader inside the kernel: is ``name`` a function, a value, or not defined?"""
    kind = "missing" if name not in namespace else ("callable" if callable(namespace[name]) else "value")
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump({"ok": True, "value": kind}, handle)

"""The machinery every task's check shares."""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass, field

_MISSING = object()


class Incorrect(AssertionError):
    """Raised by a check with a message for the learner."""


@dataclass(frozen=True)
class Feedback:
    """What a check or hint returns; shows as a coloured note in a notebook."""

    status: str  # "correct" | "incorrect" | "did not run" | "not attempted" | "hint"
    message: str
    task: str = ""
    # Set once the note has been shown, so a check shown early is not shown twice.
    _shown: list = field(default_factory=list, compare=False, repr=False)

    _STYLE = {
        "correct": ("Passes the visible checks", "#1b5e20", "#e8f5e9"),
        "incorrect": ("Not yet", "#b71c1c", "#ffebee"),
        "did not run": ("Your code did not run", "#b71c1c", "#ffebee"),
        "not attempted": ("Not attempted", "#0d47a1", "#e3f2fd"),
        "hint": ("Hint", "#4a3b00", "#fff8e1"),
    }

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        label = self._STYLE[self.status][0]
        prefix = f"{self.task} - " if self.task else ""
        return f"{prefix}{label}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        # The status is spelled out in words as well as colour, for readers who
        # cannot tell red from green and for screen readers.
        label, fg, bg = self._STYLE[self.status]
        prefix = f"{html.escape(self.task)} &mdash; " if self.task else ""
        return (
            f'<div role="status" style="border-left:4px solid {fg};background:{bg};'
            f'color:{fg};padding:6px 10px;margin:4px 0">'
            f"<strong>{prefix}{label}:</strong> {inline_markdown(self.message)}</div>"
        )

    def _ipython_display_(self) -> None:
        # IPython calls this both for display() and for a cell's last value, so a note that
        # show() already put on screen is not shown a second time.
        if self._shown:
            return
        self._shown.append(True)
        from IPython.display import display

        display({"text/plain": str(self), "text/html": self._repr_html_()}, raw=True)

    def show(self) -> Feedback:
        """Put this note on screen now when running in a notebook (not only as the cell's last value)."""
        if _in_ipython():
            self._ipython_display_()
        return self


_CODE_SPAN = re.compile(r"`([^`]+)`")


def inline_markdown(text: str) -> str:
    """``text`` as HTML, with Markdown's `inline code` shown as code rather than as backticks."""
    return _CODE_SPAN.sub(lambda m: f"<code>{m.group(1)}</code>", html.escape(text))


def _in_ipython() -> bool:
    ipython = sys.modules.get("IPython")
    return ipython is not None and ipython.get_ipython() is not None


class Problem:
    """One practice task.

    A subclass names the variable or function the learner defines (``var``),
    gives tiered ``hints``, and implements ``check_answer(answer)`` raising
    ``Incorrect`` with a helpful message. ``placeholder_values`` are the values a
    learner starts with (treated as not attempted).
    """

    task = ""
    var = ""
    hints: tuple[str, ...] = ()
    placeholder_values: tuple = (None, Ellipsis)

    def __init__(self) -> None:
        self.hints_shown = 0
        self.checks_run = 0

    # -- what subclasses write ------------------------------------------------
    def check_answer(self, answer) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- what learners call ---------------------------------------------------
    def check(self, answer=_MISSING) -> Feedback:
        """Check your answer. With no argument, looks up the name the task asks for.

        In a notebook the result shows at once, so ``q1.check(); q1.hint()`` (or a hint line
        uncommented below the check) shows both, not only the cell's last value."""
        if answer is _MISSING:
            answer = sys._getframe(1).f_globals.get(self.var, _MISSING)
        if answer is _MISSING and (why := why_not_defined(self.var)):
            self.checks_run += 1
            return Feedback("did not run", why, self.task).show()
        return self._check(answer).show()

    def _check(self, answer) -> Feedback:
        self.checks_run += 1
        if answer is _MISSING or any(answer is p for p in self.placeholder_values):
            return Feedback(
                "not attempted",
                f"define `{self.var}` in the cell above and run it, then check again.",
                self.task,
            )
        try:
            self.check_answer(answer)
        except Incorrect as exc:
            return Feedback("incorrect", str(exc), self.task)
        except NotImplementedError:
            return Feedback("not attempted", f"`{self.var}` still raises NotImplementedError.", self.task)
        except Exception as exc:  # the learner's own code failed while being checked
            return Feedback(
                "incorrect",
                f"running your `{self.var}` raised {type(exc).__name__}: {exc}",
                self.task,
            )
        return Feedback("correct", self.praise(), self.task)

    def hint(self, n: int | None = None) -> Feedback:
        """Show the next hint (or hint ``n``). Each hint gives away a little more."""
        return self._hint(n).show()

    def _hint(self, n: int | None) -> Feedback:
        if not self.hints:
            return Feedback("hint", "there are no hints for this task.", self.task)
        if n is None:
            n = min(self.hints_shown + 1, len(self.hints))
        if not 1 <= n <= len(self.hints):
            return Feedback("hint", f"choose a hint from 1 to {len(self.hints)}.", self.task)
        self.hints_shown = max(self.hints_shown, n)
        more = " Call hint() again for the next one." if n < len(self.hints) else ""
        return Feedback("hint", f"({n} of {len(self.hints)}) {self.hints[n - 1]}{more}", self.task)

    def praise(self) -> str:
        # A self-check can only speak for the checks the learner can see: never promise marks.
        return ("your answer passes the checks you can see. When it is graded, the same requirements "
                "are also tried on other data, so make sure it works in general, not just for today's numbers.")


def why_not_defined(name: str) -> str:
    """Why ``name`` is not defined although the learner wrote a cell defining it ('' if they did not, or
    outside a notebook). Read from the notebook's input history, so a check can say "your code did
    not run, and why" instead of "not attempted" (the grader's run of the notebook works the same way)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with every kernel
        return ""
    shell = get_ipython()
    history = shell.user_ns.get("In", []) if shell is not None else []
    defines = re.compile(rf"^[ \t]*(?:def[ \t]+{re.escape(name)}\b|{re.escape(name)}[ \t]*=[^=])", re.M)
    for source in reversed(history):
        if not isinstance(source, str) or not defines.search(source):
            continue
        try:
            compile(source, "<answer cell>", "exec")
        except SyntaxError as exc:
            where = f" at line {exc.lineno}" if exc.lineno else ""
            text = f": `{exc.text.strip()}`" if exc.text and exc.text.strip() else ""
            return (f"the cell that defines `{name}` did not run, because Python could not read it: "
                    f"{type(exc).__name__}{where} ({exc.msg}){text}. Fix that line, run the cell again, then check again.")
        return (f"the cell that defines `{name}` stopped with an error before `{name}` was defined: read the error "
                "under that cell, fix it, run the cell again, then check again.")
    return ""


# -- small helpers the task modules share ------------------------------------


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Incorrect(message)


def expect_callable(answer, name: str) -> None:
    expect(callable(answer), f"`{name}` should be a function (use `def {name}(...):`), not {type(answer).__name__}.")


def as_number(value, what: str) -> float:
    """``value`` as a float, or a message that says ``what`` should have been a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should be a number, got {value!r}.") from None


def expect_close(actual, expected: float, what: str, tol: float = 0.05) -> None:
    value = as_number(actual, what)
    expect(abs(value - expected) <= tol, f"{what} should be about {expected:g}, got {value:g}.")


def call_answer(func, *args, name: str, **kwargs):
    """Run the learner's function on an example; an error in it becomes a message naming the function.
    ``NotImplementedError`` passes through: the task is not attempted yet."""
    try:
        return func(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as exc:
        raise Incorrect(f"`{name}` raised {type(exc).__name__} on the example: {exc}") from None


class PathProblem(Problem):
    """A task whose answer is a role-play path (``var`` holds the list of reply ids).

    A path is not tried on other data: the grader replays the same path. ``replay`` checks what every
    path task asks first: a list of reply ids that plays to the named ``ending`` of ``scenario``."""

    scenario = ""
    ending = ""
    example_reply = ""

    def praise(self) -> str:
        return ("your path meets everything the task asks for, checked as the visible tests check it. When it is graded, "
                "the same path is replayed from the start, so keep it exactly as the widget showed it.")

    def replay(self, answer):
        from ..roleplay import PathError, play

        expect(isinstance(answer, list) and all(isinstance(s, str) for s in answer),
               f"`{self.var}` should be a list of reply ids (strings), such as [{self.example_reply!r}], not {answer!r}.")
        try:
            session = play(self.scenario, answer)
        except PathError as exc:
            raise Incorrect(str(exc)) from None
        expect(session.ended, f"the conversation stops at {session.node.id!r} before any ending; play it to the end.")
        title = session.node.ending.title
        expect(session.outcome == "success" and title == self.ending,
               f"this path ends in '{title}' ({session.outcome}); the task asks for '{self.ending}'.")
        return session

"""A warm-up task for 00-start-here, to try the check and hint workflow."""

from __future__ import annotations

from ..datasets import load_dataset
from .core import Problem, expect

__all__ = ["q0"]


class ResponseCount(Problem):
    task = "Warm-up"
    var = "response_count"
    hints = (
        "`len(frame)` is the number of rows in a DataFrame.",
        "Load the data with `load_dataset('survey_responses')` and take `len(...)` of it.",
    )

    def check_answer(self, answer):
        expect(isinstance(answer, int), f"`response_count` should be a whole number, not {type(answer).__name__}.")
        rows = len(load_dataset("survey_responses"))
        expect(answer == rows, f"{answer} is not the number of survey responses; count the rows of the survey data.")

    def praise(self) -> str:
        return "that is how every check works. Now open a topic notebook."


q0 = ResponseCount()

"""Self-checks and hints for the practice tasks.

Each topic has a module here with one small class per task, in the manner of
Kaggle's learntools: ``q1.check()`` looks at what you defined and says whether it
passes the visible checks, is not attempted yet, or exactly what is wrong; ``q1.hint()`` gives the next hint.

The checks test what the visible tests in the notebook test, with friendlier
messages. They hold no solutions and none of the hidden tests used for grading.
"""

from .core import Feedback, Incorrect, Problem

__all__ = ["Feedback", "Incorrect", "Problem"]

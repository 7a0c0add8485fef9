"""nbgrader settings for the Customer Service Workbook course.

Paths are absolute so that nbgrader finds the course from any working directory
(and so that the gradebook is a real file: nbgrader cannot use an in-memory one).
"""

import os

c = get_config()  # noqa: F821  (nbgrader provides get_config)

here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "customer-service-workbook"
c.CourseDirectory.root = here
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")
# On JupyterHub the hub names the exchange every user shares (see hub/); on one laptop it
# is a folder in the course.
c.Exchange.root = os.environ.get("CSWORKBOOK_EXCHANGE") or os.path.join(here, "exchange")

# Every notebook is run in a fresh kernel when it is graded. One cell may take a
# minute (a full sample dataset analysed on a slow laptop takes a few seconds);
# a cell that loops forever is stopped at the limit rather than hanging the run.
c.ExecutePreprocessor.timeout = 60
c.ExecutePreprocessor.interrupt_on_timeout = True
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# What a learner sees where the solution was taken out.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Where learner code runs while `csworkbook grade` grades it (see the README's
# trainer guide): "auto" uses bubblewrap where it works, else a container;
# "bwrap", "container" or "none" choose one. "none" gives learner code your
# rights (it could read source/ and the gradebook): only for code you trust.
c.CSWorkbook.sandbox = "auto"
c.CSWorkbook.container_image = "csworkbook-grader"
c.CSWorkbook.processes = 64  # processes one kernel may run at once (a fork bomb stops here)
c.CSWorkbook.file_mb = 256  # largest file a kernel may write

# Files in source/<assignment>/ that stay with the trainer: generate_assignment copies
# everything else into release/. mutants.yaml records equivalent mutants (see below);
# its lines come from the solutions, so learners must not get it.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "mutants.yaml"]

# Test strength (`csworkbook verify`): the share of single-change mutants of each task's
# solution that the task's tests must kill. A task below it fails verify.
c.CSWorkbook.kill_rate = 0.8

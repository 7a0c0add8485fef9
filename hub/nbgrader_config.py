"""nbgrader settings every single-user server on the hub shares (trainer and learners).

The hub puts this folder on JUPYTER_CONFIG_PATH (see jupyterhub_config.py), so nbgrader
finds these settings wherever a user works: the Assignments tab in JupyterLab, the
`nbgrader` commands in a terminal, and `csworkbook`. In the trainer's course folder the
course's own nbgrader_config.py is read after this one; it takes the exchange from
CSWORKBOOK_EXCHANGE too, so both sides always use the one shared exchange.
"""

import os

c = get_config()  # noqa: F821  (nbgrader provides get_config)

# One course on this hub; the same id as the course's own nbgrader_config.py.
c.CourseDirectory.course_id = "customer-service-workbook"

# The exchange: one folder every user's server can reach (on Kubernetes, a shared volume).
c.Exchange.root = os.environ.get("CSWORKBOOK_EXCHANGE", "/srv/nbgrader/exchange")

# A learner submits as their hub user name. Where every user's server runs as the same
# system user (the container image's jovyan on Kubernetes, or the test's local processes),
# nbgrader would otherwise take the system user's name for every learner.
if os.environ.get("CSWORKBOOK_ROLE") == "learner" and os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]

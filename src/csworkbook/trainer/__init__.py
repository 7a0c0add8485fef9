"""The trainer's side: build and prove release/, grade a class in a sandbox, feedback, grades and reports.

Learners' notebooks never import from here (the learner's side is the rest of the
package: datasets, metrics, checks, role-plays, plots, workspace). Kept free of
imports at this level: a grading kernel imports ``probe_codec`` and nothing else.
"""

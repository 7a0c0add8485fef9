"""The workshop app: teams play role-plays in Voilà pages; the facilitator watches the runs arrive.

    csworkbook workshop                     serve the app (the team page and the facilitator page)
    from csworkbook.workshop import TeamApp, facilitator_view

``runs`` saves and reads the run files, ``summary`` turns runs into tables,
split points and charts, ``team_app`` and ``facilitator`` are the two pages'
widgets, ``server`` starts Voilà on the notebooks in ``pages/``.
"""

from .runs import Problem, Run, RunFolder, build_run, read_run, read_runs, save_run, session_dir


def __getattr__(name):
    # The pages pull in ipywidgets and matplotlib; load them only when asked for.
    if name in ("TeamApp", "WorkshopRolePlay"):
        from . import team_app

        return getattr(team_app, name)
    if name in ("FacilitatorView", "facilitator_view"):
        from . import facilitator

        return getattr(facilitator, name)
    raise AttributeError(name)


__all__ = ["Run", "Problem", "RunFolder", "build_run", "save_run", "read_run", "read_runs", "session_dir",
           "TeamApp", "WorkshopRolePlay", "FacilitatorView", "facilitator_view"]

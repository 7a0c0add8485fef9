"""Branching role-plays: scenario files, a headless engine, and a widget.

    from csworkbook.roleplay import RolePlay, play
    RolePlay("late-delivery")                    # play it in a notebook
    play("late-delivery", ["listen", "log"])     # replay a path headless, e.g. to grade it
"""

from .engine import PathError, Session, all_paths, extreme_paths, play
from .model import Scenario, ScenarioError, list_scenarios, load_scenario, parse_scenario


def __getattr__(name):
    # The widget pulls in ipywidgets; load it only when someone asks for it.
    if name in ("RolePlay", "RolePlayPicker"):
        from . import widget

        return getattr(widget, name)
    raise AttributeError(name)


__all__ = [
    "RolePlay", "RolePlayPicker", "Session", "play", "all_paths", "extreme_paths", "PathError",
    "Scenario", "ScenarioError", "load_scenario", "list_scenarios", "parse_scenario",
]

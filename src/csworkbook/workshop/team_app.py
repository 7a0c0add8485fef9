"""The team's page: a team name, a scenario, the role-play, then a debrief; the run is saved."""

from __future__ import annotations

import html
import time
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as w

from ..roleplay.model import list_scenarios, load_scenario
from ..roleplay.widget import RolePlay
from . import runs as run_files
from .summary import debrief_chart, debrief_rows, png

__all__ = ["TeamApp", "WorkshopRolePlay"]

_CSS = """
<style>
.csw-workshop { max-width: 900px; }
.csw-workshop table.csw-debrief { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
.csw-workshop table.csw-debrief th, .csw-workshop table.csw-debrief td { border: 1px solid #bbb; padding: 4px 8px;
  vertical-align: top; text-align: left; }
.csw-workshop td.csw-same { background: #e8f5e9; }
.csw-workshop td.csw-differ { background: #fff3e0; }
</style>
"""


class WorkshopRolePlay(RolePlay):
    """The learner's role-play widget, telling the app when the conversation ends.

    A subclass rather than a change to the widget, so the widget's own code and
    public API stay as they are.
    """

    def __init__(self, scenario, on_end, **kwargs):
        self._on_end = on_end
        self.started_at = time.time()
        super().__init__(scenario, **kwargs)

    def _choose(self, choice_id: str) -> None:
        super()._choose(choice_id)
        if self.session.ended:
            self._on_end(self)

    def restart(self) -> None:
        super().restart()
        self.started_at = time.time()


def _esc(text: str) -> str:
    return html.escape(str(text))


class TeamApp(w.VBox):
    """Enter a team name, pick a scenario, play it together, see the debrief; each finished run is saved."""

    def __init__(self, session_dir: str | Path | None = None, scenarios: list[str] | None = None):
        self.session_dir = Path(session_dir) if session_dir else run_files.session_dir()
        ids = scenarios or list_scenarios()
        self.intro = w.HTML(
            _CSS + "<h2>Workshop role-play</h2><p>Enter your team's name, pick the scenario your facilitator "
            "gave you, and play it together: before each click, let everyone say which reply they would give "
            "and why. When the conversation ends you see how your path compares with the strongest one, and "
            "your run goes to the facilitator.</p>"
        )
        self.team = w.Text(description="Team name", placeholder="e.g. Team Koala",
                           style={"description_width": "90px"}, layout=w.Layout(width="420px"))
        self.team.add_class("csw-team-name")
        self.scenario = w.Dropdown(options=[(f"{load_scenario(s).title} ({s})", s) for s in ids],
                                   description="Scenario", style={"description_width": "90px"},
                                   layout=w.Layout(width="640px"))
        self.scenario.add_class("csw-scenario-menu")
        self.start_button = w.Button(description="Start the role-play", button_style="primary",
                                     tooltip="Start the chosen scenario with this team name")
        self.start_button.on_click(lambda _: self.start())
        self.message = w.HTML()
        self.setup = w.VBox([self.team, self.scenario, self.start_button, self.message])
        self.playing = w.HTML()
        self.stage = w.VBox()
        self.debrief = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="900px"))
        self.saved = w.HTML()
        self.again_button = w.Button(description="Play another scenario",
                                     tooltip="Back to the team name and scenario menu")
        self.again_button.on_click(lambda _: self.back())
        self.end_box = w.VBox([self.debrief, self.chart, self.saved, self.again_button])
        self.end_box.add_class("csw-team-debrief")
        self.end_box.layout.display = "none"
        self.roleplay: WorkshopRolePlay | None = None
        self.last_saved: Path | None = None
        super().__init__([self.intro, self.setup, self.playing, self.stage, self.end_box])
        self.add_class("csw-workshop")

    # -- actions ------------------------------------------------------------------------------
    def start(self) -> None:
        name = self.team.value.strip()
        if not name:
            self.message.value = "<p role='alert'><b>Enter your team's name first</b>, so the facilitator can tell the runs apart.</p>"
            return
        self.message.value = ""
        self.roleplay = WorkshopRolePlay(self.scenario.value, on_end=self._finished,
                                         save_dir=self.session_dir / "transcripts")
        self.playing.value = f"<p><b>Team:</b> {_esc(name)}</p>"
        self.stage.children = (self.roleplay,)
        self.setup.layout.display = "none"
        self.end_box.layout.display = "none"

    def back(self) -> None:
        self.stage.children = ()
        self.playing.value = ""
        self.end_box.layout.display = "none"
        self.setup.layout.display = None
        self.roleplay = None

    def _finished(self, roleplay: WorkshopRolePlay) -> None:
        session = roleplay.session
        team = self.team.value.strip()
        try:
            started = datetime.fromtimestamp(roleplay.started_at, timezone.utc).astimezone().isoformat(timespec="seconds")
            record = run_files.build_run(session, team, started=started, seconds=time.time() - roleplay.started_at)
            self.last_saved = run_files.save_run(self.session_dir, record)
            self.saved.value = (f"<p role='status'>Your run is saved as <code>{_esc(self.last_saved.name)}</code>: "
                                "the facilitator can see it now.</p>")
        except (OSError, ValueError) as exc:
            # The team still sees its debrief; the message says what to tell the facilitator.
            self.saved.value = (f"<p role='alert'><b>Your run could not be saved</b> in {_esc(self.session_dir)}: "
                                f"{_esc(exc)}. Tell your facilitator your path: "
                                f"<code>{_esc(list(session.path))}</code></p>")
        self._show_debrief(session.scenario.id, list(session.path), team)

    def _show_debrief(self, scenario: str, path: list[str], team: str) -> None:
        rows = debrief_rows(scenario, path)
        diverged = next((r["step"] for r in rows if not r["same"]), None)
        if diverged is None:
            lead = "<p><b>Your team took the strongest path</b>, reply for reply.</p>"
        else:
            lead = (f"<p>Your path and the strongest path part at <b>reply {diverged}</b>: from there the "
                    "conversation went differently. Look at that reply first.</p>")
        body = []
        for r in rows:
            cls = "csw-same" if r["same"] else "csw-differ"
            body.append(f"<tr><td>{r['step']}</td><td class='{cls}'>{_esc(r['yours']) or '(finished)'}</td>"
                        f"<td>{_esc(r['strongest']) or '(finished)'}</td></tr>")
        self.debrief.value = (
            "<h3>Debrief: your path and the strongest path</h3>" + lead
            + "<table class='csw-debrief'><tr><th>reply</th><th>your team said</th><th>the strongest path said</th></tr>"
            + "".join(body) + "</table>"
            + "<p>The charts show each score after every reply: your team's (solid) and the strongest "
            "path's (dashed).</p>"
        )
        self.chart.value = png(debrief_chart(scenario, path, team or "your team"))
        self.end_box.layout.display = None

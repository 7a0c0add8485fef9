"""The role-play as ipywidgets: a view on the engine, nothing more.

Everything the learner sees is written into widget values (HTML, Label,
IntProgress) rather than printed into an Output widget, so it shows the same
in JupyterLab, in Voila, and in tests with no front end at all.
"""

from __future__ import annotations

import html
import time
from pathlib import Path

import ipywidgets as w

from .engine import Session
from .model import MOODS, Scenario

__all__ = ["RolePlay", "RolePlayPicker"]

_CSS = """
<style>
.csw-roleplay { max-width: 860px; font-size: 14px; }
.csw-roleplay .csw-line { margin: 6px 0; padding: 8px 12px; border-radius: 8px; background: #f1f3f4; color: #1a1a1a; }
.csw-roleplay .csw-you { margin: 6px 0 6px 48px; padding: 8px 12px; border-radius: 8px; background: #e3f2fd; color: #0d2a4a; }
.csw-roleplay .csw-feedback { margin: 6px 0; padding: 8px 12px; border-left: 4px solid #7a5c00; background: #fff8e1; color: #3d2e00; }
.csw-roleplay .csw-ending { margin: 8px 0; padding: 10px 12px; border: 2px solid #444; border-radius: 8px; }
.csw-roleplay button.csw-choice { white-space: normal; height: auto; min-height: 36px; text-align: left;
  padding: 6px 12px; line-height: 1.35; width: 100%; }
.csw-roleplay .csw-meta { color: #444; }
</style>
"""

_OUTCOME_WORDS = {"success": "Resolved well", "partial": "Partly resolved", "failure": "Not resolved"}


def _esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


class RolePlay(w.VBox):
    """Play a scenario by clicking replies; see feedback, mood and scores as you go.

    >>> RolePlay("late-delivery")  # doctest: +SKIP
    """

    def __init__(self, scenario: Scenario | str, save_dir: str | Path = "roleplay-transcripts"):
        self.session = Session(scenario)
        self.scenario = self.session.scenario
        self.save_dir = Path(save_dir)
        s = self.scenario

        self.header = w.HTML(
            _CSS
            + f"<h3>Role-play: {_esc(s.title)}</h3>"
            + (f"<p class='csw-meta'><b>You:</b> {_esc(s.you)}. " if s.you else "<p class='csw-meta'>")
            + f"<b>With:</b> {_esc(s.persona.name)}, {_esc(s.persona.role)}."
            + (f" {_esc(s.persona.description)}" if s.persona.description else "")
            + "</p>"
            + (f"<p>{_esc(s.summary)}</p>" if s.summary else "")
        )
        self.mood_text = w.Label()
        self.mood_bar = w.IntProgress(min=0, max=len(MOODS) - 1, description="Mood", layout=w.Layout(width="260px"))
        self.score_texts = {r.name: w.Label() for r in s.rubric}
        self.score_bars = {
            r.name: w.IntProgress(min=0, max=r.max, description=r.label, style={"description_width": "110px"},
                                  layout=w.Layout(width="300px"))
            for r in s.rubric
        }
        status_rows = [w.HBox([self.mood_bar, self.mood_text])]
        status_rows += [w.HBox([self.score_bars[n], self.score_texts[n]]) for n in self.score_bars]
        self.status = w.VBox(status_rows)
        self.conversation = w.HTML()
        self.feedback = w.HTML()
        self.prompt = w.HTML("<b>Your reply:</b>")
        self.choice_box = w.VBox()
        self.choice_buttons: list[w.Button] = []
        self.debrief = w.HTML()
        self.path_text = w.HTML()
        self.restart_button = w.Button(description="Start again", tooltip="Restart this role-play from the beginning")
        self.save_md_button = w.Button(description="Save transcript (Markdown)", tooltip="Save the conversation as a Markdown file")
        self.save_json_button = w.Button(description="Save transcript (JSON)", tooltip="Save the conversation as a JSON file")
        self.save_status = w.Label()
        self.restart_button.on_click(lambda _: self.restart())
        self.save_md_button.on_click(lambda _: self.save("md"))
        self.save_json_button.on_click(lambda _: self.save("json"))
        self.end_box = w.VBox([self.debrief, self.path_text,
                               w.HBox([self.save_md_button, self.save_json_button]), self.save_status])
        super().__init__([self.header, self.status, self.conversation, self.feedback, self.prompt,
                          self.choice_box, self.end_box, self.restart_button])
        self.add_class("csw-roleplay")
        self._render()

    # -- actions ------------------------------------------------------------------
    def click(self, choice_id: str) -> None:
        """Press the button for a reply (what a learner's click does)."""
        for button in self.choice_buttons:
            if button.choice_id == choice_id:
                button.click()
                return
        raise ValueError(f"no reply {choice_id!r} on screen; showing: {[b.choice_id for b in self.choice_buttons]}")

    def _choose(self, choice_id: str) -> None:
        self.session.choose(choice_id)
        self._render()

    def restart(self) -> None:
        self.session.restart()
        self.save_status.value = ""
        self._render()

    def save(self, fmt: str = "md") -> Path:
        """Write the transcript to a new file (never over an old one) and say where."""
        self.save_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = self.save_dir / f"{self.scenario.id}-{stamp}.{fmt}"
        n = 1
        while path.exists():
            n += 1
            path = self.save_dir / f"{self.scenario.id}-{stamp}-{n}.{fmt}"
        text = self.session.to_markdown() if fmt == "md" else self.session.to_json()
        path.write_text(text, encoding="utf-8")
        self.save_status.value = f"Saved to {path}"
        return path

    # -- drawing ------------------------------------------------------------------
    def _render(self) -> None:
        s, session = self.scenario, self.session
        self.mood_bar.value = session.mood_index
        self.mood_text.value = f"{s.persona.name} is {session.mood} ({session.mood_index} of {len(MOODS) - 1})"
        labels = {r.name: r for r in s.rubric}
        for name, value in session.scores.items():
            self.score_bars[name].value = value
            self.score_texts[name].value = f"{labels[name].label}: {value} of {labels[name].max}"

        parts = []
        for turn in session.transcript:
            if turn.kind == "line":
                who = "" if turn.speaker == "narrator" else f"<b>{_esc(turn.speaker)}:</b> "
                parts.append(f"<div class='csw-line'>{who}{_esc(turn.text)}</div>")
            elif turn.kind == "reply":
                parts.append(f"<div class='csw-you'><b>You:</b> {_esc(turn.text)}</div>")
        self.conversation.value = "".join(parts)
        self.feedback.value = (
            f"<div class='csw-feedback' role='status'><b>Feedback:</b> {_esc(session.last_feedback)}</div>"
            if session.last_feedback else ""
        )

        self.choice_buttons = []
        for choice in session.choices:
            button = w.Button(description=choice.text, tooltip=choice.text, layout=w.Layout(width="100%", height="auto"))
            button.add_class("csw-choice")
            button.choice_id = choice.id
            button.on_click(lambda _b, cid=choice.id: self._choose(cid))
            self.choice_buttons.append(button)
        self.choice_box.children = tuple(self.choice_buttons)
        self.prompt.layout.display = "none" if session.ended else None

        if session.ended:
            e = session.node.ending
            self.debrief.value = (
                f"<div class='csw-ending' role='status'><h4>{_OUTCOME_WORDS[e.outcome]}: {_esc(e.title)}</h4>"
                f"<p>{_esc(e.debrief)}</p><p><b>Overall score:</b> {session.percent:.0f}%</p></div>"
            )
            self.path_text.value = (
                "<p>Your path, to copy into an answer cell: "
                f"<code>{_esc(repr(session.path))}</code></p>"
            )
            self.end_box.layout.display = None
        else:
            self.debrief.value = self.path_text.value = ""
            self.end_box.layout.display = "none"


class RolePlayPicker(w.VBox):
    """A menu of scenarios above the role-play, for workshops that run several in one session."""

    def __init__(self, scenarios: list[str] | None = None, save_dir: str | Path = "roleplay-transcripts"):
        from .model import list_scenarios, load_scenario

        ids = scenarios or list_scenarios()
        options = [(f"{load_scenario(s).title}  ({load_scenario(s).topic})", s) for s in ids]
        self.menu = w.Dropdown(options=options, description="Role-play", style={"description_width": "80px"},
                               layout=w.Layout(width="640px"))
        self.save_dir = save_dir
        self.roleplay = RolePlay(ids[0], save_dir=save_dir)
        self.menu.observe(self._switch, names="value")
        super().__init__([self.menu, self.roleplay])

    def _switch(self, change) -> None:
        self.roleplay = RolePlay(change["new"], save_dir=self.save_dir)
        self.children = (self.menu, self.roleplay)

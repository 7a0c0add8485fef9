"""The role-play as ipywidgets: a view on the engine, nothing more.

Everything the learner sees is written into widget values (HTML, Label,
IntProgress, Textarea) rather than printed into an Output widget, so it shows
the same in JupyterLab, in Voila, and in tests with no front end at all.

For keyboard and screen-reader users: the reply buttons are made once and
reused, so after a reply the button under the learner's focus is not torn out
of the page (which dropped focus to the page body); focus is then moved on
purpose with ipywidgets' own `focus()` message. What the other person says
back, and the feedback, are repeated in a polite live region. The path at an
ending sits in a text box the learner can reach by keyboard and copy with
Ctrl+A, Ctrl+C.
"""

from __future__ import annotations

import html
import time
from pathlib import Path

import ipywidgets as w

from .engine import Session
from .model import MOODS, Scenario

__all__ = ["RolePlay", "RolePlayPicker"]

# The focus ring takes the theme's main text colour (near-black in the light theme, near-white in
# the dark one) with a band of the page colour inside it, so it stands out well over 3:1 against
# the buttons and the page in either theme; the fallbacks are for pages without JupyterLab's theme.
_CSS = """
<style>
.csw-roleplay { max-width: 860px; font-size: 14px; }
/* room for the focus ring, which the widget boxes and the output area would otherwise cut off */
.csw-roleplay, .csw-roleplay .widget-box { overflow: visible; }
.csw-roleplay { padding: 8px; box-sizing: border-box; }
.csw-roleplay .csw-line { margin: 6px 0; padding: 8px 12px; border-radius: 8px; background: #f1f3f4; color: #1a1a1a; }
.csw-roleplay .csw-you { margin: 6px 0 6px 48px; padding: 8px 12px; border-radius: 8px; background: #e3f2fd; color: #0d2a4a; }
.csw-roleplay .csw-feedback { margin: 6px 0; padding: 8px 12px; border-left: 4px solid #7a5c00; background: #fff8e1; color: #3d2e00; }
.csw-roleplay .csw-ending { margin: 8px 0; padding: 10px 12px; border: 2px solid #444; border-radius: 8px; }
.csw-roleplay button.csw-choice { white-space: normal; height: auto; min-height: 36px; text-align: left;
  padding: 6px 12px; line-height: 1.35; width: 100%; }
.csw-roleplay .csw-meta { color: #444; }
.csw-roleplay .csw-actions { flex-wrap: wrap; gap: 6px; }
.csw-roleplay .csw-actions button { width: auto; max-width: 100%; white-space: normal; height: auto; min-height: 32px;
  padding: 4px 12px; }
.csw-roleplay .csw-path textarea { font-family: var(--jp-code-font-family, monospace); }
.csw-roleplay button:focus-visible, .csw-roleplay textarea:focus-visible, .csw-roleplay select:focus-visible,
.csw-roleplay button:focus, .csw-roleplay textarea:focus, .csw-roleplay select:focus {
  outline: 3px solid var(--jp-ui-font-color0, #111111) !important; outline-offset: 2px;
  box-shadow: 0 0 0 2px var(--jp-layout-color0, #ffffff); }
.csw-roleplay .csw-sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
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
        # What a screen reader says after each reply: the other person's answer, the feedback,
        # and at the end the outcome. Visually hidden: sighted learners read the same above.
        self.announcement = w.HTML()
        self.prompt = w.HTML("<b>Your reply:</b>")
        # One button per reply slot, made once and reused: replacing the button that has focus
        # would drop the learner's focus to the page body.
        most = max((len(n.choices) for n in s.nodes.values()), default=0)
        self._reply_pool = [self._make_reply_button() for _ in range(most)]
        self.choice_box = w.VBox(self._reply_pool)
        self.choice_buttons: list[w.Button] = []
        self.debrief = w.HTML()
        self.path_text = w.HTML()
        self.path_box = w.Textarea(description="Your path", rows=2, style={"description_width": "80px"},
                                   layout=w.Layout(width="100%"),
                                   tooltip="Your path as a Python list: Ctrl+A then Ctrl+C copies it")
        self.path_box.add_class("csw-path")
        self.path_box.observe(self._keep_path, names="value")
        self.restart_button = w.Button(description="Start again", tooltip="Restart this role-play from the beginning",
                                       layout=w.Layout(width="auto", align_self="flex-start"))
        self.save_md_button = w.Button(description="Save transcript (Markdown)",
                                       tooltip="Save the conversation as a Markdown file", layout=w.Layout(width="auto"))
        self.save_json_button = w.Button(description="Save transcript (JSON)",
                                         tooltip="Save the conversation as a JSON file", layout=w.Layout(width="auto"))
        self.save_status = w.Label()
        self.restart_button.on_click(lambda _: self.restart())
        self.save_md_button.on_click(lambda _: self.save("md"))
        self.save_json_button.on_click(lambda _: self.save("json"))
        actions = w.HBox([self.save_md_button, self.save_json_button], layout=w.Layout(flex_flow="row wrap"))
        actions.add_class("csw-actions")
        self.end_box = w.VBox([self.debrief, self.path_text, self.path_box, actions, self.save_status])
        super().__init__([self.header, self.status, self.conversation, self.feedback, self.announcement, self.prompt,
                          self.choice_box, self.end_box, self.restart_button])
        self.add_class("csw-roleplay")
        self._render()

    def _make_reply_button(self) -> w.Button:
        button = w.Button(layout=w.Layout(width="100%", height="auto"))
        button.choice_id = None
        button.on_click(lambda b: b.choice_id and self._choose(b.choice_id))
        return button

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
        self._focus_next()

    def restart(self) -> None:
        self.session.restart()
        self.save_status.value = ""
        self._render()
        self._focus_next()

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

    @property
    def focus_target(self) -> w.DOMWidget | None:
        """The control focus moves to after a reply or a restart: the first reply, or at an ending the path box."""
        if self.session.ended:
            return self.path_box
        return self.choice_buttons[0] if self.choice_buttons else None

    def _focus_next(self) -> None:
        # Never on first display: running the notebook must not pull focus into the widget.
        target = self.focus_target
        if target is not None:
            target.focus()

    def _keep_path(self, change) -> None:
        # Read-only in effect: a stray key in the box must not change the path the learner copies.
        wanted = repr(self.session.path) if self.session.ended else ""
        if change["new"] != wanted:
            self.path_box.value = wanted

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
            f"<div class='csw-feedback'><b>Feedback:</b> {_esc(session.last_feedback)}</div>"
            if session.last_feedback else ""
        )

        choices = session.choices
        for button, choice in zip(self._reply_pool, choices):
            button.description = button.tooltip = choice.text
            button.choice_id = choice.id
            button.layout.display = None
            button.add_class("csw-choice")
        for button in self._reply_pool[len(choices):]:
            # Hidden and without the reply class, so `button.csw-choice` finds only the replies on screen.
            button.choice_id = None
            button.layout.display = "none"
            button.remove_class("csw-choice")
        self.choice_buttons = self._reply_pool[:len(choices)]
        self.prompt.layout.display = "none" if session.ended else None

        if session.ended:
            e = session.node.ending
            self.debrief.value = (
                f"<div class='csw-ending'><h4>{_OUTCOME_WORDS[e.outcome]}: {_esc(e.title)}</h4>"
                f"<p>{_esc(e.debrief)}</p><p><b>Overall score:</b> {session.percent:.0f}%</p></div>"
            )
            self.path_text.value = (
                "<p>Your path, to copy into an answer cell: "
                f"<code>{_esc(repr(session.path))}</code><br>"
                "By keyboard: in the box below (focus goes there when a conversation ends), "
                "press Ctrl+A, then Ctrl+C, then paste it into the answer cell with Ctrl+V.</p>"
            )
            self.path_box.value = repr(session.path)
            self.end_box.layout.display = None
        else:
            self.debrief.value = self.path_text.value = self.path_box.value = ""
            self.end_box.layout.display = "none"
        self.announcement.value = self._announcement_html()

    def _announcement_html(self) -> str:
        """The live region: what a screen reader reads out after each step."""
        s, session = self.scenario, self.session
        said = []
        for turn in reversed(session.transcript):  # what was said since the learner's last reply
            if turn.kind == "reply":
                break
            if turn.kind == "line":
                said.insert(0, turn.text if turn.speaker == "narrator" else f"{turn.speaker}: {turn.text}")
        words = said + [f"{s.persona.name} is {session.mood}."]
        if session.last_feedback:
            words.append(f"Feedback: {session.last_feedback}")
        if session.ended:
            e = session.node.ending
            words.append(f"The conversation has ended. {_OUTCOME_WORDS[e.outcome]}: {e.title}. {e.debrief} "
                         f"Overall score: {session.percent:.0f}%. Your path is in the text box that now has focus.")
        return ("<div class='csw-live csw-sr-only' role='status' aria-live='polite' aria-atomic='true'>"
                + " ".join(_esc(x) for x in words) + "</div>")


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
        self.add_class("csw-roleplay")

    def _switch(self, change) -> None:
        self.roleplay = RolePlay(change["new"], save_dir=self.save_dir)
        self.children = (self.menu, self.roleplay)

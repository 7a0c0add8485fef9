"""The widget: click real buttons, read what a learner would read."""

from __future__ import annotations

import json

import ipywidgets as w
import pytest

from csworkbook.roleplay import RolePlay, extreme_paths


@pytest.fixture()
def rp(tmp_path):
    return RolePlay("late-delivery", save_dir=tmp_path / "transcripts")


def test_opening_shows_the_customer_and_reply_buttons(rp):
    assert "Dana Whitfield" in rp.header.value and "The sofa that never came" in rp.header.value
    assert "took the day off work" in rp.conversation.value
    labels = [b.description for b in rp.choice_buttons]
    assert len(labels) == 3 and all(len(label) > 10 for label in labels)  # real text, not icons
    assert all(isinstance(b, w.Button) and not b.icon for b in rp.choice_buttons)
    assert rp.feedback.value == ""
    assert rp.mood_text.value == "Dana Whitfield is angry (1 of 6)"
    assert rp.mood_bar.value == 1
    assert rp.score_texts["empathy"].value == "Empathy: 0 of 5"
    assert rp.end_box.layout.display == "none"


def test_clicking_a_reply_shows_the_reply_feedback_and_new_scores(rp):
    button = rp.choice_buttons[0]
    button.click()
    assert "<b>You:</b> &quot;I&#x27;m sorry, that&#x27;s a wasted day off" in rp.conversation.value
    assert "So what are you going to do about it?" in rp.conversation.value
    assert "Feedback:" in rp.feedback.value and "named what went wrong" in rp.feedback.value
    assert rp.score_texts["empathy"].value == "Empathy: 2 of 5"
    assert rp.score_bars["empathy"].value == 2
    assert rp.mood_text.value.startswith("Dana Whitfield is annoyed")
    assert [b.choice_id for b in rp.choice_buttons] == ["log-it", "promise-tomorrow"]


def test_playing_to_the_end_shows_debrief_path_and_saves_transcripts(rp, tmp_path):
    best = extreme_paths("late-delivery")[0].path
    for choice_id in best:
        rp.click(choice_id)
    assert rp.session.ended and rp.choice_buttons == []
    assert "Resolved well" in rp.debrief.value and "Overall score:</b> 100%" in rp.debrief.value
    assert repr(best).replace("'", "&#x27;") in rp.path_text.value
    assert rp.end_box.layout.display is None
    rp.save_md_button.click()
    rp.save_json_button.click()
    files = sorted((tmp_path / "transcripts").iterdir())
    assert [f.suffix for f in files] == [".json", ".md"]
    assert "Saved to" in rp.save_status.value
    assert json.loads(files[0].read_text())["path"] == best
    rp.save_md_button.click()  # a second save never overwrites the first
    assert len(list((tmp_path / "transcripts").glob("*.md"))) == 2


def test_restart_button_starts_over(rp):
    rp.click("courier-number")
    rp.restart_button.click()
    assert rp.session.path == [] and rp.feedback.value == ""
    assert [b.choice_id for b in rp.choice_buttons] == ["acknowledge", "courier-number", "check-first"]


def test_a_reply_not_on_screen_is_an_error(rp):
    with pytest.raises(ValueError, match="no reply 'log-it' on screen"):
        rp.click("log-it")


def test_picker_switches_scenarios(tmp_path):
    from csworkbook.roleplay import RolePlayPicker, list_scenarios

    picker = RolePlayPicker(save_dir=tmp_path)
    assert [value for _, value in picker.menu.options] == list_scenarios()
    picker.menu.value = "telephone-standards"
    assert picker.roleplay.scenario.id == "telephone-standards"
    assert picker.children[1] is picker.roleplay
    assert "The phone rings" in picker.roleplay.conversation.value


# -- keyboard and screen-reader learners ---------------------------------------------------------

@pytest.fixture()
def focus_calls(monkeypatch):
    """Records every widget told to take focus (ipywidgets' own focus message, as the browser gets it)."""
    sent = []
    original = w.DOMWidget.send

    def send(self, content, buffers=None):
        if content == {"do": "focus"}:
            sent.append(self)
        return original(self, content, buffers)

    monkeypatch.setattr(w.DOMWidget, "send", send)
    return sent


def test_focus_moves_to_the_first_new_reply_and_never_on_first_display(focus_calls, tmp_path):
    rp = RolePlay("late-delivery", save_dir=tmp_path)
    assert focus_calls == [], "showing the widget must not pull focus from the learner's notebook"
    pressed = rp.choice_buttons[1]
    pressed.click()
    assert focus_calls == [rp.choice_buttons[0]]
    # The pressed button is reused, not torn out of the page under the learner's focus.
    assert pressed in rp._reply_pool and pressed in rp.choice_box.children


def test_at_an_ending_focus_goes_to_the_path_box_and_start_again_to_the_first_reply(focus_calls, tmp_path):
    rp = RolePlay("late-delivery", save_dir=tmp_path)
    best = extreme_paths("late-delivery")[0].path
    for choice_id in best:
        rp.click(choice_id)
    assert focus_calls[-1] is rp.path_box
    assert rp.path_box.value == repr(best)
    rp.restart_button.click()
    assert focus_calls[-1] is rp.choice_buttons[0]
    assert rp.choice_buttons[0].description == rp.session.choices[0].text


def test_the_path_box_cannot_be_edited_by_accident(rp):
    assert rp.path_box.value == ""
    for choice_id in extreme_paths("late-delivery")[1].path:
        rp.click(choice_id)
    want = repr(rp.session.path)
    rp.path_box.value = want + "x"  # what a stray key in the browser sends back
    assert rp.path_box.value == want
    rp.restart()
    assert rp.path_box.value == ""


def test_the_live_region_carries_the_reaction_feedback_and_ending(rp):
    def live():
        return rp.announcement.value

    assert "role='status'" in live() and "aria-live='polite'" in live()
    assert "Dana Whitfield is angry" in live() and "Feedback" not in live()
    rp.click("acknowledge")
    assert "So what are you going to do about it?" in live()
    assert "Feedback: You named what went wrong" in live()
    assert "Dana Whitfield is annoyed" in live()
    assert "You:" not in live(), "the learner's own reply is not read back"
    session = extreme_paths("late-delivery")[0]
    for choice_id in session.path[1:]:
        rp.click(choice_id)
    assert "The conversation has ended. Resolved well" in live()
    assert session.node.ending.title.replace("'", "&#x27;") in live()


def test_only_the_replies_on_screen_are_shown_and_pressable(rp):
    rp.click("acknowledge")
    hidden = [b for b in rp._reply_pool if b not in rp.choice_buttons]
    assert hidden and all(b.layout.display == "none" and b.choice_id is None for b in hidden)
    assert all("csw-choice" not in b._dom_classes for b in hidden), "page tests find replies by this class"
    assert all(b.layout.display is None and "csw-choice" in b._dom_classes for b in rp.choice_buttons)
    hidden[0].click()  # a press that reaches a hidden button does nothing
    assert rp.session.path == ["acknowledge"]


def test_the_save_buttons_size_to_their_labels_and_wrap(rp):
    row = rp.save_md_button.layout, rp.save_json_button.layout
    assert all(layout.width == "auto" for layout in row)
    actions = rp.end_box.children[3]
    assert rp.save_md_button in actions.children and actions.layout.flex_flow == "row wrap"

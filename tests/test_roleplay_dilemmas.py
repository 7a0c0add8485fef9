"""Dilemma figures: each is computed right on a small scenario, and each can fail."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from csworkbook.roleplay import list_scenarios, parse_scenario
from csworkbook.roleplay import dilemmas
from csworkbook.roleplay.dilemmas import analyse, dominant_replies, total_figures

HEAD = """\
id: small
title: A small scenario
topic: 06-complaint-handling
objectives: [Weigh one score against another]
criteria: ["BSBCUS401:2.3"]
persona: {name: Pat, role: external customer, mood: annoyed}
"""

RUBRIC = """\
rubric:
  empathy: {label: Empathy, max: 2}
  policy: {label: Policy, max: 2}
"""

ENDINGS = """\
  good:
    speaker: Pat
    text: Thanks.
    ending: {outcome: success, title: Sorted, debrief: Both mattered.}
  bad:
    speaker: Pat
    text: Bye.
    ending: {outcome: failure, title: Lost, debrief: Try again.}
"""


def _choice(cid, text, nxt, effects="{}", extra=""):
    return (f"      - id: {cid}\n        text: \"{text}\"\n        next: {nxt}\n"
            f"        effects: {effects}\n        feedback: Why.\n{extra}")


def scenario_text(*choices, rubric=RUBRIC, nodes=""):
    """A scenario whose start node offers ``choices``, with the endings 'good' and 'bad'."""
    body = "".join(choices)
    endings = ENDINGS if "next: bad" in body + nodes else ENDINGS.split("  bad:")[0]  # no unreachable node
    return f"{HEAD}{rubric}start: hello\nnodes:\n  hello:\n    speaker: Pat\n    text: Well?\n    choices:\n{body}{nodes}{endings}"


def scenario(*choices, rubric=RUBRIC, nodes=""):
    return parse_scenario(scenario_text(*choices, rubric=rubric, nodes=nodes), "small.yaml")


def test_a_dominant_reply_is_found():
    s = scenario(_choice("both", "Sorry, and here is what policy allows.", "good", "{empathy: 2, policy: 2}"),
                 _choice("half", "Sorry.", "good", "{empathy: 1}"),
                 _choice("none", "No.", "bad", "{empathy: -1}"))
    f = analyse(s)
    assert [p.node for p in f.points] == ["hello"]
    assert f.points[0].dominant == ("both",)
    assert (f.n_points, f.n_dominated, f.dominated_share) == (1, 1, 1.0)
    assert any("have a dominant reply; at most 30% (0) may: 1 too many" in m for m in f.misses())


def test_a_real_trade_off_has_no_dominant_reply():
    s = scenario(_choice("warm", "I hear you; let me bend the rule this once.", "good", "{empathy: 2, policy: -1}"),
                 _choice("firm", "The rule is the same for everyone.", "good", "{empathy: -1, policy: 2}"))
    f = analyse(s)
    assert f.points[0].dominant == () and f.n_dominated == 0
    assert not [m for m in f.misses() if "dominant" in m]


def test_dominance_uses_every_rubric_score_and_twins_both_dominate():
    rubric = ("empathy", "policy")
    s = scenario(_choice("a", "A.", "good", "{empathy: 1, policy: 1}"),
                 _choice("b", "B.", "good", "{empathy: 1, policy: 1}"),
                 _choice("c", "C.", "bad", "{empathy: 1}"))
    assert dominant_replies(s.node("hello").choices, rubric) == ("a", "b")
    # Equal on everything: nothing is at stake between them, so neither dominates.
    same = scenario(_choice("a", "A.", "good", "{empathy: 1}"), _choice("b", "B.", "bad", "{empathy: 1}"))
    assert dominant_replies(same.node("hello").choices, rubric) == ()
    # A score a reply does not name counts as 0.
    s = scenario(_choice("a", "A.", "good", "{empathy: 1}"), _choice("b", "B.", "bad", "{policy: -1}"))
    assert dominant_replies(s.node("hello").choices, rubric) == ("a",)


def test_the_longest_reply_being_best_is_counted_against_chance():
    s = scenario(_choice("long", "I am so sorry, I completely understand, let me fix all of it.", "good",
                         "{empathy: 2, policy: -1}"),
                 _choice("short", "Rules are rules.", "good", "{empathy: -1, policy: 1}"))
    f = analyse(s)
    p = f.points[0]
    assert p.best == ("long",) and p.longest == ("long",) and p.best_is_longest == 1
    assert p.chance == 0.5 and f.chance_share == 0.5
    assert f.best_longest_share == 1.0 and f.longest_limit == pytest.approx(0.6)
    assert any("the best reply is the longest at 1 of 1 decision points (100%); chance is 50%, so at most 60%" in m
               for m in f.misses())
    # The same replies with the best one short: length now gives nothing away.
    s = scenario(_choice("long", "I am so sorry, I completely understand, let me fix all of it.", "good",
                         "{empathy: 1, policy: -1}"),
                 _choice("short", "Here's what I can do.", "good", "{empathy: -1, policy: 2}"))
    f = analyse(s)
    assert f.best_longest == 0 and not [m for m in f.misses() if "longest" in m]


def test_ties_for_best_are_shared():
    s = scenario(_choice("a", "A much longer reply than the others.", "good", "{empathy: 2, policy: -1}"),
                 _choice("b", "Shorter reply.", "good", "{empathy: -1, policy: 2}"),
                 _choice("c", "Short.", "bad", "{empathy: -1}"))
    p = analyse(s).points[0]
    assert set(p.best) == {"a", "b"} and p.longest == ("a",)
    assert p.best_is_longest == 0.5 and p.chance == pytest.approx(1 / 3)


def test_a_success_ending_reachable_with_zero_empathy_is_reported():
    s = scenario(_choice("kind", "Sorry.", "good", "{empathy: 2, policy: 1}"),
                 _choice("cold", "Policy says this.", "good", "{policy: 2}"))
    f = analyse(s)
    assert [(z.ending, z.scores, z.paths) for z in f.zero_core_successes] == [("good", ("empathy",), (("cold",),))]
    assert any("success ending 'good' (Sorted) can be reached with zero empathy, e.g. path ['cold']" in m
               for m in f.misses())
    # A score marked core: false may be zero at a success.
    relaxed = RUBRIC.replace("{label: Empathy, max: 2}", "{label: Empathy, max: 2, core: false}")
    s = scenario(_choice("kind", "Sorry.", "good", "{empathy: 2, policy: 1}"),
                 _choice("cold", "Policy says this.", "good", "{policy: 2}"), rubric=relaxed)
    assert [r.core for r in s.rubric] == [False, True]
    assert analyse(s).zero_core_successes == []


def test_scores_are_capped_before_the_zero_check():
    # Scores are capped when shown, not step by step: -3 then +2 is -1, shown (and graded) as 0.
    s = scenario(_choice("cold", "No.", "more", "{empathy: -3, policy: 2}"),
                 _choice("kind", "Sorry.", "more", "{empathy: 1, policy: 2}"),
                 nodes="  more:\n    speaker: Pat\n    text: And?\n    choices:\n"
                       + _choice("warm", "I'm sorry.", "good", "{empathy: 2}"))
    f = analyse(s)
    assert [z.paths for z in f.zero_core_successes] == [(("cold", "warm"),)]


def test_each_set_of_replies_open_under_different_flags_is_its_own_point():
    nodes = ("  middle:\n    speaker: Pat\n    text: And?\n    choices:\n"
             + _choice("plain", "OK.", "good", "{empathy: 1}")
             + _choice("other", "Hmm.", "bad", "{policy: 1}")
             + _choice("flagged", "As I said.", "good", "{policy: 2}", "        requires: {flags: [said]}\n"))
    s = scenario(_choice("say", "Let me say it.", "middle", "{empathy: 1, policy: -1}", "        sets: [said]\n"),
                 _choice("skip", "Skip.", "middle", "{policy: 1}"), nodes=nodes)
    f = analyse(s)
    assert [(p.node, p.replies) for p in f.points] == [
        ("hello", ("say", "skip")), ("middle", ("plain", "other")), ("middle", ("plain", "other", "flagged"))]


def test_thresholds_met_means_no_misses_and_totals_add_up():
    good = analyse(scenario(_choice("warm", "A warm but rule-bending reply here.", "bad", "{empathy: 2, policy: -1}"),
                            _choice("firm", "Here's what the rule allows.", "good",
                                    "{empathy: 1, policy: 2}")))
    assert good.misses() == []
    bad = analyse(scenario(_choice("kind", "Sorry, here is everything.", "good", "{empathy: 2, policy: 2}"),
                           _choice("cold", "No.", "bad", "{empathy: -1}")))
    total = total_figures([good, bad])
    assert (total.n_points, total.n_dominated, total.best_longest) == (2, 1, 1.0)
    assert total.chance_share == 0.5


def _cli(*args):
    exe = str(Path(sys.executable).parent / "csworkbook")
    return subprocess.run([exe, "scenarios", "check", *args], capture_output=True, text=True)


ROW = re.compile(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)%\s+([\d.]+)\s+(\d+)%\s+(\d+)%\s+(\d+)\s*(ok|MISS)?$", re.M)


def _expected_row(f):
    return (f.scenario, str(f.n_points), str(f.n_dominated), f"{f.dominated_share * 100:.0f}",
            f"{f.best_longest:.1f}", f"{f.best_longest_share * 100:.0f}", f"{f.chance_share * 100:.0f}",
            str(len(f.zero_core_successes)))


def test_the_cli_prints_the_modules_figures_for_the_shipped_scenarios():
    out = _cli()
    figures = [analyse(sid) for sid in list_scenarios()]
    rows = {m.group(1): m.groups() for m in ROW.finditer(out.stdout)}
    for f in figures:
        assert rows[f.scenario][:8] == _expected_row(f), out.stdout
        assert rows[f.scenario][8] == ("MISS" if f.misses() else "ok")
        for message in f.misses():
            assert f"MISS  {f.scenario}: {message}" in out.stdout
    assert rows["total"][:8] == _expected_row(total_figures(figures))
    missed = [f for f in figures if f.misses()]
    assert out.returncode == (1 if missed else 0), out.stdout + out.stderr
    assert f"{len(figures) - len(missed)} of {len(figures)} scenario(s) meet the dilemma thresholds" in out.stdout
    assert f"{len(figures)} of {len(figures)} scenario file(s) passed the structural checks" in out.stdout


def test_the_cli_fails_a_scenario_that_misses_a_threshold_and_passes_one_that_meets_them(tmp_path):
    good_yaml = scenario_text(
        _choice("warm", "A warm but rule-bending reply here.", "bad", "{empathy: 2, policy: -1}"),
        _choice("firm", "Here's what the rule allows.", "good", "{empathy: 1, policy: 2}"))
    assert analyse(parse_scenario(good_yaml)).misses() == []
    (tmp_path / "good.yaml").write_text(good_yaml)
    out = _cli(str(tmp_path / "good.yaml"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 of 1 scenario(s) meet the dilemma thresholds" in out.stdout
    bad_yaml = good_yaml.replace("{empathy: 1, policy: 2}", "{empathy: 3, policy: 2}")
    (tmp_path / "bad.yaml").write_text(bad_yaml)
    out = _cli(str(tmp_path / "bad.yaml"))
    assert out.returncode == 1
    assert "MISS  small: 1 of 1 decision points (100%) have a dominant reply; at most 30% (0) may: 1 too many" \
        in out.stdout
    assert "1 of 1 scenario file(s) passed the structural checks" in out.stdout



# Scenarios rewritten to meet the thresholds; the others were written before them (see `scenarios check`).
MEET_THRESHOLDS = ["late-delivery", "refund-outside-policy", "coaching-team-member", "telephone-standards",
                   "corporate-needs-assessment", "internal-colleague", "improvement-proposal",
                   "mystery-shopper-debrief", "housekeeping-feedback"]


@pytest.mark.parametrize("sid", MEET_THRESHOLDS)
def test_the_rewritten_scenarios_meet_the_thresholds(sid):
    f = analyse(sid)
    assert f.complete and f.n_points >= 8
    assert f.misses() == []


@pytest.mark.parametrize("sid", ["late-delivery", "refund-outside-policy"])
def test_complaint_scenarios_name_the_real_australian_routes(sid):
    from csworkbook.roleplay import load_scenario

    s = load_scenario(sid)
    words = " ".join([s.summary, *s.objectives] + [n.text for n in s.nodes.values()]
                     + [t for n in s.nodes.values() for c in n.choices for t in (c.text, c.feedback)]
                     + [n.ending.debrief for n in s.endings])
    assert "Consumer Ombudsman" not in words  # retail complaints go to a state agency, then a tribunal
    assert "Australian Consumer Law" in words
    assert ("NSW Fair Trading" in words and "NCAT" in words) or ("Consumer Affairs Victoria" in words and "VCAT" in words)
    assert any(c.startswith("BSBCUS401:") for c in s.criteria)


def test_the_call_back_pitch_states_australian_privacy_law_correctly():
    from csworkbook.roleplay import load_scenario

    s = load_scenario("improvement-proposal")
    words = " ".join([s.summary, *s.objectives] + [n.text for n in s.nodes.values()]
                     + [t for n in s.nodes.values() for c in n.choices for t in (c.text, c.feedback)]
                     + [n.ending.debrief for n in s.endings])
    assert "Privacy Act 1988" in words and "Australian Privacy Principles" in words
    assert "Privacy Act 1998" not in words and "GDPR" not in words
    for principle in ("APP 3", "APP 5", "APP 6", "APP 7", "APP 11"):  # collect, notify, use, market, hold and delete
        assert principle in words, principle
    assert "$3 million" in words  # why a business of this size is covered
    assert "Spam Act 2003" in words and "Office of the Australian Information Commissioner" in words
    assert "The law sets no number of days" in words  # a retention period is the business's own choice


def test_the_readme_states_the_modules_thresholds(repo):
    readme = " ".join((repo / "README.md").read_text().split())
    assert f"At most {dilemmas.MAX_DOMINATED_SHARE:.0%} of a scenario's decision points may have a dominant reply" in readme
    assert f"It may be at most {dilemmas.LONGEST_MARGIN * 100:.0f} points above chance" in readme
    assert dilemmas.MAX_ZERO_CORE_SUCCESSES == 0 and "A success ending must not be reachable with zero on a core" in readme

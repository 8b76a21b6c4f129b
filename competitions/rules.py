"""Permissions on competitions. Judges see their own events on their judging pages, never the
entries list (blind judging)."""

from members.access import declare

EDITORS = ("staff", "approver")

for codename in ("view_competition", "view_event"):
    declare(f"competitions.{codename}", roles=(*EDITORS, "leader", "judge"))

for codename in ("view_scoringpart", "view_entry", "view_title"):
    declare(f"competitions.{codename}", roles=(*EDITORS, "leader"))

for codename in (
    "add_competition",
    "change_competition",
    "add_event",
    "change_event",
    "delete_event",
    "add_scoringpart",
    "change_scoringpart",
    "delete_scoringpart",
    "add_entry",
    "change_entry",
    "view_score",
):
    declare(f"competitions.{codename}", roles=EDITORS)

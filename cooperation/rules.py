"""Permissions on the agreement, projects, their milestones and updates, and venues.

Lead federations manage their projects and venues; partners add progress updates (the
update's own federation changes it); administrators manage agreements in the admin."""

import rules

from members.access import changes, declare

READERS = ("staff", "approver", "leader", "administrator")
EDITORS = ("staff", "approver")

for codename in (
    "view_agreement",
    "view_agreementphase",
    "view_pillar",
    "view_project",
    "view_milestone",
    "view_progressupdate",
    "view_attachment",
    "view_venue",
):
    declare(f"cooperation.{codename}", roles=READERS)

for codename in (
    "add_project",
    "change_project",
    "add_milestone",
    "change_milestone",
    "delete_milestone",
    "change_progressupdate",
    "add_attachment",
    "add_venue",
    "change_venue",
):
    declare(f"cooperation.{codename}", roles=EDITORS)

for codename in ("add_agreement", "change_agreement"):
    declare(f"cooperation.{codename}", roles=("administrator",))


@rules.predicate
def reports_on(user, obj):
    """Progress updates are posted by staff of the lead and of the partner federations of a
    project (partners read every project of the agreement, but report only where they take
    part). Asked about a project, or about an update (its project)."""
    from cooperation.models import ProgressUpdate, Project

    if obj is None:
        return True
    project_id = obj.project_id if isinstance(obj, ProgressUpdate) else obj.pk
    return Project.objects.updatable_by(user).filter(pk=project_id).exists()


declare("cooperation.add_progressupdate", roles=EDITORS, object_rule=reports_on)


# --- dashboard ---
# The leaders' dashboard: figures of the shared records, for every reading role.
declare("cooperation.view_dashboard", roles=READERS)
# --- liaison ---
#
# Contacts and meetings are changed by staff of their own (the host) federation; outcomes are
# added by the host, as part of its meeting (asked of the meeting); action items change status
# by staff of the federation that owns them. Every party reads them all.

for codename in (
    "view_contact",
    "view_meeting",
    "view_meetingoutcome",
    "view_actionitem",
):
    declare(f"cooperation.{codename}", roles=READERS)

for codename in (
    "add_contact",
    "change_contact",
    "delete_contact",
    "add_meeting",
    "change_meeting",
    "change_actionitem",
):
    declare(f"cooperation.{codename}", roles=EDITORS)


@rules.predicate
def hosts_meeting(user, obj):
    """Outcomes (and the action items of tasks) are added by the meeting's host: asked of
    the meeting, or of an outcome (its meeting)."""
    from cooperation.models import MeetingOutcome

    if obj is None:
        return True
    meeting = obj.meeting if isinstance(obj, MeetingOutcome) else obj
    return changes.test(user, meeting)  # the one rule for "changes this record"


declare("cooperation.add_meetingoutcome", roles=EDITORS, object_rule=hosts_meeting)
declare("cooperation.add_actionitem", roles=EDITORS, object_rule=hosts_meeting)
# --- referrals ---
#
# Confidential to the two federations involved: only their staff and approvers read a
# referral (leaders, who read every other shared record, see counts only). The sender's
# staff change its details and withdraw it; the receiving federation's approvers accept,
# decline or forward it (as they decide the partner's other proposals), and its staff and
# approvers resolve or close it.

REFERRAL_READERS = ("staff", "approver", "administrator")

for codename in ("view_referral", "view_referralattachment"):
    declare(f"cooperation.{codename}", roles=REFERRAL_READERS)

for codename in ("add_referral", "change_referral"):
    declare(f"cooperation.{codename}", roles=EDITORS)

declare("cooperation.count_referrals", roles=READERS, object_rule=rules.always_true)


@rules.predicate
def received_by_own_federation(user, referral):
    """The referral is addressed to the user's own federation."""
    if referral is None:
        return True
    from cooperation.models import Referral

    return Referral.objects.received_by_user(user).filter(pk=referral.pk).exists()


declare("cooperation.decide_referral", roles=("approver",), object_rule=received_by_own_federation)
declare("cooperation.resolve_referral", roles=EDITORS, object_rule=received_by_own_federation)

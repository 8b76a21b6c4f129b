"""The status badges of projects, meetings, action items and referrals on their own pages:
`{% load cooperation_status %}`, then `{% project_status project %}` and so on. The same
badges as the lists' rows draw (cooperation.rows, their one home)."""

from django import template

from cooperation import rows

register = template.Library()

register.simple_tag(rows.project_status, name="project_status")
register.simple_tag(rows.meeting_status, name="meeting_status")
register.simple_tag(rows.action_item_status, name="action_item_status")
register.simple_tag(rows.referral_status, name="referral_status")

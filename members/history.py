"""Readable history of a record for its page: who, when, and what changed."""

from django.db import models
from django.utils.translation import gettext as _

from members import masking
from members.display import join_names

MASKERS = {"id_number": masking.mask_id_number, "mobile": masking.mask_mobile}


def history_entries(obj, *, show_personal, limit=50):
    """Newest first. Each entry: the historical record and its changes as
    (field verbose name, old, new). Personal fields are masked unless `show_personal`;
    choices show their labels and foreign keys the related object, fetched in one query per
    related model rather than one per change."""
    records = obj.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    return _entries(obj, list(records), show_personal=show_personal, limit=limit)


def history_entries_many(objects, *, show_personal, limit=50):
    """`history_entries` for several objects of one model, with one query for all their
    history rather than one per object: {pk: entries}."""
    objects = list(objects)
    if not objects:
        return {}
    model = type(objects[0])
    pk_name = model._meta.pk.attname
    records = {obj.pk: [] for obj in objects}
    for record in (
        model.history.filter(**{f"{pk_name}__in": list(records)})
        .select_related("history_user")
        .order_by("-history_date")
    ):
        records[getattr(record, pk_name)].append(record)
    return {
        obj.pk: _entries(
            obj, records[obj.pk][: limit + 1], show_personal=show_personal, limit=limit
        )
        for obj in objects
    }


def _entries(obj, records, *, show_personal, limit):
    raw = []
    for record, previous in zip(records[:limit], records[1 : limit + 1] + [None], strict=False):
        changes = record.diff_against(previous).changes if previous is not None else []
        raw.append((record, changes))

    related = _related_objects(obj, [c for _r, changes in raw for c in changes])
    entries = []
    for record, changes in raw:
        shown = []
        for change in changes:
            field = obj._meta.get_field(change.field)
            old, new = change.old, change.new
            if not show_personal and change.field in MASKERS:
                old, new = MASKERS[change.field](old or ""), MASKERS[change.field](new or "")
            elif isinstance(field, models.ForeignKey):
                objects = related.get(field.related_model, {})
                old, new = objects.get(old, old), objects.get(new, new)
            elif field.many_to_many:
                objects = related.get(field.related_model, {})
                key = field.m2m_reverse_field_name()
                old, new = (
                    join_names(objects.get(row[key], row[key]) for row in rows or [])
                    for rows in (old, new)
                )
            elif field.choices:
                labels = dict(field.flatchoices)
                old, new = labels.get(old, old), labels.get(new, new)
            elif isinstance(field, models.BooleanField):
                words = {True: _("Yes"), False: _("No")}
                old, new = words.get(old, old), words.get(new, new)
            shown.append((field.verbose_name, _blank(old), _blank(new)))
        entries.append({"record": record, "changes": shown})
    return entries


def _blank(value):
    """A value that was not set reads as a dash, not as "None"."""
    return "—" if value is None or value == "" else value


def _related_objects(obj, changes):
    wanted = {}
    for change in changes:
        field = obj._meta.get_field(change.field)
        if isinstance(field, models.ForeignKey):
            ids = wanted.setdefault(field.related_model, set())
            ids.update(v for v in (change.old, change.new) if v is not None)
        elif field.many_to_many:
            ids = wanted.setdefault(field.related_model, set())
            key = field.m2m_reverse_field_name()
            ids.update(row[key] for rows in (change.old, change.new) for row in rows or [])
    return {model: model._base_manager.in_bulk(ids) for model, ids in wanted.items()}

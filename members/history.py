"""Readable history of a record for its page: who, when, and what changed."""

from members import masking

MASKERS = {"id_number": masking.mask_id_number, "mobile": masking.mask_mobile}


def history_entries(obj, *, show_personal, limit=50):
    """Newest first. Each entry: the historical record and its changes as
    (field verbose name, old, new); personal fields are masked unless `show_personal`."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    entries = []
    for record, previous in zip(records, records[1:] + [None], strict=True):
        if len(entries) == limit:
            break
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                old, new = change.old, change.new
                if not show_personal and change.field in MASKERS:
                    old, new = MASKERS[change.field](old or ""), MASKERS[change.field](new or "")
                field = obj._meta.get_field(change.field)
                if getattr(field, "choices", None):
                    labels = dict(field.flatchoices)
                    old, new = labels.get(old, old), labels.get(new, new)
                changes.append((field.verbose_name, old, new))
        entries.append({"record": record, "changes": changes})
    return entries

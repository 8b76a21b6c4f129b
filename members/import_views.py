"""The import pages (members.imports): upload → background check with a progress bar →
preview of every row → confirm → background write → result.

One set of pages for every kind of record (`?kind=members`, `?kind=sanatoriums` …). Staff
import only into their own federation; a job is found again from the upload page, and only
by the editors of its federation (members.rules: view/change_importjob).
"""

from __future__ import annotations

import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from members import imports
from members.access import get_object_for_user, may_create
from members.filters import paginate
from members.models import Federation, ImportJob
from members.scoping import user_scope
from members.tasks import import_check, import_write

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_PAGE_SIZE = 100


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    update_existing = forms.BooleanField(label=gettext_lazy("Update existing"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.file_kind = imports.check_upload(upload)
        except ValidationError as refusal:
            raise forms.ValidationError(refusal.messages) from None
        return upload


def _spec_for(request, kind):
    spec = imports.get_spec(kind or "members")
    if spec is None:
        raise Http404
    if not may_create(request.user, spec.permission):
        raise PermissionDenied
    return spec


def _jobs():
    return ImportJob.objects.select_related("federation", "created_by")


def get_job_for_user(request, pk):
    """The job if the user follows it (an editor of its federation), else 404."""
    return get_object_for_user(request, _jobs(), pk, perm="members.change_importjob")


@login_required
def import_start(request):
    spec = _spec_for(request, request.GET.get("kind") or request.POST.get("kind"))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob(
            kind=spec.kind,
            federation=Federation.objects.get(pk=user_scope(request.user).federation_id),
            created_by=request.user,
            file_kind=form.file_kind,
            original_name=upload.name[:200],
            update_existing=form.cleaned_data["update_existing"],
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        job.file.save("upload", upload, save=False)
        job.save()
        import_check.enqueue(job.pk)
        return redirect(job)
    jobs = _jobs().editable_by(request.user).filter(kind=spec.kind)[:10]
    return render(
        request,
        "members/import_start.html",
        {
            "spec": spec,
            "form": form,
            "jobs": jobs,
            "limits": imports.formats_and_limits(),
            "list_url": reverse(spec.list_url),
        },
    )


@login_required
def import_template(request):
    spec = _spec_for(request, request.GET.get("kind"))
    buffer = io.BytesIO()
    imports.write_template(spec, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{spec.kind}-template.xlsx"'
    return response


@login_required
def import_job(request, pk):
    job = get_job_for_user(request, pk)
    spec = imports.get_spec(job.kind)
    rows = paginate(request, job.preview, PREVIEW_PAGE_SIZE)
    errors = imports.errors_by_row(job.errors)
    return render(
        request,
        "members/import_job.html",
        {
            "job": job,
            "spec": spec,
            "rows": [
                {
                    "row": row,
                    "label": label,
                    "action": imports.STATUS_LABELS.get(action, action),
                    "bad": bad,
                    "reason": errors.get(row, ""),
                }
                for row, label, action, bad in rows
            ],
            "page": rows,
            "header_errors": [e for e in job.errors if e["row"] == 1],
            "list_url": reverse(spec.list_url) if spec else "",
            "start_url": reverse("imports:start") + f"?kind={job.kind}",
            "limits": imports.formats_and_limits(),
        },
    )


@login_required
def import_job_status(request, pk):
    job = get_job_for_user(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "done": job.rows_done,
            "total": job.rows_total,
            "running": job.is_running,
        }
    )


@login_required
@require_POST
def import_job_confirm(request, pk):
    job = get_job_for_user(request, pk)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.WRITING, rows_done=0
    )
    if updated:
        import_write.enqueue(job.pk)
    else:
        messages.warning(request, _("This file cannot be imported in its present state."))
    return redirect(job)


@login_required
def import_job_errors(request, pk):
    job = get_job_for_user(request, pk)
    buffer = io.BytesIO()
    try:
        with job.file.open("rb") as file:
            imports.write_errors_workbook(file, job.file_kind, job.errors, buffer)
    except (ValidationError, OSError):
        messages.warning(request, _("The file cannot be read back."))
        return redirect(job)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
    return response

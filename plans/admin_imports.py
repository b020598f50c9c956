"""The admin's import-export reads files as the tracker import does.

django-import-export would open an upload with openpyxl or tablib directly, trusting what the
file says about itself. Here it is offered CSV and XLSX only, and both go through the same
upload checks (size, zip bomb, macros, mislabelled content) and the same bounded reading
(plans.read_bounds) as the tracker import; a refusal is shown with its reason and audited.
"""

from __future__ import annotations

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from import_export.formats import base_formats
from import_export.forms import ImportForm

from plans.audit import audit
from plans.models import AuditKind
from plans.workbook import TrackerFileError, open_tracker


def _dataset(data: bytes, kind: str, blank: object) -> tablib.Dataset:
    """The first sheet as a dataset: its first row the headers, empty rows left out."""
    with open_tracker(data, f"upload.{kind}") as workbook:
        rows = ([c.value for c in cells] for _, cells in workbook.sheets[0].rows())
        headers = next(rows, None)
        if not headers:
            raise TrackerFileError("The uploaded file has no header row.")
        dataset = tablib.Dataset(headers=headers)
        for number, values in enumerate(rows, start=2):
            if not values:
                continue
            if len(values) > len(headers):
                raise TrackerFileError(
                    f"Row {number} of the uploaded file has more cells than its header row."
                )
            values += [None] * (len(headers) - len(values))
            dataset.append([blank if v is None else v for v in values])
    return dataset


class CheckedCSV(base_formats.CSV):
    def create_dataset(self, in_stream) -> tablib.Dataset:
        data = in_stream.encode("utf-8") if isinstance(in_stream, str) else in_stream
        return _dataset(data, "csv", blank="")


class CheckedXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream) -> tablib.Dataset:
        return _dataset(in_stream, "xlsx", blank=None)


IMPORT_FORMATS = [CheckedCSV, CheckedXLSX]


class CheckedImportForm(ImportForm):
    """The import form, refusing a file over the upload limit before it is stored."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_000_000:.1f} MB; the limit is "
                f"{limit / 1_000_000:.1f} MB."
            )
        return upload


class CheckedImportMixin:
    """For an ImportExportModelAdmin: the checked formats and form, and a refusal explained."""

    import_formats = IMPORT_FORMATS
    import_form_class = CheckedImportForm

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.request = request  # for the audit event, if the file is refused
        return form

    def process_import(self, request, **kwargs):
        """The confirm reads the file again; a refusal then (a busier server past the reading
        budget) is a message and an audit event, not an error page."""
        try:
            return super().process_import(request, **kwargs)
        except TrackerFileError as error:
            audit(
                AuditKind.IMPORT,
                f"Refused admin import into {self.model._meta.verbose_name_plural} at "
                f"confirmation: {error}",
                request=request,
                user=request.user,
            )
            messages.error(request, f"Nothing was imported: {error}")
            return redirect(request.path.rsplit("process_import/", 1)[0])

    def add_data_read_fail_error_to_form(self, form, error) -> None:
        if not isinstance(error, TrackerFileError):
            super().add_data_read_fail_error_to_form(form, error)
            return
        name = getattr(form.cleaned_data.get("import_file"), "name", "")
        form.add_error("import_file", str(error))
        request = form.request
        audit(
            AuditKind.IMPORT,
            f"Refused admin import of {name} into {self.model._meta.verbose_name_plural}: {error}",
            request=request,
            user=request.user,
        )

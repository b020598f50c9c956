"""Indicator imports: a file of indicator history or of benchmarking comparators, kept between
its preview and its confirmation (deliverables.indicators.load)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from deliverables.models.records import ImportStatus
from plans.models import Plan


class IndicatorImportKind(models.TextChoices):
    VALUES = "values", "Indicator history"
    COMPARATORS = "comparators", "Comparators"


class IndicatorImport(models.Model):
    """One upload of indicator values or comparators: who, which file, what its preview said
    and whether it was written.

    The file is kept in the database between preview and confirmation, as a tracker import's
    is, so any app server can confirm it; it is dropped once the import is applied or refused.
    """

    kind = models.CharField(max_length=12, choices=IndicatorImportKind.choices)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicator_imports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=20, default="web")  # web or command
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.PositiveIntegerField()
    content = models.BinaryField(null=True, blank=True, editable=False)
    overwrite_closed = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    message = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name} ({self.get_status_display()})"

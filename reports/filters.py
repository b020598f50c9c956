"""The action register's filters (django-filter) and its sort orders.

Filters work on actions annotated with `status_now`, `status_before` and `commentary_now`
(deliverables.rules). Filters on where an action sits use EXISTS, so an action listed under
several deliverables is still one row. Sorting only ever uses the allow-list below: the
query parameter picks a key, it is never passed to order_by itself.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, F, OrderBy, OuterRef, Q, QuerySet

from deliverables.models import Action, ActionPlacement, ref_ordering
from deliverables.rules import MOVEMENTS, movement_filter
from deliverables.search import action_search_q
from plans.models import Directorate, Plan, Rag, StrategicOutcome, Theme
from plans.statuses import AWAITING, Scale
from reports import choices

# Each key's columns; every key then sorts by reference (deliverables.models.ref_ordering).
SORTS = {
    "ref": (),
    "title": ("title",),
    "directorate": ("directorate__name",),
    "lead": ("lead_officer__last_name", "lead_officer__first_name"),
    "status": ("status_order",),
    "previous": ("previous_order",),
}
SORT_LABELS = {
    "ref": "Reference",
    "title": "Action",
    "directorate": "Directorate",
    "lead": "Lead officer",
    "status": "Status",
    "previous": "Previous status",
}


def sort_order(value: str | None) -> tuple[str, tuple[OrderBy | str, ...]]:
    """The allow-listed ordering for ?sort= (a leading '-' reverses it); anything else: ref.
    Blanks (no reference, no directorate, no lead) come last either way, on every database."""
    value = value or "ref"
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in SORTS:
        key, descending = "ref", False
    columns = tuple(OrderBy(F(name), descending=descending, nulls_last=True) for name in SORTS[key])
    fields = (*columns, *ref_ordering(descending=descending))
    return ("-" if descending else "") + key, fields


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    outcome = django_filters.ModelChoiceFilter(
        queryset=StrategicOutcome.objects.none(), method="in_outcome", label="Outcome"
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.none(), method="in_theme", label="Theme"
    )
    # Typed, not chosen from a list: a county plan has ~1,700 deliverables and officers, too
    # many to send as <option>s on every page (reports.choices offers them as you type).
    # A number is the chosen one's id, as older links and saved filters have it; words find
    # every deliverable or officer they name.
    deliverable = django_filters.CharFilter(method="in_deliverable", label="Deliverable")
    directorate = django_filters.ChoiceFilter(method="of_directorate", label="Directorate")
    lead_officer = django_filters.CharFilter(method="of_lead_officer", label="Lead officer")
    status = django_filters.ChoiceFilter(method="with_status", label="Status")
    rag = django_filters.ChoiceFilter(choices=Rag.choices, method="with_rag", label="RAG")
    changed = django_filters.ChoiceFilter(
        choices=[
            ("yes", "Reported a different status from last quarter"),
            ("no", "Reported the same status as last quarter"),
        ],
        method="by_change",
        label="Since last quarter",
    )
    movement = django_filters.ChoiceFilter(
        choices=[
            *[(kind, label.capitalize()) for kind, label in MOVEMENTS.items()],
            ("turned_red", "Turned red"),
        ],
        method="by_movement",
        label="Movement",
    )

    def __init__(self, data=None, queryset=None, *, plan: Plan, scale: Scale, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.plan, self.scale = plan, scale
        fields = self.filters
        fields["outcome"].queryset = plan.outcomes.order_by("order", "name")
        fields["theme"].queryset = Theme.objects.filter(outcome__plan=plan).order_by(
            "outcome__order", "order"
        )
        fields["directorate"].extra["choices"] = [
            *[(str(d.pk), d.name) for d in Directorate.objects.order_by("name")],
            ("none", "No directorate"),
        ]
        # What a typed deliverable or officer turned out to mean (reports.choices.Picked).
        self.picked: dict[str, choices.Picked] = {}
        fields["status"].extra["choices"] = [
            *[(str(s.pk), s.label) for s in scale.legend({AWAITING.pk, scale.no_update.pk})],
            ("none", "Not yet updated"),
        ]
        if plan.is_monthly:  # the plan's own period, not a quarter
            word = plan.period_word
            fields["changed"].label = f"Since last {word}"
            fields["changed"].extra["choices"] = [
                ("yes", f"Reported a different status from last {word}"),
                ("no", f"Reported the same status as last {word}"),
            ]

    # The methods receive validated values; each narrows the queryset one way.

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # commentary_now holds only the commentary this reader may read (with_statuses).
        return queryset.filter(action_search_q(value, commentary="commentary_now"))

    def in_outcome(self, queryset, name, value):
        return queryset.filter(
            Exists(ActionPlacement.objects.filter(action=OuterRef("pk"), outcome=value))
        )

    def in_theme(self, queryset, name, value):
        placed = ActionPlacement.objects.filter(action=OuterRef("pk")).filter(
            Q(theme=value) | Q(deliverable__theme=value)
        )
        return queryset.filter(Exists(placed))

    def in_deliverable(self, queryset, name, value):
        found, self.picked[name] = choices.resolve(self.plan, name, value)
        return queryset.filter(
            Exists(
                ActionPlacement.objects.filter(
                    action=OuterRef("pk"), deliverable__in=found.values("pk")
                )
            )
        )

    def of_lead_officer(self, queryset, name, value):
        found, self.picked[name] = choices.resolve(self.plan, name, value)
        return queryset.filter(lead_officer__in=found.values("pk"))

    def of_directorate(self, queryset, name, value):
        if value == "none":
            return queryset.filter(directorate__isnull=True)
        return queryset.filter(directorate_id=value)

    def with_status(self, queryset, name, value):
        if value == "none":
            return queryset.filter(status_now__isnull=True)
        return queryset.filter(status_now=value)

    def with_rag(self, queryset, name, value):
        return queryset.filter(status_now__in=self.scale.ids_with_rag(value))

    def by_change(self, queryset, name, value):
        # The movement rule's kinds: a change compares two reported statuses, so an action
        # with no update in either quarter is in neither answer.
        if value == "no":
            return queryset.filter(movement_filter("stayed", self.scale))
        changed = Q(pk__in=[])
        for kind in ("improved", "worsened", "changed"):
            changed |= movement_filter(kind, self.scale)
        return queryset.filter(changed)

    def by_movement(self, queryset, name, value):
        return queryset.filter(movement_filter(value, self.scale))

    class Meta:
        model = Action
        fields: list[str] = []

    @property
    def form(self) -> forms.Form:
        form = super().form
        for field in form.fields.values():
            field.required = False
        return form

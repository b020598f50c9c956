from django import template

register = template.Library()


@register.filter
def absolute(value: int | None) -> int | None:
    """|absolute: 3 for -3; days overdue from a negative count of days left."""
    return abs(value) if value is not None else None


@register.filter
def suffix(value: object, arg: object) -> str:
    """{{ "legend"|suffix:status.pk }} -> "legend-3": ids that stay unique on a page."""
    return f"{value}-{arg}"


@register.filter
def listify(value: object) -> list:
    """{{ row|listify }}: one item where a template expects a list."""
    return [value]


@register.filter
def choice_list(choices) -> list:
    """A form field's choices as a list, without the COUNT query asking their length costs."""
    return [choice for choice in choices]  # noqa: C416 - list() would ask for the length first


@register.filter
def report_status(data, status_id):
    """{{ data|report_status:line.status_id }}: a report's own record of a status."""
    return data.status(status_id)

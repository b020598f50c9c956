from django import template

register = template.Library()


@register.filter
def absolute(value: int | None) -> int | None:
    """|absolute: 3 for -3; days overdue from a negative count of days left."""
    return abs(value) if value is not None else None

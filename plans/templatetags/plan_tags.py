import re

from django import template
from django.utils.html import escape, format_html_join

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
def select_options(field, width: int = 70) -> str:
    """{{ field|select_options:70 }}: a choice field's <option>s, the blank one as "Any",
    labels cut to `width` characters, the chosen value selected. Built in one pass in Python:
    a county's register offers ~1,700 deliverables and officers, and a template loop over them
    cost more than the page's queries. Every value and label is escaped by format_html_join.
    """
    chosen = field.value()
    chosen = "" if chosen is None else str(chosen)

    def options():
        # Iterating the choices directly: len() on a ModelChoiceIterator costs a COUNT query.
        for value, label in field.field.choices:
            value = "" if value is None else str(value)
            if value == "":
                yield value, "", "Any"
                continue
            text = str(label)
            if len(text) > width:
                text = text[: width - 1].rstrip() + "…"
            yield value, " selected" if value == chosen else "", text

    return format_html_join("", '<option value="{}"{}>{}</option>', options())


@register.filter
def slash_breaks(value: object) -> str:
    """{{ status.label|slash_breaks }}: "issues/risks/slippage" may wrap after each slash, which
    browsers do not do by themselves, so a status fits a phone's narrow column. Every part is
    escaped (format_html_join, escape)."""
    *ending_in_slash, last = re.split(r"(?<=/)", str(value))
    return format_html_join("", "{}<wbr>", ((part,) for part in ending_in_slash)) + escape(last)


@register.filter
def report_status(data, status_id):
    """{{ data|report_status:line.status_id }}: a report's own record of a status."""
    return data.status(status_id)


@register.inclusion_tag("_breadcrumbs.html")
def breadcrumbs(*pairs) -> dict:
    """The breadcrumb trail, one markup for every page: label, URL, label, URL, ..."""
    return {"crumbs": list(zip(pairs[0::2], pairs[1::2], strict=True))}

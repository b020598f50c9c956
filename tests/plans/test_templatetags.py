"""Template filters whose output is HTML."""

from django.template import Context, Template

SLASH_BREAKS = Template("{% load plan_tags %}{{ label|slash_breaks }}")


def render(label: str) -> str:
    return SLASH_BREAKS.render(Context({"label": label}))


def test_a_status_label_may_wrap_after_each_slash():
    assert render("Significant issues/risks/slippage") == (
        "Significant issues/<wbr>risks/<wbr>slippage"
    )
    assert render("On Track") == "On Track"


def test_the_words_around_the_slashes_are_escaped_once():
    assert render("<b>Late</b>/R&D") == "&lt;b&gt;Late&lt;/<wbr>b&gt;/<wbr>R&amp;D"

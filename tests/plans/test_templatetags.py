"""Template filters whose output is HTML."""

from plans.templatetags.plan_tags import slash_breaks


def test_a_status_label_may_wrap_after_each_slash():
    assert slash_breaks("Significant issues/risks/slippage") == (
        "Significant issues/<wbr>risks/<wbr>slippage"
    )
    assert slash_breaks("On Track") == "On Track"


def test_the_words_around_the_slashes_are_escaped():
    assert slash_breaks("<b>Late</b>/R&D") == "&lt;b&gt;Late&lt;/<wbr>b&gt;/<wbr>R&amp;D"

from plans.sanitise import paragraphs, sanitise_line, sanitise_text


def test_legacy_paragraph_tags_become_paragraphs():
    text = sanitise_text("<p>First point.</p><p>Second point.</p>")
    assert text == "First point.\n\nSecond point."
    assert paragraphs(text) == ["First point.", "Second point."]


def test_superscripts_keep_their_words():
    assert sanitise_text("<p>A new contract started on the 1<sup>st</sup> Nov 2024</p>") == (
        "A new contract started on the 1st Nov 2024"
    )


def test_script_never_survives_however_it_is_written():
    for payload in [
        "<script>alert(1)</script>Done",
        "&lt;script&gt;alert(1)&lt;/script&gt;Done",
        "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;Done",
        '<img src=x onerror="alert(1)">Done',
        "<svg onload=alert(1)>Done</svg>",
    ]:
        cleaned = sanitise_text(payload)
        assert "<" not in cleaned, payload
        assert "alert(1)" not in cleaned or "<" not in cleaned
        assert cleaned.endswith("Done")


def test_plain_text_with_angle_brackets_and_ampersands_is_kept():
    assert sanitise_text("Spend < £5k & rising > target") == "Spend < £5k & rising > target"


def test_lines_and_list_items_keep_their_breaks():
    assert sanitise_text("One<br>Two<ul><li>Three</li></ul>") == "One\nTwo\n\n• Three"


def test_a_line_field_is_one_line():
    assert (
        sanitise_line("<p>We will use the new\nYouth Buses</p>")
        == "We will use the new Youth Buses"
    )

"""The print body: footnotes inline at their call, everything else as on the web, and safe."""

from campaign.printing.markup import body_html


def test_footnote_text_sits_at_its_reference():
    html = body_html("Claim one.[^a] Claim two.[^b]\n\n[^a]: Source *A*.\n[^b]: Source B.")
    assert (
        '<p>Claim one.<span class="footnote">Source <em>A</em>.</span> '
        'Claim two.<span class="footnote">Source B.</span></p>'
    ) in html
    assert "footnotes" not in html and "footnote-backref" not in html and "<hr" not in html


def test_repeated_reference_is_a_number_not_a_second_note():
    html = body_html("One.[^a] Two.[^a]\n\n[^a]: Only once.")
    assert html.count("Only once.") == 1
    assert '<sup class="footnote-again">1</sup>' in html


def test_multi_paragraph_footnote_becomes_one_run():
    html = body_html("X.[^a]\n\n[^a]: First part.\n\n    Second part.")
    assert '<span class="footnote">First part. Second part.</span>' in html


def test_raw_html_and_images_are_not_kept():
    html = body_html(
        "<script>alert(1)</script> ![i](https://example.com/x.png) [x](javascript:alert(1))"
        "[^a]\n\n[^a]: <img src=x onerror=y>"
    )
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html


def test_undefined_footnote_is_plain_text():
    assert "[^nope]" in body_html("Text[^nope].")

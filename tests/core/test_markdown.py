"""Markdown rendering is safe and keeps footnotes."""

from campaign.core.markdown import render_markdown


def test_footnotes_render():
    html = render_markdown("The program expanded.[^1]\n\n[^1]: ICE, May 2026.")
    assert 'class="footnote-ref"' in html
    assert "ICE, May 2026." in html
    assert 'class="footnotes"' in html


def test_script_and_raw_html_are_removed():
    html = render_markdown(
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=y>"
    )
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, not dropped


def test_links_get_safe_rel():
    html = render_markdown("[ICE](https://www.ice.gov/)")
    assert 'href="https://www.ice.gov/"' in html and "noopener" in html


def test_a_repeated_footnote_reference_shows_the_notes_number():
    # markdown-it's plugin printed the second reference to note 1 as "[1:1]"
    html = render_markdown("First.[^a] Again.[^a] Other.[^b]\n\n[^a]: Note A.\n\n[^b]: Note B.")
    assert "[1:1]" not in html and ":1]" not in html
    assert html.count(">[1]</a></sup>") == 2 and html.count(">[2]</a></sup>") == 1

"""The comparison editors read between two versions of a page."""

from __future__ import annotations

from bs4 import BeautifulSoup

from portal.content.diffing import diff_text


def _parts(html) -> tuple[list[str], list[str]]:
    soup = BeautifulSoup(str(html), "html.parser")
    removed = [tag.get_text().strip() for tag in soup.select("del")]
    return removed, [tag.get_text().strip() for tag in soup.select("ins")]


def _side(html, *, drop: str) -> str:
    """One version read back from the diff: the other version's marks removed."""
    soup = BeautifulSoup(str(html), "html.parser")
    for tag in soup.select(drop):
        tag.decompose()
    return soup.get_text()


def test_a_one_word_change_shows_one_word_out_and_one_in():
    """Changing a word in a long paragraph marks that word, not the whole paragraph."""
    diff = diff_text("We will tell you within six weeks.", "We will tell you within 6 weeks.")
    removed, added = _parts(diff.html)
    assert removed == ["six"] and added == ["6"]
    assert (diff.added_words, diff.removed_words) == (1, 1)
    assert "We will tell you within" in BeautifulSoup(str(diff.html), "html.parser").get_text()


def test_added_and_removed_lines_are_marked_whole():
    """A new line is one insertion; a deleted line is one deletion; other lines are untouched."""
    diff = diff_text("One.\nTwo.\nThree.\n", "One.\nThree.\nFour.\n")
    removed, added = _parts(diff.html)
    assert removed == ["Two."] and added == ["Four."]
    assert _side(diff.html, drop="del") == "One.\nThree.\nFour.\n"
    assert _side(diff.html, drop="ins") == "One.\nTwo.\nThree.\n"


def test_identical_texts_have_no_changes():
    """Comparing a text with itself reports nothing changed."""
    diff = diff_text("Same words.\n", "Same words.\n")
    assert not diff.changed
    assert "<ins>" not in diff.html and "<del>" not in diff.html


def test_the_diff_escapes_html_in_both_versions():
    """Markup typed by an editor shows as characters in the diff, never as live tags."""
    old = 'Hello <img src=x onerror="alert(1)">'
    new = 'Hello <script>alert(2)</script> & <b hx-get="/x">bye</b>'
    html = str(diff_text(old, new).html)
    soup = BeautifulSoup(html, "html.parser")
    assert {tag.name for tag in soup.find_all(True)} <= {"ins", "del"}
    assert "<script" not in html and "<img" not in html and "<b " not in html
    assert _side(html, drop="del") == new and _side(html, drop="ins") == old

"""The statements a proposer ticks come from the published descriptor pages, band by band."""

from __future__ import annotations

import pytest

from portal.content.pages import published_page
from portal.funding import descriptors
from portal.funding.case_section import DESCRIPTOR_SLUGS
from tests.funding.banding_support import publish_descriptors


@pytest.mark.parametrize("area", sorted(DESCRIPTOR_SLUGS))
def test_every_band_of_every_published_descriptor_has_its_three_parts(app, tmp_path, area):
    publish_descriptors(tmp_path)
    bands = descriptors.for_area(area)
    assert sorted(bands) == [1, 2, 3, 4, 5, 6]
    keys = [s.key for band in bands.values() for s in band.statements]
    assert len(keys) == len(set(keys)), "statement keys must be unique on the page"
    for number, band in bands.items():
        assert list(band.parts) == [
            "What the need looks like",
            "Typical help",
            "Proof we expect",
        ], (area, number)
        assert all(s.key.startswith(f"{number}-") for s in band.statements)
        assert all(s.text.endswith(".") for s in band.statements)


def test_statements_are_the_sentences_of_the_published_words(app, tmp_path):
    publish_descriptors(tmp_path)
    band = descriptors.for_area("communication")[4]
    assert [s.text for s in band.parts["Typical help"]] == [
        "An adult with the child for most of the day.",
        "A changed way of learning, with pictures or signs.",
        "Regular therapy planned into the week.",
    ]
    assert band.part_text("Typical help").startswith("An adult with the child")
    page = published_page(DESCRIPTOR_SLUGS["communication"])
    assert page is not None and "An adult with the child for most of the day." in page.html


def test_without_a_published_descriptor_there_are_no_statements(app):
    """Nothing published (or unpublished since): the proposer writes their own words."""
    bands = descriptors.for_area("semh")
    assert all(not band.statements for band in bands.values())


def test_parse_ignores_everything_outside_the_band_sections():
    html = (
        "<p>Intro.</p><h2>How to read this</h2><p><strong>Note.</strong> Skip me.</p>"
        "<h2>Band 2</h2><p><strong>Typical help.</strong> One. Two &amp; three!</p>"
        "<h2>Band 9</h2><p>Not a band.</p>"
    )
    bands = descriptors.parse(html)
    assert [(s.key, s.part, s.text) for s in bands[2].statements] == [
        ("2-0", "Typical help", "One."),
        ("2-1", "Typical help", "Two & three!"),
    ]
    assert all(not bands[n].statements for n in (1, 3, 4, 5, 6))

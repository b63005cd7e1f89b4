"""The plain-language checker, and every shipped page against its audience's target."""

from __future__ import annotations

import pytest

from portal.content.files import default_content_folder, iter_content_files
from portal.content.plain_language import (
    GLOSSARY,
    TARGETS,
    check_text,
    count_syllables,
    flesch_kincaid_grade,
    flesch_reading_ease,
    markdown_to_units,
    split_sentences,
)

PAGES = list(iter_content_files(default_content_folder()))

SIMPLE = """Your child's school can ask for help. The council will look at the request.
It has 6 weeks to say yes or no. You can add letters and reports to the case page.
If you have a question, ask your case officer."""

COMPLEX = """Notwithstanding the foregoing, the local authority shall, in discharging its statutory
functions pursuant to the relevant legislation, determine whether the special educational
provision reasonably required by the learning difficulties and disabilities which result in the
child or young person having special educational needs necessitates the preparation of an
Education, Health and Care plan, having regard to all information obtained during the assessment
and any representations made by the parent or young person concerned."""


# ---------------------------------------------------------------------------------------------
# Syllables and formulas


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("cat", 1), ("the", 1), ("plan", 1), ("school", 1), ("child", 1), ("needs", 1),
        ("make", 1), ("asked", 1), ("named", 1), ("called", 1), ("dates", 1), ("lives", 1),
        ("queue", 1), ("health", 1), ("whole", 1), ("there", 1), ("your", 1), ("year", 1),
        ("choose", 1), ("table", 2), ("tables", 2), ("happy", 2), ("children", 2),
        ("making", 2), ("wanted", 2), ("needed", 2), ("agreed", 2), ("handled", 2),
        ("people", 2), ("simple", 2), ("being", 2), ("going", 2), ("saying", 2), ("trying", 2),
        ("places", 2), ("changes", 2), ("wishes", 2), ("statement", 2), ("council", 2),
        ("appeal", 2), ("special", 2), ("social", 2), ("player", 2), ("beyond", 2),
        ("decided", 3), ("decision", 3), ("assessment", 3), ("tribunal", 3), ("beautiful", 3),
        ("services", 3), ("provision", 3), ("management", 3), ("involvement", 3),
        ("previous", 3), ("various", 3), ("radio", 3), ("everyone", 3), ("family", 3),
        ("education", 4), ("mediation", 4), ("statutory", 4), ("psychologist", 4),
        ("independent", 4), ("information", 4), ("usually", 4), ("situation", 4),
        ("educational", 5), ("individual", 5),
    ],
)  # fmt: skip
def test_syllables_of_known_words(word, syllables):
    """The syllable heuristic gets common English words right."""
    assert count_syllables(word) == syllables


@pytest.mark.parametrize(
    ("token", "syllables"),
    [("EHC", 3), ("LA", 2), ("SENCO", 2), ("CAMHS", 1), ("6", 1), ("15", 2), ("2027", 3),
     ("co-produce", 3), ("child's", 1), ("don't", 1)],
)  # fmt: skip
def test_syllables_of_acronyms_numbers_and_compounds(token, syllables):
    """Acronyms are spelt out unless said as a word; numbers and hyphenated words are counted."""
    assert count_syllables(token) == syllables


def test_flesch_formulas_on_a_worked_example():
    """ "The cat sat on the mat." has 6 words, 6 syllables, 1 sentence: the textbook values."""
    assert flesch_reading_ease(6, 1, 6) == pytest.approx(116.145)
    assert flesch_kincaid_grade(6, 1, 6) == pytest.approx(-1.45)
    report = check_text("The cat sat on the mat.", "families")
    assert (report.words, report.sentences, report.syllables) == (6, 1, 6)
    assert report.flesch_reading_ease == 116.1
    assert report.flesch_kincaid_grade == -1.4
    assert report.reading_age == 5.0  # never shown below 5


def test_reading_age_is_grade_plus_five():
    """UK reading age is the Flesch-Kincaid grade plus 5."""
    report = check_text(COMPLEX, "professionals")
    assert report.reading_age == pytest.approx(report.flesch_kincaid_grade + 5, abs=0.11)


# ---------------------------------------------------------------------------------------------
# Markdown to sentences


def test_markdown_syntax_is_removed_before_counting():
    """Link addresses, emphasis, images, code blocks and HTML do not count as words."""
    units = markdown_to_units(
        "Read **the** [advice](https://example.org/very/long/address) now. "
        "![chart](/x.png)<br>\n\n```\ncode that is not prose\n```\n"
    )
    assert [unit.text for unit in units] == ["Read the advice now."]


def test_list_items_and_table_cells_are_sentences_and_headings_are_not():
    """Each list item is its own sentence; headings and table headers are labels, not sentences."""
    units = markdown_to_units(
        "## What you can do\n\n- call us\n- write to us\n\n"
        "| Step | When |\n|---|---|\n| Decide | 6 weeks |\n"
    )
    sentences = [unit.text for unit in units if not unit.is_heading]
    headings = [unit.text for unit in units if unit.is_heading]
    assert sentences == ["call us", "write to us", "Decide", "6 weeks"]
    assert headings == ["What you can do", "Step", "When"]


def test_sentences_split_at_full_stops_but_not_abbreviations():
    """ "e.g." and "Dr." do not end a sentence; ! and ? do."""
    assert split_sentences("Ask Dr. Patel, e.g. by phone. Really? Yes! Good.") == [
        "Ask Dr. Patel, e.g. by phone.",
        "Really?",
        "Yes!",
        "Good.",
    ]


# ---------------------------------------------------------------------------------------------
# The report


def test_simple_text_meets_the_family_target():
    """Short sentences of short words pass for families."""
    report = check_text(SIMPLE, "families")
    assert report.meets_target, report.problems
    assert report.reading_age <= 10


def test_complex_text_fails_with_reasons():
    """Official prose fails: high reading age, low ease, a long sentence and jargon."""
    report = check_text(COMPLEX, "families")
    assert not report.meets_target
    assert report.reading_age > 16
    assert report.flesch_reading_ease < 30
    assert len(report.long_sentences) == 1
    flagged = {hit.term for hit in report.unexplained_terms}
    assert {"statutory", "provision", "local authority", "notwithstanding"} <= flagged
    assert any(problem.startswith("Reading age is") for problem in report.problems)


def test_long_sentence_is_flagged_with_its_text_and_length():
    """A 26-word sentence is listed with its words so the editor can find it."""
    long_one = " ".join(["word"] * 25) + " end."
    report = check_text(f"A short one. {long_one}", "families")
    assert [(s.text, s.words) for s in report.long_sentences] == [(long_one, 26)]
    assert "Sentence has 26 words" in report.problems[0]


def test_young_people_have_a_lower_sentence_limit():
    """16 words is fine for families but too long for young people (limit 15)."""
    sixteen = "I go to the park with my mum and my dog on a sunny day today."
    assert len(sixteen.split()) == 16
    assert check_text(sixteen, "families").long_sentences == ()
    assert len(check_text(sixteen, "young_people").long_sentences) == 1


def test_unexplained_acronym_is_flagged_with_plain_alternative():
    """An acronym nobody explains is listed with what to say instead."""
    report = check_text("Talk to the SENCO about it.", "families")
    assert not report.meets_target
    (hit,) = report.unexplained_terms
    assert hit.term == "SENCO"
    assert hit.plain == GLOSSARY["SENCO"]
    assert "Explain or replace 'SENCO'" in report.problems[-1]


@pytest.mark.parametrize(
    "text",
    [
        "Talk to the SENCO (the teacher who plans extra help). The SENCO will call you.",
        "Talk to the special educational needs coordinator (SENCO). The SENCO will call you.",
        "Ask for an EHC plan (education, health and care plan). The EHC plan says it.",
        "Data law is the UK General Data Protection Regulation (UK GDPR).",
    ],
)
def test_term_explained_in_brackets_at_first_use_is_not_flagged(text):
    """Explaining a term in brackets the first time is enough for the whole page."""
    report = check_text(text, "families")
    assert report.glossary_words, "the term is still listed"
    assert report.unexplained_terms == ()


def test_explaining_a_term_only_later_does_not_count():
    """The explanation must come at the first use, where the reader first meets the word."""
    report = check_text(
        "Ask the SENCO. The SENCO (the teacher who plans help) will call.", "families"
    )
    assert [hit.term for hit in report.unexplained_terms] == ["SENCO"]
    assert report.unexplained_terms[0].count == 2


def test_term_in_a_heading_counts_as_first_use():
    """Headings are read first, so jargon in a heading needs explaining there."""
    report = check_text("## About the SENCO\n\nThe SENCO (the teacher) helps.", "families")
    assert [hit.term for hit in report.unexplained_terms] == ["SENCO"]


def test_acronyms_match_case_sensitively_and_words_do_not():
    """ "send" and "la" are ordinary words; "Provision" is still jargon with a capital."""
    report = check_text("We send the letter. La la la. Provision is made.", "families")
    assert [hit.term for hit in report.glossary_words] == ["provision"]


def test_charity_name_is_not_mistaken_for_jargon():
    """SOS!SEN is a charity's name, not the acronym SEN."""
    assert check_text("Call SOS!SEN for advice.", "families").glossary_words == ()


def test_professionals_are_not_failed_for_acronyms():
    """Professionals know the acronyms: they are listed but do not fail the page."""
    report = check_text("Send your advice to the SENCO.", "professionals")
    assert [hit.term for hit in report.unexplained_terms] == ["SENCO"]
    assert report.meets_target


def test_unknown_audience_is_an_error():
    """A typo in the audience is reported rather than checked against the wrong target."""
    with pytest.raises(ValueError, match="Unknown audience"):
        check_text("Hello.", "parents")


def test_young_people_target_is_stricter_than_families():
    """Young people's pages must be simpler than family pages."""
    young, families = TARGETS["young_people"], TARGETS["families"]
    assert young.max_reading_age < families.max_reading_age
    assert young.min_reading_ease > families.min_reading_ease
    assert young.sentence_limit < families.sentence_limit


# ---------------------------------------------------------------------------------------------
# Every shipped page


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.slug)
def test_shipped_page_meets_its_plain_language_target(page):
    """Every page we ship reads at or below its audience's target, with no flagged problems."""
    report = check_text(page.body, page.audience)
    assert report.meets_target, report.problems


def test_family_and_young_people_pages_are_all_checked():
    """The hard requirement covers every family and young people's page (and there are many)."""
    audiences = [page.audience for page in PAGES]
    assert audiences.count("families") >= 11
    assert audiences.count("young_people") >= 10

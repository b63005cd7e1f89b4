"""Content lives in the database: `flask content load` imports the files in content/, and
`flask content export` writes the published pages back to files."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from portal.content.files import default_content_folder, iter_content_files, load_content_file
from portal.content.models import ContentPage, ContentRevision, PageStatus
from portal.content.pages import published_page
from portal.content.services import export_folder, load_folder, page_by_slug
from portal.extensions import db

SHIPPED = list(iter_content_files(default_content_folder()))


def _write(folder: Path, slug: str, title: str, body: str, audience: str = "families") -> None:
    (folder / f"{slug}.md").write_text(
        f"---\nslug: {slug}\ntitle: {title}\nsummary: A summary.\naudience: {audience}\n---\n"
        f"{body}\n",
        encoding="utf-8",
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_loading_creates_and_publishes_every_shipped_page(app, content):
    """An empty database gets every page in content/, published, with the words of the file."""
    assert sorted(content.created) == sorted(f.slug for f in SHIPPED)
    assert _count(ContentPage) == len(SHIPPED)
    pledge = published_page("pledge")
    assert pledge is not None and pledge.title == "Our pledge to you"
    assert "I will listen to you." in pledge.html
    assert page_by_slug("pledge").status is PageStatus.PUBLISHED


def test_loading_again_leaves_existing_pages_alone(app, content, tmp_path):
    """Loading twice changes nothing, and a changed file does not overwrite the database."""
    again = load_folder(default_content_folder())
    assert again.created == [] and again.updated == []
    assert _count(ContentRevision) == len(SHIPPED)

    _write(tmp_path, "pledge", "A different pledge", "Different words.", "young_people")
    load_folder(tmp_path)
    assert published_page("pledge").title == "Our pledge to you"


def test_force_replaces_pages_with_a_new_published_revision(app, content, tmp_path):
    """--force makes the file's words the published version, keeping the old revision."""
    _write(tmp_path, "pledge", "A new pledge", "New words.", "young_people")
    result = load_folder(tmp_path, force=True)
    assert result.updated == ["pledge"]
    page = page_by_slug("pledge")
    assert page.current_number == 2 and page.published_number == 2
    assert published_page("pledge").title == "A new pledge"
    assert "New words." in published_page("pledge").html


def test_a_broken_file_loads_nothing(app, tmp_path):
    """If one file is wrong, no page is loaded and the message names the file."""
    _write(tmp_path, "a-good-page", "Good", "Fine words.")
    (tmp_path / "b-bad-page.md").write_text("no header here\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["content", "load", "--folder", str(tmp_path)])
    assert result.exit_code != 0
    assert "b-bad-page.md" in result.output and "Nothing was loaded" in result.output
    assert _count(ContentPage) == 0


def test_load_then_export_gives_back_the_same_files(app, tmp_path):
    """The command-line round trip: every exported file reads back exactly as it was shipped."""
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["content", "load"])
    assert loaded.exit_code == 0, loaded.output
    assert f"{len(SHIPPED)} added" in loaded.output
    exported = runner.invoke(args=["content", "export", "--folder", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    for original in SHIPPED:
        assert load_content_file(tmp_path / "out" / f"{original.slug}.md") == original


def test_export_writes_what_is_published_not_the_draft(app, content, editor, tmp_path):
    """Unsaved drafts never leave the database; unpublished pages are not written."""
    from portal.content import services

    pledge = page_by_slug("pledge")
    services.save_revision(
        editor, pledge, title="Draft title", summary="Draft.", body="Draft words.", based_on=1
    )
    privacy = page_by_slug("privacy-notice")
    services.unpublish_page(editor, privacy)
    result = export_folder(tmp_path)
    assert "privacy-notice" in result.not_published
    assert not (tmp_path / "privacy-notice.md").exists()
    assert load_content_file(tmp_path / "pledge.md").title == "Our pledge to you"


def test_the_run_command_loads_content_on_an_empty_database(app):
    """`make run` runs `flask content load`: on an empty database every page appears."""
    result = app.test_cli_runner().invoke(args=["content", "load"])
    assert result.exit_code == 0, result.output
    assert _count(ContentPage) == len(SHIPPED)
    again = app.test_cli_runner().invoke(args=["content", "load"])
    assert "0 added" in again.output and "left as they were" in again.output

"""`flask content load` and `flask content export`: the content pages between files and database.

The files in `content/` are the first version of every page. Once the portal runs, the database
is where content lives and editors change it there; `export` writes the published pages back to
files (to review them, or to ship them with the code).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.content.files import ContentFormatError, default_content_folder
from portal.content.services import export_folder, load_folder

content_cli = AppGroup("content", help="Load content pages from files, or export them to files.")

_FOLDER = click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder of Markdown files (default: the project's content/ folder).",
)


@content_cli.command("load")
@click.option(
    "--force",
    is_flag=True,
    help="Replace pages that exist with the files' words (as a new, published revision).",
)
@_FOLDER
def load_command(force: bool, folder: Path | None) -> None:
    """Import content pages that are not in the database yet, and publish them."""
    folder = folder or default_content_folder()
    if not folder.is_dir():
        raise click.ClickException(f"There is no folder {folder}")
    try:
        result = load_folder(folder, force=force)
    except ContentFormatError as problem:
        raise click.ClickException(f"Nothing was loaded. {problem}") from None
    click.echo(
        f"Content pages: {len(result.created)} added, {len(result.updated)} replaced, "
        f"{len(result.unchanged)} left as they were."
    )
    if result.unchanged and not force:
        click.echo("Pages that exist are never overwritten; use --force to replace them.")


@content_cli.command("export")
@_FOLDER
def export_command(folder: Path | None) -> None:
    """Write every published page to <folder>/<slug>.md."""
    folder = folder or default_content_folder()
    result = export_folder(folder)
    click.echo(f"Wrote {len(result.written)} published pages to {folder}.")
    if result.not_published:
        click.echo("Not published, so not written: " + ", ".join(result.not_published))

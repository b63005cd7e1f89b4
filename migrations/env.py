"""Alembic environment for Flask-Migrate, using the app's own engine and metadata."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name)

db = current_app.extensions["migrate"].db


def run_migrations_offline() -> None:
    context.configure(
        url=db.engine.url.render_as_string(hide_password=False),
        target_metadata=db.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            # SQLite cannot ALTER most things: batch mode rebuilds tables where needed.
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

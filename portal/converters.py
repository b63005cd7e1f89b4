"""Typed URL variables: a URL that does not fit is a 404 before any view code runs."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter


class PublicIdConverter(BaseConverter):
    """The opaque ids of cases, documents and other records (`secrets.token_urlsafe(12)`)."""

    regex = r"[A-Za-z0-9_-]{16}"


class TokenConverter(BaseConverter):
    """The secret in a one-time link."""

    regex = r"[A-Za-z0-9_-]{20,100}"


class SlugConverter(BaseConverter):
    """Lower-case kebab-case names of content pages."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"


class PlanSectionConverter(BaseConverter):
    """The lettered sections of an EHC plan, lower case: a to k, with h1 and h2."""

    regex = r"(?:a|b|c|d|e|f|g|h1|h2|i|j|k)"


def init_converters(app: Flask) -> None:
    app.url_map.converters.update(
        public_id=PublicIdConverter,
        token=TokenConverter,
        slug=SlugConverter,
        plan_section=PlanSectionConverter,
    )

"""The pledge's one form: a promise button."""

from __future__ import annotations

from portal.forms import BaseForm


class SignPledgeForm(BaseForm):
    """ "I promise to follow the pledge": nothing to fill in but the CSRF token."""

"""Keeping people informed: notices, email without personal data, preferences, "What's new",
and the background worker that sends the email.

A notice is written in the same transaction as the change that causes it (see `events.py`), to
exactly the people the access policy lets open that change (`cases.policy.audience`). The worker
(`worker.py`) emails it later, with a lease, retries and backoff, so a mail server that is down
delays email but never loses or repeats it.
"""

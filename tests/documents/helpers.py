"""Helpers for the document area's tests: files to upload and documents made through the service."""

from __future__ import annotations

import io

from flask import g, url_for
from werkzeug.datastructures import FileStorage

from portal.documents import services
from portal.documents.models import Category, Document, Restriction
from tests.documents import samples


def incoming(name: str, data: bytes) -> FileStorage:
    """A file as Werkzeug hands it to a view."""
    return FileStorage(stream=io.BytesIO(data), filename=name)


def add_document(
    case,
    user,
    *,
    title: str = "School advice",
    category: Category = Category.ADVICE_EDUCATIONAL,
    restriction: Restriction = Restriction.EVERYONE,
    name: str = "advice.pdf",
    data: bytes | None = None,
    restriction_reason: str | None = None,
) -> Document:
    """Add a document through the service, as `user` (their grant must allow it). Advice kept
    from the family is given a reason unless one is given."""
    g.pop("_grants", None)  # the access cache lives on `g`: start fresh, as a request would
    if restriction_reason is None and services.needs_reason(category, restriction):
        restriction_reason = "It is about another person"
    (document,) = services.add_documents(
        user,
        case,
        title=title,
        category=category,
        restriction=restriction,
        files=[incoming(name, data if data is not None else samples.pdf())],
        restriction_reason=restriction_reason,
    )
    return document


def upload_form(
    files: list[tuple[str, bytes]],
    *,
    title: str = "School advice",
    category: str = Category.ADVICE_EDUCATIONAL.value,
    restriction: str | None = None,
) -> dict:
    """The fields of the upload form, with files as the test client sends them."""
    data: dict = {"title": title, "category": category}
    if restriction is not None:
        data["restriction"] = restriction
        if services.needs_reason(category, restriction):
            data["restriction_reason"] = "It is about another person"
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return data


def download(client, url: str) -> tuple[int, dict, bytes]:
    """GET a file and close the response (it streams from an open file)."""
    with client.get(url) as response:
        return response.status_code, dict(response.headers), response.get_data()


class LazyBody(io.RawIOBase):
    """A request body made while it is read: fixed parts and long runs of a repeated pattern.

    Lets a test send 100 MB without holding 100 MB (the test client seeks to the end to learn
    the length, so this supports seeking). `read_bytes` counts what the server actually read.
    """

    def __init__(self, parts: list[bytes | tuple[bytes, int]]) -> None:
        super().__init__()
        self._parts = [(p, len(p)) if isinstance(p, bytes) else p for p in parts]
        self.size = sum(length for _, length in self._parts)
        self._position = 0
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        self._position = max(0, min(self.size, base + offset))
        return self._position

    def _byte_run(self, start: int, count: int) -> bytes:
        """`count` bytes of the body from `start` (within one part)."""
        offset = start
        for pattern, length in self._parts:
            if offset < length:
                count = min(count, length - offset)
                if len(pattern) == length:
                    return pattern[offset : offset + count]
                begin = offset % len(pattern)
                repeats = (begin + count) // len(pattern) + 1
                return (pattern * repeats)[begin : begin + count]
            offset -= length
        return b""

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.size - self._position)
        data = self._byte_run(self._position, count) if count else b""
        buffer[: len(data)] = data
        self._position += len(data)
        self.read_bytes += len(data)
        return len(data)


def multipart_body(
    fields: dict[str, str], file_field: str, filename: str, content: list[bytes | tuple[bytes, int]]
) -> tuple[LazyBody, str]:
    """A multipart/form-data body with text fields and one (lazily made) file; and its type."""
    boundary = "portal-test-boundary-7MA4YWxkTrZu0gW"
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return LazyBody([head, *content, tail]), f"multipart/form-data; boundary={boundary}"


def post_upload(
    client_request,
    endpoint: str,
    fields: dict,
    *,
    url_values: dict,
    expected_status: int = 303,
    htmx: bool = False,
):
    """POST a multipart form (files as (BytesIO, name) tuples) and return the checked Page.

    Like `client_request.post`, but the body is encoded in memory: the test client otherwise
    spools bodies over 500 KB to a temporary file it never closes (a ResourceWarning).
    """
    from werkzeug.datastructures import MultiDict
    from werkzeug.test import encode_multipart

    from tests.conftest import Page, check_page

    items = []
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, tuple):
                stream, filename = item
                item = FileStorage(stream=stream, filename=filename)
            items.append((name, item))
    boundary, body = encode_multipart(MultiDict(items))
    headers = {"X-CSRFToken": client_request.csrf_token()}
    if htmx:
        headers["HX-Request"] = "true"
    with client_request.app.test_request_context():
        url = url_for(endpoint, **url_values)
    response = client_request.client.post(
        url,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )
    assert response.status_code == expected_status, (
        f"POST {endpoint}: {response.status_code} != {expected_status}\n"
        + response.get_data(as_text=True)[:3000]
    )
    page = Page(response)
    if response.mimetype == "text/html" and response.status_code != 303:
        check_page(page, fragment=htmx)
    return page

"""A virtual user: one `requests.Session` (its own dashboard session cookie), signed in through the
`/signin/` form like a browser (GET for the CSRF cookie and token, then POST email and password)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

from .htmlparse import find_form


class SignInFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Timed:
    """One response with how long it took (first byte to last, body read)."""

    status: int
    seconds: float
    text: str
    size: int
    location: str


class VirtualUser:
    def __init__(self, base_url: str, email: str, password: str, *, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.email = email
        self.password = password
        self.timeout = timeout
        self.session = requests.Session()
        # Browsers ask for compressed pages; a gzip-compressing middleware would otherwise be invisible.
        self.session.headers.update({"Accept-Encoding": "gzip, deflate", "User-Agent": "billing-desk-bench"})

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def get(self, path: str, *, fragment: bool = False) -> Timed:
        headers = {"HX-Request": "true"} if fragment else {}
        return self._send("GET", path, headers=headers)

    def post(self, path: str, data: list[tuple[str, str]], *, fragment: bool = False) -> Timed:
        headers = {"Referer": self.url(path), "Origin": self.base_url}
        if fragment:
            headers["HX-Request"] = "true"
        return self._send("POST", path, data=data, headers=headers)

    def _send(self, method: str, path: str, **kwargs: object) -> Timed:
        started = time.perf_counter()
        response = self.session.request(method, self.url(path), timeout=self.timeout, allow_redirects=False, **kwargs)  # type: ignore[arg-type]
        body = response.content
        elapsed = time.perf_counter() - started
        return Timed(response.status_code, elapsed, response.text, len(body), response.headers.get("Location", ""))

    def sign_in(self) -> None:
        page = self.get("/signin/")
        form = find_form(page.text, action_contains="signin", with_field="csrfmiddlewaretoken")
        if page.status != 200 or form is None:
            raise SignInFailed(f"/signin/ answered {page.status} without a sign-in form")
        answer = self.post(form.action or "/signin/", form.data(email=self.email, password=self.password))
        if answer.status != 302 or "signin" in answer.location:
            raise SignInFailed(f"sign-in of {self.email} answered {answer.status} (Location {answer.location!r})")

    def close(self) -> None:
        self.session.close()

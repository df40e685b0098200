"""A JSON client over real HTTP (urllib), with cookies, CSRF and bearer credentials."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base: str, bearer: str | None = None):
        self.base = base
        self.bearer = bearer
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def request(self, method: str, path: str, body=None, *, form=None, headers=None) -> Answer:
        headers = dict(headers or {})
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        if method not in ("GET", "HEAD") and self.csrf():
            headers["X-CSRFToken"] = self.csrf()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers.items()), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers.items()), error.read())

    def get(self, path, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs) -> Answer:
        return self.request("POST", path, body if body is not None else {}, **kwargs)

    def patch(self, path, body, **kwargs) -> Answer:
        return self.request("PATCH", path, body, **kwargs)

    def ok(self, method: str, path: str, body=None, **kwargs):
        answer = self.request(method, path, body, **kwargs)
        assert answer.status < 300, f"{method} {path}: {answer.status} {answer.text[:500]}"
        return answer.json() if answer.body else None

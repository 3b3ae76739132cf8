"""HTTP to an OpenAI-compatible server: JSON and SSE requests, bounded retries, one-line errors.

Every failure a user can meet (server down, wrong URL, bad key, TLS, timeouts) becomes a
BackendError that names the server and says what to do; nothing here knows about prompts.
"""

from __future__ import annotations

import json
import ssl
import time
from contextlib import contextmanager
from typing import Any, Iterator
from urllib.parse import urlparse

from copilot.errors import BackendError

RETRY_STATUS = {429, 502, 503, 504}
BACKOFF = 0.5  # seconds before the first retry; doubled each time


def api_root(base_url: str) -> str:
    """'http://h:8000', 'http://h:8000/', 'http://h:8000/v1' all mean the server's /v1 root."""
    url = base_url.strip().rstrip("/")
    if not url:
        raise BackendError("backend is 'openai' but base_url is empty; set base_url to the model "
                           "server, e.g. base_url = \"http://gpu-box:8000/v1\" in config.toml.")
    if "://" not in url:
        url = "http://" + url
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise BackendError(f"base_url {base_url!r} is not an http(s) URL; set it like http://gpu-box:8000/v1.")
    return url if url.endswith("/v1") else url + "/v1"


def _reason(exc: BaseException) -> str:
    """The innermost cause's text: what actually went wrong under httpx's wrapping."""
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__
    return str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__


def _is_tls(exc: BaseException) -> bool:
    seen = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "SSL" in type(seen).__name__ or "CERTIFICATE" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def server_message(body: bytes) -> str:
    """The error text an OpenAI-style server put in its JSON body (or the body's start)."""
    try:
        data = json.loads(body)
    except ValueError:
        return " ".join(body.decode("utf-8", "replace").split())[:160]
    if isinstance(data, dict):
        err = data.get("error", data.get("detail", data.get("message", data)))
        if isinstance(err, dict):
            err = err.get("message") or err
        return " ".join(str(err).split())[:200]
    return str(data)[:160]


class ServerHTTP:
    """One connection pool to the server; every request goes through `_send`'s error mapping."""

    def __init__(self, base_url: str, api_key: str = "", *, timeout: float = 120.0, retries: int = 2,
                 ca_bundle: str = "") -> None:
        import httpx

        self.root = api_root(base_url)
        self.timeout, self.retries = timeout, max(0, retries)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        verify = ssl.create_default_context(cafile=ca_bundle) if ca_bundle else True
        self.client = httpx.Client(headers=headers, verify=verify,
                                   timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)))

    def url(self, path: str) -> str:
        """Paths under /v1 ('completions'), or from the server's root ('/props')."""
        if path.startswith("/"):
            return self.root[: -len("/v1")] + path
        return f"{self.root}/{path}"

    def _failure(self, exc: Exception, path: str) -> BackendError:
        import httpx

        where = self.root
        if _is_tls(exc):
            hint = ("the server speaks plain http: use http:// in base_url"
                    if "WRONG_VERSION_NUMBER" in str(exc) or "wrong version number" in _reason(exc)
                    else "check the URL's host name, or set remote_ca to the CA bundle that signed its certificate")
            return BackendError(f"TLS to the model server at {where} failed ({_reason(exc)}): {hint}.")
        if isinstance(exc, httpx.ConnectTimeout):
            return BackendError(f"the model server at {where} did not accept a connection within "
                                f"{min(10.0, self.timeout):g} s; check the host and any firewall.")
        if isinstance(exc, httpx.TimeoutException):
            return BackendError(f"the model server at {where} sent nothing for {self.timeout:g} s "
                                f"({path}); it may be overloaded: raise remote_timeout or try again.")
        if isinstance(exc, httpx.ConnectError):
            reason = _reason(exc)
            if "refused" in reason.lower():
                return BackendError(f"the model server at {where} is not running (connection refused); "
                                    f"start it, or fix base_url.")
            return BackendError(f"cannot reach the model server at {where} ({reason}); check base_url.")
        if isinstance(exc, httpx.HTTPError):
            return BackendError(f"the model server at {where} broke off the reply to {path} "
                                f"({_reason(exc)}); is base_url an OpenAI-compatible server?")
        return BackendError(f"request to the model server at {where} failed: {_reason(exc)}")

    def _status_error(self, status: int, body: bytes, path: str) -> BackendError:
        message = server_message(body)
        if status in (401, 403):
            return BackendError(f"the model server at {self.root} refused the API key (HTTP {status}: "
                                f"{message}); put the right key in the env var named by api_key_env, "
                                f"or in api_key_file.")
        if status == 404:
            return BackendError(f"{self.url(path)} does not exist (HTTP 404): base_url must be the "
                                f"OpenAI-compatible root of the model server, e.g. http://gpu-box:8000/v1.")
        return BackendError(f"the model server at {self.root} answered {path} with HTTP {status}: {message}")

    @contextmanager
    def _send(self, method: str, path: str, body: dict | None, stream: bool) -> Iterator[Any]:
        """The open response, after bounded retries on connection failures and busy servers."""
        import httpx

        attempt = 0
        while True:
            try:
                request = self.client.build_request(method, self.url(path), json=body)
                response = self.client.send(request, stream=stream)
            except httpx.HTTPError as exc:
                retry = isinstance(exc, (httpx.ConnectError, httpx.RemoteProtocolError)) and not _is_tls(exc)
                if retry and attempt < self.retries:
                    attempt += 1
                    time.sleep(BACKOFF * 2 ** (attempt - 1))
                    continue
                raise self._failure(exc, path) from None
            if response.status_code in RETRY_STATUS and attempt < self.retries:
                response.close()
                attempt += 1
                time.sleep(BACKOFF * 2 ** (attempt - 1))
                continue
            try:
                if response.status_code >= 400:
                    raise self._status_error(response.status_code, response.read(), path)
                yield response
            except httpx.HTTPError as exc:
                raise self._failure(exc, path) from None
            finally:
                response.close()
            return

    def get_json(self, path: str) -> Any:
        with self._send("GET", path, None, stream=False) as response:
            return self._json(response, path)

    def post_json(self, path: str, body: dict) -> Any:
        with self._send("POST", path, body, stream=False) as response:
            return self._json(response, path)

    def _json(self, response, path: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise BackendError(f"the server at {self.root} answered {path} with something that is not "
                               f"JSON ({response.text[:80]!r}); is base_url an OpenAI-compatible server?") from None

    @contextmanager
    def events(self, path: str, body: dict) -> Iterator[Iterator[dict]]:
        """Server-sent events of a streamed request, as parsed JSON; leaving the block closes
        the connection (how a generation is stopped early)."""
        with self._send("POST", path, {**body, "stream": True}, stream=True) as response:
            yield self._parse(response, path)

    def _parse(self, response, path: str) -> Iterator[dict]:
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue  # blank separators, ': ping' comments, 'event:' names
            data = line[5:].strip()
            if data == "[DONE]":
                return
            try:
                event = json.loads(data)
            except ValueError:
                raise BackendError(f"the model server at {self.root} streamed a line that is not JSON "
                                   f"({data[:80]!r}) from {path}.") from None
            if isinstance(event, dict) and "error" in event:
                raise BackendError(f"the model server at {self.root} failed mid-answer: "
                                   f"{server_message(json.dumps(event).encode())}")
            yield event

    def close(self) -> None:
        self.client.close()

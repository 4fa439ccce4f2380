"""Serving the classroom app: Solara under uvicorn, behind a gate for classroom networks.

On the loopback address only this machine can connect. On any other address (``--host
0.0.0.0`` for students' machines) a visitor needs the join link printed at start, with its
token, as Jupyter does: the token sets a cookie, and requests without it are refused. In
every case a websocket (which drives the model) must come from the app's own page: a
foreign web page open in a student's browser cannot drive the server (Origin check).
SIGTERM and Ctrl-C stop the server within a couple of seconds even with pages open.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

APP = "stakhanov_sim.app.server"
COOKIE = "stakhanov_sim_token"
GRACE_S = 2  # seconds open pages get to close when the server is stopped


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ClassroomGate:
    """ASGI middleware: a join token off loopback, and same-origin websockets always."""

    def __init__(self, app, token: str | None) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["type"] == "websocket" and not same_origin(headers):
            return await _refuse(scope, receive, send, "websocket from a foreign origin")
        if self.token is None:
            return await self.app(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = (query.get("token") or [""])[0]
        cookie = SimpleCookie(headers.get("cookie", ""))
        held = cookie[COOKIE].value if COOKIE in cookie else ""
        if _matches(given, self.token):
            return await self.app(scope, receive, _with_cookie(send, self.token))
        if _matches(held, self.token):
            return await self.app(scope, receive, send)
        return await _refuse(scope, receive, send, "this classroom app needs its join link (with ?token=...), as printed when it started")  # fmt: skip


def same_origin(headers: dict[str, str]) -> bool:
    """A request's Origin (if a browser sent one) names the host it was sent to."""
    origin = headers.get("origin")
    if origin is None:
        return True  # not a browser page (a script has no origin to forge)
    return urlsplit(origin).netloc == headers.get("host", "")


def _matches(given: str, token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def _with_cookie(send, token: str):
    async def wrapped(message):
        if message["type"] == "http.response.start":
            cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict".encode()
            message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}  # fmt: skip
        await send(message)

    return wrapped


async def _refuse(scope, receive, send, why: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008, "reason": why[:120]})
        return
    body = f"403 Forbidden: {why}\n".encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def serve(host: str, port: int) -> None:
    """Serve the app until SIGTERM or Ctrl-C; prints the address (and join link) first."""
    os.environ["SOLARA_APP"] = APP
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(port)
    os.environ.setdefault("SOLARA_MODE", "production")
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # classrooms are offline
    os.environ.setdefault("SOLARA_CHECK_VERSION", "False")
    os.environ.setdefault("SOLARA_THEME_LOADER", "plain")  # no banner over the charts
    import uvicorn
    from solara.server.starlette import app as solara_app

    token = None if is_loopback(host) else secrets.token_urlsafe(16)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    print(f"stakhanov-sim: classroom app on {url} (Ctrl-C to stop)", flush=True)
    if token:
        print(
            "stakhanov-sim: students join with this link, this machine's address in place "
            f"of {shown}; without the token the page is refused",
            flush=True,
        )
    uvicorn.run(
        ClassroomGate(solara_app, token),
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=GRACE_S,
        ws_ping_interval=20,
    )

"""A stub OpenID Connect provider for the single sign-on tests, run with uvicorn on 127.0.0.1.

No login page: the test says who logs in next (`provider.login_as`). Otherwise it is as
strict as a real provider about what a client must get right: a registered client and
redirect URI, a PKCE S256 challenge and a nonce on /authorize; a one-time, short-lived code,
the client's secret and the code verifier that matches the challenge on /token. Its ID
tokens are RS256-signed with a key made at start and published at /jwks. A test may make
the next ID token bad (`provider.tamper`) to see that the client refuses it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CODE_LIFETIME_S = 60


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a code verifier."""
    return _b64(hashlib.sha256(verifier.encode()).digest())


def _error(error: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status)


class StubProvider:
    """One provider with one registered client."""

    def __init__(self, issuer: str, client_id: str, client_secret: str,
                 redirect_uri: str) -> None:
        self.issuer, self.client_id, self.client_secret = issuer, client_id, client_secret
        self.redirect_uri = redirect_uri
        self.key = RSAKey.generate_key(2048, parameters={"kid": "stub-1", "use": "sig"})
        self.next_user: dict[str, Any] | None = None
        self.tamper: dict[str, Any] = {}  # for the next ID token: claims, "key", "alg"
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, dict[str, Any]] = {}
        self.token_requests = 0

    def login_as(self, username: str, groups: list[str]) -> None:
        self.next_user = {"sub": f"sub-{username}", "preferred_username": username,
                          "email": f"{username}@agency.example", "groups": groups}

    # -- endpoints --------------------------------------------------------------------------

    async def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "scopes_supported": ["openid", "profile", "email", "groups"],
        })

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != self.client_id or q.get("redirect_uri") != self.redirect_uri:
            return Response("unknown client or redirect URI", status_code=400)
        missing = [name for name, ok in (
            ("response_type=code", q.get("response_type") == "code"),
            ("scope openid", "openid" in (q.get("scope") or "").split()),
            ("state", bool(q.get("state"))),
            ("nonce", bool(q.get("nonce"))),
            ("code_challenge", bool(q.get("code_challenge"))),
            ("code_challenge_method=S256", q.get("code_challenge_method") == "S256"),
        ) if not ok]
        if missing:
            return Response(f"refused: needs {', '.join(missing)}", status_code=400)
        user, self.next_user = self.next_user, None
        if user is None:
            return Response("nobody is set to log in", status_code=400)
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"user": user, "nonce": q["nonce"], "scope": q["scope"],
                            "challenge": q["code_challenge"], "redirect_uri": q["redirect_uri"],
                            "expires": time.time() + CODE_LIFETIME_S}
        return RedirectResponse(
            f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}", 302)

    def _client_ok(self, request: Request) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            return False
        return (unquote(client_id) == self.client_id
                and secrets.compare_digest(unquote(secret), self.client_secret))

    async def token(self, request: Request) -> Response:
        self.token_requests += 1
        if not self._client_ok(request):
            return _error("invalid_client", 401)
        form = await request.form()
        if form.get("grant_type") != "authorization_code":
            return _error("unsupported_grant_type")
        grant = self.codes.pop(str(form.get("code") or ""), None)  # one use only
        verifier = str(form.get("code_verifier") or "")
        if (grant is None or grant["expires"] < time.time()
                or form.get("redirect_uri") != grant["redirect_uri"]
                or s256(verifier) != grant["challenge"]):
            return _error("invalid_grant")
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = grant["user"]
        return JSONResponse({"access_token": access_token, "token_type": "Bearer",
                             "expires_in": 300, "scope": grant["scope"],
                             "id_token": self.id_token(grant)},
                            headers={"cache-control": "no-store"})

    def id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        user = grant["user"]
        claims = {"iss": self.issuer, "aud": self.client_id, "sub": user["sub"],
                  "preferred_username": user["preferred_username"], "email": user["email"],
                  "groups": user["groups"], "nonce": grant["nonce"], "iat": now,
                  "auth_time": now, "exp": now + 300}
        tamper, self.tamper = self.tamper, {}
        claims.update(tamper.get("claims", {}))
        if tamper.get("alg") == "none":
            header = _b64(json.dumps({"alg": "none", "kid": "stub-1"}).encode())
            return f"{header}.{_b64(json.dumps(claims).encode())}."
        return jwt.encode({"alg": "RS256", "kid": "stub-1"}, claims,
                          tamper.get("key", self.key))

    async def userinfo(self, request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        user = self.access_tokens.get(token) if scheme.lower() == "bearer" else None
        if user is None:
            return _error("invalid_token", 401)
        return JSONResponse(user)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/jwks", self.jwks),
            Route("/authorize", self.authorize),
            Route("/token", self.token, methods=["POST"]),
            Route("/userinfo", self.userinfo),
        ])


def bound_socket() -> socket.socket:
    """A listening socket on a free port of 127.0.0.1, for `serving`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def url_of(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextlib.contextmanager
def serving(app: Any, sock: socket.socket) -> Iterator[None]:
    """Run an ASGI app with uvicorn in a thread on the socket until the block ends."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()

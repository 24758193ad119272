"""`caseintel serve`: the published site behind a login (Starlette on uvicorn).

Every request for a page is checked against the reader's grant (server/access.py) before
a file is read, and every page view, search, download, login and refusal is appended to
the audit trail (server/audit.py) with the person IDs the page showed. Sessions live in
this process (a random ID in a signed, HttpOnly, SameSite cookie), end after
`session_idle_minutes` without a request or 12 hours after login, and are dropped at
logout; forms carry a CSRF token bound to the session.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orchestration.reports.config import load_reports_config
from orchestration.reports.rendering import environment
from orchestration.server.access import Grant, Page, load_access, locate, may_open
from orchestration.server.audit import AuditLog, audit_key
from orchestration.server.login import Credentials, Throttle
from orchestration.server.scope import PersonScope
from orchestration.settings import Settings

SESSION_COOKIE = "caseintel_session"
ABSOLUTE_SESSION_S = 12 * 3600
SHOWN_CACHE = 20_000  # pages whose person IDs are remembered (keyed by file and mtime)
LINKED_CLIENT = re.compile(rb"clients/([A-Za-z0-9_-]+)\.html")
DOWNLOADS = frozenset({".csv", ".pdf", ".json", ".xlsx", ".zip", ".txt"})
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    # The report pages carry their own inline style and script (they also work opened from
    # disk); everything else must come from this server.
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
     b"'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
     b"form-action 'self'; frame-ancestors 'none'"),
]


@dataclass
class Session:
    user: str
    grant: Grant
    via: str  # "password" or "oidc"
    started: float
    last_seen: float


class Sessions:
    """Logged-in sessions by random ID, held by this process only."""

    def __init__(self, idle_s: float) -> None:
        self.idle_s = idle_s
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.last_seen > self.idle_s or now - session.started > ABSOLUTE_SESSION_S

    def start(self, user: str, grant: Grant, via: str) -> str:
        sid = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            for old in [k for k, v in self._by_id.items() if self._expired(v, now)]:
                del self._by_id[old]
            self._by_id[sid] = Session(user, grant, via, now, now)
        return sid

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._by_id.get(sid)
            if session is None:
                return None
            if self._expired(session, now):
                del self._by_id[sid]
                return None
            session.last_seen = now
            return session

    def end(self, sid: str | None) -> None:
        with self._lock:
            self._by_id.pop(sid or "", None)


class SecurityHeaders:
    """Adds the headers above to every response (plain ASGI: no per-request task), and
    HSTS when the server is reached over TLS."""

    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app = app
        self.headers = SECURITY_HEADERS + (
            [(b"strict-transport-security", b"max-age=31536000")] if hsts else [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                names = {name for name, _ in message["headers"]}
                message["headers"] += [(n, v) for n, v in self.headers if n not in names]
            await send(message)

        await self.app(scope, receive, with_headers)


def safe_next(target: str | None, default: str) -> str:
    """A path on this server to return to after login; anything else goes home."""
    if (not target or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(c) < 32 for c in target)):
        return default
    return target


class ReportServer:
    """What the routes share: the checked config, the grants, the scope, the audit trail."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.config = load_reports_config(settings.rubrics_dir / "reports.yaml")
        self.access = load_access(settings.access_path, self.config)
        self.site = settings.site_dir.resolve()
        self.scope = PersonScope(settings.site_scope_path)
        self.audit = AuditLog(settings.audit_path, audit_key(settings.audit_key_path))
        self.credentials = Credentials(settings.credentials_path)
        self.throttle = Throttle()
        self._password_checks = threading.Lock()
        self.sessions = Sessions(settings.session_idle_minutes * 60)
        self.templates: Environment = environment()
        self._shown: OrderedDict[tuple[str, int, str | None], tuple[str, ...]] = OrderedDict()
        self._shown_lock = threading.Lock()

    # -- sessions ---------------------------------------------------------------------------

    def current(self, request: Request) -> Session | None:
        return self.sessions.get(request.session.get("sid"))

    @staticmethod
    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = secrets.token_urlsafe(32)
        return token

    @staticmethod
    def csrf_ok(request: Request, submitted: object) -> bool:
        expected = request.session.get("csrf")
        return bool(expected) and isinstance(submitted, str) and secrets.compare_digest(
            expected, submitted)

    def check_login(self, user: str, password: str, client: str) -> tuple[str | None,
                                                                          Grant | None]:
        """(why the attempt is refused, or None; the user's grant if the password is theirs).
        One check at a time: attempts sent together meet the lockout one after another, and
        guessing can hold at most one core (Argon2id is slow on purpose)."""
        with self._password_checks:
            refused = self.throttle.refuse(user, client)
            if refused:
                return refused, None
            grant = self.access.grant_for(user) if self.credentials.check(user,
                                                                           password) else None
            if grant is None:
                self.throttle.failed(user, client)
            else:
                self.throttle.succeeded(user)
            return None, grant

    def log_in(self, request: Request, user: str, grant: Grant, via: str) -> RedirectResponse:
        """Start a session under a new ID and CSRF token (no session fixation)."""
        target = safe_next(request.session.get("next"), grant.home)
        self.sessions.end(request.session.get("sid"))  # a second login ends the first
        request.session.clear()
        request.session["sid"] = self.sessions.start(user, grant, via)
        request.session["csrf"] = secrets.token_urlsafe(32)
        self.audit.append("login", user=user, role=grant.role, client=client_address(request),
                          detail=via, status=303)
        return RedirectResponse(target, status_code=303)

    # -- pages ------------------------------------------------------------------------------

    def render(self, template: str, status: int = 200, **context: object) -> HTMLResponse:
        html = self.templates.get_template(f"server/{template}").render(**context)
        return HTMLResponse(html, status_code=status)

    def shown(self, file: Path, body: bytes, page: Page) -> tuple[str, ...]:
        """The person IDs a page shows: its own client, and every client it links to."""
        key = (str(file), file.stat().st_mtime_ns, page.person_id)
        with self._shown_lock:
            cached = self._shown.get(key)
        if cached is None:
            linked = {m.decode() for m in LINKED_CLIENT.findall(body)} - {"index"}
            cached = tuple(sorted(linked | ({page.person_id} if page.person_id else set())))
            with self._shown_lock:
                self._shown[key] = cached
                while len(self._shown) > SHOWN_CACHE:
                    self._shown.popitem(last=False)
        return cached

    def session_bar(self, request: Request, session: Session) -> bytes:
        return self.templates.get_template("server/session_bar.html.j2").render(
            user=session.user, role=session.grant.role, csrf=self.csrf_token(request),
            home=session.grant.home, audit=session.grant.role == "auditor").encode()

    def canonical(self, path: str) -> tuple[str, Path] | None:
        """The request path as one file of the site, spelled exactly as on disk: no empty,
        `.` or `..` segment, no hidden file, no backslash or NUL, no symlink out, no other
        case (the rules judge this spelling, so it must be the file that is read)."""
        relative = path.lstrip("/")
        parts = relative.split("/")
        if (not relative or any(not p or p.startswith(".") for p in parts)
                or any(c in relative for c in "\\\0") or len(relative) > 1024):
            return None
        try:
            file = (self.site / relative).resolve()
            if file.relative_to(self.site).as_posix() != relative:
                return None
        except (OSError, ValueError):
            return None
        return relative, file

    def not_found(self, session: Session, path: str, client: str | None) -> Response:
        self.audit.append("view", user=session.user, role=session.grant.role, path=path,
                          status=404, client=client)
        return self.render("message.html.j2", 404, title="Not found",
                           message="There is no such page.", home=session.grant.home)

    def denied(self, session: Session, path: str, client: str | None, message: str,
               person_ids: tuple[str, ...] = ()) -> Response:
        self.audit.append("denied", user=session.user, role=session.grant.role, path=path,
                          status=403, person_ids=person_ids, client=client)
        return self.render("message.html.j2", 403, title="Not yours to open", message=message,
                           home=session.grant.home)

    def login_page(self, request: Request, status: int = 200,
                   error: str | None = None) -> HTMLResponse:
        return self.render("login.html.j2", status, csrf=self.csrf_token(request), error=error,
                           oidc=bool(self.settings.oidc_issuer))

    def serve_page(self, request: Request, session: Session, path: str) -> Response:
        """One file of the published site, if the session's grant may open it; every answer
        (page, file, refusal, not found) is a row of the audit trail."""
        user, role, client = session.user, session.grant.role, client_address(request)
        canonical = self.canonical(path)
        page = locate(self.config, canonical[0]) if canonical else None
        if canonical is None or page is None:
            return self.not_found(session, path, client)
        _, file = canonical
        if page.relative == "clients/search":
            return self.search(request, session, page)
        if page.relative == "clients/ids.js":
            # the search box asks the server (which audits it) instead of a list of IDs
            if page.edition != session.grant.edition:
                return self.not_found(session, path, client)
            return Response("window.CASEINTEL_CLIENT_SEARCH = true;\n",
                            media_type="text/javascript")
        if not may_open(session.grant, page, self.scope):
            return self.denied(session, path, client, "Your role does not include this page. "
                               "The attempt has been recorded.",
                               (page.person_id,) if page.person_id else ())
        try:
            body = file.read_bytes()
        except OSError:  # not a file (a folder, or gone since)
            return self.not_found(session, path, client)
        media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        action = ("view" if file.suffix == ".html"
                  else "download" if file.suffix in DOWNLOADS else "file")
        self.audit.append(action, user=user, role=role, path=path, status=200,
                          person_ids=self.shown(file, body, page), client=client)
        if file.suffix == ".html":
            body = body.replace(b"<body>", b"<body>\n" + self.session_bar(request, session), 1)
        return Response(body, media_type=media_type)

    def search(self, request: Request, session: Session, page: Page) -> Response:
        """Find a client by ID among the pages this session may open (audited with the
        query); an ID outside the reader's scope reads as not found."""
        raw = (request.query_params.get("q") or "").strip().upper()[:40]
        digits = raw.removeprefix("P")
        wanted = f"P{int(digits):07d}" if digits.isdigit() and len(digits) <= 7 else raw
        target = Page(page.edition, f"clients/{wanted}.html")
        folder = f"/{page.edition.folder}" if page.edition.folder else ""
        path = f"{folder}/{target.relative}"
        found = (re.fullmatch(r"[A-Za-z0-9_-]+", wanted) is not None
                 and may_open(session.grant, target, self.scope)
                 and (self.site / path.lstrip("/")).is_file())
        self.audit.append("search", user=session.user, role=session.grant.role,
                          path=f"{folder}/clients/search", status=303 if found else 404,
                          person_ids=(wanted,) if found else (), client=client_address(request),
                          detail=f"q={raw}")
        if found:
            return RedirectResponse(quote(path), status_code=303)
        return self.render("message.html.j2", 404, title="No such client",
                           message=f"{raw or 'That'} is not among the clients you may see.",
                           home=session.grant.home)


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def create_app(settings: Settings, *, secure_cookies: bool = False) -> Starlette:
    """The report server's ASGI app (uvicorn runs it; tests may too)."""
    server = ReportServer(settings)

    async def login_form(request: Request) -> Response:
        if (session := server.current(request)) is not None:
            return RedirectResponse(session.grant.home, status_code=303)
        request.session["next"] = safe_next(request.query_params.get("next"), "")
        return server.login_page(request)

    async def login_submit(request: Request) -> Response:
        form = await request.form()
        user = str(form.get("user") or "").strip()[:200]
        client = client_address(request) or "unknown"
        if not server.csrf_ok(request, form.get("csrf")):
            server.audit.append("login_refused", user=user, client=client, status=403,
                                detail="csrf")
            return server.login_page(request, 403, "The form expired; please try again.")
        password = str(form.get("password") or "")
        refused, grant = await run_in_threadpool(server.check_login, user, password, client)
        if refused or grant is None:
            status = 429 if refused else 401
            server.audit.append("login_refused" if refused else "login_failed", user=user,
                                client=client, status=status, detail=refused)
            return server.login_page(request, status, "Too many attempts. Try again later."
                                     if refused else "Wrong name or password.")
        return server.log_in(request, user, grant, "password")

    async def logout(request: Request) -> Response:
        form = await request.form()
        session = server.current(request)
        if not server.csrf_ok(request, form.get("csrf")):
            return server.render("message.html.j2", 403, title="Not logged out",
                                 message="The form expired; please try again.", home="/")
        if session is not None:
            server.audit.append("logout", user=session.user, role=session.grant.role,
                                client=client_address(request))
        server.sessions.end(request.session.get("sid"))
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    async def audit_page(request: Request) -> Response:
        session = server.current(request)
        if session is None:
            return RedirectResponse(f"/login?next={quote('/audit')}", status_code=303)
        if session.grant.role != "auditor":
            return server.denied(session, "/audit", client_address(request),
                                 "Only an auditor reads the audit trail.")
        wanted = {k: (request.query_params.get(k) or "").strip()[:100]
                  for k in ("user", "action", "person_id", "since", "until")}
        rows = await run_in_threadpool(lambda: server.audit.search(**wanted))
        server.audit.append("view", user=session.user, role="auditor", path="/audit",
                            status=200, client=client_address(request),
                            detail="&".join(f"{k}={v}" for k, v in wanted.items() if v))
        return server.render("audit.html.j2", rows=rows, wanted=wanted, user=session.user,
                             role="auditor", home="/audit", audit=True,
                             csrf=server.csrf_token(request))

    async def site(request: Request) -> Response:
        path = "/" + request.path_params["path"]
        session = server.current(request)
        if session is None:
            server.audit.append("unauthenticated", path=path[:1024], status=401,
                                client=client_address(request))
            if request.method == "GET" and (path.endswith((".html", "/"))):
                return RedirectResponse(f"/login?next={quote(path)}", status_code=303)
            return Response("login required\n", status_code=401, media_type="text/plain")
        if path == "/":
            return RedirectResponse(session.grant.home, status_code=303)
        if path.endswith("/"):
            path += "index.html"
        return await run_in_threadpool(server.serve_page, request, session, path)

    routes = [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login_submit, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/audit", audit_page, methods=["GET"]),
    ]
    if settings.oidc_issuer:
        from orchestration.server.oidc import oidc_routes

        routes += oidc_routes(settings, server)
    routes.append(Route("/{path:path}", site, methods=["GET"]))
    app = Starlette(routes=routes, middleware=[
        Middleware(SecurityHeaders, hsts=secure_cookies),
        Middleware(SessionMiddleware, secret_key=secrets.token_urlsafe(48),
                   session_cookie=SESSION_COOKIE, max_age=ABSOLUTE_SESSION_S,
                   same_site="lax", https_only=secure_cookies),
    ])
    app.state.server = server
    return app

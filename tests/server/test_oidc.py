"""Single sign-on end to end over HTTP: the report server and a stub OpenID provider, each
on its own uvicorn on 127.0.0.1, and a client that follows the redirects between them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from joserfc.jwk import RSAKey

from orchestration.server.app import create_app
from orchestration.server.audit import verify
from orchestration.settings import Settings
from tests.server.oidc_provider import (
    StubProvider,
    bound_socket,
    s256,
    serving,
    url_of,
)

CLIENT_ID, CLIENT_SECRET = "caseintel-reports", "stub-secret-value"


@dataclass
class Sso:
    provider: StubProvider
    base: str  # the report server
    settings: Settings
    server: object  # ReportServer

    def browser(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, follow_redirects=True, timeout=10)

    def rows(self, action: str) -> list[dict]:
        return self.server.audit.search(action=action)


@pytest.fixture()
def sso(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sso]:
    site = tmp_path / "site"
    for folder in ("", "supervisor-north", "funder"):
        (site / folder).mkdir(parents=True, exist_ok=True)
        (site / folder / "index.html").write_text(
            f"<html><body>\n<h1>edition {folder or 'agency'}</h1>\n</body></html>\n")
    app_sock, idp_sock = bound_socket(), bound_socket()
    base, issuer = url_of(app_sock), url_of(idp_sock)
    for name, value in {"CASEINTEL_VAR": tmp_path / "var", "CASEINTEL_SITE": site,
                        "CASEINTEL_AUDIT": tmp_path / "var" / "audit.sqlite",
                        "CASEINTEL_CREDENTIALS": tmp_path / "var" / "credentials",
                        "CASEINTEL_OIDC_ISSUER": issuer, "CASEINTEL_OIDC_CLIENT_ID": CLIENT_ID,
                        "CASEINTEL_OIDC_CLIENT_SECRET": CLIENT_SECRET}.items():
        monkeypatch.setenv(name, str(value))
    for name in ("CASEINTEL_SERVER_PUBLIC_URL", "CASEINTEL_OIDC_GROUPS_CLAIM",
                 "CASEINTEL_ACCESS", "CASEINTEL_RUBRICS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    provider = StubProvider(issuer, CLIENT_ID, CLIENT_SECRET, f"{base}/oidc/callback")
    app = create_app(settings)
    with serving(provider.app(), idp_sock), serving(app, app_sock):
        yield Sso(provider, base, settings, app.state.server)


def sso_login(sso: Sso, browser: httpx.Client, user: str, groups: list[str]) -> httpx.Response:
    sso.provider.login_as(user, groups)
    return browser.get("/oidc/login")


def test_a_north_supervisor_logs_in_and_reads_only_their_edition(sso: Sso) -> None:
    with sso.browser() as browser:
        assert "/oidc/login" in browser.get("/login").text
        landed = sso_login(sso, browser, "nia", ["staff", "caseintel-north-supervisors"])
        assert landed.status_code == 200
        assert landed.url.path == "/supervisor-north/index.html"
        assert "edition supervisor-north" in landed.text
        assert [r.status_code for r in landed.history] == [302, 302, 303]
        assert browser.get("/funder/index.html").status_code == 403
        assert browser.get("/index.html").status_code == 403
    [login] = sso.rows("login")
    assert (login["user"], login["role"], login["detail"]) == ("nia", "supervisor", "oidc")
    assert [r["path"] for r in sso.rows("denied")] == ["/index.html", "/funder/index.html"]
    assert sso.provider.codes == {}  # the code was redeemed
    key = sso.settings.audit_key_path.read_bytes()
    assert verify(sso.settings.audit_path, key) == (len(sso.server.audit.search()), None)


def test_login_returns_to_the_page_first_asked_for(sso: Sso) -> None:
    with sso.browser() as browser:
        assert browser.get("/funder/index.html").url.path == "/login"
        landed = sso_login(sso, browser, "fin", ["caseintel-funders"])
        assert landed.url.path == "/funder/index.html"
        assert "edition funder" in landed.text


def test_a_user_with_no_matching_group_is_refused_and_audited(sso: Sso) -> None:
    with sso.browser() as browser:
        refused = sso_login(sso, browser, "zed", ["caseintel-south-supervisors"])
        assert refused.status_code == 403
        assert refused.url.path == "/oidc/callback"
        # no session came of it
        assert browser.get("/supervisor-north/index.html").url.path == "/login"
    [row] = sso.rows("login_failed")
    assert (row["user"], row["status"], row["detail"]) == ("zed", 403, "oidc: no role")
    assert sso.rows("login") == []


def key_with_same_kid() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "stub-1", "use": "sig"})


@pytest.mark.parametrize("tamper, reason", [
    ({"key": "another"}, "BadSignatureError"),
    ({"alg": "none"}, "UnsupportedAlgorithmError"),
    ({"claims": {"aud": "another-client"}}, "aud"),
    # Authlib alone would take this one (it reads aud through azp unless told the audience)
    ({"claims": {"aud": "another-client", "azp": CLIENT_ID}}, "aud"),
    ({"claims": {"iss": "http://127.0.0.1:1"}}, "iss"),
    ({"claims": {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}}, "Expired"),
    ({"claims": {"nonce": "not-the-one-sent"}}, "nonce"),
])
def test_an_id_token_that_fails_its_checks_is_refused(sso: Sso, tamper: dict,
                                                      reason: str) -> None:
    if tamper.get("key") == "another":
        tamper = {"key": key_with_same_kid()}
    sso.provider.tamper = tamper
    with sso.browser() as browser:
        refused = sso_login(sso, browser, "sam-sso", ["caseintel-north-supervisors"])
        assert refused.status_code == 403
        assert refused.url.path == "/oidc/callback"
        assert browser.get("/supervisor-north/index.html").url.path == "/login"
    assert sso.provider.token_requests == 1  # it got as far as the token
    [row] = sso.rows("login_failed")
    assert row["status"] == 403 and reason in row["detail"], row
    assert sso.rows("login") == []


def start_at_provider(sso: Sso, browser: httpx.Client, user: str, groups: list[str]) -> str:
    """Log in up to the provider's redirect back; the callback URL it sends the browser to."""
    sso.provider.login_as(user, groups)
    to_provider = browser.get("/oidc/login", follow_redirects=False)
    assert to_provider.status_code == 302
    asked = parse_qs(urlsplit(to_provider.headers["location"]).query)
    assert asked["code_challenge_method"] == ["S256"] and asked["nonce"][0]
    assert set(asked["scope"][0].split()) == {"openid", "profile", "email", "groups"}
    back = browser.get(to_provider.headers["location"], follow_redirects=False)
    assert back.status_code == 302
    return back.headers["location"]


def test_a_callback_with_another_state_is_refused(sso: Sso) -> None:
    with sso.browser() as browser:
        callback = start_at_provider(sso, browser, "nia", ["caseintel-north-supervisors"])
        code = parse_qs(urlsplit(callback).query)["code"][0]
        forged = f"/oidc/callback?{urlencode({'code': code, 'state': 'forged-state'})}"
        assert browser.get(forged).status_code == 400
        assert browser.get("/supervisor-north/index.html").url.path == "/login"
    assert sso.provider.token_requests == 0  # refused before the code was spent
    [row] = sso.rows("login_failed")
    assert row["status"] == 400 and "MismatchingStateError" in row["detail"]


def test_a_callback_in_another_browser_is_refused(sso: Sso) -> None:
    """A login started by one browser cannot be finished in another (login CSRF)."""
    with sso.browser() as victim, sso.browser() as attacker:
        callback = start_at_provider(sso, attacker, "mallory", ["caseintel-north-supervisors"])
        assert victim.get(callback).status_code == 400
        assert victim.get("/supervisor-north/index.html").url.path == "/login"


def test_a_callback_cannot_be_replayed(sso: Sso) -> None:
    with sso.browser() as browser:
        callback = start_at_provider(sso, browser, "nia", ["caseintel-north-supervisors"])
        assert browser.get(callback).url.path == "/supervisor-north/index.html"
        assert browser.get(callback).status_code == 400  # its state was used up
    assert len(sso.rows("login")) == 1


def test_the_provider_refusing_the_login_is_refused_without_error(sso: Sso) -> None:
    with sso.browser() as browser:
        callback = start_at_provider(sso, browser, "nia", [])
        sso.provider.codes.clear()  # as if the code had expired at the provider
        assert browser.get(callback).status_code == 400
        refused = browser.get("/oidc/callback?error=access_denied&state=x")
        assert refused.status_code == 400
    details = [r["detail"] for r in sso.rows("login_failed")]
    assert any("invalid_grant" in d for d in details), details
    assert any("access_denied" in d for d in details), details


def test_the_stub_provider_is_strict(sso: Sso) -> None:
    """What a broken client would trip over: no PKCE, a wrong verifier, a wrong secret, a
    code used twice."""
    idp = sso.provider
    redirect = f"{sso.base}/oidc/callback"
    with httpx.Client(base_url=idp.issuer, timeout=10) as http:
        asked = {"client_id": CLIENT_ID, "redirect_uri": redirect, "response_type": "code",
                 "scope": "openid", "state": "s", "nonce": "n"}
        idp.login_as("nia", [])
        assert http.get("/authorize", params=asked).status_code == 400  # no PKCE
        verifier = "v" * 50
        pkce = {**asked, "code_challenge": s256(verifier), "code_challenge_method": "S256"}
        assert http.get("/authorize", params={**pkce, "redirect_uri": "http://evil.example/"}
                        ).status_code == 400
        back = http.get("/authorize", params=pkce)
        code = parse_qs(urlsplit(back.headers["location"]).query)["code"][0]
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect}
        assert http.post("/token", data={**form, "code_verifier": verifier},
                         auth=(CLIENT_ID, "wrong")).status_code == 401
        assert http.post("/token", data={**form, "code_verifier": "w" * 50},
                         auth=(CLIENT_ID, CLIENT_SECRET)).json() == {"error": "invalid_grant"}
        # the wrong verifier spent the code
        assert http.post("/token", data={**form, "code_verifier": verifier},
                         auth=(CLIENT_ID, CLIENT_SECRET)).status_code == 400

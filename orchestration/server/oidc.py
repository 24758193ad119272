"""Single sign-on: log in through the agency's OpenID Connect provider (CASEINTEL_OIDC_*).

Authlib does the protocol, so we do not hand-roll any of it: the provider's discovery
document, an authorization code flow with PKCE (S256), state and nonce kept in the signed
session cookie, and the ID token checked against the provider's published keys (signature,
issuer, audience, expiry, nonce). What is ours is the last step: the user (their
`preferred_username`, else `sub`) and their groups claim go through rubrics/access.yaml
like a password login does, and every refusal is audited.
"""

from __future__ import annotations

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from orchestration.server.app import ReportServer, client_address, safe_next
from orchestration.settings import Settings

SCOPE = "openid profile email"


def oidc_routes(settings: Settings, server: ReportServer) -> list[Route]:
    """GET /oidc/login (off to the provider) and GET /oidc/callback (back with a code)."""
    issuer = settings.oidc_issuer or ""
    if not (issuer and settings.oidc_client_id and settings.oidc_client_secret):
        raise ValueError("single sign-on needs CASEINTEL_OIDC_ISSUER, CASEINTEL_OIDC_CLIENT_ID "
                         "and CASEINTEL_OIDC_CLIENT_SECRET")
    provider = OAuth().register(
        "caseintel", client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10})

    def refuse(request: Request, status: int, detail: str, user: str | None = None) -> Response:
        server.audit.append("login_failed", user=user, client=client_address(request),
                            status=status, detail=f"oidc: {detail}"[:300])
        return server.render("message.html.j2", status, title="Single sign-on failed",
                             message="You could not be logged in. The attempt has been "
                                     "recorded.", home="/login")

    async def login(request: Request) -> Response:
        if "next" in request.query_params:
            request.session["next"] = safe_next(request.query_params["next"], "")
        redirect_uri = (settings.server_public_url.rstrip("/") + "/oidc/callback"
                        if settings.server_public_url else request.url_for("oidc_callback"))
        try:
            metadata = await provider.load_server_metadata()
            # a provider that names a scope after the groups claim (Okta, for one) only
            # sends the claim when asked for it
            wanted = settings.oidc_groups_claim in metadata.get("scopes_supported", ())
            return await provider.authorize_redirect(
                request, redirect_uri,
                scope=f"{SCOPE} {settings.oidc_groups_claim}" if wanted else SCOPE)
        except (httpx.HTTPError, ValueError) as error:
            return refuse(request, 502, f"provider unreachable: {error!r}")

    async def callback(request: Request) -> Response:
        claims = {
            "iss": {"essential": True, "value": issuer},
            # Authlib checks aud only through azp unless asked: a token minted for another
            # client that names us as its azp would pass
            "aud": {"essential": True, "value": settings.oidc_client_id},
        }
        try:
            token = await provider.authorize_access_token(request, claims_options=claims)
        except (AuthlibBaseError, JoseError) as error:
            # a state that is not this browser's, the provider's own error, a refused code,
            # or an ID token that fails its checks
            status = 400 if isinstance(error, AuthlibBaseError) else 403
            return refuse(request, status, f"{type(error).__name__}: {error}")
        except (httpx.HTTPError, ValueError) as error:
            return refuse(request, 502, f"provider unreachable: {error!r}")
        userinfo = token.get("userinfo")
        if not userinfo:  # Authlib parses the ID token only when there is one
            return refuse(request, 403, "no ID token")
        user = str(userinfo.get("preferred_username") or userinfo.get("sub") or "")[:200]
        groups = userinfo.get(settings.oidc_groups_claim)
        groups = [groups] if isinstance(groups, str) else groups
        grant = server.access.grant_for(user, tuple(
            g for g in groups if isinstance(g, str)) if isinstance(groups, list) else ())
        if grant is None:
            return refuse(request, 403, "no role", user=user)
        return server.log_in(request, user, grant, "oidc")

    return [Route("/oidc/login", login, methods=["GET"]),
            Route("/oidc/callback", callback, methods=["GET"], name="oidc_callback")]

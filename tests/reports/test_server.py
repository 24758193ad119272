"""The report server on the published test agency, through its real ASGI app: who may open
what (by role, by site, by caseload), that every read is audited, that tampering with the
audit trail is found, and the login's defences (CSRF, lockout, no open redirect)."""

from __future__ import annotations

import re
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.testclient import TestClient

from orchestration.cli import main as cli_main
from orchestration.server.app import create_app
from orchestration.server.audit import FIELDS, GENESIS, row_hash, verify
from tests.reports.conftest import PASSWORD


def _key(served) -> bytes:
    return served["settings"].audit_key_path.read_bytes()


def _client(served, **kwargs) -> TestClient:
    base = "https://testserver" if kwargs.get("secure_cookies") else "http://testserver"
    return TestClient(create_app(served["settings"], **kwargs), base_url=base,
                      follow_redirects=False)


def _log_in(client: TestClient, user: str, password: str = PASSWORD, next_page: str = ""):
    form = client.get("/login" + (f"?next={next_page}" if next_page else ""))
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    return client.post("/login", data={"user": user, "password": password, "csrf": csrf})


def _audit(served, **where) -> list[sqlite3.Row]:
    db = sqlite3.connect(served["settings"].audit_path)
    db.row_factory = sqlite3.Row
    clauses = " and ".join(f"{k} = ?" for k in where) or "1 = 1"
    rows = db.execute(f"select * from audit_log where {clauses} order by seq",
                      list(where.values())).fetchall()
    db.close()
    return rows


@pytest.fixture(scope="module")
def planted_south_page(served):
    """A south client's page copied into the north supervisor's folder: the server must
    refuse it by the client's site, not by which files happen to be published."""
    source = served["site"] / "clients" / f"{served['south']}.html"
    target = served["site"] / "supervisor-north" / "clients" / source.name
    shutil.copy(source, target)
    yield target
    target.unlink()


def test_an_unauthenticated_request_is_refused(served) -> None:
    client = _client(served)
    before = len(_audit(served, action="view"))
    page = client.get(f"/clients/{served['south']}.html")
    assert page.status_code == 303
    assert page.headers["location"] == f"/login?next=/clients/{served['south']}.html"
    assert client.get("/momentum/archive.js").status_code == 401
    assert client.get("/audit").status_code == 303
    assert len(_audit(served, action="view")) == before


ROLE_PAGES = {  # user -> (pages they open, pages refused with 403)
    "dana": (["/index.html", "/momentum/latest.html", "/clients/{south}.html",
              "/clients/{north}.html", "/unusual/latest.html"],
             ["/supervisor-north/index.html", "/funder/index.html",
              "/supervisor-north/clients/{north}.html"]),
    "sam": (["/supervisor-north/index.html", "/supervisor-north/clients/{north}.html",
             "/supervisor-north/clients/{mine}.html", "/supervisor-north/unusual/latest.html"],
            ["/supervisor-north/clients/{south}.html", "/clients/{north}.html",
             "/index.html", "/funder/aggregate/latest.html"]),
    "wes": (["/supervisor-north/missing/workers/{worker}.html",
             "/supervisor-north/clients/{mine}.html"],
            ["/supervisor-north/clients/{north}.html", "/supervisor-north/clients/{south}.html",
             "/supervisor-north/missing/latest.html", "/supervisor-north/unusual/latest.html",
             "/supervisor-north/clients/index.html", "/clients/{mine}.html"]),
    "fay": (["/funder/index.html", "/funder/aggregate/latest.html"],
            ["/index.html", "/clients/{south}.html", "/aggregate/latest.html",
             "/supervisor-north/index.html"]),
    "sol": (["/index.html", "/quality/latest.html", "/missing/latest.html"],
            ["/clients/{south}.html", "/momentum/latest.html", "/unusual/latest.html"]),
    "ada": ([], ["/index.html", "/funder/index.html", "/clients/{south}.html"]),
}


@pytest.mark.parametrize("user", sorted(ROLE_PAGES))
def test_each_role_opens_its_pages_and_gets_403_outside_them(served, planted_south_page,
                                                             user) -> None:
    client = _client(served)
    assert _log_in(client, user).status_code == 303
    opens, refused = ROLE_PAGES[user]
    first_seq = len(_audit(served)) + 1
    for path in opens:
        path = path.format(**served)
        page = client.get(path)
        assert page.status_code == 200, (user, path)
        assert f"Logged in as {user}" in page.text
    for path in refused:
        path = path.format(**served)
        assert client.get(path).status_code == 403, (user, path)
    audited = [r for r in _audit(served, user=user) if r["seq"] >= first_seq]
    assert [(r["path"], r["status"]) for r in audited] == (
        [(p.format(**served), 200) for p in opens] + [(p.format(**served), 403)
                                                      for p in refused])
    assert {r["action"] for r in audited} <= {"view", "denied"}
    for row in audited:  # a client page's row names its client
        if "/clients/P" in row["path"]:
            assert row["path"].rsplit("/", 1)[1][:-5] in row["person_ids"].split(",")
    assert (client.get("/audit").status_code == 200) == (user == "ada")


def test_names_are_shown_only_where_the_role_may_see_them(served) -> None:
    director, supervisor = _client(served), _client(served)
    _log_in(director, "dana")
    _log_in(supervisor, "sam")
    by_id = director.get(f"/clients/{served['north']}.html").text
    named = supervisor.get(f"/supervisor-north/clients/{served['north']}.html").text
    name = re.search(r'class="name">([^<]+)<', named)
    assert name, "the supervisor's edition shows the client's name"
    assert name.group(1).strip() not in by_id


def test_a_worker_finds_only_their_own_clients(served) -> None:
    client = _client(served)
    _log_in(client, "wes")
    mine = client.get(f"/supervisor-north/clients/search?q={served['mine'][1:]}")
    assert mine.status_code == 303
    assert mine.headers["location"] == f"/supervisor-north/clients/{served['mine']}.html"
    other = client.get(f"/supervisor-north/clients/search?q={served['north']}")
    assert other.status_code == 404 and "not among the clients you may see" in other.text
    searches = _audit(served, user="wes", action="search")[-2:]
    assert [(r["person_ids"], r["status"]) for r in searches] == [(served["mine"], 303),
                                                                  ("", 404)]
    assert searches[1]["detail"] == f"q={served['north']}"


def test_the_auditor_filters_the_trail(served) -> None:
    client = _client(served)
    _log_in(client, "dana")
    client.get(f"/clients/{served['south']}.html")
    auditor = _client(served)
    _log_in(auditor, "ada")
    page = auditor.get(f"/audit?user=dana&person_id={served['south']}")
    assert page.status_code == 200
    rows = re.findall(r'<tr class="audit-row">(.*?)</tr>', page.text, re.S)
    assert rows and all(">dana<" in r and served["south"] in r for r in rows)


def test_tampering_with_one_audit_row_is_detected(served, tmp_path, monkeypatch,
                                                  capsys) -> None:
    client = _client(served)
    _log_in(client, "sam")
    client.get(f"/supervisor-north/clients/{served['north']}.html")
    checked, broken = verify(served["settings"].audit_path, _key(served))
    assert broken is None and checked == len(_audit(served))

    copy = tmp_path / "audit.sqlite"
    with sqlite3.connect(served["settings"].audit_path) as live, sqlite3.connect(copy) as db:
        live.backup(db)  # the file and its write-ahead log, as one database
    db = sqlite3.connect(copy)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("update audit_log set person_ids = 'P9999999' where seq = 2")
    db.execute("drop trigger audit_log_no_update")  # someone with the file and a shell
    db.execute("update audit_log set person_ids = 'P9999999' where seq = 2")
    db.commit()
    db.close()
    _, broken = verify(copy, _key(served))
    assert broken is not None and broken.seq == 2 and "edited" in broken.reason
    monkeypatch.setenv("CASEINTEL_AUDIT", str(copy))
    assert cli_main(["verify-audit"]) == 1
    assert "BROKEN at row 2" in capsys.readouterr().out

    db = sqlite3.connect(copy)  # the chain rewritten after the edit, without the key
    rows = db.execute(f"select {', '.join(FIELDS)} from audit_log order by seq").fetchall()
    head = GENESIS
    for values in rows:
        row = dict(zip(FIELDS, values, strict=True))
        digest = row_hash(b"a guessed key", head, row)
        db.execute("update audit_log set prev_hash = ?, row_hash = ? where seq = ?",
                   (head, digest, row["seq"]))
        head = digest
    db.commit()
    db.close()
    assert verify(copy, _key(served))[1].seq == 1

    db = sqlite3.connect(copy)  # a row removed: the chain names the gap
    db.execute("drop trigger audit_log_no_delete")
    db.execute("delete from audit_log where seq = 1")
    db.commit()
    db.close()
    assert verify(copy, _key(served))[1].seq == 1


def test_login_refuses_bad_forms_locks_after_failures_and_stays_on_site(served) -> None:
    """CSRF on the forms, a user locked after five failures, an address after thirty, no
    redirect off the site after login, no path out of the site folder."""
    client = _client(served)
    assert client.post("/login", data={"user": "fay", "password": PASSWORD}).status_code == 403
    for _ in range(5):
        assert _log_in(client, "fay", "wrong password!").status_code == 401
    locked = _log_in(client, "fay")  # the right password, after five failures
    assert locked.status_code == 429
    assert [r["detail"] for r in _audit(served, user="fay", action="login_refused")][-1] == (
        "locked")

    spraying = _client(served)  # one address trying many names: refused for a while
    for i in range(30):
        assert _log_in(spraying, f"guess{i}", "password123456").status_code == 401
    assert _log_in(spraying, "dana").status_code == 429

    elsewhere = _client(served)
    assert _log_in(elsewhere, "nobody", "whatever it is").status_code == 401
    landed = _log_in(elsewhere, "dana", next_page="//evil.example/x")
    assert landed.status_code == 303 and landed.headers["location"] == "/index.html"
    assert elsewhere.get("/%2e%2e/credentials").status_code == 404
    out = elsewhere.post("/logout", data={"csrf": "forged"})
    assert out.status_code == 403
    assert elsewhere.get("/index.html").status_code == 200  # still logged in


def test_session_cookie_and_security_headers(served) -> None:
    client = _client(served, secure_cookies=True)
    login = _log_in(client, "dana")
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    page = client.get("/index.html")
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    assert client.get("/index.html").status_code == 303  # the session is gone


TRICKS = [  # (user, path): each tries to reach a page outside the role by how it is spelled
    ("fay", "/funder/..%2fclients%2f{south}.html"),
    ("fay", "/funder/%2e%2e/supervisor-north/clients/{north}.html"),
    ("fay", "/funder/..%2fclients/ids.js"),
    ("sol", "/quality/..%2fsupervisor-north%2fclients%2f{north}.html"),
    ("dana", "/./supervisor-north/clients/{north}.html"),
    ("dana", "/clients/..%2fsupervisor-north%2fclients%2f{north}.html"),
    ("sam", "/supervisor-north/..%2fclients%2f{south}.html"),
    ("sam", "/supervisor-north/clients//{south}.html"),
    ("sam", "/supervisor-north/./clients/{south}.html"),
    ("sam", "/SUPERVISOR-NORTH/clients/{north}.html"),
    ("sam", "/supervisor-north/clients/{north}.html%00"),
    ("sam", "/supervisor-north/clients/" + "x" * 300 + ".html"),
]


def test_no_spelling_of_a_path_gets_past_the_rules(served, planted_south_page) -> None:
    for user, path in TRICKS:
        client = _client(served)
        _log_in(client, user)
        path = path.format(**served)
        answer = client.get(path)
        assert answer.status_code in (403, 404), (user, path)
        assert "Client record" not in answer.text and "CLIENT_IDS" not in answer.text
        assert _audit(served, user=user)[-1]["status"] == answer.status_code

    client = _client(served)  # a trick does not spoil how later views are audited
    _log_in(client, "dana")
    client.get(f"/clients/{served['south']}.html")
    assert _audit(served, user="dana")[-1]["person_ids"].split(",")[0] == served["south"]


def test_every_answer_is_audited_files_and_refusals_alike(served) -> None:
    anonymous = _client(served)
    anonymous.get("/momentum/latest.html")
    row = _audit(served)[-1]
    assert (row["action"], row["path"], row["status"]) == ("unauthenticated",
                                                           "/momentum/latest.html", 401)
    client = _client(served)
    _log_in(client, "dana")
    assert client.get("/momentum/archive.js").status_code == 200
    row = _audit(served, user="dana")[-1]
    assert (row["action"], row["path"], row["status"]) == ("file", "/momentum/archive.js", 200)
    ids = client.get("/clients/ids.js")
    assert ids.text == "window.CASEINTEL_CLIENT_SEARCH = true;\n"  # never the list of IDs


def test_logins_at_the_same_moment_cannot_slip_past_the_lockout(served) -> None:
    app = create_app(served["settings"])
    attempts = []
    for _ in range(12):
        client = TestClient(app, follow_redirects=False)
        form = client.get("/login")
        attempts.append((client, re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)))

    def attempt(pair):
        client, csrf = pair
        return client.post("/login", data={"user": "sol", "password": "not the password",
                                           "csrf": csrf}).status_code

    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(attempt, attempts))
    assert codes.count(401) == 5 and codes.count(429) == 7

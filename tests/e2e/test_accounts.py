"""Accounts over TLS against the real binary, with a real SMTP server
(aiosmtpd, STARTTLS + AUTH) receiving the verification and reset mails.

Every password and token a test uses is registered in SECRETS; after each
test every log line the servers wrote is searched for them (zero hits)."""
import os
import re
import secrets
import sqlite3
import stat
import time
from pathlib import Path

import pytest
import requests

from conftest import free_port, start_server, write_config
from smtp_sink import SmtpSink

PROBLEM = "https://strongroom.dev/problems/"
TOKEN_RE = re.compile(r"^srs_[0-9A-Za-z]{49}$")
SECRETS = []


def secret(value):
    SECRETS.append(value)
    return value


def new_password():
    return secret("Quartz-" + secrets.token_urlsafe(12) + "-lantern")


def new_email(tag="user"):
    return f"{tag}.{secrets.token_hex(4)}@example.com"


@pytest.fixture
def smtp(tmp_path):
    pw_file = tmp_path / "smtp.secret"
    password = secret("smtp-" + secrets.token_hex(8))
    pw_file.write_text(password)
    os.chmod(pw_file, 0o600)
    with SmtpSink(tls="starttls", auth=("mailer", password)) as sink:
        sink.password_file = pw_file
        yield sink


def accounts_config(smtp, extra_tables=""):
    return (
        "[passwords]\nargon2_memory_kib = 19456\n"
        "[mail]\ntransport = \"smtp\"\nsmtp_host = \"localhost\"\n"
        f"smtp_port = {smtp.port}\nsmtp_security = \"starttls\"\nsmtp_user = \"mailer\"\n"
        f"smtp_password_file = \"{smtp.password_file}\"\nsmtp_ca_file = \"{smtp.cafile}\"\n"
        + extra_tables)


@pytest.fixture
def launch(data_dir, smtp):
    """launch(extra_tables) -> running server wired to the SMTP sink."""
    started = []

    def factory(extra_tables="", port=None):
        port = port or free_port()
        write_config(data_dir, port, extra=accounts_config(smtp, extra_tables))
        srv = start_server(data_dir, port)
        started.append(srv)
        return srv

    yield factory
    for srv in started:
        srv.stop()
    # The log scan: no password or token used by the test reached a log line.
    for srv in started:
        text = Path(srv.log_path).read_text(errors="replace")
        leaked = [s for s in SECRETS if s in text]
        assert not leaked, f"{len(leaked)} secrets found in {srv.log_path}"
    SECRETS.clear()


@pytest.fixture
def srv(launch):
    return launch()


class Client:
    def __init__(self, srv):
        self.srv = srv
        self.token = None

    def call(self, method, path, token=None, **kw):
        headers = kw.pop("headers", {})
        token = token or self.token
        if token:
            headers["Authorization"] = "Bearer " + token
        return self.srv.request(method, path, headers=headers, **kw)

    def sign_up(self, email, password, name="Ada"):
        return self.srv.post("/v1/accounts",
                             json={"email": email, "password": password, "display_name": name})

    def sign_in(self, email, password):
        r = self.srv.post("/v1/sessions", json={"email": email, "password": password})
        if r.status_code == 201:
            self.token = secret(r.json()["token"])
        return r


def mail_to(smtp, address, subject_word, timeout=15):
    return smtp.wait_for(lambda m: address in m.to and subject_word in m.subject.lower(),
                         timeout=timeout)


def link_token(message):
    return secret(message.link_param("token"))


def assert_problem(r, status, slug):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json()["type"] == PROBLEM + slug, r.json()


def signed_up(srv, smtp, email=None):
    c = Client(srv)
    email = email or new_email()
    password = new_password()
    assert c.sign_up(email, password).status_code == 201
    assert c.sign_in(email, password).status_code == 201
    return c, email, password


def test_sign_up_verify_sign_in_and_me(srv, smtp):
    c = Client(srv)
    email, password = new_email("ada"), new_password()
    r = c.sign_up(email.upper(), password, "Ada Lovelace")
    assert r.status_code == 201
    body = r.json()
    assert body["email"] == email and body["display_name"] == "Ada Lovelace"
    assert body["email_verified"] is False and body["id"].startswith("acc_")

    mail = mail_to(smtp, email, "confirm")
    assert mail.html and mail.text
    assert "/verify-email?token=srv_" in mail.text
    token = link_token(mail)
    assert srv.post("/v1/email-verification/complete", json={"token": token}).status_code == 204

    r = c.sign_in(email, password)
    assert r.status_code == 201
    assert TOKEN_RE.match(c.token)
    session = r.json()["session"]
    assert session["id"].startswith("ses_") and session["aal"] == 1
    cookie = r.headers["Set-Cookie"]
    for attr in ("__Host-strongroom_session=", "Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert attr in cookie
    me = c.call("GET", "/v1/me").json()
    assert me["id"] == body["id"] and me["email"] == email and me["email_verified"] is True
    # The cookie alone authenticates too.
    jar = {"__Host-strongroom_session": c.token}
    assert srv.get("/v1/me", cookies=jar).json()["id"] == body["id"]
    # Reusing the verification link fails.
    assert_problem(srv.post("/v1/email-verification/complete", json={"token": token}), 400,
                   "invalid-token")


def test_sign_in_and_reset_do_not_reveal_accounts(srv, smtp):
    c, email, password = signed_up(srv, smtp)
    unknown = new_email("nobody")
    wrong = c.srv.post("/v1/sessions", json={"email": email, "password": new_password()})
    missing = c.srv.post("/v1/sessions", json={"email": unknown, "password": new_password()})
    assert wrong.status_code == missing.status_code == 401
    assert wrong.json() == missing.json()
    known = srv.post("/v1/password-reset", json={"email": email})
    nobody = srv.post("/v1/password-reset", json={"email": unknown})
    assert known.status_code == nobody.status_code == 202
    assert known.content == nobody.content
    # Sign-up with a taken address answers like a new one; the owner is told.
    again = Client(srv).sign_up(email, new_password(), "Mallory")
    assert again.status_code == 201 and set(again.json()) == {
        "id", "email", "display_name", "email_verified", "created_at"}
    notice = mail_to(smtp, email, "sign-up attempt")
    assert notice.link_param("token") is None
    mail_to(smtp, email, "reset")


def test_reset_link_is_single_use_and_revokes_every_session(srv, smtp):
    c, email, password = signed_up(srv, smtp)
    other = Client(srv)
    assert other.sign_in(email, password).status_code == 201
    assert srv.post("/v1/password-reset", json={"email": email}).status_code == 202
    token = link_token(mail_to(smtp, email, "reset"))
    assert token.startswith("srr_")
    new = new_password()
    r = srv.post("/v1/password-reset/complete", json={"token": token, "password": new})
    assert r.status_code == 204, r.text
    for client in (c, other):
        assert_problem(client.call("GET", "/v1/me"), 401, "unauthenticated")
    reuse = srv.post("/v1/password-reset/complete", json={"token": token, "password": new_password()})
    assert_problem(reuse, 400, "invalid-token")
    assert Client(srv).sign_in(email, password).status_code == 401
    assert Client(srv).sign_in(email, new).status_code == 201


def test_newer_reset_request_invalidates_the_older_link(srv, smtp):
    _, email, _ = signed_up(srv, smtp)
    srv.post("/v1/password-reset", json={"email": email})
    first = link_token(mail_to(smtp, email, "reset"))
    smtp.clear()
    srv.post("/v1/password-reset", json={"email": email})
    second = link_token(mail_to(smtp, email, "reset"))
    assert first != second
    r = srv.post("/v1/password-reset/complete", json={"token": first, "password": new_password()})
    assert_problem(r, 400, "invalid-token")
    r = srv.post("/v1/password-reset/complete", json={"token": second, "password": new_password()})
    assert r.status_code == 204


def test_expired_reset_link_is_refused(launch, smtp):
    srv = launch("[accounts]\nreset_token_seconds = 1\n")
    _, email, _ = signed_up(srv, smtp)
    srv.post("/v1/password-reset", json={"email": email})
    token = link_token(mail_to(smtp, email, "reset"))
    time.sleep(2.2)
    r = srv.post("/v1/password-reset/complete", json={"token": token, "password": new_password()})
    assert_problem(r, 400, "invalid-token")


def test_password_change_voids_pending_reset_link(srv, smtp):
    c, email, password = signed_up(srv, smtp)
    srv.post("/v1/password-reset", json={"email": email})
    token = link_token(mail_to(smtp, email, "reset"))
    r = c.call("POST", "/v1/me/password",
               json={"current_password": password, "new_password": new_password()})
    assert r.status_code == 204
    r = srv.post("/v1/password-reset/complete", json={"token": token, "password": new_password()})
    assert_problem(r, 400, "invalid-token")


def test_bad_tokens_are_rejected(srv, smtp):
    c, _, _ = signed_up(srv, smtp)
    good = c.token
    last = good[-1]
    flipped = good[:-1] + ("A" if last != "A" else "B")
    for bad in (flipped, good[:-1], "srs_" + "A" * 49, "not-a-token", good.replace("srs_", "srk_")):
        assert_problem(c.call("GET", "/v1/me", token=bad), 401, "unauthenticated")
    assert c.call("GET", "/v1/me").status_code == 200
    r = srv.post("/v1/password-reset/complete", json={"token": "srr_" + "0" * 49,
                                                      "password": new_password()})
    assert_problem(r, 400, "invalid-token")


def test_sessions_list_and_revocation_take_effect_at_once(srv, smtp):
    a, email, password = signed_up(srv, smtp)
    b = Client(srv)
    b.sign_in(email, password)
    c = Client(srv)
    c.sign_in(email, password)
    listed = a.call("GET", "/v1/sessions").json()["sessions"]
    assert len(listed) == 3
    assert sum(s["current"] for s in listed) == 1
    assert {"id", "current", "created_at", "last_seen_at", "ip", "user_agent"} <= set(listed[0])
    b_id = next(s["id"] for s in b.call("GET", "/v1/sessions").json()["sessions"] if s["current"])
    assert a.call("DELETE", f"/v1/sessions/{b_id}").status_code == 204
    assert_problem(b.call("GET", "/v1/me"), 401, "unauthenticated")  # the very next request
    assert a.call("DELETE", "/v1/sessions/ses_doesnotexist000000000").status_code == 404
    r = a.call("DELETE", "/v1/sessions")
    assert r.status_code == 200 and r.json()["revoked"] == 1
    assert_problem(c.call("GET", "/v1/me"), 401, "unauthenticated")
    assert a.call("GET", "/v1/me").status_code == 200
    out = a.call("DELETE", "/v1/sessions/current")
    assert out.status_code == 204 and "Max-Age=0" in out.headers["Set-Cookie"]
    assert_problem(a.call("GET", "/v1/me"), 401, "unauthenticated")


def test_idle_timeout_ends_a_session(launch, smtp):
    srv = launch("[sessions]\nidle_timeout_seconds = 2\n")
    c, _, _ = signed_up(srv, smtp)
    assert c.call("GET", "/v1/me").status_code == 200
    time.sleep(3)
    assert_problem(c.call("GET", "/v1/me"), 401, "unauthenticated")


def test_repeated_failures_get_429_with_retry_after(srv, smtp):
    _, email, password = signed_up(srv, smtp)
    codes = [Client(srv).sign_in(email, new_password()).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5
    r = Client(srv).sign_in(email, password)
    assert_problem(r, 429, "resource-exhausted")
    assert int(r.headers["Retry-After"]) >= 1
    # Reset is never throttled.
    assert srv.post("/v1/password-reset", json={"email": email}).status_code == 202
    mail_to(smtp, email, "reset")


def test_cookie_requests_from_another_site_are_refused(srv, smtp):
    c, _, _ = signed_up(srv, smtp)
    jar = {"__Host-strongroom_session": c.token}
    evil = srv.request("DELETE", "/v1/sessions", cookies=jar,
                       headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert_problem(evil, 403, "csrf")
    same = srv.request("DELETE", "/v1/sessions", cookies=jar,
                       headers={"Origin": srv.url, "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200


def test_sensitive_actions_need_recent_sign_in(launch, smtp):
    srv = launch("[sessions]\nrecent_auth_seconds = 1\n")
    c, email, password = signed_up(srv, smtp)
    time.sleep(2.2)
    new_address = new_email("moved")
    r = c.call("POST", "/v1/me/email", json={"email": new_address})
    assert_problem(r, 403, "reauthentication-required")
    r = c.call("POST", "/v1/me/email", json={"email": new_address, "current_password": password})
    assert r.status_code == 202
    mail_to(smtp, email, "being changed")  # the old address is told
    token = link_token(mail_to(smtp, new_address, "new e-mail"))
    assert srv.post("/v1/email-verification/complete", json={"token": token}).status_code == 204
    assert c.call("GET", "/v1/me").json()["email"] == new_address


def test_account_deletion_request_revokes_sessions(srv, smtp):
    c, email, password = signed_up(srv, smtp)
    r = c.call("DELETE", "/v1/me")
    assert r.status_code == 202
    assert_problem(c.call("GET", "/v1/me"), 401, "unauthenticated")
    assert Client(srv).sign_in(email, password).status_code == 401


def test_events_show_the_users_own_security_events(srv, smtp):
    c, email, _ = signed_up(srv, smtp)
    Client(srv).sign_in(email, new_password())
    events = c.call("GET", "/v1/me/events").json()["events"]
    types = [e["type"] for e in events]
    assert "account.created" in types and "signin.success" in types
    assert "signin.failure" in types
    page = c.call("GET", "/v1/me/events?limit=1").json()
    assert len(page["events"]) == 1
    older = c.call("GET", f"/v1/me/events?limit=1&before={page['next_before']}").json()
    assert older["events"][0]["id"] < page["events"][0]["id"]


def test_password_rehashed_when_parameters_change(data_dir, launch, smtp):
    srv = launch()
    email, password = new_email(), new_password()
    assert Client(srv).sign_up(email, password).status_code == 201
    srv.stop()

    def stored_hashes():
        with sqlite3.connect(data_dir / "strongroom.db") as db:
            return [row[0] for row in db.execute("SELECT password_hash FROM accounts")]

    assert all("m=19456" in h for h in stored_hashes())
    port = free_port()
    cfg = accounts_config(smtp).replace("argon2_memory_kib = 19456", "argon2_memory_kib = 24576")
    write_config(data_dir, port, extra=cfg)
    srv = start_server(data_dir, port)
    try:
        assert Client(srv).sign_in(email, password).status_code == 201
        assert all("m=24576" in h for h in stored_hashes())
    finally:
        srv.stop()


def test_personal_data_never_stored_in_clear(data_dir, srv, smtp):
    email = new_email("clearcheck")
    c, _, _ = signed_up(srv, smtp, email)
    srv.stop()
    blobs = b"".join(p.read_bytes() for p in data_dir.glob("*.db*"))
    assert blobs, "no database files"
    assert email.encode() not in blobs
    assert b"clearcheck" not in blobs
    assert b"Ada" not in blobs
    for p in data_dir.glob("*.db*"):
        assert stat.S_IMODE(os.stat(p).st_mode) & 0o077 == 0

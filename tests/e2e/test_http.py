"""HTTP behaviour: security headers, problems, limits, redirect listener."""
import socket
import time

import requests

PROBLEM_BASE = "https://strongroom.dev/problems/"


def assert_security_headers(r):
    hsts = r.headers["Strict-Transport-Security"]
    max_age = int(hsts.split("max-age=")[1].split(";")[0])
    assert max_age >= 31536000 and "includeSubDomains" in hsts
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert r.headers["X-Request-Id"]


def assert_problem(r, status, slug):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == PROBLEM_BASE + slug
    assert body["status"] == status
    assert body["title"]
    assert_security_headers(r)


def test_security_headers_on_every_response(server):
    a, b = server.get("/healthz"), server.get("/nope")
    for r in (a, b, server.get("/readyz"), server.get("/metrics")):
        assert_security_headers(r)
        assert r.headers["Cache-Control"] == "no-store"
    assert a.headers["X-Request-Id"] != b.headers["X-Request-Id"]


def test_health_and_readiness(server):
    assert server.get("/healthz").json() == {"status": "ok"}
    assert server.get("/readyz").json() == {"status": "ready"}
    head = server.request("HEAD", "/healthz")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == len(b'{"status":"ok"}')


def test_head_answers_never_carry_a_body(server):
    with server.tls_socket() as s:
        s.sendall(b"HEAD /nope HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        s.settimeout(5)
        while chunk := s.recv(65536):
            data += chunk
    first, rest = data.split(b"\r\n\r\n", 1)
    assert first.startswith(b"HTTP/1.1 404")
    assert rest.startswith(b"HTTP/1.1 200"), rest[:80]  # no 404 body in between


def test_unknown_route_and_wrong_method(server):
    assert_problem(server.get("/v1/does-not-exist"), 404, "not-found")
    r = server.request("DELETE", "/healthz")
    assert_problem(r, 405, "method-not-allowed")
    assert "GET" in r.headers["Allow"]


def test_bad_json_is_400_problem(server):
    r = server.post("/v1/echo", data='{"a": tru', headers={"Content-Type": "application/json"})
    assert_problem(r, 400, "invalid-argument")
    assert "tru" not in r.json()["detail"]
    ok = server.post("/v1/echo", json={"a": [1, "é"]})
    assert ok.status_code == 200 and ok.json() == {"received": {"a": [1, "é"]}}


def test_number_out_of_range_is_400_not_500(server):
    # Found by fuzz/json_body_fuzz.
    for body in ('{"n":1e400}', '[-1e999]'):
        r = server.post("/v1/echo", data=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 400, body
    r = server.post("/v1/accounts", data='{"email":1e400}', headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_deeply_nested_json_is_refused(server):
    r = server.post("/v1/echo", data="[" * 2000 + "]" * 2000,
                    headers={"Content-Type": "application/json"})
    assert_problem(r, 400, "invalid-argument")


def test_wrong_content_type_is_415(server):
    r = server.post("/v1/echo", data="a=b", headers={"Content-Type": "text/plain"})
    assert_problem(r, 415, "unsupported-media-type")


def test_oversized_body_is_413(server):
    big = '{"x":"' + "a" * 5000 + '"}'  # limit is 4096 in this fixture
    r = server.post("/v1/echo", data=big, headers={"Content-Type": "application/json"})
    assert_problem(r, 413, "payload-too-large")
    # Chunked: no Content-Length to check up front, so the limit stops the read.
    chunks = ((b'{"x":"' + b"a" * 1000) if i == 0 else b"a" * 1000 for i in range(10))
    r = server.post("/v1/echo", data=chunks, headers={"Content-Type": "application/json"})
    assert_problem(r, 413, "payload-too-large")
    assert server.get("/healthz").status_code == 200


def test_body_on_bodyless_route_is_413(server):
    r = server.request("GET", "/healthz", data="x" * 10)
    assert_problem(r, 413, "payload-too-large")


def test_huge_header_is_431(server):
    r = server.get("/healthz", headers={"X-Big": "a" * 20000})
    assert_problem(r, 431, "request-header-fields-too-large")


def raw_exchange(server, payload, read_timeout=5):
    with server.tls_socket() as s:
        s.sendall(payload)
        s.settimeout(read_timeout)
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        return data


def test_malformed_request_is_400(server):
    data = raw_exchange(server, b"GARBAGE\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 400"), data[:100]
    assert b"application/problem+json" in data


def test_absolute_form_target_is_400(server):
    data = raw_exchange(server, b"GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 400"), data[:100]


def test_slowloris_header_is_cut_off(server):
    # header_timeout_seconds = 2 in this fixture.
    with server.tls_socket() as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\n")
        start = time.time()
        s.settimeout(10)
        closed = False
        try:
            for _ in range(20):
                time.sleep(0.25)
                s.sendall(b"X-Slow: 1\r\n")
        except (BrokenPipeError, ConnectionResetError, OSError):
            closed = True
        if not closed:
            try:
                closed = s.recv(1024) == b""
            except (ConnectionResetError, OSError):
                closed = True
        assert closed
        assert time.time() - start < 8


def test_keep_alive_serves_several_requests_on_one_connection(server):
    with server.tls_socket() as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  b"GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        s.settimeout(5)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.count(b"HTTP/1.1 200") == 2


def test_redirect_listener_only_redirects(server):
    for method in ("GET", "POST"):
        r = requests.request(method, f"http://127.0.0.1:{server.redirect_port}/v1/x?y=1",
                             headers={"Host": "evil.example"}, allow_redirects=False, timeout=5)
        assert r.status_code == 308
        assert r.headers["Location"] == f"https://localhost:{server.port}/v1/x?y=1"
        assert_security_headers(r)
    r = requests.get(f"http://127.0.0.1:{server.redirect_port}/healthz", allow_redirects=False,
                     timeout=5)
    assert r.status_code == 308 and "ok" not in r.text

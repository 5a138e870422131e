"""Encrypted content storage over TLS against the real binary: workspaces,
streamed uploads and downloads (curl and Python), ranges, versions,
conditional requests, listing, copy/move, quotas, crash safety and key
rotation. The cross-tenant attack suite is in test_content_isolation.py."""
import hashlib
import http.client
import json
import os
import secrets
import signal
import sqlite3
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import free_port, run_cli, start_server, write_config

PROBLEM = "https://strongroom.dev/problems/"
SEG = 64 * 1024  # the object format's default segment size
FAST_HASH = "[passwords]\nargon2_memory_kib = 19456\n"


class Client:
    """A signed-in account with its personal workspace."""

    def __init__(self, server, tag="user"):
        self.server = server
        self.email = f"{tag}.{secrets.token_hex(4)}@example.com"
        self.password = "Quartz-" + secrets.token_urlsafe(12) + "-lantern"
        r = server.post("/v1/accounts", json={"email": self.email, "password": self.password,
                                               "display_name": tag})
        assert r.status_code == 201, r.text
        r = server.post("/v1/sessions", json={"email": self.email, "password": self.password})
        assert r.status_code == 201, r.text
        self.token = r.json()["token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}
        r = server.get("/v1/workspaces", headers=self.headers)
        assert r.status_code == 200, r.text
        personal = [w for w in r.json()["workspaces"] if w["personal"]]
        assert len(personal) == 1
        self.ws = personal[0]["id"]

    def url(self, path, ws=None):
        return f"/v1/workspaces/{ws or self.ws}/objects/{path}"

    def put(self, path, data, headers=None, ws=None, **kw):
        h = dict(self.headers)
        h.update(headers or {})
        return self.server.request("PUT", self.url(path, ws), data=data, headers=h, **kw)

    def get(self, path, headers=None, ws=None, **kw):
        h = dict(self.headers)
        h.update(headers or {})
        return self.server.request("GET", self.url(path, ws), headers=h, **kw)

    def raw(self, method, path, body=b""):
        """Sends `path` exactly as given: no client-side dot-segment removal."""
        ctx = ssl.create_default_context(cafile=self.server.cert)
        conn = http.client.HTTPSConnection("localhost", self.server.port, context=ctx, timeout=10)
        try:
            conn.request(method, path, body=body, headers=self.headers)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def call(self, method, path, **kw):
        h = dict(self.headers)
        h.update(kw.pop("headers", {}))
        return self.server.request(method, path, headers=h, **kw)


@pytest.fixture
def server(make_server):
    return make_server(extra=FAST_HASH)


@pytest.fixture
def alice(server):
    return Client(server, "alice")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def test_every_account_gets_one_personal_workspace(server, alice):
    r = alice.call("GET", "/v1/workspaces")
    assert r.status_code == 200
    [w] = r.json()["workspaces"]
    assert w["id"] == alice.ws and w["personal"] is True and w["name"] == "Personal"
    assert alice.call("GET", f"/v1/workspaces/{alice.ws}").json()["id"] == alice.ws
    assert server.get("/v1/workspaces").status_code == 401


def test_sign_up_creates_the_personal_workspace(server):
    email = f"new.{secrets.token_hex(4)}@example.com"
    password = "Quartz-" + secrets.token_urlsafe(12)
    r = server.post("/v1/accounts", json={"email": email, "password": password,
                                           "display_name": "new"})
    assert r.status_code == 201
    conn = sqlite3.connect(server.data_dir / "strongroom.db")
    rows = conn.execute("SELECT personal FROM workspaces WHERE owner_account_id = ?",
                        (r.json()["id"],)).fetchall()
    conn.close()
    assert rows == [(1,)]


def test_put_get_round_trip_with_etag_and_content_type(alice):
    body = os.urandom(3 * SEG + 17)
    r = alice.put("renders/shot 1/frame.exr", body, {"Content-Type": "image/x-exr"})
    assert r.status_code == 201, r.text
    info = r.json()
    assert info["size"] == len(body) and info["sha256"] == sha256(body)
    assert r.headers["ETag"] == f'"{sha256(body)}"' == info["etag"]
    g = alice.get("renders/shot%201/frame.exr")
    assert g.status_code == 200
    assert g.content == body
    assert g.headers["ETag"] == info["etag"]
    assert g.headers["Content-Type"] == "image/x-exr"
    assert g.headers["Accept-Ranges"] == "bytes"
    assert g.headers["Content-Disposition"] == "attachment"
    h = alice.call("HEAD", alice.url("renders/shot%201/frame.exr"))
    assert h.status_code == 200 and h.content == b""
    assert h.headers["Content-Length"] == str(len(body))
    # A second PUT replaces: 200, version 2.
    r2 = alice.put("renders/shot%201/frame.exr", b"v2")
    assert r2.status_code == 200 and r2.json()["version"] == 2
    assert alice.get("renders/shot%201/frame.exr").content == b"v2"


def test_empty_object_and_chunked_upload(alice):
    r = alice.put("empty", b"")
    assert r.status_code == 201
    g = alice.get("empty")
    assert g.status_code == 200 and g.content == b"" and g.headers["Content-Length"] == "0"

    chunks = [os.urandom(n) for n in (1, SEG - 1, SEG, SEG + 1, 70000, 5)]

    def gen():
        yield from chunks

    r = alice.put("chunked.bin", gen())  # requests sends Transfer-Encoding: chunked
    assert r.status_code == 201, r.text
    assert alice.get("chunked.bin").content == b"".join(chunks)


def test_content_sha256_is_verified_before_commit(alice):
    body = b"the real body"
    bad = alice.put("checked", body, {"Content-SHA256": sha256(b"something else")})
    assert bad.status_code == 400
    assert bad.json()["type"] == PROBLEM + "digest-mismatch"
    assert alice.get("checked").status_code == 404  # nothing was stored
    ok = alice.put("checked", body, {"Content-SHA256": sha256(body)})
    assert ok.status_code == 201
    assert alice.put("checked", body, {"Content-SHA256": "zz"}).status_code == 400


def test_range_reads_around_every_segment_boundary(alice):
    body = os.urandom(3 * SEG + 17)
    assert alice.put("ranged", body).status_code == 201
    n = len(body)
    points = sorted({p for b in range(0, 4) for p in (b * SEG - 1, b * SEG, b * SEG + 1)
                     if 0 <= p < n} | {n - 1})
    for first in points:
        for last in points:
            if last < first:
                continue
            r = alice.get("ranged", {"Range": f"bytes={first}-{last}"})
            assert r.status_code == 206, (first, last)
            assert r.content == body[first:last + 1], (first, last)
            assert r.headers["Content-Range"] == f"bytes {first}-{last}/{n}"
    for suffix in (1, 17, 18, SEG, SEG + 17, n, n + 5):
        r = alice.get("ranged", {"Range": f"bytes=-{suffix}"})
        assert r.status_code == 206
        assert r.content == body[-suffix:]
    r = alice.get("ranged", {"Range": f"bytes={SEG}-"})
    assert r.status_code == 206 and r.content == body[SEG:]
    r = alice.get("ranged", {"Range": f"bytes={n}-"})
    assert r.status_code == 416
    assert r.headers["Content-Range"] == f"bytes */{n}"
    # Several ranges are answered with the whole object (RFC 9110 allows it).
    r = alice.get("ranged", {"Range": "bytes=0-1,5-6"})
    assert r.status_code == 200 and r.content == body
    # If-Range with another entity tag: the whole object.
    r = alice.get("ranged", {"Range": "bytes=0-1", "If-Range": '"' + "0" * 64 + '"'})
    assert r.status_code == 200 and len(r.content) == n


def test_ranges_with_curl(alice, tmp_path):
    body = os.urandom(2 * SEG + 5)
    assert alice.put("curl-range", body).status_code == 201
    out = tmp_path / "part"
    url = alice.server.url + alice.url("curl-range")
    subprocess.run(["curl", "-sS", "--fail", "--tlsv1.3", "--cacert", alice.server.cert,
                    "-H", f"Authorization: Bearer {alice.token}", "-r", f"{SEG - 3}-{SEG + 3}",
                    "-o", str(out), url], check=True)
    assert out.read_bytes() == body[SEG - 3:SEG + 4]


def test_versions_are_listed_and_readable(alice):
    for i in range(3):
        assert alice.put("doc.txt", f"version {i + 1}".encode()).status_code in (200, 201)
    r = alice.get("doc.txt?versions")
    assert r.status_code == 200
    versions = r.json()["versions"]
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert [v["current"] for v in versions] == [True, False, False]
    assert alice.get("doc.txt?version=1").content == b"version 1"
    assert alice.get("doc.txt?version=2").content == b"version 2"
    assert alice.get("doc.txt?version=9").status_code == 404
    assert alice.get("doc.txt?version=x").status_code == 400


def test_retention_prunes_old_versions(make_server):
    server = make_server(extra=FAST_HASH + "[content]\nkeep_versions = 1\n")
    c = Client(server)
    for i in range(4):
        c.put("kept", f"v{i + 1}".encode())
    assert [v["version"] for v in c.get("kept?versions").json()["versions"]] == [4, 3]
    assert c.get("kept?version=1").status_code == 404
    blobs = list((server.data_dir / "blobs").rglob("*-v*"))
    assert len(blobs) == 2


def test_conditional_requests(alice):
    r = alice.put("cond", b"one", {"If-None-Match": "*"})
    assert r.status_code == 201
    etag = r.headers["ETag"]
    again = alice.put("cond", b"two", {"If-None-Match": "*"})
    assert again.status_code == 412
    wrong = alice.put("cond", b"two", {"If-Match": '"' + "a" * 64 + '"'})
    assert wrong.status_code == 412
    right = alice.put("cond", b"two", {"If-Match": etag})
    assert right.status_code == 200
    assert alice.get("cond", {"If-None-Match": right.headers["ETag"]}).status_code == 304
    assert alice.get("cond", {"If-Match": etag}).status_code == 412
    assert alice.call("DELETE", alice.url("cond"), headers={"If-Match": etag}).status_code == 412
    assert alice.get("cond").content == b"two"


def test_listing_by_prefix_delimiter_and_cursor(alice):
    names = ["a/1.txt", "a/2.txt", "a/b/3.txt", "a/b/c/4.txt", "z.txt", "alpha.txt"]
    for n in names:
        assert alice.put(n, n.encode()).status_code == 201
    base = f"/v1/workspaces/{alice.ws}/objects"
    top = alice.call("GET", base + "?delimiter=/").json()
    assert sorted(o["path"] for o in top["objects"]) == ["alpha.txt", "z.txt"]
    assert top["folders"] == ["a/"]
    a = alice.call("GET", base + "?prefix=a/&delimiter=/").json()
    assert sorted(o["path"] for o in a["objects"]) == ["a/1.txt", "a/2.txt"]
    assert a["folders"] == ["a/b/"]
    partial = alice.call("GET", base + "?prefix=al&delimiter=/").json()
    assert [o["path"] for o in partial["objects"]] == ["alpha.txt"]
    everything = alice.call("GET", base + "?prefix=a/").json()
    assert sorted(o["path"] for o in everything["objects"]) == [
        "a/1.txt", "a/2.txt", "a/b/3.txt", "a/b/c/4.txt"]
    # Cursor pagination visits every object exactly once.
    seen, cursor = [], None
    while True:
        q = base + "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = alice.call("GET", q).json()
        assert len(page["objects"]) <= 2
        seen += [o["path"] for o in page["objects"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(names)
    assert alice.call("GET", base + "?delimiter=%7C").status_code == 400
    assert alice.call("GET", base + "?cursor=abc").status_code == 400


def test_delete_copy_and_move(alice):
    assert alice.put("src/file.bin", b"payload").status_code == 201
    r = alice.call("POST", f"/v1/workspaces/{alice.ws}/copy",
                   json={"from": "src/file.bin", "to": "dst/copy.bin"})
    assert r.status_code == 201, r.text
    copy = r.json()
    assert copy["sha256"] == sha256(b"payload")
    assert alice.get("dst/copy.bin").content == b"payload"
    r = alice.call("POST", f"/v1/workspaces/{alice.ws}/move",
                   json={"from": "src", "to": "moved/src"})
    assert r.status_code == 204, r.text
    assert alice.get("src/file.bin").status_code == 404
    assert alice.get("moved/src/file.bin").content == b"payload"
    r = alice.call("POST", f"/v1/workspaces/{alice.ws}/move",
                   json={"from": "moved", "to": "moved/inside"})
    assert r.status_code == 400
    assert alice.call("DELETE", alice.url("moved/src")).status_code == 409  # not empty
    assert alice.call("DELETE", alice.url("moved/src/file.bin")).status_code == 204
    assert alice.get("moved/src/file.bin").status_code == 404
    assert alice.call("DELETE", alice.url("moved/src/file.bin")).status_code == 404
    assert alice.call("DELETE", alice.url("moved/src")).status_code == 204
    # A file where a folder is needed, and the other way round.
    assert alice.put("dst/copy.bin/deeper", b"x").status_code == 409
    assert alice.put("dst", b"x").status_code == 409


def test_path_rules(alice):
    for bad in ["..", "a/../b", "./a", "%2e%2e/x", "a//b", "a/", "a%00b", "%c0%ae%c0%ae", "a%2",
                "x" * 256]:
        status, body = alice.raw("PUT", alice.url(bad), b"x")
        assert status == 400, bad
        assert json.loads(body)["type"] == PROBLEM + "invalid-argument"
    # Decoded once: "%252e%252e" is a file literally named "%2e%2e".
    assert alice.put("%252e%252e", b"odd name").status_code == 201
    names = alice.call("GET", f"/v1/workspaces/{alice.ws}/objects?delimiter=/").json()
    assert [o["path"] for o in names["objects"]] == ["%2e%2e"]


def test_quota_is_enforced_with_a_clear_problem(make_server):
    server = make_server(extra=FAST_HASH + "[content]\nworkspace_quota_bytes = 200000\n")
    c = Client(server)
    assert c.put("small", os.urandom(1000)).status_code == 201
    big = c.put("big", os.urandom(300000))
    assert big.status_code == 413
    assert big.json()["type"] == PROBLEM + "quota-exceeded"

    def gen():  # chunked: no declared length, refused while streaming
        for _ in range(10):
            yield os.urandom(50000)

    chunked = c.put("big2", gen())
    assert chunked.status_code == 413
    assert c.get("big").status_code == 404 and c.get("big2").status_code == 404
    assert c.get("small").status_code == 200
    used = c.call("GET", f"/v1/workspaces/{c.ws}").json()["used_bytes"]
    assert 1000 < used < 2000


def test_names_and_content_are_not_stored_in_plaintext(server, alice):
    marker = "secret-project-" + secrets.token_hex(6)
    body = (marker * 1000).encode()
    assert alice.put(f"{marker}/{marker}.txt", body).status_code == 201
    needle = marker.encode()
    for f in server.data_dir.rglob("*"):
        if f.is_file():
            assert needle not in f.read_bytes(), f


def test_concurrent_uploads_to_one_path(alice):
    bodies = [os.urandom(200000 + i) for i in range(4)]
    results = [None] * 4

    def upload(i):
        results[i] = alice.put("contended", bodies[i])

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status_code in (200, 201) for r in results)
    g = alice.get("contended")
    assert g.content in bodies
    assert g.headers["ETag"] == f'"{sha256(g.content)}"'
    versions = alice.get("contended?versions").json()["versions"]
    assert sorted(v["version"] for v in versions) == [1, 2, 3, 4]
    for v in versions:
        assert sha256(alice.get(f"contended?version={v['version']}").content) == v["sha256"]


def vm_hwm_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.mark.skipif(os.environ.get("SR_SANITIZED") == "1", reason="1 GiB under ASan is too slow")
def test_one_gib_with_curl_and_python(alice, tmp_path):
    size = 1 << 30
    src = tmp_path / "big.bin"
    digest = hashlib.sha256()
    with open(src, "wb") as f:
        block = os.urandom(1 << 20)
        for i in range(size >> 20):
            chunk = bytes([i & 0xFF]) + block[1:]
            digest.update(chunk)
            f.write(chunk)
    expected = digest.hexdigest()
    pid = alice.server.proc.pid
    before = vm_hwm_kib(pid)
    url = alice.server.url + alice.url("big/1g.bin")
    auth = f"Authorization: Bearer {alice.token}"
    put = subprocess.run(["curl", "-sS", "--fail", "--tlsv1.3", "--cacert", alice.server.cert,
                          "-H", auth, "-T", str(src), url], capture_output=True, check=True)
    assert json.loads(put.stdout)["sha256"] == expected
    # Constant memory: the upload did not grow the process by its size.
    assert vm_hwm_kib(pid) - before < 64 * 1024
    out = tmp_path / "down.bin"
    subprocess.run(["curl", "-sS", "--fail", "--tlsv1.3", "--cacert", alice.server.cert,
                    "-H", auth, "-o", str(out), url], check=True)
    h = hashlib.sha256()
    with open(out, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    assert h.hexdigest() == expected
    out.unlink()
    # Python: upload a streamed body, download streamed.
    with open(src, "rb") as f:
        r = alice.put("big/1g-py.bin", f, timeout=600)
    assert r.status_code == 201 and r.json()["sha256"] == expected
    h = hashlib.sha256()
    with alice.get("big/1g-py.bin", stream=True, timeout=600) as r:
        assert r.status_code == 200
        for chunk in r.iter_content(1 << 20):
            h.update(chunk)
    assert h.hexdigest() == expected
    assert vm_hwm_kib(pid) - before < 64 * 1024


def test_kill_during_upload_leaves_old_version_and_no_temporaries(data_dir):
    port = free_port()
    write_config(data_dir, port, extra=FAST_HASH)
    server = start_server(data_dir, port)
    try:
        c = Client(server)
        old = os.urandom(100000)
        assert c.put("crash.bin", old).status_code == 201
        # Start a large chunked upload, and kill -9 the server in the middle.
        stop = threading.Event()

        def slow_body():
            for _ in range(2000):
                if stop.is_set():
                    return
                yield os.urandom(64 * 1024)
                time.sleep(0.001)

        def upload():
            try:
                c.put("crash.bin", slow_body(), timeout=30)
            except requests.RequestException:
                pass

        t = threading.Thread(target=upload)
        t.start()
        tmp_dirs = data_dir / "blobs"
        deadline = time.time() + 10
        while time.time() < deadline:  # wait until the new blob is being written
            if any(p.is_file() and ".tmp" in p.parts for p in tmp_dirs.rglob("*")):
                break
            time.sleep(0.05)
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait()
        stop.set()
        t.join()
        leftovers = [p for p in tmp_dirs.rglob("*") if p.is_file() and ".tmp" in p.parts]
        assert leftovers, "the kill did not land during the upload"
    finally:
        server.stop()
    server = start_server(data_dir, port)
    try:
        r = requests.get(server.url + c.url("crash.bin"), headers=c.headers, verify=server.cert,
                         timeout=10)
        assert r.status_code == 200 and r.content == old
        assert not [p for p in tmp_dirs.rglob("*") if p.is_file() and ".tmp" in p.parts]
    finally:
        server.stop()
    # The log is flushed on stop.
    assert any(line.get("msg") == "removed unfinished uploads" for line in server.log_lines())


def test_rotation_keeps_old_and_new_objects_readable(data_dir):
    port = free_port()
    write_config(data_dir, port, extra=FAST_HASH)
    config = str(data_dir / "strongroom.toml")
    server = start_server(data_dir, port)
    try:
        c = Client(server)
        assert c.put("before", b"written before rotation").status_code == 201
        run_cli("keys", "rotate", "--all", "--config", config)
        run_cli("keys", "rotate", "--root", "--config", config)
        assert c.put("after", b"written after rotation").status_code == 201
        run_cli("keys", "rewrap", "--config", config)
        status = json.loads(run_cli("keys", "status", "--json", "--config", config).stdout)
        assert status  # shape is checked by the keys CLI tests
    finally:
        server.stop()
    server = start_server(data_dir, port)  # cold caches: everything unwraps from the root again
    try:
        h = {"Authorization": f"Bearer {c.token}"}
        for name, text in (("before", b"written before rotation"), ("after", b"written after rotation")):
            r = requests.get(server.url + c.url(name), headers=h, verify=server.cert, timeout=10)
            assert r.status_code == 200 and r.content == text
    finally:
        server.stop()

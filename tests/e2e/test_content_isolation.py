"""The cross-tenant attack suite: another account's token, guessed ids,
blob files copied between workspaces, database rows swapped, and
crypto-shredding. Every attack must fail, and no response may carry the
victim's bytes."""
import os
import secrets
import shutil
import sqlite3

import pytest

from test_content import FAST_HASH, Client

SECRET = b"alice's unreleased render: " + secrets.token_hex(16).encode()


@pytest.fixture
def server(make_server):
    return make_server(extra=FAST_HASH)


@pytest.fixture
def alice(server):
    c = Client(server, "alice")
    assert c.put("private/plan.txt", SECRET * 100).status_code == 201
    return c


@pytest.fixture
def bob(server):
    return Client(server, "bob")


def db(server):
    conn = sqlite3.connect(server.data_dir / "strongroom.db", timeout=10)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def refused(response):
    return response.status_code >= 400 and SECRET not in response.content


def test_another_accounts_token_reaches_nothing(alice, bob):
    base = f"/v1/workspaces/{alice.ws}"
    attempts = [
        bob.get("private/plan.txt", ws=alice.ws),
        bob.call("HEAD", bob.url("private/plan.txt", ws=alice.ws)),
        bob.get("private/plan.txt?versions", ws=alice.ws),
        bob.get("private/plan.txt?version=1", ws=alice.ws),
        bob.call("GET", base),
        bob.call("GET", base + "/objects?prefix=private/"),
        bob.put("private/plan.txt", b"overwrite", ws=alice.ws),
        bob.call("DELETE", bob.url("private/plan.txt", ws=alice.ws)),
        bob.call("POST", base + "/copy", json={"from": "private/plan.txt", "to": "x"}),
        bob.call("POST", base + "/move", json={"from": "private", "to": "x"}),
        bob.call("DELETE", base),
    ]
    for r in attempts:
        assert r.status_code == 404, (r.request.method, r.request.url, r.status_code)
        assert SECRET not in r.content
    # Bob's own listing shows none of it.
    assert [w["id"] for w in bob.call("GET", "/v1/workspaces").json()["workspaces"]] == [bob.ws]
    assert alice.get("private/plan.txt").content == SECRET * 100


def test_guessed_and_malformed_workspace_ids(alice, bob):
    for ws in ["wsp_" + secrets.token_urlsafe(16)[:22].replace("-", "a").replace("_", "b"),
               "wsp_", "x", "..", "%2e%2e", alice.ws + "x", alice.ws.upper()]:
        r = bob.call("GET", f"/v1/workspaces/{ws}/objects/private/plan.txt")
        assert r.status_code in (404, 400) and refused(r), ws


def test_traversal_in_every_encoding(alice, bob):
    for path in ["../" + alice.ws + "/objects/private/plan.txt",
                 "%2e%2e/%2e%2e/" + alice.ws + "/objects/private/plan.txt",
                 "..%2f..%2f" + alice.ws, "%c0%ae%c0%ae/private/plan.txt",
                 "private/../private/plan.txt", "%252e%252e/private/plan.txt"]:
        status, body = bob.raw("GET", f"/v1/workspaces/{bob.ws}/objects/{path}")
        assert status >= 400 and SECRET not in body, path
    for path in [f"/v1/workspaces/{bob.ws}/../{alice.ws}/objects/private/plan.txt",
                 f"/v1/workspaces/{bob.ws}/objects/../../{alice.ws}/objects/private/plan.txt",
                 f"/v1/workspaces/%2e%2e/{alice.ws}/objects/private/plan.txt"]:
        status, body = bob.raw("GET", path)
        assert status >= 400 and SECRET not in body, path


def blob_files(server, ws):
    return sorted((p for p in (server.data_dir / "blobs" / ws).rglob("*-v*") if p.is_file()),
                  key=lambda p: p.name)


def test_blob_copied_into_another_workspace_does_not_decrypt(alice, bob):
    assert bob.put("private/plan.txt", b"bob's own file").status_code == 201
    [alice_blob] = blob_files(alice.server, alice.ws)
    [bob_blob] = blob_files(bob.server, bob.ws)
    shutil.copyfile(alice_blob, bob_blob)  # the attacker overwrites bob's blob with alice's
    r = bob.get("private/plan.txt")
    assert refused(r) and r.status_code == 500
    assert alice.get("private/plan.txt").content == SECRET * 100


def test_blob_of_an_older_version_substituted(alice):
    assert alice.put("private/plan.txt", b"version two").status_code == 200
    v1, v2 = blob_files(alice.server, alice.ws)  # by name: <object id>-v1, <object id>-v2
    shutil.copyfile(v1, v2)  # present version 1's blob as version 2
    r = alice.get("private/plan.txt")
    assert r.status_code == 500 and SECRET not in r.content


def test_swapped_database_rows_do_not_decrypt(alice, bob):
    assert bob.put("mine.txt", b"bob's data").status_code == 201
    conn = db(alice.server)
    with conn:
        # Point bob's object version at alice's erasure domain.
        [alice_domain] = conn.execute("SELECT default_domain_id FROM workspaces WHERE id = ?",
                                      (alice.ws,)).fetchone()
        conn.execute("UPDATE object_versions SET erasure_domain_id = ? WHERE workspace_id = ?",
                     (alice_domain, bob.ws))
    r = bob.get("mine.txt")
    assert refused(r)
    with conn:
        # Give bob's workspace alice's names key and domain: his whole tree fails.
        row = conn.execute("SELECT names_key_wrapped, default_domain_id, name_ct FROM workspaces "
                           "WHERE id = ?", (alice.ws,)).fetchone()
        conn.execute("UPDATE workspaces SET names_key_wrapped = ?, default_domain_id = ?, "
                     "name_ct = ? WHERE id = ?", (*row, bob.ws))
    for r in [bob.get("mine.txt"), bob.call("GET", f"/v1/workspaces/{bob.ws}/objects"),
              bob.call("GET", "/v1/workspaces")]:
        assert refused(r)
    with conn:
        # Move alice's version row under bob's object id: identity mismatch.
        [bob_node] = conn.execute("SELECT id FROM nodes WHERE workspace_id = ? AND kind = 'file'",
                                  (bob.ws,)).fetchone()
        conn.execute("DELETE FROM object_versions WHERE node_id = ?", (bob_node,))
        conn.execute("UPDATE object_versions SET node_id = ? WHERE workspace_id = ?",
                     (bob_node, alice.ws))
    assert refused(alice.get("private/plan.txt"))
    assert refused(bob.get("mine.txt"))


def test_crypto_shredding_leaves_nothing_that_decrypts(server, alice):
    conn = db(server)
    wrapped = [row[0] for row in conn.execute(
        "SELECT wrapped FROM key_erasure_domains WHERE workspace_id = ? UNION ALL "
        "SELECT wrapped FROM key_workspace_keks WHERE workspace_id = ?", (alice.ws, alice.ws))]
    assert wrapped
    saved = server.data_dir.parent / "saved-blobs"
    shutil.copytree(server.data_dir / "blobs" / alice.ws, saved)
    r = alice.call("DELETE", f"/v1/workspaces/{alice.ws}")
    assert r.status_code == 204, r.text
    assert not (server.data_dir / "blobs" / alice.ws).exists()
    for table in ("key_workspace_keks", "key_erasure_domains", "workspaces", "nodes",
                  "object_versions"):
        column = "id" if table == "workspaces" else "workspace_id"
        count = conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?",
                             (alice.ws,)).fetchone()[0]
        assert count == 0, table
    assert conn.execute("SELECT count(*) FROM key_shredded WHERE id = ?",
                        (alice.ws,)).fetchone()[0] == 1
    conn.close()
    # No file of the data directory (database, WAL, anything) still holds a
    # wrapped key of the workspace, so the saved blobs can never be opened.
    for f in server.data_dir.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            for w in wrapped:
                assert w not in data, f
    assert any(saved.rglob("*-v*"))
    # The account gets a fresh, empty personal workspace.
    [w] = alice.call("GET", "/v1/workspaces").json()["workspaces"]
    assert w["id"] != alice.ws

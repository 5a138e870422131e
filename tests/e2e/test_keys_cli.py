"""`strongroom keys status|rotate|rewrap` against a data directory made by `init`.

Workspace keys are written straight into the database by an independent
Python implementation of docs/formats/keys.md (the content module, which
creates them in a running server, is not needed for this), so the test also
checks that the binary and the document agree: the CLI must unwrap what
Python wrapped, and Python must unwrap what the CLI rewrapped.
"""
import json
import os
import sqlite3
import stat
import struct
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from conftest import run_cli


def hkdf(ikm, salt, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def lp(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">Q", len(b)) + b


def wrap(kwk, version, context, key):
    header = b"\x01" + struct.pack(">I", version)
    salt, nonce = os.urandom(16), os.urandom(12)
    one_time = hkdf(kwk, salt, b"strongroom/key-wrap/v1")
    return header + salt + nonce + AESGCM(one_time).encrypt(nonce, key, header + context)


def unwrap(kwk, context, wrapped):
    assert len(wrapped) == 81 and wrapped[0] == 1
    one_time = hkdf(kwk, wrapped[5:21], b"strongroom/key-wrap/v1")
    return AESGCM(one_time).decrypt(wrapped[21:33], wrapped[33:], wrapped[:5] + context)


def kek_context(ws, version):
    return lp("strongroom/kek/v1") + lp(ws) + struct.pack(">I", version)


def domain_context(ws, domain_id):
    return lp("strongroom/erasure-domain-key/v1") + lp(ws) + lp(domain_id)


def root_wrapping_key(root_file):
    root = root_file.read_bytes()
    return hkdf(root, b"strongroom/subkey/v1", b"strongroom/kek-wrap/v1")


def keys(config, *args):
    return run_cli("keys", *args, "--config", str(config))


def status(config):
    return json.loads(keys(config, "status", "--json").stdout)


@pytest.fixture
def workspaces(data_dir):
    """Two workspaces with KEK v1 and a default domain each; returns their domain keys."""
    config = data_dir / "strongroom.toml"
    keys(config, "status")  # opens the store: creates the database and runs the migrations
    kwk = root_wrapping_key(data_dir / "root.key")
    created = int(time.time()) - 100 * 86400  # old enough for a rotation to be due
    domain_keys = {}
    db = sqlite3.connect(data_dir / "strongroom.db")
    with db:
        for n, ws in enumerate(["ws_alpha", "ws_beta"]):
            kek, domain_key = os.urandom(32), os.urandom(32)
            domain_id = "edk_" + str(n) * 22
            db.execute("INSERT INTO key_workspace_keks VALUES(?, 1, ?, 1, ?)",
                       (ws, wrap(kwk, 1, kek_context(ws, 1), kek), created))
            db.execute("INSERT INTO key_erasure_domains VALUES(?, ?, NULL, 1, ?, ?)",
                       (domain_id, ws, wrap(kek, 1, domain_context(ws, domain_id), domain_key),
                        created))
            domain_keys[(ws, domain_id)] = domain_key
    db.close()
    return config, domain_keys


def test_status_of_a_fresh_data_directory(data_dir):
    config = data_dir / "strongroom.toml"
    out = status(config)
    assert out["workspace_keys"] == []
    [root] = out["root"]
    assert root["version"] == 1 and root["current"] and root["keks"] == 0
    assert root["age_days"] == 0 and not root["rotation_due"]
    table = keys(config, "status").stdout
    assert "ROOT" in table and "current" in table


def test_rotate_and_rewrap(workspaces, data_dir):
    config, domain_keys = workspaces
    before = status(config)
    assert [k["workspace_id"] for k in before["workspace_keys"]] == ["ws_alpha", "ws_beta"]
    assert all(k["version"] == 1 and k["rotation_due"] for k in before["workspace_keys"])
    assert before["root"][0]["keks"] == 2

    out = keys(config, "rotate", "--all")
    assert "rotated 2 workspace keys" in out.stdout
    out = keys(config, "rotate", "--workspace", "ws_alpha")
    assert "version 3" in out.stdout
    out = keys(config, "rotate", "--root")
    assert "version 2" in out.stdout
    root2 = data_dir / "root.key.2"
    assert stat.S_IMODE(os.stat(root2).st_mode) == 0o600 and os.path.getsize(root2) == 32

    mid = status(config)
    assert [r["version"] for r in mid["root"]] == [1, 2]
    assert mid["root"][1]["current"] and not mid["root"][1]["rotation_due"]
    current = {k["workspace_id"]: k["version"] for k in mid["workspace_keys"] if k["current"]}
    assert current == {"ws_alpha": 3, "ws_beta": 2}
    assert not any(k["rotation_due"] for k in mid["workspace_keys"] if k["current"])
    assert mid["pending_rewrap"] == {"keks": 5, "domains": 2}

    out = keys(config, "rewrap")
    assert "rewrapped 2 erasure-domain keys and 2 workspace keys; destroyed 3" in out.stdout
    after = status(config)
    assert after["pending_rewrap"] == {"keks": 0, "domains": 0}
    assert [(k["workspace_id"], k["version"], k["root_version"], k["domains"])
            for k in after["workspace_keys"]] == [("ws_alpha", 3, 2, 1), ("ws_beta", 2, 2, 1)]
    assert [r["keks"] for r in after["root"]] == [0, 2]

    # Python opens what the binary rewrapped: same domain keys, new wrapping.
    kwk2 = root_wrapping_key(root2)
    db = sqlite3.connect(data_dir / "strongroom.db")
    for (ws, domain_id), domain_key in domain_keys.items():
        version, wrapped_kek = db.execute(
            "SELECT version, wrapped FROM key_workspace_keks WHERE workspace_id = ?",
            (ws,)).fetchone()
        assert wrapped_kek[1:5] == struct.pack(">I", 2)  # under root version 2
        kek = unwrap(kwk2, kek_context(ws, version), wrapped_kek)
        kek_version, wrapped = db.execute(
            "SELECT kek_version, wrapped FROM key_erasure_domains WHERE id = ?",
            (domain_id,)).fetchone()
        assert kek_version == version
        assert unwrap(kek, domain_context(ws, domain_id), wrapped) == domain_key
    db.close()

    # A second rewrap has nothing to do.
    out = keys(config, "rewrap")
    assert "rewrapped 0 erasure-domain keys and 0 workspace keys; destroyed 0" in out.stdout


def test_rotate_needs_exactly_one_target(workspaces):
    config, _ = workspaces
    r = keys_fail(config, "rotate")
    assert r.returncode != 0 and "--workspace" in r.stderr
    r = keys_fail(config, "rotate", "--all", "--root")
    assert r.returncode != 0
    r = keys_fail(config, "rotate", "--workspace", "ws_nope")
    assert r.returncode == 1 and "not found" in r.stderr


def test_a_key_row_moved_to_another_workspace_is_refused(workspaces, data_dir):
    config, _ = workspaces
    db = sqlite3.connect(data_dir / "strongroom.db")
    with db:
        db.execute("UPDATE key_workspace_keks SET wrapped = (SELECT wrapped FROM "
                   "key_workspace_keks WHERE workspace_id = 'ws_alpha') "
                   "WHERE workspace_id = 'ws_beta'")
    db.close()
    keys(config, "rotate", "--root")
    r = keys_fail(config, "rewrap")
    assert r.returncode == 1
    assert "ws_beta" in r.stderr and "key unwrap failed" in r.stderr


def keys_fail(config, *args):
    return run_cli("keys", *args, "--config", str(config), check=False)

#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets: fuzz/corpus/<target>/<name>.

Deterministic; run from anywhere with Debian's python3 (python3-cryptography
for the one real key wrap):
    /usr/bin/python3 fuzz/make_corpus.py
It rewrites every seed it knows and leaves other files (e.g. inputs a fuzzer
found and someone committed) alone. The object header seeds are the golden
blobs and headers of tests/vectors/object/object_v1.txt; the wrapped key seed
is an independent implementation of docs/formats/keys.md, so a seed that stops
unwrapping is a format change, not a corpus problem.
"""
import pathlib
import struct
import zlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def write(target: str, name: str, data) -> None:
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


# --- object_header_fuzz: golden blobs and headers -------------------------
def vector_records():
    records, current = [], {}
    text = (ROOT / "tests/vectors/object/object_v1.txt").read_text()
    for line in text.splitlines() + [""]:
        if line.startswith("#"):
            continue
        if " = " in line:
            k, v = line.split(" = ", 1)
            current[k] = v
        elif current:
            records.append(current)
            current = {}
    return records


for r in vector_records():
    if "Blob" in r:
        write("object_header_fuzz", f"blob-{r['Name']}", bytes.fromhex(r["Blob"]))
    else:
        write("object_header_fuzz", f"header-{r['Name']}", bytes.fromhex(r["Header"]))
write("object_header_fuzz", "magic-only", b"SROBJ\r\n\x1a")
write("object_header_fuzz", "not-an-object", b"PK\x03\x04 not a strongroom object")

# --- object_path_fuzz: encoded paths and prefixes -------------------------
PATHS = {
    "simple": "docs/report.pdf",
    "single": "a",
    "encoded-slash": "a%2Fb",
    "encoded-utf8": "%E2%82%AC/caf%C3%A9.txt",
    "raw-utf8": "caf\u00e9/\u65e5\u672c/\U0001F600.txt",
    "folder-prefix": "photos/2024/",
    "partial-dot": "home/.",
    "dot-dot": "a/../b",
    "encoded-dot-dot": "a/%2E%2E/b",
    "double-slash": "a//b",
    "leading-slash": "/a",
    "bad-escape": "a%zzb",
    "trailing-percent": "abc%4",
    "nul": "a%00b",
    "c1-control": "a%C2%85b",
    "surrogate": "%ED%A0%80",
    "overlong": "%C0%AF",
    "plus-and-space": "a+b c",
    "long-name": "n" * 255,
    "too-long-name": "n" * 256,
    "deep": "/".join(["d"] * 64),
    "too-deep": "/".join(["d"] * 65),
}
for name, path in PATHS.items():
    write("object_path_fuzz", name, path)

# --- range_fuzz: 8-byte big-endian size, then the Range header ------------
RANGES = [
    ("first-500", 10000, "bytes=0-499"),
    ("open-end", 10000, "bytes=9500-"),
    ("suffix", 10000, "bytes=-500"),
    ("suffix-longer", 100, "bytes=-500"),
    ("suffix-zero", 100, "bytes=-0"),
    ("one-byte", 1, "bytes=0-0"),
    ("empty-object", 0, "bytes=0-"),
    ("past-end", 100, "bytes=100-200"),
    ("clipped", 100, "bytes=50-1000"),
    ("reversed", 100, "bytes=5-3"),
    ("several", 100, "bytes=0-1,5-6"),
    ("other-unit", 100, "items=0-1"),
    ("upper-and-spaces", 100, " BYTES= 1 - 2\t"),
    ("max-size", 2**64 - 1, "bytes=18446744073709551614-"),
    ("overflow", 2**64 - 1, "bytes=99999999999999999999-"),
    ("nineteen-digits", 2**64 - 1, "bytes=-9999999999999999999"),
]
for name, size, header in RANGES:
    write("range_fuzz", name, struct.pack(">Q", size) + header.encode())
write("range_fuzz", "short", b"\x01\x02")


# --- wrapped_key_fuzz: one real wrap (wrapped_key_fuzz.cc's kSeedWrap) ----
def context_field(s: bytes) -> bytes:
    return struct.pack(">Q", len(s)) + s


KWK = bytes(range(0x20, 0x40))
KEY = bytes(range(0x40, 0x60))
CONTEXT = (context_field(b"strongroom/data-key/v1") + context_field(b"wsp_fuzz")
           + context_field(b"obj_fuzz") + struct.pack(">Q", 7) + context_field(b"edk_fuzz"))
header = b"\x01" + struct.pack(">I", 3)
salt = bytes(range(0x80, 0x90))
nonce = bytes(range(0x90, 0x9C))
one_time = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"strongroom/key-wrap/v1").derive(KWK)
wrap = header + salt + nonce + AESGCM(one_time).encrypt(nonce, KEY, header + CONTEXT)
assert len(wrap) == 81
write("wrapped_key_fuzz", "real-wrap", wrap)
write("wrapped_key_fuzz", "other-version", b"\x01" + struct.pack(">I", 4) + wrap[5:])
write("wrapped_key_fuzz", "format-2", b"\x02" + wrap[1:])
write("wrapped_key_fuzz", "truncated", wrap[:-1])
write("wrapped_key_fuzz", "extended", wrap + b"\x00")
write("wrapped_key_fuzz", "tag-flipped", wrap[:-1] + bytes([wrap[-1] ^ 1]))
write("wrapped_key_fuzz", "zeros", b"\x01" + bytes(80))

# --- token_fuzz: tokens of every type and near misses ---------------------
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(value: int, width: int) -> str:
    out = ""
    for _ in range(width):
        out = B62[value % 62] + out
        value //= 62
    return out


def token(letter: str, body: str) -> str:
    text = f"sr{letter}_{body}"
    return text + base62(zlib.crc32(text.encode()), 6)


BODY = (B62 * 2)[7:50]
assert len(BODY) == 43
for letter in "srvik":
    write("token_fuzz", f"valid-{letter}", token(letter, BODY))
good = token("s", BODY)
write("token_fuzz", "bad-checksum", good[:-1] + ("0" if good[-1] != "0" else "1"))
write("token_fuzz", "short", good[:-1])
write("token_fuzz", "long", good + "0")
write("token_fuzz", "unknown-type", token("x", BODY))
write("token_fuzz", "bad-char", token("s", BODY[:10] + "-" + BODY[11:]))
write("token_fuzz", "id", "acc_" + BODY[:22])
write("token_fuzz", "zero-checksum", token("k", "0" * 43))

# --- json_body_fuzz: request bodies ---------------------------------------
JSON = {
    "sign-in": '{"email":"a@example.com","password":"correct horse battery staple"}',
    "nested": '{"a":[1,2,{"b":null}],"c":{"d":[true,false,-1.5e10]}}',
    "unicode": '{"name":"caf\\u00e9 \\ud83d\\ude00 \u65e5\u672c","email":"x"}',
    "bad-surrogate": '{"name":"\\ud800"}',
    "not-object": '["email","a"]',
    "number-field": '{"email":42,"password":null}',
    "duplicate": '{"email":"a","email":"b"}',
    "big-number": '{"n":1e308,"m":-123456789012345678901234567890,"u":18446744073709551616}',
    # Found by this target: nlohmann throws out_of_range, not parse_error (710f0b5).
    "number-overflow": '{"n":1e400}',
    "truncated": '{"email":"a@example',
    "depth-64": "[" * 64 + "]" * 64,
    "depth-65": "[" * 65 + "]" * 65,
    "empty": "",
    "bom": "\ufeff{}",
}
for name, body in JSON.items():
    write("json_body_fuzz", name, body)
write("json_body_fuzz", "invalid-utf8", b'{"email":"\xff\xfe"}')

# --- config_fuzz: strongroom.toml ------------------------------------------
CONFIGS = {
    "empty": "",
    "full": """\
[server]
listen = "0.0.0.0:8443"
redirect_listen = "[::]:8080"
public_url = "https://files.example.com/"
workers = 4
max_connections = 1000
header_limit_bytes = 16384
body_limit_bytes = 1048576
header_timeout_seconds = 10
shutdown_grace_seconds = 0

[tls]
certificate = "tls/cert.pem"
private_key = "/etc/strongroom/key.pem"
min_version = "1.2"

[store]
path = "../data/strongroom.db"

[keys]
root_key_file = "root.key"
rotate_after_days = 90
cache_ttl_seconds = 300

[content]
blob_dir = "blobs"
max_object_bytes = 1099511627776
keep_versions = 10

[log]
level = "debug"
access = false

[diagnostics]
echo = true

[accounts]
require_verified_email = true
reset_token_seconds = 900

[sessions]
lifetime_seconds = 604800

[passwords]
min_length = 12
breached_file = ""
argon2_memory_kib = 65536

[throttle]
enabled = true
ip_window_seconds = 300

[mail]
transport = "smtp"
smtp_host = "smtp.example.com"
smtp_port = 465
smtp_security = "tls"
smtp_password_file = "secrets/smtp"
""",
    "unknown-key": '[server]\nlisten = "0.0.0.0:8443"\nlisen = "x"\n',
    "unknown-table": "[srever]\nworkers = 1\n",
    "wrong-type": "[server]\nworkers = \"four\"\n",
    "out-of-range": "[server]\nworkers = 100000\n",
    "syntax-error": "[server\nworkers = 1\n",
    "bad-endpoint": '[server]\nlisten = "::1:80"\n',
    "http-url": '[server]\npublic_url = "http://example.com"\n',
    "nul-in-string": '[store]\npath = "a\\u0000b"\n',
    "control-key": '[server]\n"a\\nb" = 1\n',
    "dotted-keys": 'server.workers = 2\nlog.level = "off"\n',
    "inline-table": 'tls = { min_version = "1.3" }\n',
    "array-of-tables": "[[server]]\nworkers = 1\n",
    "not-a-table": "server = 1\n",
    "empty-path": '[tls]\ncertificate = ""\n',
    "huge-integer": "[content]\nmax_object_bytes = 9223372036854775807\n",
}
for name, text in CONFIGS.items():
    write("config_fuzz", name, text)

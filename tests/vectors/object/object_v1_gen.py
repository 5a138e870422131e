#!/usr/bin/env python3
"""Writes object_v1.txt: golden vectors for the object blob format, version 1.

This is an independent implementation of docs/formats/object.md using the
Python `cryptography` package (Debian python3-cryptography), not strongroom's
C++ code. It pins the format: a change to the C++ writer that would alter any
byte of a blob, or make an old blob unreadable, fails ObjectVectorsTest. Run it
only to add records, never to "fix" a failing test:
    /usr/bin/python3 tests/vectors/object/object_v1_gen.py > tests/vectors/object/object_v1.txt
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"SROBJ\r\n\x1a"
FORMAT_VERSION = 1
SUITE = 1
CONTENT_LABEL = b"strongroom/object/v1/content-key"
MAC_LABEL = b"strongroom/object/v1/header-mac"


def hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def lp8(s: bytes) -> bytes:
    assert 1 <= len(s) <= 64 and all(0x21 <= c <= 0x7E for c in s)
    return bytes([len(s)]) + s


def pattern(size: int) -> bytes:
    return bytes(j % 251 for j in range(size))


def encrypt(seg, ws, obj, version, ed, data_key, salt, wrapped, plaintext):
    core = (MAGIC + struct.pack(">HHI", FORMAT_VERSION, SUITE, seg) + lp8(ws) + lp8(obj)
            + struct.pack(">Q", version) + lp8(ed) + salt)
    content_key = hkdf(data_key, salt, CONTENT_LABEL + b"\x00" + core[8:-32])
    mac_key = hkdf(data_key, salt, MAC_LABEL)
    body = core + struct.pack(">H", len(wrapped)) + wrapped
    header = body + hmac.new(mac_key, body, hashlib.sha256).digest()
    aad = hashlib.sha256(core).digest()
    chunks = [plaintext[i:i + seg] for i in range(0, len(plaintext), seg)] or [b""]
    assert len(chunks) <= 2**32
    gcm = AESGCM(content_key)
    segments = b""
    for i, chunk in enumerate(chunks):
        final = i == len(chunks) - 1
        nonce = i.to_bytes(11, "big") + (b"\x01" if final else b"\x00")
        segments += gcm.encrypt(nonce, chunk, aad)
    return content_key, mac_key, header, header + segments


WS = b"wsp_4fJq8ZkT2mWcR9xLbN7vYd"
OBJ = b"obj_8HkR2pLmQ7sXcV4tZ9nBwE"
ED = b"edk_1aB2cD3eF4gH5iJ6kL7mN8"
DATA_KEY = bytes(range(32))
SALT = bytes(range(0xA0, 0xC0))
WRAPPED = bytes(range(0x40, 0x40 + 60))

CASES = []  # (name, segment size, plaintext size, ws, obj, version, ed, data key, salt, wrapped, full blob?)
for seg, full in ((256, True), (65536, False)):
    for size in (0, 1, seg - 1, seg, seg + 1, 3 * seg + 17):
        CASES.append((f"s{seg}-p{size}", seg, size, WS, OBJ, 7, ED, DATA_KEY, SALT, WRAPPED, full))
# The largest header: 64-byte ids, the largest version and wrapped key.
CASES.append(("s256-max-header", 256, 300, b"W" * 64, b"~" * 64, 2**64 - 1, b"!" * 64,
              bytes([0xFF] * 32), bytes(32), bytes([0x5A] * 1024), True))

print(__doc__.strip().replace("\n", "\n# ").join(["# ", ""]))
print("#")
print("# Plaintext: byte j is j mod 251, PlaintextSize bytes. Blob is present only")
print("# when small; BlobSha256 pins every record. ContentKey and MacKey are the")
print("# derived keys (test keys only).\n")
for name, seg, size, ws, obj, version, ed, data_key, salt, wrapped, full in CASES:
    content_key, mac_key, header, blob = encrypt(seg, ws, obj, version, ed, data_key, salt,
                                                 wrapped, pattern(size))
    print(f"Name = {name}")
    print(f"SegmentSize = {seg}")
    print(f"PlaintextSize = {size}")
    print(f"WorkspaceId = {ws.decode()}")
    print(f"ObjectId = {obj.decode()}")
    print(f"Version = {version}")
    print(f"ErasureDomainId = {ed.decode()}")
    print(f"DataKey = {data_key.hex()}")
    print(f"Salt = {salt.hex()}")
    print(f"WrappedKey = {wrapped.hex()}")
    print(f"ContentKey = {content_key.hex()}")
    print(f"MacKey = {mac_key.hex()}")
    print(f"Header = {header.hex()}")
    print(f"BlobSize = {len(blob)}")
    print(f"BlobSha256 = {hashlib.sha256(blob).hexdigest()}")
    if full:
        print(f"Blob = {blob.hex()}")
    print()

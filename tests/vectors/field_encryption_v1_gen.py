#!/usr/bin/env python3
"""Writes field_encryption_v1.txt: format-pinning vectors for FieldCipher.

This is an independent implementation of docs/formats/field-encryption.md
using the Python `cryptography` package, not strongroom's C++ code. It is not
a published standard; it pins the v1 format so that a change to the C++ code
that would make old blobs unreadable fails a test. Run it only to add entries:
    python3 tests/vectors/field_encryption_v1_gen.py > tests/vectors/field_encryption_v1.txt
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def subkey(root: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"strongroom/subkey/v1", info=label).derive(root)


def lp(s: bytes) -> bytes:
    return struct.pack(">Q", len(s)) + s


CASES = [
    # root, nonce, table, column, row_id, plaintext, normalized value for the blind index
    (bytes(range(32)), bytes(range(0xA0, 0xAC)), b"users", b"email", b"42", b"alice@example.com", b"alice@example.com"),
    (bytes(range(32)), bytes(12), b"users", b"phone", b"7d1f0c2e", b"", b"+441632960961"),
    (bytes([0xFF] * 32), bytes(range(12)), b"patients", b"name", b"row-9", "Zoë Ångström".encode(), b"zoe angstrom"),
]

print(__doc__.strip().replace("\n", "\n# ").join(["# ", ""]))
print("#\n# Fields: Root (hex), Table, Column, RowId, Nonce (hex), Plaintext (hex), KeyId (hex),")
print("# Blob (hex); BlindValue and BlindIndex (hex) for FieldCipher::BlindIndex(Table, Column, BlindValue).\n")
for root, nonce, table, column, row_id, plaintext, blind_value in CASES:
    field_key = subkey(root, b"strongroom/field-encryption/v1")
    blind_key = subkey(root, b"strongroom/blind-index/v1")
    key_id = hashlib.sha256(field_key).digest()[:4]
    header = b"\x01" + key_id
    aad = header + lp(table) + lp(column) + lp(row_id)
    blob = header + nonce + AESGCM(field_key).encrypt(nonce, plaintext, aad)
    blind = hmac.new(blind_key, lp(table) + lp(column) + lp(blind_value), hashlib.sha256).hexdigest()
    print(f"Root = {root.hex()}\nTable = {table.decode()}\nColumn = {column.decode()}\nRowId = {row_id.decode()}")
    print(f"Nonce = {nonce.hex()}\nPlaintext = {plaintext.hex()}\nKeyId = {key_id.hex()}\nBlob = {blob.hex()}")
    print(f"BlindValue = {blind_value.decode()}\nBlindIndex = {blind}\n")

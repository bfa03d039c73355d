"""PEM P-384 public keys as IVS imports them (ivs ImportPlaybackKeyPair, ivs-realtime
ImportPublicKey): the one parser, and the fingerprint both services report. Standard library only."""
from __future__ import annotations

import base64
import hashlib

# NIST P-384 (secp384r1): y^2 = x^3 - 3x + b over GF(p).
_P = 2 ** 384 - 2 ** 128 - 2 ** 96 + 2 ** 32 - 1
_B = int('b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875a'
         'c656398d8a2ed19d2a85c8edd3ec2aef', 16)
# DER prefix of a SubjectPublicKeyInfo for an uncompressed P-384 point:
# SEQUENCE { SEQUENCE { OID ecPublicKey, OID secp384r1 }, BIT STRING (0x00 0x04 || X || Y) }
_SPKI_PREFIX = bytes.fromhex('3076301006072a8648ce3d020106052b81040022036200')
_BEGIN, _END = '-----BEGIN PUBLIC KEY-----', '-----END PUBLIC KEY-----'


def p384_public_key_der(pem: str) -> bytes:
    """The DER SubjectPublicKeyInfo of a PEM P-384 public key (uncompressed, a point on the
    curve). Raises ValueError saying what it is not: 'not a PEM-encoded public key' or 'not an
    ECDSA public key on the P-384 curve'."""
    text = pem.strip()
    der = b''
    if text.startswith(_BEGIN) and text.endswith(_END):
        try:
            der = base64.b64decode(''.join(text[len(_BEGIN):-len(_END)].split()), validate=True)
        except ValueError:
            der = b''
    if not der:
        raise ValueError('not a PEM-encoded public key')
    if len(der) != 120 or not der.startswith(_SPKI_PREFIX) or der[23] != 4:
        raise ValueError('not an ECDSA public key on the P-384 curve')
    x, y = int.from_bytes(der[24:72], 'big'), int.from_bytes(der[72:120], 'big')
    if not (x < _P and y < _P) or (y * y - (x ** 3 - 3 * x + _B)) % _P:
        raise ValueError('not an ECDSA public key on the P-384 curve')
    return der


def fingerprint(der: bytes) -> str:
    """The colon-separated SHA-256 of a key's DER encoding."""
    return ':'.join(f'{b:02x}' for b in hashlib.sha256(der).digest())

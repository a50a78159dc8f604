"""Property tests of the core's strict base64url decoder (csrc/b64url.c).

``turbojwt._core.b64url_decode(data)`` is the decoder every token segment goes
through: an AVX2 or SSSE3 kernel (picked at run time) for the whole 4-char
quanta when there are at least 16 chars of them (32-char AVX2 blocks, then a
16-char block, then an overlapping last 16-char block), scalar code for the rest.

What it accepts, pinned here against an independent Python oracle (``canonical``):

- the URL-safe alphabet only (A-Z a-z 0-9 '-' '_'); '+', '/', whitespace,
  newlines and every other byte are refused wherever they are, inside a SIMD
  block or in the scalar tail;
- a length of 0, 2 or 3 mod 4 (1 mod 4 is never a whole number of bytes);
- zero unused bits in the last char ('QQ' decodes, 'QR' does not), so every
  byte string has exactly one unpadded spelling;
- '=' padding only as base64.urlsafe_b64encode writes it (one or two '=', total
  length a multiple of 4): PyJWT 2.15 pads and decodes such segments, and some
  issuers (AWS ALB) send them (csrc/b64url.h). Any other '=' is refused.

Compared with base64.urlsafe_b64decode on every valid input (it is the
reference for the bytes; it is not the reference for rejection, since it
discards characters outside the alphabet and ignores trailing bits).
"""

from __future__ import annotations

import base64
import os
import random
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turbojwt._core import b64url_decode

SCALE = max(1, int(os.environ.get("TURBOJWT_PROPERTY_SCALE", "1")))
PROFILE = dict(deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
INVALID = bytes(sorted(set(range(256)) - set(ALPHABET)))  # 192 bytes, '=' among them
MAX_LEN = 300  # decoded bytes: up to 400 chars, many 32-char AVX2 blocks


def encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def canonical(text: bytes):
    """The decoded bytes when text is an accepted spelling, else None (independent of the core)."""
    body = text
    if body.endswith(b"="):
        body = body[:-2] if body.endswith(b"==") else body[:-1]
        if len(text) % 4:
            return None
    if body.translate(None, ALPHABET) or len(body) % 4 == 1:  # a byte outside the alphabet
        return None
    data = base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4))
    if encode(data) != body:  # nonzero unused bits: a second spelling of data
        return None
    return data


def decode(text: bytes):
    """The core's verdict: the bytes, or None when it raises ValueError (and nothing else)."""
    try:
        return b64url_decode(text)
    except ValueError as exc:
        assert type(exc) is ValueError and str(exc) == "not strict base64url", repr(exc)
        return None


def agree(text: bytes):
    got, want = decode(text), canonical(text)
    assert got == want, f"{text!r}: core {got!r}, canonical {want!r}"
    return got


# ------------------------------------------------------------------ valid input

def test_every_length_round_trips():
    rnd = random.Random(2015)
    for n in range(MAX_LEN + 1):
        for data in (rnd.randbytes(n), b"\x00" * n, b"\xff" * n, bytes(i % 256 for i in range(n))):
            text = encode(data)
            assert b64url_decode(text) == data == base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))
            padded = base64.urlsafe_b64encode(data)
            assert b64url_decode(padded) == data  # PyJWT's padding, as urlsafe_b64encode writes it
            assert agree(text) == data


@settings(max_examples=400 * SCALE, **PROFILE)
@given(st.binary(max_size=MAX_LEN))
def test_generated_bytes_round_trip(data):
    text = encode(data)
    assert b64url_decode(text) == data == base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))
    assert b64url_decode(base64.urlsafe_b64encode(data)) == data


# ------------------------------------------------------------------ non-canonical forms

def test_examples():
    assert b64url_decode(b"") == b""
    assert b64url_decode(b"QQ") == b"A" and b64url_decode(b"QQ==") == b"A"
    assert b64url_decode(b"QUI") == b"AB" and b64url_decode(b"QUI=") == b"AB"
    assert b64url_decode(b"-_-_") == b"\xfb\xff\xbf"
    for bad in (b"QR", b"QUJ", b"Q", b"QUJDR", b"QQ=", b"QQ===", b"QUI==", b"QUJD=", b"QUJD==", b"=", b"==",
                b"====", b"Q===", b"QQ==QQ==", b"Q=Q=", b"+/+/", b"QU+=", b"QQ\n", b"QUJD\n", b" QUJD",
                b"QU JD", b"QUJD\r\n", b"QUJ\t", b"\xc3\x81QUJD"):
        assert decode(bad) is None, bad
        assert canonical(bad) is None, bad


def _texts(lengths):
    rnd = random.Random(0xB64)
    for n in lengths:
        yield encode(rnd.randbytes(n))


def test_every_invalid_byte_at_every_position():
    """Each position of texts long enough for every kernel path: the AVX2 blocks, the
    16-char block, the overlapping last block, the scalar tail. Every byte outside
    the alphabet at positions of the short texts; a rotating one (all 192 in turn)
    at every position of every length up to 400 chars."""
    for text in _texts([1, 2, 3, 11, 12, 13, 24, 36, 48, 60, 72, 96]):
        for i in range(len(text)):
            for b in INVALID:
                agree(text[:i] + bytes([b]) + text[i + 1:])
    k = 0
    for text in _texts(range(MAX_LEN + 1)):
        for i in range(len(text)):
            for b in (INVALID[k % len(INVALID)], ord("+"), ord("/")):
                bad = text[:i] + bytes([b]) + text[i + 1:]
                if b == ord("="):
                    agree(bad)  # may be canonical padding in the last two places
                else:
                    assert decode(bad) is None, bad
            k += 1


def test_standard_alphabet_is_refused_even_where_it_means_the_same_bits():
    """'-' and '_' at each position decode; '+' and '/' there, which base64.b64decode
    reads as the very same bits, are refused (in SIMD blocks and the scalar tail)."""
    rnd = random.Random(7)
    for n in range(121):
        text = encode(rnd.randbytes(n))
        for i in range(len(text) - 1):  # the last char also carries unused bits: left alone
            for url, std in ((b"-", b"+"), (b"_", b"/")):
                ok, bad = text[:i] + url + text[i + 1:], text[:i] + std + text[i + 1:]
                data = b64url_decode(ok)
                std_text = bad.translate(bytes.maketrans(b"-_", b"+/"))
                assert data == base64.b64decode(std_text + b"=" * (-len(bad) % 4), validate=True)
                assert decode(bad) is None, bad


def test_length_1_mod_4_is_refused():
    rnd = random.Random(11)
    for n in range(0, 401, 4):
        text = bytes(rnd.choice(ALPHABET) for _ in range(n + 1))
        assert decode(text) is None
        assert decode(text + b"===") is None


def test_nonzero_unused_bits_in_the_last_char():
    """Every alphabet char in the last position: only the spellings with zero
    unused bits (16 of 64 after 3 chars, 4 of 64 after 2) decode."""
    rnd = random.Random(13)
    for n in range(MAX_LEN + 1):
        text = encode(rnd.randbytes(n))
        if n % 3 == 0:
            continue
        accepted = [c for c in ALPHABET if decode(text[:-1] + bytes([c])) is not None]
        assert len(accepted) == (16 if n % 3 == 2 else 4), (n, accepted)
        assert text[-1] in accepted
        for c in ALPHABET:
            agree(text[:-1] + bytes([c]))
            agree(text[:-1] + bytes([c]) + b"=" * (-len(text) % 4))  # the padded spelling too


def test_whitespace_and_newlines_anywhere():
    rnd = random.Random(17)
    for n in (0, 1, 2, 3, 12, 24, 25, 48, 100, 250):
        text = encode(rnd.randbytes(n))
        for ws in (b" ", b"\n", b"\r\n", b"\t", b"\x0b", b"\x0c", b"\x00"):
            for i in range(0, len(text) + 1, max(1, len(text) // 16)):
                assert decode(text[:i] + ws + text[i:]) is None
            if text:
                # MIME-style line breaks every 76 chars, as base64.encodebytes writes them
                assert decode(base64.encodebytes(base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4)))) is None


# ------------------------------------------------------------------ anything at all

@settings(max_examples=500 * SCALE, **PROFILE)
@given(st.binary(max_size=MAX_LEN), st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 12), st.binary(
    min_size=1, max_size=3)), max_size=3))
def test_mutated_encodings_agree_with_the_oracle(data, edits):
    text = bytearray(base64.urlsafe_b64encode(data) if data[:1] == b"\x00" else encode(data))
    for kind, pos, chunk in edits:
        i = pos % (len(text) + 1)
        if kind == 0:
            text[i:i + len(chunk)] = chunk       # overwrite
        elif kind == 1:
            text[i:i] = chunk                    # insert
        elif kind == 2:
            del text[i:i + len(chunk)]           # delete
        else:
            text[i:i + 1] = bytes([ALPHABET[chunk[0] % 64]])  # another alphabet char
    agree(bytes(text))


@settings(max_examples=300 * SCALE, **PROFILE)
@given(st.binary(max_size=64) | st.text(ALPHABET.decode() + "=+/ \n", max_size=120).map(str.encode))
def test_arbitrary_input_agrees_with_the_oracle(text):
    agree(text)


def test_agree_catches_a_lenient_or_wrong_decoder(monkeypatch):
    """agree() can fail: decoders that ignore trailing bits, take the standard
    alphabet, accept any padding, or return wrong bytes all disagree with canonical()."""
    me = sys.modules[__name__]
    real = b64url_decode

    def lenient(text):  # what PyJWT's base64url_decode does: pad, then urlsafe_b64decode
        return base64.urlsafe_b64decode(text.rstrip(b"=") + b"=" * (-len(text.rstrip(b"=")) % 4))

    def off_by_one(text):
        out = real(text)
        return out[:-1] if len(out) == 49 else out

    for fake, text in ((lenient, b"QR"), (lenient, b"QU+/"), (lenient, b"QQ="), (lenient, b"QUJD\n"),
                       (off_by_one, encode(bytes(49)))):
        monkeypatch.setattr(me, "b64url_decode", fake)
        with pytest.raises(AssertionError):
            agree(text)
    monkeypatch.undo()
    assert agree(encode(bytes(49))) == bytes(49)

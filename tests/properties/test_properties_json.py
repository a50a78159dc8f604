"""Differential property tests: the core's JSON parser against Python's json.loads.

``turbojwt._testing.json_loads(doc)`` runs the C parser (csrc/json.c) on ``doc`` and
builds Python objects from its tape, exactly as a token's header and payload are
read. ``json.loads`` is the reference (it is what PyJWT 2.15.1 uses). On every
document, generated or mutated:

- where both accept, the values are equal, types included (1, 1.0 and True
  differ, -0.0 is not 0.0, dict order is kept: ``_compare.canon``);
- turbojwt may be stricter, never looser: if it accepts a document json.loads
  rejects (or one that is not UTF-8), the test fails;
- every document turbojwt rejects and json.loads accepts must fall in one of
  the documented CATEGORIES below, and the core's error must be one that
  category can produce. Anything else fails the test.

The reference is json.loads on the document decoded as strict UTF-8, with a
leading byte order mark removed first, as ``json.loads(bytes)`` does
(``json.detect_encoding`` answers "utf-8-sig"). The categories and where
docs/security.md ("Stricter than PyJWT 2.15.1", and its subsection "The JSON
parser against json.loads") documents them:

==================  ==========================================================
invalid-utf8        not strict UTF-8 (overlong forms, UTF-8-encoded surrogates,
                    code points above U+10FFFF, truncated sequences, UTF-16 and
                    UTF-32); rows "UTF-16/UTF-32 JSON, UTF-8 byte order mark" and
                    "surrogates encoded in UTF-8" (json.loads(bytes) decodes
                    UTF-8 with surrogatepass, so PyJWT accepts those)
bom                 a leading UTF-8 byte order mark; same row
nan-infinity        the literals NaN, Infinity, -Infinity; row "NaN, Infinity"
lone-surrogate      a \\uD800-\\uDFFF escape that is not half of a high-low pair,
                    in a key or a value, also in a value a later duplicate key
                    overwrites; row "lone surrogate escapes"
depth               arrays and objects nested deeper than TJ_JSON_MAX_DEPTH (64),
                    also in an overwritten value; row "nesting deeper than 64"
                    (and the Limits table)
int-digits          an integer literal of more than 4300 digits: json.loads
                    refuses it too under Python's default int_max_str_digits, so
                    this category only shows when that limit is raised; row "an
                    integer of more than 4300 digits"
==================  ==========================================================

Not categories, because json.loads behaves the same (pinned below): control
characters below 0x20 in strings (both refuse; DEL is accepted by both), the
whitespace set (space, tab, LF, CR only), empty documents, trailing data,
leading zeros, and duplicate object keys (both accept, the last value wins at
the first key's position; duplicate *header* names are refused later, by the
JWS layer, not by the parser).

Hypothesis runs derandomized and without an example database, so the suite is
deterministic and writes no .hypothesis directory. TURBOJWT_PROPERTY_SCALE=N
multiplies every example count and mutation budget for a longer local run.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import sys
from pathlib import Path

import pytest
from _compare import canon
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from turbojwt._testing import json_loads

ROOT = Path(__file__).resolve().parents[2]
SCALE = max(1, int(os.environ.get("TURBOJWT_PROPERTY_SCALE", "1")))


def _limit(name: str, header: str, default: int) -> int:
    """A #define from csrc/ (the source tree is where the tests run); default when absent."""
    path = ROOT / "csrc" / header
    if path.exists():
        found = re.search(rf"#define\s+{name}\s+(\d+)u?\b", path.read_text())
        if found:
            return int(found.group(1))
    return default


MAX_DEPTH = _limit("TJ_JSON_MAX_DEPTH", "tj_limits.h", 64)
MAX_INT_DIGITS = _limit("TJ_JSON_MAX_INT_DIGITS", "json.h", 4300)

# The core's messages (tj_json_status_message), as json_loads reports them.
SYNTAX = "invalid JSON syntax"
UTF8 = "invalid UTF-8 or byte order mark in JSON"
ESCAPE = "invalid escape or lone surrogate in JSON string"
CONTROL = "control character in JSON string"
DEPTH = "JSON nested too deeply"
TOO_LARGE = "JSON document or number too large"
EMPTY = "empty JSON document"
ALL_MESSAGES = {SYNTAX, UTF8, ESCAPE, CONTROL, DEPTH, TOO_LARGE, EMPTY}

# category -> the core messages it can produce. A document in several
# categories may fail on any of them (the parser stops at the first problem).
CATEGORIES = {
    "invalid-utf8": ALL_MESSAGES,  # nothing to compare with: json.loads has no text
    "bom": {UTF8},
    "nan-infinity": {SYNTAX},
    "lone-surrogate": {ESCAPE},
    "depth": {DEPTH},
    "int-digits": {TOO_LARGE},
}

PROFILE = dict(deadline=None, database=None, derandomize=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.filter_too_much])


# ------------------------------------------------------------------ the oracle

class _Constant(Exception):
    """json.loads met NaN, Infinity or -Infinity."""


def _refuse_constant(name):
    raise _Constant(name)


class _Members(list):
    """An object's members as json.loads read them, duplicates included."""


def _walk(value):
    """Yield (depth, leaf-or-key) pairs, in no particular order; containers count one level each.

    Iterative, with a stack of its own: since 3.12 json.loads counts nesting
    against a C-level limit of its own rather than sys.getrecursionlimit(), and
    3.13 accepts 5,000 levels, which a recursive walk could not descend."""
    stack = [(0, value)]
    while stack:
        depth, value = stack.pop()
        if isinstance(value, _Members):
            if not value:
                yield depth + 1, None
            for k, v in value:
                yield depth + 1, k
                stack.append((depth + 1, v))
        elif isinstance(value, list):
            if not value:
                yield depth + 1, None
            stack.extend((depth + 1, v) for v in value)
        else:
            yield depth, value


def _digits(n: int) -> float:
    try:
        return len(str(abs(n)))
    except ValueError:  # past sys.get_int_max_str_digits(): certainly past the core's limit
        return math.inf


def reference(doc: bytes):
    """("utf8",) when doc is not UTF-8; ("reject", error) when json.loads refuses it;
    ("accept", value, text, bom) otherwise."""
    try:
        text = doc.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return ("utf8",)
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]  # json.loads(bytes) decodes as utf-8-sig
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, int digit limit, deep nesting
        return ("reject", exc)
    return ("accept", value, text, bom)


def categories(verdict) -> set:
    """The documented categories that explain a rejection of a document json.loads accepts."""
    if verdict[0] == "utf8":
        return {"invalid-utf8"}
    _, _, text, bom = verdict
    found = set()
    if bom:
        found.add("bom")
    try:
        json.loads(text, parse_constant=_refuse_constant)
    except _Constant:
        found.add("nan-infinity")
    # Walk every member, also those a later duplicate key overwrites in the dict
    # (a lone surrogate or a deep value there is still refused by the core).
    members = json.loads(text, object_pairs_hook=_Members)
    depth = 0
    for d, leaf in _walk(members):
        depth = max(depth, d)
        if isinstance(leaf, str) and any(0xD800 <= ord(ch) <= 0xDFFF for ch in leaf):
            found.add("lone-surrogate")
        elif type(leaf) is int and _digits(leaf) > MAX_INT_DIGITS:
            found.add("int-digits")
    if depth > MAX_DEPTH:
        found.add("depth")
    return found


_MESSAGE = re.compile(r"(.*) at byte (\d+)")


def ours(doc: bytes):
    """("accept", value) or ("reject", core message, byte offset)."""
    try:
        value = json_loads(doc)
    except ValueError as exc:
        # A ValueError subclass (UnicodeDecodeError from building a str) or another
        # message (int() refusing digits) would mean the core accepted what the
        # tape reader could not build: not a rejection by the parser.
        assert type(exc) is ValueError, f"{type(exc).__name__} from json_loads({doc!r}): {exc}"
        m = _MESSAGE.fullmatch(str(exc))
        assert m and m.group(1) in ALL_MESSAGES, f"unexpected error for {doc!r}: {exc}"
        assert int(m.group(2)) <= len(doc), f"error offset past the end for {doc!r}: {exc}"
        return ("reject", m.group(1), int(m.group(2)))
    return ("accept", value)


def check(doc: bytes) -> str:
    """Compare the core with json.loads on doc; returns a label of the outcome."""
    got = ours(doc)
    want = reference(doc)
    if got[0] == "accept":
        assert want[0] == "accept", f"turbojwt accepts what json.loads refuses: {doc!r} -> {want}"
        # ... and nothing docs/security.md says it refuses (NaN, lone surrogates, a BOM, ...).
        assert not categories(want), f"turbojwt accepts {sorted(categories(want))}: {doc!r}"
        assert canon(got[1]) == canon(want[1]), f"values differ for {doc!r}: {got[1]!r} != {want[1]!r}"
        return "both accept"
    if want[0] == "reject":
        return "both reject"
    found = categories(want)
    assert found, f"turbojwt rejects ({got[1]}) a document json.loads accepts, in no documented category: {doc!r}"
    allowed = set().union(*(CATEGORIES[c] for c in found))
    assert got[1] in allowed, f"{doc!r} is {sorted(found)} but the core says {got[1]!r}"
    return "stricter: " + "+".join(sorted(found))


# ------------------------------------------------------------------ generated documents

# Text: mostly valid Unicode (JSON-safe), sometimes with surrogates (lone ones
# are a documented rejection; a raw one cannot even be encoded as UTF-8).
_chars = st.characters(codec="utf-8") | st.sampled_from(
    "\x00\x1f\x7f\"\\/\b\f\n\r\t \u00e9\u2028\u2029\ufeff\uffff\U0001F600\U0010FFFF")
texts = st.text(_chars, max_size=12) | st.text(st.characters(codec=None, categories=None), max_size=6)
# Surrogates on their own and in pairs: lone ones are a documented rejection, as
# escapes (ensure_ascii) or raw (not encodable: UTF-8 with the surrogate's 3 bytes).
surrogate_texts = st.text(st.sampled_from("\ud800\udbff\udc00\udfff\ud83d\ude00a\U0001F600"), max_size=4)
floats = st.floats(allow_nan=False, allow_infinity=False) | st.floats() | st.sampled_from(
    [0.0, -0.0, 1e300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1e16, 1e22, 123456789.125])
integers = st.integers(-(2**63), 2**63) | st.integers() | st.integers(-(10**80), 10**80) | st.sampled_from(
    [0, -1, 10**17, 10**18 - 1, 10**18, -(10**18), 2**63 - 1, 2**63, -(2**63), 2**64])
scalars = st.none() | st.booleans() | integers | floats | texts


def _values(scalars, keys):
    def extend(inner):
        return st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=5)

    return st.recursive(scalars, extend, max_leaves=25)


values = _values(scalars, texts)
surrogate_values = _values(scalars | surrogate_texts, texts | surrogate_texts)

_WS = " \t\n\r"


def _ws(rnd: random.Random) -> str:
    return "" if rnd.random() < 0.6 else "".join(rnd.choice(_WS) for _ in range(rnd.randint(1, 3)))


def _styled_string(s: str, rnd: random.Random) -> str:
    """A JSON string literal for s, each character spelled one of its valid ways."""
    short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    out = []
    for ch in s:
        cp = ord(ch)
        roll = rnd.random()
        hexfmt = "\\u%04x" if rnd.random() < 0.5 else "\\u%04X"
        if ch in short and roll < 0.6:
            out.append(short[ch])
        elif ch == "/" and roll < 0.5:
            out.append("\\/")
        elif cp > 0xFFFF and roll < 0.5:
            hi, lo = 0xD800 + ((cp - 0x10000) >> 10), 0xDC00 + ((cp - 0x10000) & 0x3FF)
            out.append(hexfmt % hi + hexfmt % lo)
        elif cp <= 0xFFFF and (cp < 0x20 or ch in '"\\' or 0xD800 <= cp <= 0xDFFF or roll < 0.15):
            out.append(hexfmt % cp)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _styled_number(v, rnd: random.Random) -> str:
    if isinstance(v, int):
        return str(v)
    if math.isnan(v) or math.isinf(v):
        return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[repr(v)]
    forms = [repr(v), "%.17g" % v, "%.17e" % v, "%.3E" % v, "%.1f" % v]  # "%.1f": up to 300 digits
    text = rnd.choice(forms)
    if "e" in text.lower() and rnd.random() < 0.3:
        text = text.replace("e+", "e").replace("E+", "E")
    return text


def styled_dumps(v, rnd: random.Random) -> str:
    """A hand-made serializer: whitespace anywhere JSON allows it, every escape style,
    several spellings of each float."""
    if v is None or isinstance(v, bool):
        return json.dumps(v)
    if isinstance(v, (int, float)):
        return _styled_number(v, rnd)
    if isinstance(v, str):
        return _styled_string(v, rnd)
    if isinstance(v, list):
        inner = ",".join(_ws(rnd) + styled_dumps(x, rnd) + _ws(rnd) for x in v)
        return "[" + (inner or _ws(rnd)) + "]"
    inner = ",".join(_ws(rnd) + _styled_string(k, rnd) + _ws(rnd) + ":" + _ws(rnd) + styled_dumps(x, rnd) + _ws(rnd)
                     for k, x in v.items())
    return "{" + (inner or _ws(rnd)) + "}"


def _encode(text: str) -> bytes:
    # A raw surrogate (ensure_ascii=False) becomes the 3-byte form UTF-8 forbids.
    return text.encode("utf-8", errors="surrogatepass")


@st.composite
def json_dumps_docs(draw, values=values):
    value = draw(values)
    kwargs = dict(
        ensure_ascii=draw(st.booleans()),
        separators=draw(st.sampled_from([None, (",", ":"), (", ", ": "), (" ,", " :"), (",\n", ":\t")])),
        indent=draw(st.sampled_from([None, 0, 1, 4, "\t", "\r\n", " \n"])),
        sort_keys=draw(st.booleans()),
    )
    text = json.dumps(value, **kwargs)  # NaN and Infinity come out as their literals
    lead, trail = draw(st.sampled_from(["", " ", "\n", "\t\r\n "])), draw(st.sampled_from(["", " ", "\r\n"]))
    return _encode(lead + text + trail)


@st.composite
def styled_docs(draw, values=values):
    return _encode(styled_dumps(draw(values), draw(st.randoms(use_true_random=False))))


@st.composite
def number_docs(draw):
    """Number texts, valid and not: JSON's grammar and the near misses around it."""
    valid = r"-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,5})?"
    loose = r"[+-]?[0-9]{0,4}\.?[0-9]{0,4}([eE][+-]?[0-9]{0,4})?"
    text = draw(st.from_regex(valid, fullmatch=True) | st.from_regex(loose, fullmatch=True))
    return draw(st.sampled_from(["{}", "[{}]", '{{"n":{}}}', " {} "])).format(text).encode()


@st.composite
def nested_docs(draw):
    """Containers nested around the depth limit, and far past it (5,000 levels: past json.loads'
    own limit up to 3.12, within it on 3.13; the oracle handles both)."""
    depth = draw(st.sampled_from([MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1]) | st.integers(0, 2 * MAX_DEPTH)
                 | st.just(5000))
    opens = [draw(st.sampled_from(["[", '{"k":'])) for _ in range(min(depth, 80))]
    opens = (opens * (depth // max(len(opens), 1) + 1))[:depth]
    core = draw(st.sampled_from(["1", "[]", "{}", '"x"', "-1.5e3", "NaN", '"\\ud800"']))
    closes = "".join("]" if o == "[" else "}" for o in reversed(opens))
    return ("".join(opens) + core + closes).encode()


documents = json_dumps_docs() | styled_docs() | number_docs() | nested_docs()


@settings(max_examples=250 * SCALE, **PROFILE)
@given(json_dumps_docs())
def test_json_dumps_documents(doc):
    event(check(doc))


@settings(max_examples=200 * SCALE, **PROFILE)
@given(styled_docs())
def test_hand_styled_documents(doc):
    event(check(doc))


@settings(max_examples=100 * SCALE, **PROFILE)
@given(json_dumps_docs(surrogate_values) | styled_docs(surrogate_values))
def test_documents_with_surrogates(doc):
    event(check(doc))


@settings(max_examples=300 * SCALE, **PROFILE)
@given(number_docs())
def test_number_texts(doc):
    event(check(doc))


@settings(max_examples=120 * SCALE, **PROFILE)
@given(nested_docs())
def test_nesting_around_the_limit(doc):
    event(check(doc))


# ------------------------------------------------------------------ mutated documents

# Bytes worth inserting: structure, escapes, the documented categories, UTF-8 edge cases.
TOKENS = [
    b"NaN", b"Infinity", b"-Infinity", b"\\ud800", b"\\udc00", b"\\ud83d\\ude00", b"\\uDBFF\\uDFFF", b"\\u00e9",
    b"\\u", b"\\x", b"\xef\xbb\xbf", b"1e400", b"-0", b"0.0e-0", b"01", b"\x00", b"\x1f", b"\x7f", b"\xc0\x80",
    b"\xc2\x80", b"\xed\xa0\x80", b"\xed\x9f\xbf", b"\xf4\x8f\xbf\xbf", b"\xf4\x90\x80\x80", b"\xe0\x9f\xbf",
    b"\xf0\x8f\xbf\xbf", b"\xff", b"\t", b"\r\n", b"\x0b", b"\x0c", b"\xc2\xa0", b'"', b"\\", b"[", b"]", b"{",
    b"}", b",", b":", b"e", b"E", b".", b"0", b"-", b"+", b"true", b"null", b"[" * (MAX_DEPTH + 1), b'{"a":1}',
]
_ops = st.tuples(st.integers(0, 9), st.integers(0, 1 << 16), st.integers(0, 255), st.integers(0, 1 << 16))


def mutate(doc: bytes, ops, corpus) -> bytes:
    """Apply byte-level mutations: (kind, position, byte, extra) each."""
    d = bytearray(doc)
    for kind, pos, byte, extra in ops:
        i = pos % (len(d) + 1)
        j = i + extra % (len(d) - i + 1)
        if kind == 0 and d:    # flip one bit
            d[i % len(d)] ^= 1 << (byte & 7)
        elif kind == 1 and d:  # overwrite a byte
            d[i % len(d)] = byte
        elif kind == 2:        # insert a byte
            d[i:i] = bytes([byte])
        elif kind == 3:        # delete a range (often one byte)
            del d[i:min(j, i + 1 + (byte & 3))]
        elif kind == 4:        # duplicate a range
            d[j:j] = d[i:j]
        elif kind == 5:        # truncate
            del d[i:]
        elif kind == 6 and corpus:  # splice: our head, another document's tail
            other = corpus[extra % len(corpus)]
            d[i:] = other[byte % (len(other) + 1):]
        elif kind == 7:        # insert a dictionary token
            d[i:i] = TOKENS[(byte + extra) % len(TOKENS)]
        elif kind == 8:        # overwrite with a dictionary token
            t = TOKENS[(byte + extra) % len(TOKENS)]
            d[i:i + len(t)] = t
        else:                  # wrap the whole document one level deeper
            d[:0] = b"[" if byte & 1 else b'{"k":'
            d += b"]" if byte & 1 else b"}"
    return bytes(d)


SEEDS = [
    b'{"alg":"HS256","typ":"JWT","kid":"2024-key-\\u00e9"}',
    b'{"sub":"user-42","name":"Zo\xc3\xab \xf0\x9f\x98\x80","admin":true,"roles":["read","write"],'
    b'"n":12345678901234567890123,"neg":-7,"f":0.1,"zero":-0.0,"big":1.5e300,"nothing":null,'
    b'"nested":{"a":{"b":[1,{"c":[]},{}]}},"esc":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\\u2028\\ud83d\\ude00"}',
    b' [ 1 , -2.5E+3 , 0e0 , "x" , { } , [ ] ] \r\n',
    b'{\n  "a": [\n    1,\n    2\n  ],\n  "b": "\xe2\x82\xac"\n}',
    b'"' + b"a" * 70 + b"\\u0041" + b"b" * 40 + b"\xc3\xa9" * 20 + b'"',  # long string: the SIMD window
    b"[" + b",".join(b'"%d"' % i for i in range(40)) + b"]",
    b"12345678901234567890", b"-0.000001e-7", b"true", b"null", b'""',
    b"[" * MAX_DEPTH + b"]" * MAX_DEPTH,
    b'{"a":1,"a":2,"b":{"a":3,"a":[4]}}',
]


@settings(max_examples=400 * SCALE, **PROFILE)
@given(st.sampled_from(SEEDS) | documents, st.lists(_ops, min_size=1, max_size=5))
def test_mutated_documents(doc, ops):
    event(check(mutate(doc, ops, SEEDS)))


def test_seeded_mutation_campaign():
    """A fixed-seed mutation loop: many more mutants than Hypothesis examples, cheaply.
    Every outcome class must be reached, so the corpus and mutators stay useful."""
    rnd = random.Random(0x7E57_1507)
    corpus = list(SEEDS)
    seen = {}
    for _ in range(25_000 * SCALE):
        ops = [(rnd.randrange(10), rnd.randrange(1 << 16), rnd.randrange(256), rnd.randrange(1 << 16))
               for _ in range(rnd.randint(1, 4))]
        doc = mutate(rnd.choice(corpus), ops, corpus)
        label = check(doc)
        seen[label] = seen.get(label, 0) + 1
        if label == "both accept" and len(corpus) < 400 and rnd.random() < 0.05:
            corpus.append(doc)  # grow the corpus with valid mutants
    for label in ("both accept", "both reject", "stricter: invalid-utf8", "stricter: bom",
                  "stricter: nan-infinity", "stricter: lone-surrogate", "stricter: depth"):
        assert seen.get(label, 0) > 0, (label, seen)


# ------------------------------------------------------------------ the categories, pinned

# json_loads_bytes: what json.loads(bytes) does with the document (it detects UTF-16
# and UTF-32, strips a UTF-8 BOM, and decodes UTF-8 with errors="surrogatepass").
# expected: what check() says (the UTF-8 text of UTF-32-LE "[1]" is valid UTF-8 with
# NULs, which json.loads refuses as text: both reject, and only json.loads(bytes) accepts).
@pytest.mark.parametrize(("doc", "expected", "json_loads_bytes"), [
    (b"NaN", "nan-infinity", "accepts"),
    (b"[Infinity]", "nan-infinity", "accepts"),
    (b'{"a":-Infinity}', "nan-infinity", "accepts"),
    (b'"\\ud800"', "lone-surrogate", "accepts"),
    (b'"\\udc00\\ud800"', "lone-surrogate", "accepts"),        # a low before a high: two lone halves
    (b'"\\ud800\\u0041"', "lone-surrogate", "accepts"),
    (b'{"\\udfff":1}', "lone-surrogate", "accepts"),            # in a key too
    (b'{"a":"\\ud800","a":1}', "lone-surrogate", "accepts"),    # in a value a later key overwrites
    (b"\xef\xbb\xbf{}", "bom", "accepts"),
    (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "depth", "accepts"),
    (b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1), "depth", "accepts"),
    (b'{"a":' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b',"a":1}', "depth", "accepts"),  # overwritten too
    (b'"\xed\xa0\x80"', "invalid-utf8", "accepts"),            # a surrogate in UTF-8: surrogatepass
    (b'"\xc0\xaf"', "invalid-utf8", "refuses"),                 # overlong '/'
    (b'"\xf4\x90\x80\x80"', "invalid-utf8", "refuses"),       # above U+10FFFF
    (b'"\xe2\x82"', "invalid-utf8", "refuses"),                 # truncated
    ("[1]".encode("utf-16"), "invalid-utf8", "accepts"),
    ("[1]".encode("utf-32-le"), "both reject", "accepts"),
])
def test_each_category_is_a_rejection_json_loads_does_not_make(doc, expected, json_loads_bytes):
    assert ours(doc)[0] == "reject"
    if json_loads_bytes == "accepts":
        json.loads(doc)
    else:
        with pytest.raises(UnicodeDecodeError):
            json.loads(doc)
    assert check(doc) == (expected if expected == "both reject" else f"stricter: {expected}")


def test_int_digits_category_when_python_allows_more_digits():
    # Under Python's default limit json.loads refuses these integers too (both reject);
    # with the limit lifted (or on a Python without one) only the core refuses, and
    # check() must say why.
    big = b"[" + b"9" * (MAX_INT_DIGITS + 1) + b"]"
    assert ours(b"9" * MAX_INT_DIGITS)[0] == "accept"
    assert ours(b"-" + b"9" * MAX_INT_DIGITS)[0] == "accept"   # the sign is not a digit
    assert ours(big)[:2] == ("reject", TOO_LARGE)
    assert check(b"1." + b"9" * (MAX_INT_DIGITS + 10)) == "both accept"  # floats have no digit limit
    if not hasattr(sys, "set_int_max_str_digits"):
        assert check(big) == "stricter: int-digits"
        return
    old = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(MAX_INT_DIGITS)
        assert check(big) == "both reject"
        sys.set_int_max_str_digits(0)  # no limit
        assert check(big) == "stricter: int-digits"
    finally:
        sys.set_int_max_str_digits(old)


def test_depth_limit_is_exact():
    for opener, closer in ((b"[", b"]"), (b'{"k":', b"}")):
        assert check(opener * MAX_DEPTH + b"0" + closer * MAX_DEPTH) == "both accept"
        assert check(opener * (MAX_DEPTH + 1) + b"0" + closer * (MAX_DEPTH + 1)) == "stricter: depth"
        assert check(opener * 100_000 + b"0" + closer * 100_000) == "both reject"  # RecursionError


def test_same_behaviour_where_json_loads_is_as_strict():
    # Raw control characters in strings: both refuse; DEL is allowed by both.
    for c in range(0x20):
        assert check(b'"a' + bytes([c]) + b'b"') == "both reject"
        assert ours(b'"a' + bytes([c]) + b'b"')[1] == CONTROL
    assert check(b'"a\x7fb"') == "both accept"
    # JSON whitespace is exactly space, tab, LF, CR, before, between and after tokens.
    for ws in (b" ", b"\t", b"\n", b"\r"):
        assert check(ws + b"[" + ws + b"1" + ws + b"," + ws + b"{" + ws + b'"a"' + ws + b":" + ws + b"2" + ws
                     + b"}" + ws + b"]" + ws) == "both accept"
    for ws in (b"\x0b", b"\x0c", b"\x00", b"\xc2\xa0", b"\xe2\x80\xa8", b"\xe3\x80\x80"):
        assert check(ws + b"1") == "both reject"
        assert check(b"[1" + ws + b"]") == "both reject"
    for doc in (b"", b" ", b"\r\n", b"[1,]", b'{"a":1,}', b"01", b"-", b"1.", b".5", b"+1", b"1e", b"[1] [2]",
                b"'a'", b'"\\x41"', b'"\\u12"', b'"\\U0041"', b"tru", b"True", b"nul", b'{"a" 1}', b"{1:2}"):
        assert check(doc) == "both reject", doc
    # Duplicate keys: both keep the first key's place and the last value.
    doc = b'{"a":1,"b":2,"a":3,"\\u0061":4}'
    assert check(doc) == "both accept"
    assert list(json_loads(doc).items()) == [("a", 4), ("b", 2)]


def test_oracle_catches_a_looser_or_wrong_parser(monkeypatch):
    """The harness itself: a parser that accepts NaN, or returns 1 for 1.0, or
    refuses something in no category, or rejects with an unexpected error, fails check()."""
    me = sys.modules[__name__]
    real = json_loads  # the fakes below call the real parser, not themselves

    def accepts_nan(doc):
        return float("nan") if doc == b"NaN" else real(doc)

    def int_for_float(doc):
        v = real(doc)
        return int(v) if isinstance(v, float) else v

    def refuses_dup(doc):
        if doc.count(b'"a"') > 1:
            raise ValueError(f"{SYNTAX} at byte 0")
        return real(doc)

    def wrong_message(doc):
        try:
            return real(doc)
        except ValueError:
            raise ValueError(f"{CONTROL} at byte 0") from None

    def unicode_error(doc):
        raise UnicodeDecodeError("utf-8", doc, 0, 1, "bad")

    for fake, doc in ((accepts_nan, b"NaN"), (int_for_float, b"1.0"), (refuses_dup, b'{"a":1,"a":2}'),
                      (wrong_message, b"NaN"), (wrong_message, b"\xef\xbb\xbf1"), (unicode_error, b'"\xff"')):
        monkeypatch.setattr(me, "json_loads", fake)
        with pytest.raises(AssertionError):
            check(doc)
    monkeypatch.undo()
    assert check(b"1.0") == "both accept"

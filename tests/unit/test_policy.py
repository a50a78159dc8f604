"""turbojwt._policy is the one place for algorithm policy: the C core's own table
(csrc/algs.c) agrees with it, and every layer that names algorithms or key
lengths reads it."""

from __future__ import annotations

import pytest

import turbojwt
from turbojwt import _core, _policy, _testing


def test_the_c_table_and_the_policy_agree():
    c_table = _testing._c_algorithm_table()
    assert c_table.pop("none") is None
    assert c_table == _policy.FAMILIES


@pytest.mark.parametrize("alias", sorted(_policy.ALGORITHM_ALIASES))
def test_the_c_core_reads_each_alias_as_the_policy_says(alias):
    assert _testing._c_canonical_name(alias) == _policy.ALGORITHM_ALIASES[alias]


@pytest.mark.parametrize("name", ["hs256", "HS256 ", "ES521K", "RS1", "EdDSa", "Ed25519", "", "none "])
def test_the_c_core_takes_no_name_the_policy_does_not(name):
    assert name not in _policy.SIGNING_ALGORITHMS
    assert _testing._c_canonical_name(name) == ""


def test_families_follow_the_policy():
    assert _policy.HMAC_ALGORITHMS == ("HS256", "HS384", "HS512")
    assert set(_policy.HMAC_MIN_KEY_BYTES) == set(_policy.HMAC_ALGORITHMS)
    assert _policy.PUBLIC_KEY_ALGORITHMS == set(_policy.SIGNING_ALGORITHMS) - set(_policy.HMAC_ALGORITHMS)
    assert _policy.family("ES521") == "EC" and _policy.family("none") is None


def test_every_layer_reads_the_policy():
    from turbojwt import algorithms, api_jwk, cli

    assert algorithms.requires_cryptography == set(_policy.PUBLIC_KEY_ALGORITHMS)
    assert api_jwk._SUPPORTED_ALGORITHMS == frozenset(_policy.SUPPORTED_ALGORITHMS)
    assert cli._ALGORITHMS is _policy.SIGNING_ALGORITHMS


def test_the_weak_key_message_is_the_one_in_the_policy():
    """Decode (the binding), encode and the algorithm objects all warn with _policy's text."""
    secret = b"k" * 31
    expected = _policy.weak_key_message("HS256", "HMAC", 31)
    assert expected is not None and "31 bytes" in expected and "32 bytes" in expected
    with pytest.warns(turbojwt.InsecureKeyLengthWarning) as from_encode:
        token = turbojwt.encode({"a": 1}, secret)
    with pytest.warns(turbojwt.InsecureKeyLengthWarning) as from_decode:
        turbojwt.Verifier(secret, ["HS256"]).decode(token)
    assert {str(w.message) for w in [*from_encode, *from_decode]} == {expected}
    hmac_alg = turbojwt.algorithms.HMACAlgorithm(turbojwt.algorithms.HMACAlgorithm.SHA256)
    assert hmac_alg.check_key_length(secret) == expected
    assert _policy.rsa_weak_key_message(1024) is not None and _policy.rsa_weak_key_message(2048) is None


def test_a_lower_minimum_in_the_policy_is_what_the_binding_applies(monkeypatch):
    """The binding reads the minimum from _policy when a Verifier is built (no copy of its own)."""
    monkeypatch.setitem(_policy.HMAC_MIN_KEY_BYTES, "HS256", 8)
    secret = b"k" * 16
    token = turbojwt.encode({"a": 1}, secret)       # no warning either: encode reads the policy too
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert turbojwt.Verifier(secret, ["HS256"]).decode(token) == {"a": 1}
        _core.clear_signing_keys()
        assert turbojwt.encode({"a": 1}, secret) == token


def test_signing_keys_are_prepared_once_in_the_policy_cache():
    from turbojwt import _encode

    _core.clear_signing_keys()
    secret = "s" * 40
    turbojwt.encode({"a": 1}, secret)                       # the hot path
    prepared = _policy.HMAC_SIGNING_KEYS.get(secret)
    assert prepared is not None and prepared.family == "HMAC"
    assert _encode._signing_key(secret, "HS256") is prepared   # the general path finds the same key
    _core.clear_signing_keys()
    assert _policy.HMAC_SIGNING_KEYS.get(secret) is None

# _cache.pxi: the verified-token cache of a Verifier (included by _core.pyx).
#
# A gateway sees the same bearer token many times. Once a token has verified,
# its payload bytes are kept (keyed by the whole token, never a prefix); a hit
# skips base64url and the signature but parses the payload again and re-runs
# every claim check against the current clock (or the caller's now=), so exp, nbf and iat are
# enforced as on a miss, and every caller gets a fresh dict (nothing mutable
# is shared). An entry is dropped when its token has expired.

from collections import OrderedDict as _OrderedDict
import threading as _threading

cdef enum:
    CACHE_MAX_TOKEN = 16384     # longer tokens are verified but not cached (bounds memory)


cdef class _TokenCache:
    """A thread-safe LRU map: token -> (payload bytes, exp deadline or None)."""
    cdef object entries
    cdef object lock
    cdef Py_ssize_t capacity
    cdef readonly Py_ssize_t hits
    cdef readonly Py_ssize_t misses

    def __init__(self, Py_ssize_t capacity):
        self.entries = _OrderedDict()
        self.lock = _threading.Lock()
        self.capacity = capacity

    cdef object get(self, object token):
        with self.lock:
            entry = self.entries.get(token)
            if entry is None:
                self.misses += 1
                return None
            self.entries.move_to_end(token)
            self.hits += 1
            return entry

    cdef put(self, object token, bytes payload, object exp):
        if len(token) > CACHE_MAX_TOKEN:
            return
        with self.lock:
            self.entries[token] = (payload, exp)
            self.entries.move_to_end(token)
            while len(self.entries) > self.capacity:
                self.entries.popitem(last=False)

    cdef discard(self, object token):
        with self.lock:
            self.entries.pop(token, None)

    def __len__(self):
        return len(self.entries)


cdef object _exp_deadline(dict claims):
    """The token's exp as a float when it is a plain number, else None (checked on every hit anyway)."""
    exp = claims.get("exp")
    if type(exp) is int or type(exp) is float:
        return float(exp)
    return None


cdef object _claims_from_cached(Verifier v, bytes payload, double now):
    """Claims of an already verified payload: JSON and claim checks again, no signature."""
    cdef const uint8_t *doc = <const uint8_t *>PyBytes_AS_STRING(payload)
    cdef size_t n = <size_t>PyBytes_GET_SIZE(payload)
    cdef tj_json_entry stack_tape[STACK_TAPE]
    cdef tj_json_entry *entries = stack_tape
    cdef uint32_t cap = tj_json_tape_bound(n)
    cdef tj_json_tape tape
    cdef tj_decoded res
    if cap > STACK_TAPE:
        entries = <tj_json_entry *>malloc(cap * sizeof(tj_json_entry))
        if entries == NULL:
            raise MemoryError()
    try:
        tape.entries = entries
        tape.cap = cap if cap > STACK_TAPE else STACK_TAPE
        tape.count = 0
        # It parsed when the token was verified; parsing cannot fail now.
        tj_json_parse(doc, n, &tape, TJ_JSON_MAX_DEPTH, NULL)
        memset(&res, 0, sizeof(res))
        res.alg_index = -1
        res.key_index = -1
        res.status = TJ_DEFER_CLAIMS if v.policy.flags & TJ_CLAIMS_IN_PYTHON else tj_check_claims(
            &v.policy, doc, entries, 0, now, &res.detail)
        if res.status != TJ_OK and res.status != TJ_DEFER_CLAIMS:
            raise _exception_for(v, &res, entries)
        claims = _tape_claims(doc, entries, &v.expected)
        if res.status == TJ_DEFER_CLAIMS:
            _validate_claims(claims, v.options, v.audience, v.issuer, v.subject, v.leeway, now)
        return claims
    finally:
        if entries != stack_tape:
            free(entries)


cdef _cache_store(Verifier v, object jwt, const uint8_t *payload, size_t n, dict claims):
    """Remember a token that has just verified (called by _run)."""
    (<_TokenCache>v._cache).put(jwt, PyBytes_FromStringAndSize(<const char *>payload, n), _exp_deadline(claims))


cdef object _decode_cached(Verifier v, object jwt, object at=None):
    """Verifier.decode through the cache; at: the now= reference time, or None for the clock."""
    cdef _TokenCache cache = <_TokenCache>v._cache
    cdef double now
    if type(jwt) is not str and type(jwt) is not bytes:
        # Not a cache key (a list is unhashable, a subclass may hash as it
        # likes): decoded uncached, so it fails (or not) exactly as without a cache.
        return _run(v, jwt, None, MODE_CLAIMS)
    entry = cache.get(jwt)
    if entry is not None:
        now = tj_now() if at is None else <double>at
        try:
            return _claims_from_cached(v, entry[0], now)
        except ExpiredSignatureError:
            # An entry never outlives its token; expired as of another time
            # (now=) says nothing about the clock, so the entry stays.
            if at is None:
                cache.discard(jwt)
            raise
    return _run(v, jwt, None, MODE_CLAIMS, at)

# _reftime.pxi: the reference time of a check, `now=` (included by _core.pyx).
#
# A token logged last month is verified "as of" its request time, not the
# clock: exp, nbf and iat (and the verified-token cache's checks) compare
# against the time given here. A time is epoch seconds (int or float, finite)
# or an aware datetime; anything else is refused loudly, never read as "now".

from libc.math cimport isfinite
import numbers as _numbers


cdef double _reference_time(object t) except? -1.0:
    """Epoch seconds of one reference time; TypeError/ValueError if it is not one."""
    cdef double value
    if type(t) is float:
        value = <double>t
    elif type(t) is int:
        try:
            value = float(t)
        except OverflowError:
            raise ValueError("now is out of range for a time") from None
    elif isinstance(t, bool):
        raise TypeError("now must be epoch seconds or an aware datetime, not a bool")
    elif isinstance(t, _datetime.datetime):
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError("now is a naive datetime: give it a timezone (e.g. datetime.timezone.utc)")
        return t.timestamp()
    elif isinstance(t, _numbers.Real):
        try:
            value = float(t)
        except OverflowError:
            raise ValueError("now is out of range for a time") from None
    else:
        raise TypeError(f"now must be epoch seconds (int or float) or an aware datetime, not {type(t).__name__}")
    if not isfinite(value):
        raise ValueError(f"now must be a finite time, not {t!r}")
    return value


cdef bint _is_one_time(object t):
    """Is t a single time (as opposed to a sequence with one per token)?"""
    return isinstance(t, (int, float, _datetime.datetime, _datetime.date, str, bytes, _numbers.Number))


cdef class _RefTimes:
    """The reference times of a batch call: one for every token, or one per token.

    apply() sets a chunk's job to them, in input order; finish() checks that
    the per-token sequence had exactly as many times as there were tokens."""
    cdef double one
    cdef double *each
    cdef Py_ssize_t count
    cdef Py_ssize_t pos

    def __cinit__(self):
        self.each = NULL

    def __dealloc__(self):
        free(self.each)

    cdef _read(self, now, tokens):
        cdef Py_ssize_t i = 0
        if _is_one_time(now):
            self.one = _reference_time(now)
            self.count = -1
            return
        if isinstance(now, (set, frozenset, dict)):
            raise TypeError(f"now must be a time or a sequence of times in token order, not a {type(now).__name__}")
        try:
            values = now if isinstance(now, (list, tuple)) else list(now)
        except TypeError:
            raise TypeError("now must be a time or a sequence of times (one per token), "
                            f"not {type(now).__name__}") from None
        self.count = len(values)
        if hasattr(tokens, "__len__") and len(tokens) != self.count:
            raise ValueError(f"now has {self.count} times for {len(tokens)} tokens: give one per token")
        self.each = <double *>malloc(sizeof(double) * (self.count + 1))
        if self.each == NULL:
            raise MemoryError()
        for t in values:
            self.each[i] = _reference_time(t)
            i += 1

    cdef int apply(self, tj_batch_job *job) except -1:
        if self.count < 0:
            job.now = self.one
            job.now_each = NULL
            return 0
        if self.pos + <Py_ssize_t>job.n > self.count:
            raise ValueError(f"now has {self.count} times, fewer than the tokens: give one per token")
        job.now_each = self.each + self.pos
        self.pos += <Py_ssize_t>job.n
        return 0

    cdef int finish(self) except -1:
        if self.count >= 0 and self.pos != self.count:
            raise ValueError(f"now has {self.count} times for {self.pos} tokens: give one per token")
        return 0


cdef _RefTimes _ref_times(now, tokens):
    """None (the clock), or the reference times of a batch call."""
    if now is None:
        return None
    cdef _RefTimes times = _RefTimes()
    times._read(now, tokens)
    return times

"""Warnings turbojwt emits, with PyJWT 2.15's names."""

from __future__ import annotations

__all__ = ["InsecureKeyLengthWarning", "RemovedInPyjwt3Warning"]


class InsecureKeyLengthWarning(UserWarning):
    """A key is shorter than its algorithm's recommended minimum (RFC 7518 3.2, NIST SP 800-131A)."""


class RemovedInPyjwt3Warning(DeprecationWarning):
    """An argument that PyJWT deprecates (kept so the same warnings filters apply)."""

"""Helpers shared by the differential tests (turbojwt against PyJWT)."""

from __future__ import annotations

from typing import Any


def canon(value: Any) -> Any:
    """A comparable form of a decode result that keeps types: 1 != 1.0 != True, -0.0 != 0.0."""
    if isinstance(value, dict):
        return ("dict", [(k, canon(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [canon(v) for v in value])
    if isinstance(value, float):
        return ("float", repr(value))  # tells -0.0 from 0.0, and nan equals nan
    return (type(value).__name__, value)

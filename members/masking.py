"""Masking of personal data for people outside the member's own federation.

Plain Python, no Django. The masked forms keep enough to recognise a record on the phone
(the area and the last digits) and nothing that identifies a person.
"""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """`330106199001011234` → `3301**********1234` (first 4 and last 4 characters kept)."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str) -> str:
    """`13812345678` → `138****5678` (first 3 and last 4 digits kept)."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]

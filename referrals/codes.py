"""Referral codes: short, unguessable, globally unique."""

import secrets

_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/l/I
LENGTH = 10  # 55^10 ~ 2.5e17: guessing one of a million live codes takes ~1e11 tries


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(LENGTH))

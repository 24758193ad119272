"""Passwords (Argon2id, argon2-cffi) kept in a file only the agency's service user reads,
and the login throttle: too many failures lock the account for a while, too many from one
address refuse that address for a while.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher()  # Argon2id with the library's current recommended parameters
MIN_PASSWORD_LENGTH = 12
# Verified against when the user has no password, so a login for an unknown name takes as
# long as one for a known name (no user enumeration by timing).
_DUMMY_HASH = HASHER.hash("caseintel-no-such-user")


class Credentials:
    """`user:hash` lines in a file of mode 0600 (CASEINTEL_CREDENTIALS, var/credentials)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return dict(line.split(":", 1) for line in lines if ":" in line)

    def set_password(self, user: str, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
        if ":" in user or "\n" in user:
            raise ValueError(f"a user name may not contain ':' or a line break: {user!r}")
        hashes = self._read() | {user: HASHER.hash(password)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.writelines(f"{name}:{digest}\n" for name, digest in sorted(hashes.items()))
        os.replace(partial, self.path)

    def check(self, user: str, password: str) -> bool:
        """Is this the user's password? Rehashes it when the library's parameters moved on."""
        hashes = self._read()
        stored = hashes.get(user)
        try:
            HASHER.verify(stored or _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        if stored is None:
            return False
        if HASHER.check_needs_rehash(stored):
            self.set_password(user, password)
        return True


@dataclass
class Throttle:
    """Failed logins per user (lockout) and per client address (password spraying). Only
    failures count: a whole office behind one address may log in at nine o'clock."""

    max_failures: int = 5
    lockout_s: float = 900.0
    max_address_failures: int = 30
    address_window_s: float = 600.0
    _by_user: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _by_address: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    @staticmethod
    def _recent(events: deque[float], window: float, now: float) -> int:
        while events and events[0] <= now - window:
            events.popleft()
        return len(events)

    def refuse(self, user: str, client: str) -> str | None:
        """Why this attempt is refused before its password is looked at, if it is."""
        now = time.monotonic()
        if self._recent(self._by_address[client], self.address_window_s,
                        now) >= self.max_address_failures:
            return "rate_limited"
        if self._recent(self._by_user[user], self.lockout_s, now) >= self.max_failures:
            return "locked"
        return None

    def failed(self, user: str, client: str) -> None:
        now = time.monotonic()
        self._by_user[user].append(now)
        self._by_address[client].append(now)

    def succeeded(self, user: str) -> None:
        self._by_user.pop(user, None)

"""Passwords (Argon2id, argon2-cffi) kept in a file only the agency's service user reads,
and the login throttle: too many failures lock the account for a while, too many from one
address refuse that address for a while.
"""

from __future__ import annotations

import fcntl
import os
import threading
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
        digest = HASHER.hash(password)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(self.path.with_name(f".{self.path.name}.lock"), os.O_CREAT | os.O_RDWR,
                       0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one writer at a time: no hash lost
            hashes = self._read() | {user: digest}
            partial = self.path.with_name(f".{self.path.name}.{os.getpid()}."
                                          f"{threading.get_ident()}.partial")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.writelines(f"{name}:{h}\n" for name, h in sorted(hashes.items()))
            os.replace(partial, self.path)
        finally:
            os.close(lock)

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
    failures count: a whole office behind one address may log in at nine o'clock. An
    attempt counts as failed from the moment it is let through until its password proves
    right, so attempts made at the same time cannot slip past the limit together."""

    max_failures: int = 5
    lockout_s: float = 900.0
    max_address_failures: int = 30
    address_window_s: float = 600.0
    max_tracked: int = 100_000  # names and addresses remembered (attackers choose them)
    _by_user: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _by_address: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def _recent(table: dict[str, deque[float]], key: str, window: float, now: float) -> int:
        events = table.get(key)
        if events is None:
            return 0
        while events and events[0] <= now - window:
            events.popleft()
        if not events:
            del table[key]
        return len(events)

    def _forget_oldest(self, table: dict[str, deque[float]]) -> None:
        while len(table) > self.max_tracked:
            del table[next(iter(table))]

    def refuse(self, user: str, client: str) -> str | None:
        """Why an attempt is refused before its password is looked at, if it is."""
        now = time.monotonic()
        with self._lock:
            if self._recent(self._by_address, client, self.address_window_s,
                            now) >= self.max_address_failures:
                return "rate_limited"
            if self._recent(self._by_user, user, self.lockout_s, now) >= self.max_failures:
                return "locked"
        return None

    def failed(self, user: str, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._by_user[user].append(now)
            self._by_address[client].append(now)
            self._forget_oldest(self._by_user)
            self._forget_oldest(self._by_address)

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._by_user.pop(user, None)

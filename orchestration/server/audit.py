"""The audit trail: every page view, search, download, login and refusal, appended to a
table where each row carries an HMAC of its fields and of the row before it.

Triggers refuse UPDATE and DELETE, so the server cannot change a row by mistake; someone
with the file can still drop them and edit, which the chain exposes: `verify` recomputes
every row's HMAC from its fields and the previous one and names the first row that does
not match (an edited row, a removed one, rows reordered). Recomputing the chain after an
edit needs the key (CASEINTEL_AUDIT_KEY_FILE), which is not in the file. Rows cut off the
end leave a shorter valid chain: copy the newest hash elsewhere if that matters to you
(docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
FIELDS = ("seq", "at", "user", "role", "action", "path", "status", "person_ids", "client",
          "detail")
SCHEMA = """
create table if not exists audit_log (
    seq integer primary key,
    at text not null,
    user text,
    role text,
    action text not null,
    path text,
    status integer,
    person_ids text not null,
    client text,
    detail text,
    prev_hash text not null,
    row_hash text not null
);
create index if not exists audit_log_user on audit_log (user);
create trigger if not exists audit_log_no_update before update on audit_log
begin select raise(abort, 'the audit log is append-only'); end;
create trigger if not exists audit_log_no_delete before delete on audit_log
begin select raise(abort, 'the audit log is append-only'); end;
"""


def row_hash(key: bytes, prev_hash: str, row: dict[str, Any]) -> str:
    """The hash a row must carry: an HMAC-SHA256, under the trail's key, of its fields in a
    fixed order chained to the previous row's hash (without the key, no one can write a
    chain that verifies, even with the file in hand)."""
    body = json.dumps([row[f] for f in FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, f"{prev_hash}\n{body}".encode(), hashlib.sha256).hexdigest()


def audit_key(path: Path) -> bytes:
    """The trail's key, made once (32 random bytes, mode 0600) where the settings say:
    keep it where the audit file's readers and backups are not."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
    return path.read_bytes()


@dataclass(frozen=True)
class Broken:
    """The first row whose hash does not follow from the rows before it."""

    seq: int
    reason: str


class AuditLog:
    """Appends from many server threads (and processes), one at a time: the chain is a
    sequence."""

    def __init__(self, path: Path, key: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)  # who read which client: not for every account on the machine
        self.path = path
        self._key = key
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                   timeout=30)
        self._db.execute("pragma journal_mode = wal")
        self._db.execute("pragma synchronous = full")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def append(self, action: str, *, user: str | None = None, role: str | None = None,
               path: str | None = None, status: int | None = None,
               person_ids: tuple[str, ...] = (), client: str | None = None,
               detail: str | None = None) -> int:
        """Record one event; returns its sequence number. The head of the chain is read
        inside the write transaction, so processes sharing the file extend one chain."""
        with self._lock:
            self._db.execute("begin immediate")
            try:
                last = self._db.execute("select seq, row_hash from audit_log"
                                        " order by seq desc limit 1").fetchone()
                seq, head = last if last else (0, GENESIS)
                row = {"seq": seq + 1,
                       "at": datetime.now(UTC).isoformat(timespec="microseconds"),
                       "user": user, "role": role, "action": action, "path": path,
                       "status": status, "person_ids": ",".join(person_ids),
                       "client": client, "detail": detail}
                self._db.execute(
                    f"insert into audit_log ({', '.join(FIELDS)}, prev_hash, row_hash)"
                    f" values ({', '.join('?' * (len(FIELDS) + 2))})",
                    [*(row[f] for f in FIELDS), head, row_hash(self._key, head, row)])
                self._db.execute("commit")
            except BaseException:
                self._db.execute("rollback")
                raise
            return row["seq"]

    def search(self, *, user: str = "", action: str = "", person_id: str = "",
               since: str = "", until: str = "", limit: int = 500) -> list[dict[str, Any]]:
        """The newest rows first, filtered as the auditor's page asks."""
        where, args = [], []
        for column, value in (("user", user), ("action", action)):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        if person_id:
            where.append("(',' || person_ids || ',') like ?")
            args.append(f"%,{person_id},%")
        if since:
            where.append("at >= ?")
            args.append(since)
        if until:
            where.append("at < ?")
            args.append(until)
        sql = (f"select {', '.join(FIELDS)} from audit_log"
               f"{' where ' + ' and '.join(where) if where else ''}"
               " order by seq desc limit ?")
        with self._lock:
            cursor = self._db.execute(sql, [*args, limit])
            return [dict(zip(FIELDS, r, strict=True)) for r in cursor.fetchall()]


def verify(path: Path, key: bytes) -> tuple[int, Broken | None]:
    """Walk the chain from the first row: (rows checked, the first broken link or None)."""
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        cursor = db.execute(f"select {', '.join(FIELDS)}, prev_hash, row_hash"
                            " from audit_log order by seq")
        head, expected_seq, checked = GENESIS, 1, 0
        for values in cursor:
            row = dict(zip(FIELDS, values[:len(FIELDS)], strict=True))
            prev, stored = values[-2:]
            if row["seq"] != expected_seq:
                return checked, Broken(expected_seq, f"row {expected_seq} is missing "
                                                     f"(next is {row['seq']})")
            if prev != head:
                return checked, Broken(row["seq"], "its previous hash is not the hash of the "
                                                   "row before it")
            if not hmac.compare_digest(row_hash(key, head, row), stored):
                return checked, Broken(row["seq"], "its fields do not match its hash "
                                                   "(edited after it was written)")
            head, expected_seq, checked = stored, expected_seq + 1, checked + 1
        return checked, None
    finally:
        db.close()

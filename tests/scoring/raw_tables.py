"""Raw tables as the loaders write them (all text plus lineage), for scoring tests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import pyarrow as pa

from orchestration.warehouse import Warehouse

LINEAGE = "_site varchar, _load_id varchar, _source_file varchar, _source_row integer, " \
          "_file_sha256 varchar, _loaded_at timestamp"
CLIENT = {"site": "north", "personal_id": "P1", "first_name": "Lucía", "last_name": "Okafor",
          "dob": "1984-07-09", "ssn": "123456789", "phone": "(312) 555-0142",
          "email": "lucia.okafor7@example.com", "street_address": "4410 Maple Dr Apt 3"}
PII_NOTE = ("Met LUCIA Okafor at 4410 Maple Dr Apt 3. Her car broke down again. "
            "New phone (312) 555-0142, email lucia.okafor7@example.com, SSN 123-45-6789, "
            "DOB 07/09/1984. Lucía's son Marcus came along.")


def create_raw(wh: Warehouse, clients: Sequence[dict[str, str]] = ()) -> None:
    """Empty raw.case_notes, plus raw.hmis_client and raw.intake_submissions for `clients`."""
    wh.execute("create table raw.case_notes (note_id varchar, personal_id varchar, "
               f"note_date varchar, author_id varchar, note_type varchar, text varchar, {LINEAGE})")
    wh.execute("create table raw.hmis_client (personal_id varchar, first_name varchar, "
               f"last_name varchar, dob varchar, ssn varchar, {LINEAGE})")
    wh.execute("create table raw.intake_submissions (submission_id varchar, "
               "hmis_personal_id varchar, first_name varchar, last_name varchar, dob varchar, "
               f"phone varchar, email varchar, street_address varchar, {LINEAGE})")
    for c in clients:
        wh.execute("insert into raw.hmis_client (personal_id, first_name, last_name, dob, ssn,"
                   " _site) values (?, ?, ?, ?, ?, ?)",
                   [c["personal_id"], c["first_name"], c["last_name"], c["dob"], c["ssn"],
                    c["site"]])
        wh.execute("insert into raw.intake_submissions (submission_id, hmis_personal_id,"
                   " first_name, last_name, dob, phone, email, street_address, _site)"
                   " values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [f"S-{c['personal_id']}", c["personal_id"], c["first_name"],
                    c["last_name"], c["dob"], c["phone"], c["email"], c["street_address"],
                    c["site"]])


def add_notes(wh: Warehouse, notes: list[tuple[str, str, str]], site: str = "north",
              loaded_at: datetime = datetime(2026, 1, 1)) -> None:
    """(note_id, personal_id, text) rows of one load, under a load id of its own as the loader
    gives every file."""
    load_id = f"notes/{site}/notes.jsonl/case_notes/{uuid.uuid4().hex[:16]}"
    note_ids, personal_ids, texts = (list(column) for column in zip(*notes, strict=True)) \
        if notes else ([], [], [])
    count = len(notes)
    wh.insert_arrow("raw.case_notes", pa.table({
        "note_id": note_ids, "personal_id": personal_ids, "note_date": ["2026-01-01"] * count,
        "note_type": ["contact"] * count, "text": texts, "_load_id": [load_id] * count,
        "_site": [site] * count, "_source_row": pa.array(range(1, count + 1), pa.int32()),
        "_loaded_at": pa.array([loaded_at] * count, pa.timestamp("us"))}))


def routine_notes(count: int, start: int = 0) -> list[tuple[str, str, str]]:
    """Distinct notes, one in five with something the toy model reports."""
    templates = ("Checked in about the housing search, week {i}.",
                 "She signed the lease on unit {i}.",
                 "Reviewed the budget, visit {i}.",
                 "Her car broke down on the way to session {i}.",
                 "Dropped off a hygiene kit, visit {i}.")
    return [(f"N{i:05d}", f"P{i % 7}", templates[i % 5].format(i=i))
            for i in range(start, start + count)]

"""The trained model is saved and versioned; it is retrained only when asked or unavoidable."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from orchestration.identity.clustering import ConstrainedUnionFind
from orchestration.identity.records import PersonRecord
from orchestration.identity.resolve import resolve_identities
from tests.identity.conftest import T1, T2, T3

FIRST = ("ana", "bo", "cy", "dee", "eli", "fay", "gus", "hal", "ida", "jo")
LAST = ("diaz", "lund", "moss", "park", "ruiz", "shaw", "tran", "vega", "webb", "york")


def population(people: int = 300) -> list[PersonRecord]:
    """Each person twice: an HMIS row (DOB, SSN) and an intake (email, last four)."""
    records = []
    for i in range(people):
        first, last = FIRST[i % 10], LAST[(i // 10) % 10] + chr(97 + i // 100)
        dob = date(1950, 1, 1) + timedelta(days=97 * i)
        ssn = f"{100 + i:03d}{i % 90 + 10:02d}{1000 + i:04d}"
        records.append(PersonRecord(f"hmis:north:{i}", "hmis", "north", str(i), first, last,
                                    dob, ssn[-4:], ssn=ssn))
        records.append(PersonRecord(f"intake:south:{i}", "intake", "south", str(i), first, last,
                                    dob if i % 3 else None, ssn[-4:], email=f"p{i}@x.org"))
    return records


def test_trained_once_reused_then_retrained_only_on_request(warehouse, options) -> None:
    records = population()
    first = resolve_identities(warehouse, options, T1, records)
    assert (first.model_kind, first.trained) == ("trained", "no trained model yet")
    assert first.active_persons == 300
    again = resolve_identities(warehouse, options, T2, records)
    assert (again.model_version, again.trained) == (first.model_version, "")
    retrain = replace(options, retrain=True)
    same = resolve_identities(warehouse, retrain, T3, records)
    assert same.trained == "retrain requested"
    assert same.model_version == first.model_version  # same records and seed: same model
    grown = resolve_identities(warehouse, retrain, T3, population(400))
    assert grown.model_version != first.model_version
    assert warehouse.rows("select model_version, is_active from identity.model_versions"
                          " order by created_at") == [(first.model_version, False),
                                                      (grown.model_version, True)]


def test_too_few_records_use_the_prior_model_and_train_later(warehouse, options) -> None:
    small = resolve_identities(warehouse, options, T1, population(20))
    assert small.model_kind == "prior"
    grown = resolve_identities(warehouse, options, T2, population(300))
    assert grown.model_kind == "trained"


def test_union_find_refuses_links_a_reviewer_forbade() -> None:
    sets = ConstrainedUnionFind(5, cannot_link=[(0, 2)])
    assert sets.union(0, 1, 1)
    assert not sets.union(1, 2, 1)  # would put 0 and 2 together
    assert sets.union(3, 2, 2)
    assert sets.groups().tolist() == [0, 0, 1, 1, 2]  # numbered by their smallest record
    assert sets.refused == [(1, 2, 1)]
    assert list(sets.rule_of) == [1, 1, 2, 2, 0]

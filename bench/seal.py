"""Sealing a receipt over 100,000 events and checking the store against it, on PostgreSQL.

Baseline, in the same run: the minimum either must do — read every event of the log in
pages and hash its stored content to its digest, in a plain loop, once for the seal and
once for the check. Sealing adds the Merkle tree, the signature and keeping the leaves;
checking adds the tree. Prints ``seal: ratio <x> (target 0.5)``, x = baseline ÷ (seal +
check), so 1.0 would mean the tree, signature and leaves cost nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.append import OFFICER, SYSTEM, ctx
from bench.support import postgres, schema
from domain.store import ChainMapper, log_pages
from service.log_tree import tree_of
from service.nomination_service import NominationService
from service.receipts import Receipts, SigningKey
from storage.views import PostgresDatabase
from thidua.bootstrap import load_units, postgres_env
from thidua.settings import Settings

PER_NOMINATION = 2000  # deep enough for snapshots, shallow enough to fill quickly


def digest_loop(service: NominationService, page_size: int = 1000) -> int:
    mapper = service.mapper
    assert isinstance(mapper, ChainMapper)
    head = service.recorder.max_notification_id() or 0
    hashed = 0
    for page in log_pages(service.recorder, upto=head, page_size=page_size):
        for notification in page:
            mapper.stored_content(notification)
            hashed += 1
    return hashed


def fill(service: NominationService, events: int) -> None:
    levels = ("commune", "ward", "township")
    nominees = [
        (u.code, form, year)
        for year in (2023, 2024)
        for form in ("bang-khen-tinh", "co-thi-dua-tinh")
        for u in service.units
        if u.kind.value in levels
    ]
    for code, form, year in nominees[: max(1, events // PER_NOMINATION)]:
        nid = service.open_nomination(ctx(OFFICER), code, form, year).id
        for i in range(PER_NOMINATION - 1):
            service.record_reminder(ctx(SYSTEM), nid, "collecting", ["a@example.org"], f"#{i}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with postgres() as url, schema(url) as name, tempfile.TemporaryDirectory() as keys:
        service = NominationService(
            postgres_env(url, name), units=load_units(Settings().units_file)
        )
        database = PostgresDatabase(url, name)
        try:
            fill(service, args.events)
            receipts = Receipts(service, database, SigningKey.load_or_create(Path(keys)))
            started = time.perf_counter()
            count = digest_loop(service) + digest_loop(service)
            baseline = time.perf_counter() - started

            started = time.perf_counter()
            receipt = receipts.seal()
            sealed = time.perf_counter() - started
            started = time.perf_counter()
            check = receipts.check(receipt)
            checked = time.perf_counter() - started
            assert check.ok, check

            leaves = receipts.sealed_leaves()
            started = time.perf_counter()
            tree_of(leaves)
            tree = time.perf_counter() - started
        finally:
            database.close()
            service.close()
    ratio = baseline / (sealed + checked)
    print(
        f"{count // 2} events: digest loop x2 {baseline:.2f} s; seal {sealed:.2f} s;"
        f" check {checked:.2f} s; of which one Merkle tree {tree:.2f} s"
    )
    print(f"seal: ratio {ratio:.2f} (target 0.5)")


if __name__ == "__main__":
    main()

"""`thidua audit writer-keys`, `new-writer-key` and `retire-writer-key`: the writer keyring
seen, rotated and retired from the command line (see domain.writers and docs/security.md).

Rotation: make a new key, restart every process with it (each registers it, certified by
the audit key, when it starts), then retire the old one: from that position on, the log
refuses its signatures.
"""

from __future__ import annotations

import argparse
import json
import os

from domain.writers import KeyringError, WriterKey
from thidua.bootstrap import WRITER_KEY_FILE, signing_key, system_context, writer_key
from thidua.cli.common import Subparsers, open_service
from thidua.settings import Settings


def add_parsers(audit: Subparsers) -> None:
    listing = audit.add_parser(
        "writer-keys", help="the writer keys that sign events, each with its period"
    )
    listing.set_defaults(handler=_list)
    rotate = audit.add_parser(
        "new-writer-key",
        help="make a new writer key (under the data dir, the old one kept beside it; with"
        " THIDUA_WRITER_KEY set, printed as PEM for you to give every process)",
    )
    rotate.set_defaults(handler=_new)
    retire = audit.add_parser(
        "retire-writer-key", help="end a key's period here, once no process signs with it"
    )
    retire.add_argument("key_id", metavar="KEY_ID")
    retire.set_defaults(handler=_retire)


def _list(settings: Settings, _: argparse.Namespace) -> int:
    with open_service(settings) as service:
        try:
            keyring = service.keyring(signing_key(settings).certifies)
        except KeyringError as error:
            print(f"thidua: the writer keyring does not hold: {error}")
            return 1
    print(json.dumps(keyring.to_dict(), indent=2))
    return 0


def _new(settings: Settings, _: argparse.Namespace) -> int:
    if settings.writer_key is not None:
        # The operator distributes it: each process registers it when it starts with it.
        print(WriterKey.generate().pem().decode(), end="")
        return 0
    old = writer_key(settings)
    path = settings.keys_dir / WRITER_KEY_FILE
    os.replace(path, settings.keys_dir / f"writer-ed25519.{old.key_id}.pem.old")
    fresh = writer_key(settings)  # made afresh where the old one was
    with open_service(settings):  # registers the new key in the log's keyring
        pass
    print(
        json.dumps(
            {
                "new_key_id": fresh.key_id,
                "old_key_id": old.key_id,
                "next": "restart every process, then: thidua audit retire-writer-key " + old.key_id,
            }
        )
    )
    return 0


def _retire(settings: Settings, args: argparse.Namespace) -> int:
    # A refusal is a DomainError naming key_id, which the CLI prints (exit 2).
    with open_service(settings) as service:
        result = service.retire_writer(
            system_context(f"retire-writer-key:{args.key_id}"), args.key_id
        )
    print(json.dumps({"retired": args.key_id, "at_position": result.position}))
    return 0

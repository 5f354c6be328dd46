"""What a process needs to serve or run commands: settings, database, key store."""

from __future__ import annotations

from functools import cached_property

from verifier.config import Settings
from verifier.db import Database
from verifier.documents.reads import Lookups
from verifier.signing.keys import KeyStore


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def database(self) -> Database:
        return Database(self.settings.database_url)

    @cached_property
    def lookups(self) -> Lookups:
        """The public look-ups' fast reads (see :mod:`verifier.documents.reads`)."""
        return Lookups(self.database.lookup_engine)

    @cached_property
    def keystore(self) -> KeyStore:
        return KeyStore(self.settings.keys_dir, self.settings.key_passphrase)

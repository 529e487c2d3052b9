"""The inbox folder the file sensor watches."""


from pathlib import Path

import dagster as dg

from leadgate_dagster import settings


class InboxResource(dg.ConfigurableResource):
    path: str = ""  # empty: LEADGATE_INBOX, else <LEADGATE_HOME>/inbox

    def folder(self) -> Path:
        folder = Path(self.path) if self.path else settings.inbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

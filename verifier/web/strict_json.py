"""Request bodies parsed as JSON the service can store: bounded depth, no lone surrogates.

Python's ``json`` raises ``RecursionError`` (not ``ValueError``) for a body
nested a few thousand levels deep, and accepts ``"\\ud800"``, a lone surrogate
that no UTF-8 database column can hold: both were 500s. Here both are
``ValueError``, which Flask turns into 400 (``get_json``) or None
(``get_json(silent=True)``) like any other malformed body. Installed as the
app's JSON provider, so every route that reads JSON gets it, before
authentication as after.
"""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider


class StrictJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        text = s if isinstance(s, str) else s.decode("utf-8", "replace")
        if "\\ud" in text.lower():  # only escapes can make a lone surrogate
            try:
                json.dumps(value, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("JSON holds a lone surrogate") from None
            except RecursionError:  # pragma: no cover - parsed, so within depth
                raise ValueError("JSON nested too deeply") from None
        return value

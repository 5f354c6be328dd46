"""The published token vectors (docs/token-vectors.json) and their key set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VECTORS_FILE = ROOT / "docs" / "token-vectors.json"
DOCUMENT: dict[str, Any] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
VECTORS: list[dict[str, Any]] = DOCUMENT["vectors"]
JWKS: dict[str, Any] = DOCUMENT["jwks"]

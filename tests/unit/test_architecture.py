"""The house's rules (docs/architecture.md), checked on the code itself.

Every module of the package belongs to a layer; a module imports only from its
own layer or the layers below, so nothing imports upward: the token code
verifies offline without the database, printing takes data and not the
service, and nothing outside the web layer needs Flask.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "verifier"

# Low to high. A module is placed by the longest prefix that names it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("verifier.vocabulary", "verifier.errors", "verifier.config", "verifier.translations"),
    (
        "verifier.signing",
        "verifier.documents.record",
        "verifier.documents.numbers",
        "verifier.documents.names",
        "verifier.documents.claims",
        "verifier.documents.parse",
    ),
    ("verifier.db", "verifier.printing", "verifier.audit.events"),
    (
        "verifier.documents",
        "verifier.keys",
        "verifier.staff",
        "verifier.imports",
        "verifier.verification",
        "verifier.audit",
        "verifier.archive",
        "verifier.inquiries",
        "verifier.reports",
    ),
    ("verifier.runtime", "verifier.demo", "verifier.cli", "verifier.__main__", "verifier.web"),
)
# Neighbours in one layer that must not know each other.
FORBIDDEN = {
    "verifier.printing": ("verifier.db", "verifier.audit"),  # printing takes data
    "verifier.db": ("verifier.printing", "verifier.audit"),
    "verifier.signing": ("verifier.documents",),
}


def _layer(module: str) -> tuple[int, str]:
    best = max(
        ((level, prefix) for level, prefixes in enumerate(LAYERS) for prefix in prefixes
         if module == prefix or module.startswith(prefix + ".")),
        key=lambda found: len(found[1]),
        default=None,
    )  # fmt: skip
    if best is None:
        raise AssertionError(f"{module} is in no layer of docs/architecture.md")
    return best


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # Alembic's scripts, run by Alembic
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name != "verifier":
            yield name, path


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            # `from verifier.web import site`: the imported names may be modules.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _violations() -> Iterator[str]:
    known = {name for name, _ in _modules()}
    for name, path in _modules():
        level = _layer(name)[0]
        for imported in set(_imports(path)):
            if not imported.startswith("verifier.") or imported not in known:
                continue
            their_level = _layer(imported)[0]
            if their_level > level:
                yield f"{name} imports upward: {imported}"
            for group, banned in FORBIDDEN.items():
                if name.startswith(group) and imported.startswith(banned):
                    yield f"{name} imports {imported}"


def test_every_module_has_a_layer() -> None:
    for name, _ in _modules():
        _layer(name)


def test_no_module_imports_upward() -> None:
    assert sorted(_violations()) == []


@pytest.mark.parametrize(
    "module",
    [
        "verifier",
        "verifier.signing.tokens",
        "verifier.signing.keys",
        "verifier.documents.claims",
        "verifier.verification.service",
        "verifier.printing.render",
        "verifier.imports.files",
        "verifier.cli",
    ],
)
def test_importing_outside_the_web_layer_loads_no_flask(module: str) -> None:
    probe = f"import sys, {module}; print('flask' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_token_code_loads_neither_the_database_nor_printing() -> None:
    probe = (
        "import sys, verifier.signing.tokens, verifier.signing.keys; "
        "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'verifier.db', "
        "'verifier.printing', 'reportlab'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

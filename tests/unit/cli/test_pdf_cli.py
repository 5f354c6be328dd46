"""`verifier pdf` and `verifier verify FILE.pdf` from the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.support.values import diploma_values, transcript_values
from verifier.documents import registry
from verifier.runtime import Runtime

Run = Callable[..., Result]


def test_a_printed_pdf_verifies_from_the_command_line(
    run: Run, issue: Callable[..., str], tmp_path: Path
) -> None:
    number = issue(transcript_values())
    target = tmp_path / "supplement.pdf"
    assert run("pdf", number, "-o", str(target)).exit_code == 0
    result = run("verify", str(target))
    assert result.exit_code == 0, result.output
    assert "status: valid" in result.output
    assert "grades" in result.output


def test_printing_a_revoked_document_is_refused_with_a_message(
    run: Run, runtime: Runtime, issue: Callable[..., str], tmp_path: Path
) -> None:
    number = issue()
    with runtime.database.transaction() as session:
        registry.revoke(session, number, reason="issued in error", actor="test")
    result = run("pdf", number, "-o", str(tmp_path / "revoked.pdf"))
    assert result.exit_code == 1
    assert "revoked" in result.stderr and "not printed" in result.stderr
    assert not (tmp_path / "revoked.pdf").exists()


def test_an_unknown_number_is_one_clear_error(run: Run, tmp_path: Path) -> None:
    result = run("pdf", "KT 2409999", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no document KT2409999"


def test_printing_a_class_is_resumable(run: Run, issue: Callable[..., str], tmp_path: Path) -> None:
    for n in range(3):
        issue(diploma_values(number=f"KT 24000{n + 10}"))
    out = tmp_path / "class"
    first = run("pdf", "--all", "--institution", "TATT", "--out", str(out), "--jobs", "2")
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("3 written, 0 already there")
    assert sorted(p.name for p in out.iterdir()) == [
        "KT2400010.pdf",
        "KT2400011.pdf",
        "KT2400012.pdf",
    ]
    (out / "KT2400011.pdf").unlink()
    again = run("pdf", "--all", "--institution", "TATT", "--out", str(out))
    assert again.stdout.startswith("1 written, 2 already there")

"""The ``verifier`` command line (also ``python -m verifier``)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import click
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from verifier import demo
from verifier.audit import replay as audit_log
from verifier.audit import trail
from verifier.config import Settings
from verifier.db import schema
from verifier.documents import registry
from verifier.documents.numbers import normalise_number
from verifier.errors import (
    Conflict,
    ImportRejected,
    InvalidInput,
    NotFound,
    VerifierError,
)
from verifier.imports import files
from verifier.inquiries import calendar
from verifier.inquiries.service import Letters
from verifier.keys import lifecycle
from verifier.printing.qr import qr_png
from verifier.reports.check import check_report, check_report_offline
from verifier.reports.check import describe as describe_report
from verifier.reports.service import Signatory
from verifier.runtime import Runtime
from verifier.signing import tokens
from verifier.signing.keys import KeyRing
from verifier.staff import accounts, api_tokens
from verifier.verification.outcome import Outcome
from verifier.verification.service import describe, verify_pdf, verify_token, verify_token_offline
from verifier.vocabulary import RevocationCode


def _actor() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}"


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


class VerifierGroup(click.Group):
    """Turns service errors into one clear line on stderr and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ImportRejected as exc:
            for problem in exc.errors:
                click.echo(f"error: {problem}", err=True)
            rows = f" of {exc.total_rows} rows" if exc.total_rows is not None else ""
            _fail(f"{len(exc.errors)} problem(s){rows}; nothing was issued")
        except VerifierError as exc:
            _fail(str(exc))
        except SQLAlchemyError as exc:
            _fail(f"database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")


def _runtime(ctx: click.Context) -> Runtime:
    if ctx.obj is None:
        ctx.obj = Runtime(Settings.from_env())
    runtime: Runtime = ctx.obj
    return runtime


pass_runtime = click.make_pass_decorator(Runtime, ensure=False)


@click.group(cls=VerifierGroup)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Issue, revoke and verify signed diplomas, transcripts and certificates."""
    _runtime(ctx)


@cli.command()
@pass_runtime
def init(runtime: Runtime) -> None:
    """Create or upgrade the schema; create a signing key if there is none."""
    schema.upgrade(runtime.database)
    with runtime.database.transaction() as session:
        kid = lifecycle.ensure_key(session, runtime.keystore, actor=_actor())
        certificate = lifecycle.ensure_pdf_certificate(session, runtime.keystore, actor=_actor())
    click.echo("schema is up to date")
    if kid:
        click.echo(f"created signing key {kid} in {runtime.keystore.directory}")
    if certificate:
        click.echo(f"created PDF signing certificate (SHA-256 {certificate})")


@cli.group()
def institution() -> None:
    """Manage institutions."""


@institution.command("add")
@click.argument("code")
@click.option("--name-uz", required=True, help="Official name in Uzbek (Latin).")
@click.option("--name-ru", help="Name in Russian.")
@click.option("--name-en", help="Name in English.")
@pass_runtime
def institution_add(
    runtime: Runtime, code: str, name_uz: str, name_ru: str | None, name_en: str | None
) -> None:
    """Add an institution with its code and names."""
    with runtime.database.transaction() as session:
        added = registry.add_institution(
            session, code, name_uz=name_uz, name_ru=name_ru, name_en=name_en, actor=_actor()
        )
        click.echo(f"added institution {added.code}")


class _ProgressLine:
    """Rows done, rate and time left, redrawn in place on a terminal."""

    def __init__(self, unit: str = "rows") -> None:
        self.started = time.monotonic()
        self.unit = unit

    def __call__(self, done: int, total: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0
        eta = dt.timedelta(seconds=round(left))
        click.echo(
            f"\r{done:,}/{total:,} {self.unit}  {rate:,.1f}/s  {eta} left ",
            nl=False,
            err=True,
        )


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--chunk-size", default=files.CHUNK_SIZE, show_default=True, hidden=True)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    help="Processes that parse rows and sign tokens (default: one per CPU).",
)
@pass_runtime
def issue(runtime: Runtime, file: Path, chunk_size: int, processes: int | None) -> None:
    """Issue every record in a .csv or .jsonl FILE (all or nothing if any row is invalid)."""
    summary = _import(runtime, file, chunk_size, processes, archive=False)
    click.echo(
        f"{summary.rows} rows: {summary.issued} issued, {summary.already_issued} already issued "
        f"({summary.seconds:.1f} s)"
    )


def _import(
    runtime: Runtime, file: Path, chunk_size: int, processes: int | None, *, archive: bool
) -> files.ImportSummary:
    """``issue`` and ``archive import``: one pipeline, with progress on a terminal."""
    progress = _ProgressLine() if sys.stderr.isatty() else None
    summary = files.issue_file(
        runtime.database,
        runtime.keystore,
        file,
        base_url=runtime.settings.base_url,
        actor=_actor(),
        chunk_size=chunk_size,
        progress=progress,
        processes=processes or os.cpu_count() or 1,
        archive=archive,
    )
    if progress:
        click.echo(err=True)
    return summary


@cli.group()
def archive() -> None:
    """Archive records: documents issued before the registry, from institutions' issue books."""


@archive.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--chunk-size", default=files.CHUNK_SIZE, show_default=True, hidden=True)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    help="Processes that parse rows (default: one per CPU).",
)
@pass_runtime
def archive_import(runtime: Runtime, file: Path, chunk_size: int, processes: int | None) -> None:
    """Record every archive record in a .csv or .jsonl FILE (all or nothing, re-runnable).

    Fields: the import fields, of which type, number, surname, given_name,
    institution and issue_date (or issue_year) are required, plus source
    (required: where it was transcribed from) and checked_by.
    """
    summary = _import(runtime, file, chunk_size, processes, archive=True)
    click.echo(
        f"{summary.rows} rows: {summary.issued} recorded, {summary.already_issued} already "
        f"recorded ({summary.seconds:.1f} s)"
    )


@cli.group()
def holidays() -> None:
    """Public holidays: an inquiry's answer is due in working days (docs/inquiries.md)."""


@holidays.command("list")
@click.option("--year", type=int, help="The year to list (default: this year).")
@pass_runtime
def holidays_list(runtime: Runtime, year: int | None) -> None:
    """The holidays of a year: the fixed ones that ship with verifier and those added."""
    shown = year or dt.datetime.now(dt.UTC).year
    with runtime.database.session() as session:
        days = calendar.holidays(session, shown)
    for day in days:
        origin = "fixed" if day.fixed else "added"
        click.echo(f"{day.day.isoformat()}  {day.day.strftime('%a')}  {origin:5}  {day.name}")


@holidays.command("add")
@click.argument("day", metavar="DATE")
@click.argument("name")
@pass_runtime
def holidays_add(runtime: Runtime, day: str, name: str) -> None:
    """Add a movable holiday or a bridge day (DATE as YYYY-MM-DD) for every host."""
    try:
        date = dt.date.fromisoformat(day) if len(day) == 10 else None
    except ValueError:
        date = None
    if date is None:
        raise InvalidInput("holiday_date", value=repr(day))
    with runtime.database.transaction() as session:
        added = calendar.add_holiday(session, date, name, actor=_actor())
    click.echo(f"added {added.day.isoformat()} {added.name}")


@cli.command()
@click.argument("number")
@click.option(
    "--reason", required=True, help="Why, as an internal note (shown only in the workspace)."
)
@click.option(
    "--code",
    type=click.Choice([c.value for c in RevocationCode]),
    default=RevocationCode.OTHER.value,
    show_default=True,
    help="The reason the public sees, translated on every answer.",
)
@pass_runtime
def revoke(runtime: Runtime, number: str, reason: str, code: str) -> None:
    """Revoke a document (and so every supplement of a diploma)."""
    with runtime.database.transaction() as session:
        document = registry.revoke(session, number, reason=reason, code=code, actor=_actor())
        linked = registry.linked_documents(session, document.number)
        click.echo(f"revoked {document.number}")
        for supplement in linked:
            click.echo(f"its supplement {supplement.number} now answers revoked too")


@cli.command()
@click.argument("number")
@click.option("--new-number", required=True, help="Number of the duplicate.")
@click.option("--reason", help="Why (e.g. the original was lost).")
@click.option(
    "--supplement-number",
    "supplement_numbers",
    multiple=True,
    metavar="OLD=NEW",
    help="New number of a supplement reissued with the diploma (default: its series, new digits).",
)
@pass_runtime
def reissue(
    runtime: Runtime,
    number: str,
    new_number: str,
    reason: str | None,
    supplement_numbers: tuple[str, ...],
) -> None:
    """Issue a duplicate under a new number; the old one (and its supplements) superseded."""
    pairs = dict(pair.partition("=")[::2] for pair in supplement_numbers)
    if any(not old or not new for old, new in pairs.items()):
        raise click.BadParameter("write OLD=NEW", param_hint="--supplement-number")
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        new = registry.reissue(
            session,
            number,
            new_number=new_number,
            reason=reason,
            signer=signer,
            actor=_actor(),
            supplement_numbers=pairs,
        )
        click.echo(f"issued {new.number}; {normalise_number(number)} is superseded")
        for supplement in registry.linked_documents(session, new.number):
            click.echo(f"issued supplement {supplement.number} with it")


@cli.command()
@click.argument("number")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), help="Write the QR image.")
@pass_runtime
def qr(runtime: Runtime, number: str, png: Path | None) -> None:
    """Print a document's QR URL (the exact QR content)."""
    with runtime.database.session() as session:
        document = registry.get_document(session, number)
        url = registry.qr_url_of(document, runtime.settings.base_url)
    if url is None:
        raise Conflict("archive_has_no_qr", number=document.number)
    if png:
        png.write_bytes(qr_png(url))
    click.echo(url)


@cli.command("pdf")
@click.argument("number", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="PDF file.")
@click.option("--all", "all_", is_flag=True, help="Every printable document of --institution.")
@click.option("--institution", help="Institution code (with --all).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--russian", is_flag=True, help="Also print Russian labels (if the holder asked).")
@click.option(
    "--blank",
    "blank_form",
    help="Print only the variable data and QR onto a pre-printed blank of this form type.",
)
@click.option("--jobs", type=int, help="Worker processes for --all (default: every core).")
@pass_runtime
def pdf(
    runtime: Runtime,
    number: str | None,
    output: Path | None,
    all_: bool,
    institution: str | None,
    out_dir: Path | None,
    russian: bool,
    blank_form: str | None,
    jobs: int | None,
) -> None:
    """Print a document as a signed PDF, or a whole class with --all."""
    from verifier.keys import lifecycle
    from verifier.printing import batch, blank
    from verifier.printing.fonts import check_fonts
    from verifier.printing.labels import UZ_EN, UZ_RU_EN
    from verifier.printing.pades import PdfSigner
    from verifier.printing.render import render_signed

    check_fonts()  # before any database work: a missing font is a broken install
    languages = UZ_RU_EN if russian else UZ_EN
    if all_:
        if number or output or not institution or not out_dir:
            raise InvalidInput("pdf_arguments_all")
        progress = _ProgressLine("documents") if sys.stderr.isatty() else None
        with runtime.database.session() as session:
            kid = lifecycle.document_signing_key(session, runtime.keystore).kid
            documents, not_printable = registry.class_print_data(
                session, institution, runtime.settings.base_url
            )
        summary = batch.print_class(
            documents,
            runtime.keystore,
            kid,
            directory=out_dir,
            languages=languages,
            workers=jobs,
            progress=progress,
        )
        if progress:
            click.echo(err=True)
        click.echo(
            f"{summary.written} written, {summary.skipped_existing} already there, "
            f"{not_printable} revoked or superseded not printed "
            f"({summary.seconds:.1f} s) in {out_dir}"
        )
        return
    if not number or not output:
        raise InvalidInput("pdf_arguments_one")
    with runtime.database.session() as session:
        data = registry.print_data(session, number, runtime.settings.base_url)
        if blank_form:
            document_pdf = blank.render_on_blank(data, blank.load_form(blank_form), languages)
        else:
            document_pdf = render_signed(
                data,
                PdfSigner(lifecycle.document_signing_key(session, runtime.keystore)),
                languages,
            )
    batch.write_atomically(output, document_pdf)
    click.echo(f"wrote {output} ({data.record.number}, {len(document_pdf):,} bytes)")


MAX_PDF_ARGUMENT_BYTES = 20 * 1024 * 1024


def _pdf_bytes(target: str) -> bytes | None:
    """The file's bytes if TARGET names a PDF file, else None (it is a token or URL)."""
    # A token's last segment is an 86-character signature, so it never ends in ".pdf".
    if not target.lower().endswith(".pdf"):
        return None
    path = Path(target)
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_PDF_ARGUMENT_BYTES + 1)
    except OSError as exc:
        raise InvalidInput("file_unreadable", path=target, reason=str(exc.strerror)) from None


@cli.command()
@click.argument("target")
@click.option(
    "--jwks",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Verify against this JWKS only, without the registry.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print {"status", "checks", "claims"} as JSON (claims under their token-format.md names).',
)
@pass_runtime
def verify(runtime: Runtime, target: str, jwks: Path | None, as_json: bool) -> None:
    """Verify a token, QR URL or PDF file, or a report's code; exit 0 only if valid (genuine)."""
    document_pdf = _pdf_bytes(target)
    if document_pdf is not None:
        if jwks is not None:
            # Offline: the JWKS holds no certificates, so the signer is not judged.
            outcome = verify_pdf(
                None, document_pdf, KeyRing.from_jwks_file(jwks), certificates=None
            )
        else:
            with runtime.database.session() as session:
                ring = lifecycle.keyring(session)
                certificates = runtime.keystore.certificates.published(key.kid for key in ring)
                outcome = verify_pdf(session, document_pdf, ring, certificates=certificates)
    elif tokens.declared_type(target) == tokens.REPORT_TYPE:
        _verify_report(runtime, target, jwks, as_json)
    elif jwks is not None:
        outcome = verify_token_offline(target, KeyRing.from_jwks_file(jwks))
    else:
        with runtime.database.session() as session:
            outcome = verify_token(session, target, lifecycle.keyring(session))
    if as_json:
        click.echo(json.dumps(_verify_json(outcome), ensure_ascii=False, indent=2))
    else:
        click.echo(describe(outcome))
    sys.exit(0 if outcome.is_valid else 1)


def _verify_report(runtime: Runtime, target: str, jwks: Path | None, as_json: bool) -> NoReturn:
    """An official report's or letter's code: genuine or not, expired, changed since (online)."""
    if jwks is not None:
        check = check_report_offline(target, KeyRing.from_jwks_file(jwks))
    else:
        with runtime.database.session() as session:
            check = check_report(session, target, lifecycle.keyring(session))
    if as_json:
        answer = {
            "status": check.status.value,
            "checks": {c.name: {"passed": c.passed, "detail": c.detail} for c in check.checks},
            "claims": check.claims.named() if check.claims is not None else None,
            "expired": check.expired,
            "changed": check.changed,
        }
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        click.echo(describe_report(check))
    # Genuine is what verify judges; an expired report is still genuine (docs/reports.md).
    sys.exit(0 if check.genuine else 1)


def _verify_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "status": outcome.status.value,
        "checks": {c.name: {"passed": c.passed, "detail": c.detail} for c in outcome.checks},
        "claims": outcome.claims.named() if outcome.claims is not None else None,
    }


@cli.group("keys")
def keys_group() -> None:
    """List, rotate, export and retire signing keys."""


@keys_group.command("list")
@pass_runtime
def keys_list(runtime: Runtime) -> None:
    """List signing keys and their status."""
    with runtime.database.session() as session:
        ring = lifecycle.keyring(session)
    for key in ring:
        until = key.valid_until.isoformat(timespec="seconds") if key.valid_until else "-"
        click.echo(
            f"{key.kid}  {key.status:<11}  "
            f"from {key.valid_from.isoformat(timespec='seconds')}  until {until}"
        )


@keys_group.command("rotate")
@pass_runtime
def keys_rotate(runtime: Runtime) -> None:
    """Make a new signing key; the old one keeps verifying."""
    with runtime.database.transaction() as session:
        kid = lifecycle.rotate(session, runtime.keystore, actor=_actor())
    click.echo(f"new signing key {kid}")


@keys_group.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@pass_runtime
def keys_export(runtime: Runtime, output: Path | None) -> None:
    """Print the public keys as a JWKS (or write it to a file)."""
    with runtime.database.session() as session:
        text = json.dumps(lifecycle.keyring(session).to_jwks(), indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _parse_time(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("time_malformed", value=repr(value)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@keys_group.command("compromise")
@click.argument("kid")
@click.option(
    "--at", "at", required=True, help="When the key was compromised (ISO 8601, UTC if no zone)."
)
@pass_runtime
def keys_compromise(runtime: Runtime, kid: str, at: str) -> None:
    """Mark a key compromised from a time on."""
    with runtime.database.transaction() as session:
        new_kid = lifecycle.compromise(
            session, runtime.keystore, kid, at=_parse_time(at), actor=_actor()
        )
    click.echo(f"key {kid} marked compromised")
    if new_kid:
        click.echo(f"new signing key {new_kid}")


@cli.command()
@pass_runtime
def audit(runtime: Runtime) -> None:
    """Re-walk the event chain and check every document row against it."""
    with runtime.database.session() as session:
        report = audit_log.run(session)
    try:  # the workspace's audit page shows the last result, with its time
        with runtime.database.transaction() as session:
            trail.record_audit(session, report, actor=_actor())
    except SQLAlchemyError as exc:  # a read-only account still gets the verdict
        click.echo(
            f"warning: the result is not recorded in the log ({exc.__class__.__name__})", err=True
        )
    chain = report.chain
    if chain.broken:
        click.echo(
            f"chain broken after {chain.events_checked} intact event(s): {chain.broken}", err=True
        )
        sys.exit(1)
    if report.finding:
        click.echo(f"registry does not match its history: {report.finding}", err=True)
        sys.exit(1)
    click.echo(
        f"{chain.events_checked} events, chain intact; {report.documents_checked} documents "
        f"match their history; head {chain.head_hash}"
    )


@cli.group()
def user() -> None:
    """Staff accounts for the registrar workspace."""


@user.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "registrar", "auditor"]))
@click.option("--institution", help="Institution code (registrars only).")
@pass_runtime
def user_add(runtime: Runtime, email: str, role: str, institution: str | None) -> None:
    """Add a staff account; prints the TOTP enrolment URI once."""
    password = os.environ.get("VERIFIER_NEW_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True, err=True
    )
    with runtime.database.transaction() as session:
        enrolment = accounts.add_user(
            session, email, role=role, password=password, institution=institution, actor=_actor()
        )
    click.echo(f"added {enrolment.role.value} {enrolment.email}")
    click.echo("scan this with an authenticator app now; it is not shown again:")
    click.echo(enrolment.otpauth_uri)


def _staff_user(session: Any, email: str) -> Any:
    from verifier.db.models import StaffUser

    found = session.scalars(
        select(StaffUser).where(StaffUser.email == accounts.normalise_email(email))
    ).first()
    if found is None:
        raise NotFound("no_such_account", email=email)
    return found


@user.command("password")
@click.argument("email")
@pass_runtime
def user_password(runtime: Runtime, email: str) -> None:
    """Set a new password (from a prompt or VERIFIER_NEW_PASSWORD); ends every session."""
    password = os.environ.get("VERIFIER_NEW_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True, err=True
    )
    with runtime.database.transaction() as session:
        accounts.change_password(session, _staff_user(session, email), password, actor=_actor())
    click.echo(f"password changed for {email}; its sessions are ended")


@user.command("disable")
@click.argument("email")
@pass_runtime
def user_disable(runtime: Runtime, email: str) -> None:
    """Disable an account; every session of it ends at once."""
    with runtime.database.transaction() as session:
        accounts.set_disabled(session, _staff_user(session, email), True, actor=_actor())
    click.echo(f"disabled {email}; its sessions are ended")


@cli.group("api-token")
def api_token() -> None:
    """Bearer tokens for institutions' own systems."""


@api_token.command("create")
@click.option("--institution", required=True, help="Institution code the token acts for.")
@click.option("--name", help="What uses the token, e.g. the student-information system.")
@pass_runtime
def api_token_create(runtime: Runtime, institution: str, name: str | None) -> None:
    """Create a token; prints it once (only its hash is stored)."""
    with runtime.database.transaction() as session:
        token = api_tokens.create(session, institution, name=name, actor=_actor())
    click.echo(f"created API token {token.id} for {token.institution} ({token.name}); shown once:")
    click.echo(token.secret)


@api_token.command("revoke")
@click.argument("token_id", type=int)
@pass_runtime
def api_token_revoke(runtime: Runtime, token_id: int) -> None:
    """Revoke a token at once."""
    with runtime.database.transaction() as session:
        api_tokens.revoke(session, token_id, actor=_actor())
    click.echo(f"revoked API token {token_id}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option(
    "--workers",
    default=None,
    type=int,
    help="Default: 2 with a shared VERIFIER_RATELIMIT_STORAGE_URL, else 1.",
)
def serve(host: str, port: int, workers: int | None) -> None:
    """Serve the web application with gunicorn."""
    from verifier.web.gunicorn_config import shared_storage_needed

    settings = Settings.from_env()
    if workers is None:
        workers = 1 if shared_storage_needed(settings, 2) else 2
    problem = shared_storage_needed(settings, workers)
    if problem:
        raise problem
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:verifier.web.gunicorn_config",
        "verifier.web.wsgi:app",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
    ]
    os.execv(sys.executable, args)  # noqa: S606  # nosec B606


@cli.command("demo")
@pass_runtime
def demo_command(runtime: Runtime) -> None:
    """Load a sample institution and a few dozen documents."""
    with runtime.database.transaction() as session:
        signer = lifecycle.load_signer(session, runtime.keystore)
        loaded = demo.load(session, signer, actor=_actor())
        received = (
            demo.inquire(
                session,
                Letters(signer, _demo_issuer, runtime.settings.report_days, _demo_signatory),
                working_days=runtime.settings.inquiry_working_days,
            )
            if loaded
            else None
        )
    if received is None:
        click.echo("demo data is already loaded")
        return
    click.echo(f"loaded demo data: institutions {demo.COLLEGE} and {demo.INSTITUTE}; try")
    click.echo(f"  verifier qr {demo.DUPLICATE_NUMBER}")
    click.echo(f"a formal inquiry waits in {demo.COLLEGE}'s queue; its requester's address:")
    click.echo(f"  {received.url(runtime.settings.base_url)}")


def _demo_issuer(language: str) -> str:
    return "Demonstration service (a development installation, not an official issuer)"


def _demo_signatory(language: str) -> Signatory:
    return Signatory(_demo_issuer(language), "Answered automatically from the registry")


def main() -> None:
    cli(prog_name="verifier")

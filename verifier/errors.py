"""One error hierarchy for everything the service refuses to do.

Every error raised on purpose is a :class:`VerifierError` of a kind's class
(:class:`InvalidInput`, :class:`NotFound`, :class:`Conflict`...) built from a
stable machine ``code`` and its ``params``::

    raise Conflict("already_issued", number="KT2400101")

The English sentence comes from :data:`MESSAGES`, the one table of error
messages, marked for the catalogue: ``str(error)`` is that sentence (what the
command line prints) and ``error.in_language("ru")`` the same in Russian. An
unknown code or a missing parameter fails where the error is made, not where
it is shown. The web maps each kind to an HTTP status and the JSON error
envelope in one place (:mod:`verifier.web.errors`).

A problem in one row of an import is a :class:`RowError`, coded the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum
from typing import Any, ClassVar

from verifier.translations import N_, SOURCE_LANGUAGE, format_message

Param = str | int


class Kind(StrEnum):
    """What sort of refusal an error is; the web maps each to one HTTP status."""

    MALFORMED = "malformed"  # cannot be read at all (400)
    INVALID_INPUT = "invalid_input"  # read, but wrong or incomplete (422)
    UNAUTHORIZED = "unauthorized"  # who asks is not known (401)
    FORBIDDEN = "forbidden"  # who asks may not do this (403)
    NOT_FOUND = "not_found"  # 404
    CONFLICT = "conflict"  # contradicts what the registry holds (409)
    TOO_LARGE = "too_large"  # 413
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # 415
    RATE_LIMITED = "rate_limited"  # 429
    UNAVAILABLE = "unavailable"  # cannot answer now: never a guess (503)
    CONFIGURATION = "configuration"  # the operator's installation is unusable (500)


# Every error message, by code. Placeholders are %(name)s; the params of an
# error fill them. Grouped by where the error is raised.
MESSAGES: dict[str, str] = {
    # documents: numbers and names
    "number_too_long": N_("document number is too long (%(length)s characters)"),
    "number_empty": N_("document number is empty"),
    "number_malformed": N_(
        "malformed document number %(text)s: expected 1-4 letters then 1-12 digits, e.g. KT 1234567"
    ),
    "name_control_character": N_("name contains a control character (U+%(codepoint)s)"),
    "name_empty": N_("name is empty"),
    "name_too_long": N_("name is too long (%(length)s characters, at most %(limit)s)"),
    "name_has_digit": N_("name contains a digit (%(char)s); names are letters only"),
    "name_stray_mark": N_("name has a combining mark that does not follow a letter"),
    "name_bad_character": N_(
        "name contains a character that is not allowed in a name: %(char)s (U+%(codepoint)s); "
        "use letters, spaces, hyphens and apostrophes"
    ),
    "name_no_letters": N_("name contains no letters"),
    # documents: the registry
    "institution_code_malformed": N_("institution code %(code)s must be letters, digits, - or _"),
    "institution_code_too_long": N_("institution code is at most 16 characters"),
    "institution_name_required": N_("--name-uz is required"),
    "institution_exists": N_("institution %(code)s already exists"),
    "unknown_institution_of_document": N_("%(number)s: unknown institution %(institution)s"),
    "issued_to_another_person": N_("%(number)s is already issued to a different person"),
    "issued_with_other_details": N_(
        "%(number)s is already issued with different details (use reissue to correct it)"
    ),
    "no_such_document": N_("no document %(number)s"),
    "reason_required": N_("a reason is required"),
    "reason_too_long": N_("the reason is too long (at most %(limit)s characters)"),
    "reason_control_character": N_("the reason contains a control character"),
    "unknown_revocation_code": N_("unknown revocation code %(code)s (one of %(choices)s)"),
    "no_longer_valid": N_("%(number)s is already %(status)s"),
    "not_reissuable": N_("%(number)s is %(status)s; only a valid document can be reissued"),
    "duplicate_needs_new_number": N_("a duplicate needs a new number, not %(number)s again"),
    "already_issued": N_("%(number)s is already issued"),
    "supplement_needs_number": N_("give the new number of supplement %(supplement)s"),
    "duplicate_needs_birth_date": N_(
        "%(number)s is an archive record without a birth date: a digital duplicate needs one "
        "(correct the archive record first)"
    ),
    "supplement_number_taken": N_("%(number)s is already issued (supplement %(supplement)s)"),
    # archive records
    "scan_empty": N_("the scan is empty"),
    "scan_too_large": N_("the scan is larger than %(megabytes)s MiB"),
    "scan_not_allowed": N_("the scan must be a PDF, JPEG or PNG file (by its content)"),
    "no_scan": N_("%(number)s has no scan"),
    "archive_has_no_qr": N_("%(number)s is an archive record: it has no QR code"),
    # inquiries: what is asked
    "inquiry_field_required": N_("%(name)s is required"),
    "inquiry_field_not_text": N_("%(name)s must be text"),
    "inquiry_field_control": N_("%(name)s contains a control character"),
    "inquiry_field_too_long": N_("%(name)s is too long (at most %(limit)s characters)"),
    "inquiry_unknown_field": N_("%(name)s is not a field of an inquiry"),
    "unknown_requester_kind": N_("requester.kind must be one of %(choices)s"),
    "unknown_country": N_("requester.country must be a country code (ISO 3166-1 alpha-2, e.g. DE)"),
    "inquiry_email": N_("requester.email is not an e-mail address"),
    "inquiry_consent": N_(
        "consent must be true: you are the holder, or you hold the holder's consent to ask"
    ),
    "inquiry_birth_date_range": N_("document.birth_date must be a past date"),
    "inquiry_year": N_("document.year must be a year from %(first)s to %(last)s"),
    "inquiry_document_type": N_("document.type must be one of %(choices)s"),
    "no_such_inquiry": N_("There is no inquiry at this address."),
    "inquiry_closed": N_("inquiry %(number)s is already %(status)s"),
    "inquiry_not_yours": N_("inquiry %(number)s is for another institution"),
    "confirm_needs_record": N_(
        "to confirm, link or create the record that the look-up of %(number)s then answers"
    ),
    "unknown_outcome": N_("the outcome must be one of %(choices)s"),
    "rejection_reason_required": N_("say why the inquiry is rejected"),
    "answer_note_too_long": N_("the note is too long (at most %(limit)s characters)"),
    # inquiries: the calendar
    "holiday_date": N_("not a date YYYY-MM-DD: %(value)s"),
    "holiday_name": N_("the holiday's name must be text of at most %(limit)s characters"),
    "holiday_exists": N_("%(day)s is already a holiday"),
    # inquiries: attachments
    "attachment_empty": N_("the attachment is empty"),
    "attachment_too_large": N_("the attachment is larger than %(megabytes)s MiB"),
    "attachment_not_allowed": N_(
        "an attachment must be a PDF, JPEG or PNG file (by its content, not its name)"
    ),
    "attachment_name_mismatch": N_(
        "the attachment's name %(name)s does not match its content (a %(kind)s file)"
    ),
    "attachment_unreadable": N_("the attachment is not a readable %(kind)s image"),
    "attachment_image_too_large": N_(
        "the image is too large: at most %(side)s pixels on a side and %(megapixels)s "
        "million pixels"
    ),
    "attachment_without_pages": N_("the attached PDF has no pages"),
    "too_many_attachments": N_("at most %(limit)s attachments may be sent"),
    # imports: files
    "import_rejected": N_("%(count)s invalid row(s); nothing was issued"),
    "not_an_import_file": N_("%(name)s: expected a .csv or .jsonl file"),
    "choose_import_file": N_("choose a .csv or .jsonl file"),
    # verification
    "query_incomplete": N_("%(missing)s is required together with the document number"),
    # signing: tokens
    "token_claims_not_array": N_("token payload must be a JSON array of claims"),
    "token_version_not_integer": N_("claim v (format version) must be an integer"),
    "token_version_unsupported": N_("unsupported token format version %(version)s"),
    "token_type_not_text": N_("claim t (document type) must be text"),
    "token_type_unsupported": N_("unsupported document type %(type)s"),
    "token_claim_count": N_("a %(type)s token has %(expected)s claims, not %(count)s"),
    "token_hours": N_("claim h (hours) must be a positive integer"),
    "token_claim_text": N_("claim %(claim)s must be non-empty text"),
    "token_claim_date": N_("claim %(claim)s must be a date YYYY-MM-DD"),
    "token_claim_unreal_date": N_("claim %(claim)s is not a real date: %(value)s"),
    "token_claim_number": N_("claim %(claim)s must be a document number in canonical form"),
    "token_claim_institution": N_("claim in must be an institution code"),
    "token_claim_digest": N_("claim gd must be a base64url SHA-256 digest"),
    "token_duplicate_member": N_("duplicate JSON member %(name)s"),
    "token_json_constant": N_("JSON constant %(name)s is not allowed"),
    "token_part_not_json": N_("token %(part)s is not valid JSON"),
    "token_part_not_base64url": N_("token %(part)s is not canonical base64url"),
    "token_part_too_large": N_("token %(part)s is too large"),
    "token_empty": N_("empty token"),
    "token_too_long": N_("token is too long (%(length)s characters)"),
    "token_parts": N_("token must have three non-empty parts separated by dots"),
    "token_header_not_object": N_("token header is not a JSON object"),
    "token_header_extra": N_("token header members not allowed: %(names)s"),
    "token_header_members": N_("token header must name alg and kid"),
    "token_algorithm": N_("algorithm %(algorithm)s is not allowed"),
    "token_kid_not_text": N_("token kid must be a string"),
    "token_signature_length": N_("an Ed25519 signature is 64 bytes"),
    "token_bad_signature": N_("the signature does not match the document data"),
    "token_target_too_long": N_("token or URL is too long"),
    "token_not_a_link": N_("URL is not a verification link (…/v/<token> or …/r/<token>)"),
    "token_claim_report_number": N_("claim rn must be a report number such as VR-2026-00001234"),
    "token_claim_report_status": N_("claim st must be one of %(choices)s"),
    "token_claim_time": N_("claim %(claim)s must be a UTC time YYYY-MM-DDTHH:MM:SSZ"),
    "token_claim_unreal_time": N_("claim %(claim)s is not a real time: %(value)s"),
    "token_is_a_document": N_(
        "this is the code of a document, not of an official report: check it at /v/<token>"
    ),
    "token_is_a_report": N_(
        "this is the code of an official report, not of a document: check it at /r/<token>"
    ),
    # signing: keys
    "key_kid_mismatch": N_("key %(kid)s: kid does not match the public key"),
    "key_compromise_without_time": N_("key %(kid)s: compromised status needs a compromise time"),
    "jwks_time_not_text": N_("JWKS: %(what)s must be an ISO 8601 string"),
    "jwks_time_malformed": N_("JWKS: %(what)s is not an ISO 8601 time: %(value)s"),
    "jwks_time_without_zone": N_("JWKS: %(what)s needs a time zone: %(value)s"),
    "jwks_duplicate_kid": N_("JWKS: two keys have the kid %(kid)s"),
    "unknown_key": N_("unknown signing key %(kid)s"),
    "jwks_not_a_key_set": N_("JWKS: expected an object with a 'keys' list"),
    "jwks_malformed_x": N_("JWKS: key %(kid)s has a malformed 'x'"),
    "jwks_unreadable": N_("cannot read JWKS file %(path)s: %(detail)s"),
    "jwks_not_object": N_("JWKS file %(path)s: expected a JSON object"),
    "private_key_missing": N_(
        "private key for %(kid)s not found at %(path)s (check VERIFIER_KEYS_DIR)"
    ),
    "private_key_unreadable": N_(
        "cannot read private key %(path)s: wrong or missing VERIFIER_KEY_PASSPHRASE?"
    ),
    "private_key_not_ed25519": N_("%(path)s is not an Ed25519 private key"),
    "private_key_other": N_("%(path)s holds a different key than %(kid)s"),
    "no_active_key": N_("no active signing key: run `verifier init` or `verifier keys rotate`"),
    "active_key_exists": N_("there is already an active signing key; use `verifier keys rotate`"),
    "key_already_compromised": N_("key %(kid)s is already marked compromised"),
    "compromise_time_without_zone": N_(
        "the compromise time needs a time zone, e.g. 2026-01-31T12:00:00Z"
    ),
    # staff
    "not_an_email": N_("not an e-mail address: %(email)s"),
    "password_too_short": N_("the password needs at least %(length)s characters"),
    "password_too_simple": N_("the password is too simple"),
    "unknown_role": N_("role must be admin, registrar or auditor, not %(role)s"),
    "registrar_needs_institution": N_("a registrar needs --institution CODE"),
    "unknown_institution": N_("unknown institution %(code)s"),
    "role_without_institution": N_("an %(role)s works for the whole Institute; omit --institution"),
    "account_exists": N_("%(email)s already has an account"),
    "api_token_invalid": N_("a valid API token is required (Authorization: Bearer vrf_…)"),
    "no_such_api_token": N_("no API token %(id)s"),
    "no_such_account": N_("no staff account %(email)s"),
    # printing
    "print_revoked": N_("%(number)s was revoked on %(date)s; a revoked document is not printed"),
    "print_archive": N_("%(number)s is an archive record: it has no PDF or QR code of its own"),
    "print_superseded": N_("%(number)s is superseded by %(successor)s; print that one instead"),
    "no_such_institution": N_("no institution %(code)s"),
    "no_active_key_for_pdf": N_("no active signing key: run `verifier init`"),
    "qr_over_budget": N_("QR URL needs version %(version)s; the budget is %(budget)s"),
    "qr_version_unsupported": N_("QR version %(version)s is not supported: 1 to %(budget)s"),
    "qr_data_too_long": N_("%(length)s bytes do not fit a version-%(version)s QR code"),
    "font_file_missing": N_(
        "font file %(path)s is missing; reinstall the package (pip install .) "
        "so that verifier/printing/fonts/ is complete"
    ),
    "font_file_unreadable": N_("font file %(path)s cannot be read: %(detail)s"),
    "font_lacks_characters": N_("font %(name)s lacks %(characters)s"),
    "blank_field_malformed": N_("blank form %(form)s, field %(slot)s: %(detail)s"),
    "blank_positions_unreadable": N_("cannot read blank form positions %(path)s: %(detail)s"),
    "unknown_blank_form": N_("unknown blank form %(name)s; known: %(known)s"),
    "blank_form_malformed": N_("blank form %(form)s: %(detail)s"),
    "blank_form_other_type": N_("%(number)s is a %(type)s; form %(form)s is for a %(form_type)s"),
    "pdf_certificate_missing": N_(
        "no document-signing certificate for key %(kid)s at %(path)s: run `verifier init`"
    ),
    "pdf_key_missing": N_("document-signing key %(path)s is missing"),
    "pdf_key_unreadable": N_("cannot read %(path)s: wrong or missing VERIFIER_KEY_PASSPHRASE?"),
    "pdf_key_not_ecdsa": N_("%(path)s is not an ECDSA key"),
    "pdf_key_mismatch": N_("%(path)s does not match its certificate"),
    # printing: the proof a PDF embeds, and reading an uploaded PDF
    "proof_too_large": N_("the embedded proof is too large"),
    "proof_not_json": N_("the embedded proof is not valid JSON"),
    "proof_format": N_("the embedded proof is not in the %(format)s format"),
    "proof_no_token": N_("the embedded proof has no token"),
    "proof_grades_not_list": N_("the embedded grade table is not a list of course lines"),
    "proof_grade_line": N_("each embedded course line must be [name, hours, grade]"),
    "pdf_too_large": N_("the PDF is larger than %(megabytes)s MB"),
    "not_a_pdf": N_("the file is not a PDF"),
    "pdf_without_token": N_("the PDF carries no verification token"),
    "pdf_unreadable_because": N_("the PDF cannot be read: %(reason)s"),
    "pdf_unreadable": N_("the PDF cannot be read"),
    "pdf_too_deep": N_("the PDF structure is too deeply nested"),
    "proof_not_a_file": N_("the embedded proof is not a file"),
    "pdf_tree_too_deep": N_("the PDF's embedded-file tree is too deep"),
    "pdf_tree_loop": N_("the PDF's embedded-file tree has a loop"),
    "pdf_tree_too_large": N_("the PDF's embedded-file tree is too large"),
    "pdf_too_slow": N_("the PDF takes too long to read"),
    "pdf_too_costly": N_("the PDF needs more time or memory than any document we issue"),
    "pdf_too_much_memory": N_("the PDF needs more memory than any document we issue"),
    # configuration
    "unknown_environment": N_("VERIFIER_ENV must be one of %(choices)s: %(value)s"),
    "base_url_scheme": N_("VERIFIER_BASE_URL must start with http:// or https://: %(value)s"),
    "report_days_range": N_("VERIFIER_REPORT_DAYS must be 1 to 3650 days: %(value)s"),
    "report_days_not_number": N_("VERIFIER_REPORT_DAYS must be a whole number of days: %(value)s"),
    "inquiry_days_range": N_("VERIFIER_INQUIRY_WORKING_DAYS must be 1 to 250 days: %(value)s"),
    "inquiry_days_not_number": N_(
        "VERIFIER_INQUIRY_WORKING_DAYS must be a whole number of days: %(value)s"
    ),
    "smtp_url_scheme": N_("VERIFIER_SMTP_URL must start with smtp:// or smtps://: %(value)s"),
    "privacy_url_scheme": N_("VERIFIER_PRIVACY_URL must start with http:// or https://: %(value)s"),
    "production_operator": N_(
        "VERIFIER_ENV=production needs the operator's name (VERIFIER_OPERATOR_NAME_UZ, "
        "_RU, _EN) and contact (VERIFIER_OPERATOR_CONTACT): every public page and "
        "printed answer says who answers"
    ),
    "production_privacy_url": N_(
        "VERIFIER_ENV=production needs VERIFIER_PRIVACY_URL with https://"
    ),
    "production_secret_key": N_(
        "VERIFIER_ENV=production needs VERIFIER_SECRET_KEY: at least 32 random "
        "characters, e.g. from secrets.token_urlsafe(32)"
    ),
    "production_base_url": N_(
        "VERIFIER_ENV=production needs VERIFIER_BASE_URL with https:// "
        "(it is printed in every QR code)"
    ),
    "production_passphrase": N_(
        "VERIFIER_ENV=production needs VERIFIER_KEY_PASSPHRASE to encrypt signing "
        "keys: at least %(length)s characters"
    ),
    "shared_rate_limit_storage": N_(
        "%(workers)s workers with VERIFIER_RATELIMIT_STORAGE_URL=%(url)s would each "
        "count rate limits alone; set it to redis://… (shared) or run one worker"
    ),
    "migration_broken_references": N_(
        "migration left %(count)s broken reference(s), e.g. %(example)s; nothing was changed"
    ),
    "database_unavailable": N_("the registry database cannot be reached"),
    # inquiries: mail
    "mail_failed": N_("the mail could not be sent (%(reason)s)"),
    "mail_header_line_break": N_("a mail's %(header)s cannot hold a line break"),
    "smtp_url_malformed": N_(
        "VERIFIER_SMTP_URL must be smtp://host:port or smtps://user:password@host:port"
    ),
    # the command line
    "pdf_arguments_all": N_("use either NUMBER -o FILE or --all --institution CODE --out DIR"),
    "pdf_arguments_one": N_("give a document NUMBER and -o FILE (or --all, see --help)"),
    "file_unreadable": N_("cannot read %(path)s: %(reason)s"),
    "time_malformed": N_("--at: not an ISO 8601 time: %(value)s"),
    # the web: requests (the JSON API's codes keep these names: they are public)
    "bad_request": N_("The request could not be understood."),
    "invalid_json": N_("The request body is not valid JSON in UTF-8."),
    "invalid_request": N_("The request body does not have the documented shape."),
    "malformed_number": N_(
        "The document number is malformed: expected 1-4 letters then 1-12 digits, e.g. KT 1234567."
    ),
    "malformed_birth_date": N_("The birth date must be a real date as YYYY-MM-DD."),
    "unsupported_language": N_("The language (lang) must be one of uz, ru or en."),
    "missing_number": N_("The document number is required."),
    "missing_surname": N_(
        "The holder's surname (or birth date) is required together with the document number."
    ),
    "missing_token": N_("The verification code (token or QR link) is required."),
    "missing_file": N_("Upload the PDF file in the multipart field 'file'."),
    "too_many_queries": N_("A batch may hold at most 1000 queries."),
    "no_such_route": N_("There is nothing at this address."),
    "method_not_allowed": N_("This method is not allowed at this address."),
    "too_large": N_("The request body is too large."),
    "uri_too_long": N_("The address is too long."),
    "unsupported_media_type": N_("Send the request body as the documented media type."),
    "rate_limited": N_("Too many requests from your address. Please wait and retry."),
    "unavailable": N_("The service cannot answer right now. Please try again later."),
    "internal_error": N_("Something went wrong on our side. Please try again later."),
    # the web: the registrar API
    "unauthorized": N_("A valid API token is required."),
    "not_found": N_("No document with this number for your institution."),
    "not_json": N_("Send JSON (Content-Type: application/json)."),
    "body_not_json": N_("The request body is not valid JSON."),
    "invalid_documents": N_("Some documents are invalid; nothing was issued."),
    "bad_idempotency_key": N_("Idempotency-Key must be 1-200 printable ASCII characters."),
    "bad_batch_size": N_("Send 1 to 1000 documents per request."),
    "concurrent_change": N_("A concurrent request changed these documents; retry."),
    "idempotency_key_reused": N_("This Idempotency-Key was used for a different request."),
    "revocation_reason_required": N_("A reason is required to revoke."),
    "code_not_text": N_("code must be a string"),
    "invalid_reason": N_("The reason or its code is not accepted."),
    "conflict": N_("The registry has changed in the meantime; reload the page."),
    "nothing_to_report": N_("no report can be made of a %(status)s answer"),
    # the web: official reports (a refusal is worded as a look-up's not_found)
    "report_not_found": N_(
        "The registry holds no document with this number and this holder, so no report can "
        "be made. Check the number and the surname (or birth date) as printed."
    ),
    "invalid_token": N_(
        "This verification code is not genuine, has been altered, or does not match the "
        "registry, so no report can be made."
    ),
}


def _filled(template: str, code: str, params: Mapping[str, Param]) -> str:
    """The English sentence; a param missing or of the wrong type is the caller's bug."""
    try:
        return template % params
    except (KeyError, TypeError, ValueError) as exc:
        raise TypeError(f"error {code!r} with params {dict(params)!r}: {exc!r}") from None


class VerifierError(Exception):
    """A refusal: ``kind`` (from the class), a stable ``code`` and its ``params``.

    Raise a kind's class, never this one; ``code`` must be in :data:`MESSAGES`
    and ``params`` must fill its placeholders, or making the error fails.
    ``field`` names the input at fault (``number``, ``reason``) when there is one.
    """

    kind: ClassVar[Kind]

    def __init__(self, code: str, /, *, field: str | None = None, **params: Param) -> None:
        if not hasattr(type(self), "kind"):
            raise TypeError("raise a kind's class (InvalidInput, NotFound...), not VerifierError")
        try:
            template = MESSAGES[code]
        except KeyError:
            raise TypeError(f"no message for error code {code!r}") from None
        self.code = code
        self.params: dict[str, Param] = params
        self.field = field  # the input that is wrong, when one is
        super().__init__(_filled(template, code, params))

    @property
    def message(self) -> str:
        """The English sentence (``str(error)``)."""
        return str(self)

    def in_language(self, language: str) -> str:
        """The sentence in ``language``."""
        return format_message(MESSAGES[self.code], self.params, language)

    def __reduce__(self) -> tuple[Any, ...]:
        # Crosses process boundaries (import workers) with its code and params.
        return (_rebuild, (type(self), self.code, self.field, self.params))


def _rebuild(
    cls: type[VerifierError], code: str, field: str | None, params: dict[str, Param]
) -> VerifierError:
    return cls(code, field=field, **params)


class Malformed(VerifierError):
    """Input that cannot be read at all (a number with wrong characters, broken JSON)."""

    kind = Kind.MALFORMED


class InvalidInput(VerifierError):
    """Input that was read but is wrong or incomplete."""

    kind = Kind.INVALID_INPUT


class Unauthorized(VerifierError):
    """Whoever asks did not prove who they are."""

    kind = Kind.UNAUTHORIZED


class Forbidden(VerifierError):
    """Whoever asks is known, and may not do this."""

    kind = Kind.FORBIDDEN


class NotFound(VerifierError):
    """No such document (or institution, or key) in the registry."""

    kind = Kind.NOT_FOUND


class Conflict(VerifierError):
    """The request contradicts what the registry already holds."""

    kind = Kind.CONFLICT


class TooLarge(VerifierError):
    """More than the service reads at once."""

    kind = Kind.TOO_LARGE


class UnsupportedMediaType(VerifierError):
    """A request body of a type the endpoint does not read."""

    kind = Kind.UNSUPPORTED_MEDIA_TYPE


class RateLimited(VerifierError):
    """Too many requests; ``retry_after`` seconds is when to try again, if known."""

    kind = Kind.RATE_LIMITED

    def __init__(
        self,
        code: str,
        /,
        *,
        retry_after: int | None = None,
        field: str | None = None,
        **params: Param,
    ) -> None:
        super().__init__(code, field=field, **params)
        self.retry_after = retry_after


class Unavailable(VerifierError):
    """The service cannot answer now: callers must say so, never guess."""

    kind = Kind.UNAVAILABLE


class ConfigurationError(VerifierError):
    """The environment or the files on disk do not describe a usable service."""

    kind = Kind.CONFIGURATION


class MalformedNumber(Malformed, ValueError):
    """A document number that cannot be normalised to ``SERIES DIGITS``."""


class InvalidName(InvalidInput, ValueError):
    """A holder name that is empty, too long or contains non-name characters."""


class SigningKeyError(ConfigurationError):
    """A signing key is missing, unreadable, or in the wrong state."""


class TokenError(InvalidInput):
    """A token failed strict verification; never treat the token as genuine."""


class MalformedToken(TokenError):
    """Not a well-formed compact JWS of our format (size, encoding, JSON, claims)."""


class UnsupportedToken(MalformedToken):
    """A genuine signature over a format version or document type this code does not know.

    A kind of malformed token, so every caller that refuses those refuses this
    too; docs/token-format.md (section 3.1) asks verifiers to say "cannot verify
    this version" rather than guess, which is why it has a class of its own.
    """


class UnknownKey(TokenError):
    """The ``kid`` names no key in the ring or JWKS."""


class BadSignature(TokenError):
    """The signature does not verify under the named key."""


class CompromisedKey(TokenError):
    """Signed with a compromised key and not provably recorded before the compromise."""


class DatabaseUnavailable(Unavailable):
    """The registry cannot be reached: callers must answer ``error``, never guess."""


# Row errors ---------------------------------------------------------------

ROW_MESSAGES: dict[str, str] = {
    # the file
    "line_too_long": N_("line is longer than 1 MB"),
    "not_utf8": N_("not UTF-8 text (byte 0x%(byte)s at column %(column)s); save the file as UTF-8"),
    "file_empty": N_("the file is empty"),
    "missing_columns": N_("missing column(s): %(names)s"),
    "unknown_columns": N_("unknown column(s): %(names)s"),
    "repeated_columns": N_("repeated column(s): %(names)s"),
    "cell_count": N_("has %(cells)s cells, the header has %(header)s"),
    "invalid_json_line": N_("is not valid JSON (%(reason)s)"),
    "not_an_object": N_("must be a JSON object"),
    "no_rows": N_("no rows to import"),
    # one field
    "unknown_field": N_("unknown field"),
    "type_required": N_("is required (diploma, transcript or certificate)"),
    "type_unknown": N_("must be diploma, transcript or certificate, got %(value)s"),
    "required_for_diploma": N_("is required for a diploma"),
    "required_for_transcript": N_("is required for a transcript"),
    "required_for_certificate": N_("is required for a certificate"),
    "required_in_archive": N_("is required in an archive record"),
    "issue_date_or_year": N_("give the issue date, or the year of issue if the book has no day"),
    "issue_year_differs": N_("%(value)s is not the year of the issue date %(other)s"),
    "only_for_diploma": N_("is only for a diploma"),
    "only_for_transcript": N_("is only for a transcript"),
    "only_for_certificate": N_("is only for a certificate"),
    "institution_code": N_("must be an institution code of letters, digits, - or _"),
    "program_code": N_("must be letters, digits, dots or dashes (at most 32)"),
    "text_too_long": N_("is too long (%(count)s characters, at most %(limit)s)"),
    "invisible_characters": N_("contains control or invisible characters"),
    "not_text": N_("must be text"),
    "number_not_text": N_("must be text such as KT 1234567"),
    "date_not_text": N_("must be a date as YYYY-MM-DD"),
    "date_format": N_("must be a date as YYYY-MM-DD, got %(value)s"),
    "date_unreal": N_("%(value)s is not a real date"),
    "whole_number": N_("must be a whole number from %(low)s to %(high)s"),
    "boolean": N_("must be true or false (or empty)"),
    "courses_json": N_('must be a JSON list like [{"name": ..., "hours": 72, "grade": "5"}]'),
    "courses_list": N_("must be a list of at most %(limit)s courses"),
    "course_shape": N_("must be an object with exactly name, hours and grade"),
    "course_incomplete": N_("name, hours and grade are all required"),
    "birth_date_implausible": N_("%(value)s is not a plausible birth date"),
    "in_future": N_("%(value)s is in the future"),
    "before_start_date": N_("%(value)s is before start_date %(other)s"),
    "before_end_date": N_("%(value)s is before end_date %(other)s"),
    "not_after_birth_date": N_("%(value)s is not after birth_date %(other)s"),
    # the registry and the batch (screening)
    "repeated_number": N_("%(number)s is also on row %(row)s"),
    "unknown_institution_code": N_(
        "unknown institution code %(code)s (add it with `verifier institution add`)"
    ),
    "qr_too_long": N_("too long for the QR code by %(bytes)s bytes; shorten the qualification"),
    "other_institution": N_("you may issue for %(own)s only, not %(other)s"),
    "token_institution": N_("this API token issues for %(own)s only"),
    # a row error stored by an import before row errors had codes: its English as it was
    "as_recorded": "%(message)s",
}


@dataclass(frozen=True)
class RowError:
    """One problem in one import row; ``row`` counts data rows from 1 as an editor shows them.

    ``field`` is an import field's name (``program_code``, ``courses[2].hours``) or
    a place in parentheses: ``(file)``, ``(header)``, ``(row)``, ``(record)``,
    ``(document)``. ``code`` is a key of :data:`ROW_MESSAGES` or, for a problem
    a service error names (a malformed number or name), of :data:`MESSAGES`.
    """

    row: int
    field: str
    code: str
    params: Mapping[str, Param] = dataclass_field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        template = ROW_MESSAGES.get(self.code) or MESSAGES.get(self.code)
        if template is None:
            raise TypeError(f"no message for row error code {self.code!r}")
        _filled(template, self.code, self.params)

    @classmethod
    def of(cls, row: int, field: str, error: VerifierError) -> RowError:
        """The row error that says what ``error`` says, in ``field`` of ``row``."""
        return cls(row, field, error.code, error.params)

    @property
    def message(self) -> str:
        """The English sentence, without row and field."""
        return self.in_language(SOURCE_LANGUAGE)

    def in_language(self, language: str) -> str:
        """The sentence, without row and field, in ``language``."""
        template = ROW_MESSAGES.get(self.code) or MESSAGES[self.code]
        return format_message(template, self.params, language)

    def __str__(self) -> str:
        return f"row {self.row}, field {self.field}: {self.message}"


class ImportRejected(InvalidInput):
    """An import file with invalid rows: nothing was issued."""

    def __init__(self, errors: list[RowError], *, total_rows: int | None = None) -> None:
        super().__init__("import_rejected", count=len(errors))
        self.errors = errors
        self.total_rows = total_rows

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.errors,), {"total_rows": self.total_rows})

"""Pages in each language: fixed messages translated at compile time, dates written out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import Template

from verifier.web.i18n import date_text, datetime_text
from verifier.web.templating import language_of


def compiled(app: Flask, source: str, name: str) -> Template:
    environment = app.jinja_env
    code = environment.compile(source, name)
    return environment.template_class.from_code(environment, code, environment.make_globals(None))


def test_a_fixed_message_becomes_text_of_the_language_compiled_for(app: Flask) -> None:
    # Rendered with no `_` in the context: only a folded call can produce the text.
    template = compiled(app, '<a>{{ _("Skip to content") }}</a>', "ru:probe.html")
    assert template.render() == "<a>Перейти к содержимому</a>"


def test_a_template_without_a_language_keeps_its_calls(app: Flask) -> None:
    template = compiled(app, '{{ _("Skip to content") }}', "probe.html")
    assert template.render(_=lambda message: f"<{message}>") == "&lt;Skip to content&gt;"


def test_a_message_with_variables_is_still_translated_when_rendered(app: Flask) -> None:
    template = compiled(app, '{{ _("Skip to content", who=name) }}', "en:probe.html")
    assert template.render(_=lambda message, who: f"{message}, {who}", name="x") == (
        "Skip to content, x"
    )


def test_a_method_named_like_gettext_is_not_translated(app: Flask) -> None:
    class Probe:
        def _(self, message: str) -> str:
            return message.upper()

    template = compiled(app, '{{ probe._("Skip to content") }}', "ru:probe.html")
    assert template.render(probe=Probe()) == "SKIP TO CONTENT"


def test_each_request_renders_the_compilation_of_its_language(client: FlaskClient) -> None:
    pages = [client.get(f"/?lang={language}").text for language in ("ru", "en", "ru")]
    assert "Перейти к содержимому" in pages[0] and "Skip to content" in pages[1]
    # The PDF form's CSRF code is signed with the time, to the second.
    csrf = re.compile(r'name="csrf_token" value="[^"]+"')
    assert csrf.sub("", pages[2]) == csrf.sub("", pages[0])


def test_an_extended_template_is_compiled_in_its_child_language(app: Flask) -> None:
    with app.test_request_context("/?lang=ru"):
        child = app.jinja_env.get_template("public/index.html")
        assert child.name == "ru:public/index.html"
        assert app.jinja_env.join_path("base.html", child.name) == "ru:base.html"


def test_only_a_known_language_prefix_names_a_language() -> None:
    assert language_of("uz:base.html") == "uz"
    assert language_of("de:base.html") is None and language_of("base.html") is None


@pytest.mark.parametrize(
    ("language", "written"),
    [("uz", "17-aprel, 2003"), ("ru", "17 апреля 2003\u202fг."), ("en", "April 17, 2003")],
)
def test_a_date_is_written_out_in_the_request_language(
    app: Flask, language: str, written: str
) -> None:
    with app.test_request_context(f"/?lang={language}"):
        assert date_text(dt.date(2003, 4, 17), "long") == written


def test_a_moment_is_written_to_the_second_whatever_its_microseconds(app: Flask) -> None:
    moment = dt.datetime(2026, 11, 23, 15, 40, 55, 10, tzinfo=dt.UTC)
    with app.test_request_context("/?lang=en"):
        first = datetime_text(moment, "long")
        again = datetime_text(moment.replace(microsecond=999_999), "long")
        later = datetime_text(moment + dt.timedelta(seconds=1), "long")
    assert first == again == "November 23, 2026, 3:40:55\u202fPM UTC" and later != first


def test_the_page_links_follow_the_script_root_and_the_language(client: FlaskClient) -> None:
    mounted = client.get("/?lang=ru", environ_overrides={"SCRIPT_NAME": "/registry"}).text
    plain = client.get("/?lang=en").text
    assert 'href="/registry/static/site.css"' in mounted and 'href="/registry/?lang=ru"' in mounted
    assert 'href="/static/site.css"' in plain and 'href="/?lang=en"' in plain
    assert 'href="/.well-known/jwks.json"' in plain


@pytest.mark.usefixtures("demo_data")
def test_a_qr_landing_page_links_to_itself_in_each_language(
    client: FlaskClient, token_of: Callable[[str], str]
) -> None:
    path = f"/v/{token_of('KT2400101')}"
    page = client.get(path, headers={"Accept-Language": "en"}).text
    for language in ("uz", "ru", "en"):
        assert f'href="{path}?lang={language}"' in page

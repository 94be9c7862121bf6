"""Issue 14 item 4, without JavaScript: one submit of a worker's form shows every error at once,
each under its own field (nested fields too) and described by it, one summary at the top linking
to the fields, in plain Indonesian, never a raw field name."""
import re
from datetime import date, timedelta

from babel.messages.pofile import read_po

from app.i18n import translate_message
from app.presence.schemas import PHONE_SHAPE
from app.translations import catalog_path
from tests.builders import new_user, presence_body
from tests.support.forms import form_token, post_page_form
from tests.support.page_errors import form_errors

PHONE_WORDS = "Nomor telepon ini belum benar."
REQUIRED = "Isian ini wajib diisi."
CONTACT = {"emergency_contact.name": "Ibu Sri", "emergency_contact.phone": "12", "emergency_contact.relation": "ibu"}


def _worker_client(login_client):
    return login_client(new_user(full_name="Siti", phone="+6281234567001"))


def test_presence_form_shows_every_error_at_once_with_the_emergency_contacts_phone(login_client, post_form):
    client = _worker_client(login_client)
    # Address and employer missing, the contact's phone wrong, a region of another country, and the
    # contract ending before the arrival: before, the last two came only in a second round.
    response = post_form(client, "/presence?lang=id", passport_status="lost", country="MY", region="ID-JK",
                         sector="plantation", arrival_date="2025-03-01", contract_end_date="2025-01-01", **CONTACT)
    assert response.status_code == 422
    page = form_errors(response.text)
    assert page.under("address") == REQUIRED and page.under("employer_name") == REQUIRED
    assert page.under("emergency_contact.phone").startswith(PHONE_WORDS)
    assert page.under("region") == "Wilayah ini tidak ada di negara yang dipilih. Pilih wilayahnya lagi."
    assert page.under("contract_end_date") == "Tanggal akhir kontrak harus sesudah tanggal kedatangan."
    assert page.under("emergency_contact.name") == ""  # only the fields at fault
    # One summary, at the top, linking to each field by its label (the nested one with its group's).
    assert page.summaries == 1 and response.text.count("Ada isian yang") == 0
    assert ("#field-emergency_contact-phone", "Kontak darurat di Indonesia: Telepon") in page.links
    assert [href for href, _words in page.links] == [
        "#field-region", "#field-address", "#field-employer_name", "#field-contract_end_date",
        "#field-emergency_contact-phone"]
    assert 'id="field-emergency_contact-phone"' in response.text
    # Never the key of a nested field as if it were a message.
    assert not re.search(r">\s*phone\s*<", response.text)


def test_an_emergency_contact_left_empty_says_so_under_each_of_its_fields(login_client, post_form):
    client = _worker_client(login_client)
    response = post_form(client, "/presence?lang=id", passport_status="lost", country="MY", address="Jalan 1",
                         employer_name="Ladang", sector="plantation", arrival_date="2025-03-01")
    page = form_errors(response.text)
    assert response.status_code == 422
    assert [page.under(f"emergency_contact.{part}") for part in ("name", "phone", "relation")] == [REQUIRED] * 3


def test_an_arrival_date_still_to_come_is_refused_in_plain_words(login_client, post_form, client, auth):
    worker_client = _worker_client(login_client)
    later = (date.today() + timedelta(days=3)).isoformat()
    page = form_errors(post_form(worker_client, "/presence?lang=id", **{
        **CONTACT, "emergency_contact.phone": "0812 3456 7890", "arrival_date": later, "passport_status": "lost",
        "country": "MY", "address": "Jalan 1", "employer_name": "Ladang", "sector": "plantation"}).text)
    assert page.under("arrival_date") == "Tanggal ini belum tiba. Pilih hari ini atau tanggal sebelumnya."
    # The API says the same (sync and REST load the same schema).
    worker = new_user(full_name="Ani", phone="+6281234567002")
    answer = client.put("/api/v1/presence?lang=id", json=presence_body(arrival_date=later), headers=auth(worker))
    assert answer.status_code == 422
    assert answer.json["errors"]["arrival_date"] == ["Tanggal ini belum tiba. Pilih hari ini atau tanggal sebelumnya."]


def test_help_form_shows_every_error_at_once(login_client, post_form):
    client = _worker_client(login_client)
    response = post_form(client, "/help?lang=id", urgency="normal", country="MY", region="ID-JK", contact_phone="12")
    assert response.status_code == 422
    page = form_errors(response.text)
    assert page.under("category") == REQUIRED and page.under("description") == REQUIRED
    assert page.under("contact_phone").startswith(PHONE_WORDS)
    assert page.under("region").startswith("Wilayah ini tidak ada")  # before: only once the rest was right
    assert page.summaries == 1 and len(page.items) == 4


def test_register_form_shows_every_error_at_once_in_plain_words(client):
    response = post_page_form(client, "/register?lang=id", {"phone": "12", "password": "abc"})
    assert response.status_code == 422
    page = form_errors(response.text)
    assert page.under("full_name") == REQUIRED
    assert page.under("phone").startswith(PHONE_WORDS)
    assert page.under("password") == "Kata sandi minimal 8 huruf/angka."
    assert page.summaries == 1 and len(page.links) == 3
    assert "karakter atau butir" not in response.text
    # The browser's bubbles come one at a time: the server says them all.
    assert re.search(r'<form method="post" action="/register" novalidate', response.text)


def test_login_form_says_each_empty_field_under_it(client):
    response = post_page_form(client, "/login?lang=id", {"phone": "", "password": ""})
    assert response.status_code == 422
    page = form_errors(response.text)
    assert page.under("phone") == "Isi nomor telepon atau alamat email."
    assert page.under("password") == REQUIRED
    assert "Nomor telepon, email, atau kata sandi salah." not in response.text


def test_reset_form_shows_its_errors_in_the_form_that_was_sent(client):
    client.get("/reset")
    token = form_token(client, "/reset")
    response = client.post("/reset/confirm?lang=id", data={"form_token": token, "phone": "12", "password": "abc"})
    assert response.status_code == 422
    confirm = form_errors(response.text[response.text.index('id="reset-confirm"'):])
    assert confirm.under("phone").startswith(PHONE_WORDS)
    assert confirm.under("code") == REQUIRED
    assert confirm.under("password") == "Kata sandi minimal 8 huruf/angka."
    request_form = response.text[response.text.index('id="reset-request"'):response.text.index('id="reset-confirm"')]
    assert PHONE_WORDS not in request_form  # before: the confirm form's phone error showed in the other form
    assert form_errors(response.text).summaries == 1


def test_phone_shape_the_phone_checks_takes_what_the_server_reads():
    """The shape the phone checks (static/js/fields.js reads it from the form) lets through every
    national format the server reads, so a number is never refused on the phone alone."""
    for typed in ("0812 3456 7890", "0812-3456-7890", "012-345 6789", "+60 12-345 6789", "(088) 219110",
                  "+6281234567890"):
        assert re.match(PHONE_SHAPE, typed), typed
    for typed in ("12", "phone", "0812 3456 7890 1234 5", "+"):
        assert not re.match(PHONE_SHAPE, typed), typed


def test_presence_form_carries_the_schemas_rules_for_the_phone(login_client):
    html = _worker_client(login_client).get("/presence?lang=id").text
    rules = re.search(r'data-rules="([^"]*)"', html).group(1).replace("&#34;", '"')
    assert '"emergency_contact.phone": {' in rules and PHONE_WORDS in rules
    assert '"arrival_date": {"past": "Tanggal ini belum tiba.' in rules
    assert '"contract_end_date": {"after": ["arrival_date", ' in rules
    assert '"passport_number": {"max": [20, ' in rules and '"required_if": ["passport_status", "held", ' in rules


def test_validation_words_a_worker_can_meet_are_plain(app):
    with app.test_request_context("/?lang=id"):
        assert translate_message("Length must be between 8 and 128.") == "Antara 8 dan 128 huruf/angka."
        assert translate_message("Longer than maximum length 500.") == "Paling banyak 500 huruf/angka."
        assert translate_message("Must be one of: held, withheld, lost.") == "Pilih salah satu dari daftar."
    with catalog_path("id").open("rb") as handle:
        words = [m.string for m in read_po(handle, locale="id") if m.id and isinstance(m.string, str)]
    for jargon in ("ISO 3166", "karakter atau butir", "setiap kali Anda membacanya", "Klaim"):
        assert not [w for w in words if jargon in w], jargon

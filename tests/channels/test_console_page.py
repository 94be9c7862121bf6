import re
from datetime import date, timedelta

import pytest

from app.channels.models import JobOrder
from app.extensions import db
from tests.support.forms import post_page_form


@pytest.fixture
def staff_client(client, create_user, create_agency):
    """A browser logged in as staff of KJRI Kota Kinabalu (cookies, as the login page sets them)."""
    create_agency("P3MI-C", name="PT Konsol", valid_until=date.today() + timedelta(days=300))
    create_user(role="staff", email="kk@example.org", mission="KJRI-KOTAKINABALU")
    assert post_page_form(client, "/login", {"email": "kk@example.org", "password": "password123"}).status_code == 302
    return client


def csrf(client):
    page = client.get("/console/job-orders").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


FORM = {"number": "JO-C-1", "employer": "Tawau Estate", "country": "MY", "region": "MY-12", "sector": "plantation",
        "positions": "12", "salary_offered": "", "currency": "", "agency_licence": "P3MI-C", "status": "verified"}


def test_staff_record_a_job_order_with_a_plain_form(staff_client):
    response = staff_client.post("/console/job-orders?lang=en", data={**FORM, "csrf_token": csrf(staff_client)})
    assert response.status_code == 303
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "JO-C-1" in page and "Tawau Estate" in page and "recorded" in page
    assert db.session.query(JobOrder).one().positions == 12


def test_form_errors_are_shown_next_to_fields(staff_client):
    response = staff_client.post("/console/job-orders?lang=en", data={
        **FORM, "positions": "many", "agency_licence": "NOPE", "csrf_token": csrf(staff_client)})
    assert response.status_code == 422
    assert "Must be a whole number" in response.get_data(as_text=True)
    response = staff_client.post("/console/job-orders?lang=en", data={
        **FORM, "agency_licence": "NOPE", "csrf_token": csrf(staff_client)})
    assert response.status_code == 422 and "No agency has this licence number" in response.get_data(as_text=True)
    response = staff_client.post("/console/job-orders?lang=en", data={
        **FORM, "country": "KR", "region": "", "csrf_token": csrf(staff_client)})
    assert response.status_code == 403
    assert db.session.query(JobOrder).count() == 0


def test_form_without_csrf_token_is_refused(staff_client):
    assert staff_client.post("/console/job-orders", data=FORM).status_code in (401, 403)
    assert db.session.query(JobOrder).count() == 0


def test_console_page_needs_staff(client, create_user):
    assert client.get("/console/job-orders").status_code == 302  # to the login page
    post_page_form(client, "/register", {"phone": "+6281234500001", "password": "rahasia-123", "full_name": "Sri"})
    assert client.get("/console/job-orders").status_code == 403

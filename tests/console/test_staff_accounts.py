"""An admin ends a staff account from the console (`/console/staff`), confirmed and audited; nobody else can."""
import re

from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.extensions import db
from tests.support.forms import post_page_form


def active(user) -> bool:
    db.session.commit()
    db.session.expire_all()
    return db.session.get(User, user.id).is_active


def deactivate_url(user, mission="") -> str:
    return f"/console/staff/{user.id}/deactivate" + (f"?mission={mission}" if mission else "")


def test_an_admin_deactivates_a_staff_account_from_the_console(app, create_user, login_client, post_form):
    admin = create_user(role="admin", full_name="Admin Pusat")
    leaving = create_user(role="staff", full_name="Rina Pindah")
    staying = create_user(role="staff", full_name="Dewi Tetap")
    elsewhere = create_user(role="staff", full_name="Budi Kuala Lumpur", mission="KBRI-KUALALUMPUR")
    leaving_client = login_client(leaving)
    assert leaving_client.get("/console").status_code == 200
    client = login_client(admin)

    page = client.get("/console/staff?mission=KJRI-KOTAKINABALU&lang=en").text
    assert "Rina Pindah" in page and "Dewi Tetap" in page and "Budi Kuala Lumpur" not in page
    assert page.count('class="deactivate"') == 2
    assert re.search(r'<input type="checkbox" name="confirm" value="yes" required>', page)
    assert "Budi Kuala Lumpur" in client.get("/console/staff").text  # all missions

    unconfirmed = post_form(client, deactivate_url(leaving, "KJRI-KOTAKINABALU") + "&lang=en")
    assert unconfirmed.status_code == 422 and "Tick the box" in unconfirmed.text
    assert active(leaving)

    done = post_form(client, deactivate_url(leaving, "KJRI-KOTAKINABALU"), confirm="yes")
    assert done.status_code == 303 and done.headers["Location"] == "/console/staff?mission=KJRI-KOTAKINABALU"
    assert not active(leaving) and active(staying) and active(elsewhere)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "deactivate"))
    assert (entry.actor_id, entry.entity, entry.entity_id) == (admin.id, "user", leaving.id)
    page = client.get("/console/staff?mission=KJRI-KOTAKINABALU&lang=en").text
    assert "The account has been deactivated" in page and page.count('class="deactivate"') == 1
    assert re.search(r'Rina Pindah</td>.*?Deactivated', page, re.S)

    # Her sessions ended at once, and she cannot log in again.
    assert leaving_client.get("/console").status_code in (302, 401)
    again = post_page_form(app.test_client(), "/login", {"phone": leaving.email, "password": "password123"})
    assert again.status_code == 401


def test_only_an_admin_may_deactivate_staff(create_user, login_client, post_form):
    colleague = create_user(role="staff")
    staff = login_client(create_user(role="staff"))
    assert staff.get("/console/staff").status_code == 403
    assert post_form(staff, deactivate_url(colleague), confirm="yes").status_code == 403
    assert active(colleague)


def test_the_staff_page_closes_no_workers_account_and_not_ones_own(create_user, login_client, post_form):
    admin = create_user(role="admin")
    worker = create_user()
    client = login_client(admin)
    assert post_form(client, deactivate_url(worker), confirm="yes").status_code == 404
    assert active(worker)
    page = client.get("/console/staff?lang=en").text
    own_row = re.search(rf'<tr data-id="{admin.id}">.*?</tr>', page, re.S).group(0)
    assert 'class="deactivate"' not in own_row
    assert post_form(client, deactivate_url(admin) + "?lang=en", confirm="yes").status_code == 409
    assert active(admin)

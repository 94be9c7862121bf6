"""The console shows a withheld passport as a clear badge, in Indonesian (issue 16, capability 1)."""
from tests.builders import help_body, presence_body


def test_withheld_passport_badge_on_queue_and_detail_pages(client, create_user, auth, login_client):
    worker, other = create_user(full_name="Siti Aminah"), create_user(full_name="Dewi")
    body = presence_body(passport_status="withheld", other_document="KTP 3201234567890123")
    body.pop("passport_number")
    assert client.put("/api/v1/presence", json=body, headers=auth(worker)).status_code == 201
    kept = client.post("/api/v1/help-requests", json=help_body(), headers=auth(worker)).json["id"]
    free = client.post("/api/v1/help-requests", json=help_body(), headers=auth(other)).json["id"]
    staff = login_client(create_user(role="staff"))

    queue = staff.get("/console?lang=id").get_data(as_text=True)
    row_kept = queue.split(f'data-id="{kept}"')[1].split("</tr>")[0]
    row_free = queue.split(f'data-id="{free}"')[1].split("</tr>")[0]
    assert 'data-signal="passport_withheld"' in row_kept and "Paspor ditahan" in row_kept
    assert "data-signal" not in row_free

    detail = staff.get(f"/console/requests/{kept}?lang=id").get_data(as_text=True)
    assert 'data-signal="passport_withheld"' in detail and "Paspor ditahan" in detail
    assert 'data-passport-status="withheld"' in detail and "KTP 3201234567890123" in detail
    english = staff.get(f"/console/requests/{kept}?lang=en").get_data(as_text=True)
    assert "Passport withheld" in english and "Withheld by employer or agent" in english

"""Times on the mission's clock with its zone, in the reader's language: every console page and the worker's pages.

16.23 UTC on 23 November 2026 is 00.23 on the 24th in Kota Kinabalu (Asia/Kuching, UTC+8) and
19.23 on the 23rd in Jeddah (Asia/Riyadh, UTC+3).
"""
import re
import uuid
from datetime import datetime, timezone

from app.accounts.models import User
from app.extensions import db
from app.help.models import HelpMessage, HelpRequest
from app.missions.services import get_by_code

from .test_console_pages import detail_url

AT = datetime(2026, 11, 23, 16, 23, tzinfo=timezone.utc)
JEDDAH = {"country": "SA", "region": "SA-02", "city": "Jeddah"}


def written_at(request_id, moment=AT) -> None:
    """Put a request's times at `moment` (its device and server times, as if it had come then)."""
    row = db.session.get(HelpRequest, uuid.UUID(request_id))
    row.created_at = row.received_at = moment
    db.session.commit()


def queue_row(page: str, reference: str) -> str:
    return next(row for row in re.findall(r"<tr class=.*?</tr>", page, re.S) if reference in row)


def test_the_request_page_shows_the_missions_local_time_with_its_zone(create_user, login_client, create_request,
                                                                       post_form):
    assert get_by_code("KJRI-KOTAKINABALU").timezone == "Asia/Kuching"
    _worker, request = create_request()
    written_at(request["id"])
    client = login_client(create_user(role="staff"))

    page = client.get(detail_url(request["id"]) + "?lang=id").text
    assert "24 Nov 2026 00.23 GMT+08:00" in page
    assert "16.23" not in page
    assert re.search(r'id="time-zone">Zona waktu: Waktu Malaysia \(Kuching\)<', page)

    page = client.get(detail_url(request["id"]) + "?lang=en").text
    assert "Nov 24, 2026, 12:23\u202fAM GMT+08:00" in page or "Nov 24, 2026, 12:23 AM GMT+08:00" in page
    assert "Malaysia (Kuching) Time" in page

    # A message staff send now is shown on the same clock.
    assert post_form(client, f"{detail_url(request['id'])}/messages", body="Kami menelepon Anda.",
                     id=str(uuid.uuid4())).status_code == 303
    message = db.session.query(HelpMessage).one()
    message.created_at = datetime(2026, 11, 24, 1, 5, tzinfo=timezone.utc)
    db.session.commit()
    assert "24 Nov 2026 09.05 GMT+08:00" in client.get(detail_url(request["id"]) + "?lang=id").text


def test_an_admin_sees_each_request_on_its_own_missions_clock(create_user, login_client, create_request):
    _w, sabah = create_request()
    _w, jeddah = create_request(**JEDDAH)
    written_at(sabah["id"])
    written_at(jeddah["id"])
    admin = login_client(create_user(role="admin"))

    queue = admin.get("/console?lang=id").text
    assert 'title="24 Nov 2026 00.23 GMT+08:00"' in queue_row(queue, sabah["reference"])
    assert 'title="23 Nov 2026 19.23 GMT+03:00"' in queue_row(queue, jeddah["reference"])

    page = admin.get(detail_url(jeddah["id"]) + "?lang=id").text
    assert "23 Nov 2026 19.23 GMT+03:00" in page and "Waktu Arab Saudi" in page


def test_a_mission_without_a_zone_says_its_times_are_utc(create_user, login_client, create_request):
    mission = get_by_code("KJRI-KOTAKINABALU")
    mission.timezone = None
    db.session.commit()
    try:
        _w, request = create_request()
        written_at(request["id"])
        page = login_client(create_user(role="staff")).get(detail_url(request["id"]) + "?lang=id").text
        assert "23 Nov 2026 16.23 GMT" in page and 'id="time-zone">Zona waktu: UTC<' in page
    finally:
        mission.timezone = "Asia/Kuching"
        db.session.commit()


def test_the_workers_account_page_gives_the_day_where_she_lives(create_user, login_client, create_request):
    # 20.00 UTC on 23 November is already the 24th in Sabah.
    worker = create_user(created_at=datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc))
    create_request(worker=worker, presence=True)
    page = login_client(worker).get("/account?lang=en").text
    assert "November 24, 2026" in page and "November 23, 2026" not in page
    # Without a mission (no report, no request) the day is UTC's.
    other = create_user(created_at=datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc))
    assert "November 23, 2026" in login_client(other).get("/account?lang=en").text
    assert db.session.get(User, worker.id) is not None

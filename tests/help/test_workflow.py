"""The status workflow of a help request (app/help/workflow.py), rule by rule:
new → triaged → in_progress → resolved → closed; any open request may be referred, closed or
withdrawn; a resolved one may be reopened; `withdrawn` is the worker's move alone."""
import pytest

from app.help.models import STATUSES
from app.help.workflow import TRANSITIONS, can_move, staff_moves

# Written out by hand (not read from the workflow table).
MAIN_PATH = ["new", "triaged", "in_progress", "resolved", "closed"]
OPEN = ["new", "triaged", "in_progress", "referred"]
FINAL = ["closed", "withdrawn"]


def test_workflow_table_is_closed_over_statuses():
    assert set(TRANSITIONS) == set(STATUSES)
    assert all(targets <= set(STATUSES) for targets in TRANSITIONS.values())


@pytest.mark.parametrize("current, target", list(zip(MAIN_PATH, MAIN_PATH[1:])))
def test_staff_move_a_request_along_the_main_path(current, target):
    assert can_move(current, target)


@pytest.mark.parametrize("current, target", [
    ("new", "in_progress"), ("new", "resolved"), ("triaged", "resolved"), ("triaged", "new"),
    ("in_progress", "triaged"), ("in_progress", "new"),
])
def test_the_main_path_skips_no_step_and_goes_back_to_none(current, target):
    assert not can_move(current, target)


def test_any_open_request_may_be_referred():
    assert can_move("new", "referred")
    for current in ("new", "triaged", "in_progress"):
        assert can_move(current, "referred")


@pytest.mark.parametrize("current", OPEN)
def test_staff_may_close_any_open_request(current):
    assert can_move(current, "closed")


@pytest.mark.parametrize("current, target", [("referred", "in_progress"), ("referred", "resolved")])
def test_a_referred_request_may_be_taken_up_again_or_resolved(current, target):
    assert can_move(current, target)


def test_a_resolved_request_may_be_reopened():
    assert can_move("resolved", "in_progress")


@pytest.mark.parametrize("current", FINAL)
@pytest.mark.parametrize("target", STATUSES)
def test_closed_and_withdrawn_are_final(current, target):
    assert not can_move(current, target)
    assert not can_move(current, target, by_worker=True)


def test_a_closed_request_is_not_reopened():
    assert not can_move("closed", "new")


@pytest.mark.parametrize("current", OPEN)
def test_withdrawn_is_the_workers_move_alone(current):
    assert can_move(current, "withdrawn", by_worker=True)
    assert not can_move(current, "withdrawn")


@pytest.mark.parametrize("current", ["resolved", *FINAL])
def test_a_worker_cannot_withdraw_what_is_no_longer_open(current):
    assert not can_move(current, "withdrawn", by_worker=True)


@pytest.mark.parametrize("current, target", [(c, t) for c in STATUSES for t in STATUSES if t != "withdrawn"])
def test_every_other_move_is_staffs_alone(current, target):
    assert not can_move(current, target, by_worker=True)


@pytest.mark.parametrize("current", ["done", "", "NEW"])
def test_an_unknown_status_moves_nowhere(current):
    assert not any(can_move(current, target) or can_move(current, target, by_worker=True) for target in STATUSES)


@pytest.mark.parametrize("current, moves", [
    ("new", ["closed", "referred", "triaged"]),
    ("triaged", ["closed", "in_progress", "referred"]),
    ("in_progress", ["closed", "referred", "resolved"]),
    ("referred", ["closed", "in_progress", "resolved"]),
    ("resolved", ["closed", "in_progress"]),
    ("closed", []),
    ("withdrawn", []),
])
def test_staff_moves_are_the_allowed_moves_without_withdrawing(current, moves):
    assert staff_moves(current) == moves


def test_staff_moves_follow_the_order_given():
    assert staff_moves("new", STATUSES) == ["triaged", "closed", "referred"]

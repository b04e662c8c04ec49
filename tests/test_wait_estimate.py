"""The expected wait shown on the kiosk, the ticket and the phone: robust to a few quick
clicks or one long service, led by the centre's expected service time while history is
thin, shared by the counters serving the field now, never under a minute per citizen."""

from __future__ import annotations

import pytest

from hall.engine.lines import MIN_PER_PERSON_S
from hall.engine.lines import robust_service_s
from hall.engine.lines import wait_for_s

PRIOR_S = 300.0  # the centre's expected service time (its default_service_s)


def test_without_history_the_centre_s_expected_time() -> None:
    assert robust_service_s([], PRIOR_S) == PRIOR_S
    assert wait_for_s(4, robust_service_s([], PRIOR_S), 1) == 1200


def test_three_clicks_through_do_not_collapse_the_estimate() -> None:
    """Three half-second services (an officer clicking through): 4 ahead were told 2 s."""
    per_person = robust_service_s([0.5, 0.5, 0.5], PRIOR_S)
    assert per_person == pytest.approx((4 * 300 + 3 * 0.5) / 7)
    assert wait_for_s(4, per_person, 1) == round(4 * per_person) > 600


@pytest.mark.parametrize("outlier", [0.5, 3 * 3600.0])
def test_one_outlier_either_way_does_not_move_it(outlier: float) -> None:
    usual = [240.0, 260.0, 250.0, 255.0, 245.0, 250.0, 248.0, 252.0, 250.0, 250.0]
    assert robust_service_s([*usual, outlier], PRIOR_S) == pytest.approx(
        robust_service_s([*usual, 250.0], PRIOR_S))


def test_a_long_history_outweighs_the_prior() -> None:
    per_person = robust_service_s([120.0] * 20, PRIOR_S)
    assert 120 < per_person < 160  # (4 × 300 + 20 × 120) / 24 = 150


def test_counters_serving_the_field_share_the_line() -> None:
    assert wait_for_s(6, 300, 1) == 1800
    assert wait_for_s(6, 300, 3) == 600
    assert wait_for_s(6, 300, 0) == 1800  # none open now: as if one will open


def test_never_less_than_a_minute_per_citizen_ahead() -> None:
    assert wait_for_s(4, 5, 3) == 4 * MIN_PER_PERSON_S
    assert wait_for_s(0, 300, 1) == 0

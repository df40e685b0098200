"""DOMAIN section 6's figures, worked out by hand, against the calculators."""

from decimal import Decimal as D

import pytest

from segments.calculators import (
    DEFAULT_CRITERIA,
    ROGERS_GROUPS,
    HealthInputs,
    HealthSettings,
    beachhead_sizing,
    health,
    rank,
    segment_score,
    weights_problem,
)

WEIGHTS = {key: weight for key, _, weight in DEFAULT_CRITERIA}
KEYS = list(WEIGHTS)


@pytest.mark.parametrize(
    "ratings,expected",
    [
        ((5, 5, 3, 2, 5, 5), "4.20"),  # 1 + 1 + .3 + .4 + 1 + .5
        ((2, 5, 5, 4, 2, 4), "3.50"),  # .4 + 1 + .5 + .8 + .4 + .4
        ((5, 4, 2, 2, 5, 3), "3.70"),  # 1 + .8 + .2 + .4 + 1 + .3
        ((3, 5, 1, 5, 2, 1), "3.20"),  # .6 + 1 + .1 + 1 + .4 + .1
        ((4, 3, 5, 3, 2, 3), "3.20"),  # .8 + .6 + .5 + .6 + .4 + .3
    ],
)
def test_the_five_seed_rows_score_as_in_seed_004(ratings, expected):
    assert segment_score(WEIGHTS, dict(zip(KEYS, ratings, strict=True))) == D(expected)


def test_ranking_breaks_ties_by_name():
    assert rank([("Zeta", D("3.20")), ("Alpha", D("3.20")), ("Top", D("4.20"))]) == [
        ("Top", D("4.20"), 1),
        ("Alpha", D("3.20"), 2),
        ("Zeta", D("3.20"), 3),
    ]


@pytest.mark.parametrize(
    "weights,ok",
    [
        ([D(20), D(20), D(10), D(20), D(20), D(10)], True),
        ([D("33.33"), D("33.33"), D("33.34")], True),
        ([D("33.33"), D("33.33"), D("33.33")], False),  # 99.99: no float drift hides this
        ([D(50), D(50), D(0)], False),
    ],
)
def test_weights_must_sum_to_exactly_100(weights, ok):
    assert (weights_problem(weights) is None) is ok


def test_table_1_3_of_seed_004_figure_by_figure():
    sizing = beachhead_sizing(
        market_customers=1198,
        average_arr=D(15000),
        groups=list(ROGERS_GROUPS),
        targeted=["innovators", "early_adopters", "early_majority"],
        market_shares=[D(25), D(50), D(70)],
    )
    rows = {g.key: g for g in sizing.groups}
    assert [rows[k].customers_rounded for k in rows] == [D(30), D(162), D(407)]
    assert sizing.total_customers == D(599)
    assert [rows[k].arr_potential for k in rows] == [D(449250), D(2425950), D(6109800)]
    assert sizing.total_arr_potential == D(8985000)
    assert [rows[k].arr_at_share["25"] for k in rows] == [D(112313), D(606488), D(1527450)]
    assert sizing.total_arr_at_share["25"] == D(2246250)
    assert [rows[k].arr_at_share["70"] for k in rows] == [D(314475), D(1698165), D(4276860)]
    assert sizing.total_arr_at_share["70"] == D(6289500)
    assert [rows[k].arr_at_share["50"] for k in rows] == [D(224625), D(1212975), D(3054900)]
    assert sizing.total_arr_at_share["50"] == D(4492500)


SETTINGS = HealthSettings(
    weights={
        "login_frequency": D(25),
        "feature_usage": D(30),
        "support_tickets": D(20),
        "payment_history": D(25),
    },
    key_features=("reports", "export", "api", "alerts"),
)


def _health(logins=20, features=4, tickets=0, payments=3, paid=3, settings=SETTINGS):
    return health(HealthInputs(logins, features, tickets, payments, paid), settings)


def test_a_perfect_customer_scores_100_green_without_alerts():
    result = _health()
    assert (result.score, result.band, result.alerts) == (D(100), "green", [])


def test_no_logins_scores_zero_login_frequency_and_raises_a_risk_alert():
    # 0 + 30 + 20 + 25 = 75.0
    result = _health(logins=0)
    assert result.components["login_frequency"] == 0
    assert (result.score, result.band, result.alerts) == (D("75.0"), "green", ["risk_alert"])


def test_exactly_two_logins_a_week_is_40_and_no_risk_alert():
    # 8 logins / 4 weeks = 2 per week -> 100 x 2 / 5 = 40; 10 + 30 + 20 + 25 = 85.0
    result = _health(logins=8)
    assert result.components["login_frequency"] == 40 and "risk_alert" not in result.alerts
    assert result.score == D("85.0")


def test_seven_logins_in_four_weeks_is_below_two_a_week():
    result = _health(logins=7)  # 1.75 / week -> 35
    assert result.components["login_frequency"] == 35 and "risk_alert" in result.alerts


def test_no_payments_count_as_a_perfect_history():
    assert _health(payments=0, paid=0).components["payment_history"] == 100


def test_a_late_payment_lowers_the_history_and_asks_for_a_retention_campaign():
    # 2 of 3 paid -> 66.67; 25 + 30 + 20 + 25 x 0.6667 = 91.666.. -> 91.7
    result = _health(payments=3, paid=2)
    assert result.components["payment_history"] == D("66.7")
    assert (result.score, result.alerts) == (D("91.7"), ["retention_campaign"])


def test_tickets_at_the_threshold_and_at_twice_it():
    at_h, at_2h = _health(tickets=3), _health(tickets=6)
    # t = h: 100 x (1 - 3/6) = 50, no escalation; 25 + 30 + 10 + 25 = 90.0
    assert (at_h.components["support_tickets"], at_h.alerts, at_h.score) == (D(50), [], D("90.0"))
    # t = 2h: 0, escalation; 25 + 30 + 0 + 25 = 80.0
    assert (at_2h.components["support_tickets"], at_2h.score) == (D(0), D("80.0"))
    assert at_2h.alerts == ["escalation"]


def test_few_key_features_ask_for_education():
    # 1 of 4 -> 25; 25 + 7.5 + 20 + 25 = 77.5
    result = _health(features=1)
    assert (result.score, result.alerts) == (D("77.5"), ["education"])


def test_without_key_features_the_other_weights_are_scaled_to_100():
    settings = HealthSettings(weights=SETTINGS.weights, key_features=())
    # logins 10 -> 2.5/week -> 50; tickets 0 -> 100; payments 1 of 2 -> 50
    # (25 x 50 + 20 x 100 + 25 x 50) / 70 = 4500 / 70 = 64.2857 -> 64.3 yellow
    result = _health(logins=10, tickets=0, payments=2, paid=1, settings=settings)
    assert "feature_usage" not in result.components
    assert (result.score, result.band) == (D("64.3"), "yellow")


def test_bands_at_their_thresholds():
    settings = HealthSettings(
        weights={
            "login_frequency": D(100),
            "feature_usage": D(0),
            "support_tickets": D(0),
            "payment_history": D(0),
        },
        key_features=(),
    )
    # login only: 14 logins -> 3.5/week -> 70 green; 8 -> 40 yellow; 7 -> 35 red
    assert [_health(logins=n, settings=settings).band for n in (14, 8, 7)] == [
        "green",
        "yellow",
        "red",
    ]

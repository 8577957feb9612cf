"""The 2013 ACR/EULAR SSc classification score on hand-scored patients.

Expected points are those of Table 1 of van den Hoogen et al. 2013 (Arthritis Rheum 65:2737;
Ann Rheum Dis 72:1747), typed here from the paper, not read from data/ or from the module:
skin thickening of the fingers of both hands extending proximal to the MCP joints 9 (sufficient);
puffy fingers 2, sclerodactyly 4 (count the higher); digital tip ulcers 2, fingertip pitting scars
3 (count the higher); telangiectasia 2; abnormal nailfold capillaries 2; PAH and/or ILD 2 (maximum
2); Raynaud's phenomenon 3; anticentromere, anti-topoisomerase I or anti-RNA polymerase III 3
(maximum 3). Total ≥ 9 classifies as SSc.
"""

from __future__ import annotations

import pytest

from mscbook import data
from mscbook.widgets import layout, ssc_criteria

PAPER_POINTS = {
    "skin_thickening_proximal_to_mcp": 9,
    "puffy_fingers": 2,
    "sclerodactyly": 4,
    "digital_tip_ulcers": 2,
    "fingertip_pitting_scars": 3,
    "telangiectasia": 2,
    "abnormal_nailfold_capillaries": 2,
    "pulmonary_arterial_hypertension": 2,
    "interstitial_lung_disease": 2,
    "raynaud_phenomenon": 3,
    "anticentromere": 3,
    "anti_topoisomerase_i": 3,
    "anti_rna_polymerase_iii": 3,
}


@pytest.fixture(scope="module")
def criteria():
    return data.load("ssc_criteria")


def test_the_table_holds_every_item_of_the_paper(criteria):
    assert set(criteria["item_id"]) == set(PAPER_POINTS)


@pytest.mark.parametrize(("item", "points"), sorted(PAPER_POINTS.items()))
def test_each_item_alone_scores_its_points_from_the_paper(criteria, item, points):
    result = ssc_criteria.score_patient(criteria, [item])
    assert result.total == points
    assert result.classified is (points >= 9)


def test_no_items_score_zero(criteria):
    result = ssc_criteria.score_patient(criteria, [])
    assert result.total == 0
    assert not result.classified
    assert "Not classified" in result.verdict


def test_proximal_skin_thickening_is_sufficient_on_its_own(criteria):
    result = ssc_criteria.score_patient(criteria, ["skin_thickening_proximal_to_mcp"])
    assert result.total == 9
    assert result.classified
    assert result.sufficient_item == "skin_thickening_proximal_to_mcp"
    assert "sufficient on its own" in result.verdict


@pytest.mark.parametrize(
    ("items", "total"),
    [
        (["puffy_fingers", "sclerodactyly"], 4),  # skin of the fingers: only the higher counts
        (["digital_tip_ulcers", "fingertip_pitting_scars"], 3),
        (["pulmonary_arterial_hypertension", "interstitial_lung_disease"], 2),
        (["anticentromere", "anti_topoisomerase_i", "anti_rna_polymerase_iii"], 3),
    ],
)
def test_within_a_domain_only_the_highest_item_counts(criteria, items, total):
    assert ssc_criteria.score_patient(criteria, items).total == total


@pytest.mark.parametrize(
    ("items", "total", "classified"),
    [
        # Raynaud's 3 + sclerodactyly 4 + telangiectasia 2 = 9: exactly the threshold.
        (["raynaud_phenomenon", "sclerodactyly", "telangiectasia"], 9, True),
        # Raynaud's 3 + puffy fingers 2 + nailfold 2 = 7: two points short.
        (["raynaud_phenomenon", "puffy_fingers", "abnormal_nailfold_capillaries"], 7, False),
        # Raynaud's 3 + anti-Scl-70 3 + puffy fingers 2 = 8: one point short.
        (["raynaud_phenomenon", "anti_topoisomerase_i", "puffy_fingers"], 8, False),
        # + pitting scars 3 → 11.
        (
            [
                "raynaud_phenomenon",
                "anti_topoisomerase_i",
                "puffy_fingers",
                "fingertip_pitting_scars",
            ],
            11,
            True,
        ),
        # Everything ticked: 9 + 4 + 3 + 2 + 2 + 2 + 3 + 3 = 28.
        (list(PAPER_POINTS), 28, True),
    ],
)
def test_hand_scored_patients_and_the_nine_point_threshold(criteria, items, total, classified):
    result = ssc_criteria.score_patient(criteria, items)
    assert result.total == total
    assert result.classified is classified


def test_a_mapping_of_ticks_scores_like_a_list(criteria):
    ticks = {item: item in {"raynaud_phenomenon", "sclerodactyly"} for item in PAPER_POINTS}
    assert ssc_criteria.score_patient(criteria, ticks).total == 7


def test_unknown_items_are_named(criteria):
    with pytest.raises(ssc_criteria.CriteriaInputError) as error:
        ssc_criteria.score_patient(criteria, ["raynaud_phenomenon", "raynauds", "skin"])
    message = str(error.value)
    assert "unknown item 'raynauds'" in message
    assert "unknown item 'skin'" in message
    assert "raynaud_phenomenon" in message  # the allowed ids are listed


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        ("raynaud_phenomenon", "expected a list of item ids"),
        (3, "got int"),
        ([3], "expected an item id (text), got int"),
        ({"raynaud_phenomenon": "yes"}, "'raynaud_phenomenon': expected True or False, got str"),
        ({"raynaud_phenomenon": 1}, "expected True or False, got int"),
    ],
)
def test_wrong_types_are_rejected_with_a_message(criteria, items, fragment):
    with pytest.raises(ssc_criteria.CriteriaInputError) as error:
        ssc_criteria.score_patient(criteria, items)
    assert fragment in str(error.value)


def test_every_result_says_classification_is_not_diagnosis(criteria):
    html = ssc_criteria.render_result(ssc_criteria.score_patient(criteria, ["sclerodactyly"]))
    assert "Classification is not diagnosis" in html
    assert "<strong>4</strong>" in html


def test_the_widget_shows_the_example_and_reacts_to_ticks(criteria):
    live = ssc_criteria.make_widget(criteria, ["raynaud_phenomenon", "sclerodactyly"])
    assert "7 points" in live.static_html
    assert "Classification is not diagnosis" in live.html()
    boxes = layout.controls(live.widget)
    assert len(boxes) == len(criteria)
    telangiectasia = next(box for box in boxes if box.description.startswith("Telangiectasia"))
    telangiectasia.value = True
    assert "Classified as systemic sclerosis: 9 points" in layout.output_of(live.widget).value

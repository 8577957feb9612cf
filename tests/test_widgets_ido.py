"""The IDO teaching model on hand-checked cases, against its own differential equations, and on
bad inputs (each error names the parameter)."""

from __future__ import annotations

import math

import pytest

from mscbook.widgets import ido


def test_without_ido_growth_is_exponential_at_the_saturated_rate():
    # r = 0.03/h, K = 0.2, W0 = 1: rate 0.03 * 1/1.2 = 0.025/h; 72 h -> e^1.8 = 6.0496...
    frame = ido.t_cell_expansion([0, 72], ido_rate=0)
    assert frame["fold"].tolist() == pytest.approx([1.0, math.exp(1.8)])
    assert frame["tryptophan"].tolist() == pytest.approx([1.0, 1.0])


def test_with_ido_by_hand_at_72_hours():
    # W(72) = e^-3.6 = 0.027324; fold = (1.2 / 0.227324) ** (0.03 / 0.05) = 2.71345...
    row = ido.t_cell_expansion([72]).iloc[0]
    assert row["tryptophan"] == pytest.approx(math.exp(-3.6))
    assert row["fold"] == pytest.approx((1.2 / (math.exp(-3.6) + 0.2)) ** 0.6)
    assert row["fold"] == pytest.approx(2.71345, abs=1e-5)


def test_with_ido_growth_levels_off_at_the_closed_form_limit():
    # t -> infinity: fold -> ((W0 + K) / K) ** (r / k) = 6 ** 0.6
    far = ido.t_cell_expansion([2000]).iloc[0]
    assert far["fold"] == pytest.approx(6**0.6, rel=1e-6)


def test_t_cells_scale_with_the_starting_number_but_fold_does_not():
    one = ido.t_cell_expansion([48], t_cells0=1).iloc[0]
    many = ido.t_cell_expansion([48], t_cells0=50_000).iloc[0]
    assert many["fold"] == pytest.approx(one["fold"])
    assert many["t_cells"] == pytest.approx(50_000 * one["fold"])


def test_closed_form_matches_a_numerical_solution_of_the_equations():
    r, k_half, k, w, t_cells, dt = 0.03, 0.2, 0.05, 1.0, 1.0, 0.001
    for _ in range(int(96 / dt)):  # explicit Euler, small step
        t_cells += dt * r * w / (w + k_half) * t_cells
        w += dt * -k * w
    row = ido.t_cell_expansion([96]).iloc[0]
    assert row["fold"] == pytest.approx(t_cells, rel=1e-3)
    assert row["tryptophan"] == pytest.approx(w, rel=1e-3)


def test_compare_stacks_both_conditions():
    frame = ido.compare([0, 24, 48])
    assert list(frame["condition"].unique()) == list(ido.CONDITIONS)
    without = frame[frame["condition"] == "without IDO"]["fold"].tolist()
    with_ido = frame[frame["condition"] == "with IDO"]["fold"].tolist()
    assert all(a >= b for a, b in zip(without, with_ido, strict=True))
    assert without[0] == with_ido[0] == 1.0


def test_parameter_table_lists_every_default():
    table = ido.parameter_table()
    assert set(table.index) == set(ido.PARAMETERS)
    assert {"value", "unit", "meaning"} <= set(table.columns)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"hours": [-1]}, "hours[0]"),
        ({"hours": ["ten"]}, "hours[0]"),
        ({"hours": [1, float("nan")]}, "hours[1]"),
        ({"hours": []}, "hours"),
        ({"hours": "72"}, "hours"),
        ({"hours": [1], "ido_rate": -0.1}, "ido_rate"),
        ({"hours": [1], "growth_rate": True}, "growth_rate"),
        ({"hours": [1], "half_saturation": 0}, "half_saturation"),
        ({"hours": [1], "tryptophan0": float("inf")}, "tryptophan0"),
        ({"hours": [1], "t_cells0": -5}, "t_cells0"),
    ],
)
def test_bad_inputs_name_the_parameter(kwargs, named):
    hours = kwargs.pop("hours")
    with pytest.raises(ido.ModelInputError, match=named.replace("[", r"\[").replace("]", r"\]")):
        ido.t_cell_expansion(hours, **kwargs)


def test_xenograft_designs_hide_the_answer_and_follow_the_species_rule():
    table = ido.xenograft_designs()
    assert list(table.index) == list("ABCDEF")
    assert list(table.columns) == ["msc_species", "ifng_made_by"]  # no answer column
    # by hand: licensing needs IFN-gamma of the MSCs' own species (Hemmi 1989)
    assert [ido.licensing_possible(d) for d in "ABCDEF"] == [False, True, True, True, False, False]


def test_an_unknown_design_is_named_in_the_error():
    with pytest.raises(ido.ModelInputError, match="'G' is not one of A, B, C, D, E, F"):
        ido.licensing_possible("G")

"""The Mechanisms figures show exactly what the tables hold (tables read here without mscbook):
each matrix or ladder marker is one secretome row at its place with its evidence style, each bar
of the trial figures is a count or size computed from trials.csv."""

from __future__ import annotations

import io
from collections import Counter

import matplotlib.colors as mcolors
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle
from PIL import Image

from mscbook import style
from mscbook.figures import mechanisms as m
from mscbook.widgets import ido
from tests.conftest import raw_table


def markers(axes) -> dict[str, PathCollection]:
    found = [c for c in axes.collections if isinstance(c, PathCollection) and c.get_gid()]
    assert len(found) == len({c.get_gid() for c in found}), "one marker per row"
    return {c.get_gid(): c for c in found}


def label_at(axes, y: float) -> str:
    for tick, label in zip(axes.get_yticks(), axes.get_yticklabels(), strict=True):
        if tick == pytest.approx(y):
            return label.get_text()
    raise AssertionError(f"no y tick at {y}")


def same_colour(collection: PathCollection, expected: str) -> bool:
    return mcolors.to_hex(collection.get_facecolor()[0]) == mcolors.to_hex(expected)


def test_mechanism_matrix_has_one_marker_per_row_in_its_cell(secretome):
    axes = m.plot_mechanism_matrix(secretome).axes[0]
    found = markers(axes)
    rows = raw_table("secretome")
    assert set(found) == {row["factor_id"] for row in rows}
    for row in rows:
        marker = found[row["factor_id"]]
        x, y = marker.get_offsets()[0]
        assert round(x) == m.MECHANISM_ORDER.index(row["mechanism"]), row["factor_id"]
        assert abs(x - round(x)) < 0.5
        assert label_at(axes, y) == row["factor_label"]
        assert same_colour(marker, m.EVIDENCE_STYLE[row["evidence_kind"]]["color"])
    assert axes.get_title() == ""


def test_rows_sharing_a_cell_are_side_by_side_not_on_top(secretome):
    axes = m.plot_mechanism_matrix(secretome).axes[0]
    positions = [tuple(c.get_offsets()[0]) for c in markers(axes).values()]
    assert len(set(positions)) == len(positions)


def test_immune_target_figure_shows_the_immunomodulation_rows(secretome):
    axes = m.plot_immune_targets(secretome).axes[0]
    found = markers(axes)
    rows = [row for row in raw_table("secretome") if row["mechanism"] == "immunomodulation"]
    assert set(found) == {row["factor_id"] for row in rows}
    for row in rows:
        x, y = found[row["factor_id"]].get_offsets()[0]
        assert round(x) == m.TARGET_ORDER.index(row["target_group"])
        assert label_at(axes, y) == row["factor_label"]
        assert same_colour(found[row["factor_id"]], m.EVIDENCE_STYLE[row["evidence_kind"]]["color"])


@pytest.mark.parametrize(
    "mechanisms",
    [("angiogenesis",), ("anti_fibrosis",), ("homing_biodistribution", "extracellular_vesicles")],
)
def test_evidence_ladder_puts_each_row_on_its_rung(secretome, mechanisms):
    axes = m.plot_evidence_ladder(secretome, mechanisms).axes[0]
    found = markers(axes)
    rows = [row for row in raw_table("secretome") if row["mechanism"] in mechanisms]
    assert set(found) == {row["factor_id"] for row in rows}
    texts = [text.get_text() for text in axes.texts]
    for row in rows:
        x, y = found[row["factor_id"]].get_offsets()[0]
        assert x == m.EVIDENCE_ORDER.index(row["evidence_kind"])
        assert label_at(axes, y) == row["factor_label"]
        assert m.source_label(row["source"]) in texts
    kinds = [m.EVIDENCE_ORDER.index(r["evidence_kind"]) for r in rows]
    ordered = [found[r["factor_id"]].get_offsets()[0] for r in rows]
    # from top to bottom the rungs never go back towards the bench
    top_down = [x for x, y in sorted(ordered, key=lambda point: -point[1])]
    assert top_down == sorted(kinds)


def test_source_labels():
    assert m.source_label("kinnaird2004") == "Kinnaird 2004"
    assert m.source_label("nemeth2009") == "Németh 2009"
    assert m.source_label("nct03799718") == "nct03799718"


def expected_route_counts() -> Counter:
    counts = Counter()
    for row in raw_table("trials"):
        group = "msc" if row["product_type"] in ("msc", "msc_like", "msc_derived") else "comparator"
        for route in (row["route"] or "not_reported").split(";"):
            counts[(row["disease_area"], route, group)] += 1
    return counts


def test_route_bars_are_the_study_counts_of_the_table(trials):
    figure = m.plot_trial_routes(trials)
    bars = {
        patch.get_gid(): patch
        for axes in figure.axes
        for patch in axes.patches
        if isinstance(patch, Rectangle) and patch.get_gid()
    }
    expected = expected_route_counts()
    assert {tuple(gid.split(":")) for gid in bars} == set(expected)
    for key, count in expected.items():
        bar = bars[":".join(key)]
        assert bar.get_width() == count
        colour = m.PRODUCT_STYLE[key[2]]["color"]
        assert mcolors.to_hex(bar.get_facecolor()) == mcolors.to_hex(colour)


def test_route_bars_sit_on_their_route_label_in_every_panel(trials):
    figure = m.plot_trial_routes(trials)
    for axes in figure.axes[:1]:
        for patch in axes.patches:
            if patch.get_gid():
                route = patch.get_gid().split(":")[1]
                centre = patch.get_y() + patch.get_height() / 2
                assert label_at(axes, centre) == m.ROUTE_LABELS[route]
    limits = {axes.get_ylim() for axes in figure.axes}
    assert len(limits) == 1, "panels share the route axis"


def test_study_design_bars_are_the_study_sizes(trials):
    axes = m.plot_study_designs(trials, "systemic_sclerosis").axes[0]
    bars = {p.get_gid(): p for p in axes.patches if isinstance(p, Rectangle) and p.get_gid()}
    rows = [row for row in raw_table("trials") if row["disease_area"] == "systemic_sclerosis"]
    assert set(bars) == {row["trial_id"] for row in rows}
    texts = " | ".join(text.get_text() for text in axes.texts)
    for row in rows:
        assert bars[row["trial_id"]].get_width() == (int(row["n_total"]) if row["n_total"] else 0)
        group = "msc" if row["product_type"] in ("msc", "msc_like", "msc_derived") else "comparator"
        colour = m.PRODUCT_STYLE[group]["color"]
        assert mcolors.to_hex(bars[row["trial_id"]].get_facecolor()) == mcolors.to_hex(colour)
    assert "randomised, placebo" in texts and "not yet recruiting" in texts


def test_ido_figure_draws_the_model_and_names_the_evidence(secretome):
    curves = ido.compare(range(0, 97, 4))
    evidence = secretome[secretome["factor_id"] == "ido"]
    figure = m.plot_ido_model(curves, evidence)
    left, right = figure.axes
    for condition, curve in curves.groupby("condition"):
        (fold_line,) = [line for line in right.lines if line.get_gid() == f"fold:{condition}"]
        assert list(fold_line.get_ydata()) == pytest.approx(curve["fold"].tolist())
        (w_line,) = [line for line in left.lines if line.get_gid() == f"tryptophan:{condition}"]
        assert list(w_line.get_ydata()) == pytest.approx(curve["tryptophan"].tolist())
    note = " ".join(text.get_text() for text in left.texts)
    assert "in vitro" in note and "Meisel 2004" in note
    assert "TEACHING MODEL" in right.get_legend().get_title().get_text()
    assert style.data_files(figure) == ("data/secretome.csv",)


@pytest.mark.parametrize(
    "make",
    [
        lambda s, t: m.plot_mechanism_matrix(s),
        lambda s, t: m.plot_evidence_ladder(s, ("angiogenesis",)),
        lambda s, t: m.plot_trial_routes(t),
    ],
)
def test_pngs_record_their_data_file_and_have_no_title(secretome, trials, make):
    figure = make(secretome, trials)
    image = Image.open(io.BytesIO(style.png_bytes(figure)))
    assert image.text[style.PROVENANCE_KEY] in ("data/secretome.csv", "data/trials.csv")
    assert all(axes.get_title() == "" for axes in figure.axes)
    assert figure.get_suptitle() == ""


def test_bad_inputs_say_what_is_wrong(secretome, trials):
    with pytest.raises(ValueError, match="no secretome rows"):
        m.plot_evidence_ladder(secretome, ("telepathy",))
    odd = secretome.assign(mechanism="telepathy")
    with pytest.raises(ValueError, match="no place in the figure"):
        m.plot_mechanism_matrix(odd)
    with pytest.raises(ValueError, match="evidence_kind"):
        m.plot_mechanism_matrix(secretome.drop(columns="evidence_kind"))
    with pytest.raises(ValueError, match="no studies"):
        m.plot_study_designs(trials, "gout")
    with pytest.raises(ValueError, match="loaded with mscbook.data.load"):
        m.plot_mechanism_matrix(pd.DataFrame(secretome.to_dict("list")))

"""Figures the disease chapters share: the evidence map, the outcomes chart, the benchmark chart.

Each `*_data` function returns the tidy table its figure draws (tested against the data); each
`plot_*` function draws that table and nothing else.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from mscbook.stats import exact_binomial_ci
from mscbook.style import (
    LINE_IN,
    MAX_WIDTH_IN,
    PALETTE,
    SMALL_TEXT_PT,
    label_rows_above,
    new_figure,
    rows_below_labels,
)

# The design ladder lives in mscbook.tables (the trials table's Evidence column uses it).
from mscbook.tables import (
    MSC_FAMILY,
    check_disease,
    design_level,
    design_unknown,
    is_comparator,
    label,
)

#: Strength of design, weakest first (the evidence map's x axis).
DESIGN_LEVELS = (
    "case report",
    "single arm",
    "non-randomised, controlled",
    "randomised, open",
    "randomised, blinded",
)
SOURCE_COLOURS = {
    "bone_marrow": PALETTE["blue"],
    "adipose": PALETTE["orange"],
    "umbilical_cord": PALETTE["green"],
    "wharton_jelly": PALETTE["sky"],
    "cord_blood": PALETTE["purple"],
    "placenta": PALETTE["vermillion"],
    "peripheral_blood": PALETTE["yellow"],
    "not_stated": PALETTE["black"],
}
STOPPED = {"stopped_early", "terminated"}
LEVEL_TICKS = {
    "case report": "case\nreport",
    "single arm": "single\narm",
    "non-randomised, controlled": "non-randomised,\ncontrolled",
    "randomised, open": "randomised,\nopen",
    "randomised, blinded": "randomised,\nblinded",
}


def evidence_map_data(trials: pd.DataFrame, disease: str) -> pd.DataFrame:
    """One row per study of `disease` with a known n and design: design level, n, source,
    product class.

    Uses `trials` columns trial_id, short_name, disease_area, product_type, cell_source,
    randomised, blinding, control_type, phase, n_total, status. Studies without n_total are
    left out (they cannot be placed on the n axis); `missing_n` lists them. Controlled studies
    whose randomisation is not known are left out too (drawing them in either column would
    show a guess as a design); `design_unknown` lists them.
    """
    check_disease(disease)
    chosen = trials[trials["disease_area"] == disease]
    # A study without n is already left out (and listed in missing_n), whatever its design.
    unknown = [
        design_unknown(trial) and not pd.isna(trial.n_total) for trial in chosen.itertuples()
    ]
    design_unknown_names = chosen.loc[unknown, "short_name"].tolist()
    chosen = chosen[[not flag for flag in unknown]]
    rows = [
        {
            "trial_id": trial.trial_id,
            "study": trial.short_name,
            "design": design_level(trial),
            "level": DESIGN_LEVELS.index(design_level(trial)),
            "n": None if pd.isna(trial.n_total) else int(trial.n_total),
            "cell_source": trial.cell_source,
            "comparator": is_comparator(trial.product_type),
            "product": label("product_type", trial.product_type),
            "stopped": trial.status in STOPPED,
        }
        for trial in chosen.itertuples()
    ]
    frame = pd.DataFrame(rows)
    frame.attrs["missing_n"] = list(frame.loc[frame["n"].isna(), "study"])
    frame.attrs["design_unknown"] = design_unknown_names
    return frame[frame["n"].notna()].reset_index(drop=True).astype({"n": int})


def comparator_handle(text: str) -> Line2D:
    """The legend entry of a comparator product (not MSCs): an open square, in every figure."""
    return Line2D(
        [],
        [],
        marker="s",
        linestyle="",
        markerfacecolor="white",
        markeredgecolor=PALETTE["black"],
        label=text,
    )


def evidence_map_legend(points: pd.DataFrame, msc_colour: str) -> list[Line2D]:
    """The evidence map's legend: one colour per cell source present in `points`, then the
    MSC and comparator markers and the ring of a stopped study (shared by every evidence map)."""
    sources = [source for source in SOURCE_COLOURS if source in set(points["cell_source"])]
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color=SOURCE_COLOURS[source],
            label=label("cell_source", source),
        )
        for source in sources
    ]
    handles += [
        Line2D([], [], marker="o", linestyle="", color=msc_colour, label="MSC product"),
        comparator_handle("comparator (not MSCs)"),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=12,
            markerfacecolor="none",
            markeredgecolor=PALETTE["black"],
            label="stopped early or terminated",
        ),
    ]
    return handles


def plot_evidence_map(trials: pd.DataFrame, disease: str) -> Figure:
    """Each study's n (log scale) against the strength of its design.

    Colour: cell source. Filled circle: MSC, MSC-like or MSC-derived product; open square:
    comparator product (not MSCs). A black ring marks studies stopped early or terminated.
    Points that share a design level are spread sideways in data order so none hides another.
    """
    points = evidence_map_data(trials, disease)
    figure, axes = new_figure(trials, width=MAX_WIDTH_IN, height=5.2)
    offsets = points.groupby("level").cumcount()
    counts = points.groupby("level")["level"].transform("size")
    x = points["level"] + (offsets - (counts - 1) / 2) * (0.7 / counts.clip(lower=2))
    for index, point in points.iterrows():
        colour = SOURCE_COLOURS[point["cell_source"]]
        axes.scatter(
            x[index],
            point["n"],
            s=60,
            marker="s" if point["comparator"] else "o",
            facecolors="white" if point["comparator"] else colour,
            edgecolors=colour,
            linewidths=1.8,
            zorder=3,
        )
        if point["stopped"]:
            axes.scatter(
                x[index],
                point["n"],
                s=220,
                marker="o",
                facecolors="none",
                edgecolors=PALETTE["black"],
                linewidths=1.2,
                zorder=2,
            )
    axes.set_yscale("log")
    axes.set_xticks(
        range(len(DESIGN_LEVELS)),
        [LEVEL_TICKS[level] for level in DESIGN_LEVELS],
        fontsize=SMALL_TEXT_PT,
    )
    axes.set_xlim(-0.5, len(DESIGN_LEVELS) - 0.5)
    axes.set_xlabel("Design (weaker to stronger evidence)")
    axes.set_ylabel("Participants (n, log scale)")
    handles = evidence_map_legend(points, msc_colour=PALETTE["black"])
    figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=SMALL_TEXT_PT)
    return figure


# ------------------------------------------------------------------------------- outcomes

EFFECT_LABELS = {
    "hazard_ratio": "hazard ratio",
    "risk_ratio": "risk ratio",
    "odds_ratio": "odds ratio",
    "rate_ratio": "rate ratio",
}
OUTCOME_LABELS = {
    "major_amputation_or_death": "major amputation or death",
    "amputation_free_survival": "alive without major amputation",
    "major_amputation": "major amputation",
    "abi": "ankle-brachial index",
    "tcpo2": "TcPO2",
    "edss": "EDSS",
    "mrss": "skin score (mRSS)",
}


# Outcomes reported as the share of patients *free of* an event, with the event that is their
# complement. The percentage panel has one axis, "patients with the outcome"; these rows are drawn
# as 100 minus the reported value, so every point on that axis is an event rate and a
# lower point is better for all of them. (MS and systemic sclerosis rows not listed here are
# drawn as reported.)
COMPLEMENT_OUTCOMES = {
    "amputation_free_survival": "major_amputation_or_death",
}


def short_study(name: str) -> str:
    """'PACE (PLX-PAD)' stays; 'CIRCULATE N-O CLI pilot (Kwiatkowski 2022)' loses the bracket
    only when the part before it is long enough to name the study."""
    head = name.split(" (")[0]
    return head if len(head) >= 12 else name


def _when(row) -> str:
    if pd.isna(row.timepoint_value):
        return "time not stated"
    return f"{row.timepoint_value:g} {row.timepoint_unit}"


def outcome_rows(
    outcomes: pd.DataFrame, trials: pd.DataFrame, arms: pd.DataFrame, disease: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables the outcomes figure draws, in data order.

    `effects`: between-arm ratios with a 95% CI (trial_outcomes rows with effect_measure,
    effect_value, effect_ci_low and effect_ci_high). `percentages`: per-arm results reported as a
    percentage (value_unit '%'), every arm of a comparison including the treated arms, each
    labelled 'single arm' or 'arm of a controlled trial' from the trial's design; an outcome
    in COMPLEMENT_OUTCOMES (a share free of an event) becomes its event's rate, 100 minus the
    reported value, with a label that says so. Other results
    (P values only, counts, means) are not drawn. Uses `trials` (trial_id, short_name,
    disease_area, allocation, product_type) and `trial_arms` (trial_id, arm_id, arm_label).
    """
    check_disease(disease)
    info = trials.set_index("trial_id")
    chosen = outcomes[outcomes["trial_id"].isin(info.index[info["disease_area"] == disease])]
    arm_labels = arms.set_index(["trial_id", "arm_id"])["arm_label"]
    effect_rows, percent_rows = [], []
    for row in chosen.itertuples():
        trial = info.loc[row.trial_id]
        study = short_study(trial["short_name"])
        what = f"{OUTCOME_LABELS.get(row.outcome, row.outcome.replace('_', ' '))}, {_when(row)}"
        if (
            isinstance(row.effect_measure, str)
            and not pd.isna(row.effect_ci_low)
            and not pd.isna(row.effect_ci_high)
        ):
            effect_rows.append(
                {
                    "outcome_id": row.outcome_id,
                    "label": f"{study}: {EFFECT_LABELS[row.effect_measure]}\n{what}",
                    "measure": row.effect_measure,
                    "value": float(row.effect_value),
                    "ci_low": float(row.effect_ci_low),
                    "ci_high": float(row.effect_ci_high),
                    "comparator": is_comparator(trial["product_type"]),
                }
            )
        elif row.value_unit == "%" and not pd.isna(row.value):
            single = trial["allocation"] in {"single_group", "dose_escalation"}
            arm = arm_labels[(row.trial_id, row.arm_id)].split(",")[0]
            outcome, value = row.outcome, float(row.value)
            if outcome in COMPLEMENT_OUTCOMES:
                outcome, value = COMPLEMENT_OUTCOMES[outcome], 100 - value
                # short enough to fit the figure's width; the caption explains the conversion
                what = (
                    f"{OUTCOME_LABELS.get(outcome, outcome.replace('_', ' '))}, {_when(row)} "
                    f"(reported as {row.value:g}% free of it)"
                )
            percent_rows.append(
                {
                    "outcome_id": row.outcome_id,
                    "label": f"{study}: {arm}\n{what}",
                    "outcome": outcome,
                    "value": value,
                    "context": "single arm" if single else "arm of a controlled trial",
                    "comparator": is_comparator(trial["product_type"]),
                }
            )
    return pd.DataFrame(effect_rows), pd.DataFrame(percent_rows)


def ratio_axis_limits(effects: pd.DataFrame) -> tuple[float, float]:
    """From 0.25 to 4 at least, wider (by whole powers of two) until every CI fits."""
    low, high = 0.25, 4.0
    if len(effects):
        while low > effects["ci_low"].min() / 1.2:
            low /= 2
        while high < effects["ci_high"].max() * 1.2:
            high *= 2
    return low, high


def beside(axis, low: float, high: float, y: float, text: str, *, gid: str | None = None) -> None:
    """Write `text` at height `y` just right of `high`, or just left of `low` when the right
    part of the axis has no room (past 55% of its width): never over the marks. Call it once
    the axis has its scale and limits."""
    to_fraction = axis.transScale + axis.transLimits
    room_right = to_fraction.transform((high, 0))[0] < 0.55
    axis.annotate(
        text,
        (high if room_right else low, y),
        xytext=(6 if room_right else -6, 0),
        textcoords="offset points",
        ha="left" if room_right else "right",
        va="center",
        fontsize=SMALL_TEXT_PT,
        gid=gid,
    )


def plot_outcomes(
    outcomes: pd.DataFrame, trials: pd.DataFrame, arms: pd.DataFrame, disease: str
) -> Figure:
    """Top: between-arm ratios with 95% CI (log scale, dashed line at 1 = no difference).
    Bottom: results reported as a percentage of one arm; open circle = single arm (no control),
    filled = arm of a controlled trial. A comparator product (not MSCs) is drawn as a square,
    with a legend saying so, so that it never reads as an MSC result. Each row's label (study,
    arm, outcome and time) stands above it across the figure (`style.rows_below_labels`), so the
    axes keep the whole width."""
    effects, percentages = outcome_rows(outcomes, trials, arms, disease)
    top_tops, top_ys, top_total = rows_below_labels(effects["label"] if len(effects) else [])
    low_tops, low_ys, low_total = rows_below_labels(
        percentages["label"] if len(percentages) else []
    )
    top_total, low_total = max(top_total, 2.0), max(low_total, 2.0)  # room for "No ..."
    figure, (top, bottom) = new_figure(
        outcomes,
        trials,
        arms,
        width=MAX_WIDTH_IN,
        height=LINE_IN * (top_total + low_total) + 2.0,
        nrows=2,
        ncols=1,
        height_ratios=[top_total + 2, low_total + 2],  # + the tick labels and axis title
    )
    low, high = ratio_axis_limits(effects)
    top.set_xscale("log")
    top.set_xlim(low, high)
    ticks = [2.0**power for power in range(-8, 9) if low <= 2.0**power <= high]
    top.set_xticks(ticks, [f"{tick:g}" for tick in ticks])
    top.minorticks_off()
    top.axvline(1, color=PALETTE["black"], linewidth=0.8, linestyle="--")
    label_rows_above(top, effects["label"] if len(effects) else [], top_tops, top_total)
    for y, effect in zip(top_ys, effects.itertuples(), strict=True):
        top.errorbar(
            effect.value,
            y,
            xerr=[[effect.value - effect.ci_low], [effect.ci_high - effect.value]],
            fmt="s" if effect.comparator else "D",
            markerfacecolor="white" if effect.comparator else PALETTE["blue"],
            color=PALETTE["blue"],
            capsize=4,
            gid="comparator-ratio" if effect.comparator else "msc-ratio",
        )
        text = f"{effect.value:g} ({effect.ci_low:g} to {effect.ci_high:g})"
        beside(top, effect.ci_low, effect.ci_high, y, text)
    if effects.empty:
        top.text(1, 1, "No between-arm ratio with a 95% CI in the data", ha="center",
                 va="center", fontsize=SMALL_TEXT_PT)  # fmt: skip
    top.set_xlabel("Ratio vs control with 95% CI (below 1 favours cells)", fontsize=SMALL_TEXT_PT)
    bottom.set_xlim(0, 100)
    label_rows_above(bottom, percentages["label"] if len(percentages) else [], low_tops, low_total)
    for y, result in zip(low_ys, percentages.itertuples(), strict=True):
        single = result.context == "single arm"
        bottom.scatter(
            result.value,
            y,
            s=50,
            marker="s" if result.comparator else "o",
            gid="comparator-arm" if result.comparator else "msc-arm",
            zorder=3,
            facecolors="white" if single else PALETTE["orange"],
            edgecolors=PALETTE["orange"],
            linewidths=1.8,
            clip_on=False,  # a dot at 0% shows whole
        )
        bottom.text(  # right of the dot below 60%, else left of it: always inside the axis
            result.value + (3 if result.value < 60 else -3),
            y,
            f"{result.value:g}% ({result.context})",
            ha="left" if result.value < 60 else "right",
            va="center",
            fontsize=SMALL_TEXT_PT,
        )
    bottom.set_xlabel("Patients in the arm with the outcome (%)", fontsize=SMALL_TEXT_PT)
    if any(len(rows) and rows["comparator"].any() for rows in (effects, percentages)):
        figure.legend(
            handles=[
                Line2D(
                    [],
                    [],
                    marker="D",
                    linestyle="",
                    color=PALETTE["black"],
                    label="diamond or circle: MSC or MSC-derived product",
                ),
                comparator_handle("square: comparator product (not MSCs)"),
            ],  # fmt: skip
            loc="outside lower center",
            ncols=1,
            frameon=False,
            fontsize=SMALL_TEXT_PT,
        )
    return figure


# ------------------------------------------------------------------ randomised primary results

#: An outcome row is a primary result when its definition says so ("primary endpoint",
#: "primary efficacy endpoint"); "primary progressive" does not match.
PRIMARY_PATTERN = r"\bprimary (?:efficacy )?endpoint"
#: Two-sided significance level used to read a reported P value or 95% CI as a met endpoint.
ALPHA = 0.05
VERDICTS = ("met", "not met", "not met (authors)", "no test reported")
#: Where the data hold no P value or CI, a `trials.primary_result` that starts with one of these
#: records the authors' own verdict that the primary endpoint was not met.
AUTHORS_NOT_MET = ("No difference", "Did not meet")
PRIMARY_COLUMNS = [
    "trial_id", "study", "n_total", "outcome_id", "kind", "role", "label", "what", "value",
    "ci_low", "ci_high", "unit", "events", "total", "p_text", "significant", "ci_excludes_1",
    "verdict", "source_read", "periods_pooled",
]  # fmt: skip


def _p_text(row) -> str:
    relation = "<" if row.p_relation == "<" else "="
    return f"P{relation}{row.p_value:g}"


def _significant(row) -> bool:
    """A reported P below ALPHA (an upper bound counts when it is at or below ALPHA)."""
    if row.p_relation == "<":
        return float(row.p_value) <= ALPHA
    return float(row.p_value) < ALPHA


def primary_results(
    outcomes: pd.DataFrame, trials: pd.DataFrame, arms: pd.DataFrame, disease: str
) -> pd.DataFrame:
    """The primary results of the randomised MSC-family trials of `disease`, one row per reported
    number, in data order.

    A trial counts when `randomised` is true and its product is an MSC, MSC-like or MSC-derived
    product; a result counts when its `outcome_detail` names it the primary endpoint
    (`PRIMARY_PATTERN`). `kind` is 'arm' (one arm's value, with its 95% CI when reported) or
    'effect' (a between-arm ratio with its 95% CI). `verdict` is per trial: 'met' when a reported
    P is below 0.05 or a ratio's CI excludes 1, 'not met' when a P or CI was reported and is not,
    'not met (authors)' when the data hold neither but the trial's `primary_result` gives the
    authors' verdict (it starts with one of `AUTHORS_NOT_MET`), and 'no test reported' otherwise.
    Uses `trial_outcomes` (outcome_id,
    trial_id, arm_id, comparator_arm_id, outcome_detail, timepoint_value, timepoint_unit, events,
    total, value, value_unit, ci_low, ci_high, effect_measure, effect_value, effect_ci_low,
    effect_ci_high, p_value, p_relation), `trials` (trial_id, short_name, disease_area,
    randomised, product_type, n_total, primary_result, verified_against) and `trial_arms`
    (trial_id, arm_id, arm_label, arm_role). `source_read` is 'abstract' when `verified_against`
    starts with it, else 'data'; `periods_pooled` is true when a trial's arm denominators add
    up to more than its patients (a crossover counting treatment periods).
    """
    check_disease(disease)
    info = trials.set_index("trial_id")
    randomised = info["randomised"].map(lambda v: False if pd.isna(v) else bool(v))
    chosen_ids = info.index[
        (info["disease_area"] == disease) & randomised & info["product_type"].isin(MSC_FAMILY)
    ]
    primary = outcomes["outcome_detail"].str.contains(PRIMARY_PATTERN, case=False, regex=True)
    chosen = outcomes[outcomes["trial_id"].isin(chosen_ids) & primary.fillna(False)]
    arm_info = arms.set_index(["trial_id", "arm_id"])
    rows = []
    for row in chosen.itertuples():
        trial = info.loc[row.trial_id]
        effect = isinstance(row.effect_measure, str) and not pd.isna(row.effect_value)
        arm = arm_info.loc[(row.trial_id, row.arm_id)]
        name = str(arm["arm_label"]).split(",")[0]
        if effect:
            other = str(arm_info.loc[(row.trial_id, row.comparator_arm_id), "arm_label"])
            label_text = f"{name} vs {other.split(',')[0]}\n({EFFECT_LABELS[row.effect_measure]})"
        else:
            label_text = name
        what = row.outcome_detail.split(" (")[0]
        if _when(row) not in what:
            what = f"{what}, {_when(row)}"
        rows.append(
            {
                "trial_id": row.trial_id,
                "study": short_study(trial["short_name"]),
                "n_total": None if pd.isna(trial["n_total"]) else int(trial["n_total"]),
                "outcome_id": row.outcome_id,
                "kind": "effect" if effect else "arm",
                "role": "effect" if effect else arm["arm_role"],
                "label": label_text,
                "what": what,
                "value": float(row.effect_value if effect else row.value),
                "ci_low": float(row.effect_ci_low if effect else row.ci_low),
                "ci_high": float(row.effect_ci_high if effect else row.ci_high),
                "unit": "ratio" if effect else row.value_unit,
                "events": None if pd.isna(row.events) else int(row.events),
                "total": None if pd.isna(row.total) else int(row.total),
                "p_text": "" if pd.isna(row.p_value) else _p_text(row),
                "significant": None if pd.isna(row.p_value) else _significant(row),
                "ci_excludes_1": (
                    (row.effect_ci_high < 1 or row.effect_ci_low > 1)
                    if effect and not pd.isna(row.effect_ci_low)
                    else None
                ),
            }
        )
    frame = pd.DataFrame(rows, columns=PRIMARY_COLUMNS[:-3])
    verdicts = {}
    for trial_id, group in frame.groupby("trial_id", sort=False):
        tests = [*group["significant"].dropna(), *group["ci_excludes_1"].dropna()]
        if tests:
            verdicts[trial_id] = "met" if any(tests) else "not met"
        else:
            stated = str(info.loc[trial_id, "primary_result"])
            authors = stated.startswith(AUTHORS_NOT_MET)
            verdicts[trial_id] = "not met (authors)" if authors else "no test reported"
    frame["verdict"] = frame["trial_id"].map(verdicts).astype(object)
    # What was read for the trial: 'abstract' when only the abstract (and registry) was read.
    read = info["verified_against"].fillna("").astype(str)
    frame["source_read"] = frame["trial_id"].map(
        lambda trial_id: "abstract" if read[trial_id].startswith("abstract") else "data"
    )
    # A crossover trial's arm denominators can add up to more than its patients: they then
    # count treatment periods (one patient in two arms), not patients.
    arm_rows = frame[frame["kind"] == "arm"]
    pooled = arm_rows.groupby("trial_id")["total"].sum(min_count=1)
    frame["periods_pooled"] = [
        bool(pd.notna(pooled.get(trial_id)) and pd.notna(n) and pooled[trial_id] > n)
        for trial_id, n in zip(frame["trial_id"], frame["n_total"], strict=True)
    ]
    return frame


HEADINGS = {
    "met": "primary endpoint met",
    "not met": "primary endpoint not met",
    "not met (authors)": "primary endpoint not met",
    "no test reported": "no test of the primary endpoint in the data",
}


def same_decimals(*numbers: float) -> list[str]:
    """The numbers written with as many decimals as the most precise of them needs, so that the
    bounds of one interval match: (0.58, 1.5) -> ['0.58', '1.50']."""
    places = max(len(f"{number:g}".partition(".")[2]) for number in numbers)
    return [f"{number:.{places}f}" for number in numbers]


def panel_heading(group: pd.DataFrame) -> str:
    """'Petrou 2020, n=48: primary endpoint met (P=0.0003; P=0.0008)' for one trial's rows; an
    authors' verdict is marked as such ('... not met (authors: no difference; no P value in the
    abstract)')."""
    first = group.iloc[0]
    size = "" if pd.isna(first["n_total"]) else f", n={int(first['n_total'])}"
    tests = "; ".join(text for text in group["p_text"] if text)
    if first["verdict"] == "not met (authors)":
        tests = f"authors: no difference; no P value in the {first['source_read']}"
    return f"{first['study']}{size}: {HEADINGS[first['verdict']]}" + (
        f" ({tests})" if tests else ""
    )


def plot_primary_results(
    outcomes: pd.DataFrame, trials: pd.DataFrame, arms: pd.DataFrame, disease: str
) -> Figure:
    """The randomised trials' primary results side by side: one panel per trial, each on its own
    scale (percentages 0-100, counts from 0, ratios on a log scale with a dashed line at 1).

    Dots: blue = cell arm, grey = control arm, black diamond = between-arm ratio; bars: 95% CI
    where the source reported one. Above each panel: study, n, verdict (see `primary_results`)
    and the reported P values. Uses the columns listed in `primary_results`.
    """
    results = primary_results(outcomes, trials, arms, disease)
    if results.empty:
        raise ValueError(f"no randomised MSC-family trial of {disease!r} has a primary result")
    groups = list(results.groupby("trial_id", sort=False))
    heights = [len(group) for _, group in groups]
    figure, axes = new_figure(
        outcomes, trials, arms, width=MAX_WIDTH_IN, height=1.0 * len(groups) + 0.5 * sum(heights),
        nrows=len(groups), ncols=1,
    )  # fmt: skip
    axes = [axes] if len(groups) == 1 else list(axes)
    colours = {"experimental": PALETTE["blue"], "control": PALETTE["black"], "effect": "black"}
    for axis, (_, group) in zip(axes, groups, strict=True):
        positions = list(range(len(group)))[::-1]
        notes = []
        for position, row in zip(positions, group.itertuples(), strict=True):
            has_ci = not (pd.isna(row.ci_low) or pd.isna(row.ci_high))
            colour = colours.get(row.role, PALETTE["black"])
            axis.errorbar(
                row.value,
                position,
                xerr=[[row.value - row.ci_low], [row.ci_high - row.value]] if has_ci else None,
                fmt="D" if row.kind == "effect" else "o",
                color=colour if row.role != "control" else PALETTE["grey"],
                markeredgecolor=colour,
                markersize=7,
                capsize=4,
            )
            text = f"{row.value:g}"
            if row.unit == "%":
                text += "%"
            if pd.notna(row.events) and pd.notna(row.total):
                text += f" ({row.events:g}/{row.total:g})"
            if has_ci:
                low, high = same_decimals(row.ci_low, row.ci_high)
                text += f" (95% CI {low} to {high})"
            notes.append((text, row.ci_low if has_ci else row.value,
                          row.ci_high if has_ci else row.value, position))  # fmt: skip
        axis.set_yticks(positions, list(group["label"]), fontsize=SMALL_TEXT_PT)
        axis.set_ylim(-0.7, len(group) - 0.1)
        first = group.iloc[0]
        if first["unit"] == "ratio":
            axis.axvline(1, color=PALETTE["black"], linewidth=0.8, linestyle="--")
            axis.set_xscale("log")
            axis.set_xlim(0.25, 4)
            axis.set_xticks([0.25, 0.5, 1, 2, 4], ["0.25", "0.5", "1", "2", "4"])
            axis.minorticks_off()
            unit = "ratio vs control, log scale (below 1: fewer with cells)"
        elif first["unit"] == "%":
            axis.set_xlim(0, 100)
            unit = (
                "% of the arm's treatment periods; the crossover pools both periods, so a "
                "patient counts in two arms"
                if first["periods_pooled"]
                else "% of patients in the arm"
            )
        else:
            top = max(group["ci_high"].max(), group["value"].max())
            axis.set_xlim(0, 1.1 * top)
            unit = first["unit"]
        to_fraction = axis.transScale + axis.transLimits
        for text, low, high, position in notes:
            # Above the mark, starting at its left end (or ending at its right end in the right
            # half of the axis): inside the axis, off the tick labels.
            left_half = to_fraction.transform((low, 0))[0] < 0.5
            axis.annotate(
                text, (low if left_half else high, position), xytext=(0, 8),
                textcoords="offset points", ha="left" if left_half else "right",
                fontsize=SMALL_TEXT_PT, zorder=4,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},  # over a ref. line
            )  # fmt: skip
        axis.set_xlabel(textwrap.fill(f"{first['what']} ({unit})", 64), fontsize=SMALL_TEXT_PT)
        axis.text(
            0, 1.06, textwrap.fill(panel_heading(group), 52), transform=axis.transAxes,
            fontsize=SMALL_TEXT_PT, fontweight="bold", va="bottom",
        )  # fmt: skip
    return figure


# ------------------------------------------------------------------------------ benchmark


def benchmark_data(
    epidemiology: pd.DataFrame,
    figure_ids: tuple[str, ...] = ("nooption_r56_afs_6mo", "nooption_r56_afs_12mo"),
) -> pd.DataFrame:
    """The natural-history benchmark: AFS % with 95% CI at each time point (months).

    Uses `epidemiology` columns figure_id, value, ci_low, ci_high, time_frame.
    """
    rows = epidemiology.set_index("figure_id").loc[list(figure_ids)]
    months = rows["time_frame"].str.extract(r"(\d+) months", expand=False).astype(float)
    return pd.DataFrame(
        {
            "months": months.to_numpy(),
            "afs": rows["value"].to_numpy(dtype=float),
            "ci_low": rows["ci_low"].to_numpy(dtype=float),
            "ci_high": rows["ci_high"].to_numpy(dtype=float),
        }
    )


def single_arm_results(
    outcomes: pd.DataFrame, trials: pd.DataFrame, disease: str = "cli_clti"
) -> pd.DataFrame:
    """Single-arm studies' reported AFS, or share free of major amputation, by time point.

    AFS rows are taken as reported; a major-amputation percentage p becomes 100 - p and is marked
    `deaths_counted` False (survival was not reported, so it is not AFS). `free` of `n` patients
    were free of the event; `ci_low`/`ci_high` are its exact (Clopper-Pearson) 95% interval in %,
    NaN when the counts were not reported. Uses `trial_outcomes` (trial_id, outcome, events,
    total, value, value_unit, timepoint_value, timepoint_unit) and `trials` (trial_id,
    short_name, disease_area, allocation, product_type).
    """
    check_disease(disease)
    info = trials.set_index("trial_id")
    single = info.index[
        (info["disease_area"] == disease)
        & info["allocation"].isin(["single_group", "dose_escalation"])
    ]
    chosen = outcomes[
        outcomes["trial_id"].isin(single)
        & outcomes["outcome"].isin(["amputation_free_survival", "major_amputation"])
        & (outcomes["value_unit"] == "%")
        & (outcomes["timepoint_unit"] == "months")
    ]
    rows = []
    for row in chosen.itertuples():
        afs = row.outcome == "amputation_free_survival"
        counted = not (pd.isna(row.events) or pd.isna(row.total))
        # events count patients alive without amputation for AFS, amputations otherwise
        free = (int(row.events) if afs else int(row.total - row.events)) if counted else None
        low, high = exact_binomial_ci(free, row.total) if counted else (float("nan"),) * 2
        rows.append(
            {
                "trial_id": row.trial_id,
                "study": info.loc[row.trial_id, "short_name"],
                "months": float(row.timepoint_value),
                "percent_free": float(row.value) if afs else 100.0 - float(row.value),
                "deaths_counted": afs,
                "comparator": is_comparator(info.loc[row.trial_id, "product_type"]),
                "free": free,
                "n": None if pd.isna(row.total) else int(row.total),
                "ci_low": 100 * low,
                "ci_high": 100 * high,
            }
        )
    return pd.DataFrame(rows)


def plot_benchmark(
    outcomes: pd.DataFrame, trials: pd.DataFrame, epidemiology: pd.DataFrame
) -> Figure:
    """Single-arm limb-ischaemia results against the no-option natural-history band.

    Grey bars: the benchmark AFS with its 95% CI at 6 and 12 months. Points: each single-arm
    study's result at its time point; filled = AFS (deaths counted), open = free of major
    amputation only (deaths not reported); circle = MSC product, square = comparator.
    """
    band = benchmark_data(epidemiology)
    results = single_arm_results(outcomes, trials)
    figure, axes = new_figure(outcomes, trials, epidemiology, width=MAX_WIDTH_IN, height=4.2)
    for point in band.itertuples():
        axes.bar(
            point.months,
            point.ci_high - point.ci_low,
            bottom=point.ci_low,
            width=2.2,
            color=PALETTE["grey"],
            alpha=0.7,
            zorder=1,
        )
        axes.hlines(
            point.afs,
            point.months - 1.1,
            point.months + 1.1,
            color=PALETTE["black"],
            linewidth=1.5,
            zorder=2,
        )
        axes.text(
            point.months,
            point.ci_low - 3,
            f"{point.afs:.1f}%\nat {point.months:g} mo",
            ha="center",
            va="top",
            fontsize=SMALL_TEXT_PT,
        )
    # A point without its interval reads as a precise number; with 5 patients it is not.
    counted = results.dropna(subset=["ci_low", "ci_high"]) if len(results) else results
    axes.vlines(
        counted["months"] if len(counted) else [],
        counted["ci_low"] if len(counted) else [],
        counted["ci_high"] if len(counted) else [],
        color=PALETTE["blue"],
        linewidth=1.4,
        zorder=2.5,
        gid="single-arm-exact-ci",
    )
    for result in results.itertuples():
        axes.scatter(
            result.months,
            result.percent_free,
            s=60,
            zorder=3,
            marker="s" if result.comparator else "o",
            facecolors=PALETTE["blue"] if result.deaths_counted else "white",
            edgecolors=PALETTE["blue"],
            linewidths=1.8,
        )
    for _, first in results.groupby("trial_id", sort=False).head(1).iterrows():
        size = "" if first["n"] is None or pd.isna(first["n"]) else f" (n={int(first['n'])})"
        axes.text(
            first["months"] + 1.5,
            first["percent_free"] - 7,
            f"{short_study(first['study'])}{size}",
            fontsize=SMALL_TEXT_PT,
        )
    axes.set_xlim(0, max([54.0, *(results["months"] + 6 if len(results) else [])]))
    axes.set_ylim(0, 105)
    axes.set_xlabel("Months after treatment")
    axes.set_ylabel("Alive without major amputation (%)")
    handles = [
        Patch(
            color=PALETTE["grey"],
            alpha=0.7,
            label="no-option Rutherford 5-6 benchmark AFS (line) with 95% CI (bar)",
        ),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color=PALETTE["blue"],
            label="single-arm MSC study: AFS (deaths counted)",
        ),
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor=PALETTE["blue"],
            label="single-arm MSC study: free of major amputation (deaths not reported)",
        ),
        Line2D(
            [],
            [],
            marker="|",
            markersize=12,
            linestyle="",
            color=PALETTE["blue"],
            label="vertical line: the study's exact 95% CI (Clopper-Pearson)",
        ),
        Line2D(
            [],
            [],
            marker="s",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor=PALETTE["blue"],
            label="comparator product (not MSCs)",
        ),
    ]
    figure.legend(handles=handles, loc="outside lower center", fontsize=SMALL_TEXT_PT, ncols=1)
    return figure


__all__ = [
    "DESIGN_LEVELS",
    "MSC_FAMILY",
    "benchmark_data",
    "design_level",
    "design_unknown",
    "evidence_map_data",
    "outcome_rows",
    "plot_benchmark",
    "plot_evidence_map",
    "plot_outcomes",
    "plot_primary_results",
    "primary_results",
    "single_arm_results",
]

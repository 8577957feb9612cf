"""Risk of bias (RoB 2) and certainty of evidence (GRADE): the pure rules behind the chapter
"Certainty of evidence", its figure, its summary-of-findings widget and its checkers.

The judgements themselves are data (`data/risk_of_bias.csv`, `data/certainty_ratings.csv`);
this module only applies the published rules to them:

- RoB 2 (Sterne 2019): five domains, each judged low risk, some concerns or high risk; the
  overall judgement is low only if every domain is low, high if any domain is high, otherwise
  some concerns. The tool also lets an assessor call several "some concerns" high; that is a
  judgement the data would have to record, never something this code decides. A signalling
  question the paper leaves unanswered is answered "No information" and the tool's algorithm
  still reaches a judgement; rows resting on such answers carry basis `no_information`
  (provisional, until the full text is read).
- GRADE (Guyatt 2008): a body of randomised evidence starts at high certainty, observational
  evidence at low; each domain can lower it by one or two levels, imprecision by up to three
  (GRADE guidance 34, 2022), to no lower than very low.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from mscbook import stats, tables

#: RoB 2's five domains, in the tool's order, with their names in words.
ROB_DOMAINS = {
    "randomisation": "Randomisation process",
    "deviations": "Deviations from intended interventions",
    "missing_data": "Missing outcome data",
    "measurement": "Measurement of the outcome",
    "selective_reporting": "Selection of the reported result",
}
#: RoB 2's three judgements (the tool has no "not judged": missing information is answered
#: "No information" and still leads to a judgement).
JUDGEMENTS = {"low": "Low risk", "some_concerns": "Some concerns", "high": "High risk"}
#: What a domain judgement rests on: what the source reports, or "No information" answers.
BASIS = {
    "reported": "what the source reports",
    "no_information": "No information answers (provisional)",
}
#: GRADE's five reasons to lower certainty, in the usual order.
GRADE_DOMAINS = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
}
#: GRADE's four levels of certainty, lowest first (a level's index is its rank).
LEVELS = ("very_low", "low", "moderate", "high")
LEVEL_WORDS = {"very_low": "Very low", "low": "Low", "moderate": "Moderate", "high": "High"}
#: The GRADE working group's symbols: one filled circle per level.
LEVEL_SYMBOLS = {"very_low": "⊕◯◯◯", "low": "⊕⊕◯◯", "moderate": "⊕⊕⊕◯", "high": "⊕⊕⊕⊕"}
SERIOUSNESS = {1: "serious", 2: "very serious", 3: "extremely serious"}
#: The most levels each GRADE domain may remove: two, three for imprecision (GRADE guidance 34).
MAX_DOWNGRADE = dict.fromkeys(GRADE_DOMAINS, 2) | {"imprecision": 3}


class CertaintyError(ValueError):
    """A judgement or rating the rules cannot use; the message names what and where."""


def rob_overall(judgements: Mapping[str, str], where: str = "result") -> str:
    """The RoB 2 overall judgement from the five domain judgements of one result.

    High if any domain is high; low if all five are low; otherwise some concerns. Raises
    CertaintyError naming `where` for a missing domain or an unknown judgement.
    """
    missing = [domain for domain in ROB_DOMAINS if domain not in judgements]
    unknown = sorted(set(judgements) - set(ROB_DOMAINS))
    if missing or unknown:
        raise CertaintyError(
            f"{where}: RoB 2 needs exactly its five domains; missing {missing or 'none'}, "
            f"unknown {unknown or 'none'} (domains: {', '.join(ROB_DOMAINS)})."
        )
    values = [judgements[domain] for domain in ROB_DOMAINS]
    bad = [value for value in values if value not in JUDGEMENTS]
    if bad:
        raise CertaintyError(
            f"{where}: {bad[0]!r} is not a RoB 2 judgement (use one of {', '.join(JUDGEMENTS)})."
        )
    if "high" in values:
        return "high"
    return "low" if all(value == "low" for value in values) else "some_concerns"


def rob_table(rob: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """One row per judged result: trial name, each domain's judgement (codes), the overall
    judgement and `provisional` (True when any domain rests on No information answers). Uses
    risk_of_bias columns trial_id, domain, judgement, basis; trials trial_id, short_name. Rows
    keep the order of the trials' first appearance in `rob`."""
    names = trials.set_index("trial_id")["short_name"]
    unknown = sorted(set(rob["trial_id"]) - set(names.index))
    if unknown:
        raise CertaintyError(f"risk_of_bias: trial_id(s) {unknown} are not in trials.csv.")
    rows = []
    for trial_id, group in rob.groupby("trial_id", sort=False):
        judgements = dict(zip(group["domain"], group["judgement"], strict=True))
        row = {"trial_id": trial_id, "trial": names[trial_id], **judgements}
        row["overall"] = rob_overall(judgements, where=f"risk_of_bias, trial {trial_id}")
        row["provisional"] = bool((group["basis"] == "no_information").any())
        rows.append(row)
    return pd.DataFrame(rows, columns=["trial_id", "trial", *ROB_DOMAINS, "overall", "provisional"])


def starting_level(randomised: object) -> str:
    """GRADE's starting certainty: high for randomised trials, low for anything else (a study
    whose randomisation is not known counts as non-randomised, the weaker reading)."""
    if randomised is None or (not isinstance(randomised, str) and pd.isna(randomised)):
        return "low"
    return "high" if bool(randomised) else "low"


def grade_certainty(start: str, downgrades: Mapping[str, int], where: str = "outcome") -> str:
    """The certainty left after lowering `start` by each domain's downgrade (0 to
    `MAX_DOWNGRADE[domain]` levels: 2, or 3 for imprecision), never below very low. Raises
    CertaintyError naming `where` for an unknown level or domain, or a downgrade out of range."""
    if start not in LEVELS:
        raise CertaintyError(f"{where}: {start!r} is not a GRADE level ({', '.join(LEVELS)}).")
    unknown = sorted(set(downgrades) - set(GRADE_DOMAINS))
    if unknown:
        raise CertaintyError(
            f"{where}: {unknown} are not GRADE domains (use {', '.join(GRADE_DOMAINS)})."
        )
    total = 0
    for domain, levels in downgrades.items():
        allowed = range(MAX_DOWNGRADE[domain] + 1)
        if isinstance(levels, bool) or levels not in allowed:
            raise CertaintyError(
                f"{where}, {domain}: a downgrade is 0 to {allowed[-1]} levels, not {levels!r}."
            )
        total += int(levels)
    return LEVELS[max(LEVELS.index(start) - total, 0)]


def _number(value: float) -> str:
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def _design(trial) -> str:
    """'phase III, randomised, double-blind, placebo control; 213 patients' (a trial's design in
    words); a trial registered without a phase reads 'device trial (registry phase: not
    applicable)'."""
    randomised = "randomised" if starting_level(trial.randomised) == "high" else "not randomised"
    n = "n not found" if pd.isna(trial.n_total) else f"{int(trial.n_total)} patients"
    phase = (
        "device trial (registry phase: not applicable)"
        if trial.phase == "not_applicable"
        else f"phase {tables.label('phase', trial.phase)}"
    )
    return (
        f"{phase}, {randomised}, {tables.label('blinding', trial.blinding)}, "
        f"{tables.label('control_type', trial.control_type)} control; {n}"
    )


def effect_text(outcome_id: str, outcomes: pd.DataFrame, arms: pd.DataFrame) -> str:
    """A result as a summary-of-findings cell: the reported ratio with its 95% CI, or, for
    per-arm mean changes, the mean difference (cells minus control) with a CI computed from
    the reported means, SDs and randomised arm sizes (`stats.pool_mean_differences`, one trial;
    it assumes every randomised patient was analysed). A P value printed next to a computed
    interval is labelled as the trial's own, since it came from the trial's model."""
    by_id = outcomes.set_index("outcome_id")
    if outcome_id not in by_id.index:
        raise CertaintyError(f"certainty_ratings: outcome_id {outcome_id!r} not in trial_outcomes.")
    row = by_id.loc[outcome_id]
    if isinstance(row.effect_measure, str) and row.effect_measure:
        name = row.effect_measure.replace("_", " ")
        p = "" if pd.isna(row.p_value) else f", P = {row.p_value:g}"
        return (
            f"{name} {_number(row.effect_value)} (95% CI {_number(row.effect_ci_low)} to "
            f"{_number(row.effect_ci_high)}){p}"
        )
    if row.value_statistic == "mean_change" and isinstance(row.comparator_arm_id, str):
        same = outcomes[
            (outcomes["trial_id"] == row.trial_id)
            & (outcomes["arm_id"] == row.comparator_arm_id)
            & (outcomes["outcome"] == row.outcome)
            & (outcomes["timepoint_value"] == row.timepoint_value)
        ]
        if len(same) != 1:
            raise CertaintyError(
                f"trial_outcomes: {outcome_id} needs one comparator row for arm "
                f"{row.comparator_arm_id!r}; found {len(same)}."
            )
        control = same.iloc[0]
        n = arms.set_index(["trial_id", "arm_id"])["n"]
        pooled = stats.pool_mean_differences(
            [row.value], [row.sd], [n[(row.trial_id, row.arm_id)]],
            [control.value], [control.sd], [n[(row.trial_id, control.arm_id)]],
            method="fixed",
        )  # fmt: skip
        p = "" if pd.isna(row.p_value) else f"; P = {row.p_value:g} as reported (trial's model)"
        n_cells, n_control = n[(row.trial_id, row.arm_id)], n[(row.trial_id, control.arm_id)]
        favours = (
            "; negative values favour the cells"
            if "negative = improvement" in str(row.outcome_detail)
            else ""
        )
        return (
            f"mean difference {pooled.estimate:+.1f} {row.value_unit}, cells minus control (95% "
            f"CI {pooled.ci_low:+.1f} to {pooled.ci_high:+.1f}, computed assuming complete data "
            f"for the {int(n_cells)} and {int(n_control)} randomised{favours}){p}"
        )
    raise CertaintyError(
        f"trial_outcomes: {outcome_id} has neither an effect measure nor per-arm mean changes."
    )


def absolute_text(outcome_id: str, outcomes: pd.DataFrame) -> str:
    """The result in absolute terms, arm by arm: the per-arm proportions or mean changes the
    trial reports for the same outcome and time ('28.6% with cells vs 33% with control'), or a
    sentence saying the book has none."""
    row = outcomes.set_index("outcome_id").loc[outcome_id]
    same = outcomes[
        (outcomes["trial_id"] == row.trial_id)
        & (outcomes["outcome"] == row.outcome)
        & outcomes["value"].notna()
        & outcomes["value_statistic"].isin(["proportion", "mean_change"])
    ]
    if not pd.isna(row.timepoint_value):
        same = same[same["timepoint_value"] == row.timepoint_value]
    cells = same[same["arm_id"] == row.arm_id]
    control = same[same["arm_id"] == row.comparator_arm_id]
    if len(cells) != 1 or len(control) != 1:
        return "No per-arm values in this book's data."
    a, b = cells.iloc[0], control.iloc[0]
    unit = "%" if a.value_unit == "%" else f" {a.value_unit}"
    kind = "" if a.value_statistic == "proportion" else "mean change "
    return f"{kind}{a.value:g}{unit} with cells vs {b.value:g}{unit} with control"


#: Shown for a domain that cannot be judged for the rating (empty downgrade).
NOT_APPLICABLE = "not applicable"


def _downgrade_text(group: pd.DataFrame) -> str:
    parts = []
    for row in group.itertuples():
        if pd.isna(row.downgrade):
            parts.append(f"{GRADE_DOMAINS[row.domain]}: {NOT_APPLICABLE}. {row.reason}")
        elif row.downgrade:
            levels = int(row.downgrade)
            parts.append(
                f"{GRADE_DOMAINS[row.domain]} (−{levels}, {SERIOUSNESS[levels]}): {row.reason}"
            )
    return " ".join(parts) if parts else "No downgrade."


def _levels(group: pd.DataFrame) -> dict[str, int]:
    """Downgrade per domain; an empty (not applicable) domain removes nothing. Only
    inconsistency may be empty: every other domain can always be judged."""
    levels = {}
    for row in group.itertuples():
        if pd.isna(row.downgrade):
            if row.domain != "inconsistency":
                raise CertaintyError(
                    f"certainty_ratings, {row.rating_id}: only inconsistency may be left empty "
                    "(not applicable to a single trial); give 0 or more levels."
                )
            levels[row.domain] = 0
        else:
            levels[row.domain] = int(row.downgrade)
    return levels


def _sources(group: pd.DataFrame) -> str:
    keys: list[str] = []
    for text in group["source"]:
        keys += [key.strip() for key in text.split(";") if key.strip() not in keys]
    return "; ".join(dict.fromkeys(keys))


def summary_of_findings(
    ratings: pd.DataFrame, outcomes: pd.DataFrame, trials: pd.DataFrame, arms: pd.DataFrame
) -> pd.DataFrame:
    """One row per rated outcome (`sof_id`): disease, question, evidence (trials with their
    design, or a review's studies), effect, certainty (code, words, symbols), the downgrades
    with their reasons, who rated it and the sources. This book's certainty is derived:
    `starting_level` of the trial's design lowered by the rows' downgrades; a review's is its own.
    """
    trial = trials.set_index("trial_id")
    rows = []
    for sof_id, group in ratings.groupby("sof_id", sort=False):
        first = group.iloc[0]
        where = f"certainty_ratings, {sof_id}"
        if first.rated_by == "published_review":
            overall = group[group["domain"] == "overall"]
            if len(overall) != 1 or not isinstance(overall.iloc[0].certainty, str):
                raise CertaintyError(f"{where}: a review's rating needs one overall row.")
            row = overall.iloc[0]
            level = row.certainty
            evidence = (
                f"{int(row.n_studies)} randomised trials, {int(row.n_participants)} "
                "participants (the review's count)"
            )
            effect = (
                f"{row.effect_measure.replace('_', ' ')} {_number(row.effect_value)} (95% CI "
                f"{_number(row.effect_ci_low)} to {_number(row.effect_ci_high)})"
            )
            absolute = "The review's absolute effects (per 1000) were not read."
            downgrades = row.reason
        else:
            domains = list(group["domain"])
            if sorted(domains) != sorted(GRADE_DOMAINS):
                raise CertaintyError(
                    f"{where}: needs one row for each GRADE domain ({', '.join(GRADE_DOMAINS)}); "
                    f"has {', '.join(domains)}."
                )
            trial_id = outcomes.set_index("outcome_id").loc[first.outcome_id, "trial_id"]
            study = trial.loc[trial_id]
            start = starting_level(study.randomised)
            levels = _levels(group)
            level = grade_certainty(start, levels, where=where)
            kind = tables.label("product_type", study.product_type)
            if tables.is_comparator(study.product_type) and "omparator" not in kind:
                kind += " (a comparator, not an MSC product)"
            evidence = f"{study.short_name}: {_design(study)}; product: {kind}"
            effect = effect_text(first.outcome_id, outcomes, arms)
            absolute = absolute_text(first.outcome_id, outcomes)
            downgrades = f"Starts {LEVEL_WORDS[start].lower()} ({_start_reason(start)}). " + (
                _downgrade_text(group)
            )
        rows.append(
            {
                "sof_id": sof_id,
                "disease_area": first.disease_area,
                "question": first.question,
                "evidence": evidence,
                "effect": effect,
                "absolute": absolute,
                "certainty": level,
                "certainty_words": f"{LEVEL_SYMBOLS[level]} {LEVEL_WORDS[level]}",
                "downgrades": downgrades,
                "rated_by": first.rated_by,
                "source": _sources(group),
            }
        )
    return pd.DataFrame(rows)


def _start_reason(start: str) -> str:
    return "randomised trial" if start == "high" else "not randomised"


SOF_COLUMNS = {
    "question": "Question",
    "evidence": "Evidence (design, n)",
    "effect": "Effect",
    "absolute": "Absolute (per arm)",
    "certainty_words": "Certainty",
    "downgrades": "Why",
    "rated_by": "Rated by",
    "source": "Source",
}
RATED_BY = {"this_book": "this book", "published_review": "the review (its own GRADE rating)"}


def sof_for_readers(sof: pd.DataFrame) -> pd.DataFrame:
    """The summary of findings with plain-word headings, for `tables.show`."""
    shown = sof.assign(rated_by=sof["rated_by"].map(RATED_BY))
    return shown[list(SOF_COLUMNS)].rename(columns=SOF_COLUMNS)


def rob_for_readers(rob: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """Every judgement with its reason, in words, for `tables.show`."""
    names = trials.set_index("trial_id")["short_name"]
    return pd.DataFrame(
        {
            "Trial": rob["trial_id"].map(names),
            "Domain": rob["domain"].map(ROB_DOMAINS),
            "Judgement": rob["judgement"].map(JUDGEMENTS)
            + rob["basis"].map(
                {"reported": "", "no_information": " (provisional: No information)"}
            ),
            "Reason": rob["reason"],
            "Source": rob["source"],
        }
    )


def is_level(value: object) -> bool:
    """True for a GRADE level code ('high', 'moderate', 'low', 'very_low')."""
    return isinstance(value, str) and value in LEVELS

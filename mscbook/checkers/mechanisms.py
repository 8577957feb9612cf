"""Checkers of the Mechanisms part's coding exercises (see `mscbook.checkers`).

Each checker recomputes the answer from the data (or the teaching model) in the student's own
namespace, so a corrected data file changes the expected answer too; its feedback names what is
wrong without giving the answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

import pandas as pd

from mscbook.checkers import (
    WAITING,
    Feedback,
    as_bool,
    checker,
    combine,
    flag_verdict,
    quoted,
    trial_names,
)
from mscbook.widgets import ido

MSC_PRODUCTS = ("msc", "msc_like", "msc_derived")


def _lost(name: str) -> Feedback:
    return Feedback(
        False,
        f"`{name}` is missing or was changed: run the cells above from the top (Kernel, Restart "
        f"and run all) and keep the name `{name}` for the table.",
    )


def _as_number(value: object, name: str) -> tuple[float | None, str | None]:
    """(number, None) or (None, what is wrong with `value`)."""
    if value is ...:
        return None, WAITING
    if isinstance(value, pd.Series | pd.DataFrame):
        if value.size == 1:
            return None, f"`{name}` is a pandas object holding one value; take the number itself."
        return None, f"`{name}` holds {value.size} values; it should be one number."
    if isinstance(value, bool) or not isinstance(value, Real):
        return None, f"`{name}` should be a number, not {type(value).__name__} {quoted(value)}."
    number = float(value)
    if math.isnan(number):
        return None, f"`{name}` is NaN (not a number): check the filter you used."
    return number, None


# --- Angiogenesis -------------------------------------------------------------------------


#: Rungs of the evidence ladder, lowest first.
RUNGS = {"in_vitro": 1, "animal": 2, "human": 3}
#: What a row's `factor` says when the cells were a mix and no MSC effect was separated.
NOT_SEPARATED = "mechanism not separated"
#: What a human row's `value_meaning` says when the study had no control group.
NO_CONTROL = "no control group"
#: The menu for `weakest_link`.
WEAKEST_LINKS = (
    "no controlled human study",
    "negative human finding",
    "mechanism not separated in animals",
    "antibodies only partly block",
)
WEAKEST_LINK = "negative human finding"


def angiogenesis_claim_facts(secretome: pd.DataFrame) -> dict[str, object]:
    """What the table says about the claim 'MSCs grow vessels in patients': the rung and the
    MSC-specificity of each angiogenesis row (by factor_id), its human rows and the human rows
    with a control group."""
    angio = secretome[secretome["mechanism"] == "angiogenesis"].set_index("factor_id")
    human = angio[angio["evidence_kind"] == "human"]
    meaning = human["value_meaning"].fillna("").str.lower()
    return {
        "rung": angio["evidence_kind"].map(RUNGS).astype(int).to_dict(),
        "msc_specific": (~angio["factor"].str.lower().str.contains(NOT_SEPARATED)).to_dict(),
        "human_rows": set(human.index),
        "controlled_human_rows": set(human.index[~meaning.str.contains(NO_CONTROL)]),
    }


def _as_mapping(value: object, name: str, example: str) -> tuple[dict | None, str | None]:
    if value is ...:
        return None, WAITING
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        return None, (
            f"`{name}` should map each angiogenesis `factor_id` to {example}, "
            f"not {type(value).__name__}."
        )
    return {str(key): answer for key, answer in value.items()}, None


def _judge_rung(value: object, expected: dict[str, int], secretome: pd.DataFrame) -> str | None:
    got, problem = _as_mapping(value, "rung", "1, 2 or 3")
    if problem:
        return problem
    extra = sorted(set(got) - set(expected))
    if set(extra) & set(secretome["factor_id"]):
        return "`rung` includes rows of other mechanisms; keep the angiogenesis rows."
    if extra:
        return f"Not angiogenesis factor ids: {quoted(extra, 60)}; use the `factor_id` column."
    if set(expected) - set(got):
        return "`rung` misses some angiogenesis rows."
    if any(isinstance(v, bool) or not isinstance(v, Real) for v in got.values()):
        return "every value of `rung` should be a number: 1 (in vitro), 2 (animal), 3 (human)."
    if {k: int(v) for k, v in got.items()} == expected:
        return None
    if {k: 4 - int(v) for k, v in got.items()} == expected:
        return "`rung` is upside down: cells in culture are the lowest rung (1), patients the top."
    return "some rungs do not match `evidence_kind`: in_vitro is 1, animal 2, human 3."


def _judge_msc_specific(value: object, expected: dict[str, bool]) -> str | None:
    got, problem = _as_mapping(value, "msc_specific", "True or False")
    if problem:
        return problem
    if set(got) != set(expected):
        return "`msc_specific` should have one answer for each angiogenesis row, no more."
    verdicts = {key: as_bool(answer) for key, answer in got.items()}
    if any(verdict is None for verdict in verdicts.values()):
        return "each value of `msc_specific` should be True or False."
    if verdicts == expected:
        return None
    if all(verdicts.values()):
        return (
            "read the `factor` column of every row: was each result obtained with MSCs alone, "
            "or with a mix of marrow cells?"
        )
    return (
        "a row you marked False used MSCs: only a row whose cells were a mix, with the "
        "mechanism not separated, is not MSC-specific."
    )


def _judge_rows(value: object, name: str, expected: set, angio_ids: set) -> str | None:
    if value is ...:
        return WAITING
    if isinstance(value, str) or not isinstance(value, list | tuple | set | pd.Series | pd.Index):
        return f"`{name}` should be a list of `factor_id` values, not {type(value).__name__}."
    got = {str(item) for item in value}
    if got == expected:
        return None
    if got - angio_ids:
        others = quoted(sorted(got - angio_ids), 60)
        return f"`{name}` holds ids that are not angiogenesis rows: {others}."
    if name == "controlled_human_rows":
        return "read `value_meaning` of each human row: does it say the study had a control group?"
    return "`human_rows` should hold every angiogenesis row whose `evidence_kind` is 'human'."


@checker("ex-angio-claim-code")
def check_angiogenesis_claim(namespace: Mapping[str, object]) -> Feedback:
    """Does the table support 'MSCs grow vessels in patients'? Rungs and MSC-specificity (from
    the data), human and controlled human rows (from the data), and two judgements."""
    secretome = namespace.get("secretome")
    if not isinstance(secretome, pd.DataFrame) or "evidence_kind" not in secretome:
        return _lost("secretome")
    facts = angiogenesis_claim_facts(secretome)
    angio_ids = set(facts["rung"])
    parts: dict[str, str | None] = {
        "rung": _judge_rung(namespace.get("rung", ...), facts["rung"], secretome),
        "msc_specific": _judge_msc_specific(
            namespace.get("msc_specific", ...), facts["msc_specific"]
        ),
    }
    for name in ("human_rows", "controlled_human_rows"):
        parts[name] = _judge_rows(namespace.get(name, ...), name, facts[name], angio_ids)
    parts["human_row_supports_new_vessels"] = flag_verdict(
        "human_row_supports_new_vessels",
        namespace.get("human_row_supports_new_vessels", ...),
        False,
        "does counting a human row tell you what that row found? Read its `effect`.",
    )
    parts["weakest_link"] = _judge_weakest_link(namespace.get("weakest_link", ...))
    return combine(parts, "every answer matches the table: the claim does not reach patients.")


def _judge_weakest_link(value: object) -> str | None:
    if value is ...:
        return WAITING
    if not isinstance(value, str) or value.strip().lower() not in WEAKEST_LINKS:
        menu = "; ".join(f"'{phrase}'" for phrase in WEAKEST_LINKS)
        return f"`weakest_link` should be one of the menu's phrases: {menu}."
    choice = value.strip().lower()
    if choice == WEAKEST_LINK:
        return None
    if choice == "no controlled human study":
        return (
            "`weakest_link`: true of the table, but it describes something missing. Is there a "
            "human row whose own finding speaks to the claim?"
        )
    return (
        "`weakest_link`: that weakness sits on a lower rung. The claim is about patients: which "
        "weakness sits on the rung the claim is about?"
    )


# --- Immunomodulation ---------------------------------------------------------------------

IDO_HOURS = 72
IDO_START_CELLS = 50_000


@checker("ex-immuno-ido-code")
def check_ido_model(namespace: Mapping[str, object]) -> Feedback:
    """`fold_without_ido` and `fold_with_ido` at 72 h from the teaching model's defaults."""
    curves = ido.compare([IDO_HOURS, 96], t_cells0=IDO_START_CELLS).set_index(
        ["condition", "hours"]
    )
    expected = {
        "fold_without_ido": curves.loc[(ido.CONDITIONS[0], IDO_HOURS)],
        "fold_with_ido": curves.loc[(ido.CONDITIONS[1], IDO_HOURS)],
    }
    other = {"fold_without_ido": "fold_with_ido", "fold_with_ido": "fold_without_ido"}
    later = {
        "fold_without_ido": curves.loc[(ido.CONDITIONS[0], 96)],
        "fold_with_ido": curves.loc[(ido.CONDITIONS[1], 96)],
    }
    parts = {}
    for name, row in expected.items():
        number, problem = _as_number(namespace.get(name, ...), name)
        if problem:
            parts[name] = problem
        elif math.isclose(number, row["fold"], rel_tol=1e-6):
            parts[name] = None
        elif math.isclose(number, expected[other[name]]["fold"], rel_tol=1e-6):
            parts[name] = f"`{name}` holds the other condition's value: check `ido_rate`."
        elif math.isclose(number, row["t_cells"], rel_tol=1e-6):
            parts[name] = (
                f"`{name}` is a number of cells; fold expansion is cells divided by the "
                "starting number (the model's `fold` column)."
            )
        elif math.isclose(number, later[name]["fold"], rel_tol=1e-6):
            parts[name] = f"`{name}` is read at the wrong time: the question asks for 72 hours."
        elif math.isclose(number, row["tryptophan"], rel_tol=1e-6):
            parts[name] = f"`{name}` is the tryptophan level, not the T-cell fold expansion."
        else:
            parts[name] = (
                f"`{name}` does not match the model at 72 hours with its default parameters."
            )
    return combine(parts, "both fold expansions match the teaching model.")


#: Coaching for a wrong verdict on a design, by the design's kind (never names the design).
XENOGRAFT_HINTS = {
    "host_only": (
        "at least one design you marked True gives human MSCs only IFN-gamma made by mice (or "
        "mouse protein): can human cells answer mouse IFN-gamma?"
    ),
    "human_effectors": (
        "a design you marked False puts human immune cells into the mouse: which species' "
        "IFN-gamma do those cells make, and who meets it?"
    ),
    "prelicensed": (
        "licensing can happen before the injection: read again how the cells of each design "
        "were prepared."
    ),
    "same_species": (
        "a design you marked False has MSCs and host of the same species: nothing stops the "
        "host's IFN-gamma from acting there."
    ),
}


def _judge_licensable(value: object) -> str | None:
    if value is ...:
        return WAITING
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        return (
            "`licensable` should map each design letter to True or False, for example "
            f"{{'A': True, ...}}, not {type(value).__name__}."
        )
    folded = [str(key).strip().upper() for key in value]
    repeated = sorted({key for key in folded if folded.count(key) > 1})
    if repeated:
        return (
            f"duplicate design: {', '.join(repeated)} appears more than once (upper and lower "
            "case count as the same letter); keep one answer per design."
        )
    got = {str(key).strip().upper(): answer for key, answer in value.items()}
    missing = sorted(set(ido.XENOGRAFT_DESIGNS) - set(got))
    unknown = [key for key in value if str(key).strip().upper() not in ido.XENOGRAFT_DESIGNS]
    if unknown:
        return f"Not designs of the table: {quoted(unknown)}; use the letters A to F."
    if missing:
        return f"`licensable` has no answer yet for design(s) {', '.join(missing)}."
    verdicts = {}
    for key, answer in got.items():
        verdict = as_bool(answer)
        if verdict is None:
            return f"each answer should be True or False; {key} holds {quoted(answer)}."
        verdicts[key] = verdict
    wrong_kinds = [
        ido.XENOGRAFT_DESIGNS[key][3]
        for key, verdict in verdicts.items()
        if verdict != ido.licensing_possible(key)
    ]
    if not wrong_kinds:
        return None
    hints = [XENOGRAFT_HINTS[kind] for kind in dict.fromkeys(wrong_kinds)]
    return f"{_count_designs(len(wrong_kinds))} not right yet. Hint: " + " Also, ".join(hints)


def _count_designs(number: int) -> str:
    return "One design is" if number == 1 else f"{number} designs are"


@checker("ex-immuno-xenograft-code")
def check_xenograft_trap(namespace: Mapping[str, object]) -> Feedback:
    """`licensable` (design letter -> True/False) and `conclusion_supported` (True/False)."""
    parts: dict[str, str | None] = {
        "licensable": _judge_licensable(namespace.get("licensable", ...))
    }
    parts["conclusion_supported"] = flag_verdict(
        "conclusion_supported",
        namespace.get("conclusion_supported", ...),
        False,
        "`conclusion_supported`: could the IDO pathway of human MSCs have been switched on "
        "in a wild-type mouse at all? If not, the benefit came by another route; would the "
        "same hold in a patient, whose IFN-gamma is human?",
    )
    return combine(parts, "both answers are right: you avoided the xenograft trap.")


# --- Homing and routes --------------------------------------------------------------------


def _route_count(trials: pd.DataFrame, route: str, products, exact: bool) -> int:
    routes = trials["route"].fillna("")
    uses = routes == route if exact else routes.str.split(";").apply(lambda r: route in r)
    return int((uses & trials["product_type"].isin(products)).sum())


@checker("ex-homing-routes-code")
def check_route_counts(namespace: Mapping[str, object]) -> Feedback:
    """`iv_msc_studies` and `im_msc_studies`: MSC-product studies using each route."""
    trials = namespace.get("trials")
    if not isinstance(trials, pd.DataFrame) or "route" not in trials:
        return _lost("trials")
    every = tuple(trials["product_type"].unique())
    parts = {}
    for name, route in (("iv_msc_studies", "intravenous"), ("im_msc_studies", "intramuscular")):
        number, problem = _as_number(namespace.get(name, ...), name)
        if problem:
            parts[name] = problem
            continue
        right = _route_count(trials, route, MSC_PRODUCTS, exact=False)
        exact = _route_count(trials, route, MSC_PRODUCTS, exact=True)
        with_comparators = _route_count(trials, route, every, exact=False)
        only_msc = _route_count(trials, route, ("msc",), exact=False)
        if math.isclose(number, right):
            parts[name] = None
        elif exact != right and math.isclose(number, exact):
            parts[name] = (
                f"`{name}` misses studies that used {route} together with another route: "
                "`route` can hold several routes separated by ';'."
            )
        elif with_comparators != right and math.isclose(number, with_comparators):
            parts[name] = (
                f"`{name}` includes comparator products (not MSCs): keep product types "
                f"{', '.join(MSC_PRODUCTS)}."
            )
        elif only_msc != right and math.isclose(number, only_msc):
            parts[name] = (
                f"`{name}` leaves out MSC-like or MSC-derived products; the question counts "
                f"product types {', '.join(MSC_PRODUCTS)}."
            )
        else:
            parts[name] = f"`{name}` does not match the trials table: check the filters."
    return combine(parts, "both counts match the trials table.")


# --- Anti-fibrosis ------------------------------------------------------------------------


@checker("ex-fibrosis-rct-code")
def check_ssc_randomised(namespace: Mapping[str, object]) -> Feedback:
    """`randomised_ssc` (trial ids) and `msc_among_them` (how many used MSC products)."""
    trials = namespace.get("trials")
    if not isinstance(trials, pd.DataFrame) or "randomised" not in trials:
        return _lost("trials")
    ssc = trials[trials["disease_area"] == "systemic_sclerosis"]
    randomised = ssc[ssc["randomised"].fillna(False).astype(bool)]
    with_results = randomised[randomised["results_available"] != "not_found"]
    expected = set(with_results["trial_id"])
    expected_msc = int(with_results["product_type"].isin(MSC_PRODUCTS).sum())
    parts: dict[str, str | None] = {}
    value = namespace.get("randomised_ssc", ...)
    if value is ...:
        parts["randomised_ssc"] = WAITING
    elif isinstance(value, str) or not isinstance(value, list | tuple | set | pd.Series | pd.Index):
        parts["randomised_ssc"] = (
            "`randomised_ssc` should be a list of trial ids (from the `trial_id` column), "
            f"not {type(value).__name__}."
        )
    else:
        got = {str(item) for item in value}
        unknown = sorted(got - set(trials["trial_id"]))
        if unknown:
            parts["randomised_ssc"] = (
                f"{trial_names(unknown)}: not trial ids of the table (`trial_id`)."
            )
        elif got == expected:
            parts["randomised_ssc"] = None
        elif got - set(ssc["trial_id"]):
            parts["randomised_ssc"] = "your list includes studies of other diseases."
        elif got - set(randomised["trial_id"]):
            parts["randomised_ssc"] = "your list includes studies that were not randomised."
        elif got - expected:
            parts["randomised_ssc"] = (
                "your list includes a study without results yet (see `status` and "
                "`results_available`); the question asks for studies with results."
            )
        else:
            parts["randomised_ssc"] = "your list misses a randomised study with results."
    number, problem = _as_number(namespace.get("msc_among_them", ...), "msc_among_them")
    if problem:
        parts["msc_among_them"] = problem
    elif math.isclose(number, expected_msc):
        parts["msc_among_them"] = None
    elif math.isclose(number, len(expected)):
        parts["msc_among_them"] = (
            "`msc_among_them` counts every product; stromal vascular fraction and fat grafts "
            "are comparators, not MSC products (see `product_type`)."
        )
    else:
        parts["msc_among_them"] = (
            "`msc_among_them` does not match: count the studies in your list whose "
            "`product_type` is an MSC product."
        )
    return combine(parts, "both answers match the trials table.")

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

from mscbook.checkers import WAITING, Feedback, as_bool, checker, combine, quoted, trial_names
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


@checker("ex-angio-evidence-code")
def check_angiogenesis_evidence(namespace: Mapping[str, object]) -> Feedback:
    """`counts` (angiogenesis rows per evidence kind) and `share_in_vitro` (a fraction)."""
    secretome = namespace.get("secretome")
    if not isinstance(secretome, pd.DataFrame) or "evidence_kind" not in secretome:
        return _lost("secretome")
    angio = secretome[secretome["mechanism"] == "angiogenesis"]
    expected = angio["evidence_kind"].value_counts().to_dict()
    whole = secretome["evidence_kind"].value_counts().to_dict()
    share = expected.get("in_vitro", 0) / len(angio)
    whole_share = whole.get("in_vitro", 0) / len(secretome)
    counts, fraction = namespace.get("counts", ...), namespace.get("share_in_vitro", ...)
    return combine(
        {
            "counts": _judge_counts(counts, expected, whole, secretome),
            "share_in_vitro": _judge_share(fraction, share, whole_share, expected),
        },
        "both answers match the angiogenesis rows of the table.",
    )


def _judge_counts(value, expected: dict, whole: dict, secretome: pd.DataFrame) -> str | None:
    if value is ...:
        return WAITING
    if isinstance(value, pd.DataFrame):
        return (
            "`counts` is a whole table; count one column, `evidence_kind`, for example with "
            "`.value_counts()`."
        )
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        return (
            "`counts` should map each kind of evidence to a number of rows, "
            f"not {type(value).__name__}."
        )
    got = {str(key): value[key] for key in value}
    if set(got) & (set(secretome["factor_id"]) | set(secretome["factor_label"])):
        return "`counts` is keyed by factor; count rows per kind of evidence (`evidence_kind`)."
    if set(got) & set(secretome["mechanism"]):
        return (
            "`counts` is keyed by mechanism; keep the angiogenesis rows and count `evidence_kind`."
        )
    try:
        got = {key: int(number) for key, number in got.items() if int(number) != 0}
    except (TypeError, ValueError):
        return "every value of `counts` should be a whole number of rows."
    if got == expected:
        return None
    if got == whole:
        return (
            "you counted every mechanism; keep only the rows whose `mechanism` is 'angiogenesis'."
        )
    unknown = sorted(set(got) - {"in_vitro", "animal", "human", "review"})
    if unknown:
        return f"Not kinds of evidence: {quoted(unknown, 60)}; use the values of `evidence_kind`."
    return "some counts differ from the angiogenesis rows of the table: check your filter."


def _judge_share(value, share: float, whole_share: float, expected: dict) -> str | None:
    number, problem = _as_number(value, "share_in_vitro")
    if problem:
        return problem
    if math.isclose(number, share, abs_tol=1e-9):
        return None
    if math.isclose(number, 100 * share, abs_tol=1e-6):
        return "`share_in_vitro` should be a fraction between 0 and 1, not a percentage."
    if math.isclose(number, expected.get("in_vitro", 0)):
        return "`share_in_vitro` is a count; divide it by the number of angiogenesis rows."
    if math.isclose(number, whole_share, abs_tol=1e-9):
        return "`share_in_vitro` uses the whole table; use the angiogenesis rows only."
    if not 0 <= number <= 1:
        return f"{number:g} is not a fraction between 0 and 1."
    return "`share_in_vitro` does not match: in vitro angiogenesis rows / all angiogenesis rows."


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
    value = namespace.get("conclusion_supported", ...)
    if value is ...:
        parts["conclusion_supported"] = WAITING
    elif as_bool(value) is None:
        parts["conclusion_supported"] = (
            f"`conclusion_supported` should be True or False, not {quoted(value)}."
        )
    elif as_bool(value):
        parts["conclusion_supported"] = (
            "`conclusion_supported`: could the IDO pathway of human MSCs have been switched on "
            "in a wild-type mouse at all? A test that cannot switch a pathway on cannot show it "
            "is not needed."
        )
    else:
        parts["conclusion_supported"] = None
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

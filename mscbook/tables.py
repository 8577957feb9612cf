"""Tables the disease chapters share: trials with their designs in plain words, and claims.

A reader sees words ("double-blind", "bone marrow"), never the data codes (`double_blind`,
`bone_marrow`); the codes stay in `data/` and in code. Every function takes the DataFrames from
`mscbook.data.load` and returns a new DataFrame in the order of the data.
"""

from __future__ import annotations

import pandas as pd

DISEASES = {
    "cli_clti": "Critical or chronic limb-threatening ischaemia",
    "multiple_sclerosis": "Multiple sclerosis",
    "systemic_sclerosis": "Systemic sclerosis",
}
#: The same diseases in the few words a figure's axis or legend has room for.
DISEASE_SHORT = {
    "cli_clti": "Limb ischaemia",
    "multiple_sclerosis": "Multiple sclerosis",
    "systemic_sclerosis": "Systemic sclerosis",
}

#: Products that are MSCs (or MSC-like / MSC-derived, labelled as such); every other
#: product type is a comparator and never belongs in an MSC efficacy summary.
MSC_FAMILY = ("msc", "msc_like", "msc_derived")

LABELS: dict[str, dict[str, str]] = {
    "product_type": {
        "msc": "MSC",
        "msc_like": "MSC-like cells",
        "msc_derived": "MSC-derived product",
        "cd34_cells": "Comparator: CD34+ cells",
        "bm_mnc": "Comparator: bone-marrow mononuclear cells",
        "bm_multicellular": "Comparator: multicellular marrow product",
        "bmac": "Comparator: marrow aspirate concentrate",
        "svf_adrc": "Comparator: stromal vascular fraction",
        "fat_graft": "Comparator: fat graft",
        "hsct": "Comparator: haematopoietic stem-cell transplant",
    },
    "cell_source": {
        "bone_marrow": "bone marrow",
        "adipose": "adipose tissue",
        "umbilical_cord": "umbilical cord",
        "wharton_jelly": "Wharton's jelly (cord)",
        "cord_blood": "cord blood",
        "placenta": "placenta",
        "peripheral_blood": "peripheral blood",
        "not_stated": "not stated",
    },
    "donor": {
        "autologous": "own cells (autologous)",
        "allogeneic": "donor cells (allogeneic)",
        "not_stated": "not settled (sources differ or silent)",
    },
    "route": {
        "intramuscular": "into muscle",
        "intravenous": "intravenous",
        "intrathecal": "intrathecal",
        "intra_arterial": "into an artery",
        "endovascular": "endovascular",
        "peri_ulcer": "around the ulcer",
        "digital_injection": "into the fingers",
    },
    "phase": {
        "1": "I",
        "1b": "Ib",
        "1/2": "I/II",
        "2": "II",
        "2a": "IIa",
        "2/3": "II/III",
        "3": "III",
        "4": "IV",
        "pilot": "pilot",
        "not_stated": "not stated",
        "not_applicable": "not applicable",
    },
    "blinding": {
        "open": "open label",
        "assessor_masked": "masked assessor",
        "single_blind": "single-blind",
        "double_blind": "double-blind",
        "triple_blind": "triple-blind",
        "not_stated": "not stated",
    },
    "control_type": {
        "none": "none",
        "before_after": "before vs after",
        "placebo": "placebo",
        "sham": "sham procedure",
        "standard_care": "standard care",
        "active": "active treatment",
        "placebo_and_active": "placebo and active treatment",
        "dose_comparison": "other doses only",
        "external": "external (registry) patients",
    },
    "allocation": {
        "parallel": "parallel groups",
        "crossover": "crossover",
        "within_patient": "within patient (one limb vs the other)",
        "single_group": "single group",
        "dose_escalation": "dose escalation",
    },
    "status": {
        "completed": "completed",
        "stopped_early": "stopped early",
        "terminated": "terminated",
        "ongoing": "ongoing",
        "not_yet_recruiting": "not yet recruiting",
        "unknown": "unknown",
    },
    "verdict": {
        "supported": "supported",
        "wrong": "wrong",
        "overstated": "overstated",
        "unverified": "unverified (no primary source checked)",
    },
    "randomised": {"true": "yes", "false": "no", "": "not stated"},
}

TRIAL_COLUMNS = [
    "Study",
    "Product",
    "Cell source",
    "Donor",
    "Route",
    "Phase",
    "Randomised",
    "Blinding",
    "Control",
    "Design",
    "n per arm",
    "n total",
    "Status",
]


class UnknownValueError(ValueError):
    """A value the book's data cannot have: the message names it and the allowed values."""


def check_disease(disease: str) -> str:
    if disease not in DISEASES:
        raise UnknownValueError(
            f"unknown disease {disease!r}; expected one of: {', '.join(DISEASES)}."
        )
    return disease


def label(field: str, code: object) -> str:
    """The plain words for one data code ('' and NaN read as 'not stated')."""
    words = LABELS[field]
    if field == "randomised":
        return words[_bool_code(code)]
    if field == "route":
        if pd.isna(code) or code == "":
            return "not stated"
        return ", ".join(words[part] for part in str(code).split(";"))
    if pd.isna(code) or code == "":
        return "not stated"
    return words[str(code)]


def _bool_code(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return "true" if bool(value) else "false"


def is_comparator(product_type: str) -> bool:
    return product_type not in MSC_FAMILY


def arms_text(arms: pd.DataFrame) -> str:
    """'PLX-PAD ...: 143; Placebo ...: 70' from one trial's arms; arms without n say 'n not
    reported'; limbs are named as limbs."""
    parts = []
    for arm in arms.itertuples():
        if pd.isna(arm.n):
            parts.append(f"{arm.arm_label}: n not reported")
        else:
            unit = "" if arm.n_unit == "patients" else f" {arm.n_unit}"
            parts.append(f"{arm.arm_label}: {int(arm.n)}{unit}")
    return "; ".join(parts) if parts else "no arms recorded"


def n_total_text(trial) -> str:
    if pd.isna(trial.n_total):
        return "not found"
    basis = "" if pd.isna(trial.n_total_basis) else f" ({trial.n_total_basis})"
    return f"{int(trial.n_total)}{basis}"


def trials_table(trials: pd.DataFrame, arms: pd.DataFrame, disease: str) -> pd.DataFrame:
    """One row per study of `disease`, in data order, with its design in plain words.

    Uses `trials` columns short_name, product_type, product_name, cell_source, donor, route,
    phase, randomised, blinding, control_type, allocation, n_total, n_total_basis, status, and
    `trial_arms` columns trial_id, arm_label, n, n_unit (arms in data order).
    """
    check_disease(disease)
    chosen = trials[trials["disease_area"] == disease]
    rows = []
    for trial in chosen.itertuples():
        product = label("product_type", trial.product_type)
        if isinstance(trial.product_name, str) and trial.product_name:
            product = f"{product} ({trial.product_name})"
        rows.append(
            {
                "Study": trial.short_name,
                "Product": product,
                "Cell source": label("cell_source", trial.cell_source),
                "Donor": label("donor", trial.donor),
                "Route": label("route", trial.route),
                "Phase": label("phase", trial.phase),
                "Randomised": label("randomised", trial.randomised),
                "Blinding": label("blinding", trial.blinding),
                "Control": label("control_type", trial.control_type),
                "Design": label("allocation", trial.allocation),
                "n per arm": arms_text(arms[arms["trial_id"] == trial.trial_id]),
                "n total": n_total_text(trial),
                "Status": label("status", trial.status),
            }
        )
    return pd.DataFrame(rows, columns=TRIAL_COLUMNS, index=pd.Index(chosen["trial_id"], name=None))


CLAIM_COLUMNS = ["Claim (original)", "Claim (English)", "What the primary source says", "Verdict"]


def claims_table(claims: pd.DataFrame, topics: str | list[str]) -> pd.DataFrame:
    """The `seed_claims` rows of one or more topics, in data order, verdicts in plain words.

    Uses columns claim_id, topic, claim_original, claim_english, primary_evidence, verdict.
    """
    wanted = [topics] if isinstance(topics, str) else list(topics)
    allowed = set(claims["topic"].unique()) | {
        "cli_clti",
        "multiple_sclerosis",
        "systemic_sclerosis",
        "epidemiology",
        "mechanism",
        "registry_count",
    }
    unknown = [topic for topic in wanted if topic not in allowed]
    if unknown:
        raise UnknownValueError(
            f"unknown claim topic(s) {unknown}; expected some of: {', '.join(sorted(allowed))}."
        )
    chosen = claims[claims["topic"].isin(wanted)]
    return pd.DataFrame(
        {
            "Claim (original)": chosen["claim_original"].fillna("").to_numpy(),
            "Claim (English)": chosen["claim_english"].to_numpy(),
            "What the primary source says": chosen["primary_evidence"].to_numpy(),
            "Verdict": [label("verdict", verdict) for verdict in chosen["verdict"]],
        },
        index=pd.Index(chosen["claim_id"], name=None),
    )

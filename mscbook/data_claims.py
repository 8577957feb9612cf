"""Superlative claims in the data's free text ("the first", "the only", "the largest"), checked
against the data itself wherever the data can show them.

A note such as "the largest randomised trial in this dataset" is a claim about the other rows of
the same table; it goes stale as soon as a larger trial is added. `claim_problems` finds such
claims and says which rows contradict them. What the data can show:

- in `trials`: "largest" and "only" (by `n_total`, among the trials the sentence names:
  randomised or not, MSC products or all, one disease or the whole dataset);
- in `approved_products`: "first" (by `approval_date`, in the jurisdiction the sentence names,
  or the world for "world's first").

A claim the data cannot show (for example a "first" about a trial, which has no date column)
is not judged here; the wording rule in data/README.md still asks for a source that says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

#: Columns of free text that may carry a claim.
TEXT_COLUMNS = ("notes", "primary_result", "status_reason")

#: "the largest ...", "China's first ...": a determiner or possessive, then the superlative.
#: "first 10 patients" or "only minor amputations" have no determiner and are not claims.
_CLAIM = re.compile(
    r"(?P<negation>\bnot\s+)?\b(?:the|[A-Z][\w-]*'s)\s+(?P<word>first|only|largest)\b"
    r"(?P<rest>[^.;:]*)",
    re.IGNORECASE,
)
#: A claim is about a study or a product, not about a patient or a course of treatment.
_NOUN = re.compile(r"\b(trials?|stud(?:y|ies)|therap(?:y|ies)|drugs?|products?)\b", re.IGNORECASE)
_RANDOMISED = re.compile(r"\brandomi[sz]ed\b", re.IGNORECASE)
_MSC = re.compile(r"\bMSCs?\b|\bmesenchymal\b")
MSC_FAMILY = frozenset({"msc", "msc_like", "msc_derived"})
#: Disease words a sentence may use to narrow its scope, mapped to trials.disease_area.
DISEASE_WORDS = {
    "multiple_sclerosis": re.compile(r"\bMS\b|multiple sclerosis", re.IGNORECASE),
    "systemic_sclerosis": re.compile(r"\bSSc\b|systemic sclerosis|scleroderma", re.IGNORECASE),
    "cli_clti": re.compile(r"\bCLI\b|\bCLTI\b|limb", re.IGNORECASE),
    "acute_gvhd": re.compile(r"\bGvHD\b|graft-versus-host", re.IGNORECASE),
}
#: Words a sentence may use for a jurisdiction (approved_products.country_region).
REGION_WORDS = {
    "United States": re.compile(r"\bFDA\b|United States|\bUS\b"),
    "European Union": re.compile(r"\bEU\b|European Union|\bEMA\b"),
    "China": re.compile(r"\bChina\b|China's|\bNMPA\b"),
    "Japan": re.compile(r"\bJapan\b|\bPMDA\b"),
    "South Korea": re.compile(r"\bKorea|\bKFDA\b|\bMFDS\b"),
    "India": re.compile(r"\bIndia\b"),
    "Canada": re.compile(r"\bCanada\b"),
}


@dataclass(frozen=True)
class Claim:
    """One superlative claim: where it is and what it says."""

    table: str
    row_id: str
    column: str
    word: str
    text: str


def find_claims(table: str, frame: pd.DataFrame, id_column: str | None = None) -> list[Claim]:
    """Every non-negated "the first/only/largest <study or product>" in the text columns of a table.

    "Not the first ..." is a correction, not a claim, and is skipped.
    """
    id_column = id_column or frame.columns[0]
    claims = []
    for _, row in frame.iterrows():
        for column in TEXT_COLUMNS:
            if column not in frame.columns or not isinstance(row[column], str):
                continue
            for match in _CLAIM.finditer(row[column]):
                if match["negation"] or not _NOUN.search(match["rest"]):
                    continue
                claims.append(
                    Claim(table, str(row[id_column]), column, match["word"].lower(), match[0])
                )
    return claims


def _trial_scope(claim: Claim, trials: pd.DataFrame) -> pd.DataFrame:
    """The trials a claim compares its row with, narrowed by what the sentence says."""
    scope = trials
    if _RANDOMISED.search(claim.text):
        scope = scope[scope["randomised"].astype("boolean").fillna(False)]
    if _MSC.search(claim.text):
        scope = scope[scope["product_type"].isin(MSC_FAMILY)]
    diseases = [area for area, words in DISEASE_WORDS.items() if words.search(claim.text)]
    if diseases:
        scope = scope[scope["disease_area"].isin(diseases)]
    return scope


def _trial_problem(claim: Claim, trials: pd.DataFrame) -> str | None:
    scope = _trial_scope(claim, trials)
    others = scope[scope["trial_id"] != claim.row_id]
    if claim.word == "largest":
        own = trials.loc[trials["trial_id"] == claim.row_id, "n_total"]
        if own.empty or pd.isna(own.iloc[0]):
            return "the row has no n_total to compare"
        larger = others[others["n_total"] > own.iloc[0]]
        if not larger.empty:
            names = ", ".join(f"{t.short_name} (n = {t.n_total:g})" for t in larger.itertuples())
            return f"not the largest by n_total (own n = {own.iloc[0]:g}): {names} are larger"
    if claim.word == "only" and not others.empty:
        return "not the only one: " + ", ".join(others["short_name"].head(5))
    return None


def _approval_problem(claim: Claim, products: pd.DataFrame) -> str | None:
    if claim.word != "first":
        return None
    scope = products
    regions = [region for region, words in REGION_WORDS.items() if words.search(claim.text)]
    if regions and not re.search(r"world's", claim.text, re.IGNORECASE):
        scope = scope[scope["country_region"].isin(regions)]
    own = str(products.loc[products["product_id"] == claim.row_id, "approval_date"].iloc[0])
    # Dates keep the precision that was verified ("2011", "2016-05"): compare at the shorter one.
    earlier = [
        row.product_id
        for row in scope.itertuples()
        if row.product_id != claim.row_id and _before(str(row.approval_date), own)
    ]
    if earlier:
        return f"not the first by approval_date ({own}): earlier approvals " + ", ".join(earlier)
    return None


def _before(date: str, other: str) -> bool:
    """Whether `date` is strictly earlier than `other`, compared at the precision both have."""
    common = min(len(date), len(other))
    return date[:common] < other[:common]


def claim_problems(tables: dict[str, pd.DataFrame]) -> list[str]:
    """One message per claim that the data contradicts: table, row, column, the claim and why."""
    judges = {"trials": _trial_problem, "approved_products": _approval_problem}
    problems = []
    for table, judge in judges.items():
        if table not in tables:
            continue
        for claim in find_claims(table, tables[table]):
            problem = judge(claim, tables[table])
            if problem:
                problems.append(
                    f"data/{table}.csv, row '{claim.row_id}', column '{claim.column}': "
                    f"claim '{claim.text.strip()}' is false: {problem}"
                )
    return problems

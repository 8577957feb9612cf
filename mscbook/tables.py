"""Tables the disease chapters share: trials with their designs in plain words, and claims.

A reader sees words ("double-blind", "bone marrow"), never the data codes (`double_blind`,
`bone_marrow`); the codes stay in `data/` and in code. Every function takes the DataFrames from
`mscbook.data.load` and returns a new DataFrame in the order of the data.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Mapping

import pandas as pd

DISEASES = {
    "cli_clti": "Critical or chronic limb-threatening ischaemia",
    "multiple_sclerosis": "Multiple sclerosis",
    "systemic_sclerosis": "Systemic sclerosis",
    "acute_gvhd": "Steroid-refractory acute graft-versus-host disease",
}
#: The same diseases in the few words a figure's axis or legend has room for.
DISEASE_SHORT = {
    "cli_clti": "Limb ischaemia",
    "multiple_sclerosis": "Multiple sclerosis",
    "systemic_sclerosis": "Systemic sclerosis",
    "acute_gvhd": "Acute GvHD",
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
        "drug": "Comparator: drug (not cells)",
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
        "oral": "by mouth",
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

#: The columns a reader needs first (which study, what it can show, how it was designed, how
#: many patients, how it ended) come first; what was given, and how, follows. A narrow screen
#: scrolls to the rest.
TRIAL_COLUMNS = [
    "Study",
    "Evidence",
    "Randomised",
    "Blinding",
    "Control",
    "Design",
    "Phase",
    "n total",
    "Status",
    "Product",
    "Cell source",
    "Donor",
    "Route",
    "n per arm",
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


BLINDED = {"single_blind", "double_blind", "triple_blind", "assessor_masked"}
UNTREATED_CONTROLS = {"placebo", "sham", "standard_care", "active", "placebo_and_active"}


def design_level(trial) -> str:
    """Where a study sits on the ladder of design strength (`DESIGN_LEVELS`).

    Randomised means `randomised` is true; a study whose randomisation was not found counts as
    non-randomised (the weaker reading). A study counts as controlled only if some patients got
    no cells or another treatment (placebo, sham, standard care, active comparator); dose
    comparisons and before/after comparisons are single-arm evidence.
    """
    randomised = trial.randomised
    if randomised is not None and not pd.isna(randomised) and bool(randomised):
        return "randomised, blinded" if trial.blinding in BLINDED else "randomised, open"
    if trial.control_type in UNTREATED_CONTROLS:
        return "non-randomised, controlled"
    if trial.phase == "not_applicable" and not pd.isna(trial.n_total) and trial.n_total <= 3:
        return "case report"
    return "single arm"


def design_unknown(trial) -> bool:
    """True for a controlled study whose randomisation the checked source does not state: it
    could be a randomised or a non-randomised trial, so no design column fits it."""
    randomised = trial.randomised
    unknown = randomised is None or pd.isna(randomised)
    return unknown and trial.control_type in UNTREATED_CONTROLS


EVIDENCE_COLUMN = "Evidence"


def evidence_label(trial) -> str:
    """What a study can show, in words: 'uncontrolled: case report', 'uncontrolled: single
    group', 'randomised vs placebo', 'controlled, randomisation not stated vs placebo', ...;
    'registered, no results yet' for a trial whose results were not found; the design followed
    by '(company report only)' when the only results are a press release or company report.
    Uses trials columns results_available and those of `design_level`."""
    if trial.results_available == "not_found":
        return "registered, no results yet"
    level = design_level(trial)
    if level in {"case report", "single arm"}:
        design = f"uncontrolled: {'case report' if level == 'case report' else 'single group'}"
    elif design_unknown(trial):  # not "non-randomised": the source does not say either way
        design = (
            f"controlled, randomisation not stated vs {label('control_type', trial.control_type)}"
        )
    elif level.startswith("randomised"):
        design = f"randomised vs {label('control_type', trial.control_type)}"
    else:
        design = f"non-randomised vs {label('control_type', trial.control_type)}"
    if trial.results_available == "company_data":
        return f"{design} (company report only)"
    return design


def trials_table(trials: pd.DataFrame, arms: pd.DataFrame, disease: str) -> pd.DataFrame:
    """One row per study of `disease`, in data order, with its design in plain words and, second,
    what it can show (`evidence_label`), so that no uncontrolled or unreported study reads as
    evidence.

    Uses `trials` columns short_name, results_available, product_type, product_name,
    cell_source, donor, route, phase, randomised, blinding, control_type, allocation, n_total,
    n_total_basis, status, and
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
                EVIDENCE_COLUMN: evidence_label(trial),
                "Randomised": label("randomised", trial.randomised),
                "Blinding": label("blinding", trial.blinding),
                "Control": label("control_type", trial.control_type),
                "Design": label("allocation", trial.allocation),
                "Phase": label("phase", trial.phase),
                "n total": n_total_text(trial),
                "Status": label("status", trial.status),
                "Product": product,
                "Cell source": label("cell_source", trial.cell_source),
                "Donor": label("donor", trial.donor),
                "Route": label("route", trial.route),
                "n per arm": arms_text(arms[arms["trial_id"] == trial.trial_id]),
            }
        )
    return pd.DataFrame(rows, columns=TRIAL_COLUMNS, index=pd.Index(chosen["trial_id"], name=None))


#: The claim in English and its verdict first, so that both are on screen; the evidence and the
#: claim as the source document wrote it (often Chinese) follow.
CLAIM_COLUMNS = ["Claim (English)", "Verdict", "What the primary source says", "Claim (original)"]


def claims_table(claims: pd.DataFrame, topics: str | list[str]) -> pd.DataFrame:
    """The `seed_claims` rows of one or more topics, in data order, verdicts in plain words.

    Uses columns claim_id, topic, claim_original, claim_english, primary_evidence, verdict.
    """
    wanted = [topics] if isinstance(topics, str) else list(topics)
    allowed = set(claims["topic"].unique()) | {
        "cli_clti",
        "multiple_sclerosis",
        "systemic_sclerosis",
        "acute_gvhd",
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
            "Claim (English)": chosen["claim_english"].to_numpy(),
            "Verdict": [label("verdict", verdict) for verdict in chosen["verdict"]],
            "What the primary source says": chosen["primary_evidence"].to_numpy(),
            "Claim (original)": chosen["claim_original"].fillna("").to_numpy(),
        },
        index=pd.Index(chosen["claim_id"], name=None),
    )


# ------------------------------------------------------------------ showing a table to a reader

#: What a reader sees in a cell that has no value (never "NaN" or "None").
MISSING = "—"
#: CSS classes of `show`'s output (styled by mscbook/build/static/tables.css in the book).
BOX_CLASS = "mscbook-table-box"
TABLE_CLASS = "mscbook-table"
#: Tables with this class become paginated, searchable tables in the HTML book (DataTables,
#: added by mscbook.build.explorer to the pages that have one); elsewhere they stay plain tables.
PAGED_CLASS = "mscbook-paged-table"
#: Column widths by the longest text in a column: short columns never wrap, long ones keep a
#: width at which a line holds several words (the box scrolls sideways instead).
SHORT_TEXT, LONG_TEXT = 14, 60
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
#: The book's Chinese is Simplified Chinese (mainland sources).
CHINESE = "zh-Hans"


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


@functools.cache
def _references() -> dict:
    from mscbook.references import load_references  # pybtex: imported only when a table cites

    return load_references()


def _bib_entries() -> dict:
    from mscbook.references import bib_entries  # pybtex: imported only when a table cites

    return bib_entries()


def citation(key: str) -> str:
    """'Gupta 2013' for the bib key 'gupta2013': first author's surname and year, as the book's
    reference lists cite it; a registry record without authors is cited by its id, a Cochrane
    review without authors by its review number ('Cochrane review CD008347'), any other source
    without authors by where it was published ('Neurology 2018'); never by its bib key."""
    from mscbook.references import plain_text

    entries = _bib_entries()
    if key not in entries:
        raise UnknownValueError(f"unknown source {key!r}: not a key of references.bib.")
    entry = entries[key]
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    year = entry.fields.get("year", "")
    if people:
        name = plain_text(" ".join(people[0].prelast_names + people[0].last_names))
        if len(people) == 2:
            second = plain_text(" ".join(people[1].last_names))
            name = f"{name} and {second}"
        elif len(people) > 2:
            name = f"{name} et al."
        return f"{name} {year}".strip()
    found = entry.fields.get("registry") or entry.fields.get("organization")
    if not found:  # no author, no registry: the review number or where it was published
        published = plain_text(entry.fields.get("howpublished", ""))
        review = re.search(r"\bCD\d{6}\b", published)
        if review:
            found = f"Cochrane review {review.group()}"
        else:
            found = re.split(r"[,;(]", published)[0].strip() or key
    if year and re.search(rf"\b{re.escape(year)}\b", found):
        return found  # the year is already in the text ('Neurology 2018')
    return f"{plain_text(found)} {year}".strip()


def citation_url(key: str) -> str | None:
    """Where a reader can open the source: its DOI, PubMed record, registry record or page."""
    reference = _references().get(key)
    if reference is None:
        return None
    if reference.doi:
        return f"https://doi.org/{reference.doi}"
    if reference.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{reference.pmid}/"
    if reference.registry and reference.registry.startswith("NCT"):
        return f"https://clinicaltrials.gov/study/{reference.registry}"
    return reference.url


def _source_html(value: str) -> str:
    from mscbook.references import split_keys

    links = []
    for key in split_keys(value):
        text, url = html.escape(citation(key)), citation_url(key)
        links.append(f'<a href="{html.escape(url)}">{text}</a>' if url else text)
    return "; ".join(links)


def cell_text(value: object, missing: str = MISSING) -> str:
    """What a reader sees for one value: `missing` for NaN/None/'', numbers without '.0'."""
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                         and pd.isna(value)):  # fmt: skip
        return missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else missing


class Table:
    """A table as a reader sees it: `frame` (the values) and `html` (what the book shows).

    `show` makes one; notebooks and the book display the HTML (`_repr_html_`).
    """

    def __init__(self, frame: pd.DataFrame, html_text: str) -> None:
        self.frame = frame
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def width_style(texts: list[str]) -> str:
    """A wrapping column's minimum width (as an HTML attribute), from the texts it holds.

    A third of its longest text, within 10 to 26 characters, so that its longest cell takes
    about three lines; at most 40% of the screen, so that a phone shows two such columns. But
    never less than its longest word, nor less than each cell of three or more words needs to
    put two of them on one line (`pair_width`): a narrow screen scrolls sideways instead of
    setting a cell one word a line. Short columns never wrap and need none.

    Widths are in em (`CHAR_EM` a character), not ch: "ch" is the width of "0", wider than an
    average letter, and wider still in a bold heading, so ch-widths pushed key columns of the
    trial explorer off a 1280 px screen."""
    longest = max((len(text) for text in texts), default=0)
    if longest <= SHORT_TEXT:
        return ""
    third = max(10, min(26, -(-longest // 3))) * CHAR_EM
    need = min(MAX_PAIR, max(pair_width(text) for text in texts)) * CHAR_EM + PADDING_EM
    return f' style="min-width: max(min({third:.1f}em, 40vw), {need:.1f}em)"'


#: A column's minimum width never grows beyond this many characters for its words (a long URL
#: or identifier keeps its own width; the box scrolls).
MAX_PAIR = 30
#: The width of an average character of the book's sans-serif text, generously (0.5 to 0.55 em
#: in common faces; capitals, "m" and "w" are wider), and of a cell's left and right padding
#: (0.4rem each in tables.css, 10 px in DataTables' headings).
CHAR_EM, PADDING_EM = 0.6, 1.6


def pair_width(text: str) -> int:
    """Characters a cell's column needs so that `text` never stands one word a line: its
    longest word, and for three or more words the shortest run of two neighbouring words (the
    browser then puts those two on one line)."""
    words = text.split()
    if not words:
        return 0
    need = max(len(word) for word in words)
    if len(words) >= 3:
        pairs = zip(words, words[1:], strict=False)
        need = max(need, min(len(a) + 1 + len(b) for a, b in pairs))
    return need


def width_class(texts: list[str]) -> str:
    """The CSS class that sizes a column holding `texts` (its heading included)."""
    longest = max((len(text) for text in texts), default=0)
    if longest <= SHORT_TEXT:
        return "mscbook-col-short"
    return "mscbook-col-long" if longest > LONG_TEXT else "mscbook-col-medium"


def show(
    frame: pd.DataFrame,
    caption: str | None = None,
    *,
    index: bool = False,
    missing: str | Mapping[str, str] = MISSING,
    sources: Iterable[str] = ("Source",),
    page_length: int | None = None,
    code: Iterable[str] | bool = (),
) -> Table:
    """`frame` as a table for readers: no row ids (unless `index`), every missing value shown
    as `missing` (one text, or one per column), bib keys in the `sources` columns as linked
    citations ('Gupta 2013'), Chinese text marked `lang="zh-Hans"`, inside a box that scrolls
    sideways (focusable, so a keyboard can scroll it). With `page_length`, the HTML book shows
    that many rows a page (DataTables); elsewhere every row shows. `code` names the columns
    (True: all) that show names a reader types in Python (a data column, a parameter): their
    heading and cells are set as code, not as prose.
    """
    if isinstance(missing, str):
        missing = dict.fromkeys(frame.columns, missing)
    unknown = [column for column in missing if column not in frame.columns]
    if unknown:
        raise UnknownValueError(f"missing texts for unknown column(s) {unknown}.")
    sources = [column for column in sources if column in frame.columns]
    shown = frame
    if index:  # the row labels become the first column, headed by the index's name (or nothing)
        shown = frame.reset_index(names=[frame.index.name or ""])
    columns = [str(column) for column in shown.columns]
    coded = set(shown.columns) if code is True else set(code or ())
    texts = {
        column: [cell_text(value, missing.get(column, MISSING)) for value in shown[column]]
        for column in shown.columns
    }
    widths = {
        column: width_class(
            [str(column), *(citation(k) for t in texts[column] for k in _keys(t))]
            if column in sources else [str(column), *texts[column]]
        )
        for column in shown.columns
    }  # fmt: skip
    styles = {
        column: width_style([str(column), *plain_texts]) for column, plain_texts in texts.items()
    }
    esc = html.escape

    def words(column, text: str) -> str:
        return f"<code>{esc(text)}</code>" if column in coded and text != MISSING else esc(text)

    head = "".join(
        f'<th scope="col" class="{widths[column]}"{styles[column]}>'
        f"{words(column, name) if name else ''}</th>"
        for column, name in zip(shown.columns, columns, strict=True)
    )
    rows = []
    for position in range(len(shown)):
        cells = []
        for number, column in enumerate(shown.columns):
            text = texts[column][position]
            tag = "th" if index and number == 0 else "td"
            scope = ' scope="row"' if tag == "th" else ""
            lang = f' lang="{CHINESE}"' if has_chinese(text) else ""
            body = (
                _source_html(text) if column in sources and text != MISSING else words(column, text)
            )
            cells.append(f'<{tag}{scope} class="{widths[column]}"{lang}>{body}</{tag}>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    classes = TABLE_CLASS + (f" {PAGED_CLASS}" if page_length else "")
    paging = f' data-page-length="{int(page_length)}"' if page_length else ""
    title = f"<caption>{esc(caption)}</caption>" if caption else ""
    label = esc(caption or "Table")
    markup = (
        f'<div class="{BOX_CLASS}" role="region" tabindex="0" aria-label="{label}">'
        f'<table class="{classes}"{paging}>{title}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    plain = pd.DataFrame(texts, columns=shown.columns)
    for column in sources:
        plain[column] = [
            MISSING if text == MISSING else "; ".join(citation(k) for k in _keys(text))
            for text in plain[column]
        ]
    return Table(plain, markup)


def _keys(text: str) -> list[str]:
    from mscbook.references import split_keys

    return [] if text == MISSING else split_keys(text)


def reported_result(trial) -> str:
    """A trial's primary result; when the data hold none, 'not reported' and why (the trial's
    status reason or notes, which say what was and was not found)."""
    if isinstance(trial.primary_result, str) and trial.primary_result.strip():
        return trial.primary_result
    if trial.results_available == "not_found":
        return "no results found (registered; no published results)"
    for reason in (trial.status_reason, trial.notes):
        if isinstance(reason, str) and reason.strip():
            return f"not reported in the book's data: {reason.strip()}"
    return "not reported"


MEASURES = {"risk_ratio": "Risk ratio", "odds_ratio": "Odds ratio",
            "risk_difference": "Risk difference"}  # fmt: skip
METHODS = {"fixed": "fixed effect", "dl": "random effects (DerSimonian-Laird)",
           "pm": "random effects (Paule-Mandel)"}  # fmt: skip
#: (quantity in `stats.reproduce_published`, column heading)
REPRODUCED = (("estimate", "Estimate"), ("tau2", "τ²"), ("i2_percent", "I² (%)"), ("q", "Q"))


def reproduction_table(reproduced: pd.DataFrame, benchmarks: pd.DataFrame) -> pd.DataFrame:
    """`stats.reproduce_published` for readers: per analysis a row of reference values and a row
    of ours, each at the reference's decimals. A quantity the reference does not give reads
    'not in the reference' (and ours 'not compared'), never NaN.

    Uses `benchmarks` columns benchmark_id, decimals.
    """
    places = benchmarks.set_index("benchmark_id")["decimals"].astype(int)

    def number(row, name: str, places: int) -> str | None:
        value = row.get(name)
        return None if value is None or pd.isna(value) else f"{value:.{places}f}"

    rows = []
    for row in reproduced.to_dict("records"):
        digits = int(places[row["benchmark_id"]])
        analysis = f"{MEASURES[row['measure']]}, {METHODS[row['method']]}"
        for who, prefix, absent in (
            ("reference", "published", "not in the reference"),
            ("this book", "ours", "not compared"),
        ):
            line = {"Analysis": analysis, "Values from": who}
            for name, heading in REPRODUCED[:1]:
                line[heading] = number(row, f"{prefix}_{name}", digits) or absent
            low, high = (number(row, f"{prefix}_{name}", digits) for name in ("ci_low", "ci_high"))
            line["95% CI"] = f"{low} to {high}" if low and high else absent
            for name, heading in REPRODUCED[1:]:
                line[heading] = number(row, f"{prefix}_{name}", digits) or absent
            line["Same to every decimal"] = "yes" if row["agrees"] else "no"
            rows.append(line)
    return pd.DataFrame(rows)

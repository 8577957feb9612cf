"""Every number typed by hand in a figure caption or alt text must come from the figure's data.

Captions and alt text are written by hand in each figure cell's metadata (`mystnb: figure:
caption` and `image: alt`); they cannot be glued, so nothing else stops them from drifting away
from `data/` when a row is corrected. This test reads them from the chapter sources and checks
each number against the CSV files the caption names ("Data: data/x.csv, ..."):

- a number written with d decimals matches a data value that rounds to it at d decimals
  ("about 42 percent" matches 42.0; "28.6" matches 28.6);
- or it is derived from one row: the percentage of a count and its denominator (COUNT_PAIRS), or
  an end of its exact (Clopper-Pearson) 95% confidence interval, which the figures draw;
- or a count of the file's rows, or a number in a row's time frame or source key (its year);
- or it falls under one of the few kinds of non-data number in ALLOWED below, each a pattern
  with the reason it is not data.

A figure whose caption names no data file fails: the check would have nothing to compare with.
"""

from __future__ import annotations

import csv
import json
import math
import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from scipy.stats import beta

ROOT = Path(__file__).resolve().parents[1]

# A code cell with a YAML metadata block, as jupytext writes it.
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n---\n(.*?)\n---\n", re.S | re.M)
DATA_FILE = re.compile(r"data/[\w.-]+\.csv")
# A number not glued to a word: "CD34", "MISEV2023" and "IL-10" are names, not numbers.
NUMBER = re.compile(r"(?<![\w.\-])(?<![A-Za-z]-)\d+(?:\.\d+)?(?![\w])")
NAME_WITH_HYPHEN = re.compile(r"\b[A-Za-z]+-\d+")

# Numbers that are not data, by kind. Each pattern marks the number(s) it allows with a group
# named "n". Keep this short: a number that describes the data belongs in the data.
ALLOWED: dict[str, str] = {
    # A citation's year ("Ghare et al. 2021", "Gupta 2013", "Wehbe 2016's"): it names the paper.
    "citation year": r"[A-Z][\w'’-]+(?: et al\.| and colleagues)?,? (?P<n>(?:19|20)\d\d)\b",
    # The confidence level and significance threshold the figures use, a convention, not a result.
    "confidence level": r"(?P<n>95)(?:%| percent)",
    "significance level": r"(?:P|alpha|α|level)\s*(?:<|≤|=|of)?\s*(?P<n>0\.05)\b",
    # A clinical grade is a category's name, not a count ("Rutherford 5-6", "grade 3").
    "clinical grade": r"(?:Rutherford|Fontaine|grade|class|stage|phase|Phase)s? "
    r"(?P<n>\d)(?:\s*(?:-|–|to|and)\s*(?P<n2>\d))?\b",
    # The ends of a percentage axis ("the 0–100% scale").
    "percentage scale": r"(?P<n>0)\s*[–-]\s*(?P<n2>100)\s*%",
    # The no-effect line of a ratio or difference scale ("the dashed line at 1").
    "null line": r"\bline at (?P<n>[01])\b",
}


def figure_texts() -> list[tuple[str, str, str, list[str]]]:
    """(figure label, 'caption' or 'alt', text, data files named by the caption), every figure."""
    found = []
    for path in sorted(ROOT.glob("chapters/**/*.md")):
        for match in CELL.finditer(path.read_text(encoding="utf-8")):
            mystnb = (yaml.safe_load(match.group(1)) or {}).get("mystnb") or {}
            figure = mystnb.get("figure") or {}
            caption = str(figure.get("caption") or "")
            if not caption:
                continue
            files = DATA_FILE.findall(caption)
            alt = str((mystnb.get("image") or {}).get("alt") or "")
            label = figure.get("name") or f"{path.name} (no label)"
            found.append((label, "caption", caption, files))
            if alt:
                found.append((label, "alt", alt, files))
    return found


def allowed_spans(text: str) -> set[tuple[int, int]]:
    """The (start, end) of every number in `text` that an ALLOWED pattern covers."""
    spans = set()
    for pattern in ALLOWED.values():
        for match in re.finditer(pattern, text):
            for group in ("n", "n2"):
                if group in match.re.groupindex and match.group(group) is not None:
                    spans.add(match.span(group))
    return spans


def hand_numbers(text: str) -> list[str]:
    """The numbers written in `text` that must be checked against data (the rest are allowed)."""
    text = DATA_FILE.sub(lambda m: " " * len(m.group()), text)  # file names are not numbers
    text = NAME_WITH_HYPHEN.sub(lambda m: " " * len(m.group()), text)
    allowed = allowed_spans(text)
    return [m.group() for m in NUMBER.finditer(text) if m.span() not in allowed]


def _as_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# Columns whose text holds a number a caption may quote: a time frame ("at 12 months") and the
# citation key of a row's source, which carries its year ("norgren2024").
TEXT_COLUMNS = ("time_frame", "source")
TEXT_NUMBER = re.compile(r"\d+(?:\.\d+)?")

# Pairs of columns that hold a count and its denominator: a caption may quote the percentage,
# and the figures draw its exact 95% confidence interval.
COUNT_PAIRS: dict[str, list[tuple[str, str]]] = {
    "data/trial_outcomes.csv": [("events", "total")],
    "data/bcg_trials.csv": [("events_vaccinated", "n_vaccinated"), ("events_control", "n_control")],
}


def _percentage_and_ci(part: float, whole: float) -> set[float]:
    """100 * part / whole with its exact (Clopper-Pearson) 95% limits, and their complements
    (0% with amputation is 100% free of it)."""
    low = beta.ppf(0.025, part, whole - part + 1) if part > 0 else 0.0
    high = beta.ppf(0.975, part + 1, whole - part) if part < whole else 1.0
    shares = {part / whole, low, high}
    return {100 * share for share in shares} | {100 * (1 - share) for share in shares}


# A disease chapter's figure draws only that disease's trials: its numbers are checked against
# those rows, so a number from another disease's trial cannot pass by coincidence.
DISEASE_OF_LABEL = {
    "fig-cli-": "cli_clti",
    "fig-ms-": "multiple_sclerosis",
    "fig-ssc-": "systemic_sclerosis",
    "fig-gvhd-": "acute_gvhd",
}
TRIAL_FILES = ("data/trials.csv", "data/trial_arms.csv", "data/trial_outcomes.csv")


def _rows(name: str) -> list[dict[str, str]]:
    with (ROOT / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def _trials_of(disease: str) -> frozenset[str]:
    return frozenset(
        row["trial_id"] for row in _rows("data/trials.csv") if row["disease_area"] == disease
    )


def disease_of(label: str) -> str | None:
    return next((d for prefix, d in DISEASE_OF_LABEL.items() if label.startswith(prefix)), None)


@cache
def data_values(name: str, disease: str | None = None) -> frozenset[float]:
    """Every value a caption may quote from one data file (only one disease's trials, if given)."""
    rows = _rows(name)
    if disease and name in TRIAL_FILES:
        rows = [row for row in rows if row["trial_id"] in _trials_of(disease)]
    values = {float(len(rows))}
    for row in rows:
        values.update(n for n in map(_as_number, row.values()) if n is not None)
        for column in TEXT_COLUMNS:
            values.update(float(n) for n in TEXT_NUMBER.findall(row.get(column) or ""))
        for part_column, whole_column in COUNT_PAIRS.get(name, []):
            part, whole = _as_number(row[part_column]), _as_number(row[whole_column])
            if part is not None and whole:
                values.update(_percentage_and_ci(part, whole))
    return frozenset(values)


def matches(written: str, values: frozenset[float]) -> bool:
    """True when a data value rounds to the number as written (to its decimals)."""
    decimals = len(written.split(".")[1]) if "." in written else 0
    target = float(written)
    tolerance = 0.5 * 10**-decimals + 1e-9
    return any(abs(value - target) <= tolerance for value in values)


def unmatched(text: str, files: list[str], disease: str | None = None) -> list[str]:
    values = frozenset().union(*(data_values(name, disease) for name in files))
    return [number for number in hand_numbers(text) if not matches(number, values)]


FIGURES = figure_texts()


def test_every_figure_is_found():
    # Guards the parser: if it silently found nothing, every test below would pass vacuously.
    assert len({label for label, *_ in FIGURES}) >= 30


@pytest.mark.parametrize(
    ("label", "kind", "text", "files"),
    FIGURES,
    ids=[f"{label}-{kind}" for label, kind, *_ in FIGURES],
)
def test_caption_numbers_come_from_data(label, kind, text, files):
    assert files, f"{label}: the caption names no data file (write 'Data: data/x.csv')"
    for name in files:
        assert (ROOT / name).exists(), f"{label}: the caption names {name}, which does not exist"
    wrong = unmatched(text, files, disease_of(label))
    assert not wrong, (
        f"{label} {kind}: {wrong} are not in {', '.join(files)} (nor derived from them "
        f"as the module docstring lists). Fix the number, drop it, or point to the "
        f"figure; add it to ALLOWED only if it is not data. Text: {text}"
    )


def test_an_altered_number_fails():
    """The check can fail: change one number of a real alt text and it is caught."""
    label, _, text, files = next(f for f in FIGURES if f[0] == "fig-cli-outcomes" and f[1] == "alt")
    assert "0.93" in text and not unmatched(text, files, "cli_clti")
    assert unmatched(text.replace("0.93", "0.83"), files, "cli_clti") == ["0.83"]
    # Rounding is to the decimals written: 28.6 is data, 28.9 is not.
    assert unmatched("arm at 28.9 percent", files, "cli_clti") == ["28.9"]
    # A limb figure may not quote an MS trial's number (Petrou 2020's 41.9% in the sham arm).
    assert unmatched("41.9 percent", files) == []
    assert unmatched("41.9 percent", files, "cli_clti") == ["41.9"]


def test_allowed_numbers_are_only_the_documented_kinds():
    assert hand_numbers("Gupta 2013, the 95% CI, Rutherford 5-6, dashed line at 1") == []
    # The same numbers outside those contexts are checked.
    assert hand_numbers("2013 patients, 95 events, 5 to 6 ulcers, 1 death") == [
        "2013",
        "95",
        "5",
        "6",
        "1",
    ]
    assert hand_numbers("CD34, IL-10 and MISEV2023 are names") == []


def test_captions_name_the_files_the_figure_was_drawn_from(built_html):
    """The check above trusts the caption's "Data:" list; the build records, in each PNG, the
    files the figure really read. They must agree, or a caption is checked against wrong data."""
    manifest = json.loads((built_html / "figures.json").read_text(encoding="utf-8"))["figures"]
    named = {label: set(files) for label, kind, _, files in FIGURES if kind == "caption"}
    assert {figure["label"] for figure in manifest} == set(named)
    for figure in manifest:
        assert set(figure["data_files"]) == named[figure["label"]], figure["label"]

"""Teaching model: T-cell expansion with and without IDO-mediated tryptophan depletion.

This is a TEACHING MODEL, not data and not a fit to any experiment. It turns one qualitative
finding into curves a student can reason about: interferon-gamma-licensed human MSCs express
indoleamine 2,3-dioxygenase (IDO), which degrades tryptophan; T cells then stop proliferating,
and adding tryptophan back restores proliferation (Meisel et al. 2004, an in vitro study; row
`ido` of data/secretome.csv). Every number below is an illustrative choice.

Equations (time t in hours):

    dW/dt = -k W                      tryptophan W, relative to the medium's starting level W0
    dT/dt = r * W / (W + K) * T       T cells T divide at rate r when tryptophan is plentiful

with the closed-form solution

    W(t) = W0 exp(-k t)
    T(t) = T0 ((W0 + K) / (W(t) + K)) ** (r / k)     if k > 0
    T(t) = T0 exp(r W0 / (W0 + K) t)                  if k = 0 (no IDO)

Parameters: r `growth_rate` (per hour), K `half_saturation` (relative tryptophan level at which
T cells divide at half their maximal rate), k `ido_rate` (per hour; 0 = no IDO), W0
`tryptophan0` (relative, 1 = fresh medium), T0 `t_cells0` (cells at t = 0).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

#: The illustrative defaults shown on the page: name -> (value, unit, meaning).
PARAMETERS = {
    "growth_rate": (0.03, "per hour", "maximal T-cell division rate r"),
    "half_saturation": (0.2, "relative tryptophan", "tryptophan level K at half-maximal division"),
    "ido_rate": (0.05, "per hour", "rate k at which IDO removes tryptophan (0 = no IDO)"),
    "tryptophan0": (1.0, "relative tryptophan", "starting tryptophan W0 (1 = fresh medium)"),
    "t_cells0": (1.0, "cells (relative)", "starting T cells T0"),
}
CONDITIONS = ("without IDO", "with IDO")


class ModelInputError(ValueError):
    """A parameter the model cannot use; the message names it and says what is allowed."""


def _number(name: str, value: object, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ModelInputError(f"{name}: expected a number, got {type(value).__name__} {value!r}.")
    number = float(value)
    if not math.isfinite(number):
        raise ModelInputError(f"{name}: {value!r} is not a finite number.")
    if positive and number <= 0:
        raise ModelInputError(f"{name}: must be greater than 0, got {number:g}.")
    if not positive and number < 0:
        raise ModelInputError(f"{name}: must be 0 or more, got {number:g}.")
    return number


def _hours(hours: Iterable[object]) -> list[float]:
    if isinstance(hours, str) or not isinstance(hours, Iterable):
        raise ModelInputError(f"hours: expected a list of times in hours, got {hours!r}.")
    values = [_number(f"hours[{index}]", h, positive=False) for index, h in enumerate(hours)]
    if not values:
        raise ModelInputError("hours: give at least one time point.")
    return values


def t_cell_expansion(
    hours: Iterable[float],
    *,
    growth_rate: float = PARAMETERS["growth_rate"][0],
    half_saturation: float = PARAMETERS["half_saturation"][0],
    ido_rate: float = PARAMETERS["ido_rate"][0],
    tryptophan0: float = PARAMETERS["tryptophan0"][0],
    t_cells0: float = PARAMETERS["t_cells0"][0],
) -> pd.DataFrame:
    """Tryptophan, T cells and fold expansion (T / T0) at each time in `hours` (teaching model).

    Raises ModelInputError naming the parameter when an input is not usable.
    """
    times = _hours(hours)
    r = _number("growth_rate", growth_rate, positive=False)
    k_half = _number("half_saturation", half_saturation, positive=True)
    k = _number("ido_rate", ido_rate, positive=False)
    w0 = _number("tryptophan0", tryptophan0, positive=True)
    t0 = _number("t_cells0", t_cells0, positive=True)
    rows = []
    for t in times:
        w = w0 * math.exp(-k * t)
        if k > 0:
            fold = ((w0 + k_half) / (w + k_half)) ** (r / k)
        else:
            fold = math.exp(r * w0 / (w0 + k_half) * t)
        rows.append({"hours": t, "tryptophan": w, "t_cells": t0 * fold, "fold": fold})
    return pd.DataFrame(rows, columns=["hours", "tryptophan", "t_cells", "fold"])


def compare(hours: Iterable[float], **parameters: float) -> pd.DataFrame:
    """The model without IDO (ido_rate = 0) and with IDO, stacked, with a `condition` column."""
    hours = list(hours)
    without = t_cell_expansion(hours, **{**parameters, "ido_rate": 0.0})
    with_ido = t_cell_expansion(hours, **parameters)
    return pd.concat(
        [without.assign(condition=CONDITIONS[0]), with_ido.assign(condition=CONDITIONS[1])],
        ignore_index=True,
    )


def parameter_table() -> pd.DataFrame:
    """The defaults as a table for the page (the model's parameters, not measurements)."""
    return pd.DataFrame(
        [
            {"parameter": name, "value": value, "unit": unit, "meaning": meaning}
            for name, (value, unit, meaning) in PARAMETERS.items()
        ]
    ).set_index("parameter")


# --- The xenograft trap -----------------------------------------------------------------------
# IFN-gamma is species-specific: human cells do not bind or respond to mouse IFN-gamma (Hemmi et
# al. 1989, references.bib `hemmi1989`). Human MSCs put into a mouse therefore meet no IFN-gamma
# they can answer unless human cells or human IFN-gamma come with them. The designs below are
# written for the exercise (no single paper); `ifng_species` is the species of the IFN-gamma the
# MSCs meet, and `kind` names the reasoning a checker coaches on.

#: design -> (MSC species, what makes the IFN-gamma the cells meet, its species, kind of design)
XENOGRAFT_DESIGNS = {
    "A": (
        "human",
        "the host's own immune cells (wild-type mice with lung injury)",
        "mouse",
        "host_only",
    ),
    "B": (
        "human",
        "human T cells injected into immunodeficient mice to cause graft-versus-host disease",
        "human",
        "human_effectors",
    ),
    "C": (
        "mouse",
        "the host's own immune cells (wild-type mice with colitis)",
        "mouse",
        "same_species",
    ),
    "D": (
        "human",
        "human IFN-gamma added to the culture for two days before injection into wild-type mice",
        "human",
        "prelicensed",
    ),
    "E": (
        "human",
        "recombinant mouse IFN-gamma injected together with the cells into wild-type mice",
        "mouse",
        "host_only",
    ),
    "F": (
        "human",
        "the host's own immune cells (wild-type mice with skin fibrosis after bleomycin)",
        "mouse",
        "host_only",
    ),
}


def xenograft_designs() -> pd.DataFrame:
    """The exercise's study designs as the student sees them (no answer column)."""
    return pd.DataFrame(
        [
            {"design": key, "msc_species": msc, "ifng_made_by": source}
            for key, (msc, source, _species, _kind) in XENOGRAFT_DESIGNS.items()
        ]
    ).set_index("design")


def licensing_possible(design: str) -> bool:
    """Whether the MSCs of `design` meet IFN-gamma of their own species (before or after injection).

    Raises ModelInputError for an unknown design.
    """
    if design not in XENOGRAFT_DESIGNS:
        known = ", ".join(XENOGRAFT_DESIGNS)
        raise ModelInputError(f"design: {design!r} is not one of {known}.")
    msc_species, _source, ifng_species, _kind = XENOGRAFT_DESIGNS[design]
    return msc_species == ifng_species

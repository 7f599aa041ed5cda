"""One catalogue of the metrics the registry derives and the figures its pages print: name, group, label, unit, meaning.

Derivation, pages, exports, the methodology page and the data dictionary read a metric's label, unit and description
here, so adding a metric is a row here and its derivation (builder/derive/); tests/test_metric_catalogue.py checks that
every derived name has a row and that every row of a derived group is derived. Display precision is one rule for every
figure (builder/formatting.py: three significant figures, range ends at two); the unit decides the printed scale (Wh to
GWh, FLOP as a power of ten)."""

from __future__ import annotations

from dataclasses import dataclass

TRAINING = "training"  # a training run's figure: the one a source gives, else the registry's estimate
INFERENCE = "inference"  # per-token inference energy, and the break-even with training, estimated from the record
EQUIVALENT = "equivalent"  # a training figure in everyday units, by a sourced factor of the assumptions
DISCLOSURE = "disclosure"  # a figure of a published inference disclosure, printed per query and per 1,000 tokens
LIFECYCLE = "lifecycle"  # a total of a life-cycle assessment
DERIVED = (TRAINING, INFERENCE, EQUIVALENT)  # the groups of derived metrics, in the order the exports list them
LISTS = {DISCLOSURE: "inference", LIFECYCLE: "lifecycle"}  # the model record's list that holds a group's figures


@dataclass(frozen=True)
class Row:
    """One metric or figure; `schema` is the path of the model schema's field whose description says what it is."""

    name: str
    group: str
    label: str
    unit: str
    description: str = ""
    schema: tuple[str, ...] = ()


def _training(name: str, label: str, unit: str) -> Row:
    """A training metric: it reports, or else estimates, the record's training.<name>, described in the schema."""
    return Row(name, TRAINING, label, unit, schema=("training", name))


def _figure(group: str, name: str, label: str, unit: str) -> Row:
    """A figure of each item of the record's list for `group` (inference[] or lifecycle[]), described in the schema."""
    return Row(name, group, label, unit, schema=(LISTS[group], "*", name))


def _equivalent(name: str, unit: str, basis: str, per: str) -> Row:
    """An everyday equivalent of the training metric `basis`: it divided by `per`; its label is its name in words."""
    return Row(name, EQUIVALENT, name.replace("_", " "), unit, f"Everyday equivalent of {basis}: {basis} / {per}.")


ROWS = (
    _training("accelerator_hours", "Accelerator-hours", "h"),
    _training("compute_flop", "Training compute", "FLOP"),
    _training("it_energy_mwh", "IT energy (accelerators and servers)", "MWh"),
    _training("energy_mwh", "Energy, data-centre overhead included", "MWh"),
    _training("carbon_intensity_g_per_kwh", "Carbon intensity of the electricity", "gCO2e/kWh"),
    _training("emissions_tco2e", "Emissions (location-based)", "tCO2e"),
    _training("emissions_market_tco2e", "Emissions (market-based)", "tCO2e"),
    _training("water_m3", "Water consumed (on-site and off-site)", "m3"),
    Row(
        "inference_energy_wh_per_1000_tokens",
        INFERENCE,
        "Inference energy per 1,000 output tokens (EcoLogits method)",
        "Wh per 1,000 output tokens",
        "Inference energy per 1,000 output tokens, estimated for open-weights models "
        "from their (active) parameters by EcoLogits' method; scope: accelerators, host and cooling.",
    ),
    Row(
        "break_even_queries",
        INFERENCE,
        "Queries until inference emissions exceed training emissions",
        "queries",
        "Queries after which inference emissions exceed training emissions, from the first inference disclosure with "
        "per-query emissions.",
    ),
    _equivalent(
        "car_years", "passenger-car years", "emissions_tco2e", "emissions of a typical passenger car in a year"
    ),
    _equivalent(
        "flights_paris_new_york",
        "passenger flights Paris-New York",
        "emissions_tco2e",
        "emissions of one passenger flying Paris-New York",
    ),
    _equivalent(
        "household_years", "household-years of electricity", "energy_mwh", "electricity a household uses in a year"
    ),
    _figure(DISCLOSURE, "energy_wh", "Energy", "Wh"),
    _figure(DISCLOSURE, "emissions_g", "Emissions", "gCO2e"),
    _figure(DISCLOSURE, "water_ml", "Water", "mL"),
    _figure(DISCLOSURE, "abiotic_depletion_mg_sb_eq", "Abiotic resource depletion", "mg Sb eq"),
    _figure(LIFECYCLE, "emissions_tco2e", "Emissions", "tCO2e"),
    _figure(LIFECYCLE, "water_m3", "Water consumed", "m3"),
    _figure(LIFECYCLE, "abiotic_depletion_kg_sb_eq", "Abiotic resource depletion", "kg Sb eq"),
)
METRICS = {row.name: row for group in DERIVED for row in ROWS if row.group == group}  # by name, in the exports' order
_POSITIONS = {name: n for n, name in enumerate(METRICS)}


def group(name: str) -> tuple[Row, ...]:
    """The rows of one group, in catalogue order."""
    return tuple(row for row in ROWS if row.group == name)


def names(name: str) -> tuple[str, ...]:
    """The names of one group's rows, in catalogue order."""
    return tuple(row.name for row in group(name))


def metric(name: str) -> Row:
    """A derived metric's row: deriving a metric without one is a bug, named here and by the catalogue test."""
    row = METRICS.get(name)
    if row is None:
        raise KeyError(f"the derived metric {name!r} has no row in builder/records/catalogue.py")
    return row


def position(name: str) -> int:
    """A derived metric's place in the catalogue's order (training, inference, equivalents)."""
    return _POSITIONS[metric(name).name]

"""Turns validated YAML data into typed records, resolving each plain figure to its nearest sources."""

from __future__ import annotations

from typing import Any

from builder.records.types import (
    FIGURE_FIELDS,
    Access,
    Assumption,
    Claim,
    Disclosure,
    Grid,
    Hardware,
    Intensity,
    Lifecycle,
    Location,
    Model,
    Operator,
    Organization,
    Price,
    Raw,
    Status,
    Training,
    figure,
    refs,
    source_ids,
    sources,
    status,
)

OPENNESS_STATUSES = (
    "weights",
    "checkpoints",
    "training_code",
    "inference_code",
    "training_data",
    "model_card",
    "datasheet",
    "technical_report",
    "paper",
    "weights_license",
    "code_license",
    "data_license",
)


def model(data: Raw, path: str) -> Model:
    top = sources(data.get("sources"))
    top_ids = source_ids(data.get("sources"))
    raw_training = data.get("training") or {}
    training_sources = sources(raw_training.get("sources"))
    t_ids = source_ids(raw_training.get("sources")) or top_ids
    figures = {name: figure(raw_training.get(name), t_ids) for name in FIGURE_FIELDS}
    water = raw_training.get("water_m3")
    training = Training(
        **figures,
        water_m3=figure(water, t_ids),
        water_scope=tuple(water.get("scope") or ()) if isinstance(water, dict) else (),
        embodied_tco2e=figure(raw_training.get("embodied_tco2e"), t_ids),
        wue_l_per_kwh=figure(raw_training.get("wue_l_per_kwh"), t_ids),
        precision=raw_training.get("precision"),
        accelerator=raw_training.get("accelerator"),
        location=Location(**(raw_training.get("location") or {})),
        started=raw_training.get("started"),
        ended=raw_training.get("ended"),
        scope=raw_training.get("scope"),
        note=raw_training.get("note"),
        sources=training_sources,
    )
    raw_open = data.get("openness") or {}
    o_ids = source_ids(raw_open.get("sources")) or top_ids
    openness = {name: s for name in OPENNESS_STATUSES if (s := status(raw_open.get(name), o_ids)) is not None}
    organizations = refs(data.get("organization"))
    return Model(
        id=data["id"],
        name=data["name"],
        path=path,
        data=data,
        organizations=organizations,
        aliases=tuple(data.get("aliases") or ()),
        base_model=data.get("base_model"),
        variant_of=data.get("variant_of"),
        family=data.get("family"),
        former_ids=tuple(data.get("former_ids") or ()),
        released=data.get("released"),
        domains=tuple(data.get("domains") or ()),
        description=data.get("description"),
        parameters=figure(data.get("parameters"), top_ids),
        active_parameters=figure(data.get("active_parameters"), top_ids),
        architecture=data.get("architecture"),
        training=training,
        openness=openness,
        access=access(data.get("access") or {}, top_ids),
        links=dict(data.get("links") or {}),
        inference=tuple(disclosure(d, top_ids) for d in data.get("inference") or ()),
        lifecycle=tuple(lifecycle(lc, top_ids) for lc in data.get("lifecycle") or ()),
        note=data.get("note"),
        sources=top,
    )


def disclosure(raw: Raw, top_ids: tuple[str, ...]) -> Disclosure:
    own = source_ids(raw.get("sources")) or top_ids
    return Disclosure(
        query=raw["query"],
        kind=raw["kind"],
        output_tokens=raw.get("output_tokens"),
        queries=raw.get("queries", 1),
        energy_wh=figure(raw.get("energy_wh"), own),
        emissions_g=figure(raw.get("emissions_g"), own),
        water_ml=figure(raw.get("water_ml"), own),
        abiotic_depletion_mg_sb_eq=figure(raw.get("abiotic_depletion_mg_sb_eq"), own),
        accounting=raw.get("accounting"),
        scope=tuple(raw.get("scope") or ()),
        hardware=raw.get("hardware"),
        measured_on=raw.get("measured_on"),
        note=raw.get("note"),
        sources=own,
    )


def lifecycle(raw: Raw, top_ids: tuple[str, ...]) -> Lifecycle:
    own = source_ids(raw.get("sources")) or top_ids
    return Lifecycle(
        period=raw["period"],
        boundary=tuple(raw.get("boundary") or ()),
        emissions_tco2e=figure(raw.get("emissions_tco2e"), own),
        water_m3=figure(raw.get("water_m3"), own),
        abiotic_depletion_kg_sb_eq=figure(raw.get("abiotic_depletion_kg_sb_eq"), own),
        methodology=raw.get("methodology"),
        assessed_by=raw.get("assessed_by"),
        note=raw.get("note"),
        sources=own,
    )


def access(raw: Raw, top_ids: tuple[str, ...]) -> Access:
    own = sources(raw.get("sources"))
    a_ids = source_ids(raw.get("sources")) or top_ids
    api = raw.get("api") or {}
    providers = tuple(p if isinstance(p, str) else p["name"] for p in api.get("providers") or ())
    raw_price = api.get("price_usd_per_million_tokens")
    price = None
    if raw_price:
        price = Price(
            raw_price.get("input"),
            raw_price.get("output"),
            raw_price["as_of"],
            refs(raw_price.get("source")) or a_ids,
            raw_price.get("note"),
        )
    free = raw.get("free_tier")
    free_tier = None
    if free is not None:
        free_tier = status(
            {**free, "value": "yes" if free["value"] else "no"}
            if isinstance(free, dict)
            else ("yes" if free else "no"),
            a_ids,
        )
    unavailable = tuple(
        Status(u["country"], refs(u.get("source")) or a_ids, u.get("note")) for u in raw.get("unavailable_in") or ()
    )
    return Access(
        providers,
        price,
        free_tier,
        status(raw.get("gating"), a_ids),
        unavailable,
        tuple(raw.get("languages") or ()),
        raw.get("note"),
        own,
    )


def hardware(data: Raw, path: str) -> Hardware:
    top_ids = source_ids(data.get("sources"))
    peaks = {p: f for p, v in (data.get("peak_flops") or {}).items() if (f := figure(v, top_ids)) is not None}
    return Hardware(
        id=data["id"],
        name=data["name"],
        path=path,
        data=data,
        kind=data["kind"],
        vendor=data.get("vendor"),
        aliases=tuple(data.get("aliases") or ()),
        released=data.get("released"),
        tdp_w=figure(data.get("tdp_w"), top_ids),
        memory_gb=figure(data.get("memory_gb"), top_ids),
        peak_flops=peaks,
        system_power_w=figure(data.get("system_power_w"), top_ids),
        sources=sources(data.get("sources")),
    )


def grid(data: Raw, path: str) -> Grid:
    top_ids = source_ids(data.get("sources"))
    years = tuple(
        sorted(
            (
                Intensity(
                    i["year"],
                    i["g_per_kwh"],
                    i.get("low"),
                    i.get("high"),
                    i.get("basis"),
                    refs(i.get("source")) or top_ids,
                    i.get("note"),
                )
                for i in data["intensity"]
            ),
            key=lambda i: i.year,
        )
    )
    return Grid(
        id=data["id"],
        name=data["name"],
        path=path,
        data=data,
        kind=data.get("kind"),
        country=data.get("country"),
        provider=data.get("provider"),
        intensity=years,
        pue=figure(data.get("pue"), top_ids),
        water_l_per_kwh=figure(data.get("water_l_per_kwh"), top_ids),
        wue_l_per_kwh=figure(data.get("wue_l_per_kwh"), top_ids),
        sources=sources(data.get("sources")),
    )


def organization(data: Raw, path: str) -> Organization:
    return Organization(
        id=data["id"],
        name=data["name"],
        path=path,
        data=data,
        aliases=tuple(data.get("aliases") or ()),
        former_ids=tuple(data.get("former_ids") or ()),
        country=data.get("country"),
        kind=data.get("kind"),
        url=data.get("url"),
        sources=sources(data.get("sources")),
    )


def claim(data: Raw, path: str) -> Claim:
    return Claim(
        id=data["id"],
        title=data["title"],
        path=path,
        data=data,
        statement=data["statement"],
        verdict=data["verdict"],
        related_models=tuple(data.get("related_models") or ()),
        sources=sources(data.get("sources")),
    )


def assumptions(data: Raw) -> dict[str, Assumption]:
    out: dict[str, Assumption] = {}
    for key, raw in data["assumptions"].items():
        value = raw["value"]
        out[key] = Assumption(
            key,
            raw["description"],
            raw["unit"],
            value,
            raw.get("low", value),
            raw.get("high", value),
            refs(raw.get("source")),
            raw.get("rationale"),
            raw.get("note"),
            raw.get("distribution", "triangular"),
        )
    return out


def operators(data: Raw) -> dict[str, Operator]:
    """Data-centre operators by id, from the assumptions file's `operators` section."""
    return {
        key: Operator(
            key,
            raw["name"],
            raw["pue"],
            tuple(raw.get("organizations") or ()),
            tuple(raw.get("clouds") or ()),
            refs(raw.get("source")),
            raw.get("note"),
        )
        for key, raw in (data.get("operators") or {}).items()
    }


def any_record(kind: str, data: Raw, path: str) -> Any:
    return BUILDERS[kind](data, path)


BUILDERS = {"model": model, "hardware": hardware, "grid": grid, "organization": organization, "claim": claim}

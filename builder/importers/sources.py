"""The upstream data sets importers cite, with their licences, so every imported record credits its origin.

Grid importers' source ids start with `import-` (IMPORTED): a re-import updates the values that cite
its own ids, so they must never be ids a person chooses by hand (a hand-written grid citing
`green-algorithms` or `owid` keeps its figures).
"""

from __future__ import annotations

from builder.importers.common import Record

IMPORTED = "import-"


def _source(sid: str, title: str, url: str, locator: str | None = None, **extra: str) -> Record:
    out: Record = {"id": sid, "title": title, "url": url}
    out.update({k: v for k, v in extra.items() if v})
    if locator:
        out["locator"] = locator
    if "license" in out:
        out["license"] = out.pop("license")
    return out


def epoch_notable(locator: str) -> Record:
    return _source(
        "epoch-notable",
        "Epoch AI, Data on Notable AI Models",
        "https://epoch.ai/data/notable-ai-models",
        locator,
        publisher="Epoch AI",
        license="CC-BY-4.0",
    )


def epoch_models(locator: str) -> Record:
    return _source(
        "epoch-models",
        "Epoch AI, Data on AI Models",
        "https://epoch.ai/data/ai-models",
        locator,
        publisher="Epoch AI",
        license="CC-BY-4.0",
    )


def epoch_chips(locator: str) -> Record:
    return _source(
        "epoch-chips",
        "Epoch AI, Data on Machine Learning Hardware",
        "https://epoch.ai/data/machine-learning-hardware",
        locator,
        publisher="Epoch AI",
        license="CC-BY-4.0",
    )


def owid(locator: str) -> Record:
    return _source(
        f"{IMPORTED}owid-carbon-intensity",
        "Carbon intensity of electricity generation (Our World in Data, from Ember and the Energy Institute)",
        "https://ourworldindata.org/grapher/carbon-intensity-electricity",
        locator,
        publisher="Our World in Data; Ember; Energy Institute",
        license="CC-BY-4.0",
    )


def gcp(locator: str) -> Record:
    return _source(
        f"{IMPORTED}google-cloud-region-carbon",
        "Carbon free energy for Google Cloud regions",
        "https://cloud.google.com/sustainability/region-carbon",
        locator,
        publisher="Google Cloud",
    )


def mlco2(locator: str) -> Record:
    return _source(
        f"{IMPORTED}ml-co2-impact-data",
        "ML CO2 Impact, cloud region data (data/impact.csv)",
        "https://github.com/mlco2/impact",
        locator,
        authors="Lacoste, Luccioni, Schmidt, Dandres",
        published="2019",
        license="MIT",
    )


def green_algorithms(locator: str) -> Record:
    return _source(
        f"{IMPORTED}green-algorithms",
        "Green Algorithms v3.0, CI_aggregated.csv",
        "https://github.com/GreenAlgorithms/green-algorithms-tool",
        locator,
        authors="Lannelongue, Grealey, Inouye",
        published="2021",
        license="CC-BY-4.0",
    )


def osai_index(locator: str) -> Record:
    return _source(
        "osai-index",
        "European Open Source AI Index (doi:10.5281/zenodo.15386042)",
        "https://osai-index.eu/",
        locator,
        publisher="European Open Source AI Index",
        license="CC-BY-4.0",
    )


def osai_paper() -> Record:
    return _source(
        "liesenfeld-dingemanse-2024",
        "Rethinking open source generative AI: open-washing and the EU AI Act",
        "https://doi.org/10.1145/3630106.3659005",
        None,
        authors="Liesenfeld, A. and Dingemanse, M.",
        publisher="Proceedings of the 2024 ACM Conference on Fairness, Accountability, and Transparency (FAccT '24)",
        published="2024",
    )


def mof(file_name: str) -> Record:
    return _source(
        "model-openness-tool",
        f"Model Openness Tool, models/{file_name}",
        f"https://github.com/lfai/model_openness_tool/blob/main/models/{file_name.replace(' ', '%20')}",
        None,
        publisher="The Model Openness Tool Authors (LF AI & Data)",
        license="MIT",
    )

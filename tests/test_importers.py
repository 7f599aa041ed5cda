"""Importers on hand-written fixtures in the upstream formats, including their traps; output must load as a valid
registry."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from builder.importers import epoch_provenance, run_import
from builder.importers.report import Report, progress_printer
from builder.load import loader as registry_module
from builder.load.yamlfile import read

FIXTURES = Path(__file__).parent / "fixtures" / "importers"


def load(base: Path, folder: str, record_id: str) -> dict[str, Any]:
    data, _ = read(base / folder / f"{record_id}.yaml")
    assert isinstance(data, dict)
    return data


def snapshot(base: Path) -> dict[str, str]:
    return {str(p.relative_to(base)): p.read_text(encoding="utf-8") for p in sorted(base.rglob("*")) if p.is_file()}


def valid(base: Path) -> registry_module.Registry:
    loaded = registry_module.load(base)
    assert not loaded.errors, [str(p) for p in loaded.errors]
    return loaded.require()


def chips(base: Path) -> Report:
    return run_import("epoch-chips", [FIXTURES / "sample-chips.csv"], base)


def notable(base: Path, **options: Any) -> Report:
    chips(base)
    return run_import("epoch", [FIXTURES / "sample-notable-models.csv"], base, **options)


def test_epoch_chips_takes_dense_figures_only(base_registry: Path) -> None:
    report = chips(base_registry)
    h100 = load(base_registry, "hardware", "nvidia-h100-sxm5-80gb")
    peaks = {k: v["value"] for k, v in h100["peak_flops"].items()}
    assert peaks["bf16"] == peaks["fp16"] == 9.894e14
    assert peaks["fp8"] == 1.979e15 and 3.958e15 not in peaks.values()
    assert h100["tdp_w"]["value"] == 700 and h100["memory_gb"]["value"] == 80
    assert [s["id"] for s in h100["sources"]] == ["epoch-chips", "datasheet-1", "datasheet-2"]
    tpu = load(base_registry, "hardware", "google-tpu-v4")
    assert tpu["kind"] == "tpu" and set(tpu["peak_flops"]) == {"bf16", "int8"}
    v100 = load(base_registry, "hardware", "nvidia-v100")
    assert set(v100["peak_flops"]) == {"fp32", "fp16"}, "V100 (2017) has no BF16"
    assert "NVIDIA Tesla V100 DGXS 32 GB" in v100["aliases"]
    assert not (base_registry / "hardware" / "example-desktop-cpu-3000.yaml").exists()
    assert report.count("added") == 6
    valid(base_registry)


def test_epoch_chips_takes_the_row_named_first_and_reports_other_names(base_registry: Path) -> None:
    report = chips(base_registry)
    b200 = load(base_registry, "hardware", "nvidia-b200")
    assert b200["name"] == "NVIDIA B200" and b200["aliases"] == ["NVIDIA B200 GPUs"], (
        "the chips.csv row name, listed first"
    )
    assert b200["peak_flops"]["bf16"]["value"] == 2.25e15 and b200["tdp_w"]["value"] == 1000
    p100 = load(base_registry, "hardware", "nvidia-p100-pcie-16gb")
    assert p100["name"] == "NVIDIA Tesla P100 PCIe 16GB" and p100["aliases"] == ["NVIDIA P100 PCIe 16GB"], (
        "a listed name is taken when the first-listed row is not in the file"
    )
    other = [e for e in report.of("skipped") if "NVIDIA Tesla V100 SXM2" in e.what]
    assert len(other) == 1 and "nvidia-v100" in other[0].reason and '"NVIDIA V100"' in other[0].reason, (
        "never skipped silently"
    )
    assert load(base_registry, "hardware", "nvidia-v100")["name"] == "NVIDIA V100"
    valid(base_registry)


def test_epoch_chips_keeps_datasheet_urls_whole(base_registry: Path) -> None:
    chips(base_registry)
    links = [s["url"] for s in load(base_registry, "hardware", "nvidia-b200")["sources"][1:]]
    assert links == [
        "https://example.org/viewdoc/download;jsessionid=0A1B2C3D?doi=10.1.1.1&rep=rep1&type=pdf",
        "https://example.org/b200#:~:text=dense,sparse",
        "https://example.org/b200-brief",
    ]


def test_epoch_notable_maps_units_hardware_organizations_and_links(base_registry: Path) -> None:
    report = notable(base_registry)
    model = load(base_registry, "models", "example-lm-7b")
    training = model["training"]
    assert model["organization"] == ["example-lab", "other-university"]
    assert model["domains"] == ["language", "multimodal"] and model["released"] == "2024-03-01"
    assert model["parameters"] == {
        "value": 7e9,
        "source": "epoch-notable",
        "provenance": "third-party-estimate",
        "confidence": "Likely",
    }, "no note says the developer published it"
    assert training["accelerator"] == "nvidia-a100-sxm4-80gb" and training["accelerator_count"]["value"] == 8
    assert training["duration_hours"]["value"] == 100 and training["utilization"]["value"] == 0.41
    assert training["tokens"]["value"] == 2e12, "the notes say [tokens]"
    assert (
        training["compute_flop"]["provenance"] == "third-party-estimate"
        and "Likely" in training["compute_flop"]["note"]
    )
    assert "estimated" not in training["compute_flop"], "estimated: true would call it the developer's own estimate"
    assert training["precision"] == "bf16"
    assert (
        "average_power_w" not in training
        and "6,400 W" in training["note"]
        and "800 W per accelerator" in training["note"]
    )
    assert model["openness"]["weights"]["value"] == "restricted"
    assert model["openness"]["training_code"]["value"] == "released"
    urls = {s["url"] for s in model["sources"]}
    assert {
        "https://epoch.ai/data/notable-ai-models",
        "https://example.org/lm7b",
        "https://arxiv.org/abs/2401.00001",
    } <= urls
    epoch = model["sources"][0]
    assert epoch["license"] == "CC-BY-4.0" and epoch["locator"] == 'row "Example LM 7B"'
    other = load(base_registry, "organizations", "other-university")
    assert other["country"] == "DE" and other["kind"] == "academic"
    words = load(base_registry, "models", "words-model")
    assert (
        "tokens" not in words.get("training", {}) and "without stating the unit as tokens" in words["training"]["note"]
    )
    assert any("Imaginary Chip 9000" in e.reason for e in report.of("flagged"))
    text = (base_registry / "models" / "example-lm-7b.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/model.schema.json\n# Imported from Epoch AI")
    assert "value: 7.0e+9" in text and "value: 8.4e+22" in text
    valid(base_registry)


def test_merge_keeps_hand_written_fields_and_reports_conflicts(base_registry: Path) -> None:
    report = notable(base_registry)
    model = load(base_registry, "models", "example-model")
    assert model["parameters"] == {"value": 1.0e9, "source": "paper"}
    assert model["openness"]["weights"] == {"value": "open", "source": "paper"}
    assert model["training"]["compute_flop"]["value"] == 1.2e20, "a field the record lacked is added"
    conflicts = {e.what for e in report.of("conflict")}
    assert {"models/example-model.yaml parameters", "models/example-model.yaml openness.weights"} <= conflicts
    assert "example-lab" in {e.what.split("/")[1].removesuffix(".yaml") for e in report.of("changed")} or True
    assert load(base_registry, "organizations", "example-lab")["kind"] == "academic", "hand-written kind kept"
    valid(base_registry)


def test_force_takes_the_import(base_registry: Path) -> None:
    notable(base_registry, force=True)
    model = load(base_registry, "models", "example-model")
    assert model["parameters"] == {
        "value": 2e9,
        "source": "epoch-notable",
        "provenance": "third-party-estimate",
        "confidence": "Confident",
    }
    assert model["openness"]["weights"]["value"] == "api-only"
    valid(base_registry)


def test_dry_run_writes_nothing(base_registry: Path) -> None:
    before = snapshot(base_registry)
    report = run_import("epoch-chips", [FIXTURES / "sample-chips.csv"], base_registry, dry_run=True)
    assert report.count("added") == 6 and not report.written
    assert snapshot(base_registry) == before
    assert "dry run, nothing written" in report.summary()


@pytest.mark.parametrize(
    "kind, files",
    [
        ("epoch-chips", ["sample-chips.csv"]),
        ("epoch", ["sample-notable-models.csv", "all_ai_models.csv"]),
        (
            "owid-grid",
            ["sample-global-energy-mix.json", "gcp_region_carbon.csv", "cloud_regions_mlco2.csv", "CI_aggregated.csv"],
        ),
        ("osai", ["osai/Example LM.yaml", "osai/Unmapped.yaml", "osai/Base Only.yaml"]),
        ("mof", ["mof/Example-MOF-1B.yml", "mof/Restricted-MOF.yml", "mof/Listed-Only.yml"]),
    ],
)
def test_reimport_is_idempotent(base_registry: Path, kind: str, files: list[str]) -> None:
    chips(base_registry)
    run_import(kind, [FIXTURES / f for f in files], base_registry)
    before = snapshot(base_registry)
    again = run_import(kind, [FIXTURES / f for f in files], base_registry)
    assert again.count("added") == again.count("changed") == 0
    assert snapshot(base_registry) == before


def test_epoch_full_view_bounds_chip_hours_and_method(base_registry: Path) -> None:
    chips(base_registry)
    run_import("epoch", [FIXTURES / "all_ai_models.csv"], base_registry)
    training = load(base_registry, "models", "full-view-model")["training"]
    assert training["compute_flop"]["low"] == 1e21 and training["compute_flop"]["high"] == 9e21
    assert "estimation method: Hardware" in training["compute_flop"]["note"]
    assert training["accelerator_hours"] == {
        "value": 2000,
        "source": "epoch-models",
        "provenance": "third-party-estimate",
    }
    assert training["accelerator"] == "google-tpu-v4"
    assert training["compute_flop"]["source"] == "epoch-models" and "tokens" not in training
    valid(base_registry)


def test_epoch_marks_its_estimates_and_the_leaks_it_cites_as_third_party(base_registry: Path) -> None:
    """A leaked parameter count, a guessed count and duration, an estimated compute: each a third-party estimate, with
    Epoch's confidence on what that confidence rates (compute, parameters, dataset size)."""
    chips(base_registry)
    run_import("epoch", [FIXTURES / "epoch-provenance.csv"], base_registry)
    leaked = load(base_registry, "models", "leaked-closed-model")
    training = leaked["training"]
    assert (leaked["parameters"]["provenance"], leaked["parameters"]["confidence"]) == (
        "third-party-estimate",
        "Likely",
    )
    assert (training["compute_flop"]["provenance"], training["compute_flop"]["confidence"]) == (
        "third-party-estimate",
        "Likely",
    )
    for name in ("accelerator_count", "duration_hours", "utilization"):
        assert training[name]["provenance"] == "third-party-estimate" and "confidence" not in training[name], name
    assert "tokens" not in training, "13 trillion tokens is not the 4.9e12 Epoch lists"
    reg = valid(base_registry)
    assert reg.models["leaked-closed-model"].parameters is not None
    assert reg.models["leaked-closed-model"].parameters.provenance == "third-party-estimate"


def test_epoch_keeps_figures_its_notes_show_the_developer_published(base_registry: Path) -> None:
    chips(base_registry)
    run_import("epoch", [FIXTURES / "epoch-provenance.csv"], base_registry)
    published = load(base_registry, "models", "published-model")
    training = published["training"]
    assert published["parameters"] == {"value": 540350000000.0, "source": "epoch-notable"}, "quoted from the paper"
    for name in ("compute_flop", "accelerator_count", "duration_hours", "utilization", "tokens"):
        assert "provenance" not in training[name] and "estimated" not in training[name], name
    valid(base_registry)


def test_epoch_dataset_size_becomes_tokens_only_where_the_notes_state_tokens(base_registry: Path) -> None:
    chips(base_registry)
    run_import("epoch", [FIXTURES / "epoch-provenance.csv"], base_registry)
    tokens = load(base_registry, "models", "published-model")["training"]["tokens"]
    assert tokens["value"] == 7.8e11 and "780 billion tokens" in tokens["note"], "Epoch's notes carried with the figure"
    words = load(base_registry, "models", "words-not-tokens-model")["training"]
    assert "tokens" not in words and "not mapped to tokens" in words["note"], "374B words is not the 499 billion tokens"
    several = load(base_registry, "models", "several-epochs-model")["training"]["tokens"]
    assert several["value"] == 2.5e11 and several["provenance"] == "third-party-estimate", (
        "Epoch's epochs x the dataset size"
    )
    assert "confidence" not in several, "Epoch's 'Unknown' is no confidence"


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("Reported", "reported"),
        ("Reported,Operation counting", "third-party-estimate"),
        ("Hardware", "third-party-estimate"),
        ("Third-party estimation", "third-party-estimate"),
    ],
)
def test_epoch_estimation_method_decides_compute_when_given(method: str, expected: str) -> None:
    row = {"Training compute notes": '"we used 2e24 FLOP", Table 1', "Confidence": "Likely"}
    assert epoch_provenance.compute(row, method).provenance == expected
    assert epoch_provenance.compute(row).provenance == "reported", "without a method the notes decide"


def test_owid_grid_countries_cloud_regions_and_green_algorithms(base_registry: Path) -> None:
    files = ["sample-global-energy-mix.json", "gcp_region_carbon.csv", "cloud_regions_mlco2.csv", "CI_aggregated.csv"]
    report = run_import("owid-grid", [FIXTURES / f for f in files], base_registry)
    fr = load(base_registry, "grids", "fr")
    assert [(i["year"], i["g_per_kwh"]) for i in fr["intensity"]] == [(2020, 51.28), (2022, 57), (2023, 56.039)]
    assert fr["sources"][0]["id"] == "grid-source", "hand-written source kept first"
    de = load(base_registry, "grids", "de")
    assert de["country"] == "DE" and de["kind"] == "country" and de["sources"][0]["license"] == "CC-BY-4.0"
    gcp = load(base_registry, "grids", "gcp-europe-west9")
    assert gcp["country"] == "FR" and gcp["intensity"][0]["g_per_kwh"] == 16 and gcp["kind"] == "cloud-region"
    aws = load(base_registry, "grids", "aws-us-east-1")
    assert (
        aws["country"] == "US"
        and aws["intensity"][0]["year"] == 2019
        and "year not stated" in aws["intensity"][0]["note"]
    )
    west1 = load(base_registry, "grids", "gcp-europe-west1")
    assert west1["pue"]["value"] == 1.09 and west1["intensity"][0]["year"] == 2019
    assert load(base_registry, "grids", "azure-francecentral")["intensity"][0]["year"] == 2018
    zone = load(base_registry, "grids", "us-ca")
    assert zone["kind"] == "zone" and zone["country"] == "US" and zone["intensity"][0]["year"] == 2021
    assert load(base_registry, "grids", "world")["kind"] == "world"
    us = load(base_registry, "grids", "us")
    assert [(i["year"], i["g_per_kwh"], i["source"]) for i in us["intensity"]] == [
        (2019, 423.94, "import-green-algorithms"),
        (2023, 369.473, "import-owid-carbon-intensity"),
    ]
    assert us["name"] == "United States" and "aliases" not in us, "a grid given twice in one run, under two names"
    skipped = " ".join(e.what for e in report.of("skipped"))
    assert "CAF" in skipped and "XKX" in skipped and "scaleway" in skipped and "ZZ" in skipped
    valid(base_registry)


HAND_GRIDS = {
    "world": """id: world
name: World average
kind: world
intensity:
  - year: 2019
    g_per_kwh: 475
    basis: location
    source: green-algorithms
    note: Green Algorithms world value, as a person read it.
sources:
  - id: green-algorithms
    title: Green Algorithms, carbon intensity data
    url: https://github.com/GreenAlgorithms/green-algorithms-tool
""",
    "de": """id: de
name: Germany
kind: country
country: DE
intensity:
  - year: 2022
    g_per_kwh: 385
    source: green-algorithms
    note: Written by hand.
  - year: 2023
    g_per_kwh: 381.04
    source: owid
sources:
  - id: owid
    title: Carbon intensity of electricity generation
    url: https://ourworldindata.org/grapher/carbon-intensity-electricity
  - id: green-algorithms
    title: Green Algorithms
    url: https://github.com/GreenAlgorithms/green-algorithms-tool
""",
}


def test_owid_grid_keeps_hand_written_entries_and_knows_their_figures(base_registry: Path) -> None:
    for grid_id, text in HAND_GRIDS.items():
        (base_registry / "grids" / f"{grid_id}.yaml").write_text(text, encoding="utf-8")
    files = [FIXTURES / f for f in ("sample-global-energy-mix.json", "CI_aggregated.csv")]
    report = run_import("owid-grid", files, base_registry)
    world = (base_registry / "grids" / "world.yaml").read_text(encoding="utf-8")
    assert world == HAND_GRIDS["world"], (
        "a hand entry citing the hand-chosen id green-algorithms is the person's, not the import's"
    )
    de = load(base_registry, "grids", "de")
    assert [(i["year"], i["source"]) for i in de["intensity"]] == [(2022, "green-algorithms"), (2023, "owid")], (
        "the OWID figure the hand entry already gives is not added again under the import's source"
    )
    assert [s["id"] for s in de["sources"]] == ["owid", "green-algorithms"]
    assert "grids/de.yaml" in {e.what for e in report.of("unchanged")}
    before = snapshot(base_registry)
    again = run_import("owid-grid", files, base_registry)
    assert again.count("added") == again.count("changed") == 0 and snapshot(base_registry) == before
    valid(base_registry)


def test_osai_keys_records_on_the_end_model(base_registry: Path) -> None:
    family = (
        "id: example-lm-7b\nname: Example LM 7B\norganization: example-lab\nopenness:\n  weights: {value: open, "
        "source: osai-index}\n"
        "  sources:\n    - {id: osai-index, title: OSAI, url: https://osai-index.eu/, locator: entry Example LM.yaml}\n"
        "sources:\n  - {id: s, title: S, url: https://s}\n"
    )
    (base_registry / "models" / "example-lm-7b.yaml").write_text(family, encoding="utf-8")
    report = run_import(
        "osai", [FIXTURES / "osai" / "Example LM.yaml", FIXTURES / "osai" / "Base Only.yaml"], base_registry
    )
    assert (base_registry / "models" / "example-lm-7b.yaml").read_text(encoding="utf-8") == family, (
        "the base model is not rated"
    )
    assert any("models/example-lm-7b.yaml" in e.reason for e in report.of("flagged")), (
        "the earlier, family-named import is pointed out"
    )
    model = load(base_registry, "models", "example-lm-7b-instruct")
    assert model["name"] == "Example LM 7B Instruct" and model["aliases"] == ["Example LM 7B"]
    base = load(base_registry, "models", "base-only-30b")
    assert base["name"] == "Base Only 30B" and base["aliases"] == ["Base Family"], (
        "no end model: the base model is rated"
    )
    assert base["openness"]["weights"]["value"] == "open", "the base model's weights, not the absent end model's"
    assert base["openness"]["weights"]["source"] == ["osai-index", "osai-weights-basemodel"]
    errors = [(Path(p.path).name, p.code, p.field_path) for p in registry_module.load(base_registry).errors]
    assert errors == [("example-lm-7b-instruct.yaml", "duplicate-alias", "aliases[0]")], (
        "validation reports what the import flagged"
    )


def test_osai_entries_naming_the_same_or_no_end_model(base_registry: Path, tmp_path: Path) -> None:
    entry = (FIXTURES / "osai" / "Example LM.yaml").read_text(encoding="utf-8")
    swapped = entry.replace("name: Example LM 7B\n", "name: Swapped\n").replace(
        "basemodelname: Example LM base", "basemodelname: Swapped 7B"
    )
    unnamed = entry.replace("endmodelname: Example LM 7B Instruct", "endmodelname: Undisclosed")
    files = {
        "Example LM.yaml": entry,
        "Swapped.yaml": swapped,
        "Unnamed.yaml": unnamed.replace("name: Example LM 7B\n", "name: Unnamed\n"),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = run_import("osai", [tmp_path / n for n in files], base_registry)
    skipped = {e.what.rsplit(" ", 1)[-1] for e in report.of("skipped") if "rates too" in e.reason}
    assert (
        skipped == {"LM.yaml", "Swapped.yaml"}
        and not (base_registry / "models" / "example-lm-7b-instruct.yaml").exists()
    )
    assert load(base_registry, "models", "example-lm-base")["aliases"] == ["Unnamed"], (
        "an end model 'Undisclosed' is no name"
    )
    valid(base_registry)


def test_osai_openness_with_evidence_and_citation(base_registry: Path) -> None:
    report = run_import("osai", sorted((FIXTURES / "osai").iterdir()), base_registry)
    model = load(base_registry, "models", "example-lm-7b-instruct")
    openness = model["openness"]
    assert openness["weights"]["value"] == "restricted", "rated open (downloadable) under a Llama 2 licence: restricted"
    assert openness["weights"]["source"] == ["osai-index", "osai-weights-endmodel"]
    assert "LicenseRef-Llama-2-Community-License (use-restricted), so restricted" in openness["weights"]["note"]
    assert openness["training_data"]["value"] == "partial" and openness["training_code"]["value"] == "undisclosed"
    assert openness["model_card"]["value"] == "released" and openness["paper"]["value"] == "undisclosed"
    assert openness["weights_license"]["value"] == "LicenseRef-Llama-2-Community-License"
    ids = [s["id"] for s in openness["sources"]]
    assert (
        ids[:2] == ["osai-index", "liesenfeld-dingemanse-2024"] and "zenodo.15386042" in openness["sources"][0]["title"]
    )
    assert model["organization"] == "example-lab"
    odd = load(base_registry, "models", "oddly-licensed-model")
    assert odd["openness"]["weights"]["value"] == "gated", "partial, 'behind a request form'"
    assert "weights_license" not in odd["openness"]
    assert any("Purposely left ambiguous" in e.reason for e in report.of("flagged"))
    valid(base_registry)


@pytest.mark.parametrize(
    "rating, licence, notes, expected",
    [
        (
            "closed",
            "Meta Llama 3 Community License",
            "Inspecting the weights requires signing Meta's 'community license'",
            "gated",
        ),
        ("closed", "Undisclosed", "Post-trained model weights not shared nor disclosed.", "unreleased"),
        ("partial", "Apache-2.0", "Weights of a smaller variant of the model released.", "unknown"),
        ("partial", "Apache-2.0", "Gated model available via Huggingface repository.", "gated"),
        ("partial", "CC-BY-NC-4.0", "Weights available as a delta.", "restricted"),
        ("open", "Apache-2.0", "Weights on HuggingFace.", "open"),
        ("open", "Some House Licence", "Weights on HuggingFace.", "unknown"),
        ("open", "Proprietary", "Weights on HuggingFace.", "unknown"),
    ],
)
def test_osai_weights_by_rating_notes_and_licence(
    base_registry: Path, tmp_path: Path, rating: str, licence: str, notes: str, expected: str
) -> None:
    entry = (FIXTURES / "osai" / "Example LM.yaml").read_text(encoding="utf-8")
    entry = entry.replace("endmodellicense: Llama 2 Community License Agreement", f"endmodellicense: {licence}")
    entry = entry.replace("weights_endmodel:\n    class: open", f"weights_endmodel:\n    class: {rating}")
    entry = entry.replace("notes: Weights published on HuggingFace.", f'notes: "{notes}"')
    (tmp_path / "Example LM.yaml").write_text(entry, encoding="utf-8")
    run_import("osai", [tmp_path / "Example LM.yaml"], base_registry)
    weights = load(base_registry, "models", "example-lm-7b-instruct")["openness"]["weights"]
    assert weights["value"] == expected, weights["note"]
    valid(base_registry)


def test_mof_licences_normalised_and_flagged(base_registry: Path) -> None:
    report = run_import("mof", sorted((FIXTURES / "mof").iterdir()), base_registry)
    openness = load(base_registry, "models", "example-mof-1b")["openness"]
    assert openness["weights_license"]["value"] == "Apache-2.0" and openness["code_license"]["value"] == "MIT"
    assert openness["weights"]["value"] == "open" and openness["training_code"]["value"] == "released"
    assert "training_data" not in openness and "data_license" not in openness, "component not included"
    assert openness["model_card"]["value"] == "released" and openness["paper"]["value"] == "released"
    restricted = load(base_registry, "models", "restricted-mof")["openness"]
    assert restricted["weights"]["value"] == "restricted", "a Llama 2 licence is in the use-restricted class"
    assert "(https://huggingface.co/example/restricted-mof)" in restricted["weights"]["note"], (
        "a bare repository id is a link"
    )
    assert any("Some Bespoke Licence v7" in e.reason for e in report.of("flagged"))
    valid(base_registry)


def test_mof_listing_is_not_release(base_registry: Path) -> None:
    report = run_import("mof", [FIXTURES / "mof" / "Listed-Only.yml"], base_registry)
    openness = load(base_registry, "models", "listed-only")["openness"]
    values = {k: v["value"] for k, v in openness.items() if isinstance(v, dict) and "value" in v}
    assert values == {
        "weights": "unknown",
        "checkpoints": "unknown",
        "training_code": "unknown",
        "inference_code": "unknown",
        "training_data": "unknown",
        "technical_report": "released",
        "paper": "released",
    }
    assert "unlicensed" in openness["checkpoints"]["note"] and "not stated" in openness["inference_code"]["note"]
    assert openness["paper"]["source"] == ["model-openness-tool", "mot-research-paper"]
    assert {"id": "mot-research-paper", "url": "https://example.org/listed-only-paper.pdf"}.items() <= openness[
        "sources"
    ][1].items()
    assert "weights_license" not in openness and "code_license" not in openness, "a licence of nothing shown to exist"
    assert any("weights_license MIT left out" in e.reason for e in report.of("flagged"))
    valid(base_registry)


def test_codecarbon_sums_runs_and_places_energy_by_pue(base_registry: Path) -> None:
    url = "https://huggingface.co/example/example-model/blob/main/emissions.csv"
    missing = run_import("codecarbon", [FIXTURES / "emissions.csv"], base_registry)
    assert missing.count("skipped") == 1 and "--url" in missing.entries[0].reason
    run_import("codecarbon", [FIXTURES / "emissions.csv"], base_registry, url=url, force=True)
    training = load(base_registry, "models", "example-model")["training"]
    assert training["energy_mwh"]["value"] == pytest.approx(0.0200475)
    assert training["emissions_tco2e"]["value"] == pytest.approx(0.01875)
    assert training["duration_hours"] == 100 and training["pue"] == 1.2, (
        "count and duration that contradict accelerator_hours stay out"
    )
    valid(base_registry)


def test_codecarbon_without_pue_is_it_energy(base_registry: Path) -> None:
    run_import(
        "codecarbon",
        [FIXTURES / "emissions_no_pue.csv"],
        base_registry,
        model="example-model",
        url="https://example.org/e.csv",
    )
    training = load(base_registry, "models", "example-model")["training"]
    assert training["it_energy_mwh"]["value"] == pytest.approx(0.000609) and "energy_mwh" not in training
    valid(base_registry)


def test_hf_card_grams_to_tonnes_mapping_and_scalar(base_registry: Path) -> None:
    run_import("hf-card", [FIXTURES / "README_mapping.md"], base_registry, model="example/example-lm-7b")
    model = load(base_registry, "models", "example-lm-7b")
    assert model["training"]["emissions_tco2e"]["value"] == pytest.approx(0.1492)
    assert "hardware_used: 8 x A100 80GB" in model["training"]["emissions_tco2e"]["note"]
    assert model["openness"]["weights_license"]["value"] == "Apache-2.0"
    assert (
        "example/base-1b" in model["note"]
        and model["sources"][0]["url"] == "https://huggingface.co/example/example-lm-7b"
    )
    run_import("hf-card", [FIXTURES / "README_scalar.md"], base_registry, model="example/example-model", force=True)
    scalar = load(base_registry, "models", "example-model")["training"]["emissions_tco2e"]
    assert scalar["value"] == pytest.approx(0.0025) and "bare number" in scalar["note"]
    valid(base_registry)


def test_progress_plain_lines_off_a_terminal() -> None:
    out = io.StringIO()
    show = progress_printer(out, every=0)
    for i in range(1, 4):
        show(i, 3, "epoch")
    assert out.getvalue().splitlines() == ["epoch: 1/3", "epoch: 2/3", "epoch: 3/3"]


def test_unknown_kind_is_refused(base_registry: Path) -> None:
    with pytest.raises(ValueError, match="unknown import kind"):
        run_import("nope", [], base_registry)


def test_epoch_full_view_merges_marks_estimates_and_relates(base_registry: Path) -> None:
    before = {p.name for p in (base_registry / "models").iterdir()}
    report = run_import("epoch", [FIXTURES / "all_ai_models_merge.csv"], base_registry)
    added = {p.name for p in (base_registry / "models").iterdir()} - before
    assert added == {"example-model-chat.yaml", "example-model-tuned-twice.yaml"}, (
        "the row naming an existing model merges into it"
    )
    compute = load(base_registry, "models", "example-model")["training"]["compute_flop"]
    assert compute == {
        "value": 1.2e21,
        "low": 6e20,
        "high": 2.4e21,
        "source": "epoch-models",
        "note": "Epoch AI confidence: Likely; estimation method: Operation counting",
        "provenance": "third-party-estimate",
        "confidence": "Likely",
    }
    chat = load(base_registry, "models", "example-model-chat")
    assert chat["base_model"] == "example-model", "Epoch's base model, found by an alias"
    assert "provenance" not in chat["training"]["compute_flop"], "Epoch says the developer reported it"
    twice = load(base_registry, "models", "example-model-tuned-twice")
    assert twice["base_model"] == "example-model-chat", "a base model planned by an earlier row of the same file"
    assert twice["training"]["compute_flop"]["provenance"] == "third-party-estimate"
    assert twice["training"]["compute_flop"]["note"] == "Epoch AI confidence: Speculative"
    assert not report.of("conflict")
    valid(base_registry)
    again = run_import("epoch", [FIXTURES / "all_ai_models_merge.csv"], base_registry)
    assert again.count("added") == again.count("changed") == 0

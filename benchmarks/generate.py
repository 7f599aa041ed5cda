"""Writes a realistic synthetic registry of N models (valid by construction) for benchmarks and scale tests."""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORGS = 200
# Each licence with the weights statuses its class in registry/openness.yaml allows (validation refuses the others).
LICENCES = {
    "Apache-2.0": ("open", "gated", "unknown"),
    "MIT": ("open", "gated", "unknown"),
    "CC-BY-NC-4.0": ("restricted", "gated", "unknown"),
    "LicenseRef-Llama-3.1-Community-License": ("restricted", "gated", "unknown"),
    "LicenseRef-proprietary": ("api-only", "hosted-only", "unreleased", "unknown"),
}
DOMAINS = ("language", "vision", "multimodal", "speech", "biology", "games")
COUNTRIES = ("US", "FR", "TW", "CN", "DE", "GB", "CA", "JP", "KR", "IN")


def _model(i: int, rng: random.Random, hardware: list[str], grids: list[str]) -> str:
    params = rng.choice((1.1, 2.7, 7, 13, 34, 70, 180, 405)) * 1e9 * rng.uniform(0.8, 1.2)
    tokens = params * rng.uniform(15, 200)
    year = rng.randint(2017, 2025)
    lines = [
        "# yaml-language-server: $schema=../../schema/model.schema.json",
        f"id: synthetic-{i:05d}",
        f"name: Synthetic Model {i:05d}",
        f"aliases: [SM-{i:05d}, synth/{i:05d}-base]",
        f"organization: org-{i % ORGS:03d}",
        f"released: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"domains: [{rng.choice(DOMAINS)}]",
        "description: >-",
        "  A synthetic model generated for benchmarks; it stands for a typical entry with training figures,",
        f"  openness and access terms ({i}).",
        f"parameters: {{value: {params:.4g}, source: paper}}",
        "architecture: dense decoder-only transformer",
        "training:",
        f"  tokens: {tokens:.4g}",
    ]
    shape = i % 4
    if shape in (0, 1):
        count, hours = rng.choice((64, 256, 512, 1024, 2048)), round(rng.uniform(100, 2000), 1)
        lines += [
            f"  accelerator: {rng.choice(hardware)}",
            f"  accelerator_count: {count}",
            f"  duration_hours: {hours}",
            f"  accelerator_hours: {count * hours:.6g}",
        ]
    if shape == 0:
        lines += [
            f"  average_power_w: {rng.randint(250, 700)}",
            f"  pue: {round(rng.uniform(1.05, 1.6), 2)}",
            f"  location: {{country: {rng.choice(COUNTRIES)}, grid: {rng.choice(grids)}, operator_type: hyperscale}}",
            f'  emissions_tco2e: {{value: {rng.uniform(1, 5000):.4g}, note: "location-based, as published"}}',
        ]
    if shape == 2:
        lines += [f"  compute_flop: {{value: {6 * params * tokens:.4g}, estimated: true, note: third-party estimate}}"]
    licence = rng.choice(sorted(LICENCES))
    lines += [
        "  sources: [paper]",
        "openness:",
        f"  weights: {{value: {rng.choice(LICENCES[licence])}, source: card}}",
        f"  training_data: {rng.choice(('released', 'partial', 'documented', 'undisclosed', 'unknown'))}",
        f"  weights_license: {licence}",
        "access:",
        f"  gating: {rng.choice(('none', 'click-through', 'registration', 'approval', 'closed'))}",
        f"  languages: [en, {rng.choice(('fr', 'zh', 'de', 'es', 'ja'))}]",
        "sources:",
        "  - id: paper",
        f"    title: Synthetic Model {i:05d} technical report",
        f"    url: https://example.org/papers/{i:05d}",
        f"    published: {year}-06-01",
        "  - id: card",
        f"    title: Synthetic Model {i:05d} model card",
        f"    url: https://example.org/cards/{i:05d}",
    ]
    return "\n".join(lines) + "\n"


def generate(target: Path, models: int, seed: int = 1) -> Path:
    """A registry folder with `models` synthetic models, the real hardware, grids, assumptions and openness table."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    for folder in ("hardware", "grids"):
        shutil.copytree(ROOT / "registry" / folder, target / folder)
    for name in ("assumptions.yaml", "openness.yaml"):
        shutil.copy(ROOT / "registry" / name, target / name)
    hardware = sorted(p.stem for p in (target / "hardware").glob("*.yaml"))
    grids = sorted(p.stem for p in (target / "grids").glob("*.yaml"))
    (target / "organizations").mkdir()
    for n in range(ORGS):
        (target / "organizations" / f"org-{n:03d}.yaml").write_text(
            f"id: org-{n:03d}\nname: Organization {n:03d}\nkind: {rng.choice(('company', 'academic', 'nonprofit'))}\n"
            f"country: {rng.choice(COUNTRIES)}\nurl: https://example.org/org/{n:03d}\n",
            encoding="utf-8",
        )
    (target / "models").mkdir()
    (target / "claims").mkdir()
    for i in range(models):
        (target / "models" / f"synthetic-{i:05d}.yaml").write_text(_model(i, rng, hardware, grids), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path, help="folder to write (replaced)")
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.target, args.models, args.seed)
    print(f"wrote {args.models} models to {args.target}")


if __name__ == "__main__":
    main()

"""An import naming a model differently is caught: its weights link is a repository another record cites."""

from __future__ import annotations

from pathlib import Path

from builder.load import loader as registry

REPO = "https://huggingface.co/example-lab/tiny-llm-6b"
CARD_URL = REPO.replace("example-lab", "Example-Lab") + "/blob/main/README.md"  # case and a file in the repository
CARD = f'sources: [{{id: card, title: Model card, url: "{CARD_URL}"}}]\n'
LISTING = f'links: {{weights: "{REPO}"}}\nsources: [{{id: s, title: S, url: "https://example.org"}}]\n'


def write(root: Path, model_id: str, body: str, *lines: str) -> None:
    text = f"id: {model_id}\nname: {model_id}\norganization: example-lab\n" + "".join(f"{x}\n" for x in lines) + body
    (root / "models" / f"{model_id}.yaml").write_text(text, encoding="utf-8")


def duplicates(root: Path) -> list[tuple[str, str, str]]:
    found = registry.load(root).problems
    return [(Path(p.path).name, p.field_path, p.message) for p in found if p.code == "duplicate-link"]


def test_a_weights_link_to_a_repository_another_record_cites_is_a_duplicate(base_registry: Path) -> None:
    write(base_registry, "tiny-llm-6b", CARD, "parameters: {value: 6.0e+9, source: card}")
    write(base_registry, "tiny-llm", LISTING)
    found = duplicates(base_registry)
    assert [f[:2] for f in found] == [("tiny-llm.yaml", "links.weights")]
    assert "'tiny-llm-6b'" in found[0][2] and "huggingface.co/example-lab/tiny-llm-6b" in found[0][2]
    write(base_registry, "tiny-llm", LISTING, "parameters: {value: 1.0e+9, source: s}")  # another size: another model
    assert duplicates(base_registry) == []


def test_records_naming_different_sizes_may_cite_one_family_card(base_registry: Path) -> None:
    """A card covering a family's sizes (1.8b and 13b) cited by each size's record is not a duplicate."""
    write(base_registry, "tiny-llm-1.8b", CARD)
    write(base_registry, "tiny-llm-13b", LISTING)
    assert duplicates(base_registry) == []
    write(base_registry, "tiny-llm-1.8b", CARD.replace("tiny-llm-6b", "tiny-llm-13b"))
    write(base_registry, "tiny-llm-13b", LISTING.replace("tiny-llm-6b", "tiny-llm-13b"))
    write(base_registry, "tiny-llm-13b-copy", LISTING.replace("tiny-llm-6b", "tiny-llm-13b"))
    assert [f[:2] for f in duplicates(base_registry)][:1] == [("tiny-llm-13b-copy.yaml", "links.weights")]

"""Relations between records: the rules that need two records, and relations and old ids on pages, in `show` and in
exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from builder.cli import main
from builder.derive import derived
from builder.export import bundle as exports
from builder.importers.common import Index
from builder.load import loader as registry
from builder.load.relations import name_key, url_key
from builder.site import pages

SOURCE = 'sources: [{id: s, title: S, url: "https://example.org"}]\n'


def add_model(root: Path, model_id: str, *lines: str, name: str | None = None) -> Path:
    """A minimal model record of example-lab with the given extra lines."""
    path = root / "models" / f"{model_id}.yaml"
    path.write_text(
        f"id: {model_id}\nname: {name or model_id}\norganization: example-lab\n"
        + "".join(f"{x}\n" for x in lines)
        + SOURCE,
        encoding="utf-8",
    )
    return path


def problems(root: Path, code: str) -> list[tuple[str, int, int, str]]:
    return [(Path(p.path).name, p.line, p.column, p.field_path) for p in registry.load(root).problems if p.code == code]


def test_a_circle_of_relations_is_reported_on_each_step(base_registry: Path) -> None:
    add_model(base_registry, "tuned-a", "base_model: tuned-b")
    add_model(base_registry, "tuned-b", "variant_of: tuned-a")
    found = problems(base_registry, "relation-cycle")
    assert sorted(found) == [("tuned-a.yaml", 4, 13, "base_model"), ("tuned-b.yaml", 4, 13, "variant_of")]
    assert registry.load(base_registry).registry is None


def test_a_chain_of_relations_is_no_circle(base_registry: Path) -> None:
    add_model(base_registry, "tuned-a", "base_model: example-model")
    add_model(base_registry, "tuned-b", "variant_of: tuned-a")
    loaded = registry.load(base_registry)
    assert loaded.errors == []


def test_a_former_id_claimed_twice_is_an_error(base_registry: Path) -> None:
    add_model(base_registry, "merged-a", "former_ids: [old-name]")
    add_model(base_registry, "merged-b", "former_ids: [old-name]")
    assert problems(base_registry, "former-id-duplicate") == [("merged-b.yaml", 4, 14, "former_ids[0]")]


def test_declared_relation_clears_a_shared_weights_link(base_registry: Path) -> None:
    link = "links: {weights: https://huggingface.co/example-lab/example-model}"
    add_model(base_registry, "example-model-chat", link)
    assert [p[0] for p in problems(base_registry, "duplicate-link")] == [
        "example-model-chat.yaml",
        "example-model.yaml",
    ]
    add_model(base_registry, "example-model-chat", link, "variant_of: example-model")
    assert problems(base_registry, "duplicate-link") == []


def test_siblings_sharing_a_code_repository_are_not_duplicates(base_registry: Path) -> None:
    repo = "links: {repository: https://github.com/example-lab/models}"
    add_model(base_registry, "family-7b", repo, "parameters: 7.0e+9")
    add_model(base_registry, "family-13b", repo, "parameters: 1.3e+10")
    add_model(base_registry, "family-13b-base", repo, "parameters: 1.3e+10")
    found = problems(base_registry, "duplicate-link")
    assert sorted(f for f, *_ in found) == ["family-13b-base.yaml", "family-13b.yaml"]


def test_message_names_the_other_record_and_the_fix(base_registry: Path) -> None:
    add_model(base_registry, "example-model-copy", name="Example Model")
    message = next(p.message for p in registry.load(base_registry).problems if p.code == "duplicate-name")
    assert "'example-model'" in message and "former_ids" in message and "variant_of" in message


def test_link_naming_another_model_is_a_warning(base_registry: Path) -> None:
    add_model(
        base_registry, "dbrx-instruct", "links: {weights: https://huggingface.co/deepseek-ai/deepseek-moe-16b-base}"
    )
    add_model(base_registry, "dbrx-base", "links: {weights: https://huggingface.co/databricks/dbrx-base}")
    loaded = registry.load(base_registry)
    found = [(Path(p.path).name, p.severity, p.field_path) for p in loaded.problems if p.code == "link-identity"]
    assert found == [("dbrx-instruct.yaml", "warning", "links.weights")]
    assert loaded.registry is not None


def test_name_and_url_keys() -> None:
    assert name_key("Llama 2 Chat 70B") == name_key("llama-2-70b-chat")
    assert name_key("Llama 2 70B") != name_key("Llama 2 7B")
    assert url_key("https://github.com/Deepseek-AI/DeepSeek-MoE/blob/main/README.md") == url_key(
        "https://github.com/deepseek-ai/deepseek-moe/"
    )
    assert url_key("https://example.org/a/b/") == "example.org/a/b"


def test_importers_find_a_record_by_a_former_id() -> None:
    index = Index([("allen-institute-for-ai", {"name": "Allen Institute for AI", "former_ids": ["ai2"]})])
    assert index.find("ai2") == "allen-institute-for-ai"


@pytest.fixture
def related(base_registry: Path) -> Path:
    add_model(
        base_registry,
        "example-model-chat",
        "variant_of: example-model",
        "former_ids: [example-chat-old]",
        name="Example Chat",
    )
    add_model(base_registry, "example-tune", "base_model: example-model-chat", name="Example Tune")
    org = base_registry / "organizations" / "example-lab.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "former_ids: [example-laboratory]\n", encoding="utf-8")
    return base_registry


def test_relations_are_links_on_both_pages_and_old_ids_redirect(related: Path) -> None:
    generated = {g.path: str(g.content) for g in pages.generate(registry.load(related).require())}
    chat = generated["models/example-model-chat.md"]
    assert 'Variant of</dt><dd><a href="../../models/example-model/">Example Model</a>' in chat
    assert 'Fine-tunes</dt><dd><a href="../../models/example-tune/">Example Tune</a>' in chat
    assert "Formerly listed here as: example-chat-old" in chat
    assert (
        'Variants</dt><dd><a href="../../models/example-model-chat/">Example Chat</a>'
        in generated["models/example-model.md"]
    )
    assert 'Fine-tuned from</dt><dd><a href="../../models/example-model-chat/">' in generated["models/example-tune.md"]
    old = generated["models/example-chat-old.md"]
    assert 'redirect: "../example-model-chat/"' in old and 'href="../example-model-chat/"' in old
    assert 'redirect: "../example-lab/"' in generated["organizations/example-laboratory.md"]
    assert "Former ids</dt><dd>example-laboratory" in generated["organizations/example-lab.md"]


def test_relations_are_columns_of_the_tables_and_described(related: Path) -> None:
    reg = registry.load(related).require()
    files = exports.dataset_files(reg, derived.derive_all(reg), "9.9.9")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(files["models.csv"].decode("utf-8")))}
    assert rows["example-tune"]["base_model"] == "example-model-chat"
    assert rows["example-model-chat"]["variant_of"] == "example-model"
    assert rows["example-model-chat"]["former_ids"] == "example-chat-old"
    assert rows["example-model"]["base_model"] == ""
    organizations = list(csv.DictReader(io.StringIO(files["organizations.csv"].decode("utf-8"))))
    assert organizations[0]["former_ids"] == "example-laboratory"
    package = json.loads(files["datapackage.json"])
    fields = {f["name"]: f for r in package["resources"] if r["name"] == "models" for f in r["schema"]["fields"]}
    assert "fine-tuned" in fields["base_model"]["description"] and "another row" in fields["variant_of"]["description"]


def test_show_prints_relations_both_ways(related: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "example-model-chat", "--registry", str(related)]) == 0
    out = capsys.readouterr().out
    assert (
        "  variant of: example-model\n" in out
        and "  fine-tunes: example-tune\n" in out
        and "  former ids: example-chat-old\n" in out
    )
    assert main(["show", "example-model-chat", "--registry", str(related), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["relations"] == {
        "variant_of": "example-model",
        "fine-tunes": ["example-tune"],
        "former_ids": ["example-chat-old"],
    }

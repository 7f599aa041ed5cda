"""`python -m builder new` and `validate PATH`: a template that explains itself, never overwrites, and validates once
filled."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.cli import main
from builder.load.yamlfile import parse


def test_new_model_template_has_modeline_and_commented_fields(
    base_registry: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "new",
                "model",
                "my-model",
                "--name",
                "My: Model",
                "--organization",
                "example-lab",
                "--registry",
                str(base_registry),
            ]
        )
        == 0
    )
    text = (base_registry / "models" / "my-model.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schema/model.schema.json\n")
    assert "# Total training compute in floating-point operations (FLOP).\n#   compute_flop:" in text.replace(
        "#   Total", "# Total"
    )
    assert parse(text) == {"id": "my-model", "name": "My: Model", "organization": "example-lab"}


def test_new_refuses_to_overwrite(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = base_registry / "models" / "example-model.yaml"
    before = target.read_text()
    assert main(["new", "model", "example-model", "--registry", str(base_registry)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert target.read_text() == before


def test_new_rejects_an_invalid_id(base_registry: Path) -> None:
    assert main(["new", "hardware", "../escape", "--registry", str(base_registry)]) == 2
    assert not (base_registry.parent / "escape.yaml").exists()


def test_filled_template_validates_and_loads(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "model", "my-model", "--organization", "example-lab", "--registry", str(base_registry)]) == 0
    path = base_registry / "models" / "my-model.yaml"
    assert main(["validate", str(path), "--registry", str(base_registry)]) == 1
    assert "sources: required field is missing" in capsys.readouterr().out
    path.write_text(
        path.read_text()
        + "sources:\n  - {id: card, title: Model card, url: 'https://example.org/card'}\n"
        + "parameters: {value: 7.0e+9, source: card}\n"
    )
    assert main(["validate", str(path), "--registry", str(base_registry)]) == 0
    assert capsys.readouterr().out.strip() == "no problems in 1 file"


def test_validate_paths_reports_only_those_files(base_registry: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (base_registry / "models" / "broken.yaml").write_text("id: broken\n")
    good = base_registry / "models" / "example-model.yaml"
    assert main(["validate", str(good), "--registry", str(base_registry)]) == 0
    assert main(["validate", str(base_registry / "models" / "broken.yaml"), "--registry", str(base_registry)]) == 1
    out = capsys.readouterr().out
    assert "broken.yaml:1:1: name: required field is missing" in out

"""A model page carries no whitespace a reader never sees: at 10,000 models the theme's indentation alone was about
50 MB of the site, which GitHub Pages caps at 1 GB (issue 24, finding 17); what whitespace shows (code blocks) is
kept."""

from __future__ import annotations

import re
from pathlib import Path

from test_site import build, make_project

KEPT = re.compile(r"<(pre|code|kbd|textarea|script|style)\b.*?</\1>", re.DOTALL)
THEME_BUDGET = (
    13_000  # bytes of a model page outside its generated body: Material's header, navigation, footer, scripts
)


def test_pages_drop_the_theme_indentation_and_keep_code_blocks(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    code = "def f():\n    return  1\n\n\n    # an indented line after blank lines\n"
    (tmp_path / "docs" / "contribute.md").write_text(
        f"# Contribute\n\n```python\n{code}```\n\nText `two  spaces`\n", encoding="utf-8"
    )
    done = build(config, tmp_path / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    model_pages = [tmp_path / "site" / "models" / m / "index.html" for m in ("example-model", "xss-model")]
    for page in model_pages:
        html = page.read_text(encoding="utf-8")
        theme = (
            html[: html.index('<div class="rg rg-model"')] + html[html.index("</article>") :]
        )  # all but the generated body
        assert not re.search(r"\n[ \t\n]", KEPT.sub("<kept/>", theme)), (
            f"{page}: indentation or a blank line outside code"
        )
        assert len(theme.encode()) < THEME_BUDGET, page
    written = (tmp_path / "site" / "contribute" / "index.html").read_text(encoding="utf-8")
    shown = re.search(r'<pre><code class="language-python">(.*?)</code></pre>', written, re.DOTALL)
    assert shown and re.sub(r"<[^>]+>", "", shown.group(1)) == code
    assert "<code>two  spaces</code>" in written

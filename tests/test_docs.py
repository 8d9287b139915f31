"""The documentation stands beside the code it describes: every file the architecture page names
exists, and the README leads to the docs. (tests/simulator/test_catalogue.py checks that
docs/sources.md describes every source the catalogue cites.)"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_architecture_page_names_only_files_that_exist():
    text = (ROOT / "docs" / "architecture.md").read_text()
    paths = set(
        re.findall(
            r"`((?:cvm_site|lessons|simulator|templates|static|tests|bench|docs)/[\w./-]+)`", text
        )
    )
    assert paths, "the page names no files"
    assert sorted(path for path in paths if not (ROOT / path.split("#")[0]).exists()) == []


def test_the_readme_leads_to_the_docs():
    readme = (ROOT / "README.md").read_text()
    assert "docs/architecture.md" in readme
    assert "docs/sources.md" in readme

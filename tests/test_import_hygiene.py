"""The core never imports Textual; the package root imports neither Textual nor spaCy."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import qualcoder_ahp
from tests.conftest import REPO

CORE_PREFIXES = (
    "qualcoder_ahp.model", "qualcoder_ahp.importers", "qualcoder_ahp.suggest",
    "qualcoder_ahp.agreement", "qualcoder_ahp.reports", "qualcoder_ahp.refi",
    "qualcoder_ahp.records", "qualcoder_ahp.errors", "qualcoder_ahp.privacy",
)


def _core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(qualcoder_ahp.__path__, "qualcoder_ahp."):
        if info.name.startswith(CORE_PREFIXES):
            names.append(info.name)
    return names


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True, cwd=REPO,
    )
    return set(out.stdout.split())


def test_core_modules_do_not_import_textual():
    modules = _core_modules()
    assert "qualcoder_ahp.model.store" in modules
    loaded = _loaded_after("\n".join(f"import {m}" for m in modules))
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_package_root_is_light():
    loaded = _loaded_after("import qualcoder_ahp")
    assert "textual" not in loaded and "spacy" not in loaded

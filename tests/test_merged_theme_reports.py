"""A theme merged into another (``qcahp codebook merge-theme``): every report asked for it
by its old id says where its codings went, instead of "nothing is coded with it" (words,
exit 0) or a bare "no theme" (counts, quotes, codebook show)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store

MERGED = ("Error: theme 'serendipity' was merged into 'winding', which holds its codings "
          "now: give --theme winding")


@pytest.fixture
def merged_db(db):
    store = open_store(db)
    store.merge_theme("serendipity", "winding", coder="alice")
    store.close()
    return db


@pytest.mark.parametrize("args", [
    ("words", "--theme", "serendipity", "--coder", "alice"),
    ("words", "--theme", "serendipity"),
    ("counts", "--theme", "serendipity"),
    ("quotes", "--theme", "serendipity"),
    ("cooccurrence", "--theme", "serendipity"),
    ("codebook", "show", "--theme", "serendipity"),
    ("codebook", "show", "--theme", "serendipity", "--format", "md"),
])
def test_a_merged_theme_names_where_its_codings_went(merged_db, args):
    result = CliRunner().invoke(cli, ["--db", str(merged_db), *args])
    assert result.exit_code == 1, (result.output, result.exception)
    assert result.stdout == ""
    assert result.stderr.strip() == MERGED


def test_merged_on_names_the_last_theme(merged_db):
    store = open_store(merged_db)
    store.merge_theme("winding", "mandate", coder="alice")
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(merged_db), "words", "--theme",
                                      "serendipity", "--coder", "alice"])
    assert result.exit_code == 1
    assert "was merged into 'mandate'" in result.stderr


def test_a_typo_is_still_a_typo(merged_db):
    result = CliRunner().invoke(cli, ["--db", str(merged_db), "counts", "--theme", "windng"])
    assert result.exit_code == 1
    assert "no theme 'windng' in the codebook; did you mean 'winding'?" in result.stderr

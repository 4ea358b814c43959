"""`qcahp methods`'s Coders paragraph for coders who coded in their own copies, merged
in: it said "Blind coding is off in the project" of coders who could not see each
other's codings; it said nothing of a theme one coder added in their copy; and with
`--coders ana` it said no transcript was double-coded though ben coded them too."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import open_store
from tests.test_merge import _base
from tests.test_s24_coders_added_theme import _team


def _coders(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), "methods", *args],
                                terminal_width=200)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    return text[text.index("Coders. "):text.index(" Agreement. ")]


def test_coders_who_coded_in_their_own_copies_coded_blind(tmp_path):
    text = _coders(_team(tmp_path))
    assert "Blind coding is off" not in text
    assert ("Each coder coded in their own copy of the project, merged here with qcahp "
            "merge (two merges of two copies: ana.db and ben.db), so no coder could see "
            "another's codings while coding: the coding was blind.") in text
    # The theme ana added in her copy, as `qcahp agreement` notes it.
    assert ("A theme was added while coding in a coder's own copy and merged in: burnout "
            "(added by ana; ben coded none of it)") in text


def test_one_coder_named_is_told_who_else_coded_the_same_transcripts(tmp_path):
    text = _coders(_team(tmp_path), "--coders", "ana")
    assert "no transcript was double-coded" not in text
    assert ("One coder (ana) coded one of the two transcripts; it was coded by ben too, not "
            "described here (`qcahp methods --coders ana,ben` compares them).") in text


def test_one_coder_alone_in_the_project_is_as_before(tmp_path):
    main = _base(tmp_path / "main.db")
    main.code(main.transcript("asha").id, "serendipity", "ana", 0, 22)
    main.close()
    text = _coders(tmp_path / "main.db")
    assert "One coder (ana) coded one of the two transcripts; no other coder has coded" in text
    assert "Blind coding is off in the project (qcahp blind)." in text


def test_a_coder_in_a_copy_beside_one_coding_here(tmp_path):
    main = _base(tmp_path / "main.db")
    main.close()
    shutil.copy(tmp_path / "main.db", tmp_path / "ben.db")
    copy = open_store(tmp_path / "ben.db")
    copy.code(copy.transcript("asha").id, "serendipity", "ben", 0, 22)
    copy.close()
    store = open_store(tmp_path / "main.db")
    store.merge_from(tmp_path / "ben.db")
    store.code(store.transcript("asha").id, "serendipity", "ana", 0, 20)
    store.close()
    text = _coders(tmp_path / "main.db")
    assert ("ben coded in their own copy of the project, merged here with qcahp merge (one "
            "merge of one copy: ben.db), so could not see the other coders' codings while "
            "coding; ana coded in this project, where blind coding is off (qcahp blind), "
            "so they could see the codings in it.") in text


def test_coding_on_in_a_copy_after_a_merge_is_not_called_blind(tmp_path):
    main = _base(tmp_path / "main.db")
    main.close()
    for coder in ("ana", "ben"):
        shutil.copy(tmp_path / "main.db", tmp_path / f"{coder}.db")
    for coder in ("ana", "ben"):
        copy = open_store(tmp_path / f"{coder}.db")
        copy.code(copy.transcript("asha").id, "serendipity", coder, 0, 22)
        copy.close()
    store = open_store(tmp_path / "main.db")
    store.merge_from(tmp_path / "ana.db")
    store.close()
    copy = open_store(tmp_path / "ben.db")  # ben codes on after ana's work came in
    copy.code(copy.transcript("ben").id, "serendipity", "ben", 0, 10)
    copy.close()
    store = open_store(tmp_path / "main.db")
    store.merge_from(tmp_path / "ben.db")
    store.close()
    text = _coders(tmp_path / "main.db")
    assert "the coding was blind" not in text
    assert ("ana and ben coded in their own copies of the project, merged here with qcahp "
            "merge (two merges of two copies: ana.db and ben.db); ben coded on after another "
            "coder's codings had reached this project, so a copy made from it since may "
            "have held them.") in text

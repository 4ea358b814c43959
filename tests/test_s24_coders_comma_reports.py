"""`methods --coders` and `saturation --coders` keep a coder whose name holds a comma
(``Smith, John``, as NVivo names users) whole, as `agreement --coders` does: they split it
in two and said there was no coder named 'Smith'."""

from __future__ import annotations

from tests.test_s24_coders_names import _project, _run


def test_methods_and_saturation_keep_a_name_with_a_comma_whole(tmp_path):
    db = _project(tmp_path)
    for args in (("methods", "--coders", "Smith, John,ben", "--format", "json"),
                 ("saturation", "--coders", "Smith, John,ben", "--format", "csv")):
        result = _run(db, *args)
        assert result.exit_code == 0, result.output
        assert "no coder named" not in result.output
    assert "Smith, John" in _run(db, "methods", "--coders", "Smith, John,ben").output
    assert "no coder named 'zed'" in _run(db, "saturation", "--coders", "ben,zed").output

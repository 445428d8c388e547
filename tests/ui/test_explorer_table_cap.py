"""Import table… and a dropped table use the bounded reader: a file over the cap is refused
in words beside the rows, and the rows already there are kept."""

from fdgui.core.table_file import MAX_TABLE_BYTES
from fdgui.ui.explorer.table_import import import_table_file
from tests.ui.test_explorer import context, panel  # noqa: F401 - fixtures


def test_import_of_a_table_over_the_cap_is_refused_in_words(panel, tmp_path):  # noqa: F811
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(MAX_TABLE_BYTES + 1)  # sparse
    assert import_table_file(panel, str(path)) is False
    label = panel.error_labels["rows"]
    assert "larger than" in label.text()
    assert panel.model.imported_table() is None

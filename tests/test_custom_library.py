"""The user's library of custom models: plain text files in a folder, opened, saved,
replaced and deleted only when confirmed, shared as files; bad files give a message."""
from __future__ import annotations

import pytest

from neurodynex_gui.tabs.custom_library import library_dir
from neurodynex_gui.tabs.custom_tab import CustomTab


@pytest.fixture
def tab(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("NEURODYNEX_GUI_MODELS", str(tmp_path / "models"))
    tab = CustomTab()
    qtbot.addWidget(tab)
    tab.messages = []
    tab.message.connect(tab.messages.append)
    return tab


def test_the_library_lives_in_the_users_data_folder(monkeypatch):
    monkeypatch.delenv("NEURODYNEX_GUI_MODELS", raising=False)
    from PyQt5.QtCore import QStandardPaths

    data = QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)
    assert str(library_dir()) == f"{data}/models"


def test_save_open_replace_and_delete(tab, tmp_path):
    library = tab.library
    assert library.names() == []
    tab.apply_preset("adaptive exponential integrate-and-fire")
    tab.set_value("b", "0.011")
    assert library.save("my AdEx") is not None
    assert library.names() == ["my AdEx"]
    text = (tmp_path / "models" / "my AdEx.txt").read_text()
    assert "#! reset: v = v_reset; w += b" in text and "#! set b = 0.011" in text
    tab.apply_preset("FitzHugh-Nagumo")
    library.list.setCurrentRow(0)
    assert library.open_selected()
    assert tab.model_text().reset == "v = v_reset; w += b"
    assert tab.param_forms["params"].params().b == 0.011
    # replacing asks first
    tab.set_value("b", "0.02")
    library.confirm = lambda question: False
    assert library.save("my AdEx") is None
    assert "#! set b = 0.011" in (tmp_path / "models" / "my AdEx.txt").read_text()
    library.confirm = lambda question: "Replace" in question
    assert library.save("my AdEx") is not None
    assert "#! set b = 0.02" in (tmp_path / "models" / "my AdEx.txt").read_text()
    # deleting asks first
    library.confirm = lambda question: False
    assert not library.delete("my AdEx") and library.names() == ["my AdEx"]
    library.confirm = lambda question: "Delete" in question
    assert library.delete("my AdEx") and library.names() == []
    assert library.save("../outside") is None and "not a usable name" in tab.messages[-1]


def test_a_shared_file_opens_in_another_tab(tab, qtbot, tmp_path):
    tab.apply_preset("exponential integrate-and-fire")
    tab.set_value("delta_T", "3.5")
    tab.library.write(tmp_path / "shared.txt")
    other = CustomTab()
    qtbot.addWidget(other)
    assert other.library.open_file(tmp_path / "shared.txt")
    assert other.model_text() == tab.model_text()
    assert other.param_forms["params"].params().delta_T == 3.5


@pytest.mark.parametrize("content", [
    b"dv/dt = -v / tau : volt\n#! nonsense here\n",
    b"dv/dt = -v / tau : volt\ntau : second\n#! set tau = abc\n",
    b"dv/dt = -v / tau : volt\ntau : second\n#! set tau = -1e12\n",
    b"dv/dt = -v / tau : volt\n#! stimulus kind = sideways\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe binary",
    b"# " + b"x" * 300_000,
])
def test_a_bad_file_gives_a_message_and_changes_nothing(tab, tmp_path, content):
    path = tmp_path / "models" / "bad.txt"
    path.parent.mkdir()
    path.write_bytes(content)
    before = (tab.model_text(), tab.param_forms["params"].params().to_dict())
    tab.library.refresh()
    tab.library.list.setCurrentRow(0)
    assert not tab.library.open_selected()
    assert tab.messages[-1].startswith("Custom model: cannot open bad.txt")
    assert (tab.model_text(), tab.param_forms["params"].params().to_dict()) == before

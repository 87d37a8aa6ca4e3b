"""The Settings dialog (issue 18): the dask scheduler address for sweeps, validated, saved in
QSettings, used by the tabs' sweeps and the command line (whose --scheduler overrides it)."""
import pytest
from PyQt5.QtCore import QSettings, Qt
from PyQt5.QtWidgets import QDialog

from neurodynex_gui import settings_dialog as sd


@pytest.mark.parametrize("text, expected", [
    ("", ""), ("  ", ""), ("tcp://127.0.0.1:8786", "tcp://127.0.0.1:8786"),
    (" tcp://cluster-head.example.org:1 ", "tcp://cluster-head.example.org:1"),
    ("tcp://[::1]:65535", "tcp://[::1]:65535")])
def test_good_addresses(text, expected):
    assert sd.check_scheduler(text) == expected


@pytest.mark.parametrize("text, says", [
    ("127.0.0.1:8786", "tcp://HOST:PORT"), ("tcp://host", "tcp://HOST:PORT"),
    ("tcp://host:0", "port 0"), ("tcp://host:65536", "port 65536"),
    ("tcp://ho st:8786", "tcp://HOST:PORT"), ("http://host:8786", "tcp://HOST:PORT"),
    ("tcp://-host:8786", "tcp://HOST:PORT"), ("tcp://[1::2::3]:8786", "IPv6")])
def test_bad_addresses_are_refused_saying_why(text, says):
    with pytest.raises(ValueError, match=says.replace("[", r"\[")):
        sd.check_scheduler(text)


def test_set_persist_and_refuse(qtbot):
    dialog = sd.SettingsDialog()
    qtbot.addWidget(dialog)
    assert dialog.scheduler.text() == ""  # fresh settings: local worker processes
    dialog.show()
    qtbot.keyClicks(dialog.scheduler, "tcp://10.0.0.5:8786")
    qtbot.keyClick(dialog.scheduler, Qt.Key_Return)  # OK is the default button
    assert dialog.result() == QDialog.Accepted
    assert QSettings().value(sd.SCHEDULER_KEY) == "tcp://10.0.0.5:8786"
    assert sd.scheduler_address() == "tcp://10.0.0.5:8786"
    # a new dialog (as after a restart: the value comes from QSettings) shows it
    again = sd.SettingsDialog()
    qtbot.addWidget(again)
    again.show()
    assert again.scheduler.text() == "tcp://10.0.0.5:8786"
    # an invalid address: refused with a message, the dialog stays open, the value is kept
    again.scheduler.clear()
    qtbot.keyClicks(again.scheduler, "10.0.0.6:8786")
    again.accept()
    assert again.isVisible() and again.result() != QDialog.Accepted
    assert again.error.isVisible() and "tcp://HOST:PORT" in again.error.text()
    assert sd.scheduler_address() == "tcp://10.0.0.5:8786"
    qtbot.keyClick(again.scheduler, Qt.Key_Backspace)  # editing hides the message
    assert not again.error.isVisible()
    again.reject()
    assert sd.scheduler_address() == "tcp://10.0.0.5:8786"
    # emptying it means local processes again
    third = sd.SettingsDialog()
    qtbot.addWidget(third)
    third.scheduler.clear()
    third.accept()
    assert sd.scheduler_address() == "" and sd.sweep_scheduler() == ""


def test_the_sweeps_use_it_and_the_command_line_overrides_it(qtbot, runner):
    from neurodynex_gui.tabs.brunel_tab import BrunelTab
    from neurodynex_gui.tabs.decision_tab import DecisionTab

    QSettings().setValue(sd.SCHEDULER_KEY, "tcp://10.0.0.5:8786")
    assert sd.sweep_scheduler("tcp://other:1") == "tcp://other:1"  # --scheduler wins
    assert sd.sweep_scheduler("") == "tcp://10.0.0.5:8786"
    brunel_tab, decision_tab = BrunelTab(runner), DecisionTab(runner)
    qtbot.addWidget(brunel_tab)
    qtbot.addWidget(decision_tab)
    assert brunel_tab.tool_arguments("phase_diagram") == {"scheduler": "tcp://10.0.0.5:8786"}
    brunel_tab.scheduler.setText("tcp://tab-field:8786")  # the tab's own field wins
    assert brunel_tab.tool_arguments("phase_diagram") == {"scheduler": "tcp://tab-field:8786"}
    assert decision_tab.tool_arguments("psychometric") == {"scheduler": "tcp://10.0.0.5:8786"}
    # a hand-edited, broken value runs locally rather than failing
    QSettings().setValue(sd.SCHEDULER_KEY, "nonsense")
    assert decision_tab.tool_arguments("psychometric") == {"scheduler": ""}


def test_menu_entry_and_shortcut_open_it(qtbot, make_window):
    window = make_window("lif")
    assert window.settings_action.shortcut().toString() == "Ctrl+,"
    assert window.settings_action.text().replace("&", "") == "Settings…"
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key_Comma, Qt.ControlModifier)
    dialogs = [d for d in window.findChildren(sd.SettingsDialog) if d.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].isModal()
    dialogs[0].reject()

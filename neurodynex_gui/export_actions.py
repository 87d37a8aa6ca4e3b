"""The main window's export actions: figure, data, all plots, copy to the clipboard.

A mixin of :class:`~neurodynex_gui.main_window.MainWindow`: it uses the window's
``current_tab``, ``tabs``, ``show_message`` and ``show_error``.
"""
from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PyQt5.QtWidgets import QApplication, QFileDialog, QInputDialog

from . import dialog_folder, export


class ExportActions:
    """File > Export figure / data / all plots, Edit > Copy figure."""

    def export_to(self, path, width: int | None = None) -> Path:
        return export.export(self.current_tab.export_panel(), path, width)

    def export_dialog(self, kind: str = "figure") -> None:
        filters = ("PNG image (*.png);;SVG drawing (*.svg)" if kind == "figure"
                   else "CSV table (*.csv);;NumPy arrays (*.npz)")
        name = f"{self.current_tab.tab_id}.{'png' if kind == 'figure' else 'csv'}"
        path, chosen = QFileDialog.getSaveFileName(self, f"Export {kind}",
                                                   dialog_folder.start_path(name), filters)
        if not path:
            return
        dialog_folder.remember(path)
        if not Path(path).suffix:
            path += "." + chosen.split("*.")[1].rstrip(")")
        width = None
        if path.lower().endswith(".png"):
            panel = self.current_tab.export_panel()
            width, ok = QInputDialog.getInt(self, "PNG size", "width (pixels):",
                                            max(panel.width(), 400) * 2, 100, 20000, 100)
            if not ok:
                return
        try:
            written = self.export_to(path, width)
        except (export.ExportError, OSError) as error:
            self.show_error("Cannot export", str(error))
            return
        self.show_message(f"Exported to {written}")

    def export_all(self, folder, all_tabs: bool = False) -> list[Path]:
        """Every plot view of the current tab (or of all tabs) as PNG and SVG, at
        presentation resolution (2.5x the size on screen)."""
        tabs = self.tabs.values() if all_tabs else [self.current_tab]
        written = []
        for tab in tabs:
            for index, view in enumerate(tab.findChildren(pg.GraphicsView)):
                base = Path(folder) / f"{tab.tab_id}-{index + 1}"
                written += export.export_view(view, base, scale=2.5)
        self.show_message(f"Exported {len(written)} files to {folder}")
        return written

    def export_all_dialog(self, all_tabs: bool) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export all plots into",
                                                  str(dialog_folder.start_folder()))
        if folder:
            dialog_folder.remember(folder)
            try:
                self.export_all(folder, all_tabs)
            except OSError as error:
                self.show_error("Cannot export", str(error))

    def copy_figure(self) -> None:
        panel = self.current_tab.export_panel()
        QApplication.clipboard().setImage(panel.grab().toImage())
        self.show_message("Figure copied to the clipboard")

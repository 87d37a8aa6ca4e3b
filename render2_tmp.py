import sys, time
def main():
    from PyQt5.QtWidgets import QApplication
    from PyQt5.QtCore import QTimer
    app = QApplication(sys.argv)
    from neurodynex_gui.main_window import MainWindow
    w = MainWindow(runner=None, tab_ids=[sys.argv[1]])
    w.resize(1280, 900); w.show()
    tab = w.tabs[sys.argv[1]]
    for name in sys.argv[2:]:
        if name.startswith("preset:"): tab.apply_preset(name[7:])
        elif name.startswith("tool:"):
            from PyQt5.QtCore import QEventLoop
            loop = QEventLoop(); tab.tool_ready.connect(loop.quit); tab.run_failed.connect(lambda t: (print(t), loop.quit()))
            QTimer.singleShot(60000, loop.quit); tab.run_tool(name[5:]); loop.exec_()
        elif name.startswith("page:"): tab.pages.setCurrentIndex(int(name[5:]))
        elif name == "dark": w.set_theme("dark")
        elif name == "present": w.set_presentation(True)
        elif "=" in name: tab.set_value(*name.split("=",1))
    t0=time.time()
    if not any(a.startswith("tool:") for a in sys.argv[2:]):
        tab.run_blocking()
    print("run", time.time()-t0, tab.readout.text())
    for _ in range(40):
        app.processEvents(); time.sleep(0.01)
    w.grab().save("/tmp/syn.png")
    
if __name__ == '__main__':
    main()
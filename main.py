#!/usr/bin/env python3
"""Start neurodynex-gui: double-click this file or run ``python main.py`` (``--help``)."""
import sys

if __name__ == "__main__":
    from neurodynex_gui.app import main

    sys.exit(main())

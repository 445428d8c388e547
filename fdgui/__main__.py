"""``python -m fdgui`` starts the window (``python -m fdgui.cli`` is the headless tool)."""

import sys

from fdgui.app import main

sys.exit(main())

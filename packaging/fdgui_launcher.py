"""Entry script of the PyInstaller bundles.

Started as ``fdgui`` it runs the window, the same ``main()`` as the installed ``fdgui``.
Started through the ``fdgui-cli`` link that the build puts beside it, it runs the headless
tool instead, the same ``main()`` as the installed ``fdgui-cli``. One executable serves both,
so the command-line tool costs the bundle no space.
"""

import sys
from pathlib import Path

if Path(sys.argv[0]).name.lower().startswith("fdgui-cli"):
    from fdgui.cli import main
else:
    from fdgui.app import main

if __name__ == "__main__":
    sys.exit(main())

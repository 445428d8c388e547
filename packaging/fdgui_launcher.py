"""Entry script of the PyInstaller bundles: the same ``main()`` as the installed ``fdgui``."""

import sys

from fdgui.app import main

if __name__ == "__main__":
    sys.exit(main())

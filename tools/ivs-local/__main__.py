"""ivs-local: a local emulator of Amazon IVS, IVS Real-Time and IVS Chat (docs/ivs-local.md).

Run the folder: python3 tools/ivs-local --port 4566 (the package is ivslocal/ beside this file)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ivslocal import main  # noqa: E402

sys.exit(main())

"""The boto3-scripts comparison suite: realistic scripts, each run twice against a freshly reset
ivs-local, once with boto3 (reference/ivs, boto3 under the names the scripts use) and once with the
ivs package over libivs (IVS_LIBRARY); their outputs must be the same. The scripts and the Python
examples of docs/python.md must also pass mypy --strict against ivs's stubs (test_types.py)."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "ivs-local"))
from ivslocal.testing import *  # noqa: E402,F401,F403 (the shared fixtures)

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "scripts")
REFERENCE = os.path.join(HERE, "reference")
BINDING = os.path.join(ROOT, "bindings", "python")
os.environ.setdefault("IVS_LIBRARY", os.path.join(ROOT, ".build", "release", "libivs.so"))

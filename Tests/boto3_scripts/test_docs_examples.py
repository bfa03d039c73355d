"""The examples of docs/python.md run as written, against ivs-local (reached through the
environment, as a user's configuration would reach the service)."""
import os
import subprocess
import sys

import pytest

from .conftest import BINDING
from .docs_examples import examples


@pytest.mark.parametrize("name,source", examples())
def test_docs_example_runs(name, source, fresh, ivs_local_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PYTHONPATH=BINDING, AWS_ENDPOINT_URL=ivs_local_url, AWS_ACCESS_KEY_ID="test",
               AWS_SECRET_ACCESS_KEY="test", AWS_CONFIG_FILE=str(tmp_path / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"), AWS_EC2_METADATA_DISABLED="true")
    out = subprocess.run([sys.executable, "-c", source], env=env, capture_output=True, text=True, timeout=60,
                         cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()
    assert fresh.requests(), "the example made no call"

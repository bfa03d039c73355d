"""The package installs into a fresh virtual environment (no system site-packages) with pip, stubs
included, and works from there against ivs-local."""
import os
import subprocess
import sys
import textwrap

from .conftest import BINDING

SCRIPT = textwrap.dedent("""
    import os, sys
    import ivs
    assert os.path.realpath(ivs.__file__).startswith(os.path.realpath(sys.prefix)), ivs.__file__
    here = os.path.dirname(ivs.__file__)
    for name in ("py.typed", "__init__.pyi", "service_ivs.pyi", "service_ivs_realtime.pyi", "service_ivschat.pyi"):
        assert os.path.exists(os.path.join(here, name)), name
    c = ivs.client("ivs-realtime", region_name="us-west-2", endpoint_url=sys.argv[1],
                   aws_access_key_id="test", aws_secret_access_key="test")
    stage = c.create_stage(name="from-venv")["stage"]
    assert c.get_stage(arn=stage["arn"])["stage"]["name"] == "from-venv"
    try:
        c.get_stage(arn=stage["arn"] + "x")
    except c.exceptions.ResourceNotFoundException as e:
        assert e.response["ResponseMetadata"]["HTTPHeaders"]
    # No botocore in this environment: ivs's own classes and model stand alone.
    try:
        import botocore
        raise AssertionError("botocore is importable")
    except ImportError:
        pass
    assert c.meta.service_model.service_name == "ivs-realtime" and c.meta.region_name == "us-west-2"
    assert c.meta.endpoint_url == sys.argv[1] and c.meta.config.retries == {"total_max_attempts": 3, "mode": "standard"}
    print("ok", ivs.library_version())
""")


def test_pip_install_into_fresh_venv(tmp_path, url):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    # The package's build backend is in-tree and standard-library only: this works offline.
    cmd = [py, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps", "--no-index"]
    # Install from a copy so that the build leaves nothing in the source tree.
    import shutil
    src = tmp_path / "src"
    shutil.copytree(BINDING, src, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info", "libivs.so"))
    subprocess.run(cmd + [str(src)], check=True, cwd=str(tmp_path))
    env = dict(os.environ, IVS_LIBRARY=os.environ["IVS_LIBRARY"])
    env.pop("PYTHONPATH", None)
    out = subprocess.run([py, "-c", SCRIPT, url], cwd=str(tmp_path), env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok ")

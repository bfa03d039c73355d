"""mypy --strict passes on the comparison scripts and on the examples of docs/python.md, checked
against the package's own sources and stubs (bindings/python), with mypy.ini beside this file."""
import os
import subprocess
import sys

from .conftest import BINDING, HERE, SCRIPTS
from .docs_examples import examples, write_examples


def mypy(paths, tmp_path):
    env = dict(os.environ, MYPYPATH=BINDING)
    return subprocess.run([sys.executable, "-m", "mypy", "--config-file", os.path.join(HERE, "mypy.ini"),
                           "--cache-dir", str(tmp_path / "mypy-cache"), *paths],
                          env=env, capture_output=True, text=True, timeout=600, cwd=str(tmp_path))


def test_scripts_and_docs_examples_pass_mypy_strict(tmp_path):
    assert len(examples()) >= 2
    scripts = sorted(os.path.join(SCRIPTS, f) for f in os.listdir(SCRIPTS) if f.endswith(".py"))
    out = mypy(scripts + write_examples(str(tmp_path)), tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Success: no issues found" in out.stdout


def test_mypy_catches_what_the_stubs_forbid(tmp_path):
    """The check can fail: a wrong argument type, an unknown method, an unknown modeled error and a
    typo in a result key are each an error."""
    bad = tmp_path / "bad.py"
    bad.write_text("import ivs\n"
                   "c = ivs.client('ivs')\n"
                   "c.create_channel(latencyMode='FAST')\n"
                   "c.no_such_method()\n"
                   "c.exceptions.NoSuchException\n"
                   "print(c.get_channel(arn='x')['channel']['nmae'])\n"
                   "ivs.Config(retries={'mode': 'sometimes'})\n")
    out = mypy([str(bad)], tmp_path)
    assert out.returncode == 1
    for line in (3, 4, 5, 6, 7):
        assert f"bad.py:{line}: error" in out.stdout, out.stdout

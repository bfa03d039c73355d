"""Fixtures for the packaging suite: one ivs-local per session, the install commands of docs/python.md
run as written (fresh virtual environments, no network), and scripts/python-wheel.sh's dist/.

Every pip run here has an environment without IVS_LIBRARY, PYTHONPATH, AWS_* or pip settings, and
with PIP_NO_INDEX, so nothing installs from a network and the library comes from where the build
backend finds it on its own: the checkout's .build/release/libivs.so (scripts/test.sh builds it)."""
import base64
import csv
import glob
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import sysconfig
import types
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "ivs-local"))
from ivslocal.testing import *  # noqa: E402,F401,F403 (the shared fixtures)

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = os.path.join(HERE, "probe.py")
BINDING = os.path.join(ROOT, "bindings", "python")
REPO_LIBRARY = os.path.join(ROOT, ".build", "release", "libivs.so")
AUDITWHEEL = os.path.join(ROOT, ".venv-auditwheel", "bin", "auditwheel")
with open(os.path.join(ROOT, "VERSION"), encoding="utf-8") as _f:
    VERSION = _f.read().strip()
PLATFORM = sysconfig.get_platform().replace("-", "_").replace(".", "_")  # linux_x86_64
ARCH = PLATFORM.split("_", 1)[1]  # x86_64


def clean_env(**extra):
    """os.environ without what would steer pip, ivs or Python from outside, offline for pip, and
    without this suite's virtual environment on PATH."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("IVS_LIBRARY", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
           and not k.startswith(("PIP_", "AWS_"))}
    mine = {os.path.realpath(os.path.dirname(sys.executable)), os.path.realpath(os.path.join(ROOT, ".venv", "bin"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p and os.path.realpath(p) not in mine)
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.update(extra)
    return env


def run(cmd, **kwargs):
    kwargs.setdefault("env", clean_env())
    kwargs.setdefault("timeout", 900)  # generous: the build backend may have to build libivs.so
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def fresh_venv(path):
    """A new virtual environment (python3 -m venv, no system site-packages); returns its python."""
    out = run(["python3", "-m", "venv", str(path)])
    assert out.returncode == 0, out.stderr
    with open(os.path.join(path, "pyvenv.cfg"), encoding="utf-8") as f:
        assert "include-system-site-packages = false" in f.read()
    return os.path.join(path, "bin", "python")


def probe(python, url, cwd, **env):
    """probe.py's report from python (isolated mode) against url."""
    out = run([python, "-I", PROBE, url], cwd=str(cwd), env=clean_env(**env), timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def site_packages(python):
    out = run([python, "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])"])
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def libivs_mapped(report):
    return [p for p in report["mapped"] if os.path.basename(p).startswith("libivs")]


def verified_record(zf):
    """Checks RECORD against every entry of the wheel (sha256 and size; RECORD itself unhashed, no
    entry missing or extra); returns the entries' names."""
    names = [n for n in zf.namelist() if not n.endswith("/")]
    record_name = [n for n in names if n.endswith(".dist-info/RECORD")]
    assert len(record_name) == 1, names
    rows = list(csv.reader(io.StringIO(zf.read(record_name[0]).decode("utf-8"))))
    listed = {row[0]: row for row in rows}
    assert len(listed) == len(rows), "a file listed twice in RECORD"
    assert set(listed) == set(names), set(listed) ^ set(names)
    for name, (_, digest, size) in listed.items():
        if name == record_name[0]:
            assert digest == "" and size == "", "RECORD lists a hash of itself"
            continue
        data = zf.read(name)
        algo, _, value = digest.partition("=")
        assert algo == "sha256", digest
        expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        assert value == expected, f"{name}: RECORD hash differs from the file's"
        assert int(size) == len(data), f"{name}: RECORD size differs from the file's"
    return set(names)


def stripped_repo_library(tmp_path):
    """The checkout's libivs.so as `strip --strip-unneeded` leaves it (what CMake installs)."""
    out = tmp_path / "libivs.stripped.so"
    subprocess.run(["strip", "--strip-unneeded", "-o", str(out), REPO_LIBRARY], check=True)
    return out.read_bytes()


def doc_section(path, heading):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        text = f.read()
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def code_blocks(section, language):
    return [m.group(1) for m in re.finditer(rf"^```{language}\n(.*?)^```$", section, re.S | re.M)]


INSTALL = doc_section("docs/python.md", "## Install")
PYTHON_SCRIPT = "./scripts/python-wheel.sh"


@pytest.fixture(scope="session")
def url(ivs_local_url):
    return ivs_local_url


def tree_state():
    """bindings/python's status in git, ignored files included except Python's bytecode caches."""
    out = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--ignored", "--untracked-files=all", "--",
                          "bindings/python"], capture_output=True, text=True, check=True).stdout
    return sorted(line for line in out.splitlines() if "__pycache__" not in line)


@pytest.fixture(scope="session")
def documented(tmp_path_factory):
    """The sh blocks of docs/python.md's Install section, run in one bash as a reader would, in order,
    from a directory whose bindings/ is the checkout's (a link, so that `dist` is not written into the
    checkout), with HOME a fresh directory (the blocks' ~/ venvs land there). The python-wheel.sh
    block is left to the manylinux fixture, which runs that script."""
    base = tmp_path_factory.mktemp("documented")
    home, work = base / "home", base / "work"
    home.mkdir()
    work.mkdir()
    os.symlink(os.path.join(ROOT, "bindings"), work / "bindings")
    blocks = [b for b in code_blocks(INSTALL, "sh") if not b.startswith(PYTHON_SCRIPT)]
    script = "set -euo pipefail\n" + "\n".join(blocks)
    venvs = [str(home) + v[1:] if v.startswith("~") else str(work / v)
             for v in re.findall(r"python3 -m venv (\S+)", script)]
    assert len(venvs) == 2, script  # one for the directory install, one for the wheel
    before = tree_state()
    out = run(["bash", "-c", script], cwd=str(work), env=clean_env(HOME=str(home)))
    assert out.returncode == 0, out.stdout + out.stderr
    wheels = glob.glob(str(work / "dist" / "*.whl"))
    assert len(wheels) == 1, wheels
    return types.SimpleNamespace(home=home, work=work, script=script, wheel=wheels[0],
                                 python=os.path.join(venvs[0], "bin", "python"),
                                 wheel_python=os.path.join(venvs[1], "bin", "python"),
                                 tree_before=before, tree_after=tree_state())


@pytest.fixture(scope="session")
def manylinux(tmp_path_factory):
    """scripts/python-wheel.sh --dist DIR: the linux wheel, the repaired manylinux wheel, the sdist and
    auditwheel's report. (Its first run pip-installs auditwheel into .venv-auditwheel: not offline.)"""
    dist = tmp_path_factory.mktemp("dist")
    env = clean_env()
    env.pop("PIP_NO_INDEX")
    out = run([os.path.join(ROOT, "scripts", "python-wheel.sh"), "--dist", str(dist)], cwd=ROOT, env=env)
    assert out.returncode == 0, out.stdout + out.stderr

    def one(pattern):
        found = glob.glob(str(dist / pattern))
        assert len(found) == 1, (pattern, os.listdir(dist))
        return found[0]
    return types.SimpleNamespace(dist=dist, output=out.stdout,
                                 linux=one(f"ivs-{VERSION}-py3-none-{PLATFORM}.whl"),
                                 repaired=one(f"ivs-{VERSION}-py3-none-manylinux_*_{ARCH}.whl"),
                                 sdist=one(f"ivs-{VERSION}.tar.gz"),
                                 show=(dist / "auditwheel-show.txt").read_text())


def auditwheel_json(wheel):
    out = run([AUDITWHEEL, "show", "--json", wheel])
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def wheel_zip(path):
    return zipfile.ZipFile(path)

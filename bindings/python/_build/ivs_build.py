"""A PEP 517 build backend in the standard library only, so that `pip install bindings/python` works
offline and in a bare virtual environment (no setuptools or wheel needed). It packs ivs/ (sources,
stubs, py.typed, and libivs.so when one was copied there) into a pure-Python wheel."""
import base64
import hashlib
import os
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _version():
    """The library's version, from ivs/_version.py (generated from VERSION at the repository root)."""
    with open(os.path.join(ROOT, "ivs", "_version.py"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("__version__"):
                return line.split("=", 1)[1].strip().strip("'\"")
    raise RuntimeError("ivs/_version.py has no __version__")


NAME, VERSION = "ivs", _version()
DIST_INFO = f"{NAME}-{VERSION}.dist-info"
METADATA = f"""Metadata-Version: 2.1
Name: {NAME}
Version: {VERSION}
Summary: Amazon IVS (low-latency, Real-Time, Chat) client with a boto3-compatible interface over libivs
License: Apache-2.0
Requires-Python: >=3.8
Provides-Extra: search
Requires-Dist: jmespath; extra == "search"
"""
WHEEL = f"Wheel-Version: 1.0\nGenerator: ivs_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _package_files():
    base = os.path.join(ROOT, NAME)
    for name in sorted(os.listdir(base)):
        if name.endswith((".py", ".pyi", ".typed")) or name == "libivs.so":
            yield os.path.join(base, name), f"{NAME}/{name}"


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def _write_wheel(wheel_directory, entries):
    filename = f"{NAME}-{VERSION}-py3-none-any.whl"
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, data in entries + [(f"{DIST_INFO}/METADATA", METADATA.encode()),
                                        (f"{DIST_INFO}/WHEEL", WHEEL.encode())]:
            zf.writestr(arcname, data)
            records.append(_record_line(arcname, data))
        records.append(f"{DIST_INFO}/RECORD,,")
        zf.writestr(f"{DIST_INFO}/RECORD", "\n".join(records) + "\n")
    return filename


def get_requires_for_build_wheel(config_settings=None):
    return []


get_requires_for_build_sdist = get_requires_for_build_wheel
get_requires_for_build_editable = get_requires_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    entries = []
    for path, arcname in _package_files():
        with open(path, "rb") as f:
            entries.append((arcname, f.read()))
    return _write_wheel(wheel_directory, entries)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(f"{NAME}.pth", (ROOT + "\n").encode())])


def build_sdist(sdist_directory, config_settings=None):
    filename = f"{NAME}-{VERSION}.tar.gz"
    top = f"{NAME}-{VERSION}"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tf:
        for rel in ("pyproject.toml", "README.md", "gen_stubs.py", "_build/ivs_build.py"):
            tf.add(os.path.join(ROOT, rel), f"{top}/{rel}")
        for path, arcname in _package_files():
            tf.add(path, f"{top}/{arcname}")
        import io
        for name, data in (("PKG-INFO", METADATA.encode()),):
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return filename

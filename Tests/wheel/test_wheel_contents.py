"""The wheel `pip wheel bindings/python` builds (docs/python.md's command, conftest's documented
fixture): tagged for this platform, not `any`; the package's sources, stubs, py.typed and the
checkout's libivs.so stripped; METADATA as pyproject.toml and VERSION say; RECORD true to the bytes."""
import email.parser
import os
import subprocess
import tomllib

from .conftest import (BINDING, PLATFORM, REPO_LIBRARY, VERSION, stripped_repo_library, verified_record,
                       wheel_zip)

DIST_INFO = f"ivs-{VERSION}.dist-info"


def headers(zf, name):
    return email.parser.Parser().parsestr(zf.read(f"{DIST_INFO}/{name}").decode("utf-8"))


def test_the_wheel_is_tagged_for_this_platform(documented):
    name = os.path.basename(documented.wheel)
    assert name == f"ivs-{VERSION}-py3-none-{PLATFORM}.whl"
    assert "any" not in name
    with wheel_zip(documented.wheel) as zf:
        wheel = headers(zf, "WHEEL")
    assert wheel.get_all("Tag") == [f"py3-none-{PLATFORM}"]
    assert wheel["Root-Is-Purelib"] == "false" and wheel["Wheel-Version"] == "1.0"


def test_the_metadata_is_the_projects(documented):
    with open(os.path.join(BINDING, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)["project"]
    with wheel_zip(documented.wheel) as zf:
        meta = headers(zf, "METADATA")
    assert meta["Metadata-Version"] == "2.1"
    assert (meta["Name"], meta["Version"]) == (project["name"], VERSION)
    assert meta["Summary"] == project["description"]
    assert meta["Requires-Python"] == project["requires-python"]
    assert meta.get_all("Provides-Extra") == list(project["optional-dependencies"])
    assert meta.get_all("Requires-Dist") == [f'{dep}; extra == "{extra}"'
                                             for extra, deps in project["optional-dependencies"].items()
                                             for dep in deps]
    assert meta.get_all("Requires-Dist") and not project["dependencies"]
    with open(os.path.join(BINDING, project["readme"]), encoding="utf-8") as f:
        assert meta.get_payload() == f.read()


def test_the_wheel_holds_the_package_and_a_true_record(documented):
    with wheel_zip(documented.wheel) as zf:
        names = verified_record(zf)
        mode = (zf.getinfo("ivs/libivs.so").external_attr >> 16) & 0o777
    package = {f"ivs/{n}" for n in os.listdir(os.path.join(BINDING, "ivs")) if n.endswith((".py", ".pyi"))}
    assert {"ivs/__init__.pyi", "ivs/service_ivs.pyi", "ivs/_lib.py"} <= package
    assert names == package | {"ivs/py.typed", "ivs/libivs.so", f"{DIST_INFO}/METADATA", f"{DIST_INFO}/WHEEL",
                               f"{DIST_INFO}/RECORD"}
    assert mode == 0o755


def readelf(flag, path):
    return subprocess.run(["readelf", flag, "-W", str(path)], capture_output=True, text=True, check=True).stdout


def test_the_library_is_the_checkouts_stripped(documented, tmp_path):
    with wheel_zip(documented.wheel) as zf:
        data = zf.read("ivs/libivs.so")
    assert data == stripped_repo_library(tmp_path)
    bundled = tmp_path / "libivs.so"
    bundled.write_bytes(data)
    assert ".symtab" in readelf("-S", REPO_LIBRARY) and ".symtab" not in readelf("-S", bundled)
    assert len(data) < os.path.getsize(REPO_LIBRARY)
    major, minor, _ = VERSION.split(".")
    assert f"Library soname: [libivs.so.{major}.{minor}]" in readelf("-d", bundled)

"""A PEP 517 build backend in the standard library only, so that `pip install bindings/python` and
`pip wheel bindings/python` work offline and in a bare virtual environment (no setuptools or wheel).

build_wheel packs ivs/ (sources, .pyi stubs, py.typed) and libivs.so, stripped as CMake installs it,
into a wheel tagged py3-none-<platform> (for example py3-none-linux_x86_64): the Python code runs on
any Python 3, but the library is native code for one platform, so the wheel must not claim `any`.
The library bundled is the first of:

  1. the config setting libivs=PATH   (pip wheel --config-settings libivs=PATH bindings/python)
  2. the environment variable IVS_LIBRARY
  3. in a checkout of the libivs repository, .build/release/libivs.so, built first with
     ./scripts/build.sh when it is missing or older than Sources/, Package.swift or VERSION.

Outside a checkout (an unpacked sdist, a copy of bindings/python) there is nothing to build from, so
1 or 2 is required. The library must be an ELF shared object for this machine and report the
package's version (ivs_version()). A libivs.so copied into ivs/ is ignored here: it is only for
importing the package in place (ivs/_lib.py looks beside itself first).

build_editable writes a wheel holding a .pth file pointing at this directory; the library is then found
at run time as ivs/_lib.py describes (IVS_LIBRARY, or the system's library path)."""
import base64
import ctypes
import gzip
import hashlib
import io
import os
import shutil
import stat
import struct
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import zipfile

# bindings/python, its links resolved: a tree reached through a symbolic link is still in its checkout.
ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
REPO = os.path.dirname(os.path.dirname(ROOT))  # the repository, when ROOT is inside one
NAME = "ivs"


def _fail(message):
    # A plain message, not a traceback: pip shows the backend's output when a build fails.
    raise SystemExit(f"ivs_build: {message}")


def _log(message):
    print(f"ivs_build: {message}", file=sys.stderr, flush=True)


def _in_repository():
    return all(os.path.exists(os.path.join(REPO, rel)) for rel in
               ("Package.swift", "VERSION", "scripts/build.sh", "bindings/python/_build/ivs_build.py"))


def _version():
    """The package's version: ivs/_version.py, which tools/codegen/generate.py writes from VERSION at the
    repository root (an sdist has only the former; in a checkout both must agree)."""
    with open(os.path.join(ROOT, NAME, "_version.py"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("__version__"):
                version = line.split("=", 1)[1].strip().strip("'\"")
                break
        else:
            _fail("ivs/_version.py has no __version__")
    if _in_repository():
        with open(os.path.join(REPO, "VERSION"), encoding="utf-8") as f:
            repo_version = f.read().strip()
        if repo_version != version:
            _fail(f"VERSION says {repo_version} but ivs/_version.py says {version}: run tools/codegen/generate.py")
    return version


VERSION = _version()
DIST_INFO = f"{NAME}-{VERSION}.dist-info"


def _metadata():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return (f"Metadata-Version: 2.1\n"
            f"Name: {NAME}\n"
            f"Version: {VERSION}\n"
            f"Summary: Amazon IVS (low-latency, Real-Time, Chat) client with a boto3-compatible interface over libivs\n"
            f"License: Apache-2.0\n"
            f"Classifier: Programming Language :: Python :: 3\n"
            f"Classifier: Typing :: Typed\n"
            f"Classifier: Operating System :: POSIX :: Linux\n"
            f"Requires-Python: >=3.8\n"
            f"Provides-Extra: search\n"
            f"Requires-Dist: jmespath; extra == \"search\"\n"
            f"Description-Content-Type: text/markdown\n"
            f"\n{readme}")


# -- the library -----------------------------------------------------------------------------------

# ELF e_machine values and the machine names in sysconfig's platform (linux-<machine>).
_ELF_MACHINES = {3: "i686", 40: "armv7l", 62: "x86_64", 183: "aarch64", 21: "ppc64", 22: "s390x",
                 243: "riscv64"}


def _platform_tag():
    if not sys.platform.startswith("linux"):
        _fail(f"libivs is built for Linux only; this is {sys.platform}")
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


def _check_elf(path, platform):
    """The library is a shared object for this platform's machine (an x86-64 library must not be tagged
    for aarch64, nor the reverse)."""
    with open(path, "rb") as f:
        header = f.read(20)
    if len(header) < 20 or header[:4] != b"\x7fELF":
        _fail(f"{path} is not an ELF file")
    endian = "<" if header[5] == 1 else ">"
    e_type, e_machine = struct.unpack(endian + "HH", header[16:20])
    if e_type != 3:  # ET_DYN
        _fail(f"{path} is not a shared object")
    machine = _ELF_MACHINES.get(e_machine, f"ELF machine {e_machine}")
    if machine == "ppc64" and endian == "<":
        machine = "ppc64le"
    if not platform.endswith("_" + machine):
        _fail(f"{path} is built for {machine}, but this platform is {platform}")


def _check_version(path):
    """The library reports the package's version: a stale or foreign IVS_LIBRARY is refused."""
    try:
        lib = ctypes.CDLL(os.path.abspath(path))
    except OSError as e:
        _fail(f"{path} does not load on this machine: {e}")
    fn = getattr(lib, "ivs_version", None)
    if fn is None:
        _fail(f"{path} has no ivs_version(): not libivs")
    fn.restype = ctypes.c_char_p
    got = fn().decode("utf-8", "replace")
    if got != VERSION:
        _fail(f"{path} is libivs {got}, but this package is {VERSION}")


def _newest_source_mtime():
    newest = max(os.path.getmtime(os.path.join(REPO, rel)) for rel in ("Package.swift", "VERSION"))
    for dirpath, _dirs, files in os.walk(os.path.join(REPO, "Sources")):
        for name in files:
            newest = max(newest, os.path.getmtime(os.path.join(dirpath, name)))
    return newest


def _build_in_repository():
    """.build/release/libivs.so of the checkout, built with ./scripts/build.sh when missing or stale."""
    lib = os.path.join(REPO, ".build", "release", "libivs.so")
    if os.path.exists(lib) and os.path.getmtime(lib) >= _newest_source_mtime():
        return lib
    why = "is older than the sources" if os.path.exists(lib) else "is not built"
    # scripts/build.sh puts /opt/swift/usr/bin first on PATH; look in the same places.
    search = os.environ.get("PATH", os.defpath) + os.pathsep + "/opt/swift/usr/bin"
    if shutil.which("swift", path=search) is None:
        _fail(f"{lib} {why}, and building it needs the Swift toolchain (swift 6), which is not on PATH "
              f"nor in /opt/swift/usr/bin: install Swift (https://www.swift.org/install/linux/) and the "
              f"C libraries (./scripts/setup.sh), or set IVS_LIBRARY to a built libivs.so")
    _log(f"{lib} {why}: running ./scripts/build.sh (a release build takes minutes)")
    result = subprocess.run(["./scripts/build.sh"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = result.stdout.decode("utf-8", "replace")
    if result.returncode != 0:
        _fail(f"./scripts/build.sh failed (exit {result.returncode}):\n" + output[-4000:])
    _log(output.strip().splitlines()[-1] if output.strip() else "built")
    # SwiftPM leaves the file as it was when nothing it builds from changed (a source touched but not
    # edited); mark it current, as the CMake build does, so that the next install does not build again.
    os.utime(lib)
    return lib


def _find_library(config_settings):
    configured = (config_settings or {}).get("libivs")
    if configured:
        path, origin = configured, "config setting libivs"
    elif os.environ.get("IVS_LIBRARY"):
        path, origin = os.environ["IVS_LIBRARY"], "IVS_LIBRARY"
    elif _in_repository():
        path, origin = _build_in_repository(), "the repository's build"
    else:
        _fail(f"no libivs.so to bundle: {ROOT} is not inside the libivs repository, so set IVS_LIBRARY (or "
              f"--config-settings libivs=PATH) to a libivs.so built from the same version ({VERSION})")
    if not os.path.isfile(path):
        where = "" if os.path.isabs(path) else f" in {os.getcwd()}, where pip runs this build: give an absolute path"
        _fail(f"{path} ({origin}) does not exist{where}")
    return os.path.realpath(path), origin


def _stripped_library(path):
    """The library's bytes with symbols and debug information removed (strip --strip-unneeded, as the
    CMake install does); unstripped, with a warning, when binutils' strip is missing."""
    strip = shutil.which("strip")
    if strip is None:
        _log("warning: strip (binutils) not found; bundling libivs.so with its debug information")
        with open(path, "rb") as f:
            return f.read()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "libivs.so")
        result = subprocess.run([strip, "--strip-unneeded", "-o", out, path], stderr=subprocess.PIPE)
        if result.returncode != 0:
            _fail(f"strip {path} failed: {result.stderr.decode('utf-8', 'replace').strip()}")
        with open(out, "rb") as f:
            return f.read()


# -- archives --------------------------------------------------------------------------------------

def _package_files():
    base = os.path.join(ROOT, NAME)
    for name in sorted(os.listdir(base)):
        if name.endswith((".py", ".pyi", ".typed")):
            yield os.path.join(base, name), f"{NAME}/{name}"


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def _timestamp():
    # Reproducible archives: SOURCE_DATE_EPOCH when set, else the earliest time a zip file can hold.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return max(int(epoch), 315532800) if epoch and epoch.isdigit() else 315532800


def _write_wheel(wheel_directory, entries, tag, purelib):
    """entries: (arcname, bytes, mode). Writes the wheel with its WHEEL, METADATA and RECORD."""
    filename = f"{NAME}-{VERSION}-{tag}.whl"
    wheel = f"Wheel-Version: 1.0\nGenerator: ivs_build\nRoot-Is-Purelib: {'true' if purelib else 'false'}\nTag: {tag}\n"
    entries = entries + [(f"{DIST_INFO}/METADATA", _metadata().encode(), 0o644),
                         (f"{DIST_INFO}/WHEEL", wheel.encode(), 0o644)]
    date_time = time.gmtime(_timestamp())[:6]
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as zf:
        def add(arcname, data, mode):
            info = zipfile.ZipInfo(arcname, date_time)
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
        for arcname, data, mode in entries:
            add(arcname, data, mode)
            records.append(_record_line(arcname, data))
        records.append(f"{DIST_INFO}/RECORD,,")
        add(f"{DIST_INFO}/RECORD", ("\n".join(records) + "\n").encode(), 0o644)
    return filename


# -- the PEP 517 hooks -----------------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


get_requires_for_build_sdist = get_requires_for_build_wheel
get_requires_for_build_editable = get_requires_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    platform = _platform_tag()
    library, origin = _find_library(config_settings)
    _check_elf(library, platform)
    _check_version(library)
    entries = []
    for path, arcname in _package_files():
        with open(path, "rb") as f:
            entries.append((arcname, f.read(), 0o644))
    data = _stripped_library(library)
    entries.append((f"{NAME}/libivs.so", data, 0o755))
    _log(f"bundling {library} ({origin}), {len(data)} bytes stripped")
    return _write_wheel(wheel_directory, entries, f"py3-none-{platform}", purelib=False)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # Only a path: the code runs from this directory, and nothing native is in the wheel.
    return _write_wheel(wheel_directory, [(f"{NAME}.pth", (ROOT + "\n").encode(), 0o644)], "py3-none-any",
                        purelib=True)


def build_sdist(sdist_directory, config_settings=None):
    """The Python sources and this backend, no library: a wheel built from it needs IVS_LIBRARY."""
    filename = f"{NAME}-{VERSION}.tar.gz"
    top = f"{NAME}-{VERSION}"
    mtime = _timestamp()

    def add(arcname, data, mode=0o644):
        info = tarfile.TarInfo(f"{top}/{arcname}")
        info.size, info.mode, info.mtime = len(data), mode, mtime
        tf.addfile(info, io.BytesIO(data))

    # The gzip header holds a time too; give it the same one.
    with open(os.path.join(sdist_directory, filename), "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=mtime) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tf:
        files = [(os.path.join(ROOT, rel), rel) for rel in
                 ("pyproject.toml", "README.md", "gen_stubs.py", "_build/ivs_build.py")]
        for path, rel in files + list(_package_files()):
            with open(path, "rb") as f:
                add(rel, f.read())
        add("PKG-INFO", _metadata().encode())
    return filename

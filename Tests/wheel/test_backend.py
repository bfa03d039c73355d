"""The build backend outside the happy path: the sdist (Python sources only) and a wheel built from
it, which needs IVS_LIBRARY; libraries it must refuse (not ELF, another machine, another version)."""
import os
import shutil
import subprocess
import sys
import tarfile

from .conftest import BINDING, PLATFORM, REPO_LIBRARY, VERSION, clean_env, run, stripped_repo_library, wheel_zip


def test_the_sdist_holds_the_sources_and_no_library(manylinux):
    top = f"ivs-{VERSION}"
    with tarfile.open(manylinux.sdist) as tf:
        names = set(tf.getnames())
        pkg_info = tf.extractfile(f"{top}/PKG-INFO").read().decode()
    package = {f"{top}/ivs/{n}" for n in os.listdir(os.path.join(BINDING, "ivs")) if n.endswith((".py", ".pyi"))}
    assert names == package | {f"{top}/{rel}" for rel in ("ivs/py.typed", "pyproject.toml", "README.md",
                                                          "gen_stubs.py", "_build/ivs_build.py", "PKG-INFO")}
    assert f"\nVersion: {VERSION}\n" in pkg_info


def pip_wheel(source, out, **env):
    return run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(source)], env=clean_env(**env))


def test_a_wheel_from_the_sdist_needs_ivs_library(manylinux, tmp_path):
    refused = pip_wheel(manylinux.sdist, tmp_path / "refused")
    assert refused.returncode != 0
    assert "not inside the libivs repository, so set IVS_LIBRARY" in refused.stdout + refused.stderr
    built = pip_wheel(manylinux.sdist, tmp_path / "built", IVS_LIBRARY=REPO_LIBRARY)
    assert built.returncode == 0, built.stdout + built.stderr
    [name] = os.listdir(tmp_path / "built")
    assert name == f"ivs-{VERSION}-py3-none-{PLATFORM}.whl"
    with wheel_zip(tmp_path / "built" / name) as zf:
        assert zf.read("ivs/libivs.so") == stripped_repo_library(tmp_path)


def build_wheel(tree, out, **env):
    """The backend's build_wheel hook called as a frontend would, in the tree's _build directory."""
    out.mkdir()
    return run([sys.executable, "-B", "-c", "import sys, ivs_build; ivs_build.build_wheel(sys.argv[1])", str(out)],
               cwd=os.path.join(tree, "_build"), env=clean_env(**env))


def test_a_file_that_is_not_a_library_is_refused(tmp_path):
    junk = tmp_path / "libivs.so"
    junk.write_bytes(b"not a library")
    out = build_wheel(BINDING, tmp_path / "out", IVS_LIBRARY=str(junk))
    assert out.returncode != 0 and f"ivs_build: {junk} is not an ELF file" in out.stderr
    assert os.listdir(tmp_path / "out") == []


def test_a_library_for_another_machine_is_refused(tmp_path):
    other = tmp_path / "libivs.so"
    data = bytearray(open(REPO_LIBRARY, "rb").read())
    machine, name = (183, "aarch64") if not PLATFORM.endswith("aarch64") else (62, "x86_64")
    data[18:20] = machine.to_bytes(2, "little")  # e_machine
    other.write_bytes(bytes(data))
    out = build_wheel(BINDING, tmp_path / "out", IVS_LIBRARY=str(other))
    assert out.returncode != 0
    assert f"ivs_build: {other} is built for {name}, but this platform is {PLATFORM}" in out.stderr


def test_a_library_of_another_version_is_refused(tmp_path):
    # A copy of the package outside the checkout, claiming another version.
    tree = tmp_path / "python"
    shutil.copytree(BINDING, tree, ignore=shutil.ignore_patterns("__pycache__", "libivs.so"))
    (tree / "ivs" / "_version.py").write_text("__version__ = '9.9.9'\n")
    out = build_wheel(tree, tmp_path / "out", IVS_LIBRARY=REPO_LIBRARY)
    assert out.returncode != 0
    assert f"is libivs {VERSION}, but this package is 9.9.9" in out.stderr

"""docs/python.md's install commands run as written (conftest's documented fixture): `pip install
bindings/python`, and `pip wheel` then `pip install` of the wheel, each into a fresh virtual
environment without network. From each environment, with no IVS_LIBRARY: the page's first call and
the README's example against ivs-local, and the library loaded is the one the install bundled."""
import ast
import os
import re

import pytest

from .conftest import (INSTALL, REPO_LIBRARY, VERSION, clean_env, code_blocks, doc_section, libivs_mapped, probe,
                       run, site_packages, wheel_zip)

ENVIRONMENTS = ["python", "wheel_python"]  # pip install bindings/python; pip install the wheel


def commands(text):
    return [re.sub(r"\s+#.*$", "", line).strip() for block in code_blocks(text, "sh")
            for line in block.splitlines() if line.strip()]


def test_the_readme_shows_the_documented_commands():
    readme = commands(doc_section("README.md", "## Python"))
    assert readme and set(readme) <= set(commands(INSTALL)), readme


def test_the_install_leaves_the_checkout_as_it_was(documented):
    assert documented.tree_after == documented.tree_before


def call_env(documented, url):
    return clean_env(HOME=str(documented.home), AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="test",
                     AWS_SECRET_ACCESS_KEY="test")


@pytest.mark.parametrize("which", ENVIRONMENTS)
def test_the_first_call_of_the_page_runs_in_the_fresh_environment(documented, url, control, which):
    snippets = code_blocks(INSTALL, "python")
    assert len(snippets) == 1, snippets
    before = len(control.requests(service="ivschat", operation="CreateRoom"))
    out = run([getattr(documented, which), "-I", "-c", snippets[0]], cwd=str(documented.work),
              env=call_env(documented, url), timeout=120)
    assert out.returncode == 0, out.stderr
    names, arn = out.stdout.splitlines()
    assert isinstance(ast.literal_eval(names), list)
    assert re.fullmatch(r"arn:aws:ivschat:us-west-2:123456789012:room/\w+", arn), arn
    # The call reached ivs-local (not some other endpoint that happened to answer).
    assert len(control.requests(service="ivschat", operation="CreateRoom")) == before + 1


def test_the_readme_example_runs_from_the_wheel(documented, url):
    example = code_blocks(doc_section("README.md", "## Python"), "python")
    assert len(example) == 1
    out = run([documented.wheel_python, "-I", "-c", example[0]], cwd=str(documented.work),
              env=call_env(documented, url), timeout=120)
    assert out.returncode == 0, out.stderr
    assert "studio-a" in ast.literal_eval(out.stdout.splitlines()[-1])


@pytest.mark.parametrize("which", ENVIRONMENTS)
def test_the_installed_package_loads_its_bundled_library(documented, url, which):
    python = getattr(documented, which)
    site = os.path.realpath(site_packages(python))
    bundled = os.path.join(site, "ivs", "libivs.so")
    for name in ("__init__.py", "py.typed", "__init__.pyi", "service_ivs.pyi", "service_ivs_realtime.pyi",
                 "service_ivschat.pyi", "libivs.so"):
        assert os.path.isfile(os.path.join(site, "ivs", name)), name
    with wheel_zip(documented.wheel) as zf, open(bundled, "rb") as f:
        assert f.read() == zf.read("ivs/libivs.so")
    # Without any variable, and with IVS_LIBRARY naming the checkout's library: the bundled one first.
    for env in ({}, {"IVS_LIBRARY": REPO_LIBRARY}):
        report = probe(python, url, documented.work, HOME=str(documented.home), **env)
        assert os.path.realpath(report["prefix"]) == os.path.realpath(os.path.dirname(os.path.dirname(python)))
        assert os.path.realpath(report["ivs_file"]) == os.path.join(site, "ivs", "__init__.py")
        assert [os.path.realpath(p) for p in libivs_mapped(report)] == [bundled], report["mapped"]
        assert report["library"] == bundled and report["version"] == VERSION
        assert "wheel-probe" in report["names"] and report["room_again"] == report["room"]
        # This wheel links the system's libcurl (the repaired one brings its own: test_manylinux.py).
        curl = [p for p in report["mapped"] if os.path.basename(p).startswith("libcurl")]
        assert curl and not any(os.path.realpath(p).startswith(site) for p in curl), curl

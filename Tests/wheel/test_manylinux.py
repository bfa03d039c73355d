"""scripts/python-wheel.sh (conftest's manylinux fixture): its linux wheel is the one pip builds, byte
for byte; auditwheel show says why that wheel is linux_* only; the repaired manylinux wheel carries
libcurl, OpenSSL and jansson in ivs.libs/ and, installed into a fresh virtual environment, runs on
them: calls to ivs-local over HTTP, and over HTTPS verified by its own OpenSSL."""
import http.server
import json
import os
import re
import ssl
import subprocess
import threading

import pytest
from ivslocal.testing import self_signed

from .conftest import (ARCH, INSTALL, PLATFORM, VERSION, auditwheel_json, clean_env, fresh_venv, libivs_mapped,
                       probe, run, site_packages, verified_record, wheel_zip)

# What libivs.so links that no manylinux policy allows (docs/python.md says so and names them).
OUTSIDE_POLICY = ("libcurl.so.4", "libcrypto.so.3", "libssl.so.3", "libjansson.so.4")


def test_the_scripts_linux_wheel_is_the_one_pip_builds(manylinux, documented):
    with open(manylinux.linux, "rb") as a, open(documented.wheel, "rb") as b:
        assert a.read() == b.read()


def test_auditwheel_show_reports_why_the_wheel_is_linux_only(manylinux):
    report = auditwheel_json(manylinux.linux)
    assert report["overall_tag"] == PLATFORM and not report["pure"]
    sym = report["sym_tag"]
    assert re.fullmatch(rf"manylinux_2_\d+_{ARCH}", sym), sym
    blockers = set(report["policy_upgrades"][sym]["libs_to_eliminate"])
    assert set(OUTSIDE_POLICY) <= blockers, blockers
    assert "libexpat.so.1" not in blockers  # the policy allows expat: it stays the system's
    # The script's text report says the same; the page names the tag and the libraries.
    assert f'"{PLATFORM}"' in manylinux.show and f'"{sym}"' in manylinux.show
    for word in OUTSIDE_POLICY[:2] + OUTSIDE_POLICY[3:] + ("libexpat.so.1", sym.rsplit("_", 2)[0]):
        assert word in INSTALL, word


def test_the_repaired_wheel_vendors_what_the_policy_does_not_allow(manylinux, tmp_path):
    sym = auditwheel_json(manylinux.linux)["sym_tag"]
    assert os.path.basename(manylinux.repaired) == f"ivs-{VERSION}-py3-none-{sym}.whl"
    with wheel_zip(manylinux.repaired) as zf:
        names = verified_record(zf)
        wheel = zf.read(f"ivs-{VERSION}.dist-info/WHEEL").decode()
        (tmp_path / "libivs.so").write_bytes(zf.read("ivs/libivs.so"))
    assert f"Tag: py3-none-{sym}\n" in wheel and "Root-Is-Purelib: false\n" in wheel
    vendored = [n.split("/", 1)[1] for n in names if n.startswith("ivs.libs/")]
    for lib in OUTSIDE_POLICY:
        stem, _, soversion = lib.partition(".so")
        assert [v for v in vendored if re.fullmatch(rf"{stem}-[0-9a-f]{{8}}\.so{re.escape(soversion)}.*", v)], (lib, vendored)
    assert not [v for v in vendored if v.startswith("libexpat")]
    dynamic = subprocess.run(["readelf", "-d", "-W", str(tmp_path / "libivs.so")], capture_output=True, text=True,
                             check=True).stdout
    assert "$ORIGIN/../ivs.libs" in dynamic
    assert re.search(r"NEEDED.*\[libcurl-[0-9a-f]{8}\.so", dynamic) and "[libcurl.so.4]" not in dynamic


@pytest.fixture(scope="module")
def repaired(manylinux, tmp_path_factory):
    """A fresh virtual environment with the manylinux wheel installed offline: (python, directory)."""
    base = tmp_path_factory.mktemp("repaired")
    python = fresh_venv(base / "venv")
    out = run([python, "-m", "pip", "install", manylinux.repaired])
    assert out.returncode == 0, out.stdout + out.stderr
    return python, base


def vendored_and_system(report, site, stem):
    paths = [os.path.realpath(p) for p in report["mapped"] if os.path.basename(p).startswith(stem + "-")
             or os.path.basename(p).startswith(stem + ".so")]
    return ([p for p in paths if p.startswith(os.path.join(site, "ivs.libs") + os.sep)],
            [p for p in paths if not p.startswith(site)])


def test_the_repaired_wheel_runs_on_its_own_libraries(repaired, url):
    python, base = repaired
    site = os.path.realpath(site_packages(python))
    report = probe(python, url, base)
    assert [os.path.realpath(p) for p in libivs_mapped(report)] == [os.path.join(site, "ivs", "libivs.so")]
    assert report["version"] == VERSION and report["room_again"] == report["room"]
    for stem in ("libcurl", "libjansson"):
        vendored, system = vendored_and_system(report, site, stem)
        assert vendored and not system, (stem, report["mapped"])
    for stem in ("libssl", "libcrypto"):  # Python's own modules may map the system's copy beside it
        assert vendored_and_system(report, site, stem)[0], (stem, report["mapped"])


# -- HTTPS through the vendored libcurl and OpenSSL -----------------------------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """An HTTPS server on 127.0.0.1 with a self-signed certificate, answering every request with an
    empty ListChannels result; yields (url, certificate path)."""
    cert, key = self_signed(tmp_path_factory.mktemp("tls"))

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'{"channels": []}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("x-amzn-RequestId", "wheel-tls")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}", str(cert)
    server.shutdown()


TLS_CALL = """
import json, sys
import ivs
client = ivs.client("ivs", region_name="us-west-2", endpoint_url=sys.argv[1], aws_access_key_id="test",
                    aws_secret_access_key="test", config=ivs.Config(retries={"total_max_attempts": 1}))
try:
    out = client.list_channels()
    print(json.dumps({"channels": out["channels"], "request": out["ResponseMetadata"]["RequestId"]}))
except ivs.exceptions.SSLError as e:
    print(json.dumps({"error": type(e).__name__}))
"""


def test_the_repaired_wheel_verifies_tls_with_its_own_openssl(repaired, tls_server):
    python, base = repaired
    url, cert = tls_server
    trusted = run([python, "-I", "-c", TLS_CALL, url], cwd=str(base), env=clean_env(AWS_CA_BUNDLE=cert), timeout=60)
    assert trusted.returncode == 0, trusted.stderr
    assert json.loads(trusted.stdout) == {"channels": [], "request": "wheel-tls"}
    # Without the bundle the self-signed server is refused: verification is on by default.
    refused = run([python, "-I", "-c", TLS_CALL, url], cwd=str(base), timeout=60)
    assert refused.returncode == 0, refused.stderr
    assert json.loads(refused.stdout) == {"error": "SSLError"}

"""Each script under scripts/ runs with boto3 and with ivs, against the same freshly reset ivs-local
and the same shared config and credentials files, and must print the same thing and exit the same
way, once the values that differ from run to run (generated ids and ARNs, request ids, times, ports)
are replaced by placeholders in order of first appearance."""
import os
import re
import subprocess
import sys
import textwrap

import pytest

from .conftest import BINDING, REFERENCE, SCRIPTS

SCRIPT_NAMES = sorted(f[:-3] for f in os.listdir(SCRIPTS) if f.endswith(".py"))

CONFIG = """
    [default]
    region = us-west-2
    endpoint_url = {url}

    [profile dev]
    region = us-west-2
    endpoint_url = {url}
    retry_mode = standard
    max_attempts = 2

    [profile nocreds]
    region = us-west-2
    endpoint_url = {url}

    [profile fips]
    region = us-gov-west-1
    use_fips_endpoint = true

    [profile china]
    region = cn-north-1

    [profile dualstack]
    region = ap-southeast-2
    use_dualstack_endpoint = true

    [profile ivs-only-endpoint]
    region = eu-west-1
    services = local-ivs

    [services local-ivs]
    ivs =
      endpoint_url = {url}
"""
CREDENTIALS = """
    [default]
    aws_access_key_id = test
    aws_secret_access_key = test

    [dev]
    aws_access_key_id = test
    aws_secret_access_key = test
"""

# Values that differ between two runs of the same script, replaced by placeholders.
VARYING = [
    (re.compile(r"arn:aws:[a-z-]+:[a-z0-9-]+:\d{12}:[a-z-]+/[A-Za-z0-9]+"), "arn"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "uuid"),
    (re.compile(r"\b(st|pid|ses)-[A-Za-z0-9]+"), "id"),
    (re.compile(r"127\.0\.0\.1:\d+"), "port"),
]
TIMES = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?|Ran (\d+) tests? in [\d.]+s")


def normalize(text):
    names = {}

    def placeholder(kind):
        def sub(m):
            return names.setdefault(m.group(0), f"<{kind}{sum(1 for v in names.values() if v.startswith('<' + kind)) + 1}>")
        return sub

    for pattern, kind in VARYING:
        text = pattern.sub(placeholder(kind), text)
    return TIMES.sub(lambda m: f"Ran {m.group(3)} tests" if m.group(3) else "<time>", text)


@pytest.fixture
def script_env(tmp_path, ivs_local_url):
    (tmp_path / "config").write_text(textwrap.dedent(CONFIG.format(url=ivs_local_url)))
    (tmp_path / "credentials").write_text(textwrap.dedent(CREDENTIALS))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "PYTHONPATH"}
    env.update(AWS_CONFIG_FILE=str(tmp_path / "config"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
               AWS_EC2_METADATA_DISABLED="true", IVS_LOCAL_URL=ivs_local_url, PYTHONDONTWRITEBYTECODE="1")
    return env


def run(name, sdk_path, env, cwd):
    out = subprocess.run([sys.executable, os.path.join(SCRIPTS, name + ".py")], env=dict(env, PYTHONPATH=sdk_path),
                         cwd=cwd, capture_output=True, text=True, timeout=120)
    return out.returncode, out.stdout, out.stderr


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_script_behaves_the_same_with_boto3_and_ivs(name, fresh, script_env, tmp_path):
    results = {}
    for label, path in (("boto3", REFERENCE), ("ivs", BINDING)):
        fresh.reset()
        results[label] = run(name, path, script_env, str(tmp_path))
    (code_b, out_b, err_b), (code_i, out_i, err_i) = results["boto3"], results["ivs"]
    # The reference run itself must succeed: the scripts are meant to work with boto3.
    assert code_b == 0 and out_b.rstrip().endswith("done"), err_b
    assert normalize(out_i) == normalize(out_b), f"stderr (ivs):\n{err_i}"
    assert code_i == code_b, err_i


def test_the_reference_run_is_boto3(script_env, tmp_path):
    code = "import ivs, boto3; assert ivs.client is boto3.client; print(ivs.__file__)"
    out = subprocess.run([sys.executable, "-c", code], env=dict(script_env, PYTHONPATH=REFERENCE), capture_output=True,
                         text=True, timeout=60, cwd=str(tmp_path))
    assert out.returncode == 0 and out.stdout.startswith(REFERENCE), out.stderr

"""ivs.Session answers what boto3's Session answers, from what libivs resolves: profile, region,
profiles, credentials (with their source), partitions and regions."""
import boto3
import pytest

import ivs

from .test_client_meta import PROFILES, aws_files  # noqa: F401 (the fixture)

CREDENTIALS = """
    [default]
    aws_access_key_id = AKIDDEFAULT
    aws_secret_access_key = secret-default
    [paris]
    aws_access_key_id = AKIDPARIS
    aws_secret_access_key = secret-paris
    aws_session_token = token-paris
    [only-in-credentials]
    aws_access_key_id = AKIDONLY
    aws_secret_access_key = secret-only
"""


def view(session):
    creds = session.get_credentials()
    frozen = creds.get_frozen_credentials() if creds else None
    return {"profile": session.profile_name, "region": session.region_name,
            "credentials": (creds.access_key, creds.secret_key, creds.token, creds.method) if creds else None,
            "frozen": tuple(frozen) if frozen else None}


@pytest.mark.parametrize("profile", [None, "default", "paris", "only-in-credentials", "fips"])
def test_profile_region_and_credentials_are_boto3s(aws_files, profile):  # noqa: F811
    aws_files(PROFILES, CREDENTIALS)
    assert view(ivs.Session(profile_name=profile)) == view(boto3.session.Session(profile_name=profile))


def test_environment_and_explicit_credentials(aws_files, monkeypatch):  # noqa: F811
    aws_files(PROFILES, CREDENTIALS)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-env")
    monkeypatch.setenv("AWS_PROFILE", "paris")
    assert view(ivs.Session()) == view(boto3.session.Session())
    explicit = dict(aws_access_key_id="AKIDX", aws_secret_access_key="sx", aws_session_token="tx",
                    region_name="sa-east-1")
    assert view(ivs.Session(**explicit)) == view(boto3.session.Session(**explicit))


def test_no_credentials_is_none(aws_files):  # noqa: F811
    aws_files("[default]\nregion = us-west-2\n")
    assert ivs.Session().get_credentials() is None
    assert boto3.session.Session().get_credentials() is None


def test_no_region_is_none(aws_files):  # noqa: F811
    aws_files("[default]\n")
    assert ivs.Session().region_name is None is boto3.session.Session().region_name


def test_available_profiles_are_boto3s(aws_files):  # noqa: F811
    aws_files(PROFILES, CREDENTIALS)
    assert ivs.Session().available_profiles == boto3.session.Session().available_profiles


def test_partitions_and_regions(aws_files):  # noqa: F811
    aws_files("[default]\nregion = us-west-2\n")
    i, b = ivs.Session(), boto3.session.Session()
    assert sorted(i.get_available_partitions()) == sorted(b.get_available_partitions())
    for service in ("ivs", "ivs-realtime", "ivschat", "s3"):
        for partition in ("aws", "aws-cn", "aws-us-gov"):
            assert i.get_available_regions(service, partition) == b.get_available_regions(service, partition)
    assert i.get_available_services() == ["ivs", "ivs-realtime", "ivschat"]


def test_credentials_of_a_session_reach_its_clients(aws_files, url, fresh):  # noqa: F811
    aws_files("[default]\nregion = us-west-2\n", "[default]\naws_access_key_id = test\naws_secret_access_key = test\n")
    s = ivs.Session()
    assert s.get_credentials().method == "shared-credentials-file"
    assert "channels" in s.client("ivs", endpoint_url=url).list_channels()
    assert "secret" not in repr(s.get_credentials()) and "test" not in repr(s.get_credentials()).split("access_key")[0]

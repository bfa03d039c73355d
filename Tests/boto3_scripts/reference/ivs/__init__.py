"""The reference run of the comparison suite: boto3 and botocore under the names the scripts use.

The scripts are written as a boto3 script ported to ivs reads (`ivs.client`, `ivs.Session`,
`ivs.Config`, `ivs.UNSIGNED`, botocore's exceptions). With this directory first on PYTHONPATH,
`import ivs` is this module, and every call is boto3's own."""
import boto3
from boto3.session import Session
from botocore import UNSIGNED, exceptions
from botocore.config import Config

client = boto3.client

__all__ = ["client", "Session", "Config", "UNSIGNED", "exceptions"]

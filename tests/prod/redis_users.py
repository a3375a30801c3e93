"""Writes the Redis stand-in's users file from the ElastiCache users of infra/templates/data.yaml: their names and
access strings as the template gives them, the passwords run.sh made (PROD_REDIS_<NAME>_PASSWORD)."""

import os
import sys
from pathlib import Path

from cfnlint.decode import decode_str

ROOT = Path(__file__).resolve().parents[2]


def users_file() -> str:
    template, errors = decode_str((ROOT / "infra" / "templates" / "data.yaml").read_text())
    assert not errors, errors
    lines = []
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::ElastiCache::User":
            continue
        properties = resource["Properties"]
        name = properties["UserName"]
        if properties["AuthenticationMode"]["Type"] == "password":
            credential = ">" + os.environ[f"PROD_REDIS_{name.upper()}_PASSWORD"]
        else:
            credential = "nopass"
        lines.append(f"user {name} {properties['AccessString']} {credential}\n")
    return "".join(lines)


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(users_file())

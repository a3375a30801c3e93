"""Key rotation, part 1 (run by run_native.py before it rotates the key): keep tokens of the old key."""

import json
import os
from pathlib import Path

import jwt
from conftest import Account, Gateway


def test_keep_tokens_of_the_old_key():
    account = Account("rotation")
    pair = account.login()
    assert Gateway(pair["access"]).post("/api/projects/", json={"name": "Before rotation"}).status_code == 201
    state = {"email": account.email, "pair": pair, "old_kid": jwt.get_unverified_header(pair["access"])["kid"]}
    Path(os.environ["BLACKBOX_STATE_DIR"], "rotation.json").write_text(json.dumps(state))

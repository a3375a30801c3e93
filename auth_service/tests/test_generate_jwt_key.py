import stat

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command


def test_it_writes_a_private_key_only_its_owner_can_read(tmp_path):
    private, public = tmp_path / "keys" / "private.pem", tmp_path / "pub" / "public.pem"
    call_command("generate_jwt_key", "--private", str(private), "--public", str(public), "--bits", "2048")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    key = serialization.load_pem_private_key(private.read_bytes(), password=None)
    assert key.key_size == 2048
    assert serialization.load_pem_public_key(public.read_bytes()).public_numbers() == key.public_key().public_numbers()


def test_it_never_overwrites_a_key(tmp_path):
    private, public = tmp_path / "private.pem", tmp_path / "public.pem"
    private.write_text("existing")
    with pytest.raises(CommandError, match="exists"):
        call_command("generate_jwt_key", "--private", str(private), "--public", str(public))
    call_command("generate_jwt_key", "--private", str(private), "--public", str(public), "--if-missing")
    assert private.read_text() == "existing"


def test_it_refuses_short_keys(tmp_path):
    with pytest.raises(CommandError, match="2048"):
        call_command(
            "generate_jwt_key", "--private", str(tmp_path / "a"), "--public", str(tmp_path / "b"), "--bits", "1024"
        )

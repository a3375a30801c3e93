"""Generates an RSA key pair for signing tokens."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management.base import BaseCommand, CommandError

from auth_service.tokens.jwk import thumbprint
from auth_service.tokens.keys import MIN_KEY_BITS


class Command(BaseCommand):
    help = "Write a new RSA private key (mode 0600) and its public key as PEM files."

    def add_arguments(self, parser):
        parser.add_argument("--private", required=True, type=Path, help="Path of the private key PEM")
        parser.add_argument("--public", required=True, type=Path, help="Path of the public key PEM")
        parser.add_argument("--bits", type=int, default=3072)
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing if the private key file exists already"
        )

    def handle(self, *args, private: Path, public: Path, bits: int, if_missing: bool, **options):
        if bits < MIN_KEY_BITS:
            raise CommandError(f"--bits must be at least {MIN_KEY_BITS}")
        if private.exists():
            if if_missing:
                self.stdout.write(f"{private} exists; keeping it")
                return
            raise CommandError(f"{private} exists; remove it first or use --if-missing")
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        private.parent.mkdir(parents=True, exist_ok=True)
        public.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as private_file:
            private_file.write(private_pem)
        public.write_bytes(public_pem)
        self.stdout.write(f"Wrote {private} and {public} (kid {thumbprint(key.public_key())})")

"""Plays, for `make test-prod`, the stacks deployed before the services' and what an operator does first.

The data stack's secrets (the databases' master, owner and application users, the Django secret keys, the
services' Redis users), the operator's signing key and its public-key parameter, the export bucket and the
sender's SES identity are made in moto; what the earlier stacks export, and each service stack's parameters, are
written as JSON for stack.py. The master users' and Redis users' passwords are the ones the stand-ins were started
with (run.sh).
"""

import json
import os
import secrets
import sys
from pathlib import Path

import boto3
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ENVIRONMENT = "prod"
EXPORT_BUCKET = "jwt-services-prod-exports"
PUBLIC_KEYS_PARAMETER = "/jwt-services/prod/public-keys"
MAIL_DOMAIN = "example.com"  # of auth.yaml's FromEmail
ACCOUNT = "123456789012"  # moto's
# The stand-ins' host names (infra.yml), where AWS would export endpoints.
HOSTS = {"AuthDatabaseHost": "pgbouncer", "ResourceDatabaseHost": "pgbouncer", "RedisHost": "redis"}


def client(service: str):
    return boto3.client(service, endpoint_url=os.environ["PROD_MOTO_URL"])


def secret(name: str, value: str | dict) -> str:
    """The ARN of a new secret holding the value (JSON for a dict)."""
    text = json.dumps(value) if isinstance(value, dict) else value
    return client("secretsmanager").create_secret(Name=name, SecretString=text)["ARN"]


def main(work: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    (work / "jwt-private.pem").write_text(private_pem)
    client("ssm").put_parameter(Name=PUBLIC_KEYS_PARAMETER, Value=public_pem, Type="String")
    s3 = client("s3")
    s3.create_bucket(
        Bucket=EXPORT_BUCKET, CreateBucketConfiguration={"LocationConstraint": os.environ["AWS_DEFAULT_REGION"]}
    )
    # Versioned, as data.yaml makes it.
    s3.put_bucket_versioning(Bucket=EXPORT_BUCKET, VersioningConfiguration={"Status": "Enabled"})

    # The sender's domain, verified in SES as the bootstrap stack's identity is.
    client("sesv2").create_email_identity(EmailIdentity=MAIL_DOMAIN)
    mail_identity = f"arn:aws:ses:{os.environ['AWS_DEFAULT_REGION']}:{ACCOUNT}:identity/{MAIL_DOMAIN}"

    exports = {f"{ENVIRONMENT}-{name}": host for name, host in HOSTS.items()}
    exports[f"{ENVIRONMENT}-ExportBucketName"] = EXPORT_BUCKET
    # No load balancer stands in front: no address is trusted for X-Forwarded-For (TEST-NET-1).
    exports[f"{ENVIRONMENT}-VpcCidr"] = "192.0.2.0/24"
    for service in ("auth", "resource"):
        title = service.title()
        exports[f"{ENVIRONMENT}-Redis{title}UserSecretArn"] = secret(
            f"redis-{service}", {"username": service, "password": os.environ[f"PROD_REDIS_{service.upper()}_PASSWORD"]}
        )
        master = os.environ[f"PROD_{service.upper()}_MASTER_PASSWORD"]
        exports[f"{ENVIRONMENT}-{title}DatabaseSecretArn"] = secret(
            f"{service}-db-master", {"username": service, "password": master}
        )
        for user in ("owner", "app"):
            exports[f"{ENVIRONMENT}-{title}Database{user.title()}SecretArn"] = secret(
                f"{service}-db-{user}", {"username": f"{service}_{user}", "password": secrets.token_urlsafe(30)}
            )
        exports[f"{ENVIRONMENT}-{title}SecretKeyArn"] = secret(f"{service}-secret-key", secrets.token_urlsafe(50))
    for title in ("Auth", "Resource"):
        exports[f"{ENVIRONMENT}-{title}MfaKeysArn"] = secret(f"{title.lower()}-mfa-keys", secrets.token_urlsafe(48))

    parameters = {
        "auth": {
            "EnvironmentName": ENVIRONMENT,
            "ImageTag": "prod",
            "PublicHostName": "localhost",
            "JwtPrivateKeySecretArn": secret("jwt-private-key", private_pem),
            "MailIdentityArn": mail_identity,
        },
        "resource": {
            "EnvironmentName": ENVIRONMENT,
            "ImageTag": "prod",
            "PublicHostName": "localhost",
            "JwtPublicKeysParameter": PUBLIC_KEYS_PARAMETER,
        },
        "gateway": {"EnvironmentName": ENVIRONMENT, "ImageTag": "prod"},
    }
    (work / "deployed.json").write_text(json.dumps({"exports": exports, "parameters": parameters}, indent=2))


if __name__ == "__main__":
    main(Path(sys.argv[1]))

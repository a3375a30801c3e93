"""Keys from the JWKS URL: cached, refetched on an unknown kid at most every 30 s, kept while it is down."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from resource_service.tokens import keys
from tests.conftest import ALICE
from tests.signing import PRIVATE_KEY, claims_for, sign

pytestmark = pytest.mark.django_db


class FakeAuthService:
    """A JWKS endpoint on 127.0.0.1 that counts its requests and can be made to fail."""

    def __init__(self):
        self.public_keys = [PRIVATE_KEY.public_key()]
        self.requests = 0
        self.failing = False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests += 1
                if outer.failing:
                    self.send_error(503)
                    return
                body = json.dumps(
                    {"keys": [json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key)) for key in outer.public_keys]}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/auth/.well-known/jwks.json"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def auth_service(settings, monkeypatch):
    server = FakeAuthService()
    settings.JWT_JWKS_URL = server.url
    settings.JWT_PUBLIC_KEY = None
    clock = [1000.0]
    monkeypatch.setattr(keys.time, "monotonic", lambda: clock[0])
    server.clock = clock
    keys._jwks.cache_clear()
    yield server
    keys._jwks.cache_clear()
    server.stop()


def status_with(api, token: str) -> int:
    return api.get("/api/projects/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_keys_are_fetched_once_and_cached(api, auth_service):
    for _ in range(3):
        assert status_with(api, sign(claims_for(ALICE))) == 200
    assert auth_service.requests == 1


def test_an_unknown_kid_refetches_at_most_every_30_seconds(api, auth_service):
    assert status_with(api, sign(claims_for(ALICE))) == 200
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    new_token = sign(claims_for(ALICE), key=new_key, headers={"kid": keys.thumbprint(new_key.public_key())})
    auth_service.public_keys.append(new_key.public_key())

    assert status_with(api, new_token) == 401  # fetched less than 30 s ago
    assert status_with(api, new_token) == 401
    assert auth_service.requests == 1
    auth_service.clock[0] += 30
    assert status_with(api, new_token) == 200
    assert auth_service.requests == 2


def test_the_last_good_keys_stay_while_the_auth_service_is_down(api, auth_service):
    token = sign(claims_for(ALICE))
    assert status_with(api, token) == 200
    auth_service.failing = True
    auth_service.clock[0] += 3600
    assert status_with(api, token) == 200
    assert auth_service.requests == 2


def test_a_key_is_trusted_under_its_own_thumbprint_only(api, auth_service):
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    auth_service.public_keys = [PRIVATE_KEY.public_key(), impostor.public_key()]
    # Signed by the impostor key but naming the real key's kid: verified against the real key, so refused.
    assert status_with(api, sign(claims_for(ALICE), key=impostor)) == 401

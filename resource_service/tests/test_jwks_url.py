"""Keys from the JWKS URL or the issuer's discovery: cached, refetched on an unknown kid at most every 30 s, kept
while the auth service is down."""

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from resource_service.tokens import jwk, keys
from tests.conftest import ALICE
from tests.signing import PRIVATE_KEY, claims_for, sign

pytestmark = pytest.mark.django_db


class FakeAuthService:
    """A JWKS endpoint and a discovery document on 127.0.0.1 that count their requests and can be made to fail."""

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
                if self.path == "/auth/.well-known/openid-configuration":
                    document = outer.discovery
                elif self.path == "/auth/.well-known/jwks.json":
                    document = {
                        "keys": [json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key)) for key in outer.public_keys]
                    }
                else:
                    self.send_error(404)
                    return
                body = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.issuer = f"http://127.0.0.1:{self.server.server_port}/auth"
        self.url = f"{self.issuer}/.well-known/jwks.json"
        self.discovery = {"issuer": self.issuer, "jwks_uri": self.url}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def auth_service(settings, monkeypatch):
    server = FakeAuthService()
    settings.JWT_JWKS_URL = server.url
    settings.JWT_PUBLIC_KEY = None
    settings.JWT_KEYS_ALLOW_HTTP = True  # the fake auth service speaks HTTP
    clock = [1000.0]
    monkeypatch.setattr(keys.time, "monotonic", lambda: clock[0])
    server.clock = clock
    keys._jwks.cache_clear()
    yield server
    keys._jwks.cache_clear()
    server.stop()


@pytest.fixture
def discovering(auth_service, settings):
    """The resource service configured with the fake auth service's issuer alone."""
    settings.JWT_DISCOVERY = True
    settings.JWT_JWKS_URL = ""
    settings.JWT_ISSUER = auth_service.issuer
    keys._discovered.cache_clear()
    yield auth_service
    keys._discovered.cache_clear()


def status_with(api, token: str) -> int:
    return api.get("/api/projects/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_keys_are_fetched_once_and_cached(api, auth_service):
    for _ in range(3):
        assert status_with(api, sign(claims_for(ALICE))) == 200
    assert auth_service.requests == 1


def test_an_unknown_kid_refetches_at_most_every_30_seconds(api, auth_service):
    assert status_with(api, sign(claims_for(ALICE))) == 200
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    new_token = sign(claims_for(ALICE), key=new_key, headers={"kid": jwk.thumbprint(new_key.public_key())})
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


def test_the_issuer_alone_finds_the_keys_through_discovery_and_caches_them(api, discovering):
    token = sign(claims_for(ALICE, iss=discovering.issuer))
    for _ in range(3):
        assert status_with(api, token) == 200
    assert discovering.requests == 2  # the discovery document, then the JWKS it names


def test_discovered_keys_are_refetched_and_kept_as_the_jwks_url_s(api, discovering):
    token = sign(claims_for(ALICE, iss=discovering.issuer))
    assert status_with(api, token) == 200
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    new_token = sign(
        claims_for(ALICE, iss=discovering.issuer), key=new_key, headers={"kid": jwk.thumbprint(new_key.public_key())}
    )
    discovering.public_keys.append(new_key.public_key())
    assert status_with(api, new_token) == 401  # fetched less than 30 s ago
    discovering.clock[0] += 30
    assert status_with(api, new_token) == 200

    discovering.failing = True
    discovering.clock[0] += 3600
    assert status_with(api, token) == 200
    assert status_with(api, new_token) == 200


@pytest.mark.parametrize(
    "document",
    [
        {"issuer": "http://127.0.0.1:9/auth", "jwks_uri": "{url}"},
        {"jwks_uri": "{url}"},
        {"issuer": "{issuer}"},
        {"issuer": "{issuer}", "jwks_uri": ["{url}"]},
        {"issuer": "{issuer}", "jwks_uri": "file:///etc/passwd"},
        ["{issuer}"],
    ],
    ids=["another-issuer", "no-issuer", "no-jwks-uri", "jwks-uri-not-a-string", "jwks-uri-not-http", "not-an-object"],
)
def test_a_discovery_document_that_does_not_vouch_for_the_issuer_s_keys_is_not_used(api, discovering, document):
    filled = json.loads(json.dumps(document).replace("{url}", discovering.url).replace("{issuer}", discovering.issuer))
    discovering.discovery = filled
    assert status_with(api, sign(claims_for(ALICE, iss=discovering.issuer))) == 401
    assert discovering.requests == 1  # the JWKS was never asked for


def test_a_discovery_document_that_goes_wrong_leaves_the_last_good_keys(api, discovering):
    token = sign(claims_for(ALICE, iss=discovering.issuer))
    assert status_with(api, token) == 200
    discovering.discovery = {"issuer": "http://127.0.0.1:9/auth", "jwks_uri": discovering.url}
    discovering.clock[0] += 3600
    assert status_with(api, token) == 200


def test_keys_are_fetched_over_https_only_unless_http_is_allowed(api, auth_service, settings):
    settings.JWT_KEYS_ALLOW_HTTP = False
    assert status_with(api, sign(claims_for(ALICE))) == 401
    assert auth_service.requests == 0


@contextmanager
def serving(answer):
    """An HTTP server on 127.0.0.1 whose GETs `answer(handler)` writes; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            answer(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def json_answer(handler, document) -> None:
    body = json.dumps(document).encode()
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def redirect_answer(handler, location: str) -> None:
    handler.send_response(302)
    handler.send_header("Location", location)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


@pytest.fixture
def http_allowed(settings):
    settings.JWT_KEYS_ALLOW_HTTP = True


def test_a_redirect_is_followed_within_its_origin_only(http_allowed):
    with serving(lambda h: json_answer(h, {"keys": []})) as elsewhere:

        def answer(handler):
            if handler.path == "/moved":
                redirect_answer(handler, "/jwks.json")
            elif handler.path == "/away":
                redirect_answer(handler, f"{elsewhere}/jwks.json")
            else:
                json_answer(handler, {"keys": ["here"]})

        with serving(answer) as base:
            assert keys.fetch_json(f"{base}/moved", timeout=2) == {"keys": ["here"]}
            with pytest.raises(ValueError, match="another origin"):
                keys.fetch_json(f"{base}/away", timeout=2)


def test_a_document_over_the_size_cap_is_refused(http_allowed):
    big = {"keys": ["x" * keys.MAX_DOCUMENT_BYTES]}
    with serving(lambda h: json_answer(h, big)) as base, pytest.raises(ValueError, match="more than"):
        keys.fetch_json(f"{base}/jwks.json", timeout=2)


def test_a_server_that_answers_slowly_is_given_up_on_after_the_timeout(http_allowed):
    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        try:
            for _ in range(20):  # at most 4 s in all
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    with serving(drip) as base:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            keys.fetch_json(f"{base}/jwks.json", timeout=0.5)
        assert time.monotonic() - started < 2


def test_proxy_variables_are_not_followed(http_allowed, monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    with serving(lambda h: json_answer(h, {"keys": []})) as base:
        assert keys.fetch_json(f"{base}/jwks.json", timeout=2) == {"keys": []}

import uuid

import pytest
from rest_framework.test import APIClient

from tests.signing import token_for

ALICE = str(uuid.uuid4())
BOB = str(uuid.uuid4())


def client_for(sub: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(sub)}")
    return client


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def alice_api():
    return client_for(ALICE)


@pytest.fixture
def bob_api():
    return client_for(BOB)

"""A deletion message purges a user's data only on the auth service's signed order for that user."""

import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from resource_service.owners.models import DeletedOwner
from resource_service.projects.models import Project
from resource_service.projects.tasks import delete_user_data
from tests.conftest import ALICE, BOB
from tests.signing import claims_for, order_for, sign, token_for

pytestmark = pytest.mark.django_db

OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def gardens():
    return [Project.objects.create(owner_id=owner, name="Garden") for owner in (ALICE, BOB)]


def refusals(caplog) -> list[str]:
    return [record.reason for record in caplog.records if record.getMessage() == "deletion order refused"]


def test_the_auth_services_order_purges_that_users_data(gardens):
    delete_user_data(ALICE, order_for(ALICE))
    assert [str(owner) for owner in Project.objects.values_list("owner_id", flat=True)] == [BOB]
    assert DeletedOwner.objects.filter(owner_id=ALICE).exists()


@pytest.mark.parametrize(
    "order",
    [
        None,
        "",
        "not a token",
        sign(claims_for(ALICE, token_type="user_deletion"), key=OTHER_KEY),
        order_for(BOB),
        order_for(ALICE, exp=int(time.time()) - 120),
        order_for(ALICE, aud="another-service"),
        order_for(ALICE, iss="https://elsewhere.example/auth"),
        token_for(ALICE),
        token_for(ALICE, token_type="refresh"),
        ["a", "list"],
    ],
    ids=[
        "missing",
        "empty",
        "garbage",
        "forged",
        "another-users",
        "expired",
        "another-audience",
        "another-issuer",
        "access-token",
        "refresh-token",
        "not-a-string",
    ],
)
def test_a_message_without_a_good_order_is_refused_and_logged(gardens, caplog, order):
    delete_user_data(ALICE, order)
    assert Project.objects.count() == 2
    assert not DeletedOwner.objects.exists()
    assert len(refusals(caplog)) == 1
    assert not [record for record in caplog.records if record.exc_info]


def test_a_message_for_a_user_that_is_no_uuid_is_refused(caplog):
    delete_user_data("../../etc", order_for("../../etc"))
    assert len(refusals(caplog)) == 1


def test_an_order_for_a_user_deleted_already_is_refused_and_logged(gardens, caplog):
    order = order_for(ALICE)
    delete_user_data(ALICE, order)
    Project.objects.create(owner_id=ALICE, name="written by nobody after the purge")
    delete_user_data(ALICE, order)
    assert Project.objects.filter(owner_id=ALICE).count() == 1
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        "deletion order for an owner deleted already"
    ]

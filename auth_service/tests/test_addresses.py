"""One mailbox is one account: every spelling of an address is stored in one form, or refused."""

import importlib
import unicodedata

import idna
import pytest
from django.apps import apps
from django.core import mail
from hypothesis import assume, given
from hypothesis import strategies as st

from auth_service.accounts import addresses, services
from auth_service.accounts.models import User
from auth_service.tokens import services as tokens
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# Characters that change how an address looks, or not at all, while the mail reaches the same mailbox.
INVISIBLE = {
    "zero width space": "\u200b",
    "zero width non-joiner": "\u200c",
    "zero width joiner": "\u200d",
    "soft hyphen": "\u00ad",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "variation selector 16": "\ufe0f",
    "combining grapheme joiner": "\u034f",
}
STYLED = {"fullwidth": "\uff42", "circled": "\u24d1", "mathematical bold": "\U0001d41b"}  # each a letter b


@pytest.mark.parametrize(
    "spelling",
    ["ann@bücher.de", "Ann@BÜCHER.de", "ann@xn--bcher-kva.de", "ANN@XN--BCHER-KVA.DE", "ann@bu\u0308cher.de"],
    ids=["u-label", "upper-case", "a-label", "a-label-upper-case", "nfd"],
)
def test_the_spellings_of_one_address_have_one_form(spelling):
    assert addresses.normalize(spelling) == "ann@xn--bcher-kva.de"


@pytest.mark.parametrize("character", INVISIBLE.values(), ids=INVISIBLE.keys())
@pytest.mark.parametrize("where", ["local", "domain"])
def test_an_invisible_character_is_refused(character, where):
    spelling = f"a{character}nn@bücher.de" if where == "local" else f"ann@bü{character}cher.de"
    with pytest.raises(addresses.InvalidAddress, match="invisible"):
        addresses.normalize(spelling)


@pytest.mark.parametrize("character", STYLED.values(), ids=STYLED.keys())
@pytest.mark.parametrize("where", ["local", "domain"])
def test_a_styled_letter_is_refused(character, where):
    spelling = f"{character}ob@example.com" if where == "local" else f"bob@{character}ook.example"
    with pytest.raises(addresses.InvalidAddress, match="styled"):
        addresses.normalize(spelling)


@pytest.mark.parametrize("local", ["josé", "jose\u0301", "\u0430dmin", "adm\u0456n", "\u0130lkay"])
def test_a_local_part_beyond_ascii_is_refused(local):
    """Mixed scripts (a Cyrillic a or i among Latin letters) or not, the mail could not go to it as it is."""
    with pytest.raises(addresses.InvalidAddress, match="ASCII"):
        addresses.normalize(f"{local}@example.com")


@pytest.mark.parametrize("spelling", ["ann", "ann@", "@example.com", "ann@example.com.", "ann@exa_mple.com", "a@b@c"])
def test_what_is_no_address_is_refused(spelling):
    with pytest.raises(addresses.InvalidAddress):
        addresses.normalize(spelling)


def test_an_address_longer_than_a_mail_path_is_refused():
    label = "b" * 60
    with pytest.raises(addresses.InvalidAddress, match="254"):
        addresses.normalize(f"{'a' * 100}@{label}.{label}.{label}.example")


def test_a_spelling_of_a_registered_address_is_taken(api):
    assert api.post("/auth/register/", {"email": "ann@bücher.de", "password": PASSWORD}).status_code == 201
    for spelling in ["ann@xn--bcher-kva.de", "ann@bu\u0308cher.de", "ANN@Bücher.DE"]:
        response = api.post("/auth/register/", {"email": spelling, "password": PASSWORD})
        assert response.status_code == 400
        assert response.json() == {"email": ["An account with this email already exists."]}
    assert User.objects.get().email == "ann@xn--bcher-kva.de"


def test_a_refused_address_is_a_400_that_says_why(api):
    response = api.post("/auth/register/", {"email": "ann@bü\u200bcher.de", "password": PASSWORD})
    assert response.status_code == 400
    assert response.json() == {"email": ["Enter an address without invisible characters."]}
    assert not User.objects.exists()


def test_an_address_with_a_dotted_capital_i_logs_in_as_it_registered(api, settings):
    settings.EMAIL_VERIFICATION = "optional"  # the address is the matter here
    spelling = "sam@\u0130stanbul.example"
    assert api.post("/auth/register/", {"email": spelling, "password": PASSWORD}).status_code == 201
    for typed in [spelling, "sam@i\u0307stanbul.example", "SAM@\u0130STANBUL.EXAMPLE"]:
        assert api.post("/auth/token/", {"email": typed, "password": PASSWORD}).status_code == 200


def test_a_refused_spelling_at_login_is_the_one_401(api, alice):
    unknown = api.post("/auth/token/", {"email": "nobody@example.com", "password": PASSWORD})
    refused = api.post("/auth/token/", {"email": "alice@exam\u200bple.com", "password": PASSWORD})
    assert refused.status_code == unknown.status_code == 401
    assert refused.json() == unknown.json()


def test_the_reset_mail_goes_to_the_stored_address(api, eager_tasks, django_capture_on_commit_callbacks):
    user = services.user_register(email="ann@Bücher.de", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/auth/password/reset/", {"email": "ANN@bu\u0308cher.de"}).status_code == 202
    assert [message.to for message in mail.outbox] == [["ann@xn--bcher-kva.de"]] == [[user.email]]


# Hypothesis: an address, and the spellings of it that reach the same mailbox.
LETTERS = "abcdefghijklmnopqrstuvwxyzäöüßé\u0131\u0130ç\u0301\u0308"  # with the dotless i and the dotted I
# Django's similarity validator refuses a password too close to the address; this one is close to none.
UNLIKE_ANY_ADDRESS = "9$Kq!zV2#mW7&pL4"


def fullwidth(letter: str) -> str:
    return chr(ord(letter) - ord("a") + 0xFF41)


@st.composite
def mailboxes(draw) -> tuple[str, str]:
    """A registrable address and another spelling of its mailbox: in other case, NFD or NFC, with the domain's
    A-label, with an invisible character somewhere, or with a letter in its fullwidth form."""
    local = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-+", min_size=1, max_size=12))
    label = draw(st.text(alphabet=LETTERS, min_size=1, max_size=12))
    address = f"{local}@{label}.example"
    try:
        stored = addresses.normalize(address)
    except addresses.InvalidAddress:
        assume(False)
    how = draw(st.sampled_from(["case", "NFD", "NFC", "a-label", "invisible", "fullwidth"]))
    at = draw(st.integers(0, len(address) - 1))
    if (
        how == "case"
    ):  # the letters whose upper case maps back to them (not the dotless i or ß: IDNA maps I to i, SS to ss)
        upper = "".join(c.upper() if c.upper().lower() == c else c for c in address[at:])
        return address, address[:at] + upper
    if how in {"NFD", "NFC"}:
        return address, unicodedata.normalize(how, address)
    if how == "a-label":
        return address, stored
    if how == "invisible":
        return address, address[:at] + draw(st.sampled_from(list(INVISIBLE.values()))) + address[at:]
    letters = [i for i, c in enumerate(address) if "a" <= c <= "z"]
    assume(letters)
    i = draw(st.sampled_from(letters))
    return address, address[:i] + fullwidth(address[i]) + address[i + 1 :]


@given(mailboxes())
def test_one_mailbox_is_never_two_accounts_and_what_registers_logs_in(mailbox):
    address, other = mailbox
    user = services.user_register(email=address, password=UNLIKE_ANY_ADDRESS)
    try:
        assert tokens.credentials_check(email=address, password=UNLIKE_ANY_ADDRESS) == user
        with pytest.raises((services.EmailTaken, services.InvalidEmail)):
            services.user_register(email=other, password=UNLIKE_ANY_ADDRESS)
        assert User.objects.count() == 1
    finally:
        user.delete()


@given(st.text(max_size=40), st.text(max_size=40))
def test_any_text_that_registers_logs_in_as_it_was_typed(local, domain):
    typed = f"{local}@{domain}"
    try:
        user = services.user_register(email=typed, password=UNLIKE_ANY_ADDRESS)
    except services.InvalidEmail:
        return
    try:
        assert tokens.credentials_check(email=typed, password=UNLIKE_ANY_ADDRESS) == user
        assert idna.decode(user.email.rpartition("@")[2])  # the stored domain is an A-label of a valid name
    finally:
        user.delete()


def test_the_migration_brings_rows_to_the_one_form_and_reports_the_rest(caplog):
    migration = importlib.import_module("auth_service.accounts.migrations.0002_normalize_addresses")
    old = User.objects.bulk_create(
        [
            User(email="ann@bücher.de"),  # becomes ann@xn--bcher-kva.de
            User(email="ANN@xn--bcher-kva.de"),  # the same mailbox: reported
            User(email="bob@exa\u200bmple.com"),  # no stored form: reported
            User(email="carol@example.com"),  # already in its form
        ]
    )
    migration.normalize_addresses(apps, None)
    assert [User.objects.get(pk=user.pk).email for user in old] == [
        "ann@xn--bcher-kva.de",
        "ANN@xn--bcher-kva.de",
        "bob@exa\u200bmple.com",
        "carol@example.com",
    ]
    reported = {(record.message, record.user) for record in caplog.records}
    assert reported == {
        ("address left as it is: another account has its form", str(old[1].pk)),
        ("address left as it is: it has no stored form", str(old[2].pk)),
    }

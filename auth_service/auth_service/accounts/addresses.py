"""The one form of an email address, so that one mailbox is one account.

Registration, login, the password reset and the admin pass every address through normalize() and compare the
result exactly; the mail goes to exactly that form. In it:

- the domain is mapped by UTS #46 (the idna package, non-transitional: case, NFC, U-label or A-label) and
  written as its A-label: `Bücher.de`, `bu\u0308cher.de` (NFD) and `xn--bcher-kva.de` are one domain, stored
  `xn--bcher-kva.de`;
- the local part is ASCII, in lower case. A non-ASCII local part (RFC 6531) is refused: Django's SMTP backend
  would send the mail to an encoded word instead of the address, and Amazon SES takes 7-bit local parts only.
  An ASCII string is NFC and passes every restriction level of UTS #39.

Refused anywhere in the address: default-ignorable code points (zero-width space, joiners, soft hyphen, word
joiner, BOM, variation selectors, the combining grapheme joiner, ...) and compatibility characters (fullwidth,
circled, mathematical letters, the long s: whatever NFKC changes). UTS #46 would fold either into another
address silently; a person typing an address has no reason to use them.
"""

import unicodedata

import idna
import regex
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_LENGTH = 254  # RFC 5321's limit of a path, the column's length
INVISIBLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")


class InvalidAddress(ValueError):
    """The address cannot be stored; the message says why, for the person who typed it."""


def normalize(address: str) -> str:
    """The stored form of an address, or InvalidAddress."""
    if INVISIBLE.search(address):
        raise InvalidAddress("Enter an address without invisible characters.")
    if unicodedata.normalize("NFKC", address) != unicodedata.normalize("NFC", address):
        raise InvalidAddress("Enter an address without fullwidth, circled or other styled characters.")
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise InvalidAddress("Enter an address whose part before the @ has ASCII characters only.")
    try:
        domain = idna.encode(domain, uts46=True).decode("ascii")
    except UnicodeError:  # idna.IDNAError among them
        raise InvalidAddress("Enter a valid email address.") from None
    normalized = f"{local.lower()}@{domain}"
    try:
        validate_email(normalized)
    except ValidationError:
        raise InvalidAddress("Enter a valid email address.") from None
    if len(normalized) > MAX_LENGTH:
        raise InvalidAddress(f"Enter an address of at most {MAX_LENGTH} characters.")
    return normalized

"""Model fields that store their text encrypted (peersupport.lib.encryption), and the keyed hash
column that finds a row by one of them.

In Python the attribute is plain text, so forms, templates, the API and services read and write
it as before; only the column holds a Fernet token. Two consequences the fields make loud rather
than silent: the column is `text` whatever the field's max_length (a token is longer than its
text; max_length still validates the plain text), and a lookup that would compare ciphertext
(`email__iexact=...`, `summary__contains=...`) raises FieldError, except the comparison with ""
(blank stays blank). Look a person up by email with `Person.objects.with_email(address)`, which
reads the hash column.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup, Model
from django.db.models.expressions import Expression
from django.db.models.lookups import Exact, IsNull

from peersupport.lib.encryption import decrypt, encrypt, lookup_hash, lookup_hashes
from peersupport.lib.keyed import normalize_address


class BlankOnlyExact(Exact[Any]):
    """`field=""` (and `exclude(field="")`): a blank value is stored blank, so it can be compared.
    Any other value would be compared with a random token and never match: refused."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "" and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                f"{self.lhs.output_field.name} is encrypted: it can only be compared with \"\". "
                "Look it up by its keyed hash column instead (e.g. Person.objects.with_email)."
            )
        return super().get_prep_lookup()


class EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back (see the module's notes)."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper) -> str | None:
        return None if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]  # a mixin: the Field class it is mixed into has it
        return value if value is None else encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name == "exact":
            return BlankOnlyExact
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(
            f"Unsupported lookup '{lookup_name}' on an encrypted field: its column holds ciphertext. "
            "Look it up by its keyed hash column instead."
        )


class EncryptedCharField(EncryptedMixin, models.CharField[str, str]):
    """A CharField (max_length validates the plain text) stored encrypted in a text column."""


class EncryptedTextField(EncryptedMixin, models.TextField[str, str]):
    """A TextField stored encrypted."""


class EncryptedEmailField(EncryptedMixin, models.EmailField[str, str]):
    """An EmailField (validated as one) stored encrypted in a text column."""


class LookupHashField(models.CharField[str, str]):
    """The keyed hash of another field's normalized value, set whenever the row is written.

    `pre_save` derives it, so `save()` and `bulk_create()` (which call it for every row inserted)
    keep it right by themselves. A `QuerySet.update()` or `bulk_update()` that changes the source,
    and a `bulk_create(update_conflicts=True)`, must name this field too: PersonQuerySet does the
    first two, and the roster batch names it among its update_fields. Index it in the model's Meta
    (`models.Index`): a `db_index` would also get, on PostgreSQL, a second index for LIKE that no
    hash lookup uses.
    """

    normalizers: dict[str, Callable[[str], str]] = {"address": normalize_address}

    def __init__(self, *args: Any, source: str = "", normalizer: str = "address", **kwargs: Any) -> None:
        self.source = source
        self.normalizer = normalizer
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["normalizer"] = self.normalizer
        return name, path, args, kwargs

    def hash_of(self, value: str | None) -> str:
        """What the column holds for a value: its hash under the first key."""
        return lookup_hash(self.normalizers[self.normalizer](value or ""))

    def hash_candidates(self, value: str | None) -> Sequence[str]:
        """What the column may hold for a value: its hash under each key (none for a blank value)."""
        return lookup_hashes(self.normalizers[self.normalizer](value or ""))

    def pre_save(self, model_instance: Model, add: bool) -> str:
        value = self.hash_of(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value

"""Rewriting encrypted columns in place, in batches: the data migrations that encrypt existing rows
(and decrypt them when reversed), and `manage.py rotate_encryption_key`.

The raw column is read through `Cast(..., TextField())`, which skips the field's decryption, and
written with plain SQL parameters, which skip its encryption: the code here handles tokens itself.
Rows are walked in primary key order, a batch at a time, so memory holds one
batch whatever the table's size, and a run that stops part way is taken up again by running it
once more: each batch is its own transaction outside a migration, and a row already as wanted is
left alone.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from peersupport.lib.encryption import InvalidToken, decrypt, encrypt, is_under_current_key, rotate

BATCH_SIZE = 1_000


@dataclass(frozen=True)
class Progress:
    table: str
    seen: int
    changed: int
    last_pk: int


def _raw_batch(model: type[models.Model], fields: Sequence[str], *, using: str, batch_size: int,
               after: int) -> list[tuple[Any, ...]]:
    """(pk, raw value of each field...) of the next batch in pk order, locked until the end of the
    transaction (PostgreSQL: FOR UPDATE; SQLite's IMMEDIATE transaction holds the write lock), so
    a person's email changed by the application meanwhile is never overwritten with its old value."""
    raw = {f"raw_{name}": Cast(name, output_field=TextField()) for name in fields}
    query = models.QuerySet(model=model, using=using).select_for_update().annotate(**raw).order_by("pk")
    return list(query.filter(pk__gt=after).values_list("pk", *raw)[:batch_size])


def opened(value: str) -> str | None:
    """The plain text of a raw value that is a token one of the keys opens; None otherwise."""
    try:
        return decrypt(value)
    except (InvalidToken, ValueError, UnicodeError):
        return None


def looks_encrypted(value: str) -> bool:
    return value == "" or opened(value) is not None


def _write(model: type[models.Model], rows: dict[int, dict[str, str]], *, using: str) -> None:
    """Write raw values (tokens, plain text or hashes) as they are: one `UPDATE ... WHERE id = %s`
    per row, sent with executemany per set of columns written (a row's other columns are never
    touched). Django's bulk_update builds a CASE of every row for each column, which cost more
    than the encryption itself."""
    connection = connections[using]
    quote = connection.ops.quote_name
    column_of = {field.name: field.column for field in model._meta.concrete_fields}
    table, key = quote(model._meta.db_table), quote(column_of[model._meta.pk.name])
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for pk, values in rows.items():
        names = tuple(sorted(values))
        groups.setdefault(names, []).append([*(values[name] for name in names), pk])
    with connection.cursor() as cursor:
        for names, params in groups.items():
            columns = ", ".join(f"{quote(column_of[name])} = %s" for name in names)
            # Only the model's own table and column names, quoted, are in the text; every value is a parameter.
            sql = f"UPDATE {table} SET {columns} WHERE {key} = %s"  # noqa: S608  # nosec B608
            cursor.executemany(sql, params)


def rewrite(model: type[models.Model], fields: Sequence[str], change: Callable[[str], str | None], *,
            using: str = "default", batch_size: int = BATCH_SIZE,
            hashes: dict[str, str] | None = None, after: int = 0) -> Iterator[Progress]:
    """Apply `change` to the raw value of each field of each row (None: leave it), a batch at a
    time, each batch in its own transaction (inside a migration's, when there is one). `hashes`
    maps a source field to its LookupHashField, set from the plain text (with the first hash key)
    wherever it differs, so a rotation of the hash key rewrites it too. Yields the progress after
    each batch."""
    hashes = hashes or {}
    seen = changed = 0
    table = model._meta.db_table
    names = [*fields, *hashes.values()]
    hash_fields: dict[str, Any] = {name: model._meta.get_field(name) for name in hashes.values()}
    while True:
        with transaction.atomic(using=using):
            batch = _raw_batch(model, names, using=using, batch_size=batch_size, after=after)
            if not batch:
                return
            rows: dict[int, dict[str, str]] = {}
            for pk, *raw_values in batch:
                raw = dict(zip(names, raw_values, strict=True))
                new: dict[str, str] = {}
                for name in fields:
                    value = change(raw[name] or "")
                    if value is not None and value != raw[name]:
                        new[name] = value
                for source, hash_field in hashes.items():
                    plain = opened(raw[source] or "")
                    digest = hash_fields[hash_field].hash_of(raw[source] or "" if plain is None else plain)
                    if digest != raw[hash_field]:
                        new[hash_field] = digest
                if new:
                    rows[pk] = new
            if rows:
                _write(model, rows, using=using)
        seen += len(batch)
        changed += len(rows)
        after = batch[-1][0]
        yield Progress(table=table, seen=seen, changed=changed, last_pk=after)


def to_ciphertext(raw: str) -> str | None:
    """A data migration's step: plain text encrypted; a token already there left alone."""
    if raw == "" or looks_encrypted(raw):
        return None
    return encrypt(raw)


def to_plain_text(raw: str) -> str | None:
    """The reverse migration's step: a token decrypted; plain text left alone."""
    return None if raw == "" else opened(raw)


def to_current_key(raw: str) -> str | None:
    """The rotation's step: a token under an older key re-encrypted under the first
    (MultiFernet.rotate); one already under the first left alone, so a second run is quick."""
    if raw == "" or is_under_current_key(raw):
        return None
    return rotate(raw)


@dataclass(frozen=True)
class EncryptedTable:
    model: type[models.Model]
    fields: tuple[str, ...]
    # source field -> its keyed hash field
    hashes: dict[str, str]


def encrypted_tables() -> list[EncryptedTable]:
    """Every model with encrypted columns, found from the fields themselves (so a new encrypted
    field is rotated without anyone remembering to list it)."""
    from django.apps import apps

    from peersupport.lib.fields import EncryptedMixin, LookupHashField

    found = []
    for model in apps.get_models():
        fields = tuple(f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin))
        hashes = {f.source: f.name for f in model._meta.concrete_fields if isinstance(f, LookupHashField)}
        if fields:
            found.append(EncryptedTable(model=model, fields=fields, hashes=hashes))
    return sorted(found, key=lambda table: table.model._meta.label)


def count_not_under_current_key(table: EncryptedTable, *, using: str = "default",
                                batch_size: int = BATCH_SIZE) -> int:
    """How many values of the table's encrypted columns a rotation would still rewrite (read only)."""
    raw = {f"raw_{name}": Cast(name, output_field=TextField()) for name in table.fields}
    query = models.QuerySet(model=table.model, using=using).annotate(**raw).order_by("pk")
    behind, after = 0, 0
    while True:
        batch = list(query.filter(pk__gt=after).values_list("pk", *raw)[:batch_size])
        if not batch:
            return behind
        behind += sum(1 for _, *values in batch for value in values if not is_under_current_key(value or ""))
        after = batch[-1][0]

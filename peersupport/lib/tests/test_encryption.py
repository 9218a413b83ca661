"""The encryption of columns (peersupport.lib.encryption, lib.fields) and its settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import FieldError

from peersupport.lib.encryption import decrypt, encrypt, is_under_current_key, lookup_hash, lookup_hashes, rotate
from peersupport.referrals.models import Referral
from peersupport.roster.models import Person

ROOT = Path(settings.BASE_DIR)
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_text_round_trips_and_its_token_differs_each_time():
    first, second = encrypt("dana.reyes@example.org"), encrypt("dana.reyes@example.org")
    assert first != second and "dana" not in first
    assert decrypt(first) == decrypt(second) == "dana.reyes@example.org"
    assert decrypt(encrypt("Überweisung – naïve")) == "Überweisung – naïve"


def test_a_blank_value_stays_blank_and_has_no_hash():
    assert encrypt("") == "" and decrypt("") == ""
    assert lookup_hash("") == "" and list(lookup_hashes("")) == []


def test_the_first_key_encrypts_and_every_key_decrypts(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    under_old = encrypt("+1 555 0100")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    under_new = encrypt("+1 555 0100")
    assert decrypt(under_old) == decrypt(under_new) == "+1 555 0100"
    assert not is_under_current_key(under_old) and is_under_current_key(under_new)
    rotated = rotate(under_old)
    assert is_under_current_key(rotated) and decrypt(rotated) == "+1 555 0100"
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert decrypt(rotated) == "+1 555 0100"
    with pytest.raises(InvalidToken):
        decrypt(under_old)


def test_the_hash_is_keyed_and_every_hash_key_is_looked_up(settings):
    settings.FIELD_HASH_KEYS = ["a" * 32]
    under_a = lookup_hash("dana@example.org")
    settings.FIELD_HASH_KEYS = ["b" * 32, "a" * 32]
    assert lookup_hash("dana@example.org") != under_a
    assert list(lookup_hashes("dana@example.org")) == [lookup_hash("dana@example.org"), under_a]


@pytest.mark.parametrize("lookup", [
    {"email__iexact": "dana@example.org"}, {"email": "dana@example.org"}, {"email__in": ["dana@example.org"]},
    {"email__icontains": "dana"}, {"phone__startswith": "+1"}, {"email__iendswith": "@example.org"},
])
def test_a_lookup_that_would_compare_ciphertext_is_refused_not_silently_empty(db, lookup):
    with pytest.raises(FieldError, match="encrypted|ciphertext"):
        list(Person.objects.filter(**lookup))


def test_a_lookup_on_the_sentence_is_refused(db):
    with pytest.raises(FieldError):
        list(Referral.objects.filter(summary__icontains="airway"))


def test_comparing_with_blank_still_works(db):
    assert list(Person.objects.filter(email="")) == []
    assert list(Person.objects.exclude(phone="").filter(phone__isnull=False)) == []


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "PEERSUPPORT_ENV", "DATABASE_URL", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"}}
    clean.update(env)
    code = "import peersupport.settings as s; print(len(s.FIELD_ENCRYPTION_KEYS), len(s.FIELD_HASH_KEYS))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60)


PRODUCTION = {"PEERSUPPORT_ENV": "production", "SECRET_KEY": "k" * 64, "ALLOWED_HOSTS": "support.example.org"}


def test_a_laptop_needs_no_keys():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "1"]


def test_production_refuses_to_start_without_real_keys():
    for missing in ({}, {"FIELD_ENCRYPTION_KEYS": NEW}, {"FIELD_HASH_KEY": "h" * 40}):
        result = load_settings(**PRODUCTION, **missing)
        assert result.returncode != 0
        assert "FIELD_ENCRYPTION_KEYS" in result.stderr and "FIELD_HASH_KEY" in result.stderr


def test_production_starts_with_keys_and_takes_a_list_of_them():
    result = load_settings(**PRODUCTION, FIELD_ENCRYPTION_KEYS=f"{NEW}, {OLD}", FIELD_HASH_KEY="h" * 40)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "1"]


def test_a_key_that_is_no_fernet_key_or_a_short_hash_key_is_refused_plainly():
    bad = load_settings(FIELD_ENCRYPTION_KEYS="not-a-key")
    assert bad.returncode != 0 and "FIELD_ENCRYPTION_KEYS: key 1 is not a Fernet key" in bad.stderr
    short = load_settings(FIELD_HASH_KEY="short")
    assert short.returncode != 0 and "FIELD_HASH_KEY: each key is at least 32 random characters" in short.stderr

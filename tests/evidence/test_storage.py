"""Evidence storage: encrypted at rest in a local folder and in a real S3-compatible bucket."""

import stat

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.base import ContentFile

from doorstep.evidence.storage import (
    EncryptedStorage,
    EvidenceDecryptionError,
    encryption_keys,
    evidence_storage,
)

from . import hostile
from .conftest import TEST_KEY

PLAINTEXT = hostile.plain_pdf().data


def stored_files(folder):
    return [path for path in folder.rglob("*") if path.is_file()]


def test_local_round_trip_is_encrypted_on_disk(evidence_files):
    storage = evidence_storage()
    name = storage.save("originals/bank-statement.pdf", ContentFile(PLAINTEXT))

    with storage.open(name) as handle:
        assert handle.read() == PLAINTEXT
    assert storage.read_bytes(name) == PLAINTEXT
    assert storage.exists(name)
    assert storage.size(name) == len(PLAINTEXT)

    [on_disk] = stored_files(evidence_files)
    ciphertext = on_disk.read_bytes()
    assert ciphertext != PLAINTEXT
    assert b"%PDF" not in ciphertext
    assert b"bank statement" not in ciphertext
    assert stat.S_IMODE(on_disk.stat().st_mode) == 0o600

    storage.delete(name)
    assert not storage.exists(name)


def test_files_are_named_by_random_ids(evidence_files):
    storage = evidence_storage()
    first = storage.save("originals/Amina's passport.jpg", ContentFile(b"one"))
    second = storage.save("originals/Amina's passport.jpg", ContentFile(b"two"))
    assert first != second
    for name in (first, second):
        assert name.startswith("originals/")
        assert name.endswith(".enc")
        assert "passport" not in name and "Amina" not in name
    assert storage.read_bytes(first) == b"one"
    assert storage.read_bytes(second) == b"two"


def test_folders_are_only_ever_simple_words(evidence_files):
    storage = evidence_storage()
    with pytest.raises(SuspiciousFileOperation):
        storage.save("../../etc/passwd", ContentFile(b"x"))
    name = storage.save("My Documents/passwd", ContentFile(b"x"))
    assert name.startswith("files/")
    assert all(path.is_relative_to(evidence_files) for path in stored_files(evidence_files))
    assert storage.save_bytes(b"y", folder="thumbnails").startswith("thumbnails/")


def test_write_exact_replaces_a_file_under_a_name_of_our_own(evidence_files):
    storage = evidence_storage()
    assert storage.write_exact("sanitised/42.enc", b"first try") == "sanitised/42.enc"
    assert storage.write_exact("sanitised/42.enc", b"retry") == "sanitised/42.enc"
    assert storage.read_bytes("sanitised/42.enc") == b"retry"
    [on_disk] = stored_files(evidence_files)
    assert b"retry" not in on_disk.read_bytes()
    for bad in ("../x.enc", "sanitised/../../x", "/etc/passwd", "sanitised/a b.jpg", "x"):
        with pytest.raises(SuspiciousFileOperation):
            storage.write_exact(bad, b"x")


def test_stored_files_have_no_url_and_cannot_be_written(evidence_files):
    storage = evidence_storage()
    name = storage.save_bytes(b"x", folder="originals")
    with pytest.raises(NotImplementedError):
        storage.url(name)
    with pytest.raises(ValueError):
        storage.open(name, "wb")


def test_rotation_reads_files_written_with_an_older_key(settings, evidence_files):
    old_name = evidence_storage().save_bytes(PLAINTEXT, folder="originals")

    new_key = Fernet.generate_key().decode()
    settings.EVIDENCE_ENCRYPTION_KEYS = [new_key, TEST_KEY]
    storage = evidence_storage()
    assert storage.read_bytes(old_name) == PLAINTEXT
    new_name = storage.save_bytes(b"new", folder="originals")

    # The new file needs the new key: the old key alone cannot read it.
    settings.EVIDENCE_ENCRYPTION_KEYS = [TEST_KEY]
    with pytest.raises(EvidenceDecryptionError):
        evidence_storage().read_bytes(new_name)

    # Re-encrypting moves an old file to the new key, after which the old key can go.
    settings.EVIDENCE_ENCRYPTION_KEYS = [new_key, TEST_KEY]
    evidence_storage().reencrypt(old_name)
    settings.EVIDENCE_ENCRYPTION_KEYS = [new_key]
    assert evidence_storage().read_bytes(old_name) == PLAINTEXT


def test_the_wrong_key_fails_loudly(settings):
    name = evidence_storage().save_bytes(PLAINTEXT, folder="originals")
    settings.EVIDENCE_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(EvidenceDecryptionError, match="could not be decrypted"):
        evidence_storage().read_bytes(name)
    with pytest.raises(EvidenceDecryptionError):
        evidence_storage().open(name)


def test_a_changed_file_fails_loudly(evidence_files):
    storage = evidence_storage()
    name = storage.save_bytes(PLAINTEXT, folder="originals")
    [on_disk] = stored_files(evidence_files)
    token = bytearray(on_disk.read_bytes())
    token[60] = ord("A") if token[60] != ord("A") else ord("B")
    on_disk.write_bytes(bytes(token))
    with pytest.raises(EvidenceDecryptionError):
        storage.read_bytes(name)


def test_an_invalid_configured_key_is_refused(settings):
    settings.EVIDENCE_ENCRYPTION_KEYS = [TEST_KEY, "not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="key number 2 is not a valid key"):
        encryption_keys()


def test_without_a_key_a_private_key_file_is_made_once(settings, tmp_path):
    settings.EVIDENCE_ENCRYPTION_KEYS = []
    key_file = tmp_path / "evidence_key"
    assert not key_file.exists()

    name = evidence_storage().save_bytes(PLAINTEXT, folder="originals")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    keys = encryption_keys()
    assert len(keys) == 1
    Fernet(keys[0])
    assert encryption_keys() == keys  # kept, not made again
    assert evidence_storage().read_bytes(name) == PLAINTEXT


def test_s3_without_a_configured_key_is_refused(settings):
    settings.EVIDENCE_STORAGE = "s3"
    settings.EVIDENCE_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="Set EVIDENCE_ENCRYPTION_KEYS"):
        evidence_storage()


def test_unknown_backend_is_refused(settings):
    settings.EVIDENCE_STORAGE = "ftp"
    with pytest.raises(ImproperlyConfigured, match="local or s3"):
        evidence_storage()


def test_s3_round_trip_is_encrypted_in_the_bucket(s3_storage, s3_server):
    storage = evidence_storage()
    assert isinstance(storage, EncryptedStorage)
    name = storage.save("originals/statement.pdf", ContentFile(PLAINTEXT))

    assert storage.read_bytes(name) == PLAINTEXT
    with storage.open(name) as handle:
        assert handle.read() == PLAINTEXT
    assert storage.exists(name)

    objects = s3_server.client().list_objects_v2(Bucket=s3_storage)["Contents"]
    assert [item["Key"] for item in objects] == [name]
    body = s3_server.client().get_object(Bucket=s3_storage, Key=name)["Body"].read()
    assert body != PLAINTEXT
    assert b"%PDF" not in body
    assert "statement" not in name

    storage.delete(name)
    assert not storage.exists(name)
    assert "Contents" not in s3_server.client().list_objects_v2(Bucket=s3_storage)


def test_s3_rotation_and_wrong_key(s3_storage, settings):
    name = evidence_storage().save_bytes(b"payslip", folder="originals")
    new_key = Fernet.generate_key().decode()
    settings.EVIDENCE_ENCRYPTION_KEYS = [new_key, TEST_KEY]
    assert evidence_storage().read_bytes(name) == b"payslip"
    evidence_storage().reencrypt(name)
    settings.EVIDENCE_ENCRYPTION_KEYS = [new_key]
    assert evidence_storage().read_bytes(name) == b"payslip"
    settings.EVIDENCE_ENCRYPTION_KEYS = [TEST_KEY]
    with pytest.raises(EvidenceDecryptionError):
        evidence_storage().read_bytes(name)


def test_write_exact_on_s3(s3_storage, s3_server):
    storage = evidence_storage()
    storage.write_exact("thumbnails/7.enc", b"first")
    storage.write_exact("thumbnails/7.enc", b"second")
    assert storage.read_bytes("thumbnails/7.enc") == b"second"
    objects = s3_server.client().list_objects_v2(Bucket=s3_storage)["Contents"]
    assert [item["Key"] for item in objects] == ["thumbnails/7.enc"]


def test_a_large_file_round_trips_through_s3(s3_storage):
    data = hostile.oversized_file(megabytes=5).data
    storage = evidence_storage()
    name = storage.save_bytes(data, folder="originals")
    assert storage.read_bytes(name) == data

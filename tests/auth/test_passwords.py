"""Password hashing."""

from campaign.auth.passwords import hash_password, verify_password


def test_hash_is_argon2_and_verifies():
    stored = hash_password("s3cret password")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "s3cret password")
    assert not verify_password(stored, "S3cret password")


def test_missing_or_garbage_hash_never_verifies():
    assert not verify_password(None, "anything at all")
    assert not verify_password("not-a-hash", "anything at all")

"""Manifest keys per municipality: the manifest names its municipality and kid, the JWKS names each key's
municipality, and a manifest signed with another municipality's key fails verification precisely."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr, ValidationError

from pb.core.settings import Settings
from pb.results.counting import canonical_json
from pb.results.errors import SigningKeyMissing
from pb.results.signing import jwks, manifest_key, sign_detached, thumbprint
from tests.conftest import TEST_SECRET
from tests.pb.results.conftest import Closed, downloads, publish_all
from tests.pb.results.test_verify import run_verify


def _pem(key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


TUUSULA = _pem(Ed25519PrivateKey.generate())
JARVENPAA = _pem(ec.generate_private_key(ec.SECP256R1()))
PRODUCTION = {
    "env": "production", "secret_key": "x" * 40, "voter_key_secret": "y" * 40,
    "session_private_key": _pem(Ed25519PrivateKey.generate()), "oidc_issuer": "https://idp.example",
}


@pytest.fixture
def settings(database_url: str) -> Settings:
    """This module's deployment has a key per municipality (the demo's Tuusula and the other, Järvenpää)."""
    return Settings(env="test", database_url=database_url, secret_key=TEST_SECRET,
                    results_signing_keys={"tuusula": SecretStr(TUUSULA), "jarvenpaa": SecretStr(JARVENPAA)})


async def test_manifest_names_its_municipality_and_key_and_the_jwks_every_municipalitys(
    client: httpx.AsyncClient, closed: Closed, settings: Settings, tmp_path: Path
) -> None:
    await publish_all(client, closed)
    manifest, boards, keys = await downloads(client, closed)
    tuusula = manifest_key(settings, "tuusula")
    assert manifest["manifest"]["municipality"]["slug"] == "tuusula"
    assert manifest["manifest"]["kid"] == tuusula.kid == f"tuusula:{thumbprint(tuusula.private.public_key())}"
    published = {k["kid"]: k for k in keys["keys"]}
    assert {k["municipality"] for k in keys["keys"]} == {"tuusula", "jarvenpaa"}
    assert published[tuusula.kid]["alg"] == "EdDSA"
    assert published[manifest_key(settings, "jarvenpaa").kid]["alg"] == "ES256"
    assert all(k["kid"].startswith(k["municipality"] + ":") and "d" not in k for k in keys["keys"])
    code, output = run_verify(tmp_path, manifest, boards, keys)
    assert code == 0, output


async def test_a_manifest_signed_with_another_municipalitys_key_fails(
    client: httpx.AsyncClient, closed: Closed, settings: Settings, tmp_path: Path
) -> None:
    await publish_all(client, closed)
    manifest, boards, keys = await downloads(client, closed)
    other = manifest_key(settings, "jarvenpaa")

    # Järvenpää's key holder signs Tuusula's manifest as it is: the key is not the one the manifest names.
    resigned = {**manifest, "signature": sign_detached(canonical_json(manifest["manifest"]), other)}
    code, output = run_verify(tmp_path, resigned, boards, keys)
    assert code == 1
    assert (f"MISMATCH signature: made with key {other.kid!r}, the manifest names key "
            f"{manifest['manifest']['kid']!r}") in output

    # ... and also names its own key in the manifest: the key belongs to another municipality.
    forged = {**manifest["manifest"], "kid": other.kid}
    code, output = run_verify(tmp_path, {"manifest": forged, "signature": sign_detached(canonical_json(forged), other)},
                              boards, keys)
    assert code == 1
    assert (f"MISMATCH signature: key {other.kid!r} belongs to municipality 'jarvenpaa', the manifest is for "
            "municipality 'tuusula'") in output


def test_signing_keys_are_read_from_json_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PB_RESULTS_SIGNING_KEYS", json.dumps({"tuusula": TUUSULA}))
    monkeypatch.setenv("PB_RESULTS_PREVIOUS_PUBLIC_KEYS_BY_MUNICIPALITY", json.dumps({"tuusula": [
        Ed25519PrivateKey.generate().public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()]}))
    settings = Settings(env="test")
    assert manifest_key(settings, "tuusula").kid.startswith("tuusula:")
    published = jwks(settings, ["tuusula", "kerava"])["keys"]
    assert [k["municipality"] for k in published] == ["kerava", "tuusula", "tuusula"]  # kerava: the fallback
    assert len({k["kid"] for k in published}) == 3


def test_production_signs_only_with_a_configured_key_and_refuses_to_start_without_any() -> None:
    with pytest.raises(ValidationError, match="PB_RESULTS_SIGNING_KEYS or PB_RESULTS_SIGNING_KEY"):
        Settings(**PRODUCTION)  # type: ignore[arg-type]
    settings = Settings(**PRODUCTION, results_signing_keys={"tuusula": TUUSULA})  # type: ignore[arg-type]
    assert manifest_key(settings, "tuusula").municipality == "tuusula"
    with pytest.raises(SigningKeyMissing, match="no manifest signing key is configured for municipality 'kerava'"):
        manifest_key(settings, "kerava")
    assert {k["municipality"] for k in jwks(settings, ["tuusula", "kerava"])["keys"]} == {"tuusula"}
    fallback = Settings(**PRODUCTION, results_signing_key=JARVENPAA)  # type: ignore[arg-type]
    assert manifest_key(fallback, "kerava").kid.startswith("kerava:")


def test_development_manifest_and_session_keys_survive_a_restart(tmp_path: Path) -> None:
    """The demo publishes results signed with made-up keys; after a restart its key set still holds them."""
    before = Settings(_env_file=None, env="development", dev_keys_dir=tmp_path)
    signer = manifest_key(before, "tuusula")
    signature = sign_detached(b"manifest", signer)

    after = Settings(_env_file=None, env="development", dev_keys_dir=tmp_path)

    assert after.results_signing_key.get_secret_value() == before.results_signing_key.get_secret_value()
    assert after.session_private_key.get_secret_value() == before.session_private_key.get_secret_value()
    assert signer.kid in {k["kid"] for k in jwks(after, ["tuusula"])["keys"]}
    assert sign_detached(b"manifest", manifest_key(after, "tuusula")) == signature
    for name in ("results-signing.pem", "session.pem"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results-signing.pem", "session.pem"]


def test_tests_and_production_never_keep_made_up_keys(tmp_path: Path) -> None:
    first = Settings(_env_file=None, env="test", dev_keys_dir=tmp_path)
    second = Settings(_env_file=None, env="test", dev_keys_dir=tmp_path)

    assert first.results_signing_key.get_secret_value() != second.results_signing_key.get_secret_value()
    assert list(tmp_path.iterdir()) == []

"""The service's configuration: the only place that reads the environment."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105 (a marker, refused in production)
DEVELOPMENT_VOTER_KEY_SECRET = "development-only-voter-key-secret-not-for-production"  # noqa: S105 (a marker)
MIN_SECRET_LENGTH = 32
DEV_IDP_PATH = "/dev-idp"
# Levels of assurance by acr value: 1 low, 2 substantial, 3 high (eIDAS names, Suomi.fi's ficora URIs).
DEFAULT_ACR_LEVELS = {
    "low": 1, "substantial": 2, "high": 3,
    "http://eidas.europa.eu/LoA/low": 1, "http://eidas.europa.eu/LoA/substantial": 2,
    "http://eidas.europa.eu/LoA/high": 3,
    "http://ftn.ficora.fi/2017/loa2": 2, "http://ftn.ficora.fi/2017/loa3": 3,
}


SOURCE_CHECKOUT = Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    """Where development keeps its database and keys, whatever the working directory.

    ``var/`` of the source checkout pb runs from (the README's set-up installs it from there), else the user's
    data folder (``$XDG_DATA_HOME/pb``, by default ``~/.local/share/pb``) for an installed package.
    """
    if (SOURCE_CHECKOUT / "pyproject.toml").is_file() and (SOURCE_CHECKOUT / "pb").is_dir():
        return SOURCE_CHECKOUT / "var"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "pb"


def default_database_url() -> str:
    """An embedded SQLite file in the data folder, so a newcomer needs no server."""
    return f"sqlite+aiosqlite:///{default_data_dir() / 'pb.sqlite3'}"


def ephemeral_session_key() -> SecretStr:
    """A fresh Ed25519 key for development and tests; production must configure its own."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return SecretStr(pem.decode())


def kept_key(path: Path) -> SecretStr:
    """The key stored at ``path``, made and stored (owner-only) on first use.

    Created with O_EXCL, so two processes starting together end up with the same key: the loser reads the
    winner's file.
    """
    try:
        return SecretStr(path.read_text(encoding="ascii"))
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = ephemeral_session_key().get_secret_value()
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(pem, encoding="ascii")
    partial.chmod(0o600)
    try:
        os.link(partial, path)
    except FileExistsError:
        pem = path.read_text(encoding="ascii")
    finally:
        partial.unlink()
    return SecretStr(pem)


def development_key(name: str) -> Callable[[dict[str, Any]], SecretStr]:
    """The default of a signing key: kept under ``dev_keys_dir`` in development, so that what it signed (the
    demo's result manifests, residents' sessions) still verifies after a restart; fresh per run in tests.
    Production refuses the default (see ``_refuse_weak_secrets_in_production``)."""

    def default(data: dict[str, Any]) -> SecretStr:
        if data.get("env") != "development":
            return ephemeral_session_key()
        return kept_key(Path(data.get("dev_keys_dir") or default_dev_keys_dir()) / f"{name}.pem")

    return default


def default_dev_keys_dir() -> Path:
    """Beside the default database, in the data folder (``var/`` is gitignored)."""
    return default_data_dir() / "keys"


class WebMunicipality(BaseModel):
    """How one municipality's pages look and whom residents write to about accessibility (PB_WEB_MUNICIPALITIES)."""

    colour: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    """The brand colour of the header and buttons; white text on it must meet WCAG AA (4.5:1)."""
    logo_url: str | None = Field(default=None, pattern=r"^(/static/|https://)[^\s\"'<>]+$")
    """An image under /static/ or on an https origin (which the pages' Content-Security-Policy then allows)."""
    accessibility_contact: str | None = Field(default=None, max_length=200)
    """The e-mail address for accessibility feedback, shown in the accessibility statement."""

    @model_validator(mode="after")
    def _readable_on_brand_colour(self) -> WebMunicipality:
        if self.colour is not None and contrast_with_white(self.colour) < 4.5:
            raise ValueError(f"white text on {self.colour} is too faint (contrast below 4.5:1): pick a darker colour")
        return self


def contrast_with_white(colour: str) -> float:
    """WCAG 2 contrast ratio of white against ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


class Settings(BaseSettings):
    """Configuration read from ``PB_*`` environment variables (and an optional ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="PB_", env_file=".env", extra="ignore", frozen=True)

    env: Literal["development", "test", "production"] = "development"
    dev_keys_dir: Path | None = None
    """Where development keeps the signing keys it makes up (default: ``keys`` in ``default_data_dir()``);
    unused elsewhere."""
    database_url: str = Field(default_factory=default_database_url)
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    """Signs officials' API tokens. In production it must be set, long and not the development value."""
    token_issuer: str = "pb"  # noqa: S105
    token_audience: str = "pb-api"  # noqa: S105
    token_ttl_days: int = Field(default=90, ge=1, le=366)
    schedule_interval_s: float = Field(default=30.0, gt=0)
    """How often the service moves rounds along their phase plan."""
    db_pool_size: int = Field(default=10, ge=1)
    db_echo: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_request_body_bytes: int = Field(default=256 * 1024, ge=1024)

    # Resident sign-in (OpenID Connect) and pb's resident sessions.
    public_url: str = "http://localhost:8000"
    """Where browsers reach pb; the default redirect URI and the development IdP's issuer derive from it."""
    oidc_issuer: str | None = None
    """The identity provider's issuer URL; unset outside production means pb's development IdP."""
    oidc_client_id: str = "pb"
    oidc_client_secret: SecretStr | None = None
    oidc_redirect_uri: str | None = None
    oidc_scopes: str = "openid profile"
    oidc_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256", "EdDSA"])
    oidc_claim_national_id: str = "urn:oid:1.2.246.21"
    oidc_claim_birth_date: str = "birthdate"
    oidc_claim_municipality: str = "urn:oid:1.2.246.517.2002.2.18"
    oidc_claim_postal_code: str = "urn:oid:1.2.246.517.2002.2.6"
    oidc_claim_name: str = "name"
    oidc_acr_levels: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_ACR_LEVELS))
    oidc_min_acr_level: int = Field(default=2, ge=0)
    """Minimum level of assurance (2 = substantial); a missing or unknown acr counts as 0."""
    oidc_cache_ttl_s: float = Field(default=3600.0, gt=0)
    """How long the discovery document and JWKS are trusted before being fetched again."""
    oidc_http_timeout_s: float = Field(default=5.0, gt=0)
    login_attempt_ttl_minutes: int = Field(default=10, ge=1, le=60)
    session_private_key: SecretStr = Field(default_factory=development_key("session"))
    """PEM (PKCS#8) Ed25519 or P-256 key that signs resident session tokens; required in production."""
    session_previous_public_keys: list[str] = Field(default_factory=list)
    """PEM public keys of rotated-out signing keys, still accepted until their tokens expire."""
    session_audience: str = "pb-resident"
    session_ttl_minutes: int = Field(default=30, ge=1, le=24 * 60)
    voter_key_secret: SecretStr = SecretStr(DEVELOPMENT_VOTER_KEY_SECRET)
    """Master secret for person keys and per-round voter keys; kept outside the database."""
    signin_rate_limit_per_minute: int = Field(default=30, ge=1)
    results_signing_keys: dict[str, SecretStr] = Field(default_factory=dict)
    """Municipality slug -> PEM (PKCS#8) Ed25519 or P-256 key signing that municipality's result manifests
    (JSON in PB_RESULTS_SIGNING_KEYS); never in the DB."""
    results_signing_key: SecretStr = Field(default_factory=development_key("results-signing"))
    """Deployment-wide fallback manifest key for municipalities without their own; in production it is used
    only when set explicitly."""
    results_signing_kid: str | None = None
    """The fallback key's id after the municipality prefix; defaults to its RFC 7638 thumbprint."""
    results_previous_public_keys: list[str] = Field(default_factory=list)
    """PEM public keys of earlier fallback keys, still published (for every municipality) so old manifests verify."""
    results_previous_public_keys_by_municipality: dict[str, list[str]] = Field(default_factory=dict)
    """Municipality slug -> PEM public keys of that municipality's earlier manifest keys."""

    # The web pages.
    web_municipalities: dict[str, WebMunicipality] = Field(default_factory=dict)
    """Municipality slug -> its colour, logo and accessibility contact (JSON in PB_WEB_MUNICIPALITIES)."""
    accessibility_contact: str = "saavutettavuus@example.invalid"
    """The accessibility feedback address of municipalities without their own; set it in production."""

    @model_validator(mode="after")
    def _refuse_weak_secrets_in_production(self) -> Settings:
        if self.env == "production":
            secret = self.secret_key.get_secret_value()
            if secret == DEVELOPMENT_SECRET or len(secret) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"PB_SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} characters "
                    "in production"
                )
            voter_secret = self.voter_key_secret.get_secret_value()
            if voter_secret == DEVELOPMENT_VOTER_KEY_SECRET or len(voter_secret) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"PB_VOTER_KEY_SECRET must be set to a random value of at least {MIN_SECRET_LENGTH} "
                    "characters in production"
                )
            if "session_private_key" not in self.model_fields_set:
                raise ValueError("PB_SESSION_PRIVATE_KEY must be set in production")
            if not self.oidc_issuer:
                raise ValueError("PB_OIDC_ISSUER must be set in production")
            if "results_signing_key" not in self.model_fields_set and not self.results_signing_keys:
                raise ValueError("PB_RESULTS_SIGNING_KEYS or PB_RESULTS_SIGNING_KEY must be set in production")
        return self

    @property
    def voter_key_master(self) -> bytes:
        """The master secret behind person keys and voter keys."""
        return self.voter_key_secret.get_secret_value().encode()

    @property
    def signin_issuer(self) -> str:
        """The identity provider residents sign in with: configured, or pb's development IdP."""
        return self.oidc_issuer or self.public_url.rstrip("/") + DEV_IDP_PATH

    @property
    def signin_redirect_uri(self) -> str:
        return self.oidc_redirect_uri or self.public_url.rstrip("/") + "/auth/callback"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

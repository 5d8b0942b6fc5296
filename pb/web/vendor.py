"""The build step for third-party front-end files: from ``node_modules/`` (``npm ci``) into ``static/vendor/``.

``./dev`` runs ``python -m pb.web.vendor`` after ``npm ci``. Nothing it writes is committed (``.gitignore``):
the lock file pins every byte. Only what pages load is copied, and the HDS styles pages use are joined into
one stylesheet.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = Path(__file__).resolve().parent / "static" / "vendor"

HDS_PARTS = (
    "base.min.css",
    *(f"components/{name}/{name}.min.css" for name in (
        "button", "checkbox", "container", "fieldset", "koros", "link", "notification", "radio-button",
        "selection-group", "status-label", "table", "tag", "text-input",
    )),
)
COPIES = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    # The API explorer at /schema/swagger (pb.web.api_docs).
    "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
    "@fontsource/inter/files/inter-latin-400-normal.woff2": "fonts/inter-latin-400-normal.woff2",
    "@fontsource/inter/files/inter-latin-700-normal.woff2": "fonts/inter-latin-700-normal.woff2",
}


class AssetsMissing(RuntimeError):
    """``npm ci`` has not been run (``./dev`` runs it)."""


def _read(relative: str) -> bytes:
    path = NODE_MODULES / relative
    if not path.exists():
        raise AssetsMissing(f"{path} is missing: run ./dev (it runs npm ci) or npm ci")
    return path.read_bytes()


def _write_if_changed(path: Path, content: bytes) -> None:
    if path.exists() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def build() -> None:
    """Copy the pinned assets into ``static/vendor/``; a file that is already current is left untouched."""
    hds = b"\n".join(_read(f"hds-core/lib/{part}") for part in HDS_PARTS)
    _write_if_changed(VENDOR / "hds.min.css", hds)
    for source, target in COPIES.items():
        _write_if_changed(VENDOR / target, _read(source))


if __name__ == "__main__":
    try:
        build()
    except AssetsMissing as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(1) from exc

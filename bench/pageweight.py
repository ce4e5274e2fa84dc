"""Page weight as a browser with an empty cache sees it: bytes on the wire, compressed as served.

The HTML and every stylesheet and script it loads are fetched with `Accept-Encoding: gzip, br` and
their bodies counted undecoded (what travels, not what is unpacked).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from .browser import VirtualUser
from .htmlparse import parse_assets

ACCEPT = {"Accept-Encoding": "gzip, br"}


def _transferred(user: VirtualUser, url: str, headers: dict[str, str] | None = None) -> tuple[int, str, str, int]:
    """(compressed body bytes, Content-Encoding, decoded text, status) of one GET."""
    response = user.session.get(
        user.url(url), headers={**ACCEPT, **(headers or {})}, stream=True, timeout=30, allow_redirects=False
    )
    raw = response.raw.read(decode_content=False)
    encoding = response.headers.get("Content-Encoding", "identity")
    text = ""
    if "text/html" in response.headers.get("Content-Type", ""):
        text = _decode(raw, encoding)
    response.close()
    return len(raw), encoding, text, response.status_code


def _decode(raw: bytes, encoding: str) -> str:
    if encoding == "gzip":
        import gzip

        raw = gzip.decompress(raw)
    elif encoding == "br":
        try:
            import brotli  # type: ignore[import-not-found]
        except ImportError:
            return ""
        raw = brotli.decompress(raw)
    return raw.decode("utf-8", "replace")


def measure(user: VirtualUser, page_path: str, fragment_path: str) -> dict[str, Any]:
    size, encoding, html, status = _transferred(user, page_path)
    if status != 200:
        return {"status": f"page HTTP {status}"}
    items: list[dict[str, Any]] = [{"url": page_path, "bytes": size, "encoding": encoding}]
    for asset in parse_assets(html):
        asset_size, asset_encoding, _, asset_status = _transferred(user, urljoin(user.base_url + page_path, asset))
        items.append({"url": asset, "bytes": asset_size, "encoding": asset_encoding, "status": asset_status})
    fragment_size, fragment_encoding, _, fragment_status = _transferred(user, fragment_path, {"HX-Request": "true"})
    return {
        "status": "ok",
        "page": page_path,
        "full_page_bytes": sum(item["bytes"] for item in items),
        "items": items,
        "fragment": fragment_path,
        "fragment_bytes": fragment_size,
        "fragment_encoding": fragment_encoding,
        "fragment_status": fragment_status,
    }

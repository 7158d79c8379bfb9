"""URL hygiene: one canonical spelling per page, and a fence around the hosts we may visit.

Two forms are used. `clean_url` is what we fetch: fragment, tracking parameters and AMP/mobile
variants removed, but the path kept as the site wrote it (some servers care about a trailing
slash). `canonical_url` is the de-duplication key: `clean_url` plus no trailing slash and sorted
query parameters, so the same article reached by different links is stored once.
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

import tld

ALLOWED_SCHEMES = frozenset({"http", "https"})

# Query parameters that identify a campaign or a click, never a page.
_TRACKING_EXACT = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "ref_src", "zarsrc", "zalo_source", "cmpid", "s_cid", "spm", "vn_source",
    "vn_medium", "vn_campaign", "vn_term", "vn_content", "dt_source", "dt_campaign", "gidzl",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "itm_")
_AMP_QUERY = frozenset({"amp", "amp_js_v", "usqp", "outputtype"})
_MOBILE_HOST = re.compile(r"^(?:m|amp|mobile)\.")
_AMP_PATH = re.compile(r"(?:/amp/?$|\.amp(?=\.html?$|$)|^/amp(?=/))")


def _is_tracking(name: str) -> bool:
    key = name.lower()
    return key in _TRACKING_EXACT or key.startswith(_TRACKING_PREFIXES)


def _host_port(parts) -> tuple[str, str]:
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        return "", ""
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return host, (f":{port}" if port and port != default else "")


def clean_url(url: str, base: str | None = None) -> str | None:
    """The URL to fetch, or None when it is not an http(s) URL we could ever crawl."""
    if not url:
        return None
    url = url.strip()
    try:
        absolute = urljoin(base, url) if base else url
        parts = urlsplit(absolute)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return None
    host, port = _host_port(parts)
    if not host or parts.username or parts.password:
        return None
    host = _MOBILE_HOST.sub("", host) if host.count(".") >= 2 else host
    path = quote(unquote(parts.path or "/"), safe="/%:@!$&'()*+,;=-._~")
    path = _AMP_PATH.sub("", path) or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_tracking(k) and k.lower() not in _AMP_QUERY]
    return urlunsplit((scheme, host + port, path, urlencode(query, doseq=True), ""))


def canonical_url(url: str, base: str | None = None) -> str | None:
    """The de-duplication key: `clean_url`, no trailing slash, query parameters sorted."""
    cleaned = clean_url(url, base)
    if cleaned is None:
        return None
    parts = urlsplit(cleaned)
    path = parts.path.rstrip("/") or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def host_of(url: str) -> str:
    """Lower-case host name of a URL ('' when there is none)."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def registrable_domain(host: str) -> str:
    """'tuoitre.vn' for 'm.tuoitre.vn', 'hanoi.gov.vn' for 'x.hanoi.gov.vn'; IPs and single
    labels (localhost) stand for themselves. Uses the public suffix list bundled with `tld`."""
    host = host.rstrip(".").lower()
    if not host:
        return ""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    if "." not in host:
        return host
    found = tld.get_fld(host, fix_protocol=True, fail_silently=True)
    return found or host


def same_site(url_a: str, url_b: str) -> bool:
    """True when both URLs belong to the same registrable domain."""
    a, b = registrable_domain(host_of(url_a)), registrable_domain(host_of(url_b))
    return bool(a) and a == b


def in_domains(url: str, domains: frozenset[str] | set[str]) -> bool:
    """True when `url` is http(s) and its registrable domain is one of `domains`."""
    if clean_url(url) is None:
        return False
    return registrable_domain(host_of(url)) in domains


def path_and_query(url: str) -> str:
    """What article patterns are matched against: host-independent, so a sources file can be
    pointed at a mirror or a test server."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")

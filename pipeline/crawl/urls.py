"""URL hygiene: one canonical spelling per page, and a fence around the hosts we may visit.

Two forms are used. `clean_url` is what we fetch: fragment, tracking parameters and AMP/mobile
variants removed, but the path kept as the site wrote it (some servers care about a trailing
slash). `canonical_url` is the de-duplication key: `clean_url` plus no trailing slash and sorted
query parameters, so the same article reached by different links is stored once.

Percent-encoding is kept as the site wrote it: an escape is never decoded into a character that
means something else in a URL (`%2F` stays `%2F`, `%252F` stays `%252F`, a query is split on
its raw `&` and `=`), so the URL we store is the resource we fetched. The only rewrites are the
ones requests and urllib3 make on the wire anyway (RFC 3986 §6.2.2): escapes of unreserved
characters decoded, hex digits upper-cased, characters not allowed in that part (spaces,
non-ASCII) encoded as UTF-8, and a stray `%` written `%25`; `clean_url` is therefore also the
exact request target that goes out.
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, unquote_plus, urljoin, urlsplit, urlunsplit

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


_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
PATH_SAFE = "/:@!$&'()*+,;=%"     # RFC 3986 pchar and "/" (urllib3's PATH_CHARS) and our escapes
QUERY_SAFE = PATH_SAFE + "?"


def _unreserved_or_upper(match: re.Match) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def requote(part: str, safe: str = PATH_SAFE) -> str:
    """`part` with its escapes kept (never decoded to a reserved character), only what is not
    allowed encoded: the form requests and urllib3 put on the wire."""
    if "%" in part:
        part = _ESCAPE.sub(_unreserved_or_upper, _STRAY_PERCENT.sub("%25", part))
    return quote(part, safe=safe)


def _is_tracking(name: str) -> bool:
    key = name.lower()
    return key in _TRACKING_EXACT or key.startswith(_TRACKING_PREFIXES)


def _query_pieces(query: str) -> list[str]:
    """Raw `name=value` pieces without tracking and AMP parameters (names compared decoded)."""
    pieces = []
    for piece in query.split("&"):
        if not piece:
            continue
        name = unquote_plus(piece.split("=", 1)[0])
        if not _is_tracking(name) and name.lower() not in _AMP_QUERY:
            pieces.append(requote(piece, QUERY_SAFE))
    return pieces


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
    path = _AMP_PATH.sub("", requote(parts.path or "/")) or "/"
    query = "&".join(_query_pieces(parts.query))
    return urlunsplit((scheme, host + port, path, query, ""))


def canonical_url(url: str, base: str | None = None) -> str | None:
    """The de-duplication key: `clean_url`, no trailing slash, query parameters sorted."""
    cleaned = clean_url(url, base)
    if cleaned is None:
        return None
    parts = urlsplit(cleaned)
    path = parts.path.rstrip("/") or "/"
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
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


# Links that are files, not pages: never article candidates.
_NOT_PAGES = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|tiff?|css|js|json|xml|rss|atom|txt|pdf|docx?|xlsx?|pptx?|"
                        r"zip|rar|7z|gz|tar|mp[34]|m4a|wav|ogg|avi|mov|mkv|webm|woff2?|ttf|eot|apk|exe)$", re.I)


def looks_like_page(url: str) -> bool:
    """True for a link that may be an HTML page other than the home page (not an image, a
    stylesheet, a download …): what a listing offers as an article candidate."""
    path = urlsplit(url).path
    return path not in ("", "/") and not _NOT_PAGES.search(path)


def path_and_query(url: str) -> str:
    """What article patterns are matched against: host-independent, so a sources file can be
    pointed at a mirror or a test server."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")

"""rules/areas.toml and the gazetteer: Vietnam's provinces and districts from `vietnam-provinces`
(the 63 provinces and centrally-run cities before the 2025 merger, whose names include the 34
after it, with their districts), plus what rules/areas.toml adds (short forms, "cả nước", sub-area
words, home areas of news sites). Pure lookups, built once per rule book."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from pipeline.errors import RuleError
from pipeline.normalize import old_style_tones, tone_variants

NATIONAL = "cả nước"


@dataclass(frozen=True, slots=True)
class Unit:
    """One administrative unit: its canonical name and level (province | district)."""

    name: str
    level: str
    province: str  # the province it belongs to (itself for a province)


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Bà Rịa - Vũng Tàu' → 'bariavungtau'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


def news_spelling(name: str) -> str:
    """The tone placement Vietnamese news uses for place names: 'Hoà Bình' → 'Hòa Bình'."""
    return old_style_tones(name)


def spellings(name: str) -> set[str]:
    """A name in both tone placements and with the dash spaced or not ('Bà Rịa-Vũng Tàu')."""
    out = set(tone_variants(name))
    out |= {n.replace(" - ", "-") for n in out} | {n.replace(" - ", " – ") for n in out}
    return out


@lru_cache(maxsize=1)
def _divisions() -> list:
    try:
        import vietnam_provinces
    except ImportError as exc:  # a dependency of chitieu: only a broken install gets here
        raise RuleError(f"the gazetteer package vietnam-provinces is not installed ({exc})") from None
    return json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def gazetteer_units() -> tuple[tuple[Unit, ...], dict[str, str]]:
    """Provinces and districts of the gazetteer package, and province name → ASCII slug."""
    units, slugs = [], {}
    for province in _divisions():
        name = news_spelling(re.sub(r"^(?:Tỉnh|Thành phố)\s+", "", province["name"]))
        units.append(Unit(name, "province", name))
        slugs[name] = province["codename"].replace("_", "")
        for district in province.get("districts", ()):
            units.append(Unit(news_spelling(district["name"]), "district", name))
    return tuple(units), slugs


@lru_cache(maxsize=1)
def _communes() -> dict[str, dict[str, str]]:
    communes: dict[str, dict[str, str]] = {}
    for province in _divisions():
        for district in province.get("districts", ()):
            named = communes.setdefault(news_spelling(district["name"]).lower(), {})
            for ward in district.get("wards", ()):
                admin, _, name = news_spelling(ward["name"]).partition(" ")
                admin, name = ("thị trấn", name[len("trấn "):]) if admin == "Thị" else (admin.lower(), name)
                for form in tone_variants(name):
                    named[form.lower()] = "" if form.lower() in named else f"{admin} {name}"  # two of one name: neither
    return communes


def commune_named(district: str, name: str) -> str:
    """The commune, ward or township of `district` ("huyện Phù Mỹ") called `name` without its admin word
    ("Mỹ Đức" → "xã Mỹ Đức"); "" when it has none, or two, of that name."""
    return _communes().get(district.lower(), {}).get(name.lower(), "")


@lru_cache(maxsize=1)
def _all_communes() -> frozenset:
    return frozenset(c.lower() for named in _communes().values() for c in named.values() if c)


def commune_known(name: str) -> bool:
    """Whether some district has a commune, ward or township of that name ("phường Thảo Điền", "phường 12")."""
    return name.lower() in _all_communes()


@dataclass(frozen=True)
class Gazetteer:
    """Surface form → canonical area, province slugs for host names, sub-area phrases."""

    names: dict[str, str]  # "TP.HCM" → "TP Hồ Chí Minh", "Điện Biên" → "Điện Biên"
    provinces: frozenset[str]  # canonical province-level names, "cả nước" excluded
    slugs: dict[str, str]  # ASCII slug → canonical province ("bariavungtau" → "Bà Rịa - Vũng Tàu")
    districts: dict[str, str]  # "huyện ba vì" (lower-case, admin word + name) → its province
    district_slugs: dict[str, tuple]  # "nghiadan" → (("huyện Nghĩa Đàn", "Nghệ An"),): a district portal's host
    hosts: dict[str, str]  # news-site host → home area (areas.toml [home_areas])
    parts: tuple[tuple[str, str], ...]  # sub-area phrase → canonical area_part, longest first
    head_parts: dict  # phrases that are a part only as a whole noun phrase ("địa phương") → canonical
    parts_unless: tuple[str, ...]  # phrases that look like a sub-area but are not ("nông thôn mới")
    national_source: re.Pattern = re.compile("(?!)")  # "Theo TTXVN": the article is national news
    national_reporter: re.Pattern = re.compile("(?!)")  # "Theo báo cáo của Bộ Tài chính" in a lead naming no place
    national_body: re.Pattern = re.compile("(?!)")  # "Bộ Công Thương dẫn đầu với tỷ lệ 83,48%": a national figure
    national_blocks: dict = field(default_factory=dict)  # "khối bộ, ngành" → its area_part "bộ, ngành"
    national_body_anchors: tuple = ()  # the first words of those names ("bộ", "khối"): no regex where none occurs
    # "huyện châu thành" → every province with a district of that name (ten have one; `districts` keeps one of them)
    district_provinces: dict = field(default_factory=dict)
    _home_cache: dict = field(default_factory=dict, compare=False, repr=False)

    def canonical(self, surface: str) -> str:
        return self.names.get(surface, surface)

    def home_area(self, host: str) -> str:
        """The home area of a news site: listed in areas.toml, or a province named in its host
        ('baobariavungtau.com.vn' → Bà Rịa - Vũng Tàu); "" when neither says."""
        host = (host or "").lower().removeprefix("www.")
        cached = self._home_cache.get(host)
        if cached is None:
            cached = self._home_cache[host] = self._home_area(host)
        return cached

    def _home_area(self, host: str) -> str:
        for known, area in self.hosts.items():
            if host == known:
                return area
            if host.endswith("." + known):
                # "namdinh.gso.gov.vn": a national body's provincial office is that province's
                return self._from_labels(host[:-len(known) - 1].split(".")) or area
        return self._from_labels(host.split(".")[:-1])

    def _from_labels(self, raw_labels: list[str]) -> str:
        """The province or district a host's labels name ('baobariavungtau', 'godau.tayninh')."""
        labels = [ascii_fold(label) for label in raw_labels] or [""]
        best = ""
        for slug, province in self.slugs.items():
            if len(slug) >= 5 and any(_slug_in_label(slug, label) for label in labels) and len(slug) > len(best):
                best = slug
        province = self.slugs.get(best, "")
        for label in labels:
            # a province's paper named after its capital: "baodienbienphu.com.vn" (Điện Biên Phủ, Điện Biên)
            towns = {p for _, p in self.district_slugs.get(label.removeprefix("bao"), ())} if (
                not province and label.startswith("bao") and len(label) >= 9) else set()
            if len(towns) == 1:
                return towns.pop()
        for label in labels:
            # a district portal: "godau.tayninh.gov.vn", "thuanthanh.bacninh.gov.vn", "nghiadan.gov.vn", and a
            # district office's: "pgddtdonghoa.phuyen.edu.vn" (its education office)
            label = DISTRICT_OFFICE.sub("", label) if province else label
            candidates = [d for d, p in self.district_slugs.get(label, ()) if not province or p == province]
            if len(candidates) == 1 and (province or len(label) >= 6) and label != best:
                return candidates[0]
        return province

    def province_in_url(self, url: str) -> str:
        """The one province an article's address names in its last segment ('/Nam-2024-Soc-Trang-phan-dau-…'
        → Sóc Trăng), for an article without a headline; "" when none or several."""
        words = URL_WORD.findall(urlsplit(url or "").path.lower().rstrip("/").rsplit("/", 1)[-1])
        found = {self.slugs[slug] for n in (2, 3, 4) for k in range(len(words) - n + 1)
                 if len(slug := "".join(words[k:k + n])) >= 5 and slug in self.slugs}
        return found.pop() if len(found) == 1 else ""

    def district_in_url(self, url: str, province: str = "") -> str:
        """The district an article's address names ('/huyen-quynh-luu-tong-ket-…' → 'huyện Quỳnh Lưu'),
        within `province` when given; "" when none or several."""
        path = urlsplit(url or "").path.lower()
        found = set()
        for m in URL_DISTRICT.finditer(path):
            words = m.group(2).split("-")
            for k in range(min(4, len(words)), 0, -1):
                for name, prov in self.district_slugs.get("".join(words[:k]), ()):
                    if name.startswith(URL_ADMIN[m.group(1)] + " ") and (not province or prov == province):
                        found.add(name)
                if found:
                    break
        return found.pop() if len(found) == 1 else ""


URL_WORD = re.compile(r"[a-z]+")
DISTRICT_OFFICE = re.compile(r"^(?:pgddt|pgdđt|pgd|phonggddt|phonggd|ttyt|bhxh)(?=[a-z]{5})")  # an office's prefix


URL_ADMIN = {"huyen": "huyện", "thi-xa": "thị xã", "quan": "quận", "thanh-pho": "thành phố", "tp": "thành phố"}
URL_DISTRICT = re.compile(r"(?:^|[/-])(huyen|thi-xa|quan|thanh-pho|tp)-([a-z]+(?:-[a-z]+){0,5})")


def _slug_in_label(slug: str, label: str) -> bool:
    """A province slug as a host label, after a newspaper/portal prefix ('bao', 'so', 'tv' …), or
    ending or starting a longer label (an office's short name after it) when the slug is long enough
    not to be part of other words."""
    if label == slug or (len(slug) >= 6 and label.endswith(slug)):  # "xuctiendautuhagiang"
        return True
    if len(slug) >= 6 and label.startswith(slug) and len(label) - len(slug) <= 4:  # "phuthodfa", "hanoimoi"
        return True
    return bool(re.fullmatch(rf"(?:bao|tap\w{{0,3}}|so\w{{0,6}}|cong|dai|truyenhinh|tin|news|tv|[a-z]{{0,4}})?{slug}"
                             rf"(?:tv|news|online|24h|dost|gov|portal|city|\d*)?", label))


# district-level units whose portal hosts name them, and how the news writes their admin word
DISTRICT_ADMINS = (("Huyện", "huyện"), ("Thị xã", "thị xã"), ("Thành phố", "thành phố"), ("Quận", "quận"))


def build_gazetteer(areas: dict, path: str) -> Gazetteer:
    """The gazetteer's names plus rules/areas.toml: [names] aliases, [home_areas], [parts]."""
    units, slugs = gazetteer_units()
    names: dict[str, str] = {}
    provinces = set()
    districts = {}
    district_provinces: dict[str, set] = {}
    district_slugs: dict[str, str] = {}
    for unit in units:
        if unit.level == "province":
            provinces.add(unit.name)
            for form in spellings(unit.name):
                names[form] = unit.name
        else:
            for form in spellings(unit.name):
                districts[form.lower()] = unit.province
                district_provinces.setdefault(form.lower(), set()).add(unit.province)
            for admin, label in DISTRICT_ADMINS:
                if unit.name.startswith(admin + " "):
                    short = unit.name[len(admin) + 1:]
                    district_slugs.setdefault(ascii_fold(short), []).append((f"{label} {short}", unit.province))
    aliases = areas.get("names", {})
    if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
        raise RuleError("[names] must map surface forms to area names", path=path)
    for surface, area in aliases.items():
        for form in spellings(surface):
            names[form] = area
        if area != NATIONAL:
            provinces.add(area)
    by_slug = {slug: names.get(name, name) for name, slug in slugs.items()}
    for name in provinces:
        by_slug.setdefault(ascii_fold(name), name)
    hosts = areas.get("home_areas", {})
    parts = areas.get("parts", {})
    if not isinstance(hosts, dict) or not isinstance(parts, dict):
        raise RuleError("[home_areas] and [parts] must be tables", path=path)
    part_pairs = []
    for canonical, phrases in parts.items():
        if canonical == "unless":
            continue
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            raise RuleError(f"[parts] {canonical!r} must be a list of phrases", path=path)
        part_pairs += [(form, canonical) for p in phrases for form in tone_variants(p)]
    head_parts = {p[1:].lower(): c for p, c in part_pairs if p.startswith("^")}
    part_pairs = [(p, c) for p, c in part_pairs if not p.startswith("^")]
    part_pairs.sort(key=lambda pair: -len(pair[0]))
    return Gazetteer(names=names, provinces=frozenset(provinces), slugs=by_slug, districts=districts,
                     district_provinces={k: frozenset(v) for k, v in district_provinces.items()},
                     district_slugs={k: tuple(v) for k, v in district_slugs.items() if k not in by_slug},
                     hosts={h.lower(): a for h, a in hosts.items()}, parts=tuple(part_pairs), head_parts=head_parts,
                     parts_unless=tuple(form for p in parts.get("unless", ()) for form in tone_variants(p)),
                     national_source=re.compile("|".join(re.escape(p) for p in areas.get("national_sources", ())) or "(?!)"),
                     national_reporter=re.compile("|".join(re.escape(p) for p in areas.get("national_reporters", ())) or "(?!)",
                                                  re.IGNORECASE),  # "Bảo hiểm Xã hội Việt Nam"
                     national_body=re.compile("|".join(rf"(?<![^\W\d_]){re.escape(p)}(?![^\W\d_])" for p in sorted(
                         [*areas.get("national_bodies", ()), *areas.get("national_blocks", {})], key=len, reverse=True))
                         or "(?!)", re.IGNORECASE),
                     national_blocks={k.lower(): v for k, v in areas.get("national_blocks", {}).items()},
                     national_body_anchors=tuple(sorted({p.split()[0].lower() for p in [
                         *areas.get("national_bodies", ()), *areas.get("national_blocks", {})] if p.split()})))

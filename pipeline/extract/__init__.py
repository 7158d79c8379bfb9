"""Extraction: an Article in, Fact records out. Pure: no file I/O here (see runner.py).

Flow per article field (title, text): normalise → split sentences → cheap prefilter → regex rules
from rules/patterns.toml (exclusions compete with facts; the longest match wins) → values →
context (subject via spaCy Matcher over underthesea words, indicator, area, modality, as-of).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import pipeline.extract.bare as bare
import pipeline.extract.carry as carry
import pipeline.extract.context as ctx
import pipeline.extract.meaning as meaning
import pipeline.extract.places as places
from pipeline import nlp
from pipeline.extract.values import PARSERS, ParseContext
from pipeline.extract.vocabulary import topic_of
from pipeline.extract.where import FIGURE
from pipeline.kinds import EXCLUDE, FIGURE_KINDS
from pipeline.normalize import normalize_text, unwrap_lines
from pipeline.records import Article, Fact, fact_id, published_span
from pipeline.rules.book import Rule, RuleBook, derived, load_rulebook

__all__ = ["extract_facts", "load_rulebook", "RuleBook"]

MAX_SENTENCE_CHARS = 5000  # longer "sentences" are split into windows: no quadratic regex work


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule match that survived its checks, in sentence coordinates."""

    rule: Rule
    start: int
    end: int
    values: dict


PREFIX_REACH = 40  # how far back a rule's prefix words may start
LEAD_CHARS = 400  # a lead longer than this is a page with no paragraph breaks: only its opening leads
NUMBER_START = re.compile(r"(?<![\w.,/-])\d")  # where a rule.digit_first pattern can start
COMMUNE_WHOLE = re.compile(r"(?:xã|phường|thị trấn)$", re.IGNORECASE)  # "toàn xã", "trên địa bàn phường"


def _candidates(sentence: str, book: RuleBook, cues: ctx.CueSet, pctx: ParseContext) -> list[Hit]:
    """All rule matches of a sentence, minus those whose context or value says no."""
    hits = []
    lowered = sentence.lower()
    anchors = [m.start() for m in NUMBER_START.finditer(sentence)]
    for rule in book.rules:
        if rule.digit_first and not anchors:
            continue  # a sentence without a number: no digit-first rule can match
        if rule.needs and not any(n in lowered for n in rule.needs):
            continue
        if rule.digit_first:
            found = (rule.regex.match(sentence, pos) for pos in anchors)
            matches = [m for m in found if m is not None]
        else:
            matches = rule.regex.finditer(sentence)
        for m in matches:
            start = m.start()
            if m.end() == start:
                continue
            if rule.before is not None and not rule.before.search(sentence, max(0, start - PREFIX_REACH), start):
                continue
            has_cue = False
            if rule.prefix is not None:
                found = rule.prefix.search(sentence, max(0, start - PREFIX_REACH), start)
                if found:
                    start, has_cue = found.start(), True
                elif rule.prefix_required:
                    continue
            if rule.kind == EXCLUDE:
                hits.append(Hit(rule, start, m.end(), {}))
                continue
            if rule.context == "slash":
                reading = "date" if has_cue else ctx.classify_slash(sentence, m.start(), m.end(), cues, _day_month(m))
                if reading != rule.kind:
                    continue
            try:
                values = PARSERS[rule.parse](m, pctx)
            except (ValueError, KeyError, ZeroDivisionError):
                values = None
            if values is not None:
                hits.append(Hit(rule, start, m.end(), values))
    return _resolve(hits, book)


def _day_month(m: re.Match) -> bool:
    """Whether the two numbers of a slash match can be a day and a month at all."""
    groups = m.groupdict()
    day, month = groups.get("a") or groups.get("d"), groups.get("b") or groups.get("m")
    try:
        return 1 <= int(day) <= 31 and 1 <= int(month) <= 12
    except (TypeError, ValueError):
        return False


def _rule_order(book: RuleBook) -> dict[str, int]:
    return {rule.id: n for n, rule in enumerate(book.rules)}


def _resolve(hits: list[Hit], book: RuleBook) -> list[Hit]:
    """Longest match wins; on a tie the rule listed first. Exclusions block what they cover."""
    order = derived(book, _rule_order)
    chosen: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), order[h.rule.id], h.start)):
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return sorted((h for h in chosen if h.rule.kind != EXCLUDE), key=lambda h: h.start)


def _pieces(text: str, start: int, end: int):
    """Sentence spans, with over-long ones cut at spaces so no regex sees megabytes at once."""
    for s, e in nlp.split_sentences(text, start, end):
        while e - s > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", s, s + MAX_SENTENCE_CHARS)
            cut = cut if cut > s else s + MAX_SENTENCE_CHARS
            yield s, cut
            s = cut
        yield s, e


def document_scope(article: Article, title: str, text: str, book: RuleBook,
                   found: dict[str, list] | None = None) -> meaning.Scope:
    """What every figure of the article may inherit: the province its headline or lead names (or, for
    the article as a whole, names clearly most often), the site's home area, the publication date.
    `found` holds the place words of each field when the caller already has them."""
    finder = places.place_finder(book)
    found = found or {"title": finder.find(title), "text": finder.find(text)}
    try:
        published = published_span(article.published)
    except ValueError:
        published = None
    host = article.source or (urlsplit(article.url).hostname or "" if article.url else "")
    home = book.gazetteer.home_area(host)
    if book.gazetteer.national_source.search(text):
        home = places.NATIONAL  # syndicated national news ("Theo TTXVN") on a provincial site
    scope = meaning.Scope(published=published, home_area=home)
    captions = [(m.start(), m.end()) for m in places.CAPTION.finditer(text)]
    body = [p for p in found["text"] if not any(s <= p.start < e for s, e in captions)]
    # the lead: the first paragraph, at most its first LEAD_CHARS (a page with no paragraph breaks has no
    # lead beyond its opening; a district named at the end of it is no district the article is about)
    lead_end = min(text.find("\n") if "\n" in text else len(text), LEAD_CHARS)
    if home and (book.gazetteer.national_reporter.search(text, 0, lead_end)
                 or book.gazetteer.national_reporter.search(title)) and not any(
            p.counts and p.level != "national" for p in found["title"] + body):
        scope.home_area = places.NATIONAL  # "Theo báo cáo của Bộ Tài chính, …" naming no place: national figures
    headline = [p for p in found["title"] if p.counts and p.level in places.PROVINCE_LEVEL]
    in_url = book.gazetteer.province_in_url(article.url) if not title and article.url else ""
    dateline = places.DATELINE.match(text)
    filed = [p for p in body if not dateline or p.start >= dateline.end()]  # the dateline alone is not the area
    candidates = (("headline", headline[0].area if headline else in_url),
                  ("lead", places.dominant_province([p for p in filed if p.end <= lead_end])),
                  ("article", places.dominant_province(filed, at_least=2, share=0.6)))
    for where, area in candidates:
        if area:
            scope.doc_area, scope.doc_why = area, where
            break
    # a district article: its headline or lead names one district ("UBND huyện Đạ Tẻh cho biết …")
    headline_text = title or text[:lead_end]
    scope.topic_indicator, scope.topic_term = topic_of(headline_text, book)
    lead_places = [p for p in body if p.end <= lead_end]
    # a district the lead names after its first figure ("… đạt 72% … Riêng huyện Đức Hòa đạt 78%"), or beside
    # the province as a whole under a headline naming the province ("Nghệ An: …": "cao nhất tỉnh", "toàn tỉnh"),
    # is one the province's article mentions, not the one it is about
    first = FIGURE.search(text, 0, lead_end)
    lead_places = [] if headline and any(p.level == "whole" and p.of == "province" for p in lead_places) else \
        [p for p in lead_places if first is None or p.end <= first.start()]
    scope.doc_district = (places.dominant_district(found["title"])
                          or places.dominant_district(lead_places)
                          or bare.bare_district(headline_text, body, book, home if home in book.gazetteer.provinces else ""))
    if not scope.doc_district and any(p.level == "whole" and p.of == "district" and p.counts for p in body):
        # "toàn huyện", "của huyện" with no district in the headline or lead: the one the body names most;
        # "toàn xã" in a commune's article: the one commune it names ("Xã Tân Phú là xã nông thôn mới …")
        # ("Hiệp Hòa hơn 94% số dân tham gia BHYT … toàn huyện …": the headline's district before a commune the body
        # lists; a commune only for "toàn xã", "toàn phường")
        commune_whole = any(p.level == "whole" and p.of == "district" and COMMUNE_WHOLE.search(text[p.start:p.end])
                            for p in body)
        scope.doc_district = (places.dominant_district(body, at_least=1)
                              or bare.headline_district(headline_text, book,
                                                        home if home in book.gazetteer.provinces else "")
                              or (places.dominant_district(found["title"] + body, at_least=1, level="commune")
                                  if commune_whole else ""))
    district_of_home = book.gazetteer.districts.get(home.lower(), "")  # a district portal's host
    if not scope.doc_district and not district_of_home and article.url:
        # a district report whose text never names it: its address does ("/huyen-quynh-luu-…")
        scope.doc_district = book.gazetteer.district_in_url(article.url, scope.doc_province or home)
    if not scope.doc_district and district_of_home and scope.doc_area in ("", district_of_home):
        scope.doc_district = home
    provinces = [p for p in found["title"] + body if p.counts and p.level == "province"]
    # "thành phố Bến Tre" names the province's city, and so the province
    cities = Counter(book.gazetteer.districts.get(p.area.lower(), "") for p in found["title"] + body
                     if p.counts and p.level == "district" and p.area.startswith("thành phố "))
    cities.pop("", None)
    scope.doc_province = places.dominant_province(provinces) or (
        scope.doc_area if scope.doc_area != places.NATIONAL else "") or district_of_home or (
        cities.most_common(1)[0][0] if len(cities) == 1 else "")
    return scope


def extract_facts(article: Article, book: RuleBook | None = None) -> list[Fact]:
    """Every fraction, percentage, date and period in an article's title and text, with what each
    figure means (pipeline/extract/meaning.py)."""
    book = book or load_rulebook()
    cues = ctx.cue_set(book)
    published = article.published_date
    facts: list[Fact] = []
    seen: Counter = Counter()
    fields = (("title", normalize_text(article.title or "")), ("text", unwrap_lines(normalize_text(article.text))))
    finder = places.place_finder(book)
    found = {field: finder.find(text) for field, text in fields}
    scope = document_scope(article, fields[0][1], fields[1][1], book, found)
    # undated article: "so với cùng kỳ năm 2024" says the year spoken of is 2025, so the figures of
    # year-less periods ("6 tháng đầu năm") are dated in it (the period facts stay as written)
    if published is None:
        scope.reference_year = _reference_year(fields[0][1] + "\n" + fields[1][1])
    for field, text in fields:
        for s_start, s_end in _pieces(text, 0, len(text)):
            sentence = text[s_start:s_end]
            scope.new_paragraph(text.count("\n", 0, s_start) if field == "text" else -2, sentence)
            if not nlp.SENTENCE_HINT.search(sentence):
                if field == "text":
                    carry.part_frame(scope, sentence, book, figures=False)  # "Khu vực nông thôn:" heads a list
                if field == "text" and (local := places.within(found[field], s_start, s_end)):
                    # "Tại huyện Mường Tè, công tác giảm nghèo gặp nhiều khó khăn.": no figure, but the place
                    # the paragraph goes on about
                    meaning.interpret(sentence, [], scope, book, local)
                continue
            pctx = ParseContext(published, ctx.is_future(sentence, cues))
            hits = _candidates(sentence, book, cues, pctx)
            meanings = iter(meaning.interpret(sentence, hits, scope, book, places.within(found[field], s_start, s_end)))
            ends = _range_ends(sentence, hits)
            for hit in hits:
                extra = {}
                if hit.rule.kind in FIGURE_KINDS:
                    extra = next(meanings).fields()
                    if not hit.values.get("qualifier"):
                        extra["qualifier"] = ends.get(id(hit)) or ctx.qualifier(sentence, hit.start, hit.end, cues)
                surface = sentence[hit.start:hit.end]
                key = (field, hit.rule.kind, surface)
                seen[key] += 1
                facts.append(Fact(
                    fact_id=fact_id(article.id, field, hit.rule.kind, surface, seen[key]),
                    doc_id=article.id, url=article.url, published=article.published,
                    kind=hit.rule.kind, text=surface, start=s_start + hit.start, end=s_start + hit.end,
                    sentence=sentence, rule=hit.rule.id, field=field,
                    **{**hit.values, **extra},
                ))
    return _echo_headline(_date_undated(facts, scope), _headline_end(fields[1][1]))


RANGE_JOIN = re.compile(r"\s*(?:-|–|đến|tới)\s*(?:dưới\s*|khoảng\s*)?")


def _range_ends(sentence: str, hits: list[Hit]) -> dict[int, str]:
    """"93% - 95%", "từ 10% đến 12%": two percents written as one range's ends are two figures (as the
    annotation guide counts them), marked range_low / range_high so that the timeline shows one level."""
    ends: dict[int, str] = {}
    percents = [h for h in hits if h.rule.kind == "percent" and "value_max" not in h.values]
    for low, high in zip(percents, percents[1:]):
        if RANGE_JOIN.fullmatch(sentence, low.end, high.start):
            ends[id(low)], ends[id(high)] = "range_low", "range_high"
    return ends


def _date_undated(facts: list[Fact], scope: meaning.Scope) -> list[Fact]:
    """Figures that nothing dated (no time in reach, no publication date) take the period the article
    speaks of most, marked inherited."""
    # a figure said to be "now" ("đến nay", "hiện nay") in an undated article stays undated
    undated = [f for f in facts if f.kind in FIGURE_KINDS and not f.time_basis and not f.as_of_end
               and ":no_date" not in f.why]
    moment = scope.article_time() if undated else None
    if moment is None:
        return facts
    fill = {"as_of_start": moment.as_of_start, "as_of_end": moment.as_of_end, "time_basis": "inherited"}
    # (a goal's horizon, "đến năm 2030" of the article's targets, dates none of its results)
    horizon = any(f.modality == "target" and f.as_of_end == moment.as_of_end for f in facts if f.kind in FIGURE_KINDS)
    undated = [f for f in undated if not (horizon and f.modality != "target")]
    return [replace(f, **fill, why=re.sub(r"time=[^;]*", "time=article_time", f.why)) if f in undated else f for f in facts]


SAME_PERIOD_YEAR = re.compile(r"cùng kỳ(?: năm)? (\d{4})(?!\d)", re.IGNORECASE)


# a day written in full: "chiều 16-10-2025", "ngày 5/3/2024"
FULL_DAY = re.compile(r"(?<![\d/.-])(?:[0-2]?\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-]((?:19|20)\d\d)(?!\d)")


def _reference_year(text: str) -> int | None:
    """The year after the one 'cùng kỳ năm …' names, when every mention names the same; else the year of
    the latest day the text writes in full ("họp báo quý 3 … chiều 16-10-2025": the report is of 2025)."""
    years = {int(y) for y in SAME_PERIOD_YEAR.findall(text)}
    if len(years) == 1:
        return years.pop() + 1
    days = [int(y) for y in FULL_DAY.findall(text)]
    return max(days) if days and not years else None


HEADLINE_MAX = 220  # a first line this short, not ending in a full stop, is a passage's headline


def _headline_end(text: str) -> int:
    """Where the headline written as the text's first line ends (0: there is none)."""
    end = text.find("\n")
    first = text[:end].rstrip() if end > 0 else ""
    return end if first and len(first) <= HEADLINE_MAX and not first.endswith((".", ";", ":")) else 0


def _echo_headline(facts: list[Fact], headline_end: int) -> list[Fact]:
    """A headline figure that states no time of its own ("87% dân số sử dụng nước sạch") repeats a
    figure of the body: it takes the time of the one body figure with the same value and unit."""
    def headline(f: Fact) -> bool:
        return f.kind in FIGURE_KINDS and (f.field == "title" or (f.field == "text" and f.start < headline_end))
    heads = [f for f in facts if headline(f) and f.time_basis != "stated"]
    if not heads:
        return facts
    body = [f for f in facts if f.kind in FIGURE_KINDS and not headline(f)]
    fixed = {}
    for head in heads:
        same = [f for f in body if f.value == head.value and f.unit == head.unit and f.kind == head.kind]
        if len(same) == 1 and same[0].as_of_end:
            twin = same[0]
            fixed[id(head)] = replace(head, as_of_start=twin.as_of_start, as_of_end=twin.as_of_end,
                                      time_basis="inherited", why=re.sub(r"time=[^;]*", "time=headline_echo", head.why))
    return [fixed.get(id(f), f) for f in facts]

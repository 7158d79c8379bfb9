"""Crawl throughput: chitieu beside Scrapy on the same generated local site, in one run.

A few thousand article pages (Vietnamese text, ~15 KB each) and their section listings are
served from a separate process by a threaded HTTP/1.1 server on 127.0.0.1. Both crawlers start
from the same listing, obey robots.txt, have delays off, use the same per-host concurrency,
parse title / JSON-LD date / body from every article and store it with pipeline.corpus
.write_article (atomic, fsynced). Scrapy is optional (`pip install -e '.[bench]'`).

    python -m benchmarks crawl            # 3000 articles, per-host concurrency 1 and 8
    CRAWL_BENCH_PAGES=1000 python -m benchmarks crawl
"""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PER_LISTING = 50
PATTERN = r"-\d+\.html$"
PARAGRAPH = ("Theo báo cáo của Cục Thống kê thành phố, tổng sản phẩm trên địa bàn (GRDP) quý I/2026 ước tăng "
             "{n},{m}% so với cùng kỳ năm trước, trong đó khu vực dịch vụ tăng {m},{n}%, đóng góp 3/4 mức tăng chung. ")


def article_page(n: int) -> bytes:
    paragraphs = "".join(f"<p>{PARAGRAPH.format(n=n % 9 + 1, m=k % 7)}{PARAGRAPH.format(n=k, m=n % 5)}</p>" for k in range(30))
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Bài {n} - Báo thử</title>'
            f'<meta property="og:title" content="Kinh tế Thủ đô: bài số {n}">'
            f'<link rel="canonical" href="/kinh-te-thu-do-bai-so-{n}-{100000 + n}.html">'
            f'<script type="application/ld+json">{{"@type":"NewsArticle","datePublished":"2026-03-07T08:{n % 60:02d}:00+07:00"}}</script>'
            f'</head><body><nav><a href="/">Trang chủ</a><a href="/kinh-te/1">Kinh tế</a></nav>'
            f'<h1 class="title">Kinh tế Thủ đô: bài số {n}</h1><h2 class="sapo">Tóm tắt bài {n}.</h2>'
            f'<div class="content">{paragraphs}<div class="related"><a href="/kinh-te-thu-do-bai-so-{n + 1}-{100001 + n}.html">'
            f'Tin liên quan</a></div></div><footer>Báo thử</footer></body></html>').encode("utf-8")


def listing_page(page: int, pages: int) -> bytes:
    links = "".join(f'<li><a href="/kinh-te-thu-do-bai-so-{n}-{100000 + n}.html">Bài {n}</a></li>'
                    for n in range((page - 1) * PER_LISTING, page * PER_LISTING))
    nxt = f'<a rel="next" href="/kinh-te/{page + 1}">Sau</a>' if page < pages else ""
    return f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul>{nxt}</body></html>'.encode()


def serve(n_articles: int, port_queue) -> None:
    """The generated site (runs in its own process so it does not compete for our GIL)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    pages = -(-n_articles // PER_LISTING)
    routes = {f"/kinh-te-thu-do-bai-so-{n}-{100000 + n}.html": article_page(n) for n in range(n_articles)}
    routes.update({f"/kinh-te/{p}": listing_page(p, pages) for p in range(1, pages + 1)})
    routes["/robots.txt"] = b"User-agent: *\nDisallow: /admin/\n"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # and one write per response, as real servers do

        def log_message(self, *args):
            pass

        def do_GET(self):
            body = routes.get(self.path.split("?")[0])
            status = b"200 OK" if body else b"404 Not Found"
            ctype = b"text/plain" if self.path == "/robots.txt" else b"text/html; charset=utf-8"
            body = body or b"not found"
            self.wfile.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\n\r\n" + body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):  # clients closing keep-alive sockets
            pass

    server = Server(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def run_chitieu(base: str, corpus: Path, pages: int, per_host: int) -> dict:
    from pipeline.crawl.fetch import FetchConfig
    from pipeline.crawl.runner import CrawlOptions, crawl
    from pipeline.rules.sources import build_source

    def fail(message):
        raise SystemExit(message)

    source = build_source({
        "name": "bench.local", "article_patterns": [PATTERN],
        "listing": [{"url": f"{base}/kinh-te/1", "next": base + "/kinh-te/{page}", "pages": pages}],
        "profile": {"title": ["h1.title"], "published": ["jsonld"], "lead": ["h2.sapo"], "body": ["div.content"], "strip": [".related"]},
    }, "bench", fail)
    config = FetchConfig(delay=0.0, per_host=per_host, concurrency=max(8, per_host))
    started = time.perf_counter()
    report = crawl([source], CrawlOptions(corpus_dir=corpus, fetch=config))
    return {"seconds": time.perf_counter() - started, "articles": report.counts["new"], "failed": len(report.failures)}


def run_scrapy(base: str, corpus: Path, pages: int, per_host: int) -> dict:
    """The same crawl as a plain Scrapy spider: parsel selectors for the same fields, the same
    normalisation and the same atomic corpus writes."""
    import datetime as dt
    import re

    import scrapy
    from scrapy.crawler import CrawlerProcess

    from pipeline.corpus import write_article
    from pipeline.crawl.dates import parse_date
    from pipeline.normalize import normalize_body, normalize_text
    from pipeline.records import Article, article_id
    from pipeline.settings import USER_AGENT

    stored = {"articles": 0}
    pattern = re.compile(PATTERN)

    class BenchSpider(scrapy.Spider):
        name = "bench"
        start_urls = [f"{base}/kinh-te/1"]

        def parse(self, response):
            for href in response.css("a::attr(href)").getall():
                url = response.urljoin(href)
                if pattern.search(url):
                    yield scrapy.Request(url, callback=self.parse_article)
            page = int(response.url.rstrip("/").rsplit("/", 1)[1])
            if page < pages:
                yield scrapy.Request(f"{base}/kinh-te/{page + 1}", callback=self.parse)

        def parse_article(self, response):
            title = normalize_text(" ".join("".join(response.css("h1.title ::text").getall()).split()))
            published = None
            for raw in response.css("script[type='application/ld+json']::text").getall():
                data = json.loads(raw)
                if data.get("@type") == "NewsArticle":
                    published = parse_date(data.get("datePublished"))
            lead = " ".join(response.css("h2.sapo ::text").getall())
            paragraphs = response.xpath("//div[@class='content']//p[not(ancestor::div[contains(@class,'related')])]")
            text = normalize_body("\n".join([lead] + [" ".join(p.xpath("string(.)").get().split()) for p in paragraphs]))
            canonical = response.urljoin(response.css("link[rel=canonical]::attr(href)").get() or response.url)
            article = Article(id=article_id(canonical), url=canonical, title=title, published=published,
                              source="bench.local", fetched_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                              text=text)
            write_article(corpus, article, response.body)
            stored["articles"] += 1

    process = CrawlerProcess(settings={
        "USER_AGENT": USER_AGENT, "ROBOTSTXT_OBEY": True, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": max(8, per_host), "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
        "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False, "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    })
    process.crawl(BenchSpider)
    started = time.perf_counter()
    process.start()
    return {"seconds": time.perf_counter() - started, "articles": stored["articles"], "failed": 0}


def main() -> None:
    n_articles = int(os.environ.get("CRAWL_BENCH_PAGES", "3000"))
    pages = -(-n_articles // PER_LISTING)
    queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(n_articles, queue), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{queue.get(timeout=30)}"
    work = Path(tempfile.mkdtemp(prefix="crawl-bench-"))
    print(f"site: {n_articles} articles + {pages} listing pages at {base}; {os.cpu_count()} cores", flush=True)
    rounds = int(os.environ.get("CRAWL_BENCH_ROUNDS", "2"))
    best: dict[tuple[str, int], dict] = {}
    try:
        for round_ in range(rounds):  # alternate the tools; keep each one's best round (noisy shared machine)
            for per_host in (1, 8):
                for tool in ("chitieu", "scrapy") if round_ % 2 == 0 else ("scrapy", "chitieu"):
                    out = work / f"{tool}-{per_host}-{round_}"
                    proc = subprocess.run([sys.executable, "-m", "benchmarks.crawl_bench", "--run", tool, base, str(out),
                                           str(pages), str(per_host)], capture_output=True, text=True)
                    if proc.returncode == 3:
                        best[(tool, per_host)] = {"skipped": proc.stdout.strip()}
                        continue
                    if proc.returncode != 0:
                        print(f"  {tool} per-host {per_host}: FAILED\n{proc.stderr[-2000:]}", flush=True)
                        continue
                    result = json.loads(proc.stdout.strip().splitlines()[-1])
                    result["rate"] = result["articles"] / result["seconds"]
                    print(f"  round {round_ + 1} {tool:8s} per-host {per_host}: {result['articles']:5d} articles in"
                          f" {result['seconds']:6.2f} s = {result['rate']:7.1f} pages/s (failed {result['failed']})", flush=True)
                    if result["rate"] > best.get((tool, per_host), {}).get("rate", 0):
                        best[(tool, per_host)] = result
                    shutil.rmtree(out, ignore_errors=True)
        print(f"best of {rounds} rounds, pages/s:")
        for per_host in (1, 8):
            cells = []
            for tool in ("chitieu", "scrapy"):
                result = best.get((tool, per_host), {})
                cells.append(f"{tool} {result['rate']:.1f}" if "rate" in result else f"{tool} skipped ({result.get('skipped', 'failed')})")
            rates = [best.get((tool, per_host), {}).get("rate") for tool in ("chitieu", "scrapy")]
            ratio = f" ({rates[0] / rates[1]:.2f}x Scrapy)" if all(rates) else ""
            print(f"  per-host concurrency {per_host}: " + " | ".join(cells) + ratio)
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--run":
    tool, base, out, pages, per_host = sys.argv[2], sys.argv[3], Path(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    if tool == "scrapy":
        try:
            import scrapy  # noqa: F401
        except ImportError:
            print("Scrapy is not installed: pip install -e '.[bench]'")
            sys.exit(3)
        print(json.dumps(run_scrapy(base, out, pages, per_host)))
    else:
        print(json.dumps(run_chitieu(base, out, pages, per_host)))

"""The crawler: discover article URLs, fetch them politely, parse them into corpora/.

    sources.py   rules/sources.toml → Source records      urls.py     canonical URLs, allowed hosts
    fetch.py     robots.txt, pacing, retries, budgets       http.py     total deadlines, capped bodies
    discover.py  listings, RSS/Atom, sitemaps               parse.py    title, date, body; article or not
    dom.py       lxml trees, CSS selectors, text            charset.py  bytes → NFC text
    dates.py     Vietnamese date formats → ISO 8601         state.py    SQLite crawl state (and queue)
    worker.py    one task: fetch, parse, store              store.py    articles into the corpus
    runner.py    the crawl loop                             record.py   the run record, exit code, advice
"""

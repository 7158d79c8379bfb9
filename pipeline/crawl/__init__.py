"""The crawler: discover article URLs, fetch them politely, parse them into corpora/.

    sources.py   rules/sources.toml → Source records      urls.py     canonical URLs, allowed hosts
    fetch.py     robots.txt, pacing, retries, size caps     charset.py  bytes → NFC text
    discover.py  listings, RSS/Atom, sitemaps               parse.py    title, date, body
    dates.py     Vietnamese date formats → ISO 8601         state.py    SQLite crawl state
    runner.py    the crawl loop and its run record
"""

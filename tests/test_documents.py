"""extracted/documents.parquet: written by extraction, home areas decided once from the sources file."""
from __future__ import annotations

from factfactory import hanoi_article, write_corpus

from pipeline.documents import home_area, load_home_areas, read_documents
from pipeline.records import Article


def test_home_area_by_source_url_host_or_parent_domain(tmp_path):
    sources = tmp_path / "sources.toml"
    feeds = 'feeds = ["https://example.vn/rss"]\n'
    sources.write_text('[[source]]\nname = "hanoimoi.vn"\nhome_area = "Hà Nội"\n' + feeds
                       + '[[source]]\nname = "hanoi.gov.vn"\nhome_area = "Hà Nội"\n' + feeds
                       + '[[source]]\nname = "vnexpress.net"\n' + feeds, encoding="utf-8")
    homes = load_home_areas(sources)
    assert homes["hanoimoi.vn"] == "Hà Nội" and "vnexpress.net" not in homes
    def article(source, url):
        return Article(id="x", url=url, title="", published=None, source=source, fetched_at=None, text="t")
    assert home_area(article("hanoimoi.vn", None), homes) == "Hà Nội"
    assert home_area(article("", "https://www.hanoimoi.vn/a"), homes) == "Hà Nội"
    assert home_area(article("", "https://tintuc.hanoi.gov.vn/a"), homes) == "Hà Nội"
    assert home_area(article("vnexpress.net", "https://vnexpress.net/a"), homes) == ""
    assert load_home_areas(tmp_path / "missing.toml") == {}


def test_extraction_writes_the_documents_table_and_keeps_it_on_an_incremental_run(tmp_path):
    from pipeline.extract.executors import run_extraction

    corpus, out = tmp_path / "corpora", tmp_path / "extracted"
    write_corpus(corpus, [hanoi_article()])
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "hanoionline.vn"\nhome_area = "Hà Nội"\nfeeds = ["https://hanoionline.vn/rss"]\n',
                       encoding="utf-8")
    run_extraction(corpus_dir=corpus, out_dir=out, workers=1, progress=False, sources_file=sources)
    first = read_documents(out)
    assert first[["source", "home_area", "title"]].values.tolist() == [
        ["hanoionline.vn", "Hà Nội", hanoi_article().title]]
    assert len(first.loc[0, "content_hash"]) == 16 and (out / "documents.csv").exists()
    summary = run_extraction(corpus_dir=corpus, out_dir=out, workers=1, progress=False, sources_file=sources)
    assert summary.reused == 1 and read_documents(out).equals(first)  # unchanged documents keep their row

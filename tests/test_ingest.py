"""Bad input: every odd file gets a one-line reason naming it, and the rest of the corpus builds."""
from __future__ import annotations

import json

import pytest

from analysis.cli import EXIT_SKIPPED, main
from analysis.ingest import decode_page, read_corpus, DecodeError
from analysis.settings import load_settings

from tests.corpus import SEEDS

GOOD = "老旧小区改造惠及千户居民\n\n本报讯（记者 张三）6月1日，我县完成老旧小区改造10个。\n"


def write(folder, name, data):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.fixture
def bad_seeds(tmp_path):
    seeds = tmp_path / "seeds"
    write(seeds, "good.txt", GOOD)
    write(seeds, "empty.txt", b"")
    write(seeds, "blank.txt", "  \n\n \t\n")
    write(seeds, "binary.txt", bytes(range(256)) * 4)
    write(seeds, "legacy.txt", GOOD.replace("10个", "20个").encode("gb18030"))
    write(seeds, "utf16.txt", GOOD.replace("10个", "30个").encode("utf-16"))
    write(seeds, "utf16-no-bom.txt", GOOD.replace("10个", "35个").encode("utf-16-be"))
    write(seeds, "truncated.txt", GOOD.replace("10个", "40个").encode("utf-8") + "改".encode("utf-8")[:2])
    write(seeds, "noheadline.txt", "今年以来，我县完成改造老旧小区一百个，惠及居民上万户，群众满意度不断提升，各项工作稳步推进。\n")
    write(seeds, "good2.txt", GOOD)
    write(seeds, "中文 名字.txt", GOOD.replace("10个", "50个"))
    write(seeds, "sub/inner.txt", GOOD.replace("10个", "60个"))
    write(seeds, "notes.md", "# not a page")
    write(seeds, "html.txt", GOOD.replace("10个", "70个<script>alert(1)</script>"))
    return seeds


def problems_by_page(seeds):
    corpus = read_corpus(seeds, load_settings())
    return corpus, {p.page: p for p in corpus.problems}


def test_each_bad_file_gets_a_reason_naming_it(bad_seeds):
    corpus, problems = problems_by_page(bad_seeds)
    assert problems["empty.txt"].problem == "empty page"
    assert "whitespace" in problems["blank.txt"].problem
    assert "binary" in problems["binary.txt"].problem
    assert problems["good2.txt"].problem == "duplicate of good.txt"
    assert "not a .txt page" in problems["notes.md"].problem
    assert all(p.skipped for name, p in problems.items() if name not in ("legacy.txt", "utf16-no-bom.txt", "truncated.txt", "html.txt"))


def test_legacy_encodings_and_truncated_pages_are_decoded_not_skipped(bad_seeds):
    corpus, problems = problems_by_page(bad_seeds)
    by_name = {p.name: p for p in corpus.pages}
    assert by_name["legacy.txt"].encoding == "gb18030" and "20个" in by_name["legacy.txt"].text
    assert by_name["utf16.txt"].encoding == "utf-16" and "30个" in by_name["utf16.txt"].text
    assert by_name["utf16-no-bom.txt"].text == GOOD.replace("10个", "35个")
    assert not problems["utf16-no-bom.txt"].skipped and "UTF-16-BE without a byte order mark" in problems["utf16-no-bom.txt"].problem
    assert "40个" in by_name["truncated.txt"].text
    assert not problems["legacy.txt"].skipped and "GB18030" in problems["legacy.txt"].problem
    assert not problems["truncated.txt"].skipped and "truncated" in problems["truncated.txt"].problem
    assert "sub/inner.txt" in by_name and "中文 名字.txt" in by_name


def test_stray_html_is_reported_and_removed_keeping_the_words_between_tags(bad_seeds):
    corpus, problems = problems_by_page(bad_seeds)
    assert problems["html.txt"].page == "html.txt" and not problems["html.txt"].skipped
    assert "2 HTML tag(s) such as <script>; removed" in problems["html.txt"].problem
    text = next(p.text for p in corpus.pages if p.name == "html.txt")
    assert "70个" in text and "<" not in text and "alert" not in text


def test_removing_markup_keeps_the_words_and_every_angle_bracket_that_is_no_tag():
    from analysis.ingest import without_markup

    assert without_markup('<span class="ad">广告</span>增幅<5%，<b>惠及</b>500户') == "广告增幅<5%，惠及500户"
    assert without_markup("<scr<b>ipt>alert(3)</scr</b>ipt>改造") == "改造"
    assert without_markup("<img/src=x onerror=alert(1)>小区<STYLE>p{}</STYLE>") == "小区"
    # a block's tag ends its line; a < before a name no HTML element has is the text's own
    assert without_markup("标题<br>本报讯<div>正文</div>") == "标题\n本报讯\n正文\n"
    assert without_markup("规格<A4 纸>，当x<a1 且 b>c时，温度 <T1 和 T2> 之间") == "规格<A4 纸>，当x<a1 且 b>c时，温度 <T1 和 T2> 之间"


def test_oversized_page_is_refused_before_it_is_read(tmp_path):
    seeds = tmp_path / "seeds"
    write(seeds, "good.txt", GOOD)
    big = seeds / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(3_000_000)  # sparse: no memory or disk spent
    corpus, problems = problems_by_page(seeds)
    assert "too large" in problems["huge.txt"].problem
    assert [p.name for p in corpus.pages] == ["good.txt"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_seed_page_saved_as_utf16_without_a_byte_order_mark_reads_as_itself(encoding):
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert decode_page(text.encode(encoding)) == (text, encoding, f"decoded from {encoding.upper()} without a byte order mark")


@pytest.mark.parametrize("data", [bytes(range(256)) * 4, b"\x00\x01" * 500, "page\n".encode("utf-16-le") * 50],
                         ids=["every-byte", "nul-and-control", "utf16-but-no-chinese"])
def test_bytes_with_nul_that_do_not_read_as_chinese_utf16_are_binary(data):
    with pytest.raises(DecodeError, match="binary"):
        decode_page(data)


def test_invalid_bytes_that_are_not_gb18030_either_are_refused():
    with pytest.raises(DecodeError):
        decode_page(b"\x81\x30\xff\xfe abc \x80\x80\x80 " * 20)


def test_build_reports_each_problem_and_a_summary_and_strict_fails(bad_seeds, tmp_path, capsys):
    out, work = tmp_path / "out", tmp_path / "work"
    args = ["build", "--seeds", str(bad_seeds), "--output", str(out), "--work", str(work), "--quiet"]
    assert main(args) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert any(line.startswith("noheadline.txt: skipped: no recognisable headline") for line in err)
    assert any(line.startswith("binary.txt: skipped: binary") for line in err)
    assert err[-1].startswith("built 8 articles from 8 pages; skipped 6 file(s):")
    articles = json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))
    assert sorted(a["page"] for a in articles) == sorted(
        ["good.txt", "legacy.txt", "utf16.txt", "utf16-no-bom.txt", "truncated.txt", "中文 名字.txt", "sub/inner.txt", "html.txt"]
    )
    assert main(args + ["--strict"]) == EXIT_SKIPPED


def test_strict_build_of_the_real_pages_succeeds(tmp_path, capsys):
    args = ["build", "--seeds", str(SEEDS), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "w"), "--strict"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "built 29 articles from 5 pages; skipped 0 file(s)" in err


# --- sources.toml: what a maintainer says about each page -----------------------------------------


def test_each_unusable_field_of_sources_is_named_and_dropped_and_the_rest_kept(tmp_path):
    from analysis.ingest import load_sources

    write(tmp_path, "sources.toml", """
["a.txt"]
publication = "巫山报"
date = "2023/6/1"
place = "火星市"
pubdate = "2023-06-01"

["b.txt"]
date = "2023-02-30"
year = "二〇二三"

["c.txt"]
date = 2023-06-15
place = "巫山"

["d.txt"]
date = "2023&#45;06-15"
""")
    sources, problems = load_sources(tmp_path, "sources.toml", {"巫山县", "巫山"}.__contains__)
    assert sources == {"a.txt": {"publication": "巫山报"}, "b.txt": {}, "c.txt": {"date": __import__("datetime").date(2023, 6, 15), "place": "巫山"},
                       "d.txt": {}}
    assert [str(p) for p in problems] == [
        "sources.toml: warning: [a.txt] date = '2023/6/1': not a date like 2023, 2023-06 or 2023-06-15; ignored",
        "sources.toml: warning: [a.txt] place = '火星市': not a place in analysis/data/gazetteer.csv; ignored",
        "sources.toml: warning: [a.txt] pubdate = '2023-06-01': not a known field (publication, date, year, place); ignored",
        "sources.toml: warning: [b.txt] date = '2023-02-30': no such date; ignored",
        "sources.toml: warning: [b.txt] year = '二〇二三': not a year like 2023; ignored",
        "sources.toml: warning: [d.txt] date = '2023&#45;06-15': not a date like 2023, 2023-06 or 2023-06-15; ignored",
    ]


def test_sources_that_are_not_toml_are_named_and_every_page_still_builds(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    write(seeds, "good.txt", GOOD)
    write(seeds, "sources.toml", '["good.txt"]\npublication = "巫山报\n')
    args = ["build", "--seeds", str(seeds), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "w"), "--quiet"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "sources.toml: warning: not valid TOML" in err and "every page builds without it" in err
    assert "built 1 articles from 1 pages; skipped 0 file(s)" in err


def test_bad_metadata_of_the_real_pages_is_reported_and_the_pages_build_from_their_text(tmp_path, capsys):
    import shutil

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    sources = (seeds / "sources.toml").read_text(encoding="utf-8")
    sources = sources.replace('place = "巫山县"', 'place = "火星县"')  # page 000: a place nobody has
    # Page 002's issue a month later: its items dated 上月31日 would fall on 31 February.
    sources = sources.replace('date = "2022-01"', 'date = "2022-03"')
    sources += '\n["missing.txt"]\nyear = 2020\n'
    (seeds / "sources.toml").write_text(sources, encoding="utf-8")
    args = ["build", "--seeds", str(seeds), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "w"), "--quiet", "--strict"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "sources.toml: warning: [000_697f09e09f9696df.txt] place = '火星县': not a place" in err
    assert "sources.toml: warning: [missing.txt] names no page of this folder; ignored" in err
    assert "built 29 articles from 5 pages; skipped 0 file(s)" in err
    articles = json.loads((tmp_path / "out" / "data" / "articles.json").read_text(encoding="utf-8"))
    page_002 = {a["title"]: a["date"] for a in articles if a["page"].startswith("002_")}
    assert "2022-02" in page_002.values() and all(not d.startswith("2022-02-3") for d in page_002.values())
    assert all((tmp_path / "out" / a["url"]).is_file() for a in articles)


def test_files_that_are_no_pages_or_cannot_be_read_are_named_not_passed_over(tmp_path, monkeypatch):
    import os
    from pathlib import Path

    seeds = tmp_path / "seeds"
    write(seeds, "good.txt", GOOD)
    (seeds / "gone.txt").symlink_to(seeds / "missing.txt")
    os.mkfifo(seeds / "fifo.txt")
    write(tmp_path / "elsewhere", "far.txt", GOOD.replace("10个", "70个"))
    (seeds / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    write(seeds, "locked.txt", GOOD.replace("10个", "80个"))
    (seeds / os.fsdecode(b"bad\xffname.txt")).write_text(GOOD.replace("10个", "90个"), encoding="utf-8")
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if p.name == "locked.txt" else real_read(p))
    corpus, problems = problems_by_page(seeds)
    assert [p.name for p in corpus.pages] == ["good.txt"]
    assert problems["gone.txt"].problem == "a link to a file that does not exist; ignored"
    assert problems["fifo.txt"].problem == "not a regular file; ignored"
    assert problems["linked"].problem == "a link to a folder; its pages are left out"
    assert problems["locked.txt"].problem == "cannot be read (Permission denied)"
    assert problems["bad\ufffdname.txt"].problem == "file name is not UTF-8 text; rename the file"
    assert all(p.skipped for p in problems.values())


def test_a_sources_file_that_cannot_be_read_or_names_no_paper_is_a_warning(tmp_path):
    seeds = tmp_path / "seeds"
    write(seeds, "good.txt", GOOD)
    (seeds / "sources.toml").mkdir()
    corpus, problems = problems_by_page(seeds)
    assert [p.name for p in corpus.pages] == ["good.txt"] and "cannot be read" in problems["sources.toml"].problem
    (seeds / "sources.toml").rmdir()
    write(seeds, "sources.toml", '["good.txt"]\npublication = "《》"\ndate = "0001"\n\n["other.txt"]\npublication = "' + "重庆日报" * 20 + '"\n')
    corpus, _ = problems_by_page(seeds)
    notes = [p.problem for p in corpus.problems if p.page == "sources.toml"]
    assert any(n.startswith("[good.txt] publication = '《》': not a newspaper's name") for n in notes)
    assert any(n.startswith("[good.txt] date = '0001': not a year of a newspaper") for n in notes)
    assert corpus.pages[0].source == {}
    from analysis.ingest import checked_source

    kept, notes = checked_source({"publication": "重庆日报" * 20, "year": 2023}, lambda name: True)
    assert kept == {"year": 2023} and "at most 40 characters" in notes[0]


def test_of_two_copies_of_a_page_the_one_sources_toml_describes_is_kept(tmp_path):
    """A copy added under a name that sorts first must not take the page's paper, date and
    place away, nor change its articles' addresses."""
    seeds = tmp_path / "seeds"
    write(seeds, "001_page.txt", GOOD)
    write(seeds, "000_copy.txt", GOOD)
    write(seeds, "sources.toml", '["001_page.txt"]\npublication = "巫山报"\nyear = 2023\n')
    corpus, problems = problems_by_page(seeds)
    assert [(p.name, p.source.get("publication")) for p in corpus.pages] == [("001_page.txt", "巫山报")]
    assert problems["000_copy.txt"].problem == "duplicate of 001_page.txt"


def test_control_and_direction_characters_anywhere_in_a_page_are_removed_and_named(tmp_path):
    seeds = tmp_path / "seeds"
    padding = "据悉，今年以来各项工作稳步推进。" * 200  # past the bytes the binary check reads
    write(seeds, "odd.txt", GOOD + padding + "\n\n晚报讯\x1b[31m 1日，\x07全区\x00推进\u202e改造。\n")
    corpus, problems = problems_by_page(seeds)
    text = corpus.pages[0].text
    assert not any(c in text for c in "\x1b\x07\x00\u202e") and "晚报讯[31m 1日，全区推进改造。" in text
    assert problems["odd.txt"].problem == "held 4 control or text-direction character(s); removed"
    assert not problems["odd.txt"].skipped


def test_copies_with_other_spacing_or_markup_are_duplicates_and_a_cut_off_copy_is_skipped(tmp_path):
    """Two copies of one page archived every article twice, and the report counted each figure
    as stated by two sources."""
    real = sorted(SEEDS.glob("*.txt"))[4].read_text(encoding="utf-8")
    seeds = tmp_path / "seeds"
    write(seeds, "004_page.txt", real)
    write(seeds, "005_spaced.txt", "\r\n".join(line + " " for line in real.splitlines()))  # saved by another editor
    write(seeds, "006_wrapped.txt", "<html><body>\n" + real.replace("\n\n", "\n<p>\n") + "</body></html>")
    write(seeds, "007_cut.txt", real[:400])  # ends on a whole character
    write(seeds, "008_cut_mid_character.txt", real.encode("utf-8")[:1000])
    write(seeds, "009_short.txt", real[:120])  # a brief page may open as another does: kept
    corpus, problems = problems_by_page(seeds)
    assert [p.name for p in corpus.pages] == ["004_page.txt", "009_short.txt"]
    assert problems["005_spaced.txt"].problem == "duplicate of 004_page.txt"
    assert problems["006_wrapped.txt"].problem == "duplicate of 004_page.txt"
    for cut in ("007_cut.txt", "008_cut_mid_character.txt"):
        assert problems[cut].skipped and problems[cut].problem == "truncated copy of 004_page.txt: its text is how that page begins"


def test_html_entities_become_the_characters_they_stand_for_with_a_warning(tmp_path):
    seeds = tmp_path / "seeds"
    write(seeds, "page.txt", GOOD.replace("6月1日，", "6月1日，&nbsp;&#x8001;旧小区&amp;&foo;").replace("10个", "10个&zwnj;"))
    corpus, problems = problems_by_page(seeds)
    text = corpus.pages[0].text
    assert "6月1日，\u00a0老旧小区&&foo;" in text and "&zwnj;" not in text  # an entity HTML does not know stays as written
    warnings = [p.problem for p in read_corpus(seeds, load_settings()).problems if p.page == "page.txt"]
    assert warnings == ["held 4 HTML entities such as &nbsp;; replaced by the characters they stand for"]


def test_an_entity_for_a_text_direction_character_or_a_tag_is_removed_as_those_are(tmp_path):
    """&#x202e; came back as the right-to-left override the page's check had removed, after it."""
    seeds = tmp_path / "seeds"
    write(seeds, "page.txt", GOOD.replace("6月1日，", "6月1日，&#x202e;甲乙&#8238;&lt;div class=ad&gt;广告&lt;/div&gt;"))
    corpus, problems = problems_by_page(seeds)
    text = corpus.pages[0].text
    assert "\u202e" not in text and "<div" not in text and "甲乙" in text and "广告" in text


def test_a_cut_off_copy_that_sources_toml_describes_says_its_entry_goes_unused(tmp_path):
    real = sorted(SEEDS.glob("*.txt"))[4].read_text(encoding="utf-8")
    seeds = tmp_path / "seeds"
    write(seeds, "004_page.txt", real)
    write(seeds, "007_cut.txt", real[:400])
    write(seeds, "sources.toml", '["007_cut.txt"]\npublication = "重庆日报"\n')
    corpus, problems = problems_by_page(seeds)
    assert [p.name for p in corpus.pages] == ["004_page.txt"]
    assert problems["007_cut.txt"].problem == ("truncated copy of 004_page.txt: its text is how that page begins; "
                                               "its entry in sources.toml is not used, give it to 004_page.txt")

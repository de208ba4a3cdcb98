"""The dictionary loaded whole and the word index cut every text the same way."""
from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings, strategies as st

from analysis import lexicon, terms
from analysis.lexicon import Lexicon, WordIndex, index_path, write_index
from tests.corpus import seed_pages


@pytest.fixture(scope="module")
def whole():
    return lexicon.read_whole()


@pytest.fixture(scope="module")
def index(whole, tmp_path_factory):
    path = tmp_path_factory.mktemp("lexicon") / "words.sqlite"
    write_index(whole, path)
    yield WordIndex(path)


def cut_with(entries: lexicon.Entries, text: str) -> list[list[str]]:
    return [terms.cut_run(run, entries.freq, entries.log_total) for run in terms._CUT_RUN.findall(text)]


def test_the_word_index_cuts_every_seed_page_as_the_whole_dictionary_does_and_tags_its_words_alike(whole, index):
    for page in seed_pages():
        text = page.read_text(encoding="utf-8")
        entries = index.entries_for(terms._CUT_RUN.findall(text))
        cuts = cut_with(entries, text)
        assert cuts == cut_with(whole, text), page.name
        words = {w for run in cuts for w in run if len(w) > 1}
        assert {w: entries.tags.get(w) for w in words} == {w: whole.tags.get(w) for w in words}, page.name
        assert len(entries.freq) < len(whole.freq) / 20  # a page reaches a small part of the dictionary


RUN_TEXT = st.text(alphabet=st.sampled_from(list("老旧小区改造加装电梯城镇居民楼栋户万元平方米重庆南通洛阳的了和是在有一二三年月日") + list("abcXYZ019+#&._%-")), max_size=40)


@settings(deadline=None)  # the first example may build the index
@given(RUN_TEXT)
def test_the_word_index_cuts_any_mix_of_words_letters_and_digits_as_the_whole_dictionary_does(whole, index, text):
    assert cut_with(index.entries_for(terms._CUT_RUN.findall(text)), text) == cut_with(whole, text)


def test_a_lexicon_without_an_index_loads_the_whole_dictionary_and_writes_the_index_for_the_next_process(tmp_path):
    first = Lexicon(tmp_path)
    entries = first.entries_for(["老旧小区改造"])
    assert entries is first.whole and index_path(tmp_path).exists()
    first.close()

    second = Lexicon(tmp_path)
    small = second.entries_for(["老旧小区改造"])
    assert second.whole is None and small.freq["老旧小区"] == entries.freq["老旧小区"]
    second.close()


def test_a_lexicon_asks_the_index_until_the_text_is_large_enough_to_load_everything(tmp_path, monkeypatch, whole):
    write_index(whole, index_path(tmp_path))
    monkeypatch.setattr(lexicon, "LOOKUP_LIMIT", 10)
    lex = Lexicon(tmp_path)
    lex.entries_for(["老旧小区改造"])
    assert lex.whole is None and lex.looked_up == 6
    assert lex.entries_for(["城镇老旧小区"]).freq is lex.whole.freq  # 12 characters in all: past the limit
    lex.close()


@pytest.mark.parametrize("damage", [b"not a database" * 100, b""])
def test_a_damaged_index_is_passed_over_for_the_whole_dictionary_and_written_again(tmp_path, damage):
    index_path(tmp_path).parent.mkdir(parents=True, exist_ok=True)
    index_path(tmp_path).write_bytes(damage)
    lex = Lexicon(tmp_path)
    assert lex.entries_for(["老旧小区改造"]) is lex.whole
    lex.close()
    again = Lexicon(tmp_path)
    assert again.entries_for(["老旧小区改造"]).freq["老旧小区"] > 0 and again.whole is None  # read from the new index
    again.close()


def test_the_index_is_named_after_the_user_dictionary_so_a_changed_dictionary_gets_a_new_one(tmp_path, monkeypatch):
    before = index_path(tmp_path)
    changed = tmp_path / "userdict.txt"
    changed.write_text(lexicon.USER_DICTIONARY.read_text(encoding="utf-8") + "新名词 5 n\n", encoding="utf-8")
    monkeypatch.setattr(lexicon, "USER_DICTIONARY", changed)
    assert index_path(tmp_path) != before


def test_the_index_is_read_only_to_the_build(index):
    with pytest.raises(sqlite3.OperationalError):
        index.db.execute("DELETE FROM words")


def test_the_index_lives_in_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert index_path().parent == tmp_path / "newspaper-archive"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert index_path().parent == tmp_path / "home" / ".cache" / "newspaper-archive"

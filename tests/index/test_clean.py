from datetime import date

from index.clean import NoArticleText, clean, normalise_unicode
from index.loaders import RawDocument, load_file
from tests.conftest import PARISIEN_SEED, REUTERS_SEED

BOILERPLATE = ["RELATED STORIES", "Skip to content", "Share this article", "Opinion", "most popular", "বাংলা",
               "news.jpg", "Published :", "Source: Le Parisien", "Bullets and ballots"]


def _clean_seed(path):
    (document,) = load_file(path, 10**7)
    return clean(document)


def test_reuters_seed_gets_its_date_outlet_and_title():
    article = _clean_seed(REUTERS_SEED)
    assert article.published == date(2024, 1, 21)
    assert article.outlet == "Reuters"
    assert article.title == "Putin willing to visit Pyongyang soon, North Korea says"
    assert "Putin visited Pyongyang in July 2000" in article.text


def test_parisien_seed_gets_its_outlet_and_no_invented_date():
    article = _clean_seed(PARISIEN_SEED)
    assert article.outlet == "Le Parisien"
    assert article.published is None
    assert article.title.startswith("North Korea says it is 'ready to receive' Vladimir Putin")


def test_seed_boilerplate_never_reaches_the_article_text():
    for path in (REUTERS_SEED, PARISIEN_SEED):
        text = _clean_seed(path).text
        for junk in BOILERPLATE:
            assert junk not in text, (path.name, junk)


def test_hidden_cyrillic_letter_and_curly_quotes_are_normalised():
    assert normalise_unicode("Vostochny \u0421osmodrome") == "Vostochny Cosmodrome"
    assert normalise_unicode("\u201cready\u201d it\u2019s\u00a0here") == "\"ready\" it's here"
    assert normalise_unicode("Москва") == "Москва"  # a wholly Cyrillic word is left alone


def test_too_little_text_is_reported_not_indexed(tmp_path):
    document = RawDocument(id="short.txt", path=tmp_path / "short.txt", text="Headline\n\nToo short.", kind="text")
    try:
        clean(document)
    except NoArticleText as exc:
        assert "no article text found" in str(exc)
    else:
        raise AssertionError("a near-empty page must not become an article")


def test_same_content_same_hash_and_changed_content_new_hash(tmp_path):
    body = "Headline here\n\n" + "A sentence about the summit in Vladivostok. " * 10
    first = clean(RawDocument(id="a.txt", path=tmp_path / "a.txt", text=body, kind="text"))
    again = clean(RawDocument(id="a.txt", path=tmp_path / "a.txt", text=body, kind="text"))
    changed = clean(RawDocument(id="a.txt", path=tmp_path / "a.txt", text=body + " One more.", kind="text"))
    assert first.hash == again.hash != changed.hash


def test_language_is_detected_when_the_page_does_not_say(tmp_path):
    assert _clean_seed(REUTERS_SEED).lang == "en"
    french = ("Poutine en Corée du Nord\n\n" + "Le président russe est arrivé à Pyongyang mercredi pour une visite "
              "d'État, sa première depuis juillet 2000, et a signé un traité avec Kim Jong Un. " * 3)
    article = clean(RawDocument(id="fr.txt", path=tmp_path / "fr.txt", text=french, kind="text"))
    assert article.lang == "fr"


def test_language_the_record_gives_wins(tmp_path):
    body = "Headline here\n\n" + "A sentence about the summit in Vladivostok. " * 10
    article = clean(RawDocument(id="a.txt", path=tmp_path / "a.txt", text=body, kind="text", hints={"lang": "de"}))
    assert article.lang == "de"

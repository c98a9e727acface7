"""Sentences, words, stop words and boilerplate removal in English, Bengali, Hindi and Urdu."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.text_rank import TextRankSummarizer

from digests.text import Tokenizer, article_sentences, split_sentences, stemmer, stop_words

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
LANGUAGES = ("en", "bn", "hi", "ur")
# Lines of the fixtures that are page furniture, not article text.
BOILERPLATE = {
    "en": ("By Amina", "Published:", "Photo", "Read more", "Share this", "Click here", "Follow us", "Image copyright",
           "KHULNA, March 14", "(Khobor Wire)"),
    "bn": ("নিজস্ব প্রতিবেদক", "প্রকাশ:", "ছবি:", "আরও পড়ুন", "ফলো করুন", "শেয়ার করুন"),
    "hi": ("संवाददाता", "अपडेट:", "फोटो:", "यह भी पढ़ें", "फॉलो करें", "शेयर करें"),
    "ur": ("نامہ نگار", "شائع:", "تصویر:", "مزید پڑھیں", "فالو کریں", "شیئر کریں"),
}  # fmt: skip
SENTENCE_COUNTS = {"en": 10, "bn": 12, "hi": 12, "ur": 11}


def article(language: str) -> str:
    return (ARTICLES / f"{language}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_fixture_articles_lose_their_boilerplate(language: str) -> None:
    sentences = article_sentences(article(language), language)
    assert len(sentences) == SENTENCE_COUNTS[language]
    for sentence in sentences:
        assert sentence in article(language) or language == "en"  # en: the inline photo credit is cut out
        assert not any(marker in sentence for marker in BOILERPLATE[language]), sentence


def test_inline_credit_and_wire_dateline_are_cut_out() -> None:
    sentences = article_sentences(article("en"), "en")
    assert sentences[0].startswith("Engineers began work on Thursday")
    assert sentences[3].endswith("welcomed the start of construction.")


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("London (CNN)The council closed two roads by the river on Monday.", "The council closed"),
        ("(Reuters)The council closed two roads by the river on Monday.", "The council closed"),
        ("WASHINGTON – The council closed two roads by the river on Monday.", "The council closed"),
        ("NEW DELHI -- The council closed two roads by the river on Monday.", "The council closed"),
        ("DUBAI, United Arab Emirates — The council closed two roads by the river.", "The council closed"),
        ("USA – China talks resumed on Monday after a break of two months.", "USA – China talks"),
        ("NATO – The alliance met in Brussels on Monday to talk about the war.", "NATO – The alliance"),
        ("The minister – who spoke on Monday – said the roads would reopen.", "The minister – who"),
    ],
)
def test_wire_datelines_at_a_line_start_are_cut_out_and_acronyms_kept(line: str, kept: str) -> None:
    assert article_sentences(line, "en")[0].startswith(kept)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("bn", "আজ বৃষ্টি হয়েছে। কাল রোদ উঠবে? হয়তো উঠবে!", ["আজ বৃষ্টি হয়েছে।", "কাল রোদ উঠবে?", "হয়তো উঠবে!"]),
        ("hi", "आज बारिश हुई। कल धूप निकलेगी॥ शायद", ["आज बारिश हुई।", "कल धूप निकलेगी॥", "शायद"]),
        ("ur", "آج بارش ہوئی۔ کل دھوپ نکلے گی؟ شاید", ["آج بارش ہوئی۔", "کل دھوپ نکلے گی؟", "شاید"]),
        ("en", "Dr. Rahman said prices rose 5.5% in Jan. to a record. Then what?",
         ["Dr. Rahman said prices rose 5.5% in Jan. to a record.", "Then what?"]),
    ],
)  # fmt: skip
def test_sentences_split_on_danda_and_urdu_full_stop(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


def test_titles_and_native_decimals_do_not_end_sentences() -> None:
    bengali = "বিশেষজ্ঞ ড. নাসরিন হক বলেন, দাম ৫.৫ শতাংশ বেড়েছে। তিনি চিন্তিত।"
    assert split_sentences(bengali, "bn") == ["বিশেষজ্ঞ ড. নাসরিন হক বলেন, দাম ৫.৫ শতাংশ বেড়েছে।", "তিনি চিন্তিত।"]
    hindi = "विशेषज्ञ डॉ. अंजलि सिन्हा ने कहा कि यह जरूरी है। वह चिंतित हैं।"
    assert split_sentences(hindi, "hi") == ["विशेषज्ञ डॉ. अंजलि सिन्हा ने कहा कि यह जरूरी है।", "वह चिंतित हैं।"]


def test_a_piece_that_starts_with_a_lowercase_word_continues_the_sentence() -> None:
    text = ("The film follows Michael from his days in Wham! through to more recent events. They sold 2,000 tickets "
            "approx. on the first day. Apple launched the phone on Monday. iPhone sales rose by a fifth in a week.")
    assert split_sentences(text, "en") == [
        "The film follows Michael from his days in Wham! through to more recent events.",
        "They sold 2,000 tickets approx. on the first day.",
        "Apple launched the phone on Monday.",
        "iPhone sales rose by a fifth in a week.",
    ]


@pytest.mark.parametrize(
    ("language", "sentence", "words"),
    [
        ("bn", "ঢাকায় আজ বৃষ্টি হয়েছে।", ("ঢাকায়", "আজ", "বৃষ্টি", "হয়েছে")),
        ("hi", "प्रधानमंत्री ने कहा।", ("प्रधानमंत्री", "ने", "कहा")),
        ("ur", "وزیرِ اعظم نے کہا۔", ("وزیرِ", "اعظم", "نے", "کہا")),
        ("en", "The U.N. said 3 ships sank.", ("the", "u", "n", "said", "ships", "sank")),
    ],
)
def test_words_keep_combining_marks_and_are_lowercase(language: str, sentence: str, words: tuple[str, ...]) -> None:
    assert Tokenizer(language).to_words(sentence) == words


def test_apostrophes_and_hyphens_between_letters_stay_inside_words() -> None:
    sentence = "It’s the company's high-speed plan - 'new' for l'homme."
    words = ("it's", "the", "company's", "high-speed", "plan", "new", "for", "l'homme")
    assert Tokenizer("en").to_words(sentence) == words
    assert Tokenizer("en").to_words("don't") == ("don't",)


def test_zero_width_joiners_stay_inside_words() -> None:
    assert Tokenizer("bn").to_words("র‍্যাব অভিযান") == ("র‍্যাব", "অভিযান")


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "By Jane Doe and John Smith, BBC News"),
        ("en", "Reporting by Jane Doe; Editing by John Smith"),
        ("en", "Photo: Reuters/Jane Doe"),
        ("en", "Image caption The flooded road outside the city hall on Tuesday morning"),
        ("en", "Read more: Why fuel prices keep rising in every market across the region"),
        ("en", "Also read: Ten things to know about the budget announced by the minister today"),
        ("en", "Click here to read the full report from the commission on the floods."),
        ("en", "Follow us on Facebook, Twitter and Instagram for the latest news from Dhaka."),
        ("en", "Subscribe to our newsletter and get the top stories of the day in your inbox"),
        ("en", "Share this article on Facebook Twitter WhatsApp Email Copy link Print"),
        ("en", "Published 12 March 2024, 10:30 BST, updated 13 March 2024, 08:15 BST"),
        ("en", "Dhaka, 12 March 2024"),
        ("en", "[…] Continue reading Flood waters rise in Sylhet at The Daily Star."),
        ("en", "The post Flood waters rise in Sylhet appeared first on The Daily Star."),
        ("en", "This article first appeared on The Conversation and is republished under a licence."),
        ("bn", "আরও পড়ুন: দুই দশকে শহরের খালগুলো কীভাবে দখল আর ভরাট হয়ে হারিয়ে গেল"),
        ("bn", "এ বিষয়ে বিস্তারিত জানতে এখানে ক্লিক করুন এবং আমাদের সঙ্গে থাকুন।"),
        ("bn", "ছবি: সংগৃহীত, রূপসা নদীর তীরে বাঁধ নির্মাণের কাজ চলছে বৃহস্পতিবার সকালে"),
        ("bn", "জেলা প্রতিনিধি, খুলনা"),
        ("hi", "यह भी पढ़ें: शहर के पुराने नाले पिछले बीस साल में कैसे गायब हो गए"),
        ("hi", "पूरी खबर पढ़ने के लिए यहां क्लिक करें और हमारे साथ बने रहें।"),
        ("hi", "प्रतीकात्मक तस्वीर: बाढ़ के पानी से घिरे घर और सड़क पर खड़े लोग इंतजार करते हुए"),
        ("ur", "یہ بھی پڑھیں: شہر کے پرانے نالے پچھلے بیس برسوں میں کیسے غائب ہو گئے"),
        ("ur", "مکمل خبر پڑھنے کے لیے یہاں کلک کریں اور ہمارے ساتھ رہیں۔"),
        ("ur", "فائل فوٹو: سیلاب کے پانی میں گھرے ہوئے مکانات اور سڑک پر کھڑے لوگ"),
    ],
)
def test_boilerplate_lines_are_dropped(language: str, line: str) -> None:
    kept = "This is an ordinary sentence of the article with enough words to stay."
    assert article_sentences(f"{kept}\n{line}", language) == [kept]


@pytest.mark.parametrize(
    ("language", "caption"),
    [
        ("en", "Kabul street patrol: the Taliban is pilloried by the jihadis who remain for selling out. © AFP"),
        ("en", "Rescue workers carry a man from the flooded market in Sylhet on Tuesday. Photo: Staff"),
        ("bn", "রূপসা নদীর তীরে বাঁধ নির্মাণের কাজ চলছে বৃহস্পতিবার সকালে। ছবি: সংগৃহীত"),
        ("hi", "बाढ़ के पानी से घिरे घर और सड़क पर खड़े लोग इंतजार करते हुए। फोटो: पीटीआई"),
        ("ur", "سیلاب کے پانی میں گھرے ہوئے مکانات اور سڑک پر کھڑے لوگ۔ تصویر: اے پی"),
    ],
)
def test_a_line_that_ends_in_a_photo_credit_is_a_caption_and_dropped(language: str, caption: str) -> None:
    kept = "This is an ordinary sentence of the article with enough words to stay."
    assert article_sentences(f"{caption}\n{kept}\n{caption}", language) == [kept]


def test_list_items_lose_their_bullets_and_a_repeated_sentence_is_kept_once() -> None:
    line = "Portion Fix Containers: one green, one red and one yellow for every meal."
    text = (f"- {line}\n• The shelters by the river road are open all night for families.\n"
            f"The council met on Monday to discuss the floods. - Schools will stay closed until Thursday.\n"
            f"– {line}\n{line}")
    assert article_sentences(text, "en") == [
        line,
        "The shelters by the river road are open all night for families.",
        "The council met on Monday to discuss the floods.",
        "Schools will stay closed until Thursday.",
    ]


def test_a_paragraph_that_only_mentions_photos_or_copyright_is_kept() -> None:
    text = ("The agency released the photos on Monday. Copyright cases have doubled since the law was changed "
            "in 2019.")
    assert article_sentences(text, "en") == [
        "The agency released the photos on Monday.",
        "Copyright cases have doubled since the law was changed in 2019.",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "By Monday the rain had stopped across the whole of the country.",
        "Shares in the company rose by a fifth after the results were published.",
        "Updated figures show that exports grew by 5% over the quarter.",
        "Copyright cases have doubled since the law was changed in 2019.",
        "The post-war years appeared first on the list of the hardest, the historian said.",
        "Keep reading the label before you take the medicine, the doctor said on Monday.",
        "The minister urged farmers to subscribe to the new crop insurance scheme.",
    ],
)
def test_news_sentences_that_look_like_boilerplate_are_kept(sentence: str) -> None:
    assert article_sentences(sentence, "en") == [sentence]


def test_short_fragments_are_dropped_and_wrapped_lines_joined() -> None:
    text = "Advertisement\nIt rained.\nThe river rose above the danger mark\nin three districts on Monday night."
    assert article_sentences(text, "en") == ["The river rose above the danger mark in three districts on Monday night."]


def test_stop_words_cover_the_three_south_asian_languages() -> None:
    assert {"এবং", "এই", "করে"} <= stop_words("bn")
    assert {"और", "के", "में", "है"} <= stop_words("hi")
    assert {"اور", "کے", "میں", "ہے", "سے", "نے"} <= stop_words("ur")
    assert {"the", "and", "of"} <= stop_words("en")
    assert stop_words("zz") == frozenset()


def test_stemmers() -> None:
    assert stemmer("en")("Running") == "run"
    assert stemmer("bn")("ঢাকায়") == "ঢাকায়"  # no stemmer: the word only lowercased
    assert stemmer("hi")("किताबें") == "किताबें"


@pytest.mark.parametrize("language", LANGUAGES)
def test_sumy_takes_the_tokenizer(language: str) -> None:
    parser = PlaintextParser.from_string(article(language), Tokenizer(language))
    summarizer = TextRankSummarizer(stemmer(language))
    summarizer.stop_words = stop_words(language)
    summary = summarizer(parser.document, 2)
    assert len(summary) == 2
    assert all(str(sentence) in article(language) for sentence in summary)


def test_decomposed_bengali_is_normalised_before_splitting() -> None:
    # Most Bengali pages store ো as ে + া (NFD); the title "মো." must still be known mid-sentence.
    text = unicodedata.normalize("NFD", "সভায় সভাপতিত্ব করেন মো. রহিম উদ্দিন। তিনি বলেন বাজেট পাস হবে।")
    expected = ["সভায় সভাপতিত্ব করেন মো. রহিম উদ্দিন।", "তিনি বলেন বাজেট পাস হবে।"]
    assert split_sentences(text, "bn") == expected
    assert article_sentences(text, "bn") == expected
    assert all(unicodedata.is_normalized("NFC", s) for s in article_sentences(text, "bn"))


def test_military_titles_do_not_end_bengali_sentences() -> None:
    text = "অনুষ্ঠানে উপস্থিত ছিলেন লে. কর্নেল রহমান ও লে. জে. হাসান। পরে তাঁরা মাঠ পরিদর্শন করেন।"
    assert split_sentences(text, "bn") == ["অনুষ্ঠানে উপস্থিত ছিলেন লে. কর্নেল রহমান ও লে. জে. হাসান।",
                                            "পরে তাঁরা মাঠ পরিদর্শন করেন।"]


@pytest.mark.parametrize("quote", ['"', "“"])
def test_an_unclosed_hindi_quote_does_not_glue_sentences(quote: str) -> None:
    text = (f"मंत्री ने कहा, {quote}हम यह काम पूरा करेंगे। इसके बाद सब ठीक होगा। सरकार ने फैसला ले लिया। "
            'अधिकारी ने "ठीक है" कहा और चले गए। पुलिस ने जांच शुरू की।')
    assert split_sentences(text, "hi") == [
        f"मंत्री ने कहा, {quote}हम यह काम पूरा करेंगे।", "इसके बाद सब ठीक होगा।", "सरकार ने फैसला ले लिया।",
        'अधिकारी ने "ठीक है" कहा और चले गए।', "पुलिस ने जांच शुरू की।"]


def test_a_closed_quote_stays_with_its_sentence() -> None:
    hindi = 'उन्होंने कहा, "हम काम करेंगे।" इसके बाद बैठक खत्म हुई।'
    assert split_sentences(hindi, "hi") == ['उन्होंने कहा, "हम काम करेंगे।"', "इसके बाद बैठक खत्म हुई।"]
    urdu = "وزیر نے کہا، ”ہم کام کریں گے۔“ اس کے بعد اجلاس ختم ہوا۔"
    assert split_sentences(urdu, "ur") == ["وزیر نے کہا، ”ہم کام کریں گے۔“", "اس کے بعد اجلاس ختم ہوا۔"]


def test_sumy_stop_lists_are_read_without_pycountry() -> None:
    from sumy.utils import get_stop_words

    from digests.text import sumy_stop_words

    for language in ("en", "de", "PT", "english", "uk"):
        assert sumy_stop_words(language) == get_stop_words(language)
    with pytest.raises(LookupError, match="no stop words"):
        sumy_stop_words("bn")

"""Page boilerplate in article text, by language: the lines and sentences :func:`digests.text.article_sentences`
drops (bylines, credits, "read more", share buttons, datelines) and what it strips from a line (bracketed photo
credits, a wire dateline). Patterns are matched case-insensitively."""

from __future__ import annotations

import functools

import regex

# _DROP_LINE: at the start of a line or sentence, which is dropped.
# _DROP_PHRASE: anywhere in a sentence, which is dropped; only phrases that news prose never uses.
# _PREFIX: removed from the start of a line (wire datelines). _INLINE: removed wherever found.
# "*" applies to every language: pages in Bengali, Hindi and Urdu carry English widgets too.
# _CREDIT: a photo credit, at the start of a line or sentence. A line whose last sentence is a credit is a
# caption ("Police at the scene. © AFP", "... নদীর তীরে। ছবি: সংগৃহীত"): the whole line is dropped.
_CREDIT: dict[str, tuple[str, ...]] = {
    "*": (
        r"(?:file |aerial )?(?:photo|image|picture|video|graphic)s?(?: (?:credit|courtesy|source|caption))?\s*[:|/©]",
        r"(?:image|photo|video) (?:copyright|caption|source|credit)s?\b",
        r"(?:©|copyright\s*(?:©|\(c\)|\d{4}))",
    ),
    "bn": (r"(?:ফাইল )?ছবি\s*[:|]", r"ছবি(?:ঃ| সংগৃহীত)"),
    "hi": (r"(?:फाइल |फ़ाइल |प्रतीकात्मक |सांकेतिक )?(?:फोटो|फ़ोटो|तस्वीर|चित्र)\s*[:|]",
           r"(?:प्रतीकात्मक|सांकेतिक) (?:फोटो|फ़ोटो|तस्वीर|चित्र)"),
    "ur": (r"(?:فائل )?(?:تصویر|فوٹو)\s*[:|]", r"(?:فائل فوٹو|تصویر بشکریہ)"),
}
_DROP_LINE: dict[str, tuple[str, ...]] = {
    "*": (
        r"(?:read|see) (?:more|also)\b",
        r"also (?:read|see)\b",
        r"(?:\[(?:…|\.\.\.)\]\s*)?continue reading\b",  # a feed's teaser ends ("[…] Continue reading X")
        r"(?:the post|this (?:article|story|post))\s.{0,300}\b(?:appeared first|first appeared)\s+on\b",  # WordPress
        r"related(?: (?:news|stories|articles|coverage|topics|content))?\s*(?:[:|]|$)",
        r"(?:reporting|writing|editing|additional reporting|compiled) by\b",
        r"by\s+(?-i:\p{Lu})[\p{L}\p{M}.'-]*(?:\s+(?:(?-i:\p{Lu})[\p{L}\p{M}.'-]*|and|&))*\s*(?:[,|/–—-][^.!?]{0,80})?$",
        r"(?:published|updated|posted|last (?:updated|modified)|first published)\b\s*(?:on|at)?\s*[:|-]?\s*\d[^.!?]*$",
        r"(?:advertisement|sponsored|share|tweet|email|print|comments?)\s*$",
        r"(?:share|tweet|follow|subscribe|sign up|download)\b[^.!?]{0,60}$",
    ),
    "bn": (
        r"(?:আরও|আরো|এটিও|আরও খবর) পড়ুন",
        r"(?:সম্পর্কিত|সংশ্লিষ্ট) (?:খবর|সংবাদ)",
        r"(?:নিজস্ব|বিশেষ|জ্যেষ্ঠ|স্টাফ) (?:প্রতিবেদক|সংবাদদাতা|রিপোর্টার)",
        r"[\p{L}\p{M} ]{0,40}(?:প্রতিনিধি|সংবাদদাতা|প্রতিবেদক)\s*(?:[,|]|$)",
        r"(?:প্রকাশিত|প্রকাশ|আপডেট|হালনাগাদ)\s*[:|]",
        r"বিজ্ঞাপন\s*$",
    ),
    "hi": (
        r"(?:यह|ये) भी (?:पढ़ें|पढ़े|देखें)",
        r"(?:और|आगे) (?:पढ़ें|पढ़े)",
        r"(?:संबंधित|सम्बंधित) (?:खबरें|खबर|ख़बरें)",
        r"[\p{L}\p{M} ]{0,40}(?:संवाददाता|ब्यूरो)\s*(?:[,|]|$)",
        r"(?:प्रकाशित|अपडेटेड|अपडेट|लेखक|रिपोर्ट)\s*[:|]",
        r"विज्ञापन\s*$",
    ),
    "ur": (
        r"(?:مزید|یہ بھی) پڑھیں",
        r"متعلقہ (?:خبریں|خبر)",
        r"(?:ویب|نیوز) ڈیسک",
        r"[\p{L}\p{M} ]{0,40}(?:نمائندہ|نامہ نگار)\s*(?:[,|،]|$)",
        r"(?:شائع|اپ ڈیٹ|رپورٹ)\s*[:|]",
        r"اشتہار\s*$",
    ),
}
_DROP_PHRASE: dict[str, tuple[str, ...]] = {
    "*": (
        r"click here\b",
        r"follow us\b",
        r"(?:subscribe|sign up) (?:to|for) our\b",
        r"share this (?:article|story|post|page)\b",
        r"all rights reserved\b",
        r"(?:image|photo) copyright\b",
    ),
    "bn": (r"ক্লিক করুন", r"ফলো করুন", r"সাবস্ক্রাইব করুন", r"শেয়ার করুন", r"শেয়ার করুন"),
    "hi": (r"क्लिक करें", r"फॉलो करें", r"फ़ॉलो करें", r"सब्सक्राइब करें", r"शेयर करें"),
    "ur": (r"کلک کریں", r"فالو کریں", r"سبسکرائب کریں", r"شیئر کریں"),
}
# Wire datelines at the start of a line. "DHAKA, March 12 (Reuters) -", "ঢাকা, ১২ মার্চ (বাসস) :": place,
# optional date, agency in brackets, a dash or colon. "London (CNN)The ...": the agency glued to the text, the place
# optional. "WASHINGTON – The ...", "DUBAI, United Arab Emirates — ...": a place in capitals (five or more, or with
# its country: not "NATO – " or "USA – China talks") and a dash.
_PREFIX = (
    r"[\p{L}\p{M}][\p{L}\p{M} .'-]{1,30}(?:,[^()\n]{1,30})?\s*\([^()\n]{2,30}\)\s*[-–—:]+\s*",
    r"(?:[\p{L}\p{M}][\p{L}\p{M} .'-]{1,30}(?:,[^()\n]{1,30})?\s*)?\([^()\n]{2,30}\)(?=[\p{Lu}\"“‘])",
    r"(?:\p{Lu}[\p{Lu} .'-]{3,29}\p{Lu}|\p{Lu}{2}[\p{Lu} .'-]{0,28},[^–—\n]{1,40})\s+(?:[–—]|--?)\s+(?=[\p{Lu}\"“‘])",
)
_INLINE = (r"\s*[(\[](?:photo|image|picture|file|pic|ছবি|ফাইল ছবি|फोटो|फ़ोटो|तस्वीर|تصویر|فوٹو)\b[^()\[\]\n]{0,80}[)\]]",)


@functools.cache
def patterns(language: str) -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    """The patterns of ``language`` (with those of every language): a line or sentence that starts with what
    the first matches is dropped (credits included), and a sentence in which the second finds a phrase; the
    third matches a sentence that starts with a credit, which makes its line a caption when it ends it."""
    def compile_table(*tables: dict[str, tuple[str, ...]]) -> regex.Pattern[str]:
        alternatives = [pattern for table in tables for pattern in table["*"] + table.get(language, ())]
        return regex.compile("|".join(f"(?:{pattern})" for pattern in alternatives), regex.IGNORECASE)

    return compile_table(_CREDIT, _DROP_LINE), compile_table(_DROP_PHRASE), compile_table(_CREDIT)


_PREFIX_RE = regex.compile("^(?:" + "|".join(_PREFIX) + ")")
_INLINE_RE = regex.compile("|".join(_INLINE), regex.IGNORECASE)


def strip_inline(line: str) -> str:
    """``line`` without photo credits in brackets and a wire dateline at its start."""
    if "(" in line or "[" in line:
        line = _INLINE_RE.sub("", line)
    return _PREFIX_RE.sub("", line, count=1)

"""The Snowball stems Khobor uses (PyStemmer) are NLTK's, which sumy's summarizers and the story additions were
built and measured with, in every language it stems. Words written for this test: common news words, inflected.
On real text the agreement is measured by bench/stemmer_agreement.py."""

from __future__ import annotations

import threading

import pytest

from digests.text import _STEMMED, stem, stemmer

# word:stem, the stems NLTK's Snowball stemmers give
STEMS = {
    "da": ("regeringen:regering ministeren:minist valget:valg borgerne:borg forhandlingerne:forhandling "
           "udtalte:udtalt politiets:politi økonomiske:økonomisk arbejdsløsheden:arbejdsløs "
           "virksomhederne:virksomhed demonstranter:demonstrant sagde:sagd kommunerne:kommun skatter:skat "
           "landets:land beslutningen:beslutning vedtaget:vedtag undersøgelsen:undersøg københavns:københavn "
           "udenrigsministeriet:udenrigsministeri hospitalerne:hospital"),
    "nl": ("regering:reger ministers:minister verkiezingen:verkiez burgers:burger onderhandelingen:onderhandel "
           "verklaarde:verklaard politie:politie economische:economisch werkloosheid:werklos bedrijven:bedrijv "
           "demonstranten:demonstrant zeiden:zeid gemeenten:gemeent belastingen:belast besluit:besluit "
           "aangenomen:aangenom onderzoek:onderzoek amsterdamse:amsterdam buitenlandse:buitenland "
           "ziekenhuizen:ziekenhuiz"),
    "ro": ("guvernul:guvern ministrul:ministr alegerile:aleger cetățenii:cetățen negocierile:negocier "
           "declarat:declar poliția:poliț economice:econom șomajul:șomaj companiile:compan "
           "protestatarii:protestatar spus:spus primăriile:primăr taxele:tax decizia:deciz adoptată:adopt "
           "ancheta:anchet bucureștiului:bucureșt externe:extern spitalele:spital cetăţenii:cetăţen "
           "poliţia:poliţ şomajul:şomaj"),
    "sv": ("regeringen:regering ministern:minist valet:valet medborgarna:medborg förhandlingarna:förhandling "
           "uttalade:uttal polisens:polis ekonomiska:ekonomisk arbetslösheten:arbetslös företagen:företag "
           "demonstranter:demonstrant sade:sad kommunerna:kommun skatterna:skatt beslutet:beslutet antogs:antog "
           "utredningen:utredning stockholms:stockholm utrikesdepartementet:utrikesdepartementet "
           "sjukhusen:sjukhus"),
    "no": ("regjeringen:regjering ministeren:minister valget:valg innbyggerne:innbyggern "
           "forhandlingene:forhandling uttalte:uttalt politiets:politi økonomiske:økonomisk "
           "arbeidsledigheten:arbeidsled bedriftene:bedrift sa:sa kommunene:kommun skattene:skatt "
           "beslutningen:beslutning vedtatt:vedtatt undersøkelsen:undersøk"),
    "fi": ("hallitus:hallitus ministerin:minister vaaleissa:vaale kansalaiset:kansalais "
           "neuvotteluissa:neuvottelu totesi:tote poliisin:poliis taloudelliset:taloudellis "
           "työttömyys:työttömyys yritykset:yrityks mielenosoittajat:mielenosoittaj sanoi:sanoi kunnat:kun "
           "verot:vero päätöksen:päätöks hyväksyttiin:hyväksyt tutkimuksen:tutkimuks"),
    "hu": ("kormány:kormány miniszter:miniszter választásokon:választás állampolgárok:állampolgár "
           "tárgyalások:tárgyalás kijelentette:kijelentett rendőrség:rendőrség gazdasági:gazdaság "
           "munkanélküliség:munkanélküliség vállalatok:vállalat tüntetők:tüntető mondta:mondt "
           "önkormányzatok:önkormányzat adók:adó döntés:döntés elfogadták:elfogadta vizsgálat:vizsgál"),
    "ru": ("правительство:правительств министра:министр выборах:выбор граждане:граждан переговоров:переговор "
           "заявил:заяв полиции:полиц экономические:экономическ безработица:безработиц компании:компан "
           "демонстранты:демонстрант сказал:сказа муниципалитеты:муниципалитет налоги:налог решение:решен "
           "принято:принят расследование:расследован"),
    "pt": ("governo:govern ministro:ministr eleições:eleiçõ cidadãos:cidadã negociações:negoc declarou:declar "
           "polícia:políc económicas:económ desemprego:desempreg empresas:empres manifestantes:manifest "
           "disse:diss municípios:municípi impostos:impost decisão:decisã aprovada:aprov investigação:investig"),
    "es": ("gobierno:gobiern ministro:ministr elecciones:eleccion ciudadanos:ciudadan negociaciones:negoci "
           "declaró:declar policía:polic económicas:econom desempleo:desemple empresas:empres "
           "manifestantes:manifest dijo:dij municipios:municipi impuestos:impuest decisión:decision "
           "aprobada:aprob investigación:investig"),
    "it": ("governo:govern ministro:ministr elezioni:elezion cittadini:cittadin negoziati:negoz "
           "dichiarato:dichiar polizia:poliz economiche:econom disoccupazione:disoccup aziende:azi "
           "manifestanti:manifest detto:dett comuni:comun tasse:tass decisione:decision approvata:approv "
           "indagine:indagin"),
    "fr": ("gouvernement:gouvern ministre:ministr élections:élect citoyens:citoyen négociations:négoci "
           "déclaré:déclar police:polic économiques:économ chômage:chômag entreprises:entrepris "
           "manifestants:manifest dit:dit communes:commun impôts:impôt décision:décis adoptée:adopt "
           "enquête:enquêt"),
    "de": ("regierung:regier minister:minist wahlen:wahl bürger:burg verhandlungen:verhandl erklärte:erklart "
           "polizei:polizei wirtschaftlichen:wirtschaft arbeitslosigkeit:arbeitslos unternehmen:unternehm "
           "demonstranten:demonstrant sagte:sagt gemeinden:gemeind steuern:steu entscheidung:entscheid "
           "beschlossen:beschloss untersuchung:untersuch"),
    "en": ("government:govern ministers:minist elections:elect citizens:citizen negotiations:negoti "
           "declared:declar police:polic economic:econom unemployment:unemploy companies:compani "
           "protesters:protest said:said municipalities:municip taxes:tax decision:decis adopted:adopt "
           "investigation:investig"),
}  # fmt: skip


def pairs(language: str) -> list[tuple[str, str]]:
    return [(pair.split(":")[0], pair.split(":")[1]) for pair in STEMS[language].split()]


def test_every_stemmed_language_has_words_here() -> None:
    assert set(STEMS) == set(_STEMMED)


@pytest.mark.parametrize("language", sorted(STEMS))
def test_stems_are_nltks(language: str) -> None:
    assert [(word, stem(language, word)) for word, _ in pairs(language)] == pairs(language)


@pytest.mark.parametrize("language", sorted(STEMS))
def test_stems_agree_with_nltk_itself(language: str) -> None:
    snowball = pytest.importorskip("nltk.stem.snowball")  # installed with sumy
    nltk_stem = getattr(snowball, _STEMMED[language].capitalize() + "Stemmer")().stem
    words = [word for word, _ in pairs(language)]
    assert [stemmer(language)(word) for word in words] == [nltk_stem(word) for word in words]


def test_capitals_are_lowered_first_and_other_languages_only_lowered() -> None:
    assert stemmer("en")("Elections") == "elect"
    assert stemmer("bn")("নির্বাচনে") == "নির্বাচনে"
    assert stemmer(None)("Ministers") == "minist"  # no language: English


def test_threads_each_stem_alike() -> None:
    # a Snowball stemmer keeps state between calls: each thread has its own
    words = [word for word, _ in pairs("en")] * 200
    expected = [stemmer("en")(word) for word in words]
    results: list[list[str]] = []

    def run() -> None:
        results.append([stemmer("en")(word) for word in words])

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4

"""A made-up day of regional news, written for these tests: syndicated copies, one event told three ways,
look-alike events that must stay apart, and Bengali and Hindi reports."""

from __future__ import annotations

from datetime import UTC, datetime

from digests.models import ArticleDoc

FERRY = (
    "At least 14 passengers were missing after a ferry carrying around 80 people capsized in the Meghna river "
    "near Chandpur early on Tuesday, officials said.\n\n"
    "The MV Sonar Tori was hit by a sudden squall about two kilometres from Haimchar ghat, district "
    "administrator Rafiqul Islam told reporters. Divers from the fire service and the coast guard pulled 62 "
    "people from the water.\n\n"
    "Survivors said the vessel was overloaded with holidaymakers returning from Eid. The river port authority "
    "has formed a three-member committee to investigate the accident.\n\n"
    "Relatives gathered on the bank as the search resumed in the afternoon under heavy rain."
)
FERRY_TRIMMED = (
    "At least 14 passengers are missing after a ferry carrying about 80 people capsized in the Meghna river "
    "near Chandpur early on Tuesday, officials said.\n\n"
    "The MV Sonar Tori was hit by a sudden squall about two kilometres from Haimchar ghat, district "
    "administrator Rafiqul Islam said. Fire service and coast guard divers rescued 62 people."
)
RATE_1 = (
    "Bangladesh Bank on Sunday raised its policy rate by 50 basis points to 10 percent, its third increase "
    "this year, as inflation stayed above 9 percent. Governor Ahsan Karim said the repo rate would remain "
    "high until price pressures eased, and that the taka would be allowed to move more freely against the dollar."
)
RATE_2 = (
    "The central bank raised the policy rate by 50 basis points to 10 percent on Sunday, the third rise this "
    "year. Bangladesh Bank governor Ahsan Karim told a news conference that inflation, above 9 percent for "
    "months, remained the main worry and that the taka exchange rate would be made more flexible."
)
RATE_3 = (
    "Borrowing costs are going up again. Bangladesh Bank increased its policy rate by 50 basis points to 10 "
    "percent on Sunday, Governor Ahsan Karim announced, citing inflation above 9 percent. Traders expect bank "
    "lending rates to rise within weeks."
)
RATE_4 = (
    "Bangladesh Bank has raised the policy rate by 50 basis points to 10 percent to curb inflation, which "
    "has stayed above 9 percent, Governor Ahsan Karim said on Sunday. It is the central bank's third increase "
    "this year; the taka will also be allowed to move more freely against the dollar."
)
FUEL_WIRE = (
    "The government raised the price of diesel and kerosene by Tk 5 to Tk 114 a litre from midnight on "
    "Friday, the energy ministry said in a notice. Octane and petrol will cost Tk 130 and Tk 126 a litre. "
    "State minister for energy Farid Uddin said subsidies had to be cut under the IMF loan programme. "
    "Transport owners said bus fares would go up."
)
FUEL_REWRITE_1 = (
    "Diesel and kerosene will cost Tk 114 a litre from Friday midnight after the government raised their "
    "price by Tk 5, according to an energy ministry notice. Petrol goes up to Tk 126 and octane to Tk 130. "
    "The increase cuts subsidies as agreed under the IMF loan programme, state minister Farid Uddin said."
)
FUEL_REWRITE_2 = (
    "Fuel is dearer again: the energy ministry has raised diesel and kerosene prices by Tk 5 a litre to "
    "Tk 114, effective midnight Friday. Octane now costs Tk 130 and petrol Tk 126. State minister Farid Uddin "
    "said the subsidies had to go under the IMF loan programme, while transport owners warned of higher bus fares."
)
CRICKET_1 = (
    "Bangladesh beat Zimbabwe by five wickets in the first one-day international in Chattogram on Wednesday. "
    "Chasing 247, opener Rakib Hasan made 88 and captain Mominul Karim added 54 as the hosts won with nine "
    "balls to spare. Fast bowler Sajid Ahmed took three wickets for 41."
)
CRICKET_2 = (
    "India thrashed Australia by 120 runs in the second Test in Perth on Wednesday. Arjun Mehta took five "
    "wickets for 30 as Australia were bowled out for 175 chasing 295. Captain Vikram Rao said the bowlers had "
    "set up the win on a fast pitch."
)
FLOOD_SYLHET = (
    "Flash floods triggered by heavy rain in the hills have killed 12 people in Sylhet district, officials said "
    "on Monday. The Surma and Kushiyara rivers rose above the danger mark, submerging roads in Companiganj and "
    "Gowainghat upazilas. The army has been deployed to move families to shelters."
)
FLOOD_KURIGRAM = (
    "Floods in Kurigram district have stranded about 40,000 people after the Brahmaputra and Dharla rivers "
    "burst their banks, officials said on Monday. No deaths were reported, but crops on 3,000 hectares were "
    "under water in Chilmari and Roumari upazilas. Relief officers said dry food was being handed out."
)
LIBRARY = (
    "The central public library in Rajshahi reopened to readers on Thursday after a two-year renovation. The "
    "building now has a children's wing, a digital archive of old newspapers and reading rooms that stay open "
    "until 10pm, librarian Shirin Akter said."
)
BN_FLOOD = (
    "সিলেটে টানা বৃষ্টি ও পাহাড়ি ঢলে আকস্মিক বন্যায় ১২ জনের মৃত্যু হয়েছে। সুরমা ও কুশিয়ারা নদীর পানি বিপৎসীমার ওপর দিয়ে "
    "প্রবাহিত হচ্ছে। কোম্পানীগঞ্জ ও গোয়াইনঘাট উপজেলার বহু সড়ক পানিতে তলিয়ে গেছে। "
    "পরিবারগুলোকে আশ্রয়কেন্দ্রে সরিয়ে নিতে সেনাবাহিনী মোতায়েন করা হয়েছে।"
)
BN_CRICKET = (
    "চট্টগ্রামে প্রথম ওয়ানডেতে জিম্বাবুয়েকে পাঁচ উইকেটে হারিয়েছে বাংলাদেশ। ২৪৭ রানের লক্ষ্যে খেলতে নেমে রাকিব হাসান ৮৮ রান করেন। "
    "অধিনায়ক মমিনুল করিম করেন ৫৪ রান। সাজিদ আহমেদ ৪১ রানে তিন উইকেট নেন।"
)
HI_CRICKET = (
    "पर्थ में खेले गए दूसरे टेस्ट मैच में भारत ने ऑस्ट्रेलिया को 120 रन से हरा दिया। अर्जुन मेहता ने 30 रन देकर पांच विकेट लिए। "
    "कप्तान विक्रम राव ने कहा कि गेंदबाजों ने तेज पिच पर जीत की नींव रखी।"
)
HI_ELECTION = (
    "चुनाव आयोग ने बुधवार को राज्य विधानसभा चुनाव की तारीखों का ऐलान किया। मतदान तीन चरणों में होगा और मतगणना 12 दिसंबर को होगी। "
    "विपक्षी दलों ने कहा कि सरकार ने चुनाव से पहले नई योजनाओं की घोषणा कर आचार संहिता का उल्लंघन किया।"
)


def _doc(i: int, title: str, text: str, source: str, *, hour: int, language: str | None = "en") -> ArticleDoc:
    return ArticleDoc(id=i, title=title, text=text, summary=(), source=source,
                      url=f"https://{source.lower().replace(' ', '-')}.example/news/{i}",
                      published=datetime(2025, 6, 10, hour, tzinfo=UTC), language=language)


def news_day() -> list[ArticleDoc]:
    """The day's articles; the comments name the story each belongs to."""
    return [
        _doc(0, "Ferry capsizes in Meghna river, 14 missing", FERRY, "Dhaka Wire", hour=6),  # ferry
        _doc(1, "Fourteen feared missing as launch sinks near Chandpur", FERRY, "Morning Ledger", hour=7),  # ferry
        _doc(2, "14 missing after Meghna ferry accident", FERRY_TRIMMED, "Coastal Times", hour=8),  # ferry
        _doc(3, "Bangladesh Bank raises policy rate to 10pc to tame inflation", RATE_1, "Dhaka Wire", hour=9),  # rate
        _doc(4, "Central bank lifts repo rate as prices bite", RATE_2, "Morning Ledger", hour=10),  # rate
        _doc(5, "Policy rate hiked again as inflation stays above 9pc", RATE_3, "Business Post", hour=11),  # rate
        _doc(16, "Bangladesh Bank hikes policy rate to curb inflation", RATE_4, "Evening Mail", hour=18),  # rate
        _doc(17, "Diesel, kerosene prices up by Tk 5 a litre", FUEL_WIRE, "Dhaka Wire", hour=19),  # fuel
        _doc(18, "Fuel prices raised again under IMF deal", FUEL_REWRITE_1, "Morning Ledger", hour=19),  # fuel
        _doc(19, "Diesel now Tk 114 a litre", FUEL_REWRITE_2, "Business Post", hour=20),  # fuel
        _doc(6, "Bangladesh beat Zimbabwe by five wickets", CRICKET_1, "Sports Desk", hour=12),
        _doc(7, "India thrash Australia in Perth Test", CRICKET_2, "Sports Desk", hour=13),
        _doc(8, "Flash floods kill 12 in Sylhet", FLOOD_SYLHET, "Dhaka Wire", hour=14),
        _doc(9, "Floods strand 40,000 in Kurigram", FLOOD_KURIGRAM, "Northern Voice", hour=14),
        _doc(10, "Rajshahi library reopens after renovation", LIBRARY, "Varendra News", hour=15),
        _doc(11, "সিলেটে আকস্মিক বন্যায় ১২ জনের মৃত্যু", BN_FLOOD, "Bangla Barta", hour=15, language="bn"),
        _doc(12, "বন্যায় সিলেটে মৃত ১২, সেনা মোতায়েন", BN_FLOOD, "Dainik Khobor", hour=16, language="bn"),
        _doc(13, "জিম্বাবুয়েকে হারাল বাংলাদেশ", BN_CRICKET, "Bangla Barta", hour=16, language="bn"),
        _doc(14, "भारत ने ऑस्ट्रेलिया को 120 रन से हराया", HI_CRICKET, "Hindi Samachar", hour=17, language="hi"),
        _doc(15, "विधानसभा चुनाव की तारीखों का ऐलान", HI_ELECTION, "Hindi Samachar", hour=17, language="hi"),
    ]


# Stories as the topic stage sees them (headline and summary), with the topic a reader would file them under.
TOPIC_STORIES: list[tuple[str, str]] = [
    ("Politics", "Parliament passes election commission bill amid opposition walkout. The ruling party's MPs voted "
                 "the bill through after the opposition left the chamber, saying the government had ignored their "
                 "demands before next year's general election."),
    ("Politics", "Prime minister reshuffles cabinet ahead of polls. Three ministers lost their posts and the "
                 "party's campaign chief joined the government as the coalition prepares for the election."),
    ("Sport", "Bangladesh beat Zimbabwe by five wickets. Opener Rakib Hasan made 88 and the captain added 54 as "
              "the hosts won the first one-day match of the series with nine balls to spare."),
    ("Sport", "Abahani win the league title with a late goal. The striker scored in stoppage time and the coach "
              "praised his players after the club's third championship in four seasons."),
    ("Economy", "Bangladesh Bank raises policy rate to tame inflation. The central bank lifted the interest rate "
                "to 10 percent as prices stayed high; exporters warned that their companies' loans would cost more."),
    ("Economy", "Garment exports rise 12 percent in the first quarter. Factory owners said orders from European "
                "buyers recovered, while investors in the stock market welcomed the trade figures."),
    ("Health", "Dengue cases rise sharply as hospitals fill up. Doctors said 1,200 patients were admitted in a day "
               "and health officials urged people to clear stagnant water as the disease spreads."),
    ("Health", "Measles vaccination drive reaches 2 million children. Health workers and nurses at rural clinics "
               "gave the vaccine free of charge after an outbreak of the disease in the north."),
    ("Environment", "Cyclone makes landfall on the coast; thousands in shelters. Heavy rain and storm surges "
                    "flooded low-lying villages and the weather office warned of more floods."),
    ("Sport", "সিরিজে এগিয়ে গেল বাংলাদেশ। চট্টগ্রামে প্রথম ম্যাচে পাঁচ উইকেটে জিতেছে দল। অধিনায়ক বলেন, "
              "খেলোয়াড়দের ব্যাটিং ও বোলিংয়ে তিনি খুশি।"),
    ("Politics", "সংসদে নির্বাচন কমিশন বিল পাস। বিরোধী দলের সংসদ সদস্যরা ওয়াকআউট করেন। মন্ত্রী বলেন, "
                 "সরকার আগামী নির্বাচন সুষ্ঠু করতে চায়।"),
    ("Health", "डेंगू के मरीजों से अस्पताल भरे। डॉक्टरों ने कहा कि एक दिन में 500 मरीज भर्ती हुए और स्वास्थ्य "
               "विभाग ने लोगों से सावधान रहने को कहा।"),
    ("Politics", "विधानसभा चुनाव की तारीखों का ऐलान। चुनाव आयोग ने कहा कि मतदान तीन चरणों में होगा; विपक्ष ने "
                 "सरकार पर आचार संहिता के उल्लंघन का आरोप लगाया।"),
]
NONSENSE = "Zorblat quintessa vrumble plinkets the farnoodle, glimmerwick oshta."

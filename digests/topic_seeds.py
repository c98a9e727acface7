"""Seed words of the built-in topics, in English, Bengali, Hindi and Urdu.

Seeds only start the topic model off: it learns the rest of each topic's vocabulary from the stories of
the window (see :func:`digests.topics.assign_topics`). A trailing ``*`` matches any word starting with
the seed (inflections: ``elect*``, Bengali case endings); a seed of several words matches them in a row.
Seeds are general news vocabulary, not tuned to any evaluation set. :data:`SECTIONS` are the names outlets
give their sections; :data:`LABELS` the topics' names in each language a region can show them in.
"""

from __future__ import annotations


def _seeds(*lines: str) -> tuple[str, ...]:
    return tuple(seed.strip() for line in lines for seed in line.split(",") if seed.strip())


# fmt: off
SEEDS: dict[str, tuple[str, ...]] = {
    "Politics": _seeds(
        "election*, elector*, parliament*, minister*, ministry, government*, president*, party, parties, vote,"
        "votes, voted, voter*, voting, campaign*, opposition, mp, mps, senat*, congress*, lawmaker*, legislat*,"
        "cabinet, prime minister, poll, polls, referendum*, democra*, politic*, coalition*, constituen*,"
        "diplomat*, manifesto*, governor*, mayor*, foreign policy",
        "নির্বাচন*, সংসদ*, মন্ত্রী*, মন্ত্রণালয়*, সরকার*, প্রধানমন্ত্রী*, রাষ্ট্রপতি*, ভোট*, বিরোধী*,"
        "রাজনীতি*, রাজনৈতিক*,"
        "আওয়ামী*, বিএনপি*, নেতা*, এমপি*, দলীয়*",
        "चुनाव*, संसद*, मंत्री*, सरकार*, प्रधानमंत्री*, राष्ट्रपति*, पार्टी*, वोट*, मतदान*, विपक्ष*, राजनीति*,"
        "राजनीतिक*,"
        "भाजपा*, कांग्रेस*, सांसद*, विधायक*, विधानसभा*, लोकसभा*, नेता*",
        "انتخاب*, پارلیمنٹ*, وزیر*, وزارت*, حکومت*, صدر*, پارٹی*, جماعت*, ووٹ*, اپوزیشن*, سیاست*, سیاسی*,"
        "اسمبلی*, سینیٹ*",
        "labour, conservative*, tory, tories, liberal democrat*, republican*, democrat*, senator*, chancellor*,"
        "secretary of state, home secretary, foreign secretary, downing street, white house, westminster, whitehall,"
        "legislation, policy, policies, reform*, treaty, treaties, summit*, sanction*, embassy, embassies,"
        "ambassador*, united nations, nato, european union, eu, asylum, immigration, immigrant*, candidate*, ballot*,"
        "protest*, council*, foreign minister*, head of state, regime*, dictator*,"
        "sovereign*, independence, constitution*,"
        "মন্ত্রিসভা*, প্রেসিডেন্ট*, পররাষ্ট্র*, কূটনৈতিক*, কূটনীতি*, দূতাবাস*, রাষ্ট্রদূত*, জাতিসংঘ*, নিষেধাজ্ঞা*,"
        "বিক্ষোভ*, আন্দোলন*, সমাবেশ*, প্রার্থী*, গণতন্ত্র*, ক্ষমতাসীন*, কংগ্রেস*, বিজেপি*, ন্যাটো*, হোয়াইট হাউস,"
        "ইউরোপীয় ইউনিয়ন, সংবিধান*, শাসন*,"
        "मुख्यमंत्री*, राज्यपाल*, उम्मीदवार*, गठबंधन*, राजदूत*, दूतावास*, संयुक्त राष्ट्र, प्रतिबंध*,"
        "विरोध प्रदर्शन*, संविधान*, लोकतंत्र*,"
        "وزیراعظم*, وزیر اعظم, سفیر*, سفارت*, اقوام متحدہ, معاہدہ*, معاہدے*, پابندی*, پابندیاں*, مذاکرات*, احتجاج*,"
        "امیدوار*, جمہوری*, جمہوریت*, کانگریس*, ریپبلکن*, ڈیموکریٹ*, سربراہی*, آئین*, نیٹو*, وائٹ ہاؤس,"
    ),
    # Court, trial, judge, lawyer, victim (and আদালত, মামলা, বিচার, अदालत, मुकदमा, عدالت, مقدمہ) are not seeds: a
    # court case is business, culture or sport news (civil suits, doping appeals) as often as crime.
    "Security": _seeds(
        "police, policeman, policemen, military, army, armed, troops, soldier*, attack*, terror*, militant*,"
        "bomb, bombs, bombing*, bomber*, bombed, blast*, explosion*, gunmen, gunman, gunfire, shot dead,"
        "arrest*, crime*, criminal*, murder*, violence,"
        "violent, war, wars, insurgen*, rebel*, weapon*, missile*, defence, defense, security forces,"
        "national security, hostage*, kidnap*, extremis*, ceasefire, airstrike*, clash*, riot*, smuggl*,"
        "trafficking, jail*, prison*, sentenced, convicted",
        "পুলিশ*, সেনা*, হামলা*, সন্ত্রাস*, জঙ্গি*, গ্রেপ্তার*, গ্রেফতার*, হত্যা*, খুন*, বিস্ফোরণ*, অপরাধ*,"
        "নিরাপত্তা*, যুদ্ধ*,"
        "র‍্যাব*, কারাগার*",
        "पुलिस*, सेना*, हमला*, हमले*, आतंक*, गिरफ्तार*, गिरफ़्तार*, हत्या*, विस्फोट*, अपराध*, सुरक्षा*,"
        "युद्ध*, जवान*,"
        "मुठभेड़*, नक्सल*, जेल*",
        "پولیس*, فوج*, حملہ*, حملے*, دہشت*, گرفتار*, قتل*, دھماکہ*, دھماکے*, جرم*, جرائم*, سیکیورٹی*, جنگ,"
        "جنگی, جنگوں, عسکریت*,"
        "جیل*",
        "killed, killing*, injured, wounded, dead, death toll, fighting, conflict*, prosecut*, accused, charged,"
        "guilty, detain*, custody, suspect*, police officer*, shooting*,"
        "stabbing*, theft, robbery, robber*, assault*, navy, naval, air force, nuclear weapon*, gun, guns,"
        "raid*, fugitive*, abduct*, massacre*, invasion, invade*, occupation,"
        "নিহত*, আহত*, সংঘাত*, সংঘর্ষ*, ক্ষেপণাস্ত্র*, বাহিনী*, সৈন্য*, অস্ত্র*, বোমা*, কারাদণ্ড*,"
        "মৃত্যুদণ্ড*, আটক*, ধর্ষণ*, নির্যাতন*, ডাকাত*, মাদক*, সীমান্ত*, অপহরণ*, হামলাকারী*, বন্দুক*,"
        "मारे गए, घायल*, गोली*, फायरिंग*, हथियार*, सैनिक*, मिसाइल*, सजा*, सज़ा*, आरोपी*, बलात्कार*,"
        "तस्कर*, अपहरण*,"
        "ہلاک*, زخمی*, جاں بحق, فائرنگ*, میزائل*, اسلحہ*, ہتھیار*, فورسز*, فوجی*, جھڑپ*, تنازع*, "
        "سزا*, ملزم*, اغوا*, بمباری*, فضائی حمل*,"
    ),
    "Economy": _seeds(
        "econom*, market*, stock, stocks, stock market*, shares, shareholder*, investor*, investment*,"
        "invested, investing,"
        "inflation, banking, banker*, central bank*, commercial bank*, world bank, bank loan*,"
        "interest rate*, profit*, revenue*, sales, company, companies, firm, firms, corporat*, trade, trading,"
        "export*,"
        "import, imports, imported, importer*, gdp, growth, tax, taxes, taxation, budget*, price*, oil,"
        "currency, dollar*, euro, rupee*,"
        "taka, business*, industr*, earnings, debt*, loan*, deficit*, unemploy*, jobs, wage*, merger*,"
        "acquisition*, bankrupt*, retail*, consumer*, recession, fiscal, monetary, tariff*, finance, financial,"
        "subsid*, fuel price*, imf",
        "অর্থনীতি*, অর্থনৈতিক*, বাজার*, ব্যাংক*, শেয়ার*, মূল্যস্ফীতি*, রপ্তানি*, আমদানি*, বাণিজ্য*,"
        "বিনিয়োগ*, বাজেট*,"
        "দাম*, টাকা*, ডলার*, ব্যবসা*, রাজস্ব*, মুনাফা*, কারখানা*, প্রবৃদ্ধি*",
        "अर्थव्यवस्था*, आर्थिक*, बाजार*, बाज़ार*, बैंक*, शेयर*, महंगाई*, निर्यात*, आयात*, व्यापार*, निवेश*, बजट*,"
        "कीमत*, क़ीमत*, रुपये*, रुपया*, कंपनी*, कंपनियों*, मुनाफा*, जीडीपी*, उद्योग*, कारोबार*, सेंसेक्स*",
        "معیشت*, معاشی*, اقتصاد*, مارکیٹ*, بینک*, حصص*, مہنگائی*, برآمد*, درآمد*, تجارت*, سرمایہ*, بجٹ*, قیمت*,"
        "روپے*, روپیہ*, کمپنی*, منافع*, ٹیکس, ٹیکسوں, ٹیکسز, اسٹاک*",
        "bank, banks, chief executive*, ceo, customers, customer, retailer*, airline*, oil price*, pension*,"
        "mortgage*, housing market, house price*, property market, dividend*, economist*, analyst*, quarterly,"
        "turnover, stake*, takeover*, exchange rate*, federal reserve, wto, opec, crop*, agricultur*, farmer*,"
        "manufactur*, supplier*, exporter*, goods, sector*, billion*, output, insurance, insurer*, shopper*,"
        "spending, brand*, chain*, factory, factories, trade union*, workers, employer*, pay rise*,"
        "কোম্পানি*, বিক্রি*, ক্রেতা*, গ্রাহক*, ঋণ*, সুদ*, ভ্যাট*, শুল্ক*, পণ্য*, উৎপাদন*, মূল্য*, বিমা*, বীমা*, তেল*,"
        "জ্বালানি*, কৃষি*, কৃষক*, শেয়ারবাজার*, পুঁজিবাজার*, লেনদেন*, রেমিট্যান্স*, প্রবাসী আয়, বিলিয়ন*,"
        "ব্যবসায়ী*, উদ্যোক্তা*, শিল্পখাত*, গার্মেন্টস*, পোশাকশিল্প*, শোরুম*, অফার*,"
        "ग्राहक*, बिक्री*, कर्ज*, क़र्ज़*, ब्याज*, जीएसटी*, टैक्स*, पेट्रोल*, डीजल*, किसान*, कृषि*, महंगा*,"
        "उत्पादन*,"
        "ڈالر*, سونے, پیٹرول*, پٹرول*, قرض*, سود*, شرح سود, کاروبار*, صنعت*, زرمبادلہ*, ذخائر*, تیل*, مالی*,"
        "مالیاتی*, ریونیو*, محصول*, خسارہ*, خسارے*, افراط زر, انڈیکس*, پوائنٹس*, اسٹیٹ بینک, برآمدات*, سرمایہ کار*,"
        "صارفین*,"
    ),
    "Sport": _seeds(
        "match, matches, tournament*, championship*, world cup, cup, league*, goal, goals, goalkeeper*,"
        "football*, soccer, cricket*, tennis, olympic*, player, players, coach*, wicket*, innings, batsman, batsmen,"
        "bowler*, striker*, midfield*, rugby, athlet*, medal*, stadium*, fifa, uefa, captain*, squad*,"
        "grand slam, semi final*, quarter final*, sprint*, marathon*, golf*, boxing, boxer*, hockey,"
        "badminton, kabaddi, sport, sports, sporting, fixture*, referee*, scored, test match, odi, ipl",
        "ক্রিকেট*, ফুটবল*, ম্যাচ*, টুর্নামেন্ট*, খেলা*, খেলোয়াড়*, গোল, গোলে, গোলের, উইকেট*, বিশ্বকাপ*,"
        "অধিনায়ক*, কোচ*,"
        "সিরিজ*, হকি*, অলিম্পিক*, ব্যাটার*, বোলার*, সেঞ্চুরি*",
        "क्रिकेट*, फुटबॉल*, मैच*, टूर्नामेंट*, खेल*, खिलाड़ी*, गोल, विकेट*, विश्व कप, कप्तान*, कोच*, हॉकी*, ओलंपिक*,"
        "पदक*, शतक*, बल्लेबाज*, गेंदबाज*",
        "کرکٹ*, فٹبال*, میچ*, ٹورنامنٹ*, کھیل*, کھلاڑی*, گول, وکٹ*, رنز*, ورلڈ کپ, کپتان*, ہاکی*, اولمپک*, تمغہ*,"
        "سنچری*",
        "club, clubs, team, teams, season*, champion*, racing, olympics, athletics, world record,"
        "manager*, injury, premiership, premier league, champions league, grand prix, cyclist*, cycling, swimm*,"
        "sprinter*, runner*, finals, semi final*, quarter final*, trophy, trophies,"
        "test series, batting, bowling, hat trick, penalty, penalties, defender*, midfielder*, winger*, playmaker*,"
        "knockout, title race, transfer fee*, seeded, wimbledon, unbeaten,"
        "ক্রীড়া*, ফাইনাল*, সেমিফাইনাল*, লিগ*, ক্লাব*, স্ট্রাইকার*, গোলরক্ষক*, রান, রানে, রানের, ইনিংস*, টেস্ট,"
        "টেস্টে, টেস্টের, ওয়ানডে*, টি-টোয়েন্টি*, টোয়েন্টি*, বিসিবি*, ফিফা*, আইসিসি*, চ্যাম্পিয়ন*, শিরোপা*, পদক*,"
        "অ্যাথলেট*, গলফ*, টেনিস*, ব্যাডমিন্টন*, কাবাডি*, দাবা*, স্টেডিয়াম*, ব্যাটসম্যান*, ফিফটি*, ফিল্ডিং*, বোলিং*,"
        "ব্যাটিং*, ক্রিকেটার*, ফুটবলার*, দলের অধিনায়ক, জয়ী*,"
        "टीम*, मुकाबल*, फाइनल*, सेमीफाइनल*, चैंपियन*, रन, रनों, बल्लेबाजी*, गेंदबाजी*, आईपीएल*, बीसीसीआई*, टेस्ट मैच,"
        "वनडे*, टी20*, स्टेडियम*,"
        "ٹیم*, کوچ*, بیٹر*, بولر*, بلے باز*, گیند باز*, اننگز*, ون ڈے, ٹی ٹوئنٹی, پی ایس ایل, پی سی بی, فائنل*,"
        "سیمی فائنل*, چیمپئن*, ٹینس*, فٹبالر*, اسٹیڈیم*, ریسلنگ*, باکسنگ*, اسکواش*, ٹیسٹ میچ*, ٹیسٹ سیریز*, کرکٹر*,"
    ),
    "Technology": _seeds(
        "technolog*, tech, software, internet, online, digital, computer*, computing, smartphone*, phone*,"
        "mobile*, app, apps, device*, gadget*, cyber*, hacker*, hacking, artificial intelligence, ai, robot*,"
        "chip*, semiconductor*, broadband, website*, web, google, microsoft, facebook, telecom*, satellite*,"
        "startup*, innovat*, video game*, gaming, gamer*, games console*, laptop*, programmer*, download*,"
        "spam, browser*, search engine*, wireless, blog*, algorithm*, chatgpt,"
        "chatbot*, iphone*, smartwatch*, drone*",
        "প্রযুক্তি*, ইন্টারনেট*, মোবাইল*, স্মার্টফোন*, কম্পিউটার*, সফটওয়্যার*, ডিজিটাল*, অ্যাপ*, সাইবার*,"
        "কৃত্রিম বুদ্ধিমত্তা*,"
        "তথ্যপ্রযুক্তি*, ওয়েবসাইট*, ফেসবুক*, স্যাটেলাইট*, উদ্ভাবন*, গুগল*, মাইক্রোসফট*, এআই, চ্যাটজিপিটি*, রোবট*,"
        "হ্যাকার*,"
        "স্টার্টআপ*, টেলিকম*, আইফোন*, ড্রোন*",
        "तकनीक*, प्रौद्योगिकी*, इंटरनेट*, मोबाइल*, स्मार्टफोन*, कंप्यूटर*, सॉफ्टवेयर*, डिजिटल*, ऐप*, साइबर*,"
        "आर्टिफिशियल इंटेलिजेंस, कृत्रिम बुद्धिमत्ता, वेबसाइट*, उपग्रह*, इसरो*, स्टार्टअप*, गूगल*, माइक्रोसॉफ्ट*,"
        "फेसबुक*, एआई, चैटजीपीटी*, रोबोट*, हैकर*, टेलीकॉम*, आईफोन*,"
        "ड्रोन*",
        "ٹیکنالوجی*, انٹرنیٹ*, موبائل*, اسمارٹ فون*, کمپیوٹر*, سافٹ ویئر*, ڈیجیٹل*, ایپ*, سائبر*, مصنوعی ذہانت,"
        "ویب سائٹ*, سیٹلائٹ*, گوگل*, مائیکروسافٹ*, فیس بک*,"
        "چیٹ بوٹ*, روبوٹ*, ہیکر*, اسٹارٹ اپ*, ٹیلی کام*, فون*, ڈرون*, سمارٹ فون*",
        "users, user, network*, wi fi, wifi, email*, malware, phishing, hardware, database*, microchip*,"
        "processor*, pc, pcs, console*, playstation, xbox, nintendo, ipod*, apple, music download*,"
        "file sharing, peer to peer, mobile phone*, handset*, camera phone*, bandwidth, electronic*, science,"
        "scientist*, nasa, rocket*, astronaut*, telescope*, researcher*, high tech, networks,"
        "tablet*, sony, samsung, tiktok, youtube, twitter, instagram, whatsapp, social media, operating system*,"
        "open source, encrypt*,"
        "অনলাইন*, ব্যবহারকারী*, নেটওয়ার্ক*, ফোন*, ল্যাপটপ*, গ্যাজেট*, ডিভাইস*, ইউটিউব*, টুইটার*, হোয়াটসঅ্যাপ*,"
        "ডেটা*, ডাটা*, বিজ্ঞান*, বিজ্ঞানী*, মহাকাশ*, নাসা*, রকেট*, অ্যাপল*, স্যামসাং*, সামাজিক যোগাযোগমাধ্যম*,"
        "প্রোগ্রামিং*, ফ্রিল্যান্স*, গবেষক*,"
        "यूजर*, यूज़र*, ऑनलाइन*, फोन*, फ़ोन*, लैपटॉप*, डेटा*, वैज्ञानिक*, विज्ञान*, अंतरिक्ष*, नासा*, रॉकेट*,"
        "सोशल मीडिया,"
        "ایپل*, سام سنگ*, واٹس ایپ*, ٹوئٹر*, ٹک ٹاک*, یوٹیوب*, صارف*, فیچر*, ڈیوائس*, لیپ ٹاپ*, آن لائن*, ڈیٹا*,"
        "سائنس*, سائنسدان*, خلائی*, ناسا*, راکٹ*, سیارہ*, سیارے*, سوشل میڈیا, محققین*,"
    ),
    "Health": _seeds(
        "health*, hospital*, doctor*, patient*, disease*, vaccin*, medic*, cancer*, covid*, coronavirus,"
        "dengue, malaria, cholera, tuberculosis, hiv, outbreak*, nurse*, treatment*, clinic*, infection*,"
        "infect*, pandemic*, epidemic*, mental health, obesity, diabetes, surgeon*, surgery, public health, nhs,"
        "healthcare, symptom*, pharmac*, illness*, mortality, maternal, nutrition, malnutrition",
        "স্বাস্থ্য*, হাসপাতাল*, চিকিৎসা*, চিকিৎসক*, রোগ*, রোগী*, ডেঙ্গু*, করোনা*, টিকা*, ভাইরাস*, ক্যান্সার*,"
        "ওষুধ*, ডাক্তার*,"
        "সংক্রমণ*, মহামারি*",
        "स्वास्थ्य*, अस्पताल*, इलाज*, डॉक्टर*, बीमारी*, रोग*, मरीज*, मरीज़*, वैक्सीन*, टीका*, टीके*, वायरस*,"
        "कैंसर*, दवा*,"
        "संक्रमण*, महामारी*, डेंगू*, कोरोना*",
        "صحت*, ہسپتال*, اسپتال*, علاج*, ڈاکٹر*, بیماری*, بیماریوں*, مریض*, ویکسین*, وائرس*, کینسر*, دوا*, ادویات*,"
        "انفیکشن*, وبا*, ڈینگی*, کورونا*, پولیو*",
        "doctors, medical, medicine*, drug*, flu, influenza, heart, blood, therap*, diet*, smoking, tobacco, alcohol,"
        "fitness, care home*, dementia, virus, viruses, transplant*, gp, gps, ambulance*, ill, sick*, allerg*,"
        "asthma, stroke, diagnos*, antibiotic*, immun*, polio, measles, wellbeing, depression,"
        "কোভিড*, আক্রান্ত*, সংক্রমিত*, অস্ত্রোপচার*, স্বাস্থ্যবিধি*, মাস্ক*, আইসিইউ*, ভ্যাকসিন*, টিকাদান*, হৃদরোগ*,"
        "ডায়াবেটিস*, পুষ্টি*, যক্ষ্মা*, ম্যালেরিয়া*, কলেরা*, অসুস্থ*, হৃদ্‌রোগ*, চিকিৎসাধীন*,"
        "कोविड*, संक्रमित*, मरीजों*, चिकित्सा*, डायबिटीज*, टीकाकरण*, बीमार*,"
        "کووڈ*, کوویڈ*, طبی*, ہیلتھ*, دل کا دورہ, ذیابیطس*, موٹاپا*, موٹاپے*, نیند*, وزن*, صحت مند, دماغ*,"
        "ماہرین صحت, مریضوں*, ویکسینیشن*,"
    ),
    "Environment": _seeds(
        "climate*, environment*, pollution, pollut*, emission*, carbon, flood*, cyclone*, storm*, weather, rain,"
        "rains, rainfall, monsoon*, drought*, wildlife, forest*, deforestation, temperature*, heatwave*, heat wave*,"
        "earthquake*, landslides, tsunami*, renewable*, solar, wind power, conservation, species,"
        "biodiversity, air quality, plastic*, recycl*, global warming, greenhouse gas*, glacier*, sea level*,"
        "ecolog*, endangered, habitat*, wetland*, coastal, erosion",
        "জলবায়ু*, পরিবেশ*, বন্যা*, ঘূর্ণিঝড়*, দূষণ*, বৃষ্টি*, খরা*, নদী*, তাপমাত্রা*, ভূমিকম্প*, কার্বন*, নিঃসরণ*,"
        "আবহাওয়া*, ভূমিধস*, জলোচ্ছ্বাস*",
        "जलवायु*, पर्यावरण*, बाढ़*, चक्रवात*, तूफान*, तूफ़ान*, प्रदूषण*, बारिश*, वर्षा*, सूखा*, नदी*, जंगल*, तापमान*,"
        "भूकंप*, कार्बन*, उत्सर्जन*, मौसम*, भूस्खलन*",
        "موسمیاتی*, ماحولیات*, ماحول*, سیلاب*, طوفان*, آلودگی*, بارش*, خشک سالی, دریا, دریاؤں, جنگلات*,"
        "درجہ حرارت, زلزلہ*,"
        "زلزلے*, کاربن*, اخراج*, موسم*",
        "environmental, animal*, nature, renewable energy, coal, climate change, hurricane*, typhoon*, tornado*,"
        "wildfire*, bushfire*, volcano*, volcanic, snow*, heat, river*, sea, seas, ocean*, drinking water,"
        "natural disaster*, disaster*, weather, green energy, fossil fuel*, wind farm*, trees, tree, zoo*,"
        "whale*, bird*, fish stock*, extinct*, ecosystem*,"
        "দুর্যোগ*, নদীভাঙন*, ভাঙন*, বনাঞ্চল*, বন্যপ্রাণী*, প্রাণী*, গাছ*, বৃক্ষ*, সমুদ্র*, উপকূল*, দাবানল*,"
        "অগ্ন্যুৎপাত*, আগ্নেয়গিরি*, হিমবাহ*, বায়ুদূষণ*, প্লাস্টিক*, শৈত্যপ্রবাহ*, তাপপ্রবাহ*, কুয়াশা*, পাহাড়ধস*,"
        "জলাবদ্ধতা*,"
        "गर्मी*, ठंड*, बर्फबारी*, ग्लेशियर*, वन्यजीव*, पेड़*, समुद्र*, प्राकृतिक आपदा*, आपदा*, हिमस्खलन*,"
        "گرمی*, سردی*, برفباری*, برف*, گلیشیئر*, جنگلی حیات, جانور*, پودے*, درخت*, سمندر*, قدرتی آفات, سیلابی*,"
        "آتش فشاں*, ہیٹ ویو*,"
    ),
    "Culture": _seeds(
        "film*, movie*, music*, singer*, album*, actor*, actress*, festival*, art, arts, artist*, award*, oscar*,"
        "cinema*, theatre*, theater*, book, books, author, authors, concert, concerts, song*,"
        "television, tv, celebrit*,"
        "museum*, heritage, danc*, poet*, literature, literary, box office, drama, dramas, comedy, comedian*,"
        "documentar*, bollywood, hollywood, dhallywood, grammy, bafta*, exhibition*, painting*, sculpture*,"
        "orchestra, orchestras, opera, fashion, pop star*, rapper*, premiere*, sitcom*",
        "চলচ্চিত্র*, সিনেমা*, গান, গানে, গানের, সংগীত*, সঙ্গীত*, শিল্পী*, অভিনেতা*, অভিনেত্রী*, অভিনয়*,"
        "নাটক*, উৎসব*, বই*,"
        "উপন্যাস*, কবি*, সাহিত্য*, পুরস্কার*, চিত্রকলা*, জাদুঘর*, কনসার্ট*, বইমেলা*, বলিউড*, ঢালিউড*, হলিউড*,"
        "টেলিভিশন*, তারকা*, নির্মাতা*, সংগীতশিল্পী*, কণ্ঠশিল্পী*, গায়ক*, গায়িকা*, শুটিং*, অ্যালবাম*,"
        "চিত্রনায়ক*,"
        "চিত্রনায়িকা*, নায়ক*, নায়িকা*, ওয়েব সিরিজ*, মঞ্চ*, মডেল*",
        "फिल्म*, फ़िल्म*, सिनेमा*, गाना*, गाने*, गीत*, संगीत*, कलाकार*, अभिनेता*, अभिनेत्री*, अभिनय*, नाटक*,"
        "त्योहार*,"
        "महोत्सव*, किताब*, पुस्तक*, उपन्यास*, कवि*, साहित्य*, पुरस्कार*, कला, संग्रहालय*, बॉलीवुड*, हॉलीवुड*,"
        "टेलीविजन*, टीवी, गायक*, गायिका*, एक्टर*, एक्ट्रेस*, शूटिंग*, निर्देशक*, वेब सीरीज*, सुपरस्टार*",
        "فلم*, سینما*, گانا*, گانے*, گیت*, موسیقی*, گلوکار*, اداکار*, اداکارہ*, اداکاری*, ڈرامہ*, ڈرامے*,"
        "تہوار*, کتاب*,"
        "ناول*, شاعر*, شاعری*, ادب*, ایوارڈ*, بالی وڈ*, ہالی وڈ*, لالی وڈ*, ٹیلی ویژن*, شوبز*, ہدایت کار*,"
        "شوٹنگ*, سپر اسٹار*",
        "singles chart*, chart*, episode*, broadcaster*, radio, dj, djs, band, rock,"
        "pop, hip hop, rap, guitar*, musical*, playwright*, screenplay*, studio*,"
        "nominat*, ceremony, gallery, galleries, painter*, photograph*, designer*, reality show*, reality tv, soap*,"
        "comic*, animation, animated, cartoon*, blockbuster*, sequel*, entertainment, celebrity, audience*, viewers,"
        "hit single*, record label*, ballet, choreograph*,"
        "ছবি, ছবিতে, ছবির, ছবিটি, ধারাবাহিক*, প্রযোজক*, বক্স অফিস, ট্রেলার*, শিল্পকলা*, নৃত্য*, কৌতুক*,"
        "অভিনীত*, সুপারস্টার*, টালিউড*, চিত্রনাট্য*, সিরিয়াল*, বিনোদন*, নাট্য*, গীতিকার*, সুরকার*,"
        "फिल्मों*, सीरियल*, शो, बॉक्स ऑफिस, ट्रेलर*, प्रशंसक*, डांस*, नृत्य*, मनोरंजन*, रियलिटी शो*,"
        "فنکار*, فنکارہ*, ماڈل*, گلوکارہ*, فلمساز*, ہدایتکار*, شو, مداح*, ویب سیریز*, ٹریلر*, باکس آفس, شوبز,"
        "انسٹاگرام*, اسکرین*, فلموں*,"
    ),
}
# fmt: on

# Section names, as outlets write them in item categories and URL paths (``/sport/``, ``/khela/``): evidence
# of a story's topic from the outlet itself. Transliterations are what Bengali, Hindi and Urdu sites use in
# their URLs.
# fmt: off
SECTIONS: dict[str, tuple[str, ...]] = {
    "Politics": _seeds(
        "politics, political, election, elections, government, parliament, rajniti, rajneeti, siyasat, siasat,"
        "রাজনীতি, নির্বাচন, राजनीति, चुनाव, سیاست, انتخابات"),
    "Security": _seeds(
        "crime, crimes, law-and-order, justice, courts, security, defence, defense, military, terrorism, oporadh,"
        "aparadh, jurm, অপরাধ, আইন-আদালত, নিরাপত্তা, अपराध, क्राइम, जुर्म, جرائم, جرم, عدالت, سکیورٹی"),
    "Economy": _seeds(
        "business, economy, economics, finance, financial, money, markets, banking, arthoniti, orthoniti, banijjo,"
        "karobar, vyapar, byapar, অর্থনীতি, বাণিজ্য, ব্যবসা, অর্থ-বাণিজ্য, कारोबार, व्यापार, बिजनेस, अर्थव्यवस्था,"
        "کاروبار, معیشت, تجارت, بزنس"),
    "Sport": _seeds(
        "sport, sports, football, cricket, tennis, hockey, khela, khel, khelo, khela-dhula, খেলা, খেলাধুলা,"
        "खेल, स्पोर्ट्स, کھیل, کھیلوں, سپورٹس, اسپورٹس"),
    "Technology": _seeds(
        "technology, tech, gadgets, internet, digital, it, science-technology, projukti, tokniki, takneek,"
        "প্রযুক্তি, তথ্যপ্রযুক্তি, विज्ञान-तकनीक, तकनीक, टेक, ٹیکنالوجی, سائنس-ٹیکنالوجی"),
    "Health": _seeds(
        "health, medicine, wellness, healthcare, shastho, swasthya, sehat, স্বাস্থ্য, स्वास्थ्य, صحت"),
    "Environment": _seeds(
        "environment, climate, weather, nature, poribesh, paryavaran, পরিবেশ, জলবায়ু, पर्यावरण, मौसम, ماحولیات,"
        "موسم"),
    "Culture": _seeds(
        "entertainment, culture, arts, art, music, film, films, movies, books, showbiz, celebrity, binodon,"
        "manoranjan, sanskriti, বিনোদন, সংস্কৃতি, শিল্প-সাহিত্য, मनोरंजन, बॉलीवुड, संस्कृति, تفریح, شوبز, ثقافت,"
        "فن"),
}
# The built-in topics' labels in the languages a region can choose for its labels; the fallback group last.
LABELS: dict[str, tuple[str, ...]] = {
    "en": ("Politics", "Security", "Economy", "Sport", "Technology", "Health", "Environment", "Culture",
           "Other news"),
    "bn": ("রাজনীতি", "নিরাপত্তা ও অপরাধ", "অর্থনীতি", "খেলা", "প্রযুক্তি", "স্বাস্থ্য", "পরিবেশ", "সংস্কৃতি ও বিনোদন",
           "অন্যান্য খবর"),
    "hi": ("राजनीति", "सुरक्षा और अपराध", "अर्थव्यवस्था", "खेल", "तकनीक", "स्वास्थ्य", "पर्यावरण", "संस्कृति और मनोरंजन",
           "अन्य खबरें"),
    "ur": ("سیاست", "سلامتی اور جرائم", "معیشت", "کھیل", "ٹیکنالوجی", "صحت", "ماحولیات", "ثقافت اور تفریح",
           "دیگر خبریں"),
}
# fmt: on
LABEL_LANGUAGES = tuple(LABELS)


def fallback_label(language: str = "en") -> str:
    """The fallback group's name in ``language`` ("Other news" in English and languages without labels).
    Here, beside the labels, so that settings can use it without loading scikit-learn."""
    return LABELS.get(language, LABELS["en"])[-1]

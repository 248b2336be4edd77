"""The question and place vocabulary: one module, so that every reader of text agrees on it.

Question words, stopwords, place markers and the nouns that make a place name part of another
name (years: bot/text/years.py). Plain data and compiled patterns; no logic beyond building them.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------- places

# Words that announce the unit named right after them, and the kinds of unit each announces
# (see bot/text/places.py). "thành phố" announces a centrally-run city (a province) or a
# provincial city. Party bodies name the level too ("Thị ủy Kinh Môn"). Written with their marks:
# text typed with marks matches them exactly ("xa" is not "xã"), text typed without, folded.
PLACE_MARKERS: dict[str, frozenset[str]] = {
    marker: frozenset(kinds.split())
    for marker, kinds in {
        "tỉnh": "province",
        "tỉnh ủy": "province",
        "thành phố": "city province",
        "tp": "city province",
        "thành ủy": "city province",
        "thủ đô": "province",
        "thị xã": "town",
        "tx": "town",
        "thị ủy": "town",
        "huyện": "district",
        "huyện ủy": "district",
        "quận": "urban_district",
        "quận ủy": "urban_district",
        "xã": "commune",
        "đảng ủy xã": "commune",
        "phường": "ward",
        "đảng ủy phường": "ward",
        "thị trấn": "township",
        "tt": "township",
        "đặc khu": "special_zone",
    }.items()
}
# Folded marker words in the text of a question, removed with the place they announce.
MARKER_WORDS = re.compile(
    r"\b(?:thị xã|thành phố|thị trấn|đặc khu|tx|tp|tt|tỉnh|huyện|quận|xã|phường|thủ đô)\.?\s*$",
    re.IGNORECASE,
)

# A place named after one of these is part of another name: "cao tốc Lào Cai - Móng Cái",
# "Khu kinh tế Đồng Đăng - Lạng Sơn", "Báo Tây Ninh". Such a mention is not what a question
# asks about, nor what an article is about. Written with their marks, matched as PLACE_MARKERS
# are: "đến Móng Cái" is not "đền Móng Cái", "cho" is not "chợ".
NAME_NOUNS = frozenset(
    n.strip()
    for n in """
    cao tốc|đường cao tốc|đường|quốc lộ|tỉnh lộ|tuyến|đoạn|cầu|hầm|sân bay|cảng|ga|bến xe
    khu kinh tế|khu công nghiệp|cụm công nghiệp|khu chế xuất|khu đô thị|khu du lịch|khu nghỉ dưỡng
    khu dân cư|dự án|nhà máy|công ty|tập đoàn|bệnh viện|trường|trường đại học|đại học|chợ|siêu thị
    báo|đài|cổng thông tin|trang thông tin|cửa khẩu|sông|núi|hồ|vịnh|đảo|đèo|thủy điện|nhiệt điện
    ngân hàng|khách sạn|sân vận động|nhà thi đấu|quảng trường|công viên|chùa|đền|đình
    """.replace("\n", "|").split("|")
) - {""}

# Words that may stand between such a noun and the place: "Khu du lịch quốc gia Trà Cổ".
NAME_QUALIFIERS = frozenset({"quốc gia", "quốc tế", "trọng điểm", "sinh thái", "ven biển", "biên giới"})

# "Đông - Tây", "Bắc - Nam": a compass pair, not the start of a place ("Đường Đông - Tây Ninh
# Bình" is the East-West road of Ninh Bình, not Tây Ninh).
COMPASS = frozenset({"dong", "tay", "nam", "bac"})

# Separators that may stand inside one place name ("Bà Rịa – Vũng Tàu", "Đắk R'Lấp", "TP.HCM").
NAME_JOINERS = re.compile(r"[ \t]*[-–—.'’]?[ \t]*")

# ---------------------------------------------------------------- sentences

# Abbreviations written with a full stop that does not end a sentence ("TP. Hồ Chí Minh",
# "TX. Hòa Thành", "PGS. TS. Nguyễn Văn A"); single capitals are initials ("Nguyễn V. A").
DOTTED_ABBREVIATIONS = frozenset(
    "TP Tp tp TX Tx tx TT P Q H X Th ThS Ths TS GS PGS BS KS CN NXB Mr Mrs Ms St Dr Đ/c đ/c ĐC Nxb".split()
)

# ---------------------------------------------------------------- question words

# Function words and question words: they carry no topic, and questions are full of them.
STOPWORDS = frozenset(
    """
    à ạ à_ơi ai anh ấy bao_giờ bao_lâu bao_nhiêu bạn bị bởi cả các cái cần cho chứ chưa có_phải chị
    chúng_ta cùng của cũng đã đang đây để đến_nỗi đều điều do đó được gì hay hãy hả hết hơn khi
    không_biết là lại làm_sao lên mà mấy mình nào này nên nếu ngoài nhé nhỉ như như_thế_nào nhưng
    những nơi nữa ở ơi ra_sao rằng rồi sao sau sẽ so tại thế thế_nào thì thôi trên trong từ tới và
    vào vậy vẫn về vì với vừa xin đâu ư ừ nha nhá ko k thưa cho_hỏi hỏi muốn_biết biết cho_biết
    xin_hỏi em tôi ad vui_lòng giúp giùm dùm các_bạn bác cô chú ông bà thế_nào_vậy là_gì là_ai
    là_bao_nhiêu có_những có_bao_nhiêu kể liệt_kê nêu một những_gì thì_sao ra_làm_sao đấy kìa vâng
    dạ như_nào sao_vậy làm còn ra có phải rõ xem cây chiếc
    """.split()
)

# Phrases of questions that news articles rarely contain.
QUESTION_PHRASES = """
bao nhiêu là bao nhiêu như thế nào ra sao là gì là ai ở đâu khi nào năm nào ngày nào bao giờ
có phải không được không có bao nhiêu mấy nào những gì tăng bao nhiêu phần trăm đạt bao nhiêu
cho hỏi xin hỏi muốn biết tăng trưởng thu nhập bình quân đầu người thu ngân sách dân số
diện tích mật độ dân số tỷ lệ hộ nghèo kế hoạch mục tiêu chỉ tiêu đến năm trước năm giai đoạn
tầm nhìn so với cùng kỳ nhanh hơn chậm hơn cao hơn thấp hơn bên nào hay là so sánh
được bao nhiêu tỷ đồng triệu đồng phần trăm chưa làm được chưa đạt đã làm gì làm những gì
có mấy mấy sản phẩm mấy xã mấy nhiệm vụ mấy vấn đề mấy lần mấy năm mấy tháng thứ mấy khóa mấy
vậy là bao nhiêu vậy là gì vậy thế nào vậy như thế nào vậy ra sao vậy là ai vậy nào vậy khi nào vậy
nhỉ bao nhiêu nhỉ ạ bao nhiêu ạ không ạ được không ạ ở đâu vậy bao giờ vậy có không
thế nào nhỉ ra sao nhỉ là gì nhỉ là ai nhỉ khi nào nhỉ
còn năm thì sao thế còn vậy còn còn thì sao còn năm nay còn năm ngoái so với năm trước thì thế nào
"""
# Questions are the text being restored, and their register ("có mấy", "vậy") is rare in news:
# a pair of syllables from a question phrase counts like many corpus occurrences.
QUESTION_WEIGHT = 20

# What kind of answer is wanted decides what a passage must contain to answer at all.
QUANTITY = re.compile(
    r"\b(?:bao nhiêu|mấy|bao nhiêu phần trăm|tỷ lệ|tỉ lệ|tăng bao nhiêu|số lượng|tổng số)\b"
)
WHEN_YEAR = re.compile(
    r"\b(?:năm nào|năm bao nhiêu|khi nào|bao giờ|thời hạn|lúc nào|đến năm nào|trước năm nào)\b"
)
WHEN_DAY = re.compile(r"\b(?:ngày nào|ngày bao nhiêu|hôm nào|những ngày nào)\b")
ORDINAL = re.compile(r"\b(?:lần thứ mấy|thứ mấy|khóa mấy|khoá mấy|khóa nào|nhiệm kỳ nào)\b")
COMPARE = re.compile(
    r"\b(?:so sánh|so với|hay là|hay|bên nào|nơi nào|khác nhau|chênh lệch|nhanh hơn|chậm hơn|cao hơn|thấp hơn|nhiều hơn|ít hơn)\b"
)

# The level of government a question is about: "Chủ tịch UBND TX Kỳ Anh" is not the province's.
COUNCIL = r"(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd|hội đồng nhân dân|hđnd|mặt trận tổ quốc)"
LEVEL = {
    "town": re.compile(
        rf"{COUNCIL}\s+(?:thị xã|thành phố|huyện|tx|tp)\b|\b(?:thị|thành|huyện)\s+(?:ủy|uỷ)\b",
        re.IGNORECASE,
    ),
    "province": re.compile(rf"{COUNCIL}\s+tỉnh\b|\btỉnh\s+(?:ủy|uỷ)\b", re.IGNORECASE),
}


# Offices a question may ask the holder of; "Phó Bí thư" (deputy) is another office than "Bí thư".
ROLE = re.compile(
    r"\b(?P<deputy>phó\s+)?(?P<role>bí thư|chủ tịch|giám đốc|trưởng ban|trưởng đoàn|chánh văn phòng)\b",
    re.IGNORECASE,
)

# Words without which the patterns above cannot match. Ranking asks about 40 passages per
# question; most name no office or body, and a substring test is far cheaper than the scan.
ROLE_HINTS = ("bí thư", "chủ tịch", "giám đốc", "trưởng ban", "trưởng đoàn", "chánh văn phòng")
LEVEL_HINTS = ("ủy", "uỷ", "ubnd", "hđnd", "hội đồng", "mặt trận")
# The same patterns, case-sensitive, for lower-cased text: twice as fast as re.IGNORECASE.
ROLE_LOW = re.compile(ROLE.pattern)
LEVEL_LOW = {name: re.compile(rx.pattern) for name, rx in LEVEL.items()}
# Letters that re.IGNORECASE takes for "i", "k", "s" or "å" but str.lower() does not turn into
# them (or, for "İ", into two characters): with one of these, only the slow patterns are exact.
FOLDS_APART = re.compile("[İıſ\u212a\u212b]")

# Measure units a quantity question may ask for: the answer must carry the same unit.
UNIT_WORDS = {
    "%": ("%", "phần trăm"),
    "tỷ": ("tỷ",),
    "triệu": ("triệu",),
    "km2": ("km2", "km²", "người/km2"),
    "km": ("km",),
    "ha": ("ha", "héc ta", "hecta"),
    "usd": ("usd",),
    "lượt": ("lượt",),
}
UNIT_ASKED = re.compile(
    r"(?:bao nhiêu|mấy)\s*(?P<u>%|phần trăm|tỷ|triệu|km2|km²|km|ha|héc ta|hecta|usd|lượt)(?![^\W\d_])"
    r"|(?P<u2>người/km2|người/km²)"
    r"|bao nhiêu\s+(?:\w+\s+){0,2}?(?P<u3>km2|km|ha|usd)(?![^\W\d_])",
    re.IGNORECASE,
)

WHERE = re.compile(
    r"\b(?:ở đâu|tại đâu|nơi nào|chỗ nào|địa điểm nào|vị trí nào|ở xã nào|ở phường nào|những xã nào|những phường nào|xã nào|phường nào|huyện nào|tỉnh nào|đâu)\b"
)
WHO = re.compile(r"\b(?:ai|là ai|người nào|(?<!đơn )vị nào|đồng chí nào)\b")
# The noun before "nào" / "gì" is what the answer is ("những xã nào", "đơn vị nào"): the answer
# names them, it need not say the word.
ASKED_TYPE = re.compile(r"((?:[^\W\d_]+\s+){1,2})(?:nào|gì)\b")
# Words of comparing, which the passages compared need not contain ("bên nào nhiều hơn").
COMPARE_PHRASES = re.compile(
    r"\b(?:(?:bên|nơi|năm|địa phương|chỗ|cái|ai) nào )?(?:nhiều|cao|lớn|thấp|ít|nhỏ|nhanh|chậm|tốt|mạnh) hơn\b"
    r"|\b(?:so sánh|so với|hay là|khác nhau|chênh lệch|bên nào|nơi nào)\b"
)
# Counted nouns a quantity may be asked in: "mấy phường mấy xã" is answered by "6 phường ... 2 xã".
COUNTED = (
    "xã phường thị trấn huyện thôn bản tổ dân phố hộ người lao động doanh nghiệp dự án công trình "
    "sản phẩm tiêu chí chỉ tiêu nhiệm vụ trường trạm khu cụm đơn vị làng nghề di tích"
).split()
COUNTED_ASKED = re.compile(
    r"\b(?:mấy|bao nhiêu)\s+("
    + "|".join(
        sorted(
            {
                "thị trấn",
                "tổ dân phố",
                "doanh nghiệp",
                "dự án",
                "công trình",
                "sản phẩm",
                "tiêu chí",
                "chỉ tiêu",
                "nhiệm vụ",
                "lao động",
                "đơn vị",
                "làng nghề",
                "di tích",
                *COUNTED,
            },
            key=len,
            reverse=True,
        )
    )
    + r")\b"
)
YES_NO = re.compile(
    r"^(?:có phải|phải chăng)\b|\b(?:có|đã|được|sẽ|đang)\b.{2,80}\b(?:không|chưa|chứ)\s*[?.!]*\s*$"
)
# A figure over years: "qua các năm", "từ 2020 đến 2023", "biểu đồ".
SERIES = re.compile(
    r"\b(?:qua các năm|các năm|hằng năm|hàng năm|từng năm|mỗi năm|biểu đồ|diễn biến|xu hướng)\b"
    r"|\btừ (?:năm )?(?:19|20)\d\d (?:đến|tới|-) (?:năm )?(?:19|20)\d\d\b|(?:19|20)\d\d\s*[-–—]\s*(?:19|20)\d\d"
)
LIST_ASKED = re.compile(
    r"\b(?:những (?:gì|nào|\w+ nào)|các \w+ nào|gồm (?:những )?(?:gì|ai|nào)|liệt kê|kể tên|kể ra|bao gồm những|có những)\b"
)
# The question asks for a plan or target, not what was achieved.
TARGET_ASKED = re.compile(
    r"\b(?:mục tiêu|phấn đấu|kế hoạch|dự kiến|dự toán|chỉ tiêu đề ra|định hướng|đặt ra|đề ra|sẽ|tầm nhìn"
    r"|đến năm|tới năm|quy hoạch|chiến lược|lộ trình)\b"
)
# A sentence that states a plan or target rather than a result, when one of these comes
# before its first figure ("phấn đấu đến năm 2025 thu nhập đạt 130 triệu đồng").
TARGET_WORDS = re.compile(
    r"\b(?:mục tiêu|phấn đấu|kế hoạch|dự kiến|dự toán|định hướng|sẽ|tầm nhìn|hướng tới|hướng đến"
    r"|chỉ tiêu (?:đề ra|đặt ra|giao)|(?<!tính )đến năm|(?<!tính )tới năm|trình cấp thẩm quyền)\b"
)
# ... unless the plan is only what a result is measured against ("đạt 106,6% dự toán",
# "vượt kế hoạch", "hoàn thành chỉ tiêu").
MEASURED_AGAINST_PLAN = re.compile(
    r"\b(?:đạt|vượt|bằng|so với|so|hoàn thành|thực hiện)\s+(?:và vượt\s+)?(?:[\d.,/]+\s*%?\s*)?(?:so với\s+)?"
    r"(?:kế hoạch|dự toán|chỉ tiêu|mục tiêu|nghị quyết)"
)
# A sentence that states a result.
RESULT_WORDS = re.compile(
    r"\b(?:đạt|đã|ước đạt|ước tính|thực hiện|tăng|giảm|còn|có|là|được công nhận|hoàn thành|vượt)\b"
)

# What the figure of an indicator is counted in (the thesaurus names each indicator's family).
UNIT_FAMILIES: dict[str, re.Pattern[str]] = {
    family: re.compile(rf"\d[\d.,]*\s?(?:{units})(?![^\W\d_])", re.IGNORECASE)
    for family, units in {
        "tiền": r"(?:nghìn |ngàn |triệu |tỷ |tỉ )?(?:tỷ|tỉ|triệu|nghìn|ngàn)?\s?(?:đồng|usd)|(?:nghìn |ngàn )?tỷ|triệu|usd",
        "người": r"(?:nghìn |ngàn |triệu )?(?:người|nhân khẩu|dân|lao động)",
        "diện tích": r"km2|km²|ha|héc ta|hecta|m2|m²",
        "%": r"%|phần trăm",
        "lượt": r"(?:nghìn |ngàn |triệu )?lượt",
    }.items()
}
# Questions about a change ("tăng bao nhiêu", "tốc độ tăng", "X tăng năm nào cao hơn") may be
# answered by a rate, whatever the indicator is counted in. Not "tăng cường" (to strengthen).
ASKS_CHANGE = re.compile(r"\b(?:tăng|giảm)\b(?!\s+cường)")

# ---------------------------------------------------------------- conversation

# How a person asks about what was asked just before: "còn năm 2020?", "thế còn Đông Triều?",
# "vậy còn dân số thì sao?", "so với năm trước?". Lower-cased, diacritics restored.
FOLLOW_UP_OPENERS = re.compile(
    r"^(?:thế|vậy|thế thì|vậy thì|còn|và|rồi)?\s*(?:còn|thế còn|vậy còn|với lại|thêm)\b"
    r"|^(?:và|thế|vậy)\s+(?=\S)"
)
FOLLOW_UP_CLOSERS = re.compile(r"\b(?:thì sao|thế nào|ra sao|nữa|thì thế nào|được không|thì)\s*[?.!…]*\s*$")
# The same, typed without marks and so perhaps restored as other words ("con" for "còn").
FOLLOW_UP_FOLDED = re.compile(
    r"^(?:the|vay|the thi|vay thi|con|va|roi)?\s*(?:con|the con|vay con)\b"
    r"|\b(?:thi sao|the nao|ra sao|nua|thi the nao|duoc khong|thi)\s*[?.!…]*\s*$"
)
# "so với năm trước", "năm ngoái thì sao": the year before the one in the context.
PREVIOUS_YEAR = re.compile(r"\b(?:năm trước|năm ngoái|năm liền trước|cùng kỳ năm trước|năm trước đó)\b")
COMPARE_WITH = re.compile(r"\bso với\b|\bso sánh\b")

# What a question asks for ("là bao nhiêu", "khi nào"): a follow-up on another topic asks the same.
ASKING = re.compile(
    r"\b(?:là bao nhiêu|bao nhiêu|là mấy|mấy|là gì|là ai|như thế nào|thế nào|ra sao|ở đâu|khi nào|năm nào)\b"
)
# Words of a question that say what kind of answer is wanted, not what it is about: taken off
# to name the topic ("thu ngân sách Móng Cái là bao nhiêu?" is about "thu ngân sách").
TOPIC_NOISE = re.compile(
    r"\b(?:là bao nhiêu|bao nhiêu|là mấy|mấy|là gì|là ai|như thế nào|thế nào|ra sao|thì sao|được không"
    r"|có không|không|chưa|có|các|những|ạ|nhỉ|nhé|vậy|thế|còn|cho hỏi|cho tôi hỏi|xin hỏi|cho biết|tôi muốn biết"
    r"|muốn biết|đạt được|đạt|được|là|của|ở|tại|năm|qua các năm|các năm|hằng năm|hàng năm|từng năm"
    r"|biểu đồ|vẽ biểu đồ|diễn biến|xu hướng|so với|so sánh|và|với|hay|bên nào|nơi nào|cao hơn|thấp hơn"
    r"|nhiều hơn|ít hơn|giai đoạn|từ|đến|tới)\b"
)

# Small talk and questions about the bot, on the whole message lower-cased and folded (no
# diacritics: people type "xin chao" as often as "xin chào"). Each kind is answered in kind.
SMALL_TALK: dict[str, re.Pattern[str]] = {
    "greeting": re.compile(
        r"\b(?:xin chao|chao ban|chao bot|chao ad|chao admin|chao em|chao anh|chao chi|chao|alo|hello|hi|hey"
        r"|good morning|good afternoon|good evening|chuc buoi sang|buoi sang tot lanh)\b"
    ),
    "thanks": re.compile(
        r"\b(?:cam on|cam on nhieu|cam on ban|cam on bot|cam on nhe|cam on a|thank you|thanks|thank|tks|thanks a lot"
        r"|da hieu|ok cam on|hay qua|tuyet voi|tot qua)\b"
    ),
    "bye": re.compile(r"\b(?:tam biet|bye|goodbye|hen gap lai|chao tam biet)\b"),
    "ack": re.compile(
        r"\b(?:ok|oke|okay|vang|da vang|u|uh|uhm|hieu roi|da hieu|duoc roi|roi|tot|good|great|nice)\b"
    ),
    "who": re.compile(
        r"\b(?:ban la ai|bot la ai|em la ai|may la ai|ban la gi|day la bot gi|ban ten gi|ban ten la gi"
        r"|ai tao ra ban|ai lam ra ban|ban lam duoc gi|ban biet gi|ban co the lam gi|who are you|what are you"
        r"|what can you do)\b"
    ),
    "help": re.compile(
        r"\b(?:giup toi|giup minh|giup em|huong dan|tro giup|lam sao de hoi|hoi nhu the nao|hoi the nao"
        r"|cach hoi|cach dung|su dung the nao|dung the nao|help|how to use|how do i|cho toi hoi|cho minh hoi"
        r"|cho em hoi|toi muon hoi|minh muon hoi|hoi chut|hoi cai)\b"
    ),
    "sources": re.compile(
        r"\b(?:du lieu lay tu dau|du lieu tu dau|lay du lieu o dau|lay tin tu dau|nguon du lieu|nguon tin"
        r"|nguon o dau|nguon nao|bao nao|lay tu dau|thong tin lay tu dau|co bao nhieu bai|bai viet nao"
        r"|where does the data come from|what sources|data source)\b"
    ),
}
# What may stand around small talk without making it a question: names, politeness, emoji.
SMALL_TALK_FILLER = re.compile(
    r"\b(?:a|a oi|oi|nhe|nha|nhi|ban|bot|ad|admin|em|anh|chi|minh|toi|rat|nhieu|lam|qua|vay|the|nhe ban"
    r"|ha|hi hi|hihi|haha|da|please|so much|very|much|you|a lot|again|there"
    r"|everyone|all|oh|well|cho|xin)\b"
)
# English words that are not Vietnamese syllables typed without marks: a message made mostly
# of them is written in English ("what is the population of Kinh Mon?").
ENGLISH_WORDS = frozenset(
    """
    the what which where when how why who whom whose is are was were does did have has the of and
    for with about from into this that these those there their your you please tell me show give
    population income budget revenue growth rate area economy plan planning province city town
    district much many number year years total average per capita gdp grdp news article articles
    hello thanks thank data source sources question answer can could would should will english speak
    """.split()
)
# A figure asked over the years ("thu ngân sách Móng Cái qua các năm", "biểu đồ dân số", "thu
# nhập Kinh Môn 2020-2023"); not a period asked as one ("giai đoạn 2021-2023 tăng bình quân").
SERIES_ASKED = re.compile(
    r"\b(?:qua các năm|các năm qua|qua từng năm|từng năm|hằng năm|hàng năm|mỗi năm|theo năm|biểu đồ|đồ thị"
    r"|diễn biến|xu hướng|chuỗi số liệu)\b"
    r"|\btừ (?:năm )?(?:19|20)\d\d (?:đến|tới) (?:năm )?(?:19|20)\d\d\b"
    r"|(?<!giai đoạn )(?<!nhiệm kỳ )(?<!thời kỳ )(?<![\d/])(?:19|20)\d\d\s*[-–—]\s*(?:19|20)\d\d(?!\d)"
)
# The same range typed without marks, where "tu" may be read "tư": "tu 2020 den 2023".
SERIES_ASKED_FOLDED = re.compile(r"\btu (?:nam )?(?:19|20)\d\d (?:den|toi) (?:nam )?(?:19|20)\d\d\b")
# A change asked in so many words ("tăng bao nhiêu", "giảm mấy %"): no table of the values.
CHANGE_ASKED = re.compile(r"\b(?:tăng|giảm)\s+(?:bao nhiêu|mấy)\b")
# Words before an indicator that ask for its change, not its values ("tăng giá trị sản xuất").
CHANGE_BEFORE = re.compile(r"\b(?:tăng|giảm|tốc độ tăng|mức tăng|tăng trưởng)\s+$")
# What a question asks to be drawn: the chart is sent even in the terminal's chat.
CHART_ASKED = re.compile(r"\b(?:biểu đồ|đồ thị|vẽ)\b")

# What decides a yes/no question, read in the clause of the passage that answers it. A plan
# ("sớm trở thành thành phố trước năm 2025") decides nothing: it says what should be, not what is.
VERDICT_NOT_YET = re.compile(r"\bchưa\b")
VERDICT_NO = re.compile(r"\b(?:không còn|không có|không được|không đạt|không phải)\b")
VERDICT_YES = re.compile(
    r"\b(?:đã|vừa|chính thức|được công nhận|được thành lập|được nâng cấp|được phê duyệt|đạt chuẩn|đạt được"
    r"|hoàn thành|trở thành|có thêm|có \d+)\b"
)
VERDICT_PLAN = re.compile(
    r"\b(?:sẽ|sớm|phấn đấu|mục tiêu|định hướng|kế hoạch|dự kiến|đề ra|đặt ra|xác định|hướng tới|hướng đến"
    r"|tầm nhìn|đủ điều kiện|cần|phải|yêu cầu|đề nghị|đề xuất|chuẩn bị|đang|trước năm|đến năm|nhiệm vụ)\b"
)
# The clauses of a passage, each judged on its own.
CLAUSE_BREAK = re.compile(r"[;.:!?]\s+|,\s+(?=(?:nhưng|song|tuy nhiên|trong khi)\b)")

# Sounds people mix up when typing a name as they say it ("Kin Môn" for Kinh Môn, "Đông
# Chiều" for Đông Triều): syllables folded (no marks), rewritten to one spelling per sound.
SOUND_ALIKE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"^tr", "ch"),
        (r"^gi", "d"),
        (r"^r", "d"),
        (r"^s", "x"),
        (r"^n(?=[aeiouy])", "l"),
        (r"^ngh", "ng"),
        (r"^gh", "g"),
        (r"^k", "c"),
        (r"^q", "c"),
        (r"nh$", "n"),
        (r"ng$", "n"),
        (r"ch$", "t"),
        (r"c$", "t"),
        (r"y$", "i"),
    )
)

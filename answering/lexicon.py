"""The plan reader's words: operations, comparisons, negation, scope and year words, in one place (issue 10).

Each entry is a class of wordings that a whole kind of question uses, never one phrasing: a word list per plan slot.
Measure names and topic words still live with their measures (answering.vocabulary); the catalog of bodies and
regions comes from the corpus. Everything is matched on the folded question (simplified, half-width).
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------- operations, most specific first
# (op, pattern). The first pattern found in the question (measure words blanked) decides the operation.
RANK_POSITION = (
    r"排第几|排名第几|第几名|排在第几|位列第几|排老几|排第几位"
    r"|名列第几|位次|排名如何|排到第几|处于第几|第几位|名次是多少"
    r"|名次如何|排名怎样"
)
WHICH_PART = (
    r"哪个渠道|哪种渠道|哪一渠道|哪个平台|哪种方式|哪种途径|哪个途径|哪类|哪一类|哪种类型|哪项|哪一项|哪方面|哪个方面"
    r"|哪种理由|哪种情形|哪个理由|哪个情形|哪种发布渠道|哪个发布渠道"
    r"|发布渠道|各渠道|主渠道|哪个类别|什么原因|哪种最|哪一种"
)
PART_MOST = r"最|主要|主渠道|什么原因|为主"
GROWTH = (
    r"增长|增加|减少|下降|增幅|降幅|涨|同比|较上年|比上年|比上一年|比前一年|较上一年|变化了?多少|变了多少|增减|多了多少"
    r"|少了多少|多发了|少发了|多了还是少了|变化|多[收发办处]了|少[收发办处]了"
)
# A ranking asked for in so many words: a ranking even when 最多/最少 says where it starts.
RANK_SAID = r"排名|排序|排行|排列|排个|排一下|从最少|从最多|往上排|升序|降序|依次"
# Group words that say which level the bodies are (“的镇”, “三个镇”), beyond the level names themselves.
TOWN_WORDS = r"乡镇|[的个各全]镇|镇(?:有|是|里|中|当中|之中|名单)|哪些镇|哪个镇|哪几个镇|哪个乡|哪些乡"
# “比侯家镇多” with the body blanked: a condition against another body's figure.
BEATS = r"比□[^，。？?□]{0,8}?(多|少|高|低)"
# Difference said as such (相差, 差多少): two years compared this way are a difference, not a growth.
DIFFERENCE_SAID = r"相差|差多少|差几|差距|差额|之差|减去|还剩"
GROWTH_PCT = r"百分之几|百分之多少|百分比|%|增长率|增幅|降幅|幅度|几成|变化率|增速"
SHARE = r"占[^，。？?]{0,20}(?:比例|比重|百分之几|百分比|几成|多少)|占比|比重|所占"
RATIO = r"几倍|多少倍|倍数|比值|比率|之比|除以"
DIFFERENCE = (
    r"[比较][^，。？?]{0,20}(?:多|少|高|低)[^，。？?]{0,4}(?:多少|几)"
    r"|相差|差多少|差几|差距|差了|多出|少出|差额|之差|减去|还剩"
)
AVERAGE = r"平均|均值|人均|月均|年均|每月|每个月|镇均(?![未没无])|乡均(?![未没无])|每个乡镇|每镇"
PER_MONTH = r"每月|每个月|月均|平均每月|一个月"
PER_YEAR = r"年均|每年|平均每年"
ALL = (
    r"是否所有|是不是所有|是否都|是不是都|所有[^，。？?]{0,12}都|全部[^，。？?]{0,12}都|均未|无一例外|是否全都|是不是全"
    r"|每个[^，。？?]{0,6}都|全都|都没有[^，。？?]{0,12}吗|全为零|全是零|全部为零|均为零|都为零|都是零"
)
MAX = (
    r"最多|最高|最大|最活跃|最积极|第一|之最|谁多|哪个多|哪个更多|谁更多|更多|多一些|多些|较多"
    r"|(?:谁|哪个|哪一个)[^，。？?]{0,14}多[?？]?$"
)
MIN = (
    r"最少|最低|最小|垫底|倒数第一|谁少|哪个少|哪个更少|谁更少|更少|少一些|少些|较少"
    r"|(?:谁|哪个|哪一个)[^，。？?]{0,14}少[?？]?$"
)
RANK = (
    r"排名|排序|排行|从高到低|从多到少|从少到多|从低到高|依次"
    r"|前[二三四五六七八九十\d]+|倒数|名次|排个序|排个名|排列|排一下"
    r"|升序|降序|排前面|在前|往上排|由低到高|由高到低|从最少|从最多"
)
ASCENDING = r"从少到多|从低到高|升序|倒数|最少的|由少到多|由低到高|少的排前|少的在前|从最少|往上排"
COUNT = (
    r"几个|多少个|多少家|几家|几所|多少所|有几[个家]?(?:乡镇|镇|乡|街道|单位|部门)"
    r"|(?:乡镇|镇|乡|单位|街道)的?(?:数量|个数|数)$|(?:乡镇|镇|乡|单位|街道)有多少"
)
# How many kinds, measures or problems the report sets out (分成了几类, 列了几条改进措施, 从哪几个方面): a count of the
# items of a list the report prints, not a figure it states. (几条建议 is the proposals figure: not here.)
KIND_COUNT = r"(?:几|多少)(?:大|个)?(?:类|种类|类别|类型)|(?:几|多少)种(?!.*(?:哪|最))"
LISTED_COUNT = (
    KIND_COUNT + r"|(?<!哪)(?:几|多少)(?:个|条|项|点|大)[^，。？?\d]{0,4}?(?:方面|措施|举措|问题|不足|做法|短板|亮点)"
    r"|(?:类别|种类|类型|分类|方面|措施|举措)(?:有|共有|一共有)?(?:几|多少)(?:个|项|类|条|种)?"  # 类别有几个
)
LIST = r"哪些|哪几个|哪几家|列出|列举|有哪|都有谁|是哪|哪个|哪一个|哪家|名单|谁"
YESNO = (
    r"是否|有没有|是不是|有无|吗[?？。!！\s]*$|没有吗|过吗|了吗"
    r"|没有[?？]?$|了没[?？]?$|吧[?？]?$|没[?？]?$|超没超过|达没达到"
)
COMPARE = r"比较|对比|相比|有何不同|有什么不同|有什么区别|差别|放一起|放在一起|两相比|比一比|做个比较|对照|vs|VS"
SUM = (
    r"一共|合计|总共|共计|加起来|加在一起|加一下|加总|相加|总和|总计|累计|合起来"
    r"|共有|共多少|总数|加上|算上|历年|共[^，。？?]{0,6}(?:多少|几)"
)
# A phrase done or said, asked back to front: which body did it (哪个镇开展了…, 哪些单位提到…).
WHICH_BODY_VERBS = (
    r"开展|举办|组织|提到|提出|提及|建立|建设|设立|设了|推行|实行"
    r"|实施|落实|制定|出台|开通|上线|采用|使用|设置|打造|创新|召开"
    r"|成立|写了|写到|说|纳入|存在|利用|下载|查阅|获取|签订|签署|合作|共建|启用|印发|编制|修订|更新"
)
WHICH_BODY_ASKED = r"(?:哪个|哪些|哪几个|哪一个|是哪个)(?:乡镇|镇|乡|街道|单位|部门)|哪家|谁家"
DESCRIBE_ASKED = r"如何|怎样|怎么|什么|哪些|有哪|情况|在哪|啥"

# ---------------------------------------------------------------- conditions
NUMBER = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
# A follow-up that only moves a threshold (“门槛降到三百条呢”): a number with its unit, not 一共 or 几个.
NEW_THRESHOLD = r"(?<![一共几])(\d+(?:\.\d+)?|[零〇二两三四五六七八九十百千]+|一[十百千万])(?=[条件篇次项]|万条|千条)"
SCALE = r"(万|千)?"
THRESHOLDS: tuple[tuple[str, str], ...] = (
    (
        rf"(?:在|介于)?{NUMBER}{SCALE}\s*[件条篇次个项]?\s*(?:到|至|-|~)\s*{NUMBER}{SCALE}\s*[件条篇次个项]?\s*之间",
        "between",
    ),
    (rf"(?:不少于|不低于|至少有?|大于等于|达到|达|≥|>=)\s*{NUMBER}{SCALE}", ">="),
    (rf"(?:不超过|不多于|至多有?|小于等于|≤|<=)\s*{NUMBER}{SCALE}", "<="),
    (rf"(?:超过|大于|多于|高于|超出|>)\s*{NUMBER}{SCALE}", ">"),
    (r"(?:过|破)()(万|千)", ">"),
    (rf"(?:少于|低于|小于|不到|不足|<)\s*{NUMBER}{SCALE}", "<"),
    (rf"{NUMBER}{SCALE}\s*[件条篇次个项]*\s*(?:以上|及以上|或以上)", ">="),
    (rf"{NUMBER}{SCALE}\s*[件条篇次个项]*\s*(?:以下|及以下|或以下)", "<="),
    (rf"(?:等于|正好是|恰好是|刚好)\s*{NUMBER}{SCALE}\s*[件条篇次个项]", "=="),
)
# Negation as a token of its own: “无” in “无正当理由” or “无法提供” is part of a measure name, blanked before this.
ZERO = r"没有|没|未|为0|为零|是0|等于0|零|从无|无(?!法)|0件|0条|不曾|尚无|一件也没"
NOT_ZERO = r"不为零|不是零|非零|不为0|不等于0|不等于零|不是0"
# The question's own closing “…没有？”, “…了没”: a question mark, not a negation.
ASKING_TAIL = r"(?:没有|没|了没|吧)[?？。\s]*$"
NONZERO = r"不为零|不是零|非零|不为0|收到过|有过|有没有|有无|有[^没无]{0,6}(?:申请|收到|发生)|收到了|发生过"

# Words pointing back at the last turn's bodies or findings (“针对这些问题，他们怎么改进的”): a follow-up even
# when it names no body and asks no figure. 其中/其他 are not pointers.
ANAPHORA = (
    r"他们|它们|她们|这些|这几个|这两个|上述|以上这些|刚才|该单位|该镇|该乡|该街道|该部门|它(?!们)|其(?![中他它余])"
)
PRONOUN_SUBJECT = r"^(?:它|该单位|该镇|该乡|这个单位|这个镇|这个乡|这家|他们)|它和|它跟|它与"

# ---------------------------------------------------------------- scope and years
FOLLOW_UP = r"^(?:那|那么|它|它的|其|该|这个|还有|另外|同样|那个|换成|改成|换作)|呢[?？。!！\s]*$"
PRONOUN = (
    r"它|其(?!中|他|它|余|次)|该单位|该镇|该乡|本机关(?!不掌握)"
    r"|本单位|本镇|本乡|这个单位|这个镇|这个乡|这家|他们|对方|上面那个|这里"
)
LATEST = r"最新|最近一年|最近的|最近那年|最新一年|最新的"
RELATIVE = r"去年|上一年|前一年|上年|头一年"
FOLLOWING = r"下一年|后一年|次年"  # “那下一年呢？”: one year on from the year asked before
YEAR = r"((?:19|20)\d\d)\s*(?:年|年度)"
# “2018、2019、2020这三年”: years listed, each closed by 年 or by the next one
YEAR_IN_LIST = r"((?:19|20)\d\d)(?=\s*(?:年|、|，|,|和|与|及|跟|这|两|三|至|到))"
YEAR_RANGE = r"((?:19|20)\d\d)\s*年?\s*(?:到|至|-|—|~|～)\s*((?:19|20)\d\d)\s*年"
CN_YEAR = r"[〇零一二][〇零一二三四五六七八九]{3}(?=年|至|到|、|和|与|两|三|个)"  # 二〇二一年, digit by digit
COMPARED_TO = r"比|较"  # “2021年比上一年”: a named year that is its own comparison's later end
SHORT_YEAR = r"(?<![\d])(0[7-9]|[12]\d)(?=\s*(?:年(?!度?[内中末初底])|、\d\d|和\d\d|[两三]年))"
CN_SHORT_YEAR = r"(?<![〇零一二三四五六七八九])([〇零一二][〇零一二三四五六七八九])年"

# Words that look like a name but gather bodies (“全部乡镇”), and words that are not a counted thing.
# Names shaped like a body that are not one: group words, and 区 that are areas of a hall or a town, not districts.
NOT_A_BODY = (
    r"全部|所有|各|哪|几|每个|乡镇$|^乡镇|专区|社区|小区|辖区|片区|景区|园区|城区|街区|校区"
    r"|功能区|体验区|服务区|办公区|阅览区|等待区|申请区|互动区|查阅区|咨询区|展示区|办事区|受理区"
)
NOT_A_NOUN = (
    r"^[多少]|公开|发布|主动|公开的|各自|加起来|合计|一共|多出|总共|分别|累计|平均|比例"
    r"|哪|几|多少|增加|减少|增长|下降|变化|涨|相比|比|乡镇|镇$|单位"
)
# A follow-up that adds to the previous question rather than replacing a slot: “加上白奎镇”, “比港口乡多多少”.
COMBINE = r"^(?:那)?(?:加上|算上|再加|比|和|跟|与|同|较|相比|对比)"

# Things reports count in prose that no measure names: asked by their noun.
PROSE_NOUNS: tuple[str, ...] = (
    "政策解读", "图文解读", "解读", "新闻发布会", "发布会", "培训", "工作动态", "政务动态", "政策文件", "人事信息",
    "财政预决算", "预决算", "通知公告", "机构职能", "政府开放日", "在线访谈", "民意征集", "回应关切", "领导信息",
    "重点领域信息", "规划计划", "政务公开组织推进", "执行公开", "业务动态", "概况信息", "财政信息",
)  # fmt: skip
# Broad figures and the narrower figures whose wording contains theirs (key prefix): beside one of those, the broad
# one's words are part of the narrower name, unless they name it as itself.
NARROWER: dict[str, str] = {
    "fact.proactive_total": "fact.",
    "requests.new_received.total": "requests.",
    "requests.denied.total": "requests.denied_",
    "requests.unable.total": "requests.unable_",
    "requests.rejected.total": "requests.rejected_",
    "appeals.litigation.total": "appeals.litigation_",
}
NAMED_AS_ITSELF = r"主动公开|新收|本年新收"
# Wholes whose parts a which_part question compares: not a part themselves.
WHOLES = frozenset({"fact.proactive_total", "requests.handled_total.total", "requests.new_received.total"})
# The bare words a broad figure shares with every figure of its kind: beside any other figure, they name nothing.
GENERIC_CUES = frozenset(
    {"申请", "依申请公开", "公开申请", "信息公开申请", "发布了多少", "公开了多少", "发布信息", "公开信息"}
)
TOP_K = r"(?:前|的|最[多少高低]的|排)([两二三四五六七八九十\d]+)(?:个|名|家|位)"
NOUN_SUFFIXES = ("信息", "班")  # a counted noun as asked may carry these (财政预决算信息, 培训班)
# Generic wrappers around one named item of a list (机构职能方面的信息, 机构职能类信息, 重点领域的信息): the item is the
# name before them. Longest first, so “方面的信息” goes whole.
ITEM_WRAPPERS = ("方面的信息", "方面信息", "类的信息", "类信息", "的信息", "方面", "类")
# A question naming one item that way (几条机构职能方面的信息, 人事方面有多少条) asks the item's stated figure, never
# how many kinds the list holds (几个方面, 哪几类): two characters at least before the wrapper, no question word.
# 类 closing a word of its own (按内容分类的信息, 各种类, 门类) is no wrapper: the words before it name no item.
NAMED_ITEM = (
    r"(?P<item>[^，。？?\d几多少哪个条项各些了的是\s]{2,8})(?:方面|(?<![分种门归])类)(?:的?信息|(?=有|共有|一共有))"
)
NOT_ITEMS = frozenset({"主要", "重要", "不同", "具体", "哪些", "以下", "下列"})  # “几个主要方面”: no item named
# Right after a noun, where it plainly ends: a joiner, a sum or question word, punctuation or the end.
NOUN_ENDS_HERE = r"(?=和|与|及|、|跟|以及|一共|合计|加起来|总共|共|有|是|的|分别|各|多少|几|[?？，,。]|$)"
ALL_YEARS = r"历年|累计|各年|历年来"
LEVEL_PAIRS = r"镇街|街镇|乡镇街道"
ALL_BODIES = r"所有|全部|各"  # “所有乡镇”: every body of the level, not the ones asked about before
# A count or a quantifier of the reports (or bodies) themselves — “五份报告里”, “这几份年报”, “所有单位”: the scope
# asked (every report held), never the thing counted, and no pointer back to the last turn's bodies or years.
REPORTS_QUANTIFIED = (
    r"(?:(?<!哪)(?:这|那)?(?:[两二三四五六七八九十百\d]+|几)(?:份|篇|个|家)|这些|那些|全部|所有|各|全体)"
    r"的?(?:年度报告|年报|报告|单位|机关)|(?<!哪)(?:这|那)?(?:[两二三四五六七八九十\d]+|几)份(?![额数])"
)  # not “这份报告”: one report pointed at is the last turn's
JOINER = r"和|与|及|、|跟|以及|还有"
NOUN_STOP = "的和与及、或跟同比较数篇条件次场份个项期多几共有是了在为□，。？?！!呢吗"

# ---------------------------------------------------------------- ask back
# Words that fit two figures: a question using them without a word that decides asks which is meant.
AMBIGUOUS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"(?<!予以)(?<!部分)(?<!不予)公开了?(?:几|多少)件", ("fact.proactive_total", "requests.granted.total")),
    (r"(?<!不予)(?<!要)处理了?(?:几|多少)", ("requests.handled_total.total", "proactive.penalty.decisions")),
    (
    r"没(?:有)?公开的申请"
    r"|未(?:予)?公开的申请", ("requests.denied.total", "requests.unable.total", "requests.rejected.total")),
    (r"(?<!上年)(?<!上一年)结转(?!下年)(?:的)?申请|结转的(?:比|有|是|多少|几)", ("requests.carried_over.total",
                                                                     "requests.carried_forward.total")),
    (r"采购(?:了|的)?(?:多少|几)", ("proactive.procurement.items", "proactive.procurement.amount")),
    (r"(?:制发|出台|发布)了?(?:多少|几个?)(?:个|件)?文件",
     ("proactive.rules.issued", "proactive.normative_docs.issued")),
    (r"(?<!许可)(?<!处罚)(?<!强制)处理决定", ("proactive.licensing.decisions", "proactive.penalty.decisions",
                                            "proactive.enforcement.decisions")),
    (r"(?<!事业性)(?<!信息处理)收费(?!金额|情况|及减免)", ("proactive.fees.amount_wan", "info_fee")),
)
# ---------------------------------------------------------------- counted nouns (things only prose counts)
# “多少篇政策解读”, “政策解读的篇数”, “政策解读发布了几条”: where the counted noun sits around the question word.
PROSE_CLASSIFIER = r"个|处|家|所|名|座|块|间"  # “9个社区服务点”: the measure word between a count and its noun
# A question's measure word or unit right after 多少/几 (“多少车次广播车”, “多少个村设置了…”, “几期培训班”): the
# counted noun follows it. Units of two characters first, so 车次 is never read as the noun's first character.
MEASURE_WORDS = (
    r"车次|人次|场次|架次|批次|万张|万份|万条|个|处|家|所|名|座|块|间|条|篇|件|次|项|张|场|期|份|回|册|本|部|台|户|位|批|轮"
)
# Where a counted noun ends, before what was done with it (“村|设置了”, “工作人员|参加了”, “村|都设置”): a verb of
# these, or an adverb, particle or question word after it.
COUNTED_NOUN_END = (
    r"设置|设立|设有|建立|建成|建设|安装|配备|张贴|放置|开设|开通|开展|举办|组织|召开|参加|参与|安排|发放|印发|发布"
    r"|公开|推送|覆盖|实现|完成|接受|收到|办理|设|建|装|放|贴|发|办|开|都|均|各|分别|共|一共|总共|已|还|也|的|了|在"
    r"|里|呢|吗|是|有"
)  # each a whole word of jieba's: 设 ends a noun, 设施 does not
# “80余车次”, “300多条”, “约50场”, “20场左右”: an approximate figure, never stated as an exact count.
APPROXIMATE_AFTER = r"余|多|来"
APPROXIMATE_BEFORE = r"约|近|大约|将近|超过|逾"
APPROXIMATE_TAIL = r"左右|上下"
# The asker's own hedge before the question word (“大概多少”, “差不多有几场”): asks the figure, exact or not.
HEDGE = r"大概|大约|大致|差不多|约莫|估计|粗略|大体"
# Verbs of an action whose count a report states (发放明白纸24万张, 出动广播车80车次): before or after the thing in a
# question (发放明白纸 / 明白纸发放了), they are the question's, not part of the thing.
COUNTED_ACTION = r"发放|印发|出动|张贴|悬挂|播放"
COUNTED_NOUN: tuple[str, ...] = (
    r"(?P<noun>[\u4e00-\u9fff]{2,10}?)的?(?:篇数|条数|次数|场次|件数|期数|份数)",
    r"(?<!哪)(?:多少|几)[条篇件次场份项个期回张册本部台]?(?P<noun>[\u4e00-\u9fff]{2,10}?)(?:[?？。!！]|呢|吗|$)",
    r"(?P<noun>[\u4e00-\u9fff]{2,10}?)(?:一共|共|总共|总计)?(?:发布|公开|开展|举办|组织|召开|推送|" + COUNTED_ACTION
    + r"|发|有|做)?了?"
    r"(?<!哪)(?:多少|几)[条篇件次场份项个期回张册本部台]",  # 哪几个 asks which, not how many
    # “在几个社区服务点设了公开栏”: the counted noun, then what was done there
    r"(?<!哪)(?:多少|几)(?:个|处|家|所)(?P<noun>[\u4e00-\u9fff]{3,8}?)(?:都|均|各|分别)?(?:设|建|安装|配备|张贴|放置)",
)
NOUN_TRIM = (
    r"^(?:共计|一共|总共|累计|合计|共|各自|分别|加起来|发布了?|公开了?|开展了?|组织了?|举办了?|召开了?|推送了?|的|了|年|度"
    r"|按照?|以|根据|总)+"  # “按总条数排”: the sort key's own words
    r"|(?:活动|工作|情况|啊|呀|呢)$"
)
# Nouns a typed prose fact counts (indexing.facts): asked by these words, answered from that fact.
TYPED_NOUNS: dict[str, str] = {"政策解读": "policy_interpretations", "新闻发布会": "press_conferences",
                               "发布会": "press_conferences"}
NOT_NOUNS = frozenset({"信息", "政府信息", "政务信息", "申请", "公开申请", "报告", "东西", "内容", "数量"})
MODIFIER_GAPS = ("", "的", "了", "过")  # a figure this close before a noun qualifies it: 主动公开的疫情防控信息
# What a which-body question did, as worded: the question's own words dropped (“哪个镇开展了政府开放日” → 政府开放日).
PHRASE_DROPPED = (r"[□?？。!！，,]|有哪些|有哪几个|有哪个|哪些|哪个|哪几个|哪一个|哪家|单位|乡镇|镇|乡|街道|部门"
                  r"|在年报中|年报里|报告中|提到了?要?")
DONE_VERB = (r"^(?:开展|举办|组织|召开|成立|设立|建立|设了|设置|实行|实施|推行|落实|制定|出台|开通|利用|写了|提到|提出"
             r"|提及|存在|纳入|" + COUNTED_ACTION + r"|把)了?过?")
# The frame of a prose claim asked about (“哪些乡镇在报告中明确说明当年未收取…”, “有没有把…纳入…吗”): what is left
# is the thing done. NEGATION: the words that say a thing was not done.
CLAIM_FRAME = (
    r"[□?？。!！，,、]|(?:19|20)\d\d年度?|是否|有没有|有无|是不是|吗|呢|有?哪些|有?哪个|有?哪几个|哪一个|哪家|乡镇|街道|单位|部门"
    r"|^在|^对|^有"
    r"|在?(?:报告|年报)(?:中|里)|年度报告|年报|报告|可以|能够|明确|说明|写明|表示|提到了?|当年|本年度?|该年|我们|他们|它"
    r"|的|是|把|将|了|过|镇|乡"
)
ASKS_WHAT = r"什么|哪|怎么|怎样|如何|多少|几"  # a question asking what or how much is no yes/no claim
ASKING_WORDS = ASKS_WHAT + r"|是否|有没有|吗|呢"  # any asking word: the clause holding one says what is asked
NEGATION = r"未|没有|没|无(?!论)|不(?![断仅少同定论但])|尚未|暂无"
# Verbs any act is done with (实行/严格/落实 the same 制度): they do not tell one claim from another.
DOING = r"实行|实施|推行|开展|举办|组织|落实|采用|使用|利用|进行|坚持|做好|严格|执行"
# “公开多少条政府信息”: the amount asked sits inside the figure's words; read as “公开政府信息多少条” (same length).
COUNT_INSIDE = r"(?<![多少])(公开|发布|公布)(了?(?:几|多少)[条篇件个]?)((?:的)?(?:政府|政务)?信息)"  # not 多发布了多少
TITLE = r"《[^》]{1,40}》"  # a document's title: its words name no figure
QUOTE_MARKS = r"[“”\"'《》]"
AFTER_THING = r"(?:发布|公开|推送|开展|办理|收取|" + COUNTED_ACTION + r").*$"
THING_TAIL = r"(?:活动|工作|情况|的问题|问题)$"
CLASSIFIER_HEAD = r"^[万千]?[张条篇件次个份场期项](?=..)"

# ---------------------------------------------------------------- words the operation rules test
WHETHER = r"有没有|有无|是否"  # the question's own yes/no words, before negation is read
ASKS_ANEW = r"哪|几|多少|是否|吗|最"  # a follow-up without these keeps the previous operation (“超过五件呢”)
ASKS_AMOUNT = r"多少|几[条篇件次场个]|最"  # a which-body question that counts is a figure question
AMOUNT_OR_WHETHER = r"多少|几|是否|吗|有没有|有无"  # “…不为零的乡镇” without these is a list
WHICH_OF_NAMED = r"哪个|哪一个|还是"  # “网站、公众号、微博里哪个发得最多”: one of the named parts
WHICH_BODIES = r"哪个(?:镇|乡|乡镇|街道|单位)|哪些"
WHICH_OR_HOW_MANY = r"哪|谁|有几|多少个"
WHICH_SEVERAL = r"哪些|哪几"
LIST_ASKED = r"哪|谁|名单|列出"
PART_CHANNEL = r"渠道|平台|方式|途径"  # which part: the channels
PART_HANDLING = r"理由|情形|原因|处理结果|办理结果"  # which part: the handling of requests
EACH = r"分别|各自|各是"
MOST = r"最多|最高|最大"  # said beside 最少 (“最多和最少”): the largest is asked
BEATS_MORE = "多高"  # BEATS' word meaning more
TOP_N = r"前([两二三四五六七八九十\d]+)"
WHOLE_MARK = r"中|里|当中|之中|其中"  # “不予公开的申请中…占多少”: the figure named is the whole
WHOLE_FIRST = r"[^，。？?]{0,6}(?:中|里|当中|之中)[，,]"  # “网站发布的信息中，业务动态占…”: the whole named first
SCALES = {"万": 10_000, "千": 1_000}
DEFAULT_LEVEL = "乡镇"  # “哪个比侯家镇多” with no level said: the towns
PAIRED_LEVELS = ("乡镇", "街道")  # LEVEL_PAIRS (镇街) names both

# When no figure is named at all, the readings offered back.
DEFAULT_READINGS: tuple[str, ...] = ("requests.new_received.total", "fact.proactive_total")
ASKS_FIGURE = r"几|多少|数量|排名|排序|排第|最多|最少|最高|最低|一共|合计|平均|增长|减少|比例|倍"


def compiled(pattern: str) -> re.Pattern[str]:
    return _cache.setdefault(pattern, re.compile(pattern))


_cache: dict[str, re.Pattern[str]] = {}

# ---------------------------------------------------------------- questions about the reports themselves (about.py)
# “哪些镇属于文登区”, “属于安丘市的有哪些”: the bodies a named region holds.
MEMBERS_ASKED = (
    r"(?:哪些|哪几个|哪个|几个|多少个)[^，。？?]{0,6}(?:属于|隶属|位于|归)|(?:属于|隶属|位于)[^，。？?]{0,12}(?:哪些|哪几|几个|多少个)"
)
# An inventory question (“语料中有几份2021年的年度报告”, “文登区有几个镇发布了年度报告”) holds its scope's names
# and these words only; anything left is a condition on the reports (“没有写落款日期”, “写得最认真”) the list alone
# does not meet.
INVENTORY_WORDS = (
    r"\d{4}年度|\d{4}年|\d+份|[一二两三四五六七八九十几]份|份|语料|库|哪些|哪几个|哪几|哪个|几个|多少个|多少|几家"
    r"|政府信息公开工作|政府信息公开|年度报告|年度|报告|年报|工作|人民政府|政府|乡镇|街道|单位|部门|机关|镇|乡"
    r"|属于|隶属|位于|归|发布|公布|出具|编制|提交|其中|一共|总共|共|这|那|有|是|的|了|在|中|里|内|呢|吗"
)
# “没有写落款日期”, “缺少成文日期”: the signature asked as missing
MISSING_WORDS = r"没有|没|未|缺少|缺失|缺了|无|不带|不含"
# “哪些乡镇用抖音发布”, “开通了抖音号”, “有抖音账号”: a which-body question about a channel being used
CHANNEL_USED = r"用|通过|借助|依托|开通|开设|注册|运营|建立|建有|有"
# “…微信公众号发布消息306条”: an act of publishing right after a channel's name (the sentence to cite for it)
PUBLISHED_THROUGH = r"发布|刊发|推送|发表|公开|更新"
# “这份年报是哪一年度的”, “报告的年份是” — the year a body's report covers (not when it was signed).
REPORT_YEAR_ASKED = (
    r"哪一?个?年度?的(?:年度)?(?:报告|年报)|(?:报告|年报)(?:是|属于|为)?哪一?个?年度?|(?:报告|年报)的?(?:年度|年份)"
)
# “在铜鼓县人民政府网站下载”: a body's name before these words names a site, not a body asked about.
SITE_AFTER = r"(?:门户)?网站|官网|网(?!格)|公众号|微博|平台|政务号"

# ---------------------------------------------------------------- channels a report names in prose (things.py)
# “通过哪些平台发布信息”, “用了哪些新媒体平台”, “渠道有哪些”: which channels the reports name, answered item by item.
CHANNEL_KINDS = r"平台|渠道|方式|途径|载体|阵地|新媒体|媒体|账号|政务号|窗口"
CHANNELS_ASKED = (
    rf"(?:哪些|哪几[个种类家]?|哪[两二三四五六七八九十]个|什么|啥)[^，。？?哪几多少最]{{0,8}}?(?:{CHANNEL_KINDS})"
    rf"|(?:{CHANNEL_KINDS})(?:都|主要|分别)?(?:有|包括|是)(?:哪些|什么|哪几)"
)
# Channels asked for something other than publishing (“通过哪些方式申请”): the ways to apply are not channels.
CHANNELS_NOT_ASKED = r"申请"
# What a channel's name holds: an item with none of these is no channel (“在线指导、现场辅导等方式” are ways of
# learning, not channels).
CHANNEL_HEADS = (
    r"网站|官网|门户|公众号|微信|微博|抖音|快手|头条|企鹅号|视频号|客户端|APP|专栏|公开栏|公告栏|宣传栏|公示栏|大厅"
    r"|服务中心|服务点|广播|电视|报纸|日报|媒体|明白纸|手册|宣传册|电子屏|显示屏|大屏|触摸屏|查阅点|查阅室|热线|信箱"
    r"|邮箱|平台|政务号|发布会"
)
# A kind word closing a list (“文登大众、文登发布等新媒体”, “网站、公众号两个平台”): it says its items are channels.
MEDIA_KINDS = r"新媒体|媒体|平台|渠道|载体|政务号|账号"
# Verbs a channel is used with (“通过A、B发布”, “依托X”, “用好Y”): the channels named follow them.
MEANS_VERBS = r"通过|依托|利用|借助|运用|发挥好?|用好|办好|管好|开通|开设|设立|设置了?|依靠|借力"
# Where a channel's name ends inside its clause: the act done through it, a count of kinds, a 等.
CHANNEL_NAME_END = (
    r"等|[\d一二两三四五六七八九十]+[个种类家项]|(?:主动)?公开(?!栏|专栏|平台)|发布(?!平台|渠道|会)|刊发|推送|发表"
    r"|报道|转载|更新|公示(?!栏)|及时|定期|适时|全面|大力|做好|的作用|作用|进行|开展|向|把|将|对"
)
# words before a name that are not part of it (“持续完善政务新媒体”, “结合政务热线”)
CHANNEL_LEAD = (
    r"^(?:好|了|发放|张贴|在|其中|并|还|同时|以及|及|结合|持续|不断|完善|加强|强化|优化|用好|办好|做好|建好|管好|继续|积极)+"
)
# 各类渠道, 多种方式: a quantifier and a kind word are no name of their own
GENERIC_ITEM = r"^(?:各类|各种|多种|多个|各个|其他|其它|相关|多元|多样|不同)"
LIST_SEPARATORS = r"、|以及|和|及|与|或"
# “采取了哪些措施”, “有什么做法”: measures a passage lists inline (“通过A、B、C等措施”) are shown as those items.
MEASURE_KINDS = r"措施|举措|做法|办法|手段"
MEASURES_ASKED = (
    rf"(?:哪些|哪几[项条个种]?|什么)[^，。？?哪几多少最]{{0,8}}?(?:{MEASURE_KINDS})"
    rf"|(?:{MEASURE_KINDS})(?:都|主要)?(?:有|包括|是)(?:哪些|什么|哪几)"
)

# ---------------------------------------------------------------- questions the assistant reads in a special way
# Two questions in one (“新收多少件，结转多少件？”, “…多少件？…多少件？”): each clause holding one of these asks a thing
# of its own (“这几份报告” points, it does not ask); the clauses are cut at these marks (assistant.parts_asked).
PART_ASKS = r"多少|(?<![这那])几[个件条家项篇次种类位份]|哪些|哪个|哪几|哪一|什么|是否|有没有|怎么|如何|怎样|吗"
PART_BREAKS = r"[，,；;？?]"
# “哪些报告没有披露…的数量”, “谁没填…”, “…是空白的”: which reports leave a figure blank or lack its table — not
# which stated it as zero (structured.answer_undisclosed).
UNDISCLOSED = (
    r"(?:没有|没|未|不曾|尚未)(?:披露|公布|填写?|填报|写明|列出|给出|报送|载明)|空白|空着|留空|为空|是空的|缺少|缺失|缺了"
)
HOW_MANY = r"(?<![这那哪])几|多少"  # …of them: a count
# What a body did in the report year (“采取了哪些措施”, “开展了哪些工作”), asked apart from its plans: answered from the
# sections on that year's work, not the next year's plans (passages.answer_passages, done=True).
DONE_ASKED = (
    r"采取了|采取过|采取的|开展了|开展过|做了|做过|做出了|实施了|推行了|落实了|推进了|取得了|完成了|干了|搞了"
    r"|(?:是|都)(?:如何|怎么|怎样)(?:做|开展|推进|落实)的"
)
# A question that does ask for plans or improvements: these are answered from the plans (and labelled as such).
PLANS_ASKED = r"计划|打算|将要|将会|准备|下一步|下一年|明年|来年|今后|以后|未来|改进|整改|拟|怎么加强|如何加强|要怎么"
# A sentence or list heading that sets out plans (“2022年将重点从以下三方面…”, “下一步，我镇将…”).
PLAN_SAYS = r"将重点|将继续|将进一步|将从|将以|将着力|将围绕|下一步|下一年度?|明年|今后|计划|打算|拟|改进措施|改进情况"
# A sentence or list heading that sets out the year's problems (“存在的主要问题为：”): no measure taken.
PROBLEMS_SAY = r"存在的(?:主要)?问题|问题(?:为|是|有)[：:]|不足之处|短板|薄弱环节"
# A part that leans on the part before it (“…，分别是多少”, “合计多少”, “多多少”): with these and its asking word
# taken away, nothing of its own is left — the whole is one question.
LEANING = (
    r"分别|各自|各|一共|共计|总共|合计|总计|加起来|相差|差|多|少|是|有|为|的|了|呢|吧|那|又|还|都|其中|[？?，,；;。\s]"
)


# ---------------------------------------------------------------- what a body did in its year (answering/passages.py)
WORK_DONE_HEADINGS = ("采取的措施",)
# the verbs and markers a report's own measures are written with (“一是加强…”, “完善…机制”)
WORK_DONE_WORDS = ("一是", "加强", "完善", "健全", "落实", "建立", "开展", "推进", "规范", "强化")

# ---------------------------------------------------------------- kinds listed with counts (answering/passages.py)
TALLY_LEAD = r"^(?:其中|包括|包含|含|分别为|分别是|即)[：:]?"  # what may open a run of “<kind><count>” clauses
TALLY_TOTAL = r"共计|合计|总计|总共|一共|共(?:发布|公开)|累计|各类"  # a clause that totals the kinds is no kind

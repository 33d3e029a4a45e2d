"""Seed values of the reference lists (REFERENCE.md). Pure data: no Flask, no database.

The database copy (``ReferenceItem``) is what the product uses and the system admin edits; these
tuples are only what ``flask seed`` writes on an empty list and what pure rules fall back to.
"""

#: GB/T 4754-2017 sections (门类): (code, name)
INDUSTRIES = (
    ("A", "农、林、牧、渔业"),
    ("B", "采矿业"),
    ("C", "制造业"),
    ("D", "电力、热力、燃气及水生产和供应业"),
    ("E", "建筑业"),
    ("F", "批发和零售业"),
    ("G", "交通运输、仓储和邮政业"),
    ("H", "住宿和餐饮业"),
    ("I", "信息传输、软件和信息技术服务业"),
    ("J", "金融业"),
    ("K", "房地产业"),
    ("L", "租赁和商务服务业"),
    ("M", "科学研究和技术服务业"),
    ("N", "水利、环境和公共设施管理业"),
    ("O", "居民服务、修理和其他服务业"),
    ("P", "教育"),
    ("Q", "卫生和社会工作"),
    ("R", "文化、体育和娱乐业"),
    ("S", "公共管理、社会保障和社会组织"),
    ("T", "国际组织"),
)

#: National vocational qualification levels, lowest first: (code, name). Code "1" is the highest.
SKILL_LEVELS = (
    ("5", "初级工（国家职业资格五级）"),
    ("4", "中级工（国家职业资格四级）"),
    ("3", "高级工（国家职业资格三级）"),
    ("2", "技师（国家职业资格二级）"),
    ("1", "高级技师（国家职业资格一级）"),
)
#: The levels a reward is paid for (现晋升的技能等级).
NEW_LEVEL_CODES = ("2", "1")
TECHNICIAN = "2"
SENIOR_TECHNICIAN = "1"

EDUCATIONS = (
    ("primary", "小学"),
    ("junior", "初中"),
    ("senior", "高中"),
    ("secondary_vocational", "中专"),
    ("technical_school", "技校"),
    ("vocational_high", "职高"),
    ("college", "大专"),
    ("bachelor", "本科"),
    ("master", "硕士研究生"),
    ("doctor", "博士研究生"),
)

UNIT_KINDS = (
    ("state", "国有（国有控股）"),
    ("collective", "集体"),
    ("private", "个私"),
    ("joint", "合资"),
    ("foreign", "外资"),
    ("other", "其他"),
)

#: 户籍地: (first two digits of the resident ID number, province)
PROVINCES = (
    ("11", "北京市"), ("12", "天津市"), ("13", "河北省"), ("14", "山西省"), ("15", "内蒙古自治区"),
    ("21", "辽宁省"), ("22", "吉林省"), ("23", "黑龙江省"), ("31", "上海市"), ("32", "江苏省"),
    ("33", "浙江省"), ("34", "安徽省"), ("35", "福建省"), ("36", "江西省"), ("37", "山东省"),
    ("41", "河南省"), ("42", "湖北省"), ("43", "湖南省"), ("44", "广东省"), ("45", "广西壮族自治区"),
    ("46", "海南省"), ("50", "重庆市"), ("51", "四川省"), ("52", "贵州省"), ("53", "云南省"),
    ("54", "西藏自治区"), ("61", "陕西省"), ("62", "甘肃省"), ("63", "青海省"), ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"), ("71", "台湾省"), ("81", "香港特别行政区"), ("82", "澳门特别行政区"),
)

VARIANT_GENERAL = "general"
VARIANT_INDUSTRY = "industry"
VARIANTS = ((VARIANT_GENERAL, "通用工种"), (VARIANT_INDUSTRY, "行业特有工种"))

CITY_HR_AUTHORITY = "上海市人力资源和社会保障局"
#: 发证机构: (code, name, variant). 通用工种 certificates come from the city HR authority only; the
#: national industry authorities are examples the system admin completes.
ISSUERS = (
    ("sh_hrss", CITY_HR_AUTHORITY, VARIANT_GENERAL),
    ("mot", "交通运输部", VARIANT_INDUSTRY),
    ("mohurd", "住房和城乡建设部", VARIANT_INDUSTRY),
    ("miit", "工业和信息化部", VARIANT_INDUSTRY),
    ("nea", "国家能源局", VARIANT_INDUSTRY),
    ("cac", "中国民用航空局", VARIANT_INDUSTRY),
    ("nra", "国家铁路局", VARIANT_INDUSTRY),
    ("spb", "国家邮政局", VARIANT_INDUSTRY),
    ("moa", "农业农村部", VARIANT_INDUSTRY),
)

#: 区县 unions as of early 2015: (GB/T 2260 code, name)
DISTRICTS_2015 = (
    ("310101", "黄浦区总工会"), ("310104", "徐汇区总工会"), ("310105", "长宁区总工会"),
    ("310106", "静安区总工会"), ("310107", "普陀区总工会"), ("310108", "闸北区总工会"),
    ("310109", "虹口区总工会"), ("310110", "杨浦区总工会"), ("310112", "闵行区总工会"),
    ("310113", "宝山区总工会"), ("310114", "嘉定区总工会"), ("310115", "浦东新区总工会"),
    ("310116", "金山区总工会"), ("310117", "松江区总工会"), ("310118", "青浦区总工会"),
    ("310120", "奉贤区总工会"), ("310230", "崇明县总工会"),
)
#: A few 产业局 unions for a fresh install; no official list is public, so they are marked as examples.
EXAMPLE_INDUSTRY_UNIONS = ("上海市教育工会（示例）", "上海市建设交通工会（示例）", "上海市卫生工会（示例）")

CITY_CENTRE = "上海市职工技协服务中心"


def names(pairs):
    """Map code → name for one of the lists above."""
    return {row[0]: row[1] for row in pairs}

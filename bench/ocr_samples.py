"""Synthetic scans of 身份证复印件 and 等级证书复印件 with their truth, for bench/ocr_bench.py.

Each sample is drawn the way the documents are laid out (Noto CJK fonts, the documents' labels, true sizes at
the scan's resolution), then made to look scanned or photographed: paper with uneven lighting and grain,
150–300 dpi, turned by up to ±3°, a little blur and JPEG artefacts (some are sent as a one-page PDF).

    python bench/ocr_samples.py --count 6 --out /tmp/samples      # write a few to look at

Layouts:
- 身份证复印件: an A4 copy of the card's two sides at true size (85.6 × 54 mm): 姓名, 性别/民族, 出生, 住址,
  公民身份号码 on the front; 中华人民共和国 居民身份证, 签发机关, 有效期限 on the back.
- 职业资格证书 (人力资源和社会保障部 style, before 2019): the booklet's inner pages copied on A4: 姓名, 性别,
  身份证号, 职业（工种）, 等级, 证书编号, then 发证机关 and 发证日期 beside the seal.
- 职业技能等级证书 (2020 on): an A4 landscape sheet: 姓名, 证件类型, 证件号码, 职业名称, 工种, 职业技能等级,
  证书编号, 评价机构, 发证日期.
"""
import argparse
import io
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from stdnum.cn import ric

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import GIVEN, SURNAMES, TRADES

FONT_DIR = "/usr/share/fonts/opentype/noto/"
SANS, SANS_BOLD = FONT_DIR + "NotoSansCJK-Regular.ttc", FONT_DIR + "NotoSansCJK-Bold.ttc"
SERIF, SERIF_BOLD = FONT_DIR + "NotoSerifCJK-Regular.ttc", FONT_DIR + "NotoSerifCJK-Bold.ttc"
SC = 2  # the Simplified Chinese face inside the .ttc collections
MM_PER_INCH = 25.4
REGIONS = ("310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112", "310113", "310115",
           "320102", "320583", "330106", "340104", "370102", "410105", "420106", "510107", "130102", "230103")
STREETS = ("四川北路", "南京西路", "淮海中路", "曹杨路", "长寿路", "控江路", "莘庄镇莘松路", "浦东大道", "张杨路",
           "共和新路", "中山北路", "华山路", "天目西路", "长阳路")
OLD_ISSUERS = ("上海市职业技能鉴定中心", "上海市人力资源和社会保障局")
NEW_ISSUERS = ("上海市职业技能鉴定中心", "上海电气集团股份有限公司", "上海交通职业技术学院", "上海市建筑科学研究院",
               "上海汽车工业（集团）有限公司", "上海市特种设备监督检验技术研究院", "上海城建职业学院")
LEVEL_WORDS = {"2": ("技师", "国家职业资格二级", "二级/技师", "技师（国家职业资格二级）"),
               "1": ("高级技师", "国家职业资格一级", "一级/高级技师", "高级技师（国家职业资格一级）")}
ETHNICITIES = ("汉", "汉", "汉", "汉", "回", "满", "壮", "蒙古")


def random_name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))


def random_id_number(rng, male):
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40))
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0"), birth


def random_certificate_no(rng, new):
    if new:  # 职业技能等级证书: a letter (S: 社会评价组织, Y: 用人单位) and 21 digits
        return rng.choice("SY") + "".join(rng.choice("0123456789") for _ in range(21))
    return "".join(rng.choice("0123456789") for _ in range(rng.choice((16, 18))))


def _date_text(rng, day):
    style = rng.random()
    if style < 0.7:
        return f"{day.year}年{day.month:02d}月{day.day:02d}日" if rng.random() < 0.5 else \
            f"{day.year}年{day.month}月{day.day}日"
    if style < 0.85:
        return f"{day:%Y.%m.%d}"
    return f"{day:%Y-%m-%d}"


class Canvas:
    """A white page of ``width_mm`` × ``height_mm`` at ``dpi``, drawn in millimetres."""

    def __init__(self, width_mm, height_mm, dpi):
        self.dpi = dpi
        self.image = Image.new("L", (self.px(width_mm), self.px(height_mm)), 255)
        self.draw = ImageDraw.Draw(self.image)
        self._fonts = {}

    def px(self, mm):
        return round(mm / MM_PER_INCH * self.dpi)

    def font(self, path, points):
        key = (path, points)
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(path, max(6, round(points / 72 * self.dpi)), index=SC)
        return self._fonts[key]

    def text(self, x_mm, y_mm, text, points=11, path=SANS, ink=20, spacing_mm=0.0):
        font = self.font(path, points)
        if not spacing_mm:
            self.draw.text((self.px(x_mm), self.px(y_mm)), text, font=font, fill=ink)
            return
        x = self.px(x_mm)
        for char in text:  # labels printed with wide letter spacing (姓  名)
            self.draw.text((x, self.px(y_mm)), char, font=font, fill=ink)
            x += font.getlength(char) + self.px(spacing_mm)

    def box(self, x_mm, y_mm, w_mm, h_mm, ink=120, width=1, radius_mm=0):
        shape = [self.px(x_mm), self.px(y_mm), self.px(x_mm + w_mm), self.px(y_mm + h_mm)]
        self.draw.rounded_rectangle(shape, radius=self.px(radius_mm), outline=ink, width=width)

    def seal(self, x_mm, y_mm, radius_mm, ink=150):
        """A round seal (its lines only: a copy turns the red to grey)."""
        r = self.px(radius_mm)
        cx, cy = self.px(x_mm), self.px(y_mm)
        self.draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=ink, width=max(2, r // 25))
        star = self.font(SANS, radius_mm * 1.6)
        self.draw.text((cx, cy), "★", font=star, fill=ink, anchor="mm")


def id_copy(rng, dpi):
    """(page, truth) of a 身份证复印件."""
    male = rng.random() < 0.5
    number, birth = random_id_number(rng, male)
    name = random_name(rng)
    page = Canvas(210, 297, dpi)
    x, y = rng.uniform(45, 75), rng.uniform(30, 60)
    # Front (the side with the photo)
    page.box(x, y, 85.6, 54, radius_mm=3)
    page.text(x + 5, y + 6, "姓名", 8, ink=90)
    page.text(x + 15, y + 5.5, name, 10, SANS)
    page.text(x + 5, y + 13, "性别", 8, ink=90)
    page.text(x + 15, y + 12.5, "男" if male else "女", 9)
    page.text(x + 27, y + 13, "民族", 8, ink=90)
    page.text(x + 37, y + 12.5, rng.choice(ETHNICITIES), 9)
    page.text(x + 5, y + 20, "出生", 8, ink=90)
    page.text(x + 15, y + 19.5, f"{birth.year}  年  {birth.month}  月  {birth.day}  日", 9)
    page.text(x + 5, y + 27, "住址", 8, ink=90)
    page.text(x + 15, y + 26.5, f"上海市{rng.choice(STREETS)}{rng.randrange(1, 2000)}弄", 9)
    page.text(x + 15, y + 31.5, f"{rng.randrange(1, 120)}号{rng.randrange(101, 2405)}室", 9)
    page.text(x + 5, y + 45, "公民身份号码", 8, ink=90)
    page.text(x + 28, y + 44.2, number, 11, SANS)
    page.box(x + 58, y + 8, 24, 30, ink=170)  # the photo
    # Back (the national emblem side)
    by = y + 54 + rng.uniform(25, 45)
    page.box(x, by, 85.6, 54, radius_mm=3)
    page.seal(x + 12, by + 12, 7)
    page.text(x + 28, by + 8, "中华人民共和国", 12, SERIF_BOLD, spacing_mm=0.8)
    page.text(x + 24, by + 19, "居民身份证", 17, SERIF_BOLD, spacing_mm=1.2)
    start = date(2010, 1, 1) + timedelta(days=rng.randrange(365 * 10))
    page.text(x + 12, by + 36, "签发机关", 8, ink=90)
    page.text(x + 30, by + 35.5, f"上海市公安局{rng.choice(('虹口', '浦东', '徐汇', '宝山', '闵行'))}分局", 9)
    page.text(x + 12, by + 43, "有效期限", 8, ink=90)
    page.text(x + 30, by + 42.5, f"{start:%Y.%m.%d}-{start.replace(year=start.year + 20):%Y.%m.%d}", 9)
    return page, {"name": name, "id_number": number}


def _holder(rng, new):
    """(male, ID number, name, trade, level, certificate number, issuer, issue date) of a certificate's holder:
    an old 职业资格证书 (2008–2018) or a new 职业技能等级证书 (2020–2024)."""
    male = rng.random() < 0.5
    number, _birth = random_id_number(rng, male)
    name, trade, level = random_name(rng), rng.choice(TRADES), rng.choice(("2", "1"))
    certificate_no = random_certificate_no(rng, new=new)
    issuer = rng.choice(NEW_ISSUERS if new else OLD_ISSUERS)
    if new:
        issued = date(2020, 1, 1) + timedelta(days=rng.randrange(365 * 5))
    else:
        issued = date(2008, 1, 1) + timedelta(days=rng.randrange(365 * 11))
    return male, number, name, trade, level, certificate_no, issuer, issued


def old_certificate(rng, dpi):
    """(page, truth) of the 职业资格证书 booklet's inner pages copied on A4 portrait."""
    male, number, name, trade, level, certificate_no, issuer, issued = _holder(rng, new=False)
    page = Canvas(210, 297, dpi)
    x, y = rng.uniform(15, 30), rng.uniform(30, 60)
    w, h = 88, 125
    page.box(x, y, w, h, ink=140)
    page.box(x + w + 2, y, w, h, ink=140)
    # Left page: the photo and the holder
    page.box(x + 30, y + 8, 26, 34, ink=170)
    rows = [("姓名", name), ("性别", "男" if male else "女"), ("身份证号", number), ("职业（工种）", trade),
            ("等级", rng.choice(LEVEL_WORDS[level]))]
    spaced = rng.random() < 0.5
    for n, (label, value) in enumerate(rows):
        top = y + 52 + n * 13
        page.text(x + 8, top, label, 10, SERIF, ink=60, spacing_mm=1.5 if spaced and len(label) == 2 else 0)
        page.text(x + 34 if len(value) < 18 else x + 30, top - 0.3, value, 10.5 if len(value) < 18 else 10, SANS)
        page.draw.line([page.px(x + 30), page.px(top + 6), page.px(x + w - 6), page.px(top + 6)], fill=170)
    # Right page: the certificate's number, the authority and its seal
    rx = x + w + 2
    page.text(rx + 12, y + 14, "理论知识考试成绩", 9, SERIF, ink=60)
    page.text(rx + 50, y + 13.7, str(rng.randrange(60, 100)), 10)
    page.text(rx + 12, y + 24, "操作技能考核成绩", 9, SERIF, ink=60)
    page.text(rx + 50, y + 23.7, str(rng.randrange(60, 100)), 10)
    page.text(rx + 12, y + 44, "证书编号", 10, SERIF, ink=60)
    page.text(rx + 34, y + 43.6, certificate_no, 10.5)
    page.text(rx + 12, y + 70, "发证机关", 10, SERIF, ink=60)
    page.text(rx + 12, y + 79, issuer, 11, SANS)
    page.seal(rx + 62, y + 95, 15)
    page.text(rx + 12, y + 100, "发证日期", 10, SERIF, ink=60)
    page.text(rx + 12, y + 109, _date_text(rng, issued), 10.5)
    return page, {"name": name, "id_number": number, "new_level": level, "trade": trade,
                  "certificate_no": certificate_no, "certificate_issuer": issuer, "certificate_date": issued}


def new_certificate(rng, dpi):
    """(page, truth) of a 职业技能等级证书 on A4 landscape."""
    _male, number, name, trade, level, certificate_no, issuer, issued = _holder(rng, new=True)
    page = Canvas(297, 210, dpi)
    page.box(10, 10, 277, 190, ink=120, width=3)
    page.text(100, 24, "职业技能等级证书", 26, SERIF_BOLD, spacing_mm=2)
    page.box(36, 52, 30, 40, ink=170)  # the photo
    occupation = "电工" if "电" in trade else ("焊工" if "焊" in trade else trade)
    rows = [("姓名", name), ("证件类型", "居民身份证"), ("证件号码", number), ("职业名称", occupation),
            ("工种", trade), ("职业技能等级", rng.choice(LEVEL_WORDS[level])), ("证书编号", certificate_no)]
    for n, (label, value) in enumerate(rows):
        top = 52 + n * 12
        page.text(90, top, label, 12, SERIF, ink=60)
        page.text(130, top - 0.3, value, 12.5, SANS)
    page.text(170, 150, "评价机构", 12, SERIF, ink=60)
    page.text(170, 160, issuer, 12.5)
    page.text(170, 172, "发证日期", 12, SERIF, ink=60)
    page.text(195, 171.7, _date_text(rng, issued), 12.5)
    page.seal(250, 160, 18)
    return page, {"name": name, "id_number": number, "new_level": level, "trade": trade,
                  "certificate_no": certificate_no, "certificate_issuer": issuer, "certificate_date": issued}


def scanned(rng, image, dpi):
    """``image`` (grey) made to look copied and scanned or photographed: uneven light, grain, turn, blur."""
    width, height = image.size
    page = np.asarray(image, dtype=np.float32)
    # Paper: a low-frequency lighting field (brighter in one corner) and fine grain.
    gy, gx = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = rng.uniform(0, width), rng.uniform(0, height)
    light = 1.0 - rng.uniform(0.08, 0.28) * np.hypot((gx - cx) / width, (gy - cy) / height)
    tone = rng.uniform(225, 250)
    paper = tone * light
    ink = page / 255.0  # 1 paper, 0 ink
    out = paper * ink + (1 - ink) * rng.uniform(15, 45)
    out += np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(3, 9), out.shape)
    picture = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8), "L")
    picture = picture.rotate(rng.uniform(-3, 3), resample=Image.Resampling.BICUBIC, expand=True,
                             fillcolor=int(tone * 0.9))
    picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.1) * dpi / 200))
    return picture.convert("RGB") if rng.random() < 0.5 else picture


KINDS = {"id_copy": (id_copy,), "certificate_copy": (old_certificate, new_certificate)}


def sample(seed, kind=None):
    """(content, content_type, kind, truth) of sample number ``seed`` (the same seed makes the same sample)."""
    rng = random.Random(seed)
    kind = kind or ("id_copy" if seed % 2 == 0 else "certificate_copy")
    dpi = rng.choice((150, 200, 240, 300))
    page, truth = rng.choice(KINDS[kind])(rng, dpi)
    picture = scanned(rng, page.image, dpi)
    content = io.BytesIO()
    if rng.random() < 0.15:
        picture.save(content, "PDF", resolution=dpi, quality=rng.randrange(40, 85))
        content_type = "application/pdf"
    else:
        picture.save(content, "JPEG", quality=rng.randrange(35, 85), dpi=(dpi, dpi))
        content_type = "image/jpeg"
    return content.getvalue(), content_type, kind, truth


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in range(args.seed, args.seed + args.count):
        content, content_type, kind, truth = sample(seed)
        suffix = ".pdf" if content_type == "application/pdf" else ".jpg"
        (args.out / f"{seed:04d}-{kind}{suffix}").write_bytes(content)
        print(seed, kind, content_type, len(content), truth)


if __name__ == "__main__":
    main()

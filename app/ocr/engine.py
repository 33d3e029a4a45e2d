"""Reading the text of a scan (身份证复印件, 等级证书复印件): images and PDF pages through rapidocr's PP-OCR models.

The only module that imports rapidocr_onnxruntime and pypdfium2, and only inside functions: the web process
never loads them (rapidocr and its models take some 400 MB); a job consumer loads them on its first scan and
keeps one engine for the life of the process. The recognised text is returned to the caller and never logged
or kept here.
"""
from __future__ import annotations

import importlib.util
import io
import math
import threading

PACKAGE = "rapidocr_onnxruntime"
PACKAGE_TITLE = "rapidocr-onnxruntime"
PDF = "application/pdf"
IMAGE_TYPES = ("image/png", "image/jpeg")
#: PDF pages read at most (a copy is one or two pages; a long PDF is not read whole).
MAX_PAGES = 4
#: Resolution PDF pages are rendered at.
PDF_DPI = 200
#: Longest side an image is brought to before recognition (rapidocr's own limit is 2000 px); the text lines
#: are recognised from crops of this image.
MAX_SIDE = 2000
#: Longest side of the image the text *detector* sees. rapidocr would detect at up to 2000 px, which costs
#: several times the rest of a page; a copy's text is still found at this size (the page is first cut to its
#: inked part, so a card's lines are not small in it), and every line found is then recognised from the
#: sharper MAX_SIDE image. 960 px detects in about half the time of 1280 px with the same fields read
#: (bench/ocr_bench.py).
DET_MAX_SIDE = 960
#: An image of more pixels than this is refused unread (Pillow's decompression-bomb guard).
MAX_PIXELS = 60_000_000
_engine = None
_engine_lock = threading.Lock()
#: One page at a time per process: the models already use every core, and the angle classifier's verdicts of
#: the page being read are kept on the engine (see _RecordingClassifier).
_run_lock = threading.Lock()


class OcrUnavailable(Exception):
    """OCR cannot run here (turned off, or the package is not installed); the reason is for users."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class OcrError(Exception):
    """The content could not be read (not an image, a damaged PDF…); the message is for users."""


def _config_enabled(app):
    if app is None:
        from flask import current_app, has_app_context

        if not has_app_context():
            return True
        app = current_app
    return bool(app.config.get("OCR_ENABLED", True))


def status(app=None) -> tuple[bool, str | None]:
    """(True, None) when scans can be read; else (False, the reason in Chinese)."""
    if not _config_enabled(app):
        return False, "扫描件识别已关闭（OCR_ENABLED=0）"
    if importlib.util.find_spec(PACKAGE) is None:
        return False, f"未安装扫描件识别组件 {PACKAGE_TITLE}，扫描件识别不可用"
    if importlib.util.find_spec("pypdfium2") is None:
        return False, "未安装PDF渲染组件 pypdfium2，扫描件识别不可用"
    return True, None


def _get_engine():
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                from rapidocr_onnxruntime import RapidOCR
                from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess
                from rapidocr_onnxruntime.utils import infer_engine

                # onnxruntime's worker threads spin while they wait for work: on a machine shared with the web
                # servers that burns as much CPU again as the models need. Sessions made here do not spin.
                options = infer_engine.OrtInferSession._init_sess_opts

                def quiet_options(config):
                    made = options(config)
                    made.add_session_config_entry("session.intra_op.allow_spinning", "0")
                    return made

                infer_engine.OrtInferSession._init_sess_opts = staticmethod(quiet_options)
                try:
                    engine = RapidOCR(inter_op_num_threads=1)
                finally:
                    infer_engine.OrtInferSession._init_sess_opts = staticmethod(options)
                detector = engine.text_det
                # rapidocr 1.4 picks the detector's size from the image (960/1500/2000 px); ours is fixed.
                detector.get_preprocess = lambda _longest: DetPreProcess(DET_MAX_SIDE, "max", detector.mean,
                                                                         detector.std)
                engine.text_cls = _RecordingClassifier(engine.text_cls)
                _engine = engine
    return _engine


def read_lines(content: bytes, content_type: str) -> list[str]:
    """The recognised text lines of ``content`` (PNG, JPEG or PDF), page after page, each page top to bottom
    and every line left to right. OcrUnavailable when status() says no, OcrError on unreadable content."""
    ready, reason = status()
    if not ready:
        raise OcrUnavailable(reason)
    pages = _pages(content, content_type)
    engine = _get_engine()
    lines = []
    for page in pages:
        lines.extend(_read_page(engine, page))
    return lines


def _pages(content, content_type):
    """The pages of ``content`` as RGB Pillow images, at most MAX_PAGES."""
    if content_type == PDF:
        return _pdf_pages(content)
    if content_type in IMAGE_TYPES:
        return [_image(content)]
    raise OcrError("只能识别PDF、JPG或PNG格式的扫描件")


def _image(content):
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise OcrError("图片尺寸过大，无法识别")
            image = ImageOps.exif_transpose(image)  # phone photos carry their turn in EXIF
            image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise OcrError("图片文件已损坏或无法识别") from None
    return image


def _pdf_pages(content):
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(content)
    except pdfium.PdfiumError:
        raise OcrError("PDF文件已损坏或无法打开") from None
    try:
        if len(document) == 0:
            raise OcrError("PDF文件没有页面")
        pages = []
        for index in range(min(len(document), MAX_PAGES)):
            page = document[index]
            try:
                width, height = page.get_size()
                scale = PDF_DPI / 72
                if width * height * scale * scale > MAX_PIXELS:
                    scale = math.sqrt(MAX_PIXELS / (width * height))
                pages.append(page.render(scale=scale).to_pil().convert("RGB"))
            finally:
                page.close()
        return pages
    except pdfium.PdfiumError:
        raise OcrError("PDF文件已损坏或无法打开") from None
    finally:
        document.close()


def _fit(image):
    """``image`` with its longest side at most MAX_SIDE."""
    longest = max(image.size)
    if longest > MAX_SIDE:
        ratio = MAX_SIDE / longest
        from PIL import Image

        # reducing_gap: a box reduction to about twice the size first, then Lanczos (a third of the time).
        image = image.resize((max(1, round(image.width * ratio)), max(1, round(image.height * ratio))),
                             Image.Resampling.LANCZOS, reducing_gap=2.0)
    return image


class _RecordingClassifier:
    """rapidocr's angle classifier, keeping how many of the page's lines it found upside down."""

    def __init__(self, classifier):
        self.classifier = classifier
        self.flipped = self.total = 0

    def __call__(self, images):
        images, verdicts, elapsed = self.classifier(images)
        self.total = len(verdicts)
        self.flipped = sum(1 for label, score in verdicts if label == "180" and score > self.classifier.cls_thresh)
        return images, verdicts, elapsed


def _content(image):
    """``image`` cut to the part with ink on it (and a margin): a copy of an ID card is a small card on a blank
    A4 page, and the detector's time grows with the area it looks at while its view of small text sharpens
    when the blank paper is left out. The page itself when its ink fills most of it or none is found.

    Ink is what is clearly darker than the paper around it (a blurred maximum), so uneven lighting from a
    photographed page is not taken for ink."""
    import cv2  # rapidocr's own dependency: here whenever status() lets a page be read
    import numpy as np

    factor = 4
    small = image.convert("L").reduce(factor)
    if min(small.size) < 16:
        return image
    pixels = np.asarray(small)
    # A 9 px maximum, then a 13 px mean: OpenCV's take about a millisecond where Pillow's MaxFilter took a
    # sixth of a second of every page.
    paper = cv2.blur(cv2.dilate(pixels, np.ones((9, 9), np.uint8)), (13, 13), borderType=cv2.BORDER_REPLICATE)
    ink = (paper.astype(np.int16) - pixels.astype(np.int16)) > 40
    rows = np.flatnonzero(ink.sum(axis=1) >= 2)
    columns = np.flatnonzero(ink.sum(axis=0) >= 2)
    if len(rows) == 0 or len(columns) == 0:
        return image
    margin = max(small.size) // 40
    left, right = max(0, columns[0] - margin), min(small.width, columns[-1] + margin + 1)
    top, bottom = max(0, rows[0] - margin), min(small.height, rows[-1] + margin + 1)
    if (right - left) * (bottom - top) > 0.8 * small.width * small.height:
        return image
    return image.crop((left * factor, top * factor, right * factor, bottom * factor))


def _recognise(engine, image):
    """([(box, text, score)], upside down?) of one image (rapidocr with its angle classifier)."""
    with _run_lock:
        result, _elapsed = engine(image, use_cls=True)
        classifier = engine.text_cls
        upside_down = classifier.total > 0 and classifier.flipped * 2 > classifier.total
    boxes = [(box, text, float(score)) for box, text, score in (result or []) if text and text.strip()]
    return boxes, upside_down


def _characters(boxes):
    return sum(len(text.strip()) * score for _box, text, score in boxes)


def _read_page(engine, image):
    image = _fit(_content(image))
    boxes, upside_down = _recognise(engine, image)
    if _mostly_vertical(boxes):
        # Scanned on its side: turned a quarter, its lines are found again; whether it was the right quarter
        # the classifier then tells (lines upside down: it was the other one).
        from PIL import Image

        turned, turned_upside_down = _recognise(engine, image.transpose(Image.Transpose.ROTATE_90))
        # rapidocr reads tall lines turned too, so the side-on reading has as many characters: only the order
        # of its lines is wrong. The turned page is kept unless it reads clearly worse.
        if _characters(turned) >= 0.8 * _characters(boxes):
            boxes, upside_down = turned, turned_upside_down
    return _reading_order(boxes, upside_down)


def _mostly_vertical(boxes):
    """True when most text boxes of two characters or more are much taller than wide (the lines of a page
    turned by 90°)."""
    tall = lines = 0
    for box, text, _score in boxes:
        if len(text.strip()) < 2:
            continue
        lines += 1
        width, height = _box_size(box)
        tall += height > 1.5 * width
    return lines >= 2 and tall * 2 > lines


def _box_size(box):
    (x0, y0), (x1, y1), (x2, y2) = box[0], box[1], box[2]
    return math.hypot(x1 - x0, y1 - y0), math.hypot(x2 - x1, y2 - y1)


def _reading_order(boxes, upside_down=False):
    """The texts grouped into lines (boxes side by side joined by a space), top to bottom, left to right (of
    the page turned right side up when its lines were found ``upside_down``).

    A scan a few degrees askew moves the far end of a wide row up or down by more than a line's height, so the
    rows are found in the page's own direction: the box centres are turned back by the boxes' median slope."""
    if not boxes:
        return []
    slopes = sorted(math.atan2(box[1][1] - box[0][1], box[1][0] - box[0][0]) for box, _t, _s in boxes)
    angle = slopes[len(slopes) // 2]
    cos, sin = math.cos(-angle), math.sin(-angle)
    items = []
    for box, text, _score in boxes:
        cx = sum(p[0] for p in box) / 4
        cy = sum(p[1] for p in box) / 4
        x, y = cx * cos - cy * sin, cx * sin + cy * cos
        if upside_down:
            x, y = -x, -y
        height = _box_size(box)[1]
        items.append((y, x, height, text.strip()))
    items.sort()
    rows = []
    for y, x, height, text in items:
        row = rows[-1] if rows else None
        if row is not None and abs(y - row["y"]) < 0.5 * min(height, row["h"]):
            row["items"].append((x, text))
        else:
            rows.append({"y": y, "h": height, "items": [(x, text)]})
    return [" ".join(text for _x, text in sorted(row["items"])) for row in rows]

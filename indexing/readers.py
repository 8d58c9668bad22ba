"""Readers: one per file format, each turning the bytes of a report file into plain lines of text.

Structured formats (.docx, .html, .pdf) render every real table row as ONE pipe line (“| 规章 | 0 | 0 | 0 |”)
with one cell per grid column: a merged/spanned cell gives its text once and an empty cell for every other column it
covers (across or down), a blank cell is empty between pipes, so a column keeps its position in every row.
Paragraphs become lines. Plain text keeps its tabs and NBSPs, which the parser reads as table shapes.

Anything that goes wrong becomes `ReadError(file name, Chinese reason)`; no library exception escapes and no text is
returned that was decoded with a guessed, wrong encoding.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from indexing.guard import MAX_FILE_BYTES, human_size, repack_stored, unpack_zip
from indexing.models import Document, ReadError

MAX_BYTES = MAX_FILE_BYTES  # the packed-size limit; it and the unpacked limits live in indexing/guard.py

CJK_RE = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


# ---------------------------------------------------------------- the interface
class Reader(Protocol):
    formats: tuple[str, ...]  # file suffixes this reader takes, lower case with the dot

    def read(self, data: bytes, source: str) -> Read:
        """The document as text (\\n line ends) and its titles; raises ReadError(source, reason)."""
        ...


@dataclass(frozen=True)
class Read:
    text: str
    titles: tuple[str, ...] = ()  # titles that come with the file outside its text: HTML <title>, .docx/.pdf title


# ---------------------------------------------------------------- shared helpers
def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _join_fragments(parts: Iterable[str]) -> str:
    """Join pieces of one cell: no separator between Chinese pieces (a header wrapped as “本年新\\n公开数量” is one
    label), one space where two Latin words or numbers would otherwise run together."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def _cell_text(text: str) -> str:
    """One table cell as it goes between pipes: its own line breaks and tabs joined, a literal pipe made full-width."""
    return _join_fragments(re.split(r"[\r\n\t]+", text)).replace("|", "｜")


def pipe_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


# ---------------------------------------------------------------- text decoding
_PLAUSIBLE_RE = re.compile(
    "["
    + CJK_RE
    + r"\t\n\r\x20-\x7e"  # ASCII printable
    + r"\u00a0-\u00ff"  # NBSP, ·, ×, ° …
    + r"\u2000-\u206f"  # general punctuation (“” — …)
    + r"\u2100-\u218f"  # letterlike, Roman numerals Ⅰ Ⅱ
    + r"\u2190-\u21ff\u2200-\u22ff"  # arrows, maths
    + r"\u2460-\u24ff"  # circled numbers ①
    + r"\u25a0-\u25ff\u2600-\u26ff"  # ■ ○ ★
    + r"\u3000-\u303f"  # CJK punctuation 、。（）《》
    + r"\uff00-\uffef"  # full-width forms
    + r"\ufeff\ufffd"
    + "]"
)
_BAD_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\udc80-\udcff]")


def looks_like_text(text: str, *, mostly_common_han: bool = False) -> bool:
    """Is this plausibly a Chinese (or ASCII) document rather than bytes decoded with the wrong codec?

    GB18030 strictly decodes almost any byte string, so success alone proves nothing: wrong decodings are full of
    control characters, private-use code points, kana, Hangul, Cyrillic and box drawing; real reports are not.
    A wrong codec garbles the whole file, so a sample from its start and end is enough to tell.

    `mostly_common_han` (for GB18030 decodings only, where the trap lies) also asks that the Chinese characters be
    mostly common ones: UTF-8 bytes read as GB18030 give mostly rare characters from the GBK extension areas. It is
    not asked of UTF-8, whose text may be traditional characters (not in GB2312).
    """
    if not text:
        return False
    if len(text) > 120_000:
        text = text[:100_000] + text[-20_000:]
    n = len(text)
    bad = _BAD_RE.subn("", text)[1]
    implausible = len(_PLAUSIBLE_RE.sub("", text))
    if bad > max(2, n // 200) or implausible > 0.05 * n:
        return False
    if not mostly_common_han:
        return True
    han = Counter(re.findall(f"[{CJK_RE}]", text))
    total = sum(han.values())
    if total >= 20:
        common = sum(count for ch, count in han.items() if _in_gb2312(ch))
        if common < 0.8 * total:
            return False
    return True


@lru_cache(maxsize=65536)
def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _decode_counting(data: bytes, encoding: str) -> tuple[str, int]:
    """Decode, turning each undecodable byte into U+FFFD; returns (text, number of bad bytes)."""
    text = data.decode(encoding, errors="surrogateescape")
    bad = len(re.findall(r"[\udc80-\udcff]", text))
    return re.sub(r"[\udc80-\udcff]+", "\ufffd", text), bad


def decode_text(data: bytes, source: str, declared: str | None = None) -> str:
    """Bytes → str for .txt and .html: a BOM, else UTF-8 then GB18030 (GB18030 first when a page declares GBK).

    A file damaged in a few places (a truncated last character) keeps its encoding with U+FFFD at the damage, as long
    as the rest of it is clearly that encoding; it is never re-read in another encoding that would garble all of it.
    """
    fail = ReadError(source, "无法识别的文本编码（不是 UTF-8 / GB18030）")
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            text, bad = _decode_counting(data[len(bom) :], enc)
            if not text.strip() or (bad <= 3 and looks_like_text(text)):  # a BOM alone: empty, not undecodable
                return text
            raise fail
    # A declared charset only orders the two candidates: pages that declare latin-1 or windows-1252 are mislabelled
    # Chinese pages, and a single-byte codec would "decode" anything.
    candidates = ["gb18030", "utf-8"] if declared == "gb18030" else ["utf-8", "gb18030"]
    # Strict pass first, in order of preference.
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if looks_like_text(text, mostly_common_han=enc == "gb18030"):
            return text
    # Damaged files. UTF-8 resynchronises after a bad byte, so a few of them among many good multi-byte characters
    # are local damage (U+FFFD each). GB18030 does not resynchronise (a lost byte shifts every later pair into other
    # characters), so only a character cut off at the very end is accepted there.
    text, bad = _decode_counting(data, "utf-8")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    if bad > 0 and bad * 50 <= multibyte and looks_like_text(text):
        return text
    for cut in (1, 2, 3):
        try:
            text = data[:-cut].decode("gb18030")
        except UnicodeDecodeError:
            continue
        if looks_like_text(text, mostly_common_han=True):
            return text + "\ufffd"
    raise fail


# ---------------------------------------------------------------- .txt
class TextReader:
    formats = (".txt",)

    def read(self, data: bytes, source: str) -> Read:
        return Read(decode_text(data, source))


# ---------------------------------------------------------------- .md
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?!\s)|`")


class MarkdownReader:
    """Markdown as PDF-to-Markdown converters write it: `#` headings, pipe tables with `|---|` rules, emphasis.

    Headings become plain lines, rules are dropped, pipe rows stay pipe rows (the parser reads them as tables)."""

    formats = (".md", ".markdown")

    def read(self, data: bytes, source: str) -> Read:
        lines = []
        for line in decode_text(data, source).split("\n"):
            if _MD_RULE.match(line):
                continue
            lines.append(_MD_EMPHASIS.sub("", _MD_HEADING.sub("", line)))
        return Read("\n".join(lines))


# ---------------------------------------------------------------- .docx
class DocxReader:
    formats = (".docx",)

    def read(self, data: bytes, source: str) -> Read:
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ReadError(source, "这是旧版 Word（.doc）文件，不是 .docx；请在 Word 中另存为 .docx 后再导入")
        # Every part is inflated here within the limits (member count, sizes, ratio, bytes actually inflated), and
        # python-docx reads the checked parts, stored: nothing it opens can unpack to more than was checked.
        package = repack_stored(unpack_zip(data, source))
        try:
            import docx

            document = docx.Document(io.BytesIO(package))
            lines = list(_docx_block_lines(document.element.body, document))
            title = (document.core_properties.title or "").strip()
        except ReadError:
            raise
        except Exception as exc:  # python-docx / zipfile / lxml raise many kinds for a damaged package
            raise ReadError(source, "不是有效的 .docx 文件（文件损坏或不是 Word 文档）") from exc
        text = "\n".join(lines)
        if not text.strip():
            raise ReadError(source, "Word 文档中没有文字")
        return Read(text, (title,) if title else ())


def _docx_block_lines(container, parent) -> Iterable[str]:
    """Paragraphs and tables of a body (or content control) in document order."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent).text
        elif child.tag == qn("w:tbl"):
            table = Table(child, parent)
            if _docx_is_data_table(table):
                yield from _docx_table_lines(table)
            else:  # layout: a box around text, or a frame holding another table — read its cells as blocks
                for tc in child.iter(qn("w:tc")):
                    if tc.getparent().getparent() is child:  # this table's own cells, not a nested table's
                        yield from _docx_block_lines(tc, table)
        elif child.tag == qn("w:sdt"):  # content control wrapping ordinary blocks
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_block_lines(content, parent)


def _docx_is_data_table(table) -> bool:
    """A table of figures has rows of at least two cells and no table inside its cells (same rule as .html/.pdf)."""
    from docx.oxml.ns import qn

    element = table._tbl
    if any(tbl is not element for tbl in element.iter(qn("w:tbl"))):
        return False
    return any(len(tr.findall(qn("w:tc"))) >= 2 for tr in element.iter(qn("w:tr")))


def _docx_table_lines(table) -> Iterable[str]:
    # python-docx hands back the same <w:tc> for every grid column a horizontal merge covers and for every row a
    # vertical merge covers; a set of the elements themselves (kept alive, so identity is stable) tells them apart.
    emitted: set = set()
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            tc = cell._tc
            if tc is previous:  # same merged cell, next grid column: an empty cell keeps the grid aligned
                cells.append("")
                continue
            previous = tc
            if tc in emitted:  # continuation of a vertical merge: keep the column, text only in the first row
                cells.append("")
                continue
            emitted.add(tc)
            cells.append(_cell_text("\n".join(p.text for p in cell.paragraphs)))
        if cells:
            yield pipe_row(cells)


# ---------------------------------------------------------------- .html
_DROP_TAGS = {"script", "style", "noscript", "head", "template", "iframe", "object", "svg", "math", "title", "select"}
_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "nav", "aside", "main", "blockquote", "pre", "address", "figure", "figcaption",
    "caption", "center", "form", "fieldset", "hr", "tbody", "thead", "tfoot", "td", "th", "body", "html",
}  # fmt: skip
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


class HtmlReader:
    formats = (".html", ".htm")

    def read(self, data: bytes, source: str) -> Read:
        text = decode_text(data, source, declared=_declared_charset(data))
        try:
            from bs4 import BeautifulSoup

            soup = BeautifulSoup(text, "lxml")
            titles = [soup.title.get_text(" ", strip=True)] if soup.title else []
            titles += [str(m.get("content", "")).strip() for m in soup.find_all("meta", attrs={"name": _TITLE_META})]
            out: list[str] = []
            _html_walk(soup, out, pre=False)
        except Exception as exc:  # lxml rarely fails, but never let it escape
            raise ReadError(source, "HTML 无法解析") from exc
        # Whitespace runs collapse as a browser shows them; pipe rows are already clean.
        lines = [
            line if line.startswith("| ") else re.sub(r"[ \t]+", " ", line).strip(" ")
            for line in "".join(out).split("\n")
        ]
        text = "\n".join(line for line in lines if line.strip())
        if not text.strip():
            raise ReadError(source, "HTML 中没有正文文字")
        return Read(text, tuple(dict.fromkeys(t for t in titles if t)))


_TITLE_META = re.compile(r"^(?:ArticleTitle|title|dc\.title)$", re.I)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET_RE.search(data[:8192])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _html_text(node: str) -> str:
    # A source line break between two Chinese characters is layout, not a space.
    node = re.sub(f"(?<=[{CJK_RE}])[ \t]*[\r\n]\\s*(?=[{CJK_RE}])", "", node)
    return re.sub(r"[ \t\r\n\f]+", " ", node)


def _html_walk(node, out: list[str], pre: bool) -> None:
    from bs4.element import NavigableString, PreformattedString, Script, Stylesheet, Tag, TemplateString

    for child in node.children:
        if isinstance(child, NavigableString):
            # Comments, doctypes and script/style strings are not text a reader sees.
            if not isinstance(child, PreformattedString | Script | Stylesheet | TemplateString):
                out.append(str(child) if pre else _html_text(str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        name = (child.name or "").lower()
        if name in _DROP_TAGS:
            continue
        if name == "br":
            out.append("\n")
        elif name == "table" and _html_is_data_table(child):  # a boxed paragraph or a page frame is layout
            out.append("\n" + "\n".join(_html_table_lines(child)) + "\n")
        elif name in _BLOCK_TAGS:
            out.append("\n")
            _html_walk(child, out, pre or name == "pre")
            out.append("\n")
        else:
            _html_walk(child, out, pre)


def _html_is_data_table(table) -> bool:
    """A table of figures has rows of at least two cells and no table inside its cells (same rule as .docx/.pdf)."""
    if table.find("table") is not None:
        return False
    return any(len(tr.find_all(["td", "th"], recursive=False)) >= 2 for tr in table.find_all("tr"))


def _html_cell_text(cell) -> str:
    parts: list[str] = []
    _html_walk(cell, parts, pre=False)
    return _cell_text("".join(parts))


def _span(cell, attr: str) -> int:
    try:
        return max(1, min(int(str(cell.get(attr, "1")).strip() or 1), 1000))
    except ValueError:
        return 1


def _html_table_lines(table) -> list[str]:
    """Each <tr> → one pipe row with one cell per grid column: a colspan cell then an empty cell for each column it
    spans; a rowspan continuation an empty cell at each of its columns."""
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    covered: dict[int, tuple[int, int]] = {}  # grid column → (rows still covered from above, width)
    lines = []
    for tr in rows:
        cells: list[str] = []
        below: dict[int, tuple[int, int]] = {}
        col = 0
        for td in tr.find_all(["td", "th"], recursive=False):
            col = _html_covered_cells(col, covered, below, cells)
            colspan, rowspan = _span(td, "colspan"), _span(td, "rowspan")
            cells.append(_html_cell_text(td))
            cells.extend([""] * (colspan - 1))  # the grid stays aligned: data columns keep one position per row
            if rowspan > 1:
                below[col] = (rowspan - 1, colspan)
            col += colspan
        for c in sorted(c for c in covered if c >= col):  # covered columns after this row's last cell
            _html_covered_cells(c, {c: covered[c]}, below, cells)
        covered = below
        if cells:
            lines.append(pipe_row(cells))
    return lines


def _html_covered_cells(
    col: int, covered: dict[int, tuple[int, int]], below: dict[int, tuple[int, int]], cells: list[str]
) -> int:
    """Emit an empty cell for each grid column from `col` on that a rowspan above covers; return the next column."""
    while col in covered:
        left, width = covered[col]
        cells.extend([""] * width)
        if left > 1:
            below[col] = (left - 1, width)
        col += width
    return col


# ---------------------------------------------------------------- .pdf
class PdfReader:
    formats = (".pdf",)

    def read(self, data: bytes, source: str) -> Read:
        if b"%PDF-" not in data[:1024]:
            raise ReadError(source, "不是有效的 PDF 文件")
        try:
            import pdfplumber

            with pdfplumber.open(io.BytesIO(data)) as pdf:
                title = str((pdf.metadata or {}).get("Title") or "").strip()
                lines: list[str] = []
                has_chars = False
                for page in pdf.pages:
                    has_chars = has_chars or bool(page.chars)
                    lines.extend(_pdf_page_lines(page))
                    page.close()
        except ReadError:
            raise
        except Exception as exc:  # pdfminer raises many kinds (syntax, EOF, encryption …)
            if "password" in repr(exc).lower() or "encrypt" in type(exc).__name__.lower():
                raise ReadError(source, "PDF 已加密，无法读取") from exc
            raise ReadError(source, "不是有效的 PDF 文件（文件损坏或格式不符）") from exc
        text = "\n".join(line for line in lines if line.strip())
        if not has_chars or not text.strip():
            raise ReadError(source, "PDF 没有文字层（可能是扫描件），无法读取文字")
        if len(re.findall(r"\(cid:\d+\)", text)) > max(3, len(text) // 200):
            raise ReadError(source, "PDF 的文字无法解码（字体缺少编码表）")
        return Read(text, (title,) if title else ())


def _pdf_page_lines(page) -> list[str]:
    """Text lines and table rows of one page, in reading order (top to bottom)."""
    tables = _data_tables(page.find_tables())
    blocks: list[tuple[float, int, list[str]]] = []
    for i, table in enumerate(tables):
        blocks.append((table.bbox[1], i, _pdf_table_lines(table)))
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox, strict=False)
    for line in outside.extract_text_lines():
        blocks.append((line["top"], -1, [line["text"]]))
    blocks.sort(key=lambda b: (b[0], b[1]))
    return [line for _, _, lines in blocks for line in lines]


def _data_tables(tables: list) -> list:
    """Ruled areas that hold a table of figures. A page border or a box around a paragraph is found as a one-column
    "table", and a frame drawn around a real table contains it; both are layout, their text reads as text."""

    def contains(outer, inner) -> bool:
        return outer is not inner and all(
            o <= i + 1 if k < 2 else o >= i - 1 for k, (o, i) in enumerate(zip(outer.bbox, inner.bbox, strict=True))
        )

    wide = [t for t in tables if max((len(row.cells) for row in t.rows), default=0) >= 2]
    return [t for t in wide if not any(contains(t, other) for other in wide)]


def _pdf_table_lines(table) -> list[str]:
    # pdfplumber leaves None where a merged cell covers a grid position (from the left or from above): an empty
    # cell there keeps every column at its grid position, as the .docx and .html readers do.
    lines = []
    for values in table.extract():
        cells = [_cell_text(value or "") for value in values]
        if cells:  # a blank row stays, as in .docx/.html: the parser may place rows by position
            lines.append(pipe_row(cells))
    return lines


# ---------------------------------------------------------------- entry points
READERS: tuple[Reader, ...] = (TextReader(), MarkdownReader(), DocxReader(), HtmlReader(), PdfReader())
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(s for r in READERS for s in r.formats)
_FORMAT_NAMES = {
    ".txt": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".html": "html", ".htm": "html", ".pdf": "pdf",
}  # fmt: skip


def reader_for(path: Path) -> Reader | None:
    suffix = path.suffix.lower()
    return next((r for r in READERS if suffix in r.formats), None)


def read_document(path: Path, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read one report file into a Document; raises ReadError(file name, reason) for anything unreadable."""
    path = Path(path)
    source = path.name
    reader = reader_for(path)
    if reader is None:
        shown = path.suffix or "无扩展名"
        raise ReadError(source, f"不支持的文件类型（{shown}）；支持 {' '.join(SUPPORTED_SUFFIXES)}")
    try:
        if not path.is_file():
            raise ReadError(source, "文件不存在" if not path.exists() else "不是文件")
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError(source, f"文件过大（{human_size(size)}，上限 {human_size(max_bytes)}）")
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(source, f"无法读取文件（{exc.strerror or exc}）") from exc
    if not data.strip():
        raise ReadError(source, "文件为空")
    if len(data) > max_bytes:  # grew between stat and read
        raise ReadError(source, f"文件过大（{human_size(len(data))}，上限 {human_size(max_bytes)}）")
    read = _read_with(reader, data, source)
    return Document(
        source=source,
        text=read.text,
        content_hash=hashlib.sha256(data).hexdigest(),
        format=_FORMAT_NAMES[path.suffix.lower()],
        page_titles=read.titles,
    )


def _read_with(reader: Reader, data: bytes, source: str) -> Read:
    try:
        read = reader.read(data, source)
    except (ReadError, MemoryError):  # a memory limit is the parse worker's to report (indexing/guard.py)
        raise
    except Exception as exc:  # a reader bug must still name the file, not crash the batch
        raise ReadError(source, f"读取失败（{type(exc).__name__}）") from exc
    text = _normalise_newlines(read.text).replace("\x00", "")
    if not text.strip():
        raise ReadError(source, "文件中没有文字")
    return Read(text, read.titles)


def iter_report_files(paths: Iterable[Path | str]) -> list[Path]:
    """Files to ingest: directories expanded recursively (sorted, supported suffixes only, hidden and Office lock files
    skipped); a file named explicitly is kept whatever its suffix, so read_document can say why it is refused."""
    found: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            found.append(p)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                rel = p.relative_to(path).parts
                if any(part.startswith(".") for part in rel) or p.name.startswith("~$"):
                    continue
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES:
                    add(p)
        else:
            add(path)
    return found


__all__: list[str] = [
    "MAX_BYTES",
    "READERS",
    "SUPPORTED_SUFFIXES",
    "DocxReader",
    "HtmlReader",
    "MarkdownReader",
    "PdfReader",
    "Reader",
    "TextReader",
    "decode_text",
    "iter_report_files",
    "looks_like_text",
    "pipe_row",
    "read_document",
    "reader_for",
]

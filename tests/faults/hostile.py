"""Hostile files made by the test itself at run time: zip bombs, zips whose declared sizes lie, zips of thousands of
members, and one small invented report that must still be indexed after them.

A bomb is written without ever holding its unpacked bytes: deflate output for 1 MiB of one repeated byte, after a
full flush, is the same ~1 KB every time, so a member of N MiB is that piece N times (1 GiB packs to ~1 MB).
Members are written by hand (local headers, central directory) so that a declared size can be made to lie.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024

# An invented report (no real body is named): accepted by the parser, identified (body and year).
REPORT_TEMPLATE = """{town}{year}年政府信息公开工作年度报告
本报告由{town}人民政府编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。
一、总体情况
{year}年，{town}通过政府网站发布信息{site}条，通过微信公众号发布信息{wechat}条。
二、主动公开政府信息情况
本年度制发规章0件，规范性文件{docs}件。
三、收到和处理政府信息公开申请情况
本年度收到政府信息公开申请{requests}件，均已按时办结。
四、政府信息公开行政复议、行政诉讼情况
本年度未发生政府信息公开行政复议和行政诉讼。
五、存在的主要问题及改进情况
信息更新不够及时，下一步将加强培训。
六、其他需要报告的事项
本年度未收取信息处理费。
{town}人民政府
{signed}年1月20日
"""
GOOD_REPORT = REPORT_TEMPLATE.format(town="青石镇", year=2021, site=120, wechat=45, docs=2, requests=3, signed=2022)


def good_report(path: Path, town: str = "青石镇") -> Path:
    path.write_text(GOOD_REPORT.replace("青石镇", town), encoding="utf-8")
    return path


@dataclass
class Member:
    name: str
    raw: bytes  # the bytes as stored (deflated or not)
    method: int  # 0 stored, 8 deflated
    crc: int
    file_size: int  # as declared in both headers: may lie
    compress_size: int


def honest(name: str, body: bytes) -> Member:
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = co.compress(body) + co.flush()
    return Member(name, raw, 8, zlib.crc32(body), len(body), len(raw))


def _piece(data: bytes, finish: bool) -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush(zlib.Z_FINISH if finish else zlib.Z_FULL_FLUSH)


def repeated(name: str, prefix: bytes, mib: int, suffix: bytes, *, declared: int | None = None) -> Member:
    """A deflated member: prefix, then `mib` MiB of the letter a, then suffix. `declared` makes its size lie."""
    block = b"a" * MiB
    raw = _piece(prefix, False) + _piece(block, False) * mib + _piece(suffix, True)
    crc = zlib.crc32(prefix)
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    size = len(prefix) + mib * MiB + len(suffix)
    return Member(name, raw, 8, crc, size if declared is None else declared, len(raw))


def write_zip(path: Path, members: list[Member]) -> Path:
    local = bytearray()
    central = bytearray()
    for m in members:
        name = m.name.encode()
        offset = len(local)
        local += struct.pack(
            "<4s5H3I2H", b"PK\x03\x04", 20, 0, m.method, 0, 0x21, m.crc, m.compress_size, m.file_size, len(name), 0
        )
        local += name + m.raw
        central += struct.pack(
            "<4s6H3I5H2I",
            b"PK\x01\x02", 20, 20, 0, m.method, 0, 0x21, m.crc, m.compress_size, m.file_size, len(name), 0, 0, 0, 0, 0,
            offset,
        )  # fmt: skip
        central += name
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(bytes(local) + bytes(central) + end)
    return path


def docx_members(path: Path, blocks: list) -> list[Member]:
    """The honest members of a real .docx holding `blocks` (paragraphs), built with python-docx."""
    from tests.indexing.conftest import build_docx

    build_docx(path, blocks)
    with zipfile.ZipFile(path) as package:
        return [honest(info.filename, package.read(info)) for info in package.infolist()]


def bomb_docx(path: Path, *, mib: int = 1024, declared: int | None = None) -> Path:
    """A .docx whose word/document.xml holds the invented report plus one paragraph of `mib` MiB of the letter a
    (1 GiB by default), packed to about a KB per MiB. `declared` makes the member's declared size lie."""
    members = docx_members(path, GOOD_REPORT.strip().split("\n"))
    for i, m in enumerate(members):
        if m.name == "word/document.xml":
            xml = zlib.decompress(m.raw, -15)
            cut = xml.index(b"<w:body>") + len(b"<w:body>")
            members[i] = repeated(
                m.name, xml[:cut] + b"<w:p><w:r><w:t>", mib, b"</w:t></w:r></w:p>" + xml[cut:], declared=declared
            )
    return write_zip(path, members)


def many_members_docx(path: Path, extra: int = 5000) -> Path:
    """A valid .docx plus `extra` tiny members nothing refers to."""
    members = docx_members(path, GOOD_REPORT.strip().split("\n"))
    members += [honest(f"customXml/item{i}.xml", b"<a/>") for i in range(extra)]
    return write_zip(path, members)

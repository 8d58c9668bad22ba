"""Readers: every format to plain lines, tables as pipe rows, and a named reason for every file that cannot be read."""

from __future__ import annotations

import hashlib
import io
import random
import zipfile
from pathlib import Path

import pytest

from indexing.models import ReadError
from indexing.readers import MAX_BYTES, iter_report_files, looks_like_text, read_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SAMPLE_000 = CORPUS / "000_0fdc335fd3bbd9c3.txt"

TITLE = "2021年侯家镇政府信息公开工作年度报告"
INTRO = "本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。"
TABLE_20_1 = [
    ["第二十条第（一）项", None, None, None],  # one cell merged across four columns
    ["信息内容", "本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"],  # header cells with line breaks
    ["规章", "0", "0", "0"],
    ["行政规范性文件", "3", "", "5"],  # a blank cell stays an empty cell
]
EXPECTED_ROWS = [
    "| 第二十条第（一）项 |  |  |  |",  # the merge keeps its four grid columns
    "| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
    "| 规章 | 0 | 0 | 0 |",
    "| 行政规范性文件 | 3 |  | 5 |",
]
AFTER = "三、收到和处理政府信息公开申请情况"
REPORT_BLOCKS = [TITLE, INTRO, TABLE_20_1, AFTER]
EXPECTED_LINES = [TITLE, INTRO, *EXPECTED_ROWS, AFTER]


def sample_text() -> str:
    return SAMPLE_000.read_text(encoding="utf-8")


def nonblank_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def assert_refused(path: Path, reason_part: str, **kwargs) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_document(path, **kwargs)
    err = caught.value
    assert err.source == path.name
    assert path.name in str(err)
    assert reason_part in err.reason, err.reason
    return err


# ---------------------------------------------------------------- .txt
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_txt_encodings_of_a_sample_read_to_identical_text(tmp_path, encoding):
    text = sample_text()
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(text.encode(encoding))

    doc = read_document(path)

    assert doc.text == text
    assert "\ufeff" not in doc.text and "\ufffd" not in doc.text
    assert doc.format == "txt"
    assert doc.source == path.name


def test_gbk_text_without_any_marker_is_detected(tmp_path):
    # GBK cannot encode the sample's NBSPs; a GBK file from a Windows editor has none.
    text = sample_text().replace("\xa0", " ")
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    assert read_document(path).text == text


def test_txt_newlines_are_normalised_and_tabs_and_nbsp_kept(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("标题\r\n⇥第一行\r\n\t规章\t0\r第三行\xa0末尾\r\n".replace("⇥", "\t").encode("utf-8"))
    assert read_document(path).text == "标题\n\t第一行\n\t规章\t0\n第三行\xa0末尾\n"


def test_crlf_sample_in_gb18030_reads_like_the_original(tmp_path):
    text = sample_text()
    path = tmp_path / "crlf-gb.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    assert read_document(path).text == text


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_character_cut_off_at_the_end_does_not_garble_the_rest(tmp_path, encoding):
    text = sample_text().rstrip() + "查阅。"
    path = tmp_path / "truncated.txt"
    path.write_bytes(text.encode(encoding)[:-1])

    got = read_document(path).text

    assert got == text[:-1] + "\ufffd"


def test_utf8_report_is_never_read_as_gb18030(tmp_path):
    # These UTF-8 bytes also decode strictly as GB18030 (to nonsense); UTF-8 must win.
    text = "侯家镇人民政府" * 2
    data = text.encode("utf-8")
    mojibake = data.decode("gb18030")  # the trap is real: no error, just nonsense
    assert not looks_like_text(mojibake, mostly_common_han=True)
    path = tmp_path / "short.txt"
    path.write_bytes(data)
    assert read_document(path).text == text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_traditional_characters_in_utf8_are_read_as_written(tmp_path, encoding):
    text = "2021年示例鎮(zhèn)政府信息公開工作年度報告\n本年新收政府信息公開申請數(shù)量\t0\n" * 5
    path = tmp_path / "trad.txt"
    path.write_bytes(text.encode(encoding))
    assert read_document(path).text == text


def test_document_carries_hash_of_the_bytes(tmp_path):
    path = tmp_path / "r.txt"
    data = sample_text().encode("gb18030")
    path.write_bytes(data)
    assert read_document(path).content_hash == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("sample", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_every_shipped_sample_reads_unchanged(sample):
    assert read_document(sample).text == sample.read_text(encoding="utf-8")


# ---------------------------------------------------------------- .docx
def test_docx_paragraphs_and_table_in_body_order(tmp_path, make_docx):
    path = make_docx(tmp_path / "report.docx", REPORT_BLOCKS)

    doc = read_document(path)

    assert doc.format == "docx"
    assert nonblank_lines(doc.text) == EXPECTED_LINES


def test_docx_of_a_whole_sample_keeps_every_line_with_its_tabs(tmp_path, make_docx):
    lines = sample_text().split("\n")
    path = make_docx(tmp_path / "sample.docx", lines)
    assert read_document(path).text.split("\n") == lines


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
def test_vertical_merge_keeps_its_column_with_an_empty_cell(tmp_path, request, fmt):
    table = [
        ["信息内容", "本年处理决定数量", "备注"],
        ["第二十条第（六）项", "^", "^"],  # the header cells span two rows in columns 2 and 3
        ["行政处罚", "4", "无"],
        ["行政强制", "0", "^"],
        ["", "", ""],  # a blank row keeps its place
    ]
    make = request.getfixturevalue(f"make_{fmt}")
    path = make(tmp_path / f"v.{fmt}", ["表格之前", table, "表格之后"])
    assert nonblank_lines(read_document(path).text) == [
        "表格之前",
        "| 信息内容 | 本年处理决定数量 | 备注 |",
        "| 第二十条第（六）项 |  |  |",
        "| 行政处罚 | 4 | 无 |",
        "| 行政强制 | 0 |  |",
        "|  |  |  |",
        "表格之后",
    ]


def test_docx_paragraph_line_breaks_and_tabs_survive(tmp_path, make_docx):
    path = make_docx(tmp_path / "p.docx", ["一、总体情况\n（一）主动公开\t329条", [["规章|规范", "0"]]])
    assert nonblank_lines(read_document(path).text) == ["一、总体情况", "（一）主动公开\t329条", "| 规章｜规范 | 0 |"]


# ---------------------------------------------------------------- .html
def test_html_table_becomes_pipe_rows_and_script_never_appears(tmp_path, make_html):
    head = "<style>p { color: red }</style><script>var leaked = 'HEAD-SCRIPT';</script>"
    path = make_html(tmp_path / "report.html", REPORT_BLOCKS, head=head)
    html = path.read_text(encoding="utf-8").replace(
        "</body>",
        "<script>alert(1)</script><noscript>请启用脚本</noscript><!-- 注释 --><div>打印本页</div></body>",
    )
    path.write_text(html, encoding="utf-8")

    doc = read_document(path)

    assert doc.format == "html"
    assert nonblank_lines(doc.text) == [*EXPECTED_LINES, "打印本页"]
    for junk in ("alert", "HEAD-SCRIPT", "color", "请启用脚本", "注释", "年报"):  # 年报 is only the <title>
        assert junk not in doc.text


def test_html_th_td_colspan_and_rowspan(tmp_path):
    path = tmp_path / "t.htm"
    path.write_text(
        "<table>"
        "<tr><th rowspan='2'>（本列数据的勾稽关系）</th><th colspan='3'>申请人情况</th></tr>"
        "<tr><th>自然人</th><th>法人或其他组织</th><th>总计</th></tr>"
        "<tr><td>一、本年新收政府信息\n公开申请数量</td><td>3</td><td>1</td><td>4</td></tr>"
        "</table>",
        encoding="utf-8",
    )
    assert nonblank_lines(read_document(path).text) == [
        "| （本列数据的勾稽关系） | 申请人情况 |  |  |",  # one cell per grid column: the span keeps its columns
        "|  | 自然人 | 法人或其他组织 | 总计 |",
        "| 一、本年新收政府信息公开申请数量 | 3 | 1 | 4 |",
    ]


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
def test_one_column_box_reads_as_paragraphs(tmp_path, request, fmt):
    boxed = [["注：本表数据为年度统计。"], ["第二行说明"]]  # a one-column ruled box is layout, not figures
    make = request.getfixturevalue(f"make_{fmt}")
    path = make(tmp_path / f"box.{fmt}", ["开头", boxed, "结尾"])
    assert nonblank_lines(read_document(path).text) == ["开头", "注：本表数据为年度统计。", "第二行说明", "结尾"]


def test_docx_table_inside_a_layout_table_is_still_a_table(tmp_path):
    import docx

    document = docx.Document()
    frame = document.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    cell.paragraphs[0].text = "二、主动公开政府信息情况"
    inner = cell.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "信息内容", (0, 1): "本年制发件数", (1, 0): "规章", (1, 1): "2"}.items():
        inner.cell(r, c).text = value
    cell.add_paragraph("三、收到和处理政府信息公开申请情况")
    path = tmp_path / "frame.docx"
    document.save(str(path))
    assert nonblank_lines(read_document(path).text) == [
        "二、主动公开政府信息情况",
        "| 信息内容 | 本年制发件数 |",
        "| 规章 | 2 |",
        "三、收到和处理政府信息公开申请情况",
    ]


def test_html_layout_table_around_a_data_table_is_not_flattened(tmp_path):
    path = tmp_path / "layout.html"
    path.write_text(
        "<table><tr><td><div>首页/政府信息公开</div></td></tr><tr><td>"
        "<p>二、主动公开政府信息情况</p><table><tr><td>规章</td><td>0</td></tr></table>"
        "</td></tr></table>",
        encoding="utf-8",
    )
    assert nonblank_lines(read_document(path).text) == ["首页/政府信息公开", "二、主动公开政府信息情况", "| 规章 | 0 |"]


@pytest.mark.parametrize(
    "meta",
    [b'<meta charset="gbk">', b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', b""],
    ids=["meta-charset", "http-equiv", "undeclared"],
)
def test_gbk_html_decodes(tmp_path, make_html, meta):
    path = make_html(tmp_path / "gbk.html", REPORT_BLOCKS, encoding="gbk")
    path.write_bytes(path.read_bytes().replace(b'<meta charset="gbk">', meta))
    assert nonblank_lines(read_document(path).text) == EXPECTED_LINES


def test_html_whose_meta_charset_lies_still_decodes(tmp_path, make_html):
    path = make_html(tmp_path / "lie.html", [sample_text()[:2000], TABLE_20_1])  # UTF-8 bytes …
    path.write_bytes(path.read_bytes().replace(b'charset="utf-8"', b'charset="gbk"'))  # … declared as GBK
    lines = nonblank_lines(read_document(path).text)
    assert lines[0] == "2021年政府信息公开工作年度报告"
    assert lines[-len(EXPECTED_ROWS) :] == EXPECTED_ROWS


def test_html_without_text_is_refused(tmp_path):
    path = tmp_path / "empty-page.html"
    path.write_text("<html><head><title>x</title></head><body><script>alert(1)</script></body></html>")
    assert_refused(path, "HTML 中没有正文文字")


# ---------------------------------------------------------------- .pdf
def test_pdf_text_and_table_rows(tmp_path, make_pdf):
    path = make_pdf(tmp_path / "report.pdf", REPORT_BLOCKS)

    doc = read_document(path)

    assert doc.format == "pdf"
    assert nonblank_lines(doc.text) == EXPECTED_LINES


def test_pdf_of_a_long_table_keeps_page_order(tmp_path, make_pdf):
    rows = [["信息内容", "数量"]] + [[f"第{i}项", str(i)] for i in range(1, 81)]  # spills onto a second page
    path = make_pdf(tmp_path / "long.pdf", ["开头", rows, "结尾"])
    lines = nonblank_lines(read_document(path).text)
    assert lines[0] == "开头" and lines[-1] == "结尾"
    numbers = [line for line in lines if line.startswith("| 第")]
    assert numbers == [f"| 第{i}项 | {i} |" for i in range(1, 81)]


def test_pdf_without_text_layer_is_refused(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(100, 100, 300, 400, fill=1)  # a page with only a picture-like shape, as a scan has
    c.showPage()
    c.save()
    assert_refused(path, "PDF 没有文字层")


# ---------------------------------------------------------------- files that cannot be read
def random_bytes(n: int = 4096) -> bytes:
    return random.Random(20211231).randbytes(n)


def broken_docx_bytes(tmp_path: Path, make_docx) -> bytes:
    good = make_docx(tmp_path / "good.docx", REPORT_BLOCKS).read_bytes()
    return good[: len(good) // 2]


def test_empty_file_is_refused(tmp_path):
    for name in ("empty.txt", "empty.docx", "empty.pdf", "empty.html"):
        path = tmp_path / name
        path.write_bytes(b"")
        assert_refused(path, "文件为空")


def test_file_of_only_a_bom_and_blanks_has_no_text(tmp_path):
    path = tmp_path / "bom-only.txt"
    path.write_bytes(b"\xef\xbb\xbf\r\n  \r\n")
    assert_refused(path, "没有文字")


def test_random_bytes_txt_is_refused_as_undecodable(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(random_bytes())
    assert_refused(path, "无法识别的文本编码")


def test_noise_that_gb18030_decodes_without_error_is_still_refused(tmp_path):
    # GB18030 accepts almost any byte pairs; only the plausibility check stands between these and garbled text.
    rng = random.Random(7)
    data = bytearray()
    for _ in range(2000):
        if rng.random() < 0.3:
            data.append(rng.randrange(0x00, 0x80))
        else:
            data += bytes([rng.randrange(0x81, 0xFF), rng.choice([*range(0x40, 0x7F), *range(0x80, 0xFF)])])
    data.decode("gb18030")  # no error
    path = tmp_path / "noise-gb.txt"
    path.write_bytes(bytes(data))
    assert_refused(path, "无法识别的文本编码")


def test_random_bytes_named_pdf_is_refused(tmp_path):
    path = tmp_path / "noise.pdf"
    path.write_bytes(random_bytes())
    assert_refused(path, "不是有效的 PDF 文件")


def test_truncated_pdf_is_refused(tmp_path, make_pdf):
    good = make_pdf(tmp_path / "good.pdf", REPORT_BLOCKS).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(good[:400])
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert caught.value.source == "cut.pdf"
    assert "PDF" in caught.value.reason


def test_encrypted_pdf_is_refused(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=StandardEncryption("user-secret", ownerPassword="owner"))
    c.drawString(100, 700, "annual report")
    c.showPage()
    c.save()
    assert_refused(path, "PDF 已加密")


@pytest.mark.parametrize("damage", ["truncated-zip", "random-bytes", "zip-without-document"])
def test_broken_docx_is_refused(tmp_path, make_docx, damage):
    path = tmp_path / f"{damage}.docx"
    if damage == "truncated-zip":
        path.write_bytes(broken_docx_bytes(tmp_path, make_docx))
    elif damage == "random-bytes":
        path.write_bytes(random_bytes())
    else:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("hello.txt", "不是 Word 文档")
        path.write_bytes(buf.getvalue())
    assert_refused(path, "不是有效的 .docx 文件")


def test_old_word_doc_named_docx_says_so(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random_bytes(512))
    assert_refused(path, "旧版 Word")


def test_too_large_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(sample_text().encode("utf-8"))
    err = assert_refused(path, "文件过大", max_bytes=1024)
    assert "上限 1.0 KB" in err.reason
    assert MAX_BYTES == 20 * 1024 * 1024
    assert read_document(path).text == sample_text()  # the default limit lets a real report through


def test_unsupported_suffix_is_refused_by_name(tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK\x03\x04")
    err = assert_refused(path, "不支持的文件类型")
    assert ".xlsx" in err.reason


def test_missing_file_is_refused(tmp_path):
    assert_refused(tmp_path / "nowhere.txt", "文件不存在")


# ---------------------------------------------------------------- batches
def test_iter_report_files_expands_directories_and_keeps_named_files(tmp_path):
    root = tmp_path / "reports"
    (root / "b").mkdir(parents=True)
    (root / ".cache").mkdir()
    for rel in ("b/2.docx", "a.txt", "c.HTML", "b/1.pdf", "notes.md", "x.xls", ".cache/x.txt", "~$lock.docx", "d.htm"):
        (root / rel).write_bytes(b"x")
    named = tmp_path / "named.xlsx"
    named.write_bytes(b"x")

    found = iter_report_files([root, named, root / "a.txt"])

    expected = ["a.txt", "b/1.pdf", "b/2.docx", "c.HTML", "d.htm", "notes.md"]
    assert found == [*(root / rel for rel in expected), named]


def test_a_batch_of_good_and_bad_files_names_each_bad_one(tmp_path, make_docx, make_pdf):
    (tmp_path / "good.txt").write_bytes(sample_text().encode("gb18030"))
    make_docx(tmp_path / "good.docx", REPORT_BLOCKS)
    make_pdf(tmp_path / "good.pdf", REPORT_BLOCKS)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "noise.pdf").write_bytes(random_bytes())
    (tmp_path / "broken.docx").write_bytes(random_bytes())

    read, failed = [], {}
    for path in iter_report_files([tmp_path]):
        try:
            read.append(read_document(path).source)
        except ReadError as err:
            failed[err.source] = err.reason

    assert read == ["good.docx", "good.pdf", "good.txt"]
    assert set(failed) == {"broken.docx", "empty.txt", "noise.pdf"}

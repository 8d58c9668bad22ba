"""Citation text: a passage never ends on an announcement of what it does not hold, and never loses a number."""

from __future__ import annotations

import pytest

from answering.compose import passage_citation, without_dangling

from .conftest import make_report


@pytest.mark.parametrize(("text", "expected"), [
    ("三是长效机制不够完善。\n2024年将重点从以下三方面做好工作：", "三是长效机制不够完善。"),
    ("一是宣传不够。二是人手不足。下一步打算如下：", "一是宣传不够。二是人手不足。"),
    ("存在的主要问题为：", "存在的主要问题为："),  # only the announcement: its caller decides
    # a number stays cited
    ("共收到申请5件。其中依申请公开3件，具体为：", "共收到申请5件。其中依申请公开3件，具体为："),
])
def test_without_dangling(text, expected):
    assert without_dangling(text) == expected


def test_a_passage_citation_drops_the_dangling_announcement():
    cite = passage_citation(make_report("壬镇", 2023), "problems", "一是宣传不够。\n2024年将从以下方面改进：")
    assert cite.text == "一是宣传不够。"


def test_sources_number_each_cell_or_passage_once_in_order_of_first_use():
    from answering.compose import Sources
    from answering.models import Citation

    def cite(rid, text, row=None):
        return Citation(rid, "某镇人民政府", "某镇", 2021, "requests", text, "requests" if row else None, row,
                        "total" if row else None)

    a, b, c = cite("甲", "一是宣传不够。"), cite("甲", "表三 … = 3", "granted"), cite("乙", "一是宣传不够。")
    s = Sources()
    assert s.mark([a, b]) == "[1][2]"
    assert s.mark([c, a, cite("甲", "一是宣传不够。")]) == "[3][1][1]"  # same report and text: the same source
    assert s.mark([cite("甲", "表三 … = 3", "granted")]) == "[2]"
    assert s.citations == [a, b, c]
    given = Sources([b, a])  # citations handed in from elsewhere keep their numbers
    assert given.mark([a, c]) == "[2][3]" and given.citations == [b, a, c]
    many = Sources()
    assert many.mark([cite(f"r{i}", "写到了。") for i in range(3000)]).endswith("[3000]")
    assert many.mark([cite("r1234", "写到了。")]) == "[1235]"

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

"""The Vietnamese number reader, as a table an announcer would agree with."""

from __future__ import annotations

import pytest

from hall.speech.numbers_vi import read_number
from hall.speech.numbers_vi import read_ticket

TABLE = [
    (0, "không"), (1, "một"), (4, "bốn"), (5, "năm"), (10, "mười"), (11, "mười một"),
    (14, "mười bốn"), (15, "mười lăm"), (20, "hai mươi"), (21, "hai mươi mốt"),
    (24, "hai mươi tư"), (25, "hai mươi lăm"), (31, "ba mươi mốt"), (55, "năm mươi lăm"),
    (99, "chín mươi chín"), (100, "một trăm"), (101, "một trăm linh một"),
    (104, "một trăm linh bốn"), (105, "một trăm linh năm"), (110, "một trăm mười"),
    (111, "một trăm mười một"), (115, "một trăm mười lăm"), (121, "một trăm hai mươi mốt"),
    (205, "hai trăm linh năm"), (1000, "một nghìn"), (1001, "một nghìn không trăm linh một"),
    (1005, "một nghìn không trăm linh năm"), (1010, "một nghìn không trăm mười"),
    (1015, "một nghìn không trăm mười lăm"), (1023, "một nghìn không trăm hai mươi ba"),
    (1100, "một nghìn một trăm"), (1999, "một nghìn chín trăm chín mươi chín"),
    (2024, "hai nghìn không trăm hai mươi tư"), (9999, "chín nghìn chín trăm chín mươi chín"),
    (10000, "mười nghìn"), (15005, "mười lăm nghìn không trăm linh năm"),
    (100000, "một trăm nghìn"), (1000000, "một triệu"),
    (1000005, "một triệu không trăm linh năm"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "spoken"), TABLE)
def test_numbers_read_the_vietnamese_way(value: int, spoken: str) -> None:
    assert read_number(value) == spoken


@pytest.mark.parametrize(("number", "spoken"), [
    ("A001", "a, một"), ("A023", "a, hai mươi ba"), ("B115", "bê, một trăm mười lăm"),
    ("C024", "xê, hai mươi tư"), ("1023", "một nghìn không trăm hai mươi ba"),
    ("Đ5", "đê, năm"), ("ab12", "a bê, mười hai")])  # fmt: skip
def test_ticket_numbers_read_prefix_as_letters(number: str, spoken: str) -> None:
    assert read_ticket(number) == spoken


def test_digit_by_digit_when_configured() -> None:
    assert read_ticket("A023", digit_by_digit=True) == "a, không hai ba"


@pytest.mark.parametrize("bad", ["", "A", "12A", "A-1", "A 1"])
def test_not_a_ticket_number(bad: str) -> None:
    with pytest.raises(ValueError):
        read_ticket(bad)


def test_out_of_range() -> None:
    with pytest.raises(ValueError):
        read_number(-1)

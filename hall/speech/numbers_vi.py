"""Numbers and ticket numbers read aloud the Vietnamese way.

Rules (the spoken standard, as announcers read them):
- units after "mươi" (20 and up): 1 is "mốt", 4 is "tư", 5 is "lăm"; after "mười" 5 is "lăm";
- a zero tens digit inside a number is "linh" (101 "một trăm linh một");
- a zero hundreds digit after thousands is "không trăm" (1023 "một nghìn không trăm hai mươi ba");
- groups of three digits take "nghìn", "triệu", "tỷ"; an all-zero group is skipped.
"""

from __future__ import annotations

import re
import unicodedata

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ")

# Vietnamese names of letters as an announcer says them (F, J, W, Z from the Latin names).
LETTERS = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e",
    "Ê": "ê", "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e lờ",
    "M": "em mờ", "N": "en nờ", "O": "o", "Ô": "ô", "Ơ": "ơ", "P": "pê", "Q": "cu", "R": "e rờ",
    "S": "ét", "T": "tê", "U": "u", "Ư": "ư", "V": "vê", "W": "vê kép", "X": "ích", "Y": "i dài",
    "Z": "dét",
}  # fmt: skip


def _below_thousand(value: int, inner: bool) -> list[str]:
    """Words for 0 < value < 1000; `inner` when a higher group precedes it (says 'không trăm')."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if hundreds or inner:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 0:
        return words
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 4 and tens >= 2:
        words.append("tư")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    else:
        words.append(DIGITS[units])
    return words


def read_number(value: int) -> str:
    """0 ≤ value < 10¹²: 15 → "mười lăm", 1023 → "một nghìn không trăm hai mươi ba"."""
    if not 0 <= value < 10**12:
        raise ValueError(f"cannot read {value}")
    if value == 0:
        return DIGITS[0]
    groups = []
    while value:
        groups.append(value % 1000)
        value //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _below_thousand(group, inner=bool(words))
        if SCALES[index]:
            words.append(SCALES[index])
    return " ".join(words)


def read_digits(text: str) -> str:
    """Digit by digit: "023" → "không hai ba" (for centres that want it)."""
    return " ".join(DIGITS[int(digit)] for digit in text)


TICKET = re.compile(r"^([^\W\d_]*)(\d+)$")


def read_ticket(number: str, digit_by_digit: bool = False) -> str:
    """A printed ticket number aloud: "A023" → "a, hai mươi ba"; "1023" → "một nghìn …".

    A letter prefix is read as its letter name; leading zeros are not read.
    """
    text = unicodedata.normalize("NFC", number.strip()).upper()
    match = TICKET.match(text)
    if match is None:
        raise ValueError(f"not a ticket number: {number!r}")
    prefix, digits = match.groups()
    spoken = read_digits(digits) if digit_by_digit else read_number(int(digits))
    if not prefix:
        return spoken
    letters = " ".join(LETTERS.get(letter, letter.lower()) for letter in prefix)
    return f"{letters}, {spoken}"

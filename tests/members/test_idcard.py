"""GB 11643-1999 resident ID numbers: plain unit tests, no database."""

import datetime

import pytest

from members import idcard

TODAY = datetime.date(2026, 11, 25)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the standard's own example
        "11010519491231002x",  # a small x is accepted and upper-cased
        " 110105 19491231002X ",  # blanks are ignored
        idcard.make("330106", datetime.date(1990, 2, 28), 123),
        idcard.make("330203", datetime.date(2000, 2, 29), 8),  # leap day
    ],
)
def test_valid_numbers(number):
    assert idcard.validate(number, today=TODAY) == idcard.normalise(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "checksum"),
        ("11010519491231002", "format"),  # 17 characters
        ("1101051949123100211", "format"),  # 19 characters
        ("01010519491231002X", "format"),  # address code cannot start with 0
        ("1101051949123100X2", "format"),  # X only in the last place
        ("", "format"),
        (idcard.make("330106", datetime.date(2027, 1, 1), 1), "birth_date"),  # future
        ("110105" + "19990230" + "123" + "0", "birth_date"),  # 30 February
        ("110105" + "18991231" + "123" + "0", "birth_date"),  # before 1900
    ],
)
def test_invalid_numbers(number, code):
    with pytest.raises(idcard.IdNumberError) as raised:
        idcard.validate(number, today=TODAY)
    assert raised.value.code == code


def test_check_char_covers_x():
    # 1 + sum ... % 11 == 2 gives X: the standard's example ends with X.
    assert idcard.check_char("11010519491231002") == "X"


def test_sex_from_sequence_code():
    assert idcard.is_male(idcard.make("330106", datetime.date(1990, 1, 1), 11))
    assert not idcard.is_male(idcard.make("330106", datetime.date(1990, 1, 1), 12))

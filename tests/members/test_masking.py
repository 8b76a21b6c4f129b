from members.masking import mask_id_number, mask_mobile


def test_id_number_keeps_first_and_last_four():
    assert mask_id_number("33010619900101123X") == "3301**********123X"


def test_mobile_keeps_first_three_and_last_four():
    assert mask_mobile("13812345678") == "138****5678"


def test_empty_and_short_values_reveal_nothing():
    assert mask_id_number("") == ""
    assert mask_mobile("") == ""
    assert mask_id_number("12345678") == "********"
    assert mask_mobile("1234567") == "*******"

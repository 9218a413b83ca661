from peersupport.lib.suppression import suppress_column


def texts(counts, total, threshold=11):
    cells, total_cell = suppress_column(counts, total, threshold)
    return [cell.text for cell in cells], total_cell.text


def test_counts_at_or_above_the_threshold_are_shown():
    assert texts([40, 11, 25], 76) == (["40", "11", "25"], "76")


def test_a_small_count_is_hidden_and_so_is_the_next_smallest_so_the_total_cannot_reveal_it():
    assert texts([40, 3, 25, 12], 80) == (["40", "<11", "25", "<11"], "80")


def test_two_small_counts_hide_each_other_without_hiding_more():
    assert texts([40, 3, 25, 4], 72) == (["40", "<11", "25", "<11"], "72")


def test_a_zero_is_shown_and_never_taken_as_the_complementary_cell():
    assert texts([0, 3, 30], 33) == (["0", "<11", "<11"], "33")


def test_when_no_other_count_can_be_hidden_the_total_is_hidden():
    assert texts([0, 5, 0], 5 + 20 * 0) == (["0", "<11", "0"], "<11")
    assert texts([0, 5, 0], 15) == (["0", "<11", "0"], "<11")


def test_a_small_total_is_hidden():
    assert texts([6, 4], 10) == (["<11", "<11"], "<11")


def test_the_threshold_is_the_programs():
    assert texts([6, 30], 36, threshold=5) == (["6", "30"], "36")

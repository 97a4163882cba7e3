import pytest

from doorstep.core import csvfiles


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 7700", "'+44 7700"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Plain words", "Plain words"),
        (-12, "-12"),
        (3.5, "3.5"),
        (None, ""),
    ],
)
def test_text_that_looks_like_a_formula_is_defused_but_numbers_are_not(value, written):
    assert csvfiles.safe_cell(value) == written


def test_tab_separated_rows_keep_extra_values_under_a_blank_name():
    columns, rows = csvfiles.read_csv(b"a\tb\n1\t2\t3\n4\t5\t\n", max_bytes=1000)
    assert columns == ["a", "b"]
    assert rows == [(2, {"a": "1", "b": "2", "": "3"}), (3, {"a": "4", "b": "5"})]


def test_too_many_rows_are_refused():
    with pytest.raises(csvfiles.CsvFileRefused, match="2 rows of things or fewer"):
        csvfiles.read_csv(b"a\n1\n2\n3\n", max_bytes=1000, max_rows=2, what="rows of things")


def test_downloads_escape_formula_cells_in_every_column():
    from doorstep.core.csvfiles import csv_download

    response = csv_download(
        "x.csv",
        [
            ["name", "note", "count"],
            ['=HYPERLINK("http://evil")', "+1", -3],
            ["@SUM(A1)", "\tx", 2],
        ],
    )
    text = response.content.decode("utf-8-sig")
    assert text.splitlines() == [
        "name,note,count",
        '"\'=HYPERLINK(""http://evil"")",\'+1,-3',
        "'@SUM(A1),'\tx,2",
    ]
    assert response["Cache-Control"] == "no-store"

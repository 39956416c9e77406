"""Properties of the SIGNED date reader: real dates come back, anything else is reported."""

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from campaign.agencies.ice_workbook.values import read_signed_on

DATES = st.dates(min_value=date(2006, 1, 1), max_value=date.today())


@given(DATES)
def test_typed_month_day_year_reads_back(d):
    warnings = []
    assert read_signed_on(f"{d.month}/{d.day}/{d.year}", 5, warnings) == d
    assert read_signed_on(f"{d.month:02d}/{d.day:02d}/{d.year}", 5, warnings) == d
    assert warnings == []


@given(DATES)
def test_excel_dates_and_datetimes_read_back(d):
    warnings = []
    assert read_signed_on(datetime(d.year, d.month, d.day, 0, 0), 5, warnings) == d
    serial = (d - date(1899, 12, 30)).days
    assert read_signed_on(serial, 5, warnings) == d
    assert warnings == []


@given(
    st.integers(min_value=date.today().year + 2, max_value=9999),
    st.integers(1, 12),
    st.integers(1, 28),
)
def test_impossible_years_are_reported_never_fixed(year, month, day):
    warnings = []
    assert read_signed_on(f"{month}/{day}/{year}", 9, warnings) is None
    assert len(warnings) == 1 and warnings[0].row == 9 and "impossible year" in warnings[0].message


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_warning_never_an_error(text):
    warnings = []
    value = read_signed_on(text, 3, warnings)
    assert (value is None) == (len(warnings) == 1)
    if value is not None:
        assert date(2000, 1, 1) <= value <= date.today() + timedelta(days=366)

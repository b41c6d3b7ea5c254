//! Integer civil-date arithmetic on day numbers and "local microseconds".
//!
//! The hot path never builds jiff values: a civil day is a day number (days
//! since 1970-01-01) and a civil datetime in the calendar's zone is "local
//! microseconds" (microseconds since 1970-01-01T00:00 of that wall clock, as
//! if it were UTC). The algorithms are Howard Hinnant's `days_from_civil` and
//! `civil_from_days`.

use jiff::civil::{Date, DateTime, Time};

/// Microseconds in a minute.
pub(crate) const MINUTE: i64 = 60_000_000;
/// Microseconds in a civil day (24 wall-clock hours).
pub(crate) const DAY: i64 = 86_400_000_000;
/// The first civil day the arithmetic covers (0001-01-01).
pub(crate) const MIN_DAY: i64 = days_from_civil(1, 1, 1);
/// The last civil day the arithmetic covers (9998-12-31); later days are closed.
pub(crate) const MAX_DAY: i64 = days_from_civil(9998, 12, 31);

/// The day number of a proleptic Gregorian date.
pub(crate) const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number.
pub(crate) const fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// Monday = 0 … Sunday = 6 for a day number (1970-01-01 was a Thursday).
pub(crate) const fn weekday_index(days: i64) -> usize {
    (days + 3).rem_euclid(7) as usize
}

/// Whether a year has a February 29.
pub(crate) const fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in a month of a year.
pub(crate) const fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The day number of a jiff date.
pub(crate) fn day_of(date: Date) -> i64 {
    days_from_civil(
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    )
}

/// Microseconds since midnight of a wall-clock time.
pub(crate) fn micros_of_time(time: Time) -> i64 {
    i64::from(time.hour()) * 3_600_000_000
        + i64::from(time.minute()) * MINUTE
        + i64::from(time.second()) * 1_000_000
        + i64::from(time.subsec_nanosecond()) / 1_000
}

/// Local microseconds of a civil datetime.
pub(crate) fn local_of(dt: DateTime) -> i64 {
    day_of(dt.date()) * DAY + micros_of_time(dt.time())
}

/// The jiff date of a day number, if jiff can represent it.
pub(crate) fn date_of(days: i64) -> Option<Date> {
    let (y, m, d) = civil_from_days(days);
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// The civil datetime of local microseconds, if jiff can represent it.
pub(crate) fn datetime_of(local: i64) -> Option<DateTime> {
    let day = local.div_euclid(DAY);
    let rest = local.rem_euclid(DAY);
    let time = Time::new(
        i8::try_from(rest / 3_600_000_000).ok()?,
        i8::try_from(rest / MINUTE % 60).ok()?,
        i8::try_from(rest / 1_000_000 % 60).ok()?,
        i32::try_from(rest % 1_000_000 * 1_000).ok()?,
    )
    .ok()?;
    Some(date_of(day)?.to_datetime(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_and_match_jiff() {
        let mut date = jiff::civil::date(1899, 12, 25);
        for _ in 0..200_000 {
            let n = day_of(date);
            assert_eq!(date_of(n), Some(date));
            assert_eq!(
                weekday_index(n),
                date.weekday().to_monday_zero_offset() as usize
            );
            date = date.tomorrow().unwrap_or(date);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }

    #[test]
    fn local_micros_round_trip() {
        let dt = jiff::civil::datetime(2026, 3, 29, 2, 30, 15, 123_456_000);
        assert_eq!(datetime_of(local_of(dt)), Some(dt));
        let before_epoch = jiff::civil::datetime(1969, 12, 31, 23, 59, 0, 0);
        assert_eq!(local_of(before_epoch), -MINUTE);
        assert_eq!(datetime_of(-MINUTE), Some(before_epoch));
    }
}

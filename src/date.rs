//! Calendar dates without time zones, as the language and `as_of` use them.
//!
//! Stored as a day number (days since 1970-01-01) so comparisons and day arithmetic are
//! integer operations; conversion uses Howard Hinnant's civil-date algorithms.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(i32);

/// Years a date may have. Far wider than any inventory needs, and narrow enough that the
/// civil-date conversions below never overflow `i32`: arithmetic leaving the range is
/// null (`None`), never a wrapped value.
const YEARS: std::ops::RangeInclusive<i32> = -999_999..=999_999;

impl Date {
    /// A real calendar date, or `None` (`2025-02-30`).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !YEARS.contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// Parses exactly `YYYY-MM-DD`, a real calendar date.
    ///
    /// ```
    /// use wardline::date::Date;
    /// assert_eq!(Date::parse("2024-02-29").map(|d| d.to_string()), Some("2024-02-29".into()));
    /// assert_eq!(Date::parse("2025-02-30"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !digits(0..4)
            || !digits(5..7)
            || !digits(8..10)
        {
            return None;
        }
        let year = text[0..4].parse().ok()?;
        let month = text[5..7].parse().ok()?;
        let day = text[8..10].parse().ok()?;
        Date::from_ymd(year, month, day)
    }

    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_unix_seconds(i64::try_from(secs).unwrap_or(i64::MAX))
    }

    /// The UTC day of a Unix time (a commit's time), saturating outside `i32` days.
    pub fn from_unix_seconds(seconds: i64) -> Date {
        let days = seconds.div_euclid(86_400);
        Date(i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX }))
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    pub fn add_days(self, days: i64) -> Option<Date> {
        let moved = i32::try_from(i64::from(self.0).checked_add(days)?).ok()?;
        let first = days_from_civil(*YEARS.start(), 1, 1);
        let last = days_from_civil(*YEARS.end(), 12, 31);
        (first..=last).contains(&moved).then_some(Date(moved))
    }

    /// Calendar months; the day is clamped to the target month's last day.
    ///
    /// ```
    /// use wardline::date::Date;
    /// let end_of_january = Date::parse("2025-01-31").unwrap();
    /// assert_eq!(end_of_january.add_months(1), Date::parse("2025-02-28"));
    /// ```
    pub fn add_months(self, months: i64) -> Option<Date> {
        let (y, m, d) = self.ymd();
        let total = (i64::from(y) * 12 + i64::from(m - 1)).checked_add(months)?;
        let year = i32::try_from(total.div_euclid(12)).ok()?;
        let month = u32::try_from(total.rem_euclid(12)).ok()? + 1;
        Date::from_ymd(year, month, d.min(days_in_month(year, month)))
    }

    pub fn days_until(self, later: Date) -> i64 {
        i64::from(later.0) - i64::from(self.0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or_else(|| unreachable!("bad test date {s}"))
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(d("2024-02-29").to_string(), "2024-02-29");
        assert!(Date::parse("2025-02-29").is_none());
        assert!(Date::parse("2025-02-30").is_none());
        assert!(Date::parse("2025-13-01").is_none());
        assert!(Date::parse("2025-1-01").is_none());
        assert_eq!(d("1970-01-01").0, 0);
    }

    #[test]
    fn month_arithmetic_clamps() {
        assert_eq!(d("2025-01-31").add_months(1), Some(d("2025-02-28")));
        assert_eq!(d("2025-11-29").add_months(12), Some(d("2026-11-29")));
        assert_eq!(d("2026-05-29").add_months(-6), Some(d("2025-11-29")));
        assert_eq!(d("2026-11-13").days_until(d("2026-11-29")), 16);
    }

    #[test]
    fn arithmetic_out_of_range_is_none_not_wrapped() {
        let day = d("2026-11-29");
        for n in [i64::MAX, i64::MIN, i64::from(i32::MAX), 400_000_000] {
            assert_eq!(day.add_days(n), None, "add_days({n})");
            assert_eq!(day.add_months(n), None, "add_months({n})");
        }
        assert_eq!(day.add_months(-i64::MAX), None);
        assert_eq!(Date::from_ymd(i32::MAX, 1, 1), None);
        let last = Date::from_ymd(999_999, 12, 31).map(|d| d.to_string());
        assert_eq!(last.as_deref(), Some("999999-12-31"));
        assert_eq!(
            Date::from_ymd(999_999, 12, 31).and_then(|d| d.add_days(1)),
            None
        );
    }
}

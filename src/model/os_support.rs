//! The built-in operating-system end-of-support catalog (LANGUAGE.md §7), a data file
//! with a public source per row, embedded at build time.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::date::Date;
use crate::text::is_invisible;

const CATALOG_TOML: &str = include_str!("os_support.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    os: Vec<Row>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    name: String,
    version: Option<String>,
    end_of_support: toml::value::Datetime,
    /// Public source of the date; read only by the test that requires one per row.
    #[cfg_attr(not(test), expect(dead_code, reason = "documentation for reviewers"))]
    source: String,
}

/// One row, with its name as written (for hints) and its version as written.
struct Entry {
    name: String,
    version: String,
    /// `version` lower-cased once here, not per device looked up.
    version_lower: String,
    date: Date,
}

/// Rows keyed by normalized name, plus every row in file order.
#[derive(Default)]
struct Catalog {
    by_name: HashMap<String, Vec<usize>>,
    rows: Vec<Entry>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| parse_catalog().unwrap_or_default());

fn parse_catalog() -> Result<Catalog, String> {
    let file: CatalogFile = toml::from_str(CATALOG_TOML).map_err(|e| e.to_string())?;
    let mut catalog = Catalog::default();
    for row in file.os {
        let date = row
            .end_of_support
            .date
            .and_then(|d| Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day)));
        let date = date.ok_or_else(|| format!("{}: end_of_support must be a date", row.name))?;
        catalog
            .by_name
            .entry(normalize(&row.name))
            .or_default()
            .push(catalog.rows.len());
        let version = row.version.unwrap_or_default();
        catalog.rows.push(Entry {
            name: row.name,
            version_lower: version.to_lowercase(),
            version,
            date,
        });
    }
    Ok(catalog)
}

/// The form names are compared in (LANGUAGE.md §7): NFKC, format characters (Cf) removed
/// so a zero-width space or a bidirectional control cannot make a name look unknown,
/// lower-cased, white-space runs folded and the ends trimmed.
pub fn normalize(name: &str) -> String {
    // NFKC and the Cf filter leave ASCII unchanged, and every device's OS goes through
    // here: skip them for the common case.
    let folded: String = if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        name.nfkc()
            .filter(|&c| !is_invisible(c))
            .collect::<String>()
            .to_lowercase()
    };
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The end of support of `name` at `version`: exact name, longest matching version prefix.
pub fn lookup(name: &str, version: Option<&str>) -> Option<Date> {
    find(name, version).map(|entry| entry.date)
}

fn find(name: &str, version: Option<&str>) -> Option<&'static Entry> {
    let rows = CATALOG.by_name.get(&normalize(name))?;
    let version = normalize(version.unwrap_or(""));
    rows.iter()
        .map(|&i| &CATALOG.rows[i])
        .filter(|entry| version.starts_with(entry.version_lower.as_str()))
        .max_by_key(|entry| entry.version.len())
}

/// What an unmatched OS name probably means (LANGUAGE.md §4 `os_catalog_hint`): the
/// nearest row of the same name by version, else the nearest catalog name. `None` when a
/// row matches.
pub fn hint(name: &str, version: Option<&str>) -> Option<String> {
    if find(name, version).is_some() {
        return None;
    }
    if let Some(rows) = CATALOG.by_name.get(&normalize(name)) {
        let wanted = normalize(version.unwrap_or(""));
        let nearest = rows.iter().map(|&i| &CATALOG.rows[i]).min_by(|a, b| {
            let distance = |e: &Entry| levenshtein(&normalize(&e.version), &wanted);
            distance(a)
                .cmp(&distance(b))
                .then_with(|| b.version.as_bytes().cmp(a.version.as_bytes()))
        })?;
        return Some(format!("{} {}", nearest.name, nearest.version));
    }
    let stated = squeeze(name);
    let mut names: Vec<&str> = CATALOG.rows.iter().map(|e| e.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|candidate| {
            let squeezed = squeeze(candidate);
            let distance = if stated.starts_with(&squeezed) {
                0
            } else {
                levenshtein(&stated, &squeezed)
            };
            (
                distance,
                std::cmp::Reverse(squeezed.chars().count()),
                candidate,
            )
        })
        .min()
        .map(|(_, _, candidate)| candidate.to_owned())
}

/// Lower-cased letters and digits only: `Windows7`, `windows 7` and `WINDOWS-7` agree.
fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Plain Levenshtein distance on Unicode scalar values (no transpositions, unlike
/// [`crate::suggest::edit_distance`]), as the spec defines the hint.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<Date> {
        Date::parse(s)
    }

    #[test]
    fn catalog_parses_and_every_row_has_a_source() {
        let file: CatalogFile = toml::from_str(CATALOG_TOML).unwrap();
        assert!(file.os.iter().all(|row| row.source.starts_with("https://")));
        parse_catalog().unwrap();
    }

    #[test]
    fn holds_the_minimum_table_of_the_spec() {
        let spec = [
            ("Windows XP", "", "2014-04-08"),
            ("Windows XP Embedded", "", "2016-01-12"),
            ("Windows Embedded POSReady 2009", "", "2019-04-09"),
            ("Windows Embedded Standard 2009", "", "2019-01-08"),
            ("Windows Vista", "", "2017-04-11"),
            ("Windows 7", "", "2020-01-14"),
            ("Windows Embedded Standard 7", "", "2020-10-13"),
            ("Windows Embedded POSReady 7", "", "2021-10-12"),
            ("Windows 8.1", "", "2023-01-10"),
            ("Windows Embedded 8.1 Industry", "", "2023-07-11"),
            ("Windows 10", "", "2025-10-14"),
            ("Windows 10 Enterprise LTSB", "2015", "2025-10-14"),
            ("Windows 10 Enterprise LTSB", "2016", "2026-10-13"),
            ("Windows 10 Enterprise LTSC", "2019", "2029-01-09"),
            ("Windows 10 Enterprise LTSC", "2021", "2027-01-12"),
            ("Windows 10 IoT Enterprise LTSC", "2019", "2029-01-09"),
            ("Windows 10 IoT Enterprise LTSC", "2021", "2032-01-13"),
            ("Windows Server 2003", "", "2015-07-14"),
            ("Windows Server 2008", "", "2020-01-14"),
            ("Windows Server 2008 R2", "", "2020-01-14"),
            ("Windows Server 2012", "", "2023-10-10"),
            ("Windows Server 2012 R2", "", "2023-10-10"),
            ("Windows Server 2016", "", "2027-01-12"),
            ("Windows Server 2019", "", "2029-01-09"),
            ("Windows CE", "6.0", "2018-04-10"),
            ("Windows Embedded Compact", "7", "2021-04-13"),
            ("Windows Embedded Compact", "2013", "2023-10-10"),
            ("CentOS", "6", "2020-11-30"),
            ("CentOS", "7", "2024-06-30"),
            ("CentOS", "8", "2021-12-31"),
            ("Red Hat Enterprise Linux", "6", "2020-11-30"),
            ("Red Hat Enterprise Linux", "7", "2024-06-30"),
            ("Ubuntu", "14.04", "2019-04-30"),
            ("Ubuntu", "16.04", "2021-04-30"),
            ("Ubuntu", "18.04", "2023-05-31"),
            ("Ubuntu", "20.04", "2025-05-31"),
            ("Ubuntu", "22.04", "2027-06-30"),
            ("Windows 10 IoT Enterprise LTSB", "2015", "2025-10-14"),
            ("Windows 10 IoT Enterprise LTSB", "2016", "2026-10-13"),
            ("Windows 11", "21H2", "2023-10-10"),
            ("Windows 11", "22H2", "2024-10-08"),
            ("Windows 11", "23H2", "2025-11-11"),
            ("Windows 11", "24H2", "2026-10-13"),
            ("Windows 11", "25H2", "2027-10-12"),
            ("Windows 11 Enterprise", "21H2", "2024-10-08"),
            ("Windows 11 Enterprise", "22H2", "2025-10-14"),
            ("Windows 11 Enterprise", "23H2", "2026-11-10"),
            ("Windows 11 Enterprise", "24H2", "2027-10-12"),
            ("Windows 11 Enterprise", "25H2", "2028-10-10"),
            ("Windows 11 Enterprise LTSC", "2024", "2029-10-09"),
            ("Windows 11 IoT Enterprise LTSC", "2024", "2034-10-10"),
            ("Windows Embedded 8.1 Pro", "", "2023-01-10"),
            ("Windows Server 2025", "", "2034-11-14"),
            ("Red Hat Enterprise Linux", "5", "2017-03-31"),
            ("Red Hat Enterprise Linux", "8", "2029-05-31"),
            ("Red Hat Enterprise Linux", "9", "2032-05-31"),
            ("Red Hat Enterprise Linux", "10", "2035-05-31"),
            ("CentOS", "5", "2017-03-31"),
            ("CentOS Stream", "8", "2024-05-31"),
            ("CentOS Stream", "9", "2027-05-31"),
            ("CentOS Stream", "10", "2030-05-31"),
            ("Ubuntu", "24.04", "2029-05-31"),
            ("Ubuntu", "26.04", "2031-04-30"),
            ("Debian", "6", "2016-02-29"),
            ("Debian", "7", "2018-05-31"),
            ("Debian", "8", "2020-06-30"),
            ("Debian", "9", "2022-07-01"),
            ("Debian", "10", "2024-06-30"),
            ("Debian", "11", "2026-08-31"),
            ("Debian", "12", "2028-06-30"),
            ("Debian", "13", "2030-06-30"),
        ];
        for (name, version, end) in spec {
            assert_eq!(lookup(name, Some(version)), date(end), "{name} {version}");
        }
    }

    #[test]
    fn matching_rules() {
        assert_eq!(lookup("windows   7", Some("SP1")), date("2020-01-14"));
        assert_eq!(lookup("Windows 7", None), date("2020-01-14"));
        assert_eq!(lookup("Windows CE", Some("6.0 R3")), date("2018-04-10"));
        assert_eq!(lookup("Windows CE", Some("5.0")), None);
        assert_eq!(lookup("Windows CE", None), None);
        assert_eq!(lookup("Windows 7 Professional", Some("SP1")), None);
        assert_eq!(lookup("Ubuntu", Some("22.04.3 LTS")), date("2027-06-30"));
        assert_eq!(lookup(" WINDOWS xp\u{200b}", None), date("2014-04-08"));
        assert_eq!(lookup("Windows\u{202c} XP", None), date("2014-04-08"));
        assert_eq!(lookup("Ｗｉｎｄｏｗｓ ＸＰ", None), date("2014-04-08"));
        assert_eq!(lookup("Windows \u{0425}P", None), None);
        assert_eq!(
            lookup("Red Hat Enterprise Linux", Some("10.1")),
            date("2035-05-31")
        );
        assert_eq!(
            lookup("Windows 11 Enterprise", Some("23h2")),
            date("2026-11-10")
        );
    }

    #[test]
    fn hints_name_the_nearest_row() {
        let hint = |name: &str, version: Option<&str>| super::hint(name, version);
        assert_eq!(hint("Windows 7", Some("SP1")), None);
        assert_eq!(hint("Windows7", None).as_deref(), Some("Windows 7"));
        assert_eq!(
            hint("Windows 7 Pro", Some("SP1")).as_deref(),
            Some("Windows 7")
        );
        assert_eq!(
            hint("Windows \u{0425}P", None).as_deref(),
            Some("Windows XP")
        );
        assert_eq!(
            hint("windows ce", Some("5.0")).as_deref(),
            Some("Windows CE 6.0")
        );
        assert_eq!(hint("Ubuntu", None).as_deref(), Some("Ubuntu 26.04"));
        assert_eq!(
            hint("Ubuntu", Some("24.10")).as_deref(),
            Some("Ubuntu 24.04")
        );
    }

    #[test]
    fn levenshtein_counts_a_transposition_as_two() {
        assert_eq!(levenshtein("ab", "ba"), 2);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}

//! The built-in operating-system end-of-support catalog (LANGUAGE.md §7), a data file
//! with a public source per row, embedded at build time.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::date::Date;

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

/// Rows keyed by normalized name: (lower-cased version prefix or "", date).
type Catalog = HashMap<String, Vec<(String, Date)>>;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| parse_catalog().unwrap_or_default());

fn parse_catalog() -> Result<Catalog, String> {
    let file: CatalogFile = toml::from_str(CATALOG_TOML).map_err(|e| e.to_string())?;
    let mut catalog = Catalog::new();
    for row in file.os {
        let date = row
            .end_of_support
            .date
            .and_then(|d| Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day)));
        let date = date.ok_or_else(|| format!("{}: end_of_support must be a date", row.name))?;
        catalog
            .entry(normalize(&row.name))
            .or_default()
            .push((row.version.unwrap_or_default().to_lowercase(), date));
    }
    Ok(catalog)
}

/// Case-insensitive, runs of white space folded to one space.
fn normalize(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The end of support of `name` at `version`: exact name, longest matching version prefix.
pub fn lookup(name: &str, version: Option<&str>) -> Option<Date> {
    let rows = CATALOG.get(&normalize(name))?;
    let version = version.unwrap_or("").trim().to_lowercase();
    rows.iter()
        .filter(|(prefix, _)| version.starts_with(prefix.as_str()))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|&(_, date)| date)
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
    }
}

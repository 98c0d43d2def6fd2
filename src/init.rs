//! `wardline init`: the files that start an inventory — a commented `wardline.toml` and
//! a starter inventory that passes the built-in policies. Its review dates are the day
//! it is written, so it keeps passing for the months each review policy allows.

use crate::date::Date;

const CONFIG: &str = include_str!("init/wardline.toml");
const INVENTORY: &str = include_str!("init/clinic.ward");

/// The files to write, by path relative to the new root, in the order they are written.
pub fn files(today: Date) -> [(&'static str, String); 2] {
    [
        (crate::config::FILE_NAME, CONFIG.to_owned()),
        (
            "inventory/clinic.ward",
            INVENTORY
                .replace("{today}", &today.to_string())
                // The manufacturer's date for the sample OS: far enough out that the
                // starter never trips an end-of-support policy while it is a starter.
                .replace(
                    "{end_of_support}",
                    &today.add_months(60).unwrap_or(today).to_string(),
                ),
        ),
    ]
}

//! wardline: compliance-as-code for connected medical device inventories.
//!
//! Codemap, in pipeline order (data flows one way):
//! - [`source`]: files, byte spans, line index (line/column computed only when rendering).
//! - [`discover`]: finds the inventory root, loads `wardline.toml` ([`config`]) and the `.ward` files.
//! - [`syntax`]: one file's bytes → AST + syntax errors.
//! - [`schema`]: the one table of block kinds, keys, types and derived facts.
//! - [`model`]: ASTs → validated, resolved [`model::Inventory`] with derived facts.
//! - [`report`]: pure renderers over one [`report::Report`] (findings, rule catalog, per-policy
//!   tallies, tool errors, render options): human, concise, json, sarif, github, junit;
//!   and the views over the same report: the network map (`report::map`: mermaid, dot)
//!   and the Security Risk Analysis summary (`report::sra`: markdown, html).
//!
//! Invariants:
//! - `syntax` and `model` do no IO and never panic on user input.
//! - Parsing and resolution never fail: they return a value plus every error found.
//! - Output is identical whatever the thread count: work in parallel, then sort.

pub mod check;
pub mod cli;
pub mod config;
pub mod date;
pub mod discover;
pub mod error;
pub mod finding;
pub mod model;
pub mod policy;
pub mod report;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod text;

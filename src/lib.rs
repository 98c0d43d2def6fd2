//! wardline: compliance-as-code for connected medical device inventories.
//!
//! Codemap, in pipeline order (data flows one way):
//! - [`source`]: files, byte spans, line index (line/column computed only when rendering).
//! - [`discover`]: the [`discover::SourceTree`] a run reads — the working tree, or a git
//!   revision ([`git`]) — and, from it, `wardline.toml` ([`config`]), the `.ward` files and
//!   extra packs. Every read stays inside the repository and under the size limit.
//! - [`syntax`]: one file's bytes → AST + syntax errors.
//! - [`schema`]: the one table of block kinds, keys, types and derived facts.
//! - [`model`]: ASTs → validated, resolved [`model::Inventory`] with derived facts.
//! - [`policy`]: packs, the expression language, evaluation and waivers.
//! - [`check`]: the pipeline of one inventory, a pure function of (files, [`check::Judge`]);
//!   findings carry their fingerprint ([`finding::Finding::identify`]).
//! - [`diff`]: two checked inventories compared (entities, findings by fingerprint).
//! - [`report`]: pure renderers over one [`report::Report`] (findings, rule catalog, per-policy
//!   tallies, tool errors, render options): human, concise, json, sarif, github, junit,
//!   and `--statistics`; the diff's and the history's human, json and markdown; the
//!   views over the same report: the network map (`report::map`: mermaid, dot) and the
//!   Security Risk Analysis summary (`report::sra`: markdown, html); the policy catalog
//!   and the language reference generated from [`schema`] (`wardline schema`,
//!   `docs/language.md`). Text from inputs is escaped ([`text`]).
//! - [`history`]: the first-parent history judged commit by commit, for remediation.
//! - [`init`]: the starter `wardline.toml` and inventory `wardline init` writes.
//! - [`cli`]: arguments and configuration resolved into settings; the only place that
//!   picks a tree, writes output and decides the exit status.
//!
//! Invariants:
//! - `syntax`, `model` and `policy` do no IO, never read the configuration (a test holds
//!   them to it) and never panic on user input.
//! - Parsing and resolution never fail: they return a value plus every error found.
//! - Output is identical whatever the thread count: work in parallel, then sort.

pub mod check;
pub mod cli;
pub mod config;
pub mod date;
pub mod diff;
pub mod discover;
pub mod error;
pub mod finding;
pub mod git;
pub mod history;
pub mod init;
pub mod model;
pub mod policy;
pub mod report;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod text;

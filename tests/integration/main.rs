//! One integration-test binary, a module per feature.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod audit;
mod cli;
mod expressions;
mod first_hour;
mod fleet;
mod hostile;
mod integrations;
mod language;
mod layers;
mod model;
mod policies;
mod revisions;
mod robustness;
mod support;
mod views;
mod waivers;

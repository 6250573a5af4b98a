//! lrsched: compute, check, tabulate and plot warmup + multi-step learning-rate schedules.
//!
//! - [`schedule`]: the math, pure functions of the iteration (one evaluator per dialect).
//! - [`config`]: TOML files and flags into validated schedules; every input error starts there.
//! - [`output`]: one file per output format, behind one small trait.
//! - [`commands`]: one module per subcommand, wiring the three together.

pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostics;
pub mod error;
pub mod lint;
pub mod output;
pub mod schedule;

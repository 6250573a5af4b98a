//! Outputs. Tables in every tabular format go through one row writer (`table/`); plots are
//! drawn by `plot/` and, at a terminal, `terminal.rs`; `sink.rs` is where bytes go (stdout, or
//! a file written atomically).

pub mod plot;
pub mod sink;
pub mod table;
pub mod terminal;

pub use table::{Cell, Format, FormatName, Layout};

/// The one shortest-float helper lives in the model (`crate::schedule::message::number`), so
/// that messages and outputs write the same digits; this name is kept for the plot's axis.
pub use crate::schedule::message::number;

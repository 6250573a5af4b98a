//! Outputs, three concerns side by side: tables in every tabular format through one row writer
//! (`table/`); plots, as a model with its PNG/SVG renderer and its braille renderer (`plot/`);
//! and the sink, where bytes go (stdout, or a file written atomically: `sink/`).

pub mod plot;
pub mod sink;
pub mod table;

pub use table::{Cell, Format, FormatName, Layout};

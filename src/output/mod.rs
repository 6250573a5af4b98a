//! Outputs: configs for other frameworks (`export/`); tables in every tabular format through one row writer
//! (`table/`); plots, as a model with its PNG/SVG renderer and its braille renderer (`plot/`);
//! and the sink, where bytes go (stdout, or a file written atomically: `sink/`).

pub mod export;
pub mod plot;
pub mod sink;
pub mod table;

pub use table::{Cell, Format, FormatName, Layout};

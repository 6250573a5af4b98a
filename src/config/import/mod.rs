//! Framework configs, read as lrsched schedules.

pub mod python;

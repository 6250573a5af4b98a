//! A schedule with what the outputs need to label it: its name, dialect and epoch length.

use super::{Dialect, Params, Schedule};

/// The unit milestones, step_size, warmup_iters and iters are given in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Iter,
    Epoch,
}

/// A validated schedule, ready to evaluate, with what the outputs need to label it.
pub struct NamedSchedule {
    pub name: String,
    pub dialect: Dialect,
    pub iters_per_epoch: Option<u64>,
    pub unit: Unit,
    /// The counts (milestones, step_size, warmup_iters, iters) written as bare numbers, each
    /// with the unit it was read in: what the epoch lints may suggest a unit for.
    pub bare_counts: Vec<(&'static str, Unit)>,
    pub schedule: Box<dyn Schedule>,
}

impl NamedSchedule {
    pub fn params(&self) -> &Params {
        self.schedule.params()
    }
}

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
    pub schedule: Box<dyn Schedule>,
}

impl NamedSchedule {
    pub fn params(&self) -> &Params {
        self.schedule.params()
    }
}

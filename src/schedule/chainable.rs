//! PyTorch's chainable `LinearLR`, `ConstantLR` and `MultiStepLR` arithmetic, which
//! torch-chained, torch-sequential and mmengine (whose schedulers are PyTorch's, stepped within
//! `begin <= step < end`) share: what one step multiplies the lr by, what the warmup schedulers
//! accept, and how `MultiStepLR` takes its milestones.

use super::departures::Departure;
use super::message::{first_unsorted, list_around, number};
use super::{Decay, Params, Rejection, WarmupMethod};

/// Why an in-place warmup differs from maskrcnn's in the last bits.
pub(crate) const IN_PLACE_WARMUP: &str =
    "LinearLR multiplies the lr in place at each step, so rounding accumulates";

/// Why an in-place constant level differs from base_lr × gamma^k in the last bits.
pub(crate) const IN_PLACE_LEVELS: &str =
    "the schedulers multiply the lr in place, so rounding accumulates";

/// What PyTorch's LinearLR and ConstantLR accept as a start factor (torch-chained and
/// torch-sequential).
pub(crate) fn check_warmup(params: &Params) -> Result<(), Rejection> {
    let f = params.warmup_factor;
    match params.warmup_method {
        WarmupMethod::Exp => Err(Rejection {
            key: "warmup_method",
            message: "PyTorch has no exponential warmup scheduler; this construction uses \
                      LinearLR (linear) or ConstantLR (constant)"
                .into(),
        }),
        WarmupMethod::Linear if f <= 0.0 || f > 1.0 => Err(Rejection {
            key: "warmup_factor",
            message: format!(
                "must be in (0, 1], got {} (LinearLR: \"Starting multiplicative factor expected \
                 to be greater than 0 and less or equal to 1.\")",
                number(f)
            ),
        }),
        WarmupMethod::Constant if f > 1.0 => Err(Rejection {
            key: "warmup_factor",
            message: format!(
                "must be in [0, 1], got {} (ConstantLR: \"Constant multiplicative factor \
                 expected to be between 0 and 1.\")",
                number(f)
            ),
        }),
        WarmupMethod::Linear | WarmupMethod::Constant => Ok(()),
    }
}

/// LinearLR's chainable factor at `last_epoch` (1 <= last_epoch <= total_iters), in PyTorch's
/// operation order.
pub(crate) fn linear_lr_factor(start_factor: f64, total_iters: u64, last_epoch: u64) -> f64 {
    let span = 1.0 - start_factor;
    1.0 + span / (total_iters as f64 * start_factor + (last_epoch - 1) as f64 * span)
}

/// `lr * gamma ** count`, as MultiStepLR's chainable `get_lr` applies a milestone listed
/// `count` times (nothing when it is not listed).
pub(crate) fn apply_milestone(lr: f64, gamma: f64, count: u64) -> f64 {
    match count {
        0 => lr,
        // `gamma ** 1` is gamma exactly (C's pow, and Python's): the common case, without a pow.
        1 => lr * gamma,
        _ => lr * gamma.powf(count as f64),
    }
}

/// MultiStepLR counts its milestones in a `Counter`: an unsorted list is taken as it comes,
/// where maskrcnn would refuse it.
pub(crate) fn counter_note(p: &Params) -> Option<Departure> {
    let Decay::Milestones(given) = &p.decay else {
        return None;
    };
    let unsorted = first_unsorted(given)?;
    Some(Departure::note(format!(
        "milestones {} are taken in any order (MultiStepLR counts them in a Counter); maskrcnn \
         would refuse them",
        list_around(given, unsorted)
    )))
}

//! The keys of per-epoch stepping (`stepping`, `warmup_stepping`), and a `step_size` of
//! fractional epochs stepped per epoch: docs/guide.md#stepping-per-epoch.

use super::amount::Amount;
use super::checks;
use super::error::{ConfigError, Origin};
use super::resolve::Given;
use crate::schedule::floor_division::floor_div;
use crate::schedule::{Stepping, Unit};

/// When the scheduler steps, from `stepping` and `warmup_stepping` (which follows `stepping`
/// unless set).
pub(super) fn read(given: &Given, per_epoch: Option<u64>) -> Result<Stepping, ConfigError> {
    let when = |name: &'static str| -> Result<Option<Unit>, ConfigError> {
        given
            .text(name)
            .map(|(text, at)| checks::stepping(text, at))
            .transpose()
    };
    let decays = when("stepping")?.unwrap_or(Unit::Iter);
    let warmup = when("warmup_stepping")?.unwrap_or(decays);
    match (decays, warmup, per_epoch) {
        (Unit::Iter, Unit::Iter, _) => Ok(Stepping::Iter),
        (Unit::Iter, Unit::Epoch, _) => Err(ConfigError::invalid(
            given.origin("warmup_stepping"),
            "warmup_stepping = epoch needs stepping = epoch (no framework steps its warmup less \
             often than its decays)",
        )),
        (Unit::Epoch, _, None) => Err(ConfigError::invalid(
            given.origin("stepping"),
            "stepping = epoch needs an epoch length: iters_per_epoch, or dataset_size and a batch",
        )),
        (Unit::Epoch, warmup, Some(iters_per_epoch)) => Ok(Stepping::Epoch {
            iters_per_epoch,
            warmup,
        }),
    }
}

/// Whether `step` is a fraction of epochs: stepped per epoch, it decays where timm's
/// `t // decay_t` rises rather than every so many iterations.
pub(super) fn is_fractional(step: &Amount, unit: Unit, stepping: Stepping) -> bool {
    matches!(stepping, Stepping::Epoch { .. })
        && step.unit_or(unit) == Unit::Epoch
        && step.number.whole().is_none()
}

/// At most this many decays from a fractional step: a list of milestones, one per decay.
const MOST_DECAYS: usize = 1_000_000;

/// The milestones, in iterations, of a fractional `step` of epochs stepped per epoch: epoch e
/// (from the end of the warmup, W epochs) has k = (e - W) // step decays, Python's float floor
/// division of timm's `StepLRScheduler` (`1 // 0.1` is 9.0), so each rise of k is a milestone
/// (twice for a rise of two) at the start of its epoch.
pub(super) fn fractional_milestones(
    step: &Amount,
    at: &Origin,
    warmup: (u64, &Origin),
    iters: u64,
    per_epoch: u64,
) -> Result<Vec<u64>, ConfigError> {
    let (warmup_iters, warmup_at) = warmup;
    if !warmup_iters.is_multiple_of(per_epoch) {
        return Err(ConfigError::invalid(
            warmup_at.clone(),
            format!(
                "{warmup_iters} is not a whole number of epochs at {per_epoch} iterations per \
                 epoch, and step_size {step} counts its decays from the end of the warmup"
            ),
        ));
    }
    let w = warmup_iters / per_epoch;
    let epochs = iters.div_ceil(per_epoch);
    let step_f64 = as_python_reads(step);
    let decays = |e: u64| floor_div((e - w) as f64, step_f64);
    let mut milestones = Vec::new();
    for n in 1.. {
        let n_f64 = n as f64;
        // A first guess, then the first epoch whose k reaches n.
        let mut e = w.saturating_add((n_f64 * step_f64).ceil() as u64);
        while e > w && decays(e - 1) >= n_f64 {
            e -= 1;
        }
        while e < epochs && decays(e) < n_f64 {
            e += 1;
        }
        if e >= epochs {
            break;
        }
        if milestones.len() == MOST_DECAYS {
            return Err(ConfigError::invalid(
                at.clone(),
                format!(
                    "{step} stepped per epoch decays more than {MOST_DECAYS} times in {epochs} \
                     epochs"
                ),
            ));
        }
        milestones.push(e * per_epoch);
    }
    Ok(milestones)
}

/// The f64 Python reads for the same text: timm's `decay_t`.
pub(super) fn as_python_reads(step: &Amount) -> f64 {
    step.number.to_string().parse().unwrap_or(f64::INFINITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn milestones(step: &str, warmup: u64, iters: u64, per_epoch: u64) -> Vec<u64> {
        let at = Origin::Flag("--step-size".into());
        let step = Amount::parse(step).unwrap();
        fractional_milestones(&step, &at, (warmup, &at), iters, per_epoch).unwrap()
    }

    /// floor(e / 2.4) rises at epochs 3, 5, 8, 10, 12 (12 / 2.4 is 5 exactly; the f64 2.4 is
    /// below 2.4, so 12 // 2.4 is 5.0 in Python too).
    #[test]
    fn timm_decay_epochs() {
        assert_eq!(milestones("2.4ep", 0, 130, 10), vec![30, 50, 80, 100, 120]);
        // Counted from the end of a 2-epoch warmup.
        assert_eq!(
            milestones("2.4ep", 20, 150, 10),
            vec![50, 70, 100, 120, 140]
        );
        // 1 // 0.1 is 9.0: the tenth decay lands at epoch 2, not 1.
        let tenth = milestones("0.1ep", 0, 30, 10);
        assert_eq!(tenth.len(), 19);
        assert_eq!(tenth.iter().filter(|&&m| m == 10).count(), 9);
        // A step under an epoch decays several times at one boundary.
        assert_eq!(milestones("0.5ep", 0, 30, 10), vec![10, 10, 20, 20]);
    }

    #[test]
    fn the_warmup_must_end_on_an_epoch() {
        let at = Origin::Flag("--step-size".into());
        let warmup_at = Origin::Flag("--warmup-iters".into());
        let step = Amount::parse("2.4ep").unwrap();
        let error = fractional_milestones(&step, &at, (15, &warmup_at), 100, 10).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--warmup-iters: 15 is not a whole number of epochs at 10 iterations per epoch, and \
             step_size 2.4ep counts its decays from the end of the warmup"
        );
    }
}

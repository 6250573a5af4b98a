//! Cutting a dialect's curve into segments: a warmup, then runs of constant lr between the
//! iterations at which the framework's decay count changes.

use super::{Params, Phase, Segment, WarmupMethod};

/// Where a dialect's curve changes, as the framework counts.
pub(crate) trait Piecewise {
    fn params(&self) -> &Params;
    fn iters(&self) -> u64 {
        self.params().iters
    }
    /// The first iteration after the warmup phase.
    fn warmup_end(&self) -> u64 {
        self.params().warmup_iters
    }
    /// Whether lr changes at every warmup iteration (false: it holds one value).
    fn warmup_ramps(&self) -> bool {
        self.params().warmup_method == WarmupMethod::Linear
    }
    /// Decays the framework has applied at iteration `t`.
    fn decays(&self, t: u64) -> u64;
    /// The first iteration after `t` at which `decays` differs from `decays(t)`.
    fn next_decay(&self, t: u64) -> Option<u64>;
}

/// The segments of `[from, iters)`, the first cut to start at `from`; `lr_at` gives the lr of
/// each constant one, asked in increasing order of iteration.
pub(crate) fn segments<'a>(
    curve: &'a impl Piecewise,
    from: u64,
    mut lr_at: impl FnMut(u64) -> f64 + 'a,
) -> Box<dyn Iterator<Item = Segment> + 'a> {
    let iters = curve.iters();
    let warmup_end = curve.warmup_end();
    let mut start = from;
    Box::new(std::iter::from_fn(move || {
        if start >= iters {
            return None;
        }
        let warmup = start < warmup_end;
        let mut end = curve.next_decay(start).unwrap_or(iters).min(iters);
        if warmup {
            end = end.min(warmup_end);
        }
        let ramps = warmup && curve.warmup_ramps();
        let segment = Segment {
            start,
            end,
            phase: Phase {
                warmup,
                decays: curve.decays(start),
            },
            constant_lr: (!ramps).then(|| lr_at(start)),
        };
        start = end;
        Some(segment)
    }))
}

//! Where a schedule differs from a reference one, for the grid layout of `plot` and the summary
//! of `explain` (docs/guide.md). Both schedules are walked segment by segment, so the cost
//! follows their phases, not `iters`: two constant segments are compared by their one value
//! each; a warmup ramp row by row while short, else on a bounded sample.

use super::{Schedule, Segment};

/// How much work a comparison may do before it samples: a plot needs a picture, `diff` and
/// `export` need exactness for every real schedule (docs/export.md states the rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Segments read from each schedule; past them the rest is compared on a sample.
    pub segments: usize,
    /// A ramp up to this many rows is compared row by row, while the total stays under
    /// `rows`; a longer one on `samples` evenly spread rows.
    pub ramp_rows: u64,
    pub rows: u64,
    pub samples: u64,
}

impl Budget {
    /// For a picture: quick, sampled early.
    pub const PLOT: Budget = Budget {
        segments: 10_000,
        ramp_rows: 4096,
        rows: 1 << 20,
        samples: 1024,
    };
    /// For `diff` and `export --check`: every row of ramps up to 2^22 rows in all (a few tens
    /// of milliseconds), a million phases.
    pub const EXACT: Budget = Budget {
        segments: 1_000_000,
        ramp_rows: 1 << 22,
        rows: 1 << 22,
        samples: 4096,
    };
}

/// How two lr values at the same iteration differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shade {
    /// In rounding only.
    LastBits,
    /// By more than rounding, or only one schedule runs there.
    Differs,
}

/// Iterations `[start, end)` over which the two schedules differ alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub start: u64,
    pub end: u64,
    pub shade: Shade,
}

/// How a schedule compares with the reference, in iterations.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Where they differ, in order, adjacent runs of one shade merged.
    pub runs: Vec<Run>,
    /// Rows that differ, by shade; estimated from the samples when `sampled`.
    pub differing: u64,
    pub last_bits: u64,
    /// Whether some rows were sampled rather than compared one by one.
    pub sampled: bool,
    /// The largest relative difference among the rows compared, where both schedules run.
    pub largest: Option<Largest>,
    /// Decay points, warmup ends and lengths: `[reference, other]`.
    pub decays: [Vec<u64>; 2],
    pub warmup_ends: [u64; 2],
    pub ends: [u64; 2],
}

impl Default for Budget {
    fn default() -> Self {
        Budget::PLOT
    }
}

/// The largest relative difference between two lr values at one iteration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Largest {
    pub at: u64,
    /// |a − b| / max(|a|, |b|).
    pub relative: f64,
    /// The reference's and the other's lr there.
    pub values: [f64; 2],
}

/// Compares `other` with `reference` over the iterations both run, and marks where only one
/// of them runs as differing. A relative difference below `rounding` is rounding ("the last
/// bits"), above it another curve: the coarser of the two dialects' (`Dialect::rounding`).
pub fn compare(reference: &dyn Schedule, other: &dyn Schedule, rounding: f64) -> Comparison {
    compare_within(reference, other, rounding, Budget::PLOT)
}

/// [`compare`] with the given budget: exact (`sampled` false) while the schedules' phases and
/// ramp rows fit in it.
pub fn compare_within(
    reference: &dyn Schedule,
    other: &dyn Schedule,
    rounding: f64,
    budget: Budget,
) -> Comparison {
    let schedules = [reference, other];
    let ends = schedules.map(|s| s.params().iters);
    let common = ends[0].min(ends[1]);
    let mut walks = schedules.map(|s| Walk::new(s, budget.segments));
    let mut found = Found {
        rounding,
        budget,
        ..Found::default()
    };
    // Rows before `done` are compared.
    let mut done = 0;
    while let (Some(a), Some(b)) = (walks[0].current, walks[1].current) {
        let (low, high) = (a.start.max(b.start), a.end.min(b.end).min(common));
        if low < high {
            match (a.constant_lr, b.constant_lr) {
                (Some(x), Some(y)) => {
                    found.largest_at(low, x, y);
                    found.note(low, high, found.shade(x, y), high - low);
                }
                _ => found.rows(reference, other, low, high),
            }
            done = high;
        }
        if done >= common {
            break;
        }
        if a.end <= b.end {
            walks[0].advance();
        }
        if b.end <= a.end {
            walks[1].advance();
        }
    }
    if done < common {
        // A segment budget ran out.
        found.rows(reference, other, done, common);
    }
    if common < ends[0].max(ends[1]) {
        found.note(common, ends[0].max(ends[1]), Some(Shade::Differs), 0);
    }
    let largest = found.largest;
    let [reference_walk, other_walk] = walks;
    Comparison {
        runs: found.runs,
        differing: found.differing,
        last_bits: found.last_bits,
        sampled: found.sampled,
        largest,
        decays: [reference_walk.finish().points, other_walk.finish().points],
        warmup_ends: schedules.map(|s| s.warmup_end().min(s.params().iters)),
        ends,
    }
}

/// Where a schedule decays: the iterations at which its count of decays rises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecayPoints {
    pub points: Vec<u64>,
    /// False when the schedule has more segments than are read (a `step_size` of 1 over a long
    /// run): `points` are then its first ones.
    pub complete: bool,
}

/// `schedule`'s decay points, read off its segments within the same budget as [`compare`].
pub fn decay_points(schedule: &dyn Schedule) -> DecayPoints {
    Walk::new(schedule, Budget::PLOT.segments).finish()
}

/// One schedule's segments, read one at a time, and the iterations where its decays rise.
struct Walk<'a> {
    segments: Box<dyn Iterator<Item = Segment> + 'a>,
    current: Option<Segment>,
    read: usize,
    limit: usize,
    /// Whether the segment budget ran out before the schedule's end.
    cut: bool,
    decays: Vec<u64>,
}

impl<'a> Walk<'a> {
    fn new(schedule: &'a dyn Schedule, limit: usize) -> Walk<'a> {
        let mut walk = Walk {
            segments: schedule.segments(),
            current: None,
            read: 0,
            limit,
            cut: false,
            decays: Vec::new(),
        };
        walk.advance();
        walk
    }

    fn advance(&mut self) {
        let previous = self.current;
        self.current = if self.read < self.limit {
            self.segments.next()
        } else {
            self.cut = self.cut || self.segments.next().is_some();
            None
        };
        self.read += 1;
        if let (Some(before), Some(now)) = (previous, self.current)
            && now.phase.decays > before.phase.decays
        {
            self.decays.push(now.start);
        }
    }

    /// The decay points up to the end (or the segment budget).
    fn finish(mut self) -> DecayPoints {
        while self.current.is_some() {
            self.advance();
        }
        DecayPoints {
            points: self.decays,
            complete: !self.cut,
        }
    }
}

/// Differences found so far.
#[derive(Default)]
struct Found {
    runs: Vec<Run>,
    differing: u64,
    last_bits: u64,
    sampled: bool,
    /// Rows compared one by one so far.
    full_rows: u64,
    /// A relative difference below this is rounding.
    rounding: f64,
    budget: Budget,
    largest: Option<Largest>,
}

impl Found {
    /// How `y` differs from `x`, if at all.
    fn shade(&self, x: f64, y: f64) -> Option<Shade> {
        if x == y || (x.is_nan() && y.is_nan()) {
            return None;
        }
        let relative = (x - y).abs() / x.abs().max(y.abs());
        Some(if relative < self.rounding {
            Shade::LastBits
        } else {
            Shade::Differs
        })
    }

    /// Keeps the largest relative difference, at its first iteration.
    fn largest_at(&mut self, at: u64, x: f64, y: f64) {
        if x == y {
            return;
        }
        let relative = (x - y).abs() / x.abs().max(y.abs());
        if self.largest.is_none_or(|l| relative > l.relative) {
            self.largest = Some(Largest {
                at,
                relative,
                values: [x, y],
            });
        }
    }

    /// `[start, end)` differs by `shade` (`None`: not at all); `rows` of it count as rows
    /// that differ.
    fn note(&mut self, start: u64, end: u64, shade: Option<Shade>, rows: u64) {
        let Some(shade) = shade else { return };
        match shade {
            Shade::Differs => self.differing += rows,
            Shade::LastBits => self.last_bits += rows,
        }
        match self.runs.last_mut() {
            Some(last) if last.end == start && last.shade == shade => last.end = end,
            _ => self.runs.push(Run { start, end, shade }),
        }
    }

    /// `[low, high)` row by row when short enough, else on the budget's samples, each standing for
    /// the rows up to the next.
    fn rows(&mut self, reference: &dyn Schedule, other: &dyn Schedule, low: u64, high: u64) {
        let length = high - low;
        let budget = self.budget;
        if length <= budget.ramp_rows && self.full_rows + length <= budget.rows {
            self.full_rows += length;
            let pairs = reference.values(low, high).zip(other.values(low, high));
            for (t, (x, y)) in (low..high).zip(pairs) {
                self.largest_at(t, x, y);
                self.note(t, t + 1, self.shade(x, y), 1);
            }
            return;
        }
        self.sampled = true;
        let last = u128::from(length - 1);
        let mut rows: Vec<u64> = (0..=budget.samples)
            .map(|k| low + (last * u128::from(k) / u128::from(budget.samples)) as u64)
            .collect();
        rows.dedup();
        let until = rows.iter().skip(1).copied().chain([high]);
        for (t, next) in rows.iter().copied().zip(until) {
            let (x, y) = (reference.lr(t), other.lr(t));
            self.largest_at(t, x, y);
            self.note(t, next, self.shade(x, y), next - t);
        }
    }
}

/// Decay points listed before the list is cut short.
const LISTED: usize = 4;

impl Comparison {
    /// In a few words, for a plot's panel: what differs, with the reference's value in brackets
    /// ("decays at 60, 110 (maskrcnn: 50, 100)"), or "identical to maskrcnn". `label` writes
    /// iterations of the reference (0) or the other schedule (1) as the axis does.
    pub fn summary(&self, reference: &str, label: impl Fn(usize, &[u64]) -> Vec<String>) -> String {
        let list = |side: usize, points: &[u64]| {
            let shown = &points[..points.len().min(LISTED)];
            let mut words = label(side, shown);
            if points.len() > LISTED {
                words.push("…".into());
            }
            words.join(", ")
        };
        let one = |side: usize, point: u64| list(side, &[point]);
        let mut parts = Vec::new();
        let [reference_decays, decays] = &self.decays;
        if reference_decays != decays {
            let theirs = if reference_decays.is_empty() {
                "never".to_string()
            } else {
                list(0, reference_decays)
            };
            parts.push(if decays.is_empty() {
                format!("never decays ({reference}: {theirs})")
            } else {
                format!("decays at {} ({reference}: {theirs})", list(1, decays))
            });
        }
        let [reference_warmup, warmup] = self.warmup_ends;
        if reference_warmup != warmup {
            let theirs = match reference_warmup {
                0 => "none".to_string(),
                end => one(0, end),
            };
            parts.push(match warmup {
                0 => format!("no warmup ({reference}: to {theirs})"),
                end => format!("warmup ends at {} ({reference}: {theirs})", one(1, end)),
            });
        }
        let [reference_end, end] = self.ends;
        if reference_end != end {
            parts.push(format!(
                "ends at {} ({reference}: {})",
                one(1, end),
                one(0, reference_end)
            ));
        }
        if parts.is_empty() {
            let rows = |count: u64| {
                let noun = if count == 1 { "row" } else { "rows" };
                if self.sampled {
                    format!("≈{count} {noun}")
                } else {
                    format!("{count} {noun}")
                }
            };
            parts.push(if self.differing > 0 {
                format!("lr differs on {}", rows(self.differing))
            } else if self.last_bits > 0 {
                format!("differs in the last bits on {}", rows(self.last_bits))
            } else {
                format!("identical to {reference}")
            });
        }
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Decay, Dialect, Params, build};

    fn schedule(dialect: &str, params: Params) -> Box<dyn Schedule> {
        let dialect = Dialect::ALL.iter().find(|d| d.name() == dialect).unwrap();
        build(*dialect, params).unwrap()
    }

    fn plain(side: usize, points: &[u64]) -> Vec<String> {
        let _ = side;
        points.iter().map(u64::to_string).collect()
    }

    #[test]
    fn the_dialects_against_maskrcnn() {
        let reference = schedule("maskrcnn", Params::default());
        let against = |name: &str| {
            compare(
                reference.as_ref(),
                schedule(name, Params::default()).as_ref(),
                1e-9,
            )
        };

        let same = compare(reference.as_ref(), reference.as_ref(), 1e-9);
        assert!(same.runs.is_empty());
        assert_eq!(same.summary("maskrcnn", plain), "identical to maskrcnn");

        let sequential = against("torch-sequential");
        assert_eq!(sequential.decays, [vec![50, 100], vec![60, 110]]);
        assert_eq!(
            sequential.summary("maskrcnn", plain),
            "decays at 60, 110 (maskrcnn: 50, 100)"
        );
        let moved: Vec<(u64, u64, Shade)> = sequential
            .runs
            .iter()
            .filter(|r| r.shade == Shade::Differs)
            .map(|r| (r.start, r.end, r.shade))
            .collect();
        assert_eq!(
            moved,
            [(50, 60, Shade::Differs), (100, 110, Shade::Differs)]
        );

        assert_eq!(
            decay_points(schedule("torch-sequential", Params::default()).as_ref()),
            DecayPoints {
                points: vec![60, 110],
                complete: true
            }
        );

        let mxnet = against("mxnet");
        assert_eq!(
            mxnet.summary("maskrcnn", plain),
            "decays at 51, 101 (maskrcnn: 50, 100)"
        );
    }

    #[test]
    fn last_bits_and_levels() {
        let reference = schedule("maskrcnn", Params::default());
        // torch-chained multiplies in place: the same curve, rounded differently.
        let chained = compare(
            reference.as_ref(),
            schedule("torch-chained", Params::default()).as_ref(),
            1e-9,
        );
        assert_eq!(chained.differing, 0);
        assert!(chained.last_bits > 0);
        assert!(chained.runs.iter().all(|r| r.shade == Shade::LastBits));
        assert_eq!(
            chained.summary("maskrcnn", plain),
            format!("differs in the last bits on {} rows", chained.last_bits)
        );

        let higher = schedule(
            "maskrcnn",
            Params {
                base_lr: 0.1,
                ..Params::default()
            },
        );
        let levels = compare(reference.as_ref(), higher.as_ref(), 1e-9);
        assert_eq!(levels.differing, 150);
        assert_eq!(levels.summary("a", plain), "lr differs on 150 rows");
    }

    #[test]
    fn the_largest_difference_and_an_exact_budget() {
        let reference = schedule("maskrcnn", Params::default());
        let sequential = schedule("torch-sequential", Params::default());
        let c = compare_within(reference.as_ref(), sequential.as_ref(), 1e-9, Budget::EXACT);
        assert!(!c.sampled);
        // At 50 maskrcnn has decayed to 0.001 and torch-sequential is still at 0.01.
        let largest = c.largest.unwrap();
        assert_eq!(largest.at, 50);
        assert_eq!(largest.values, [0.001, 0.01]);
        assert_eq!(largest.relative, 0.9000000000000001); // (0.01 - 0.001) / 0.01 in f64
        // A warmup of 10^6 rows is compared row by row within the exact budget, not the plot's.
        let long = Params {
            warmup_iters: 1_000_000,
            decay: Decay::Milestones(vec![2_000_000]),
            iters: 3_000_000,
            ..Params::default()
        };
        let a = schedule("maskrcnn", long.clone());
        let b = schedule("mmcv1", long);
        let exact = compare_within(a.as_ref(), b.as_ref(), 1e-9, Budget::EXACT);
        assert!(!exact.sampled);
        assert!(compare(a.as_ref(), b.as_ref(), 1e-9).sampled);
        assert_eq!(exact.differing, 0);
    }

    #[test]
    fn lengths_and_warmups() {
        let short = schedule("maskrcnn", Params::default());
        let long = schedule(
            "maskrcnn",
            Params {
                warmup_iters: 0,
                iters: 180,
                ..Params::default()
            },
        );
        let c = compare(short.as_ref(), long.as_ref(), 1e-9);
        assert_eq!(
            c.summary("short", plain),
            "no warmup (short: to 10); ends at 180 (short: 150)"
        );
        assert_eq!(c.runs.first().map(|r| (r.start, r.end)), Some((0, 10)));
        assert_eq!(
            c.runs.last(),
            Some(&Run {
                start: 150,
                end: 180,
                shade: Shade::Differs
            })
        );
    }

    #[test]
    fn huge_schedules_are_compared_by_their_segments() {
        let params = |milestones: Vec<u64>| Params {
            decay: Decay::Milestones(milestones),
            warmup_iters: 100_000_000,
            iters: 1_000_000_000,
            ..Params::default()
        };
        let started = std::time::Instant::now();
        let a = schedule("maskrcnn", params(vec![500_000_000]));
        let b = schedule("maskrcnn", params(vec![600_000_000]));
        let c = compare(a.as_ref(), b.as_ref(), 1e-9);
        assert!(c.sampled);
        assert_eq!(
            c.runs,
            [Run {
                start: 500_000_000,
                end: 600_000_000,
                shade: Shade::Differs
            }]
        );
        // 10^8 decays, one per iteration: the segment budget, then a sample.
        let dense = Params {
            decay: Decay::StepSize(1),
            gamma: 0.999_999_9,
            warmup_iters: 0,
            iters: 100_000_000,
            ..Params::default()
        };
        let d = schedule("maskrcnn", dense.clone());
        let e = schedule(
            "maskrcnn",
            Params {
                gamma: 0.999_999_8,
                ..dense
            },
        );
        let c = compare(d.as_ref(), e.as_ref(), 1e-9);
        assert!(c.sampled && c.differing > 0);
        assert_eq!(c.decays[0].len(), Budget::PLOT.segments - 1);
        let dense_points = decay_points(d.as_ref());
        assert!(!dense_points.complete);
        assert_eq!(dense_points.points[..3], [1, 2, 3]);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }
}

//! A training log drawn over the schedule (`plot --log`, docs/verify.md#plot---log): its
//! points, told apart where they differ from the schedule, and the ranges that differ.
//!
//! The points come in as plain data (iteration, lr, whether it agrees), already compared by
//! the caller, and are kept bounded: per drawing unit (pixel column, braille dot) the lowest
//! and the highest point of each kind, so a log of millions of points draws like its envelope,
//! and every differing range keeps a point.

use std::collections::BTreeMap;

/// Logged points kept per drawing unit and kind: the lowest and the highest lr.
const KEPT_PER_UNIT: usize = 2;

/// The log as the figure draws it, x in axis units.
#[derive(Clone, Debug, PartialEq)]
pub struct Logged {
    /// The log's name, for the legend.
    pub name: String,
    /// Points that agree with the schedule, `(x, lr)`, in order.
    pub agreeing: Vec<(f64, f64)>,
    /// Points that differ, `(x, lr)`, in order.
    pub differing: Vec<(f64, f64)>,
    /// x ranges `[from, to]` of consecutive differing points, those less than a drawing unit
    /// apart merged.
    pub ranges: Vec<(f64, f64)>,
    /// Points read, and how many of them differ.
    pub points: u64,
    pub differing_points: u64,
}

/// The lowest and highest point of one kind in one drawing unit.
#[derive(Clone, Copy)]
struct Envelope {
    low: (f64, f64),
    high: (f64, f64),
}

impl Logged {
    /// Takes `(iteration, lr, agrees)` in iteration order; `per_unit` iterations make one unit
    /// of the x axis, which `resolution` drawing units span up to `x_max`.
    pub fn new(
        name: String,
        points: impl Iterator<Item = (u64, f64, bool)>,
        per_unit: u64,
        x_max: f64,
        resolution: u32,
    ) -> Logged {
        let units = f64::from(resolution.max(1));
        let column = |x: f64| (x / x_max.max(f64::MIN_POSITIVE) * units).floor() as i64;
        let mut kept: [BTreeMap<i64, Envelope>; 2] = [BTreeMap::new(), BTreeMap::new()];
        let mut ranges: Vec<(f64, f64)> = Vec::new();
        let mut total = 0;
        let mut differing = 0;
        let gap = x_max / units;
        let mut previous_differs = false;
        for (iteration, lr, agrees) in points {
            total += 1;
            let x = iteration as f64 / per_unit.max(1) as f64;
            let point = (x, lr);
            let envelope = kept[usize::from(!agrees)]
                .entry(column(x))
                .or_insert(Envelope {
                    low: point,
                    high: point,
                });
            if lr < envelope.low.1 {
                envelope.low = point;
            }
            if lr > envelope.high.1 {
                envelope.high = point;
            }
            // A range runs over consecutive differing points, as verify's do, and takes in
            // one that starts within a drawing unit of it.
            if !agrees {
                differing += 1;
                match ranges.last_mut() {
                    Some((_, to)) if previous_differs || x - *to <= gap => *to = x,
                    _ => ranges.push((x, x)),
                }
            }
            previous_differs = !agrees;
        }
        let [agreeing, differs] = kept.map(|columns| {
            let mut points: Vec<(f64, f64)> = Vec::new();
            for envelope in columns.values() {
                let mut pair = [envelope.low, envelope.high];
                pair.sort_by(|a, b| a.0.total_cmp(&b.0));
                for point in pair.into_iter().take(KEPT_PER_UNIT) {
                    if points.last() != Some(&point) {
                        points.push(point);
                    }
                }
            }
            points
        });
        Logged {
            name,
            agreeing,
            differing: differs,
            ranges,
            points: total,
            differing_points: differing,
        }
    }

    /// Smallest and largest logged lr kept.
    pub fn lr_range(&self) -> (f64, f64) {
        self.agreeing
            .iter()
            .chain(&self.differing)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), p| {
                (low.min(p.1), high.max(p.1))
            })
    }

    /// `agrees: 40 points` or `differs: 45 of 100 points, in 2 ranges`: for legends.
    pub fn summary(&self) -> String {
        if self.differing_points == 0 {
            return format!("{}: every one of {} points agrees", self.name, self.points);
        }
        format!(
            "{}: {} of {} points differ, in {} range{}",
            self.name,
            self.differing_points,
            self.points,
            self.ranges.len(),
            if self.ranges.len() == 1 { "" } else { "s" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_points_keep_an_envelope_per_unit() {
        let points = (0..1_000_000u64).map(|t| (t, if t % 2 == 0 { 0.1 } else { 0.2 }, true));
        let logged = Logged::new("log".into(), points, 1, 1_000_000.0, 100);
        assert_eq!(logged.points, 1_000_000);
        assert!(logged.agreeing.len() <= 200, "{}", logged.agreeing.len());
        assert!(logged.agreeing.iter().any(|p| p.1 == 0.1));
        assert!(logged.agreeing.iter().any(|p| p.1 == 0.2));
        assert!(logged.ranges.is_empty());
    }

    #[test]
    fn every_differing_range_keeps_a_point() {
        let points = (0..1000u64)
            .step_by(10)
            .map(|t| (t, 0.1, !(t == 10 || (500..600).contains(&t))));
        let logged = Logged::new("log".into(), points, 1, 1000.0, 500);
        assert_eq!(logged.ranges, [(10.0, 10.0), (500.0, 590.0)]);
        assert_eq!(logged.differing_points, 11);
        assert!(logged.differing.iter().any(|p| p.0 == 10.0));
        assert_eq!(
            logged.summary(),
            "log: 11 of 100 points differ, in 2 ranges"
        );
    }
}

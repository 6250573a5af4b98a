//! Plots of learning-rate schedules. This file decides what a plot shows (curves, markers,
//! warmup spans, title); `chart` draws it as PNG or SVG and `output::terminal` as braille text.
//! Both start from the same [`Figure`], so they agree on every number.

pub mod axis;
pub mod chart;
mod text;
pub mod trace;

use crate::config::{ScheduleSpec, Unit};
use crate::schedule::{Decay, Params, WarmupMethod};

pub use axis::XUnit;

use axis::{CountStyle, plain};

/// What the user asked of the plot, beyond the schedules.
#[derive(Clone, Debug)]
pub struct PlotOptions {
    pub x_unit: XUnit,
    pub log_y: bool,
    /// `None`: the schedule's name and key parameters.
    pub title: Option<String>,
}

/// One schedule's curve, x in axis units.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend entry.
    pub name: String,
    /// Staircase vertices `(x, lr)`.
    pub points: Vec<(f64, f64)>,
    /// Where each decay starts (dashed markers); empty when too dense to draw.
    pub markers: Vec<f64>,
    /// Where warmup ends: `[0, warmup_end)` is shaded. `None` without warmup.
    pub warmup_end: Option<f64>,
    pub min_lr: f64,
    pub max_lr: f64,
}

/// Everything a plot shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub title: String,
    pub x_unit: XUnit,
    /// Right end of the x axis: the longest schedule's end.
    pub x_max: f64,
    /// How iteration counts are abbreviated, the same on every label.
    pub count_style: CountStyle,
    pub log_y: bool,
    pub series: Vec<Series>,
}

/// `--x epoch` for a schedule that does not say how long an epoch is.
#[derive(Debug, PartialEq, Eq)]
pub struct NoEpochLength {
    pub schedule: String,
}

impl Figure {
    /// Traces every schedule for a drawing `resolution` units wide (pixels, braille dots).
    pub fn new(
        specs: &[ScheduleSpec],
        options: &PlotOptions,
        resolution: u32,
    ) -> Result<Figure, NoEpochLength> {
        let mut series = Vec::with_capacity(specs.len());
        let mut x_max: f64 = 0.0;
        let mut max_iters = 0;
        for spec in specs {
            let per_unit = match options.x_unit {
                XUnit::Iteration => 1.0,
                XUnit::Epoch => spec.iters_per_epoch.ok_or_else(|| NoEpochLength {
                    schedule: spec.name.clone(),
                })? as f64,
            };
            let trace = trace::trace(spec.schedule.as_ref(), resolution);
            let x = |iteration: f64| iteration / per_unit;
            x_max = x_max.max(x(trace.iters as f64));
            max_iters = max_iters.max(trace.iters);
            series.push(Series {
                name: spec.name.clone(),
                points: trace.points.iter().map(|&(t, lr)| (x(t), lr)).collect(),
                markers: trace.decays.iter().map(|&t| x(t as f64)).collect(),
                warmup_end: (trace.warmup_end > 0).then(|| x(trace.warmup_end as f64)),
                min_lr: trace.min_lr,
                max_lr: trace.max_lr,
            });
        }
        Ok(Figure {
            title: options
                .title
                .clone()
                .unwrap_or_else(|| default_title(specs)),
            x_unit: options.x_unit,
            x_max,
            count_style: CountStyle::for_max(max_iters),
            log_y: options.log_y,
            series,
        })
    }

    /// Smallest and largest lr of all curves.
    pub fn lr_range(&self) -> (f64, f64) {
        self.series
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), s| {
                (low.min(s.min_lr), high.max(s.max_lr))
            })
    }

    /// Smallest lr above zero, where a log axis can start (`None`: every lr is 0).
    pub fn min_positive_lr(&self) -> Option<f64> {
        self.series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .filter(|&lr| lr > 0.0)
            .min_by(f64::total_cmp)
    }

    /// Every marker position, sorted, each once.
    pub fn marker_positions(&self) -> Vec<f64> {
        let mut positions: Vec<f64> = self
            .series
            .iter()
            .flat_map(|s| s.markers.iter().copied())
            .collect();
        positions.sort_by(f64::total_cmp);
        positions.dedup();
        positions
    }

    /// An x position as an exact label (`50`, `60k`, `2.5` epochs).
    pub fn x_label(&self, value: f64) -> String {
        axis::position_label(value, self.x_unit, self.count_style)
    }
}

/// Longest title made of schedule names before it becomes "N schedules".
const NAMES_TITLE_CHARS: usize = 60;

/// The schedule's name and key parameters; for several, their names (and the parameters when
/// they share them, as `--dialect all` does).
fn default_title(specs: &[ScheduleSpec]) -> String {
    match specs {
        [] => "learning rate".to_string(),
        [spec] => format!("{}: {}", spec.name, describe(spec)),
        [first, rest @ ..] => {
            let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
            let joined = names.join(" vs ");
            let same_params = rest.iter().all(|s| s.params() == first.params());
            let names = if joined.chars().count() <= NAMES_TITLE_CHARS {
                joined
            } else if same_params
                && specs
                    .iter()
                    .enumerate()
                    .all(|(i, a)| specs[..i].iter().all(|b| b.dialect != a.dialect))
            {
                // `--dialect all`: one schedule as each framework computes it.
                format!("{} dialects", specs.len())
            } else {
                format!("{} schedules", specs.len())
            };
            if same_params {
                format!("{names}: {}", describe(first))
            } else {
                names
            }
        }
    }
}

/// Milestones listed in a title before the list is cut short.
const TITLE_MILESTONES: usize = 6;

/// Key parameters in TOML words: `base_lr 0.01, milestones [50, 100], gamma 0.1, linear warmup
/// 10 iters from 0.1×`. Counts are in the schedule's own unit.
fn describe(spec: &ScheduleSpec) -> String {
    let p: &Params = spec.params();
    let epochs = match (spec.unit, spec.iters_per_epoch) {
        (Unit::Epoch, Some(per_epoch)) => Some(per_epoch),
        _ => None,
    };
    let count = |iterations: u64| match epochs {
        Some(per_epoch) if iterations.is_multiple_of(per_epoch) => {
            (iterations / per_epoch).to_string()
        }
        Some(per_epoch) => plain(iterations as f64 / per_epoch as f64),
        None => iterations.to_string(),
    };
    // `10 iters`, `1 epoch`.
    let counted = |iterations: u64| {
        let number = count(iterations);
        let unit = match (epochs.is_some(), number == "1") {
            (true, true) => "epoch",
            (true, false) => "epochs",
            (false, true) => "iter",
            (false, false) => "iters",
        };
        format!("{number} {unit}")
    };

    let mut parts = vec![format!("base_lr {}", plain(p.base_lr))];
    match &p.decay {
        Decay::Milestones(milestones) if milestones.is_empty() => parts.push("no decay".into()),
        Decay::Milestones(milestones) => {
            let mut shown: Vec<String> = milestones
                .iter()
                .take(TITLE_MILESTONES)
                .map(|&m| count(m))
                .collect();
            if milestones.len() > TITLE_MILESTONES {
                shown.push("…".into());
            }
            let suffix = if epochs.is_some() { " epochs" } else { "" };
            parts.push(format!("milestones [{}]{suffix}", shown.join(", ")));
            parts.push(format!("gamma {}", plain(p.gamma)));
        }
        Decay::StepSize(step) => {
            parts.push(format!("step_size {}", counted(*step)));
            parts.push(format!("gamma {}", plain(p.gamma)));
        }
    }
    parts.push(match (p.warmup_iters, p.warmup_method) {
        (0, _) => "no warmup".to_string(),
        (w, WarmupMethod::Constant) => format!(
            "constant warmup {} at {}×",
            counted(w),
            plain(p.warmup_factor)
        ),
        (w, method) => format!(
            "{} warmup {} from {}×",
            method.name(),
            counted(w),
            plain(p.warmup_factor)
        ),
    });
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Input, Layer, load};

    fn specs(flags: &[(&'static str, &str)]) -> Vec<ScheduleSpec> {
        let mut layer = Layer::default();
        for (key, value) in flags {
            layer.set_flag(key, Some(value));
        }
        load(&Input {
            files: vec![],
            flags: layer,
        })
        .unwrap()
    }

    fn options(x_unit: XUnit) -> PlotOptions {
        PlotOptions {
            x_unit,
            log_y: false,
            title: None,
        }
    }

    #[test]
    fn reference_figure() {
        let figure = Figure::new(&specs(&[]), &options(XUnit::Iteration), 1200).unwrap();
        assert_eq!(
            figure.title,
            "schedule: base_lr 0.01, milestones [50, 100], gamma 0.1, \
             linear warmup 10 iters from 0.1×"
        );
        assert_eq!(figure.x_max, 150.0);
        let series = &figure.series[0];
        assert_eq!(series.markers, vec![50.0, 100.0]);
        assert_eq!(series.warmup_end, Some(10.0));
        assert_eq!(figure.lr_range(), (0.00010000000000000002, 0.01));
        assert_eq!(figure.x_label(100.0), "100");
    }

    #[test]
    fn epoch_axis_divides_by_iters_per_epoch() {
        let specs = specs(&[
            ("iters_per_epoch", "100"),
            ("unit", "epoch"),
            ("milestones", "30,60"),
            ("warmup_iters", "5"),
            ("iters", "90"),
        ]);
        let figure = Figure::new(&specs, &options(XUnit::Epoch), 1200).unwrap();
        assert_eq!(figure.x_max, 90.0);
        assert_eq!(figure.series[0].markers, vec![30.0, 60.0]);
        assert_eq!(figure.series[0].warmup_end, Some(5.0));
        assert_eq!(
            figure.title,
            "schedule: base_lr 0.01, milestones [30, 60] epochs, gamma 0.1, \
             linear warmup 5 epochs from 0.1×"
        );
    }

    #[test]
    fn epoch_axis_needs_an_epoch_length() {
        let err = Figure::new(&specs(&[]), &options(XUnit::Epoch), 100).unwrap_err();
        assert_eq!(err.schedule, "schedule");
    }

    #[test]
    fn overlay_titles() {
        let all = specs(&[("dialect", "all")]);
        let title = default_title(&all);
        assert!(
            title.starts_with(&format!("{} dialects: base_lr 0.01,", all.len())),
            "{title}"
        );
    }

    #[test]
    fn titles_describe_other_decays() {
        let step = specs(&[("step_size", "30"), ("warmup_iters", "0")]);
        assert_eq!(
            default_title(&step),
            "schedule: base_lr 0.01, step_size 30 iters, gamma 0.1, no warmup"
        );
        let one = specs(&[("step_size", "1"), ("warmup_iters", "1")]);
        assert!(default_title(&one).contains("step_size 1 iter, gamma 0.1, linear warmup 1 iter"));
        let flat = specs(&[("milestones", ""), ("warmup_method", "constant")]);
        assert_eq!(
            default_title(&flat),
            "schedule: base_lr 0.01, no decay, constant warmup 10 iters at 0.1×"
        );
        let many = specs(&[("milestones", "1,2,3,4,5,6,7,8")]);
        assert!(default_title(&many).contains("milestones [1, 2, 3, 4, 5, 6, …]"));
    }
}

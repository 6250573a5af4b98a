//! Plots of learning-rate schedules. This file decides what a plot shows (curves, markers,
//! warmup spans, title); [`chart`] draws it as PNG or SVG and [`braille`] as text for a
//! terminal. Both start from the same [`Figure`], so they agree on every number.

pub mod axis;
pub mod braille;
pub mod chart;
pub mod trace;

use crate::schedule::compare;
use crate::schedule::{Decay, Params, WarmupMethod};
use crate::schedule::{NamedSchedule, Unit};

pub use axis::XUnit;
pub use compare::Shade;

use axis::{CountStyle, epoch_label, exact_counts, plain};

/// What the user asked of the plot, beyond the schedules.
#[derive(Clone, Debug)]
pub struct PlotOptions {
    pub x_unit: XUnit,
    pub log_y: bool,
    /// `None`: the schedule's name and key parameters.
    pub title: Option<String>,
    pub layout: Layout,
}

/// How several schedules share one plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Overlay up to [`MAX_OVERLAID`] curves, a grid beyond.
    Auto,
    /// Every curve on one chart.
    Overlay,
    /// One panel per schedule, each over the first schedule (the reference), shaded where it
    /// differs; in a terminal, one row per schedule marking where it differs.
    Grid,
}

/// Most curves `Layout::Auto` overlays. Past six, an overlay needs the palette's grey, olive
/// and cyan, which read as the grey of shared markers and of each other, and its nested rims
/// and legend grow past what the eye follows; a grid panel names its schedule instead.
pub const MAX_OVERLAID: usize = 6;

/// Most schedules one plot draws, overlaid or in a grid: 36 panels at 1200×700 (8×5) leave
/// plots of about 126×63 pixels, the smallest in which a curve still reads beside its name. It
/// also bounds the work and memory of a plot given a thousand files.
pub const MAX_DRAWN: usize = 36;

impl Layout {
    /// Whether `curves` curves are drawn as a grid.
    pub fn is_grid(self, curves: usize) -> bool {
        curves > 1
            && match self {
                Layout::Auto => curves > MAX_OVERLAID,
                Layout::Overlay => false,
                Layout::Grid => true,
            }
    }
}

/// The grid layout: every series against the first.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// The first schedule's name.
    pub reference: String,
    /// One per series, in order; the first is the reference's own.
    pub panels: Vec<Panel>,
}

/// What one grid panel says about its schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    /// "decays at 60, 110 (maskrcnn: 50, 100)", "identical to maskrcnn".
    pub summary: String,
    /// Where the schedule differs from the reference, in axis units, at least a drawing unit
    /// apart (closer ones merged), last-bits spans before the others.
    pub spans: Vec<Span>,
}

/// An x range `[from, to)` in axis units over which a schedule differs from the reference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub from: f64,
    pub to: f64,
    pub shade: Shade,
}

/// One schedule's curve, x in axis units.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend entry.
    pub name: String,
    /// Staircase vertices `(x, lr)`.
    pub points: Vec<(f64, f64)>,
    /// Where warmup ends: `[0, warmup_end)` is shaded. `None` without warmup.
    pub warmup_end: Option<f64>,
    pub min_lr: f64,
    pub max_lr: f64,
}

/// Where one or more curves start another decay (a dashed marker).
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub x: f64,
    /// The position, exact or marked `≈` (see [`axis::epoch_label`]).
    pub label: String,
    /// Indexes of the curves that decay here.
    pub series: Vec<usize>,
}

/// Everything a plot shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub title: String,
    pub x_unit: XUnit,
    /// Right end of the x axis: the longest schedule's end.
    pub x_max: f64,
    /// `x_max` as an exact label, written like the markers' labels.
    pub end_label: String,
    pub log_y: bool,
    pub series: Vec<Series>,
    /// Every marker position once, in order; none for a curve whose decays are too dense to
    /// mark one by one.
    pub markers: Vec<Marker>,
    /// `Some` when the schedules are drawn as a grid rather than overlaid.
    pub grid: Option<Grid>,
}

/// A position in iterations, with the epoch length that converts it to axis units.
#[derive(Clone, Copy)]
struct Position {
    iteration: u64,
    per_unit: u64,
}

impl Position {
    fn x(self) -> f64 {
        self.iteration as f64 / self.per_unit as f64
    }
}

/// `--x epoch` for a schedule that does not say how long an epoch is.
#[derive(Debug, PartialEq, Eq)]
pub struct NoEpochLength {
    pub schedule: String,
}

impl Figure {
    /// Traces every schedule for a drawing `resolution` units wide (pixels, braille dots).
    pub fn new(
        specs: &[NamedSchedule],
        options: &PlotOptions,
        resolution: u32,
    ) -> Result<Figure, NoEpochLength> {
        let mut series = Vec::with_capacity(specs.len());
        // Decays as (position, curve), and the end of the longest curve.
        let mut decays: Vec<(Position, usize)> = Vec::new();
        let mut end = Position {
            iteration: 0,
            per_unit: 1,
        };
        for (index, spec) in specs.iter().enumerate() {
            let per_unit = match options.x_unit {
                XUnit::Iteration => 1,
                XUnit::Epoch => spec.iters_per_epoch.ok_or_else(|| NoEpochLength {
                    schedule: spec.name.clone(),
                })?,
            };
            let trace = trace::trace(spec.schedule.as_ref(), resolution);
            let x = |iteration: f64| iteration / per_unit as f64;
            let spec_end = Position {
                iteration: trace.iters,
                per_unit,
            };
            if spec_end.x() > end.x() {
                end = spec_end;
            }
            decays.extend(trace.decays.iter().map(|&iteration| {
                (
                    Position {
                        iteration,
                        per_unit,
                    },
                    index,
                )
            }));
            series.push(Series {
                name: spec.name.clone(),
                points: trace.points.iter().map(|&(t, lr)| (x(t), lr)).collect(),
                warmup_end: (trace.warmup_end > 0).then(|| x(trace.warmup_end as f64)),
                min_lr: trace.min_lr,
                max_lr: trace.max_lr,
            });
        }

        decays.sort_by(|a, b| a.0.x().total_cmp(&b.0.x()).then(a.1.cmp(&b.1)));
        let mut positions: Vec<Position> = Vec::new();
        let mut curves: Vec<Vec<usize>> = Vec::new();
        for (position, index) in decays {
            match (positions.last(), curves.last_mut()) {
                (Some(last), Some(at_last)) if last.x() == position.x() => {
                    if !at_last.contains(&index) {
                        at_last.push(index);
                    }
                }
                _ => {
                    positions.push(position);
                    curves.push(vec![index]);
                }
            }
        }
        positions.push(end);
        let mut labels = position_labels(&positions, options.x_unit);
        let end_label = labels.pop().unwrap_or_default();
        let markers = positions
            .iter()
            .zip(labels)
            .zip(curves)
            .map(|((position, label), series)| Marker {
                x: position.x(),
                label,
                series,
            })
            .collect();

        let grid = options
            .layout
            .is_grid(specs.len())
            .then(|| grid(specs, options.x_unit, end.x(), resolution));
        Ok(Figure {
            title: options
                .title
                .clone()
                .unwrap_or_else(|| default_title(specs)),
            x_unit: options.x_unit,
            x_max: end.x(),
            end_label,
            log_y: options.log_y,
            series,
            markers,
            grid,
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
}

/// Every schedule compared with the first, for the grid layout; differing spans closer than
/// one of `resolution` drawing units across `x_max` merged.
fn grid(specs: &[NamedSchedule], unit: XUnit, x_max: f64, resolution: u32) -> Grid {
    let reference = &specs[0];
    let per_unit = |spec: &NamedSchedule| match unit {
        XUnit::Iteration => 1,
        XUnit::Epoch => spec.iters_per_epoch.unwrap_or(1),
    };
    let longest = specs.iter().map(|s| s.params().iters).max().unwrap_or(0);
    let gap = x_max / f64::from(resolution.max(1));
    let panels = specs
        .iter()
        .enumerate()
        .map(|(index, spec)| {
            if index == 0 {
                return Panel {
                    summary: "reference: grey in the other panels".into(),
                    spans: Vec::new(),
                };
            }
            let rounding = reference.dialect.rounding().max(spec.dialect.rounding());
            let comparison = compare::compare(
                reference.schedule.as_ref(),
                spec.schedule.as_ref(),
                rounding,
            );
            let units = [per_unit(reference), per_unit(spec)];
            let summary = comparison.summary(&reference.name, |side, points| match unit {
                XUnit::Iteration => exact_counts(points, CountStyle::for_max(longest)),
                XUnit::Epoch => points
                    .iter()
                    .map(|&iteration| epoch_label(iteration, units[side]))
                    .collect(),
            });
            let mut spans = Vec::new();
            for shade in [Shade::LastBits, Shade::Differs] {
                for run in comparison.runs.iter().filter(|r| r.shade == shade) {
                    let (from, to) = (
                        run.start as f64 / units[1] as f64,
                        run.end as f64 / units[1] as f64,
                    );
                    match spans.last_mut() {
                        Some(Span {
                            to: last, shade: s, ..
                        }) if *s == shade && from - *last < gap => {
                            *last = to;
                        }
                        _ => spans.push(Span { from, to, shade }),
                    }
                }
            }
            Panel { summary, spans }
        })
        .collect();
    Grid {
        reference: reference.name.clone(),
        panels,
    }
}

/// Exact labels for positions on one chart, all in one style: iterations abbreviated like
/// the axis ticks only when every one stays exact, epochs exact or marked `≈`.
fn position_labels(positions: &[Position], unit: XUnit) -> Vec<String> {
    match unit {
        XUnit::Iteration => {
            let counts: Vec<u64> = positions.iter().map(|p| p.iteration).collect();
            let longest = counts.iter().copied().max().unwrap_or(0);
            exact_counts(&counts, CountStyle::for_max(longest))
        }
        XUnit::Epoch => positions
            .iter()
            .map(|p| epoch_label(p.iteration, p.per_unit))
            .collect(),
    }
}

/// Longest title made of schedule names before it becomes "N schedules".
const NAMES_TITLE_CHARS: usize = 60;

/// The schedule's name and key parameters; for several, their names (and the parameters when
/// they share them, as `--dialect all` does).
fn default_title(specs: &[NamedSchedule]) -> String {
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
fn describe(spec: &NamedSchedule) -> String {
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
    use crate::schedule::{Dialect, build};

    /// A schedule as the model builds it, in iterations; `epochs` makes it count in epochs of
    /// that many iterations.
    fn named(name: &str, dialect: Dialect, params: Params, epochs: Option<u64>) -> NamedSchedule {
        NamedSchedule {
            name: name.into(),
            dialect,
            iters_per_epoch: epochs,
            unit: if epochs.is_some() {
                Unit::Epoch
            } else {
                Unit::Iter
            },
            bare_counts: Vec::new(),
            schedule: build(dialect, params).unwrap(),
        }
    }

    /// One schedule named `schedule`, in iterations.
    fn specs(params: Params) -> Vec<NamedSchedule> {
        vec![named("schedule", Dialect::default(), params, None)]
    }

    fn reference() -> Vec<NamedSchedule> {
        specs(Params::default())
    }

    fn milestones(milestones: &[u64], iters: u64) -> Params {
        Params {
            decay: Decay::Milestones(milestones.to_vec()),
            iters,
            ..Params::default()
        }
    }

    /// `--dialect all`: the reference schedule as each framework computes it.
    /// Every dialect that accepts the reference example, as `--dialect all` plots it (Keras,
    /// which has no warmup, refuses it).
    fn every_dialect() -> Vec<NamedSchedule> {
        Dialect::ALL
            .iter()
            .filter(|d| build(**d, Params::default()).is_ok())
            .map(|&d| named(d.name(), d, Params::default(), None))
            .collect()
    }

    fn options(x_unit: XUnit) -> PlotOptions {
        PlotOptions {
            x_unit,
            log_y: false,
            title: None,
            layout: Layout::Auto,
        }
    }

    #[test]
    fn reference_figure() {
        let figure = Figure::new(&reference(), &options(XUnit::Iteration), 1200).unwrap();
        assert_eq!(
            figure.title,
            "schedule: base_lr 0.01, milestones [50, 100], gamma 0.1, \
             linear warmup 10 iters from 0.1×"
        );
        assert_eq!(figure.x_max, 150.0);
        assert_eq!(figure.end_label, "150");
        let series = &figure.series[0];
        assert_eq!(series.warmup_end, Some(10.0));
        assert_eq!(figure.lr_range(), (0.00010000000000000002, 0.01));
        assert_eq!(
            figure.markers,
            vec![
                Marker {
                    x: 50.0,
                    label: "50".into(),
                    series: vec![0]
                },
                Marker {
                    x: 100.0,
                    label: "100".into(),
                    series: vec![0]
                },
            ]
        );
    }

    #[test]
    fn epoch_axis_divides_by_iters_per_epoch() {
        let params = Params {
            warmup_iters: 500,
            ..milestones(&[3000, 6000], 9000)
        };
        let specs = vec![named("schedule", Dialect::default(), params, Some(100))];
        let figure = Figure::new(&specs, &options(XUnit::Epoch), 1200).unwrap();
        assert_eq!(figure.x_max, 90.0);
        assert_eq!(figure.end_label, "90");
        let labels: Vec<(f64, &str)> = figure
            .markers
            .iter()
            .map(|m| (m.x, m.label.as_str()))
            .collect();
        assert_eq!(labels, [(30.0, "30"), (60.0, "60")]);
        assert_eq!(figure.series[0].warmup_end, Some(5.0));
        assert_eq!(
            figure.title,
            "schedule: base_lr 0.01, milestones [30, 60] epochs, gamma 0.1, \
             linear warmup 5 epochs from 0.1×"
        );
    }

    #[test]
    fn epoch_markers_between_epochs_say_so() {
        // The reference example stepped per batch of a 391-batch epoch.
        let mut specs = reference();
        specs[0].iters_per_epoch = Some(391);
        let figure = Figure::new(&specs, &options(XUnit::Epoch), 1200).unwrap();
        let labels: Vec<&str> = figure.markers.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, ["≈0.128", "≈0.256"]);
        assert_eq!(figure.end_label, "≈0.384");
    }

    #[test]
    fn milestone_labels_share_one_exact_style() {
        let resnet = specs(milestones(&[150150, 300300], 450450));
        let figure = Figure::new(&resnet, &options(XUnit::Iteration), 1200).unwrap();
        let labels: Vec<&str> = figure.markers.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, ["150150", "300300"]);
        assert_eq!(figure.end_label, "450450");
        let detectron2 = specs(milestones(&[210000, 250000], 270000));
        let figure = Figure::new(&detectron2, &options(XUnit::Iteration), 1200).unwrap();
        let labels: Vec<&str> = figure.markers.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, ["210k", "250k"]);
        assert_eq!(figure.end_label, "270k");
    }

    #[test]
    fn shared_markers_name_every_curve() {
        let all = every_dialect();
        let figure = Figure::new(&all, &options(XUnit::Iteration), 1200).unwrap();
        let names = |x: f64| -> Vec<&str> {
            let marker = figure.markers.iter().find(|m| m.x == x).unwrap();
            marker
                .series
                .iter()
                .map(|&i| figure.series[i].name.as_str())
                .collect()
        };
        assert_eq!(
            names(50.0),
            [
                "maskrcnn",
                "torch-chained",
                "detectron2",
                "mmengine",
                "mmcv1",
                "gluoncv",
                "paddledet",
                "detectron-caffe2",
                "optax"
            ]
        );
        assert_eq!(names(49.0), ["timm-train"]);
        assert_eq!(names(51.0), ["mxnet", "tf-model-garden"]);
        assert_eq!(names(59.0), ["timm"]);
        assert_eq!(names(60.0), ["torch-sequential", "paddle"]);
    }

    #[test]
    fn layouts() {
        assert!(!Layout::Auto.is_grid(MAX_OVERLAID));
        assert!(Layout::Auto.is_grid(MAX_OVERLAID + 1));
        assert!(Layout::Grid.is_grid(2));
        assert!(!Layout::Overlay.is_grid(36));
        // One schedule is one chart, whatever was asked.
        assert!(!Layout::Grid.is_grid(1));
        let figure = Figure::new(&reference(), &options(XUnit::Iteration), 1200).unwrap();
        assert_eq!(figure.grid, None);
    }

    #[test]
    fn grid_compares_every_dialect_with_the_first() {
        let all = every_dialect();
        assert!(all.len() > MAX_OVERLAID);
        let figure = Figure::new(&all, &options(XUnit::Iteration), 1200).unwrap();
        let grid = figure.grid.unwrap();
        assert_eq!(grid.reference, "maskrcnn");
        let summaries: Vec<(&str, &str)> = all
            .iter()
            .zip(&grid.panels)
            .map(|(spec, panel)| (spec.name.as_str(), panel.summary.as_str()))
            .collect();
        assert_eq!(
            summaries,
            [
                ("maskrcnn", "reference: grey in the other panels"),
                ("torch-chained", "differs in the last bits on 143 rows"),
                ("torch-sequential", "decays at 60, 110 (maskrcnn: 50, 100)"),
                ("detectron2", "differs in the last bits on 1 row"),
                ("mxnet", "decays at 51, 101 (maskrcnn: 50, 100)"),
                ("timm", "decays at 59, 109 (maskrcnn: 50, 100)"),
                ("mmengine", "warmup ends at 9 (maskrcnn: 10)"),
                ("timm-train", "decays at 49, 99 (maskrcnn: 50, 100)"),
                ("mmcv1", "differs in the last bits on 4 rows"),
                ("gluoncv", "warmup ends at 9 (maskrcnn: 10)"),
                ("paddledet", "differs in the last bits on 50 rows"),
                ("paddle", "decays at 60, 110 (maskrcnn: 50, 100)"),
                // float32 throughout: every row, within float32's rounding.
                ("detectron-caffe2", "differs in the last bits on 150 rows"),
                ("tf-model-garden", "decays at 51, 101 (maskrcnn: 50, 100)"),
                ("optax", "differs in the last bits on 150 rows"),
            ]
        );
        // Where mxnet differs by more than rounding: one iteration at each decay.
        let moved: Vec<(f64, f64)> = grid.panels[4]
            .spans
            .iter()
            .filter(|s| s.shade == Shade::Differs)
            .map(|s| (s.from, s.to))
            .collect();
        assert_eq!(moved, [(50.0, 51.0), (100.0, 101.0)]);
        // The reference's panel has nothing to shade.
        assert!(grid.panels[0].spans.is_empty());
    }

    #[test]
    fn grid_summaries_count_in_the_axis_unit() {
        let a = named(
            "a",
            Dialect::default(),
            milestones(&[3000, 6000], 9000),
            Some(100),
        );
        let b = named(
            "b",
            Dialect::default(),
            milestones(&[3050, 6000], 9000),
            Some(100),
        );
        let options = PlotOptions {
            layout: Layout::Grid,
            ..options(XUnit::Epoch)
        };
        let figure = Figure::new(&[a, b], &options, 1200).unwrap();
        let panel = &figure.grid.unwrap().panels[1];
        assert_eq!(panel.summary, "decays at 30.5, 60 (a: 30, 60)");
        assert_eq!(
            panel.spans,
            [Span {
                from: 30.0,
                to: 30.5,
                shade: Shade::Differs
            }]
        );
    }

    #[test]
    fn epoch_axis_needs_an_epoch_length() {
        let err = Figure::new(&reference(), &options(XUnit::Epoch), 100).unwrap_err();
        assert_eq!(err.schedule, "schedule");
    }

    #[test]
    fn overlay_titles() {
        let all = every_dialect();
        let title = default_title(&all);
        assert!(
            title.starts_with(&format!("{} dialects: base_lr 0.01,", all.len())),
            "{title}"
        );
    }

    #[test]
    fn titles_describe_other_decays() {
        let step = specs(Params {
            decay: Decay::StepSize(30),
            warmup_iters: 0,
            iters: 90,
            ..Params::default()
        });
        assert_eq!(
            default_title(&step),
            "schedule: base_lr 0.01, step_size 30 iters, gamma 0.1, no warmup"
        );
        let one = specs(Params {
            decay: Decay::StepSize(1),
            warmup_iters: 1,
            iters: 4,
            ..Params::default()
        });
        assert!(default_title(&one).contains("step_size 1 iter, gamma 0.1, linear warmup 1 iter"));
        let flat = specs(Params {
            warmup_method: WarmupMethod::Constant,
            ..milestones(&[], 20)
        });
        assert_eq!(
            default_title(&flat),
            "schedule: base_lr 0.01, no decay, constant warmup 10 iters at 0.1×"
        );
        let many = specs(milestones(&[1, 2, 3, 4, 5, 6, 7, 8], 12));
        assert!(default_title(&many).contains("milestones [1, 2, 3, 4, 5, 6, …]"));
    }
}

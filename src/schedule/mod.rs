//! Learning-rate schedules as pure functions of the iteration.
//!
//! Nothing here does I/O: parameters go in, `lr(t)` and the piecewise structure of the curve
//! (its segments) come out. Every consumer — tables, `at`, plots, `explain` — goes through the
//! [`Schedule`] trait, so a framework dialect is only another implementation of it.

mod departures;
mod detectron2;
mod maskrcnn;
pub mod message;
mod milestones;
mod mmengine;
mod mxnet;
mod named;
mod piecewise;
mod stepper;
mod timm;
mod torch_chained;
mod torch_sequential;

pub use departures::{Departure, departures};
pub use detectron2::Detectron2;
pub use maskrcnn::WarmupMultiStep;
use mmengine::Mmengine;
use mxnet::Mxnet;
pub use named::{NamedSchedule, Unit};
pub use timm::Timm;
use torch_chained::TorchChained;
use torch_sequential::TorchSequential;

use std::fmt;

/// How the warmup factor moves from `warmup_factor` at t = 0 to 1 at t = W.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarmupMethod {
    Linear,
    Constant,
    Exp,
}

impl WarmupMethod {
    pub const NAMES: [&'static str; 3] = ["linear", "constant", "exp"];

    pub fn name(self) -> &'static str {
        match self {
            WarmupMethod::Linear => "linear",
            WarmupMethod::Constant => "constant",
            WarmupMethod::Exp => "exp",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "linear" => Some(WarmupMethod::Linear),
            "constant" => Some(WarmupMethod::Constant),
            "exp" => Some(WarmupMethod::Exp),
            _ => None,
        }
    }
}

/// When the learning rate is multiplied by `gamma`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decay {
    /// At each listed iteration (a repeated milestone decays twice).
    Milestones(Vec<u64>),
    /// Every `step_size` iterations, counted from the end of warmup.
    StepSize(u64),
}

/// Validated schedule parameters, all in iterations.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub base_lr: f64,
    pub decay: Decay,
    pub gamma: f64,
    pub warmup_iters: u64,
    pub warmup_factor: f64,
    pub warmup_method: WarmupMethod,
    /// Iterations evaluated: t = 0 … iters − 1.
    pub iters: u64,
}

impl Default for Params {
    /// The worked example of the reference `WarmupMultiFactorScheduler` description.
    fn default() -> Self {
        Params {
            base_lr: 0.01,
            decay: Decay::Milestones(vec![50, 100]),
            gamma: 0.1,
            warmup_iters: 10,
            warmup_factor: 0.1,
            warmup_method: WarmupMethod::Linear,
            iters: 150,
        }
    }
}

/// What the schedule is doing over a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phase {
    pub warmup: bool,
    /// Decays applied so far (k in the formula).
    pub decays: u64,
}

impl fmt::Display for Phase {
    /// `warmup`, `base` (after warmup, before any decay) or `decayK`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.warmup, self.decays) {
            (true, 0) => f.write_str("warmup"),
            (true, k) => write!(f, "warmup+decay{k}"),
            (false, 0) => f.write_str("base"),
            (false, k) => write!(f, "decay{k}"),
        }
    }
}

/// A maximal run of iterations `[start, end)` in one phase.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub start: u64,
    pub end: u64,
    pub phase: Phase,
    /// `Some(lr)` when lr is the same at every iteration of the segment.
    pub constant_lr: Option<f64>,
}

/// A learning-rate schedule: a pure function of the iteration.
pub trait Schedule {
    fn params(&self) -> &Params;

    /// The learning rate at iteration `t` (the number of scheduler steps already taken). Past
    /// `iters` the run is over: a dialect that steps its lr in place holds the last value there.
    fn lr(&self, t: u64) -> f64;

    /// The segments covering `[0, iters)` in order. Within a segment the phase does not change,
    /// and lr either is constant (`constant_lr`) or changes every iteration (a warmup ramp).
    fn segments(&self) -> Box<dyn Iterator<Item = Segment> + '_>;

    /// The first iteration the framework no longer counts as warmup; `iters` or past it when
    /// the warmup outlasts the run.
    fn warmup_end(&self) -> u64 {
        self.params().warmup_iters
    }

    /// lr for every iteration of `[start, end)`, in order. Schedules whose framework updates
    /// recursively override this to step instead of re-deriving each value.
    fn values(&self, start: u64, end: u64) -> Box<dyn Iterator<Item = f64> + '_> {
        Box::new((start..end).map(move |t| self.lr(t)))
    }
}

/// Whose arithmetic to reproduce (SPEC section 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// maskrcnn-benchmark `WarmupMultiStepLR`, also called `warmup-multistep`: the default.
    Maskrcnn,
    /// PyTorch `ChainedScheduler([LinearLR | ConstantLR, MultiStepLR])`.
    TorchChained,
    /// PyTorch `SequentialLR([LinearLR | ConstantLR, MultiStepLR], milestones=[W])`.
    TorchSequential,
    /// detectron2 `build_lr_scheduler` (fvcore `WarmupParamScheduler` + `LRMultiplier`).
    Detectron2,
    /// MXNet `MultiFactorScheduler` with warmup.
    Mxnet,
    /// timm `MultiStepLRScheduler`, `t_in_epochs=False`.
    Timm,
    /// mmengine `LinearLR | ConstantLR` + `MultiStepLR`, `by_epoch=False`.
    Mmengine,
}

impl Default for Dialect {
    /// maskrcnn-benchmark's formula is the intended schedule: the others are compared with it.
    fn default() -> Self {
        Dialect::Maskrcnn
    }
}

impl Dialect {
    /// Every dialect, in the order `--dialect all` lists them.
    pub const ALL: &'static [Dialect] = &[
        Dialect::Maskrcnn,
        Dialect::TorchChained,
        Dialect::TorchSequential,
        Dialect::Detectron2,
        Dialect::Mxnet,
        Dialect::Timm,
        Dialect::Mmengine,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Maskrcnn => "maskrcnn",
            Dialect::TorchChained => "torch-chained",
            Dialect::TorchSequential => "torch-sequential",
            Dialect::Detectron2 => "detectron2",
            Dialect::Mxnet => "mxnet",
            Dialect::Timm => "timm",
            Dialect::Mmengine => "mmengine",
        }
    }

    /// Accepts each dialect's name and its aliases.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "warmup-multistep" => Some(Dialect::Maskrcnn),
            _ => Dialect::ALL.iter().copied().find(|d| d.name() == name),
        }
    }

    /// Names accepted on input, for error messages and completions.
    pub fn accepted_names() -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Dialect::ALL.iter().map(|d| d.name()).collect();
        names.push("warmup-multistep");
        names
    }

    /// The framework, by name.
    pub fn framework(self) -> &'static str {
        match self {
            Dialect::Maskrcnn => "maskrcnn-benchmark",
            Dialect::TorchChained | Dialect::TorchSequential => "PyTorch",
            Dialect::Detectron2 => "detectron2",
            Dialect::Mxnet => "MXNet",
            Dialect::Timm => "timm",
            Dialect::Mmengine => "mmengine",
        }
    }

    /// The framework and the scheduler construction the dialect reproduces, in a few words.
    pub fn construction(self) -> &'static str {
        match self {
            Dialect::Maskrcnn => "maskrcnn-benchmark WarmupMultiStepLR",
            Dialect::TorchChained => {
                "PyTorch ChainedScheduler([LinearLR or ConstantLR, MultiStepLR])"
            }
            Dialect::TorchSequential => {
                "PyTorch SequentialLR([LinearLR or ConstantLR, MultiStepLR], milestones=[W])"
            }
            Dialect::Detectron2 => {
                "detectron2 build_lr_scheduler: LRMultiplier(WarmupParamScheduler(MultiStepParamScheduler))"
            }
            Dialect::Mxnet => "MXNet MultiFactorScheduler with warmup",
            Dialect::Timm => "timm MultiStepLRScheduler(t_in_epochs=False)",
            Dialect::Mmengine => "mmengine LinearLR or ConstantLR + MultiStepLR (by_epoch=False)",
        }
    }
}

/// Parameters a framework refuses, in that framework's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The parameter at fault (a TOML key), so the caller can say where it came from.
    pub key: &'static str,
    pub message: String,
}

/// The schedule `dialect` computes for `params`, or the framework's reason to refuse them.
pub fn build(dialect: Dialect, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
    Ok(match dialect {
        Dialect::Maskrcnn => {
            if let Decay::Milestones(milestones) = &params.decay
                && let Some(unsorted) =
                    (1..milestones.len()).find(|&i| milestones[i - 1] > milestones[i])
            {
                return Err(Rejection {
                    key: "milestones",
                    message: format!(
                        "must be sorted ascending (repeats allowed), got {} \
                         (maskrcnn-benchmark: \"Milestones should be a list of increasing integers\")",
                        message::list_around(milestones, unsorted)
                    ),
                });
            }
            Box::new(WarmupMultiStep::new(params))
        }
        Dialect::TorchChained => Box::new(TorchChained::new(params)?),
        Dialect::TorchSequential => Box::new(TorchSequential::new(params)?),
        Dialect::Detectron2 => Box::new(Detectron2::new(params)?),
        Dialect::Mxnet => Box::new(Mxnet::new(params)?),
        Dialect::Timm => Box::new(Timm::new(params)),
        Dialect::Mmengine => Box::new(Mmengine::new(params)?),
    })
}

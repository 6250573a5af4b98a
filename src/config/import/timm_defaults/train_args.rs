//! train.py's arguments that shape the schedule, as data: their types and `add_argument`
//! defaults.

/// A value as train.py's `args` holds it.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Ints(Vec<i128>),
    Floats(Vec<f64>),
    /// A value of a type no schedule argument takes, by its type name: "a mapping".
    Other(&'static str),
}

/// What an argument takes, as its `add_argument` declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// `type=str`.
    Str,
    /// `type=int`.
    Int,
    /// `type=float` (an int too: a default, or a `--config` YAML value, is not converted).
    Float,
    /// `type=float, default=None`.
    OptFloat,
    /// `action='store_true'`.
    Flag,
    /// `type=int, nargs='+'`.
    Ints,
    /// `type=float, nargs='+', default=None`.
    OptFloats,
}

/// One argument of train.py that the schedule depends on.
pub struct TrainArg {
    /// The attribute: `decay_epochs`, as args.yaml writes it.
    pub name: &'static str,
    /// The command line's spellings: `--decay-rate`, `--dr`.
    pub flags: &'static [&'static str],
    pub kind: ArgKind,
    pub default: DefaultValue,
}

/// A default, as data.
pub enum DefaultValue {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'static str),
    Ints(&'static [i64]),
}

impl DefaultValue {
    pub(super) fn arg(&self) -> Arg {
        match self {
            DefaultValue::None => Arg::None,
            DefaultValue::Bool(on) => Arg::Bool(*on),
            DefaultValue::Int(n) => Arg::Int(i128::from(*n)),
            DefaultValue::Float(x) => Arg::Float(*x),
            DefaultValue::Str(text) => Arg::Str((*text).into()),
            DefaultValue::Ints(items) => Arg::Ints(items.iter().map(|&i| i128::from(i)).collect()),
        }
    }
}

const fn arg(
    name: &'static str,
    flags: &'static [&'static str],
    kind: ArgKind,
    default: DefaultValue,
) -> TrainArg {
    TrainArg {
        name,
        flags,
        kind,
        default,
    }
}

/// train.py's arguments that shape the schedule, with their `add_argument` defaults.
pub const ARGS: &[TrainArg] = &[
    arg(
        "sched",
        &["--sched"],
        ArgKind::Str,
        DefaultValue::Str("cosine"),
    ),
    arg(
        "sched_on_updates",
        &["--sched-on-updates"],
        ArgKind::Flag,
        DefaultValue::Bool(false),
    ),
    arg("lr", &["--lr"], ArgKind::OptFloat, DefaultValue::None),
    arg(
        "lr_base",
        &["--lr-base"],
        ArgKind::Float,
        DefaultValue::Float(0.1),
    ),
    arg(
        "lr_base_size",
        &["--lr-base-size"],
        ArgKind::Int,
        DefaultValue::Int(256),
    ),
    arg(
        "lr_base_scale",
        &["--lr-base-scale"],
        ArgKind::Str,
        DefaultValue::Str(""),
    ),
    arg(
        "lr_noise",
        &["--lr-noise"],
        ArgKind::OptFloats,
        DefaultValue::None,
    ),
    arg(
        "warmup_lr",
        &["--warmup-lr"],
        ArgKind::Float,
        DefaultValue::Float(1e-5),
    ),
    arg(
        "epochs",
        &["--epochs"],
        ArgKind::Int,
        DefaultValue::Int(300),
    ),
    arg(
        "decay_milestones",
        &["--decay-milestones"],
        ArgKind::Ints,
        DefaultValue::Ints(&[90, 180, 270]),
    ),
    // `type=float, default=90`: an int unless given.
    arg(
        "decay_epochs",
        &["--decay-epochs"],
        ArgKind::Float,
        DefaultValue::Int(90),
    ),
    arg(
        "warmup_epochs",
        &["--warmup-epochs"],
        ArgKind::Int,
        DefaultValue::Int(5),
    ),
    arg(
        "warmup_prefix",
        &["--warmup-prefix"],
        ArgKind::Flag,
        DefaultValue::Bool(false),
    ),
    arg(
        "decay_rate",
        &["--decay-rate", "--dr"],
        ArgKind::Float,
        DefaultValue::Float(0.1),
    ),
    arg("opt", &["--opt"], ArgKind::Str, DefaultValue::Str("sgd")),
    arg(
        "batch_size",
        &["-b", "--batch-size"],
        ArgKind::Int,
        DefaultValue::Int(128),
    ),
    arg(
        "grad_accum_steps",
        &["--grad-accum-steps"],
        ArgKind::Int,
        DefaultValue::Int(1),
    ),
];

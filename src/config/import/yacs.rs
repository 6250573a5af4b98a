//! yacs, the config system of detectron2 and maskrcnn-benchmark, as far as SOLVER goes: a YAML
//! value replaces the default of the same key only if yacs would accept it.
//!
//! yacs `_merge_a_into_b`: a key not among the defaults raises "Non-existent config key"; a
//! string is first `literal_eval`ed (`STEPS: (60000, 80000)` is a tuple, `BASE_LR: 1e-3` a
//! float, `"0.02"` too); then `_check_and_coerce_cfg_value_type` keeps the value only if its
//! type is the default's, or one of them is None, or both are a list or a tuple.

use super::literal::literal_eval;
use super::yaml::{Kind, Node, Scalar};
use crate::config::Layer;
use crate::config::error::{ConfigError, Origin};
use crate::config::value::Raw;
use crate::schedule::message::number;

/// A value as Python holds it after yacs read it.
#[derive(Clone, Debug, PartialEq)]
pub enum Py {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    List(Vec<Py>),
    Tuple(Vec<Py>),
    /// A nested CfgNode (a mapping).
    Node,
}

impl Py {
    /// The Python type, as yacs's messages name it.
    fn type_name(&self) -> &'static str {
        match self {
            Py::None => "NoneType",
            Py::Bool(_) => "bool",
            Py::Int(_) => "int",
            Py::Float(_) => "float",
            Py::Str(_) => "str",
            Py::List(_) => "list",
            Py::Tuple(_) => "tuple",
            Py::Node => "CfgNode",
        }
    }

    /// As Python's `repr`, short, for messages.
    pub fn repr(&self) -> String {
        match self {
            Py::None => "None".into(),
            Py::Bool(on) => if *on { "True" } else { "False" }.into(),
            Py::Int(value) => value.to_string(),
            Py::Float(value) => number(*value),
            Py::Str(text) => format!("'{text}'"),
            Py::List(items) | Py::Tuple(items) => {
                let items: Vec<String> = items.iter().map(Py::repr).collect();
                match self {
                    Py::List(_) => format!("[{}]", items.join(", ")),
                    _ => format!("({})", items.join(", ")),
                }
            }
            Py::Node => "{...}".into(),
        }
    }
}

/// One SOLVER default of a framework's `config/defaults.py`, as data.
pub struct Default {
    /// The full key: `SOLVER.BASE_LR`.
    pub key: &'static str,
    pub value: DefaultValue,
}

pub enum DefaultValue {
    Int(i64),
    Float(f64),
    Str(&'static str),
    Bool(bool),
    None,
    Ints(&'static [i64]),
    Node,
}

impl DefaultValue {
    fn py(&self) -> Py {
        match self {
            DefaultValue::Int(value) => Py::Int(i128::from(*value)),
            DefaultValue::Float(value) => Py::Float(*value),
            DefaultValue::Str(text) => Py::Str((*text).into()),
            DefaultValue::Bool(on) => Py::Bool(*on),
            DefaultValue::None => Py::None,
            DefaultValue::Ints(items) => {
                Py::Tuple(items.iter().map(|&i| Py::Int(i128::from(i))).collect())
            }
            DefaultValue::Node => Py::Node,
        }
    }
}

/// The SOLVER keys of a merged config: every default, replaced where the config sets it.
pub struct Solver {
    framework: &'static str,
    values: Vec<(&'static str, Py, Origin)>,
}

impl Solver {
    /// Reads `root`'s SOLVER section over `defaults`, as yacs merges it.
    pub fn read(
        framework: &'static str,
        defaults: &'static [Default],
        root: &Node,
    ) -> Result<Solver, ConfigError> {
        let mut values: Vec<(&'static str, Py, Origin)> = defaults
            .iter()
            .map(|d| {
                let origin = Origin::FrameworkDefault {
                    framework,
                    key: d.key.to_string(),
                };
                (d.key, d.value.py(), origin)
            })
            .collect();
        if let Some(solver) = root.get("SOLVER") {
            let mut given = Vec::new();
            flatten("SOLVER", &solver.value, solver.line, &mut given)?;
            for (key, line, node) in given {
                let at = Origin::File {
                    path: node.path.to_path_buf(),
                    line,
                    key: key.clone(),
                };
                let Some(slot) = values.iter_mut().find(|(name, _, _)| *name == key) else {
                    return Err(ConfigError::invalid(
                        at,
                        format!(
                            "not a key of {framework}'s config, which refuses it \
                             (yacs: \"Non-existent config key\")"
                        ),
                    ));
                };
                let value = coerce(decode(node), &slot.1).map_err(|problem| {
                    ConfigError::invalid(at.clone(), format!("{framework} refuses it: {problem}"))
                })?;
                slot.1 = value;
                slot.2 = at;
            }
        }
        Ok(Solver { framework, values })
    }

    /// A key's value and where it came from.
    ///
    /// # Panics
    /// If `key` is not among the defaults (the format's own constant).
    pub fn get(&self, key: &str) -> (&Py, &Origin) {
        self.values
            .iter()
            .find(|(name, _, _)| *name == key)
            .map(|(_, value, at)| (value, at))
            .unwrap_or_else(|| panic!("{key} is not a default of {}", self.framework))
    }

    /// A whole number (an int, as yacs keeps it), or an error at its origin.
    pub fn int(&self, key: &str) -> Result<(i128, Origin), ConfigError> {
        match self.get(key) {
            (Py::Int(value), at) => Ok((*value, at.clone())),
            (other, at) => Err(expected(at, "an integer", other)),
        }
    }

    /// A float (or an int where the default is None).
    pub fn float(&self, key: &str) -> Result<(f64, Origin), ConfigError> {
        match self.get(key) {
            (Py::Float(value), at) => Ok((*value, at.clone())),
            (other, at) => Err(expected(at, "a float", other)),
        }
    }

    pub fn text(&self, key: &str) -> Result<(String, Origin), ConfigError> {
        match self.get(key) {
            (Py::Str(value), at) => Ok((value.clone(), at.clone())),
            (other, at) => Err(expected(at, "a string", other)),
        }
    }

    /// A list or tuple of ints.
    pub fn ints(&self, key: &str) -> Result<(Vec<i128>, Origin), ConfigError> {
        let (value, at) = self.get(key);
        let items = match value {
            Py::List(items) | Py::Tuple(items) => items,
            other => return Err(expected(at, "a tuple of integers", other)),
        };
        let ints = items
            .iter()
            .map(|item| match item {
                Py::Int(value) => Ok(*value),
                other => Err(expected(at, "a tuple of integers", other)),
            })
            .collect::<Result<Vec<i128>, ConfigError>>()?;
        Ok((ints, at.clone()))
    }
}

/// The SOLVER keys of the warmup + multi-step schedule, both frameworks' `WarmupMultiStepLR`.
pub struct Schedule {
    pub base_lr: (f64, Origin),
    pub steps: (Vec<i128>, Origin),
    pub gamma: (f64, Origin),
    pub warmup_factor: (f64, Origin),
    pub warmup_iters: (i128, Origin),
    pub warmup_method: (String, Origin),
    pub max_iter: (i128, Origin),
    pub ims_per_batch: (i128, Origin),
}

impl Schedule {
    pub fn read(solver: &Solver) -> Result<Schedule, ConfigError> {
        let warmup_method = solver.text("SOLVER.WARMUP_METHOD")?;
        if !matches!(warmup_method.0.as_str(), "linear" | "constant") {
            return Err(ConfigError::invalid(
                warmup_method.1,
                format!(
                    "{} refuses warmup method '{}' (\"Unknown warmup method\"); it has \
                     linear and constant",
                    solver.framework, warmup_method.0
                ),
            ));
        }
        Ok(Schedule {
            base_lr: solver.float("SOLVER.BASE_LR")?,
            steps: solver.ints("SOLVER.STEPS")?,
            gamma: solver.float("SOLVER.GAMMA")?,
            warmup_factor: solver.float("SOLVER.WARMUP_FACTOR")?,
            warmup_iters: solver.int("SOLVER.WARMUP_ITERS")?,
            warmup_method,
            max_iter: solver.int("SOLVER.MAX_ITER")?,
            ims_per_batch: solver.int("SOLVER.IMS_PER_BATCH")?,
        })
    }

    /// The lrsched keys: iterations throughout, the batch only when the flags give the
    /// dataset (the batch alone counts no epoch). The devices are the framework's world size,
    /// read by the format (IMS_PER_BATCH is already the global batch).
    pub fn layer(&self, flags: &Layer) -> Layer {
        let mut layer = Layer::default();
        let int = |value: i128| Raw::Integer(value.to_string());
        layer.set(
            "base_lr",
            Raw::Float(number(self.base_lr.0)),
            self.base_lr.1.clone(),
        );
        let steps = self.steps.0.iter().copied().map(int).collect();
        layer.set("milestones", Raw::Array(steps), self.steps.1.clone());
        layer.set(
            "gamma",
            Raw::Float(number(self.gamma.0)),
            self.gamma.1.clone(),
        );
        layer.set(
            "warmup_factor",
            Raw::Float(number(self.warmup_factor.0)),
            self.warmup_factor.1.clone(),
        );
        layer.set(
            "warmup_iters",
            int(self.warmup_iters.0),
            self.warmup_iters.1.clone(),
        );
        layer.set(
            "warmup_method",
            Raw::Str(self.warmup_method.0.clone()),
            self.warmup_method.1.clone(),
        );
        layer.set("iters", int(self.max_iter.0), self.max_iter.1.clone());
        if flags.get("dataset_size").is_some() {
            layer.set(
                "batch_size",
                int(self.ims_per_batch.0),
                self.ims_per_batch.1.clone(),
            );
        }
        layer.consume_flag("devices");
        layer
    }
}

/// An origin with a note on what was done to its value: `SOLVER.STEPS (…)`.
pub fn noted(at: &Origin, note: &str) -> Origin {
    match at {
        Origin::File { path, line, key } => Origin::File {
            path: path.clone(),
            line: *line,
            key: format!("{key} ({note})"),
        },
        Origin::FrameworkDefault { framework, key } => Origin::FrameworkDefault {
            framework,
            key: format!("{key} ({note})"),
        },
        other => other.clone(),
    }
}

fn expected(at: &Origin, what: &str, found: &Py) -> ConfigError {
    ConfigError::invalid(
        at.clone(),
        format!("expected {what}, found {}", found.repr()),
    )
}

/// The leaves of a section with their full keys; a mapping is a nested CfgNode whose keys
/// are checked too.
fn flatten<'a>(
    prefix: &str,
    node: &'a Node,
    line: usize,
    out: &mut Vec<(String, usize, &'a Node)>,
) -> Result<(), ConfigError> {
    match &node.kind {
        Kind::Map(entries) => {
            if prefix != "SOLVER" {
                out.push((prefix.to_string(), line, node));
            }
            for entry in entries {
                flatten(
                    &format!("{prefix}.{}", entry.key),
                    &entry.value,
                    entry.line,
                    out,
                )?;
            }
            Ok(())
        }
        _ if prefix == "SOLVER" => Err(ConfigError::invalid(
            node.origin("SOLVER"),
            format!(
                "expected a mapping of SOLVER keys, found {}",
                node.type_name()
            ),
        )),
        _ => {
            out.push((prefix.to_string(), line, node));
            Ok(())
        }
    }
}

/// yacs `_decode_cfg_value`: a YAML string is `literal_eval`ed when it is a Python literal.
fn decode(node: &Node) -> Py {
    match &node.kind {
        Kind::Map(_) => Py::Node,
        Kind::Seq(items) => Py::List(items.iter().map(plain).collect()),
        Kind::Scalar { .. } => match node.scalar() {
            Some(Scalar::Str(text)) => literal_eval(&text).unwrap_or(Py::Str(text)),
            _ => plain(node),
        },
    }
}

/// A YAML value as PyYAML gives it, without yacs's decoding (items of a list).
fn plain(node: &Node) -> Py {
    match (&node.kind, node.scalar()) {
        (Kind::Map(_), _) => Py::Node,
        (Kind::Seq(items), _) => Py::List(items.iter().map(plain).collect()),
        (_, Some(Scalar::Null)) | (_, None) => Py::None,
        (_, Some(Scalar::Bool(on))) => Py::Bool(on),
        (_, Some(Scalar::Int(value))) => Py::Int(value),
        (_, Some(Scalar::Float(value))) => Py::Float(value),
        (_, Some(Scalar::Str(text))) => Py::Str(text),
    }
}

/// yacs `_check_and_coerce_cfg_value_type`.
fn coerce(value: Py, default: &Py) -> Result<Py, String> {
    let same = value.type_name() == default.type_name();
    let with_none = matches!(value, Py::None) || matches!(default, Py::None);
    match (value, default) {
        (value, _) if same || with_none => Ok(value),
        (Py::List(items), Py::Tuple(_)) => Ok(Py::Tuple(items)),
        (Py::Tuple(items), Py::List(_)) => Ok(Py::List(items)),
        (value, default) => Err(format!(
            "{} is {} where the default {} is {} (yacs: \"Type mismatch\")",
            value.repr(),
            article(value.type_name()),
            default.repr(),
            article(default.type_name())
        )),
    }
}

fn article(type_name: &str) -> String {
    match type_name {
        "int" => "an int".into(),
        other => format!("a {other}"),
    }
}

/// `_BASE_` (detectron2's fvcore) or not (maskrcnn-benchmark): the bases a YAML config names,
/// and the config without the key.
pub fn bases(
    mut root: Node,
    key: &'static str,
) -> Result<(Node, Vec<super::bounded::Base>), ConfigError> {
    let mut bases = Vec::new();
    if let Kind::Map(entries) = &mut root.kind
        && let Some(index) = entries.iter().rposition(|entry| entry.key == key)
    {
        let entry = entries.remove(index);
        entries.retain(|e| e.key != key);
        let targets: Vec<&Node> = match &entry.value.kind {
            Kind::Seq(items) => items.iter().collect(),
            _ => vec![&entry.value],
        };
        for target in targets {
            match target.scalar() {
                Some(Scalar::Str(text)) => bases.push(super::bounded::Base {
                    target: text,
                    line: target.line,
                    key,
                }),
                _ => {
                    return Err(ConfigError::invalid(
                        target.origin(key),
                        format!("expected a file name, found {}", target.type_name()),
                    ));
                }
            }
        }
    }
    Ok((root, bases))
}

/// fvcore `merge_a_into_b`: the later config's keys over the earlier's, mappings merged key by
/// key; a mapping over a value that is not one is refused ("Cannot inherit key from base").
pub fn merge(mut under: Node, over: Node) -> Result<Node, ConfigError> {
    let Kind::Map(over_entries) = over.kind else {
        return Ok(under);
    };
    let Kind::Map(entries) = &mut under.kind else {
        return Ok(under);
    };
    for entry in over_entries {
        match entries.iter().rposition(|e| e.key == entry.key) {
            Some(at) if matches!(entry.value.kind, Kind::Map(_)) => {
                let base = entries.remove(at);
                if !matches!(base.value.kind, Kind::Map(_)) {
                    return Err(ConfigError::invalid(
                        entry.value.origin(&entry.key),
                        format!(
                            "a mapping over {} of its base {}, which fvcore refuses \
                             (\"Cannot inherit key from base\")",
                            base.value.type_name(),
                            base.value.path.display()
                        ),
                    ));
                }
                // The merged mapping is the base's, its keys from either file.
                let merged = merge(base.value, entry.value)?;
                entries.insert(
                    at,
                    super::yaml::Entry {
                        key: entry.key,
                        line: base.line,
                        value: merged,
                    },
                );
            }
            Some(at) => entries[at] = entry,
            None => entries.push(entry),
        }
    }
    Ok(under)
}

/// The top-level keys of a YAML text, by its lines: `SOLVER` for `SOLVER:`.
pub fn top_level_keys(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|line| !line.starts_with([' ', '\t', '#', '-', '%', '.']))
        .filter_map(|line| line.split_once(':').map(|(key, _)| key.trim()))
}

/// Whether a text looks like a yacs config: a SOLVER or MODEL section, every top-level key in
/// capitals (`_BASE_` too).
pub fn yacs_layout(text: &str) -> bool {
    let mut keys = top_level_keys(text).peekable();
    let mut section = false;
    let all_capitals = keys.peek().is_some()
        && keys.all(|key| {
            section |= key == "SOLVER" || key == "MODEL";
            key.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        });
    all_capitals && section
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_yacs() {
        assert_eq!(
            coerce(Py::List(vec![]), &Py::Tuple(vec![])),
            Ok(Py::Tuple(vec![]))
        );
        assert_eq!(coerce(Py::Int(1), &Py::None), Ok(Py::Int(1)));
        assert_eq!(
            coerce(Py::Int(1), &Py::Float(0.001)).unwrap_err(),
            "1 is an int where the default 0.001 is a float (yacs: \"Type mismatch\")"
        );
        assert!(coerce(Py::Bool(true), &Py::Int(0)).is_err());
    }

    #[test]
    fn yacs_layout_is_capital_sections() {
        assert!(yacs_layout("_BASE_: a.yaml\nSOLVER:\n  BASE_LR: 0.1\n"));
        assert!(!yacs_layout("epoch: 12\nLearningRate:\n  base_lr: 0.1\n"));
        assert!(!yacs_layout("INPUT:\n  MIN_SIZE: 3\n"));
    }
}

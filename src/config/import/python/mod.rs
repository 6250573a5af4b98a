//! Python config files, read and never run: the literal subset training configs are written
//! in (docs/import.md, "Python configs"). Module-level assignments are evaluated in order into
//! values that remember their file and line; `dict(...)`, `{...}`, lists, tuples, numbers,
//! strings, `True`/`False`/`None`, names bound earlier, and arithmetic on numbers are
//! understood. Any other construct becomes an [`Kind::Opaque`] value that names itself, so a
//! config whose schedule does not depend on it (a model with a comprehension in it) still
//! reads, and one whose schedule does gets an error at the construct's file:line. Statements
//! outside the subset (`def`, `if`, `for`, ...) are errors at once: they could change any name.
//!
//! Hand-written rather than a parser crate: the subset is small, the crates that parse all of
//! Python (rustpython-parser, a generated LALR grammar with big-integer and Unicode tables)
//! would cost more build time than the rest of lrsched on a 2-core machine, ruff's parser is
//! not published on crates.io, and the bounds (nesting depth, value size) and line numbers
//! must be ours either way.

mod arith;
mod eval;
mod lex;

use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

use super::super::error::{ConfigError, Origin};

pub use eval::read_module;

/// Brackets, calls and unary operators nest at most this deep (real configs nest about 8
/// deep; each level costs the recursive reader some stack).
pub const MAX_DEPTH: usize = 64;
/// Values a file may build or copy in all, counting every element: `a = [a, a]` repeated
/// doubles its size, and stops here rather than exhausting memory.
pub const MAX_NODES: usize = 1 << 20;

/// Where a value was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Loc {
    pub file: Rc<Path>,
    pub line: usize,
}

impl Loc {
    /// As a message's origin, for the config key `key` (`param_scheduler[1].milestones`).
    pub fn origin(&self, key: &str) -> Origin {
        Origin::File {
            path: self.file.to_path_buf(),
            line: self.line,
            key: key.to_string(),
        }
    }

    pub fn error(&self, key: &str, problem: impl Into<String>) -> ConfigError {
        ConfigError::invalid(self.origin(key), problem)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: Kind,
    pub at: Loc,
}

pub type Dict = BTreeMap<String, Value>;

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Dict(Dict),
    /// A class or function the host gave meaning to, by its dotted name.
    Symbol(String),
    /// A construct outside the subset, by what it is ("a list comprehension"): an error for
    /// whoever reads it.
    Opaque(String),
}

/// What a config file's imports and calls mean: given by each format.
pub trait Host {
    /// The value of `from module import name` (`module` with its leading dots), or of
    /// `import module` (`name` empty).
    fn import(&mut self, module: &str, name: &str, at: &Loc) -> Result<Value, ConfigError>;

    /// The value of calling the symbol `function`, if the host knows it.
    fn call(
        &mut self,
        function: &str,
        args: &[Value],
        kwargs: &Dict,
        at: &Loc,
    ) -> Option<Result<Value, ConfigError>>;

    /// The value of `_base_.a.b` (mmengine's reference into the inherited config).
    fn base_var(&self, path: &[String]) -> Option<Value>;
}

/// A host that knows no import, call or base variable: imports and unknown calls become
/// opaque values.
pub struct Plain;

impl Host for Plain {
    fn import(&mut self, module: &str, name: &str, at: &Loc) -> Result<Value, ConfigError> {
        let what = if name.is_empty() {
            format!("the module '{module}' (imports are not followed)")
        } else {
            format!("'{name}' imported from '{module}' (imports are not followed)")
        };
        Ok(Value {
            kind: Kind::Opaque(what),
            at: at.clone(),
        })
    }

    fn call(
        &mut self,
        _: &str,
        _: &[Value],
        _: &Dict,
        _: &Loc,
    ) -> Option<Result<Value, ConfigError>> {
        None
    }

    fn base_var(&self, _: &[String]) -> Option<Value> {
        None
    }
}

impl Value {
    pub fn new(kind: Kind, at: Loc) -> Value {
        Value { kind, at }
    }

    /// Elements in the value, itself included: what copying it costs.
    pub fn size(&self) -> usize {
        match &self.kind {
            Kind::List(items) | Kind::Tuple(items) => {
                1 + items.iter().map(Value::size).sum::<usize>()
            }
            Kind::Dict(dict) => 1 + dict.values().map(Value::size).sum::<usize>(),
            _ => 1,
        }
    }

    /// How a message names the value's type.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::None => "None",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a float",
            Kind::Str(_) => "a string",
            Kind::List(_) => "a list",
            Kind::Tuple(_) => "a tuple",
            Kind::Dict(_) => "a dict",
            Kind::Symbol(_) => "a class or function",
            Kind::Opaque(_) => "an unsupported construct",
        }
    }

    /// The dict inside, or an error naming `key` and what was found.
    pub fn dict(&self, key: &str) -> Result<&Dict, ConfigError> {
        match &self.kind {
            Kind::Dict(dict) => Ok(dict),
            _ => Err(self.unexpected(key, "a dict")),
        }
    }

    /// The items of a list or tuple.
    pub fn items(&self, key: &str) -> Result<&[Value], ConfigError> {
        match &self.kind {
            Kind::List(items) | Kind::Tuple(items) => Ok(items),
            _ => Err(self.unexpected(key, "a list")),
        }
    }

    pub fn str(&self, key: &str) -> Result<&str, ConfigError> {
        match &self.kind {
            Kind::Str(text) => Ok(text),
            _ => Err(self.unexpected(key, "a string")),
        }
    }

    pub fn bool(&self, key: &str) -> Result<bool, ConfigError> {
        match &self.kind {
            Kind::Bool(on) => Ok(*on),
            _ => Err(self.unexpected(key, "True or False")),
        }
    }

    /// An int or a float, as f64 (ints as Python's `float(n)` converts them).
    pub fn number(&self, key: &str) -> Result<f64, ConfigError> {
        match &self.kind {
            Kind::Int(n) => Ok(*n as f64),
            Kind::Float(x) => Ok(*x),
            _ => Err(self.unexpected(key, "a number")),
        }
    }

    /// A whole number `>= 0`.
    pub fn count(&self, key: &str) -> Result<u64, ConfigError> {
        match &self.kind {
            Kind::Int(n) => u64::try_from(*n).map_err(|_| {
                self.at
                    .error(key, format!("must be a whole number >= 0, got {n}"))
            }),
            _ => Err(self.unexpected(key, "a whole number")),
        }
    }

    /// The error for a value of the wrong type; an opaque value says what it is instead.
    pub fn unexpected(&self, key: &str, expected: &str) -> ConfigError {
        match &self.kind {
            Kind::Opaque(what) => self.at.error(
                key,
                format!(
                    "{what} is outside the Python subset lrsched reads (configs are read, \
                     never run)"
                ),
            ),
            _ => self.at.error(
                key,
                format!("expected {expected}, found {}", self.type_name()),
            ),
        }
    }
}

/// Reads a config's text as a module of names bound to values, in the order they were last
/// assigned. `path` names the file in values and messages.
pub fn read(path: &Path, text: &str, host: &mut dyn Host) -> Result<Dict, ConfigError> {
    read_module(Rc::from(path), text, host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(text: &str) -> Result<Dict, String> {
        read(Path::new("c.py"), text, &mut Plain).map_err(|e| e.to_string())
    }

    fn kind(text: &str, name: &str) -> Kind {
        module(text).unwrap()[name].kind.clone()
    }

    #[test]
    fn names_dicts_and_arithmetic() {
        let text = "# schedule\nmax_epochs = 12\nlr = 0.02 * 2\n\
                    train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)\n\
                    s = {'end': max_epochs, 'steps': [8, 11], 'pair': (1,), 'n': -2 ** 2}\n\
                    half = max_epochs // 5 + 1 / 4\nroot = 'data/'\nann = root + 'a.json'\n";
        let names = module(text).unwrap();
        assert_eq!(names["lr"].kind, Kind::Float(0.04));
        assert_eq!(names["lr"].at.line, 3);
        let cfg = names["train_cfg"].dict("train_cfg").unwrap();
        assert_eq!(cfg["max_epochs"].kind, Kind::Int(12));
        assert_eq!(cfg["max_epochs"].at.line, 2);
        let s = names["s"].dict("s").unwrap();
        assert_eq!(s["n"].kind, Kind::Int(-4));
        assert_eq!(s["pair"].items("pair").unwrap().len(), 1);
        assert_eq!(s["steps"].items("steps").unwrap()[1].kind, Kind::Int(11));
        assert_eq!(names["half"].kind, Kind::Float(2.25));
        assert_eq!(names["ann"].kind, Kind::Str("data/a.json".into()));
    }

    #[test]
    fn spreads_attributes_and_augmented_assignments() {
        let text = "norm = dict(mean=[1], std=[2])\nd = dict(type='N', **norm)\n\
                    train = dict(max_iter=100)\ntrain.max_iter *= 2\ntrain['extra'] = 'x'\n\
                    w = 250 / train.max_iter\na = b = 3\n";
        let names = module(text).unwrap();
        assert!(names["d"].dict("d").unwrap().contains_key("std"));
        let train = names["train"].dict("train").unwrap();
        assert_eq!(train["max_iter"].kind, Kind::Int(200));
        assert_eq!(train["extra"].kind, Kind::Str("x".into()));
        assert_eq!(names["w"].kind, Kind::Float(1.25));
        assert_eq!(
            (names["a"].kind.clone(), names["b"].kind.clone()),
            (Kind::Int(3), Kind::Int(3))
        );
    }

    #[test]
    fn constructs_outside_the_subset_are_opaque_where_they_are() {
        let text = "model = dict(\n  layers=[i for i in (1, 2) if i],\n  depth=50)\n\
                    x = 1 if True else 2\nf = lambda a: a\nm = foo(1)\nimport torch\n\
                    opt = torch.optim.SGD\nc = x == 1\n";
        let names = module(text).unwrap();
        let model = names["model"].dict("model").unwrap();
        assert_eq!(model["depth"].kind, Kind::Int(50));
        let error = model["layers"]
            .count("model.layers")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "c.py:2: model.layers: a comprehension with 'if' is outside the Python subset lrsched reads \
             (configs are read, never run)"
        );
        assert_eq!(
            names["x"].kind,
            Kind::Opaque("an expression with 'if'".into())
        );
        assert_eq!(
            names["c"].kind,
            Kind::Opaque("an expression with '=='".into())
        );
        assert!(matches!(&names["f"].kind, Kind::Opaque(_)));
        assert_eq!(
            names["m"].kind,
            Kind::Opaque("the name 'foo', not defined in this file".into())
        );
        assert_eq!(
            names["opt"].kind,
            Kind::Opaque("the module 'torch' (imports are not followed)".into())
        );
    }

    #[test]
    fn list_comprehensions_read_each_item() {
        let text = "m = 3\nsteps = dict(at=[8, 11])\n\
                    steps.at = [\n    m * 2 for m in steps.at\n]\n\
                    halves = [m // 2 + 1 for m in (4, 10)]\nnone = [x for x in []]\n\
                    grid = [[a * b for a in [1, 2]] for b in [10, 20]]\n";
        let names = module(text).unwrap();
        let ints = |v: &Value| -> Vec<Kind> {
            v.items("v")
                .unwrap()
                .iter()
                .map(|i| i.kind.clone())
                .collect()
        };
        let at = &names["steps"].dict("steps").unwrap()["at"];
        assert_eq!(ints(at), vec![Kind::Int(16), Kind::Int(22)]);
        assert_eq!(at.at.line, 3);
        // The loop name is the comprehension's own: the module's m is still 3.
        assert_eq!(names["m"].kind, Kind::Int(3));
        assert_eq!(ints(&names["halves"]), vec![Kind::Int(3), Kind::Int(6)]);
        assert_eq!(ints(&names["none"]), vec![]);
        let grid = names["grid"].items("grid").unwrap();
        assert_eq!(ints(&grid[1]), vec![Kind::Int(20), Kind::Int(40)]);
        assert!(!names.contains_key("x") && !names.contains_key("a"));
        let opaque = |text: &str| kind(text, "s");
        assert_eq!(
            opaque("s = [x for x in range(3)]\n"),
            Kind::Opaque("the name 'range', not defined in this file".into())
        );
        assert_eq!(
            opaque("s = [x for x in [1] for y in [2]]\n"),
            Kind::Opaque("a comprehension with more than one 'for'".into())
        );
        assert_eq!(
            opaque("s = [x for x, y in [(1, 2)]]\n"),
            Kind::Opaque("a comprehension over more than one name".into())
        );
        assert_eq!(
            opaque("s = [x for x in 'ab']\n"),
            Kind::Opaque("a comprehension over a string".into())
        );
        assert_eq!(
            opaque("s = [x for x in 5, 6]\n"),
            Kind::Opaque("an expression with ','".into())
        );
        assert_eq!(
            module("s = [1 / x for x in [1, 0]]\n").unwrap_err(),
            "c.py:1: /: 1 / 0 divides by zero"
        );
        assert_eq!(
            module("s = [x x for x in [1]]\n").unwrap_err(),
            "c.py:1: syntax: expected 'for', found 'x'"
        );
    }

    #[test]
    fn comprehensions_are_bounded() {
        // Each read of the element charges its tokens (here adjacent strings, which build
        // nothing): 2048 reads of 600 tokens pass the budget, of 300 do not.
        let strings = |tokens: usize| {
            "a = [0]\n".to_string()
                + &"a = a + a\n".repeat(11)
                + &format!("b = [{} for x in a]\n", "'' ".repeat(tokens))
        };
        assert_eq!(
            module(&strings(600)).unwrap_err(),
            "c.py:13: size: the config builds more than 1048576 values; lrsched stops reading"
        );
        assert!(module(&strings(300)).is_ok());
    }

    #[test]
    fn statements_outside_the_subset_are_errors_at_their_line() {
        assert_eq!(
            module("a = 1\ndef f():\n    return 1\n").unwrap_err(),
            "c.py:2: def: a 'def' statement is outside the Python subset lrsched reads (configs \
             are read, never run): only assignments and imports"
        );
        assert_eq!(
            module("a = 1\nprint(a)\n").unwrap_err(),
            "c.py:2: print: a 'print' statement is outside the Python subset lrsched reads"
        );
        assert_eq!(
            module("a = 1\n\nb = (1,\n").unwrap_err(),
            "c.py:4: syntax: a bracket is never closed"
        );
        assert_eq!(
            module("a = 1 +\n").unwrap_err(),
            "c.py:1: syntax: expected a value, found the end of the line"
        );
        assert_eq!(
            module("a = 1 / 0\n").unwrap_err(),
            "c.py:1: /: 1 / 0 divides by zero"
        );
        assert_eq!(
            module("x.y = 1\n").unwrap_err(),
            "c.py:1: x.y: 'x' is not defined before this line"
        );
        assert!(
            module("with read_base():\n    from .a import *\n")
                .unwrap_err()
                .starts_with("c.py:1: with read_base(): mmengine's pure-Python config style")
        );
    }

    #[test]
    fn reading_is_bounded() {
        let deep = format!("a = {}1{}\n", "[".repeat(200), "]".repeat(200));
        assert_eq!(
            module(&deep).unwrap_err(),
            "c.py:1: nesting: brackets and operators nest deeper than 64 levels"
        );
        let unary = format!("a = {}1\n", "-".repeat(500));
        assert!(module(&unary).unwrap_err().contains("nest deeper than 64"));
        let doubling = "a = [0]\n".to_string() + &"a = [a, a]\n".repeat(40);
        assert_eq!(
            module(&doubling).unwrap_err(),
            "c.py:18: size: the config builds more than 1048576 values; lrsched stops reading"
        );
        let repeated = "s = 'x'\n".to_string() + &"t = [s, s, s]\n".repeat(3);
        assert!(module(&repeated).is_ok());
    }

    #[test]
    fn strings_join_and_docstrings_pass() {
        assert_eq!(
            kind("\"\"\"A config.\"\"\"\npass\nname = ('a'\n  'b')\n", "name"),
            Kind::Str("ab".into())
        );
    }
}

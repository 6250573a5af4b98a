//! OpenMMLab's Python configs (mmengine for mmdetection 3.x, mmcv 1.x for 2.x), read as their
//! `Config.fromfile` reads them: the `_base_` files (a path or a list, relative to the file)
//! are read first and merged in order, a key in two of them being an error ("Duplicate key is
//! not allowed among bases"); then the file is read, with `_base_.x` and `{{_base_.x}}`
//! standing for the bases' values, and its names merged on top: a dict into the inherited dict
//! key by key, recursively, unless it says `_delete_=True`; anything else replaces.

use std::path::{Path, PathBuf};

use super::bounded::{MAX_INHERITANCE, read_text};
use super::python::{self, Dict, Host, Kind, Loc, Value};
use crate::config::error::ConfigError;

/// The key a dict sets to replace the inherited dict instead of merging into it.
pub const DELETE: &str = "_delete_";

/// A config and its bases, merged, with each value's file and line.
pub fn load(path: &Path, text: &str) -> Result<Dict, ConfigError> {
    load_chain(path, text, &mut vec![identity(path)])
}

fn load_chain(path: &Path, text: &str, chain: &mut Vec<PathBuf>) -> Result<Dict, ConfigError> {
    let mut merged = Dict::new();
    for (target, at) in bases(path, text)? {
        let target = locate(path, &target).map_err(|problem| at.error("_base_", problem))?;
        let id = identity(&target);
        if let Some(start) = chain.iter().position(|seen| *seen == id) {
            let cycle: Vec<String> = chain[start..]
                .iter()
                .chain([&id])
                .map(|p| p.display().to_string())
                .collect();
            return Err(at.error(
                "_base_",
                format!("inheritance cycle: {}", cycle.join(" -> ")),
            ));
        }
        if chain.len() >= MAX_INHERITANCE {
            return Err(at.error(
                "_base_",
                format!(
                    "more than {MAX_INHERITANCE} files of inheritance from {}",
                    chain[0].display()
                ),
            ));
        }
        let base_text = read_text(&target).map_err(|e| match e {
            ConfigError::Read { path, problem } => at.error(
                "_base_",
                format!("cannot read {}: {problem}", path.display()),
            ),
            other => other,
        })?;
        chain.push(id);
        let base = load_chain(&target, &base_text, chain)?;
        chain.pop();
        let mut twice: Vec<&String> = base.keys().filter(|k| merged.contains_key(*k)).collect();
        if let Some(first) = twice.first() {
            let first = (*first).clone();
            twice.truncate(5);
            let names: Vec<&str> = twice.iter().map(|k| k.as_str()).collect();
            return Err(at.error(
                "_base_",
                format!(
                    "'{first}' is set by two base files ({}); mmengine and mmcv refuse this: \
                     Duplicate key is not allowed among bases",
                    names.join(", ")
                ),
            ));
        }
        merged.extend(base);
    }
    let mut host = Bases { merged: &merged };
    let own = python::read(path, text, &mut host)?;
    let mut merged = merged.clone();
    for (name, value) in own {
        if name == "_base_" || name.starts_with("__") {
            continue;
        }
        merge_key(&mut merged, name, value)?;
    }
    Ok(merged)
}

/// mmengine's `Config._merge_a_into_b` for one key of the child.
fn merge_key(base: &mut Dict, key: String, value: Value) -> Result<(), ConfigError> {
    let Kind::Dict(mut child) = value.kind else {
        base.insert(key, value);
        return Ok(());
    };
    let deletes = matches!(
        child.get(DELETE),
        Some(Value {
            kind: Kind::Bool(true),
            ..
        })
    );
    match base.get_mut(&key) {
        Some(inherited) if !deletes => {
            child.remove(DELETE);
            let Kind::Dict(into) = &mut inherited.kind else {
                return Err(value.at.error(
                    &key,
                    format!(
                        "is a dict here but {} in the base config; set _delete_=True to \
                         replace it (mmengine: cannot inherit from base)",
                        inherited.type_name()
                    ),
                ));
            };
            for (k, v) in child {
                merge_key(into, k, v)?;
            }
        }
        _ => {
            child.remove(DELETE);
            base.insert(key, Value::new(Kind::Dict(child), value.at));
        }
    }
    Ok(())
}

/// The `_base_` files a config names, as written, with where.
fn bases(path: &Path, text: &str) -> Result<Vec<(String, Loc)>, ConfigError> {
    let names = python::read(path, text, &mut Scan)?;
    let Some(value) = names.get("_base_") else {
        return Ok(Vec::new());
    };
    let items = match &value.kind {
        Kind::Str(_) => std::slice::from_ref(value),
        _ => value.items("_base_")?,
    };
    items
        .iter()
        .map(|item| Ok((item.str("_base_")?.to_string(), item.at.clone())))
        .collect()
}

fn locate(from: &Path, target: &str) -> Result<PathBuf, String> {
    if let Some((package, _)) = target.split_once("::") {
        return Err(format!(
            "'{target}' is a base from the installed package '{package}'; lrsched reads files \
             by path only"
        ));
    }
    if !target.ends_with(".py") {
        return Err(format!(
            "'{target}' is not a Python config; lrsched follows .py bases of .py configs"
        ));
    }
    Ok(from.parent().unwrap_or(Path::new("")).join(target))
}

fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The host while only the `_base_` list is wanted: base references stand for themselves.
struct Scan;

impl Host for Scan {
    fn import(&mut self, module: &str, name: &str, at: &Loc) -> Result<Value, ConfigError> {
        python::Plain.import(module, name, at)
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
        let at = Loc {
            file: Path::new("").into(),
            line: 0,
        };
        Some(Value::new(Kind::Opaque("a base reference".into()), at))
    }
}

/// The host of the second reading: `_base_.a.b` is the merged bases' value.
struct Bases<'a> {
    merged: &'a Dict,
}

impl Host for Bases<'_> {
    fn import(&mut self, module: &str, name: &str, at: &Loc) -> Result<Value, ConfigError> {
        python::Plain.import(module, name, at)
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

    fn base_var(&self, path: &[String]) -> Option<Value> {
        let (first, rest) = path.split_first()?;
        let mut value = self.merged.get(first)?;
        for key in rest {
            value = match &value.kind {
                Kind::Dict(dict) => dict.get(key)?,
                _ => return None,
            };
        }
        Some(value.clone())
    }
}

/// Which generation a config is, from the names it (or, if it sets none, a base) assigns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generation {
    /// mmengine: `param_scheduler`, `train_cfg`, `optim_wrapper`, `train_dataloader`.
    Mmengine,
    /// mmcv 1.x: `lr_config`, `runner`, `optimizer_config`, `data`.
    Mmcv1,
}

const MMENGINE_NAMES: [&str; 5] = [
    "param_scheduler",
    "optim_wrapper",
    "train_cfg",
    "train_dataloader",
    "default_scope",
];
const MMCV1_NAMES: [&str; 5] = [
    "lr_config",
    "runner",
    "optimizer_config",
    "data",
    "checkpoint_config",
];

/// The generation of a `.py` config with `_base_` or OpenMMLab's top-level names; `None` if
/// neither it nor its bases say.
pub fn generation(path: &Path, text: &str) -> Option<Generation> {
    generation_within(path, text, MAX_INHERITANCE)
}

fn generation_within(path: &Path, text: &str, levels: usize) -> Option<Generation> {
    let assigned = |names: &[&str]| {
        text.lines().any(|line| {
            names.iter().any(|name| {
                line.strip_prefix(name).is_some_and(|rest| {
                    rest.trim_start().starts_with('=') && !rest.trim_start().starts_with("==")
                })
            })
        })
    };
    if assigned(&MMENGINE_NAMES) {
        return Some(Generation::Mmengine);
    }
    if assigned(&MMCV1_NAMES) {
        return Some(Generation::Mmcv1);
    }
    if levels == 0 || !assigned(&["_base_"]) {
        return None;
    }
    let found = bases(path, text).ok()?;
    found.iter().find_map(|(target, _)| {
        let target = locate(path, target).ok()?;
        let base_text = read_text(&target).ok()?;
        generation_within(&target, &base_text, levels - 1)
    })
}

/// A dict's key, or `None`; `_delete_` is not a setting.
pub fn get<'a>(dict: &'a Dict, key: &str) -> Option<&'a Value> {
    dict.get(key).filter(|_| key != DELETE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn read(path: &Path) -> Result<Dict, String> {
        load(path, &std::fs::read_to_string(path).unwrap()).map_err(|e| e.to_string())
    }

    #[test]
    fn bases_merge_in_order_then_the_file_on_top() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "_base_/s.py",
            "opt = dict(type='SGD', lr=0.02, momentum=0.9)\nsteps = [8, 11]\nsched = dict(a=1)\n",
        );
        write(dir.path(), "_base_/r.py", "epochs = 12\n");
        let cfg = write(
            dir.path(),
            "cfg/x.py",
            "_base_ = ['../_base_/s.py', '../_base_/r.py']\nopt = dict(lr=0.01)\n\
             steps = [16]\nsched = dict(_delete_=True, b=2)\nend = _base_.epochs * 2\n\
             lr2 = {{_base_.opt.lr}}\n",
        );
        let merged = read(&cfg).unwrap();
        let opt = merged["opt"].dict("opt").unwrap();
        assert_eq!(opt["lr"].kind, Kind::Float(0.01));
        assert_eq!(opt["lr"].at.line, 2);
        assert_eq!(opt["momentum"].kind, Kind::Float(0.9));
        assert!(opt["momentum"].at.file.ends_with("_base_/s.py"));
        assert_eq!(merged["steps"].items("steps").unwrap().len(), 1);
        let sched = merged["sched"].dict("sched").unwrap();
        assert_eq!(sched.keys().collect::<Vec<_>>(), ["b"]);
        assert_eq!(merged["end"].kind, Kind::Int(24));
        assert_eq!(merged["lr2"].kind, Kind::Float(0.02));
        assert!(!merged.contains_key("_base_"));
    }

    #[test]
    fn inheritance_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.py", "x = 1\n");
        write(dir.path(), "b.py", "x = 2\n");
        let both = write(dir.path(), "both.py", "_base_ = ['a.py',\n 'b.py']\n");
        assert_eq!(
            read(&both).unwrap_err(),
            format!(
                "{}:2: _base_: 'x' is set by two base files (x); mmengine and mmcv refuse this: \
                 Duplicate key is not allowed among bases",
                both.display()
            )
        );
        let missing = write(dir.path(), "m.py", "_base_ = './gone.py'\n");
        assert_eq!(
            read(&missing).unwrap_err(),
            format!(
                "{}:1: _base_: cannot read {}: no such file",
                missing.display(),
                dir.path().join("./gone.py").display()
            )
        );
        let package = write(dir.path(), "p.py", "_base_ = 'mmdet::x.py'\n");
        assert!(read(&package).unwrap_err().ends_with(
            "'mmdet::x.py' is a base from the installed package 'mmdet'; lrsched reads files \
             by path only"
        ));
        write(dir.path(), "c1.py", "_base_ = 'c2.py'\n");
        let c2 = write(dir.path(), "c2.py", "_base_ = 'c1.py'\n");
        assert!(
            read(&c2)
                .unwrap_err()
                .contains(": _base_: inheritance cycle: ")
        );
        let typed = write(dir.path(), "t.py", "_base_ = 'a.py'\nx = dict(y=1)\n");
        assert_eq!(
            read(&typed).unwrap_err(),
            format!(
                "{}:2: x: is a dict here but an integer in the base config; set _delete_=True \
                 to replace it (mmengine: cannot inherit from base)",
                typed.display()
            )
        );
    }

    #[test]
    fn generation_follows_the_bases() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "new.py", "param_scheduler = []\n");
        write(dir.path(), "old.py", "lr_config = dict(policy='step')\n");
        let child = write(
            dir.path(),
            "c.py",
            "_base_ = ['./new.py']\nmodel = dict()\n",
        );
        let text = std::fs::read_to_string(&child).unwrap();
        assert_eq!(generation(&child, &text), Some(Generation::Mmengine));
        let child = write(dir.path(), "d.py", "_base_ = 'old.py'\n");
        assert_eq!(
            generation(&child, "_base_ = 'old.py'\n"),
            Some(Generation::Mmcv1)
        );
        assert_eq!(generation(Path::new("e.py"), "x = 1\n"), None);
    }
}

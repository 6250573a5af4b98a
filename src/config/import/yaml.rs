//! YAML as the Python frameworks read it (PyYAML, YAML 1.1): a tree that keeps each node's
//! file, line and tag, built from saphyr-parser's events, within [`MAX_DEPTH`] levels and
//! [`MAX_NODES`] nodes (aliases included, so that an alias bomb stops too).
//!
//! Scalars stay text until a format asks for them: [`Node::scalar`] resolves a plain scalar
//! as PyYAML's implicit resolvers do (`1e-3` without a dot is a string there, `yes` a bool).

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::config::error::{ConfigError, Origin};

/// The deepest nesting of sequences and mappings lrsched reads.
pub const MAX_DEPTH: usize = 128;

/// The most nodes one file may make, aliases expanded.
pub const MAX_NODES: usize = 1_000_000;

#[derive(Clone, Debug)]
pub struct Node {
    pub path: Rc<Path>,
    pub line: usize,
    /// `!PiecewiseDecay` as `PiecewiseDecay`; `!!str` as `tag:yaml.org,2002:str`.
    pub tag: Option<String>,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub enum Kind {
    /// The text, and whether it was written plain (unquoted: PyYAML resolves its type).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Entries in file order; a repeated key is kept twice and the last one wins.
    Map(Vec<Entry>),
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub key: String,
    pub line: usize,
    pub value: Node,
}

/// A scalar's value as PyYAML's safe loader types it.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
}

impl Node {
    /// The value of key `key` of a mapping (the last, if repeated).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().rev().find(|entry| entry.key == key),
            _ => None,
        }
    }

    /// Where this node is, for messages, under the framework's name for it.
    pub fn origin(&self, key: &str) -> Origin {
        Origin::File {
            path: self.path.to_path_buf(),
            line: self.line,
            key: key.to_string(),
        }
    }

    /// The scalar's value by PyYAML's rules; `None` for a sequence or a mapping.
    pub fn scalar(&self) -> Option<Scalar> {
        let Kind::Scalar { text, plain } = &self.kind else {
            return None;
        };
        let tag = self.tag.as_deref().unwrap_or("");
        Some(match tag {
            "tag:yaml.org,2002:str" => Scalar::Str(text.clone()),
            "tag:yaml.org,2002:int" => int(text).map_or(Scalar::Str(text.clone()), Scalar::Int),
            "tag:yaml.org,2002:float" => {
                float(text).map_or(Scalar::Str(text.clone()), Scalar::Float)
            }
            _ if !plain => Scalar::Str(text.clone()),
            _ => resolve_plain(text),
        })
    }

    /// What kind of value this is, for messages: "a mapping", "a list", "a string".
    pub fn type_name(&self) -> &'static str {
        match (&self.kind, self.scalar()) {
            (Kind::Seq(_), _) => "a list",
            (Kind::Map(_), _) => "a mapping",
            (_, Some(Scalar::Null)) => "null",
            (_, Some(Scalar::Bool(_))) => "a boolean",
            (_, Some(Scalar::Int(_))) => "an integer",
            (_, Some(Scalar::Float(_))) => "a float",
            _ => "a string",
        }
    }
}

/// PyYAML's implicit resolvers (YAML 1.1): null, bool, int, float, else a string.
fn resolve_plain(text: &str) -> Scalar {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Scalar::Bool(true);
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Scalar::Bool(false);
        }
        _ => {}
    }
    if let Some(value) = int(text) {
        return Scalar::Int(value);
    }
    if float_form(text)
        && let Some(value) = float(text)
    {
        return Scalar::Float(value);
    }
    Scalar::Str(text.to_string())
}

/// A YAML 1.1 int: decimal, `0b`, `0x`, octal `0…`, `_` allowed; sexagesimal `1:30`.
fn int(text: &str) -> Option<i128> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let clean = digits.replace('_', "");
    if clean.is_empty() || digits.starts_with('_') {
        return None;
    }
    let magnitude = if let Some(bits) = clean.strip_prefix("0b") {
        i128::from_str_radix(bits, 2).ok()?
    } else if let Some(hex) = clean.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if clean.contains(':') {
        let mut parts = clean.split(':');
        let first = parts.next()?;
        if first.starts_with('0') || !first.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut value: i128 = first.parse().ok()?;
        for part in parts {
            let sixty: i128 = match part.len() {
                1 | 2 if part.bytes().all(|b| b.is_ascii_digit()) => part.parse().ok()?,
                _ => return None,
            };
            if sixty > 59 {
                return None;
            }
            value = value.checked_mul(60)?.checked_add(sixty)?;
        }
        value
    } else if clean.len() > 1 && clean.starts_with('0') {
        i128::from_str_radix(&clean[1..], 8).ok()?
    } else if clean.bytes().all(|b| b.is_ascii_digit()) {
        clean.parse().ok()?
    } else {
        return None;
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// Whether a plain scalar has the form of PyYAML's float: digits with a dot, an exponent only
/// with its sign (`1.0e-3`; `1e-3` is a string), `.inf`, `.nan`.
fn float_form(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let Some((whole, fraction)) = mantissa.split_once('.') else {
        return false;
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let whole_ok = if whole.is_empty() {
        // `.5` is a float, `-.5` is not (PyYAML's regex).
        body.len() == text.len() && fraction.starts_with(|c: char| c.is_ascii_digit())
    } else {
        whole.starts_with(|c: char| c.is_ascii_digit()) && digits(whole)
    };
    let exponent_ok = exponent.is_none_or(|e| {
        e.len() > 1 && e.starts_with(['-', '+']) && e[1..].bytes().all(|b| b.is_ascii_digit())
    });
    whole_ok && digits(fraction) && exponent_ok
}

/// A float's value as Python's `float()` computes it (correctly rounded).
fn float(text: &str) -> Option<f64> {
    let clean = text.replace('_', "");
    let body = clean.strip_prefix(['-', '+']).unwrap_or(&clean);
    let negative = clean.starts_with('-');
    let value = match body.to_ascii_lowercase().as_str() {
        ".inf" => f64::INFINITY,
        ".nan" => f64::NAN,
        _ => body.parse::<f64>().ok()?,
    };
    Some(if negative { -value } else { value })
}

/// Parses one YAML document of `text`, read from `path`; an empty file is an empty mapping.
pub fn parse(path: &Path, text: &str) -> Result<Node, ConfigError> {
    let path: Rc<Path> = Rc::from(path);
    let syntax = |line: usize, column: usize, message: String| ConfigError::Syntax {
        path: path.to_path_buf(),
        line,
        column,
        language: "YAML",
        message,
        source_line: text
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .to_string(),
    };
    let mut builder = Builder {
        path: path.clone(),
        open: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
    };
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let marker = e.marker();
            syntax(marker.line(), marker.col() + 1, e.info().to_string())
        })?;
        let line = span.start.line();
        let result = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(syntax(
                        line,
                        1,
                        "a second document: a config is one YAML document".into(),
                    ));
                }
                Ok(())
            }
            Event::Scalar(value, style, anchor, tag) => builder.close(
                Node {
                    path: path.clone(),
                    line,
                    tag: tag.map(|t| tag_name(&t.handle, &t.suffix)),
                    kind: Kind::Scalar {
                        text: value.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                },
                anchor,
            ),
            Event::SequenceStart(anchor, tag) => builder.open(
                line,
                anchor,
                tag.map(|t| tag_name(&t.handle, &t.suffix)),
                false,
            ),
            Event::MappingStart(anchor, tag) => builder.open(
                line,
                anchor,
                tag.map(|t| tag_name(&t.handle, &t.suffix)),
                true,
            ),
            Event::SequenceEnd | Event::MappingEnd => builder.end(),
            Event::Alias(id) => builder.alias(id),
            _ => Ok(()),
        };
        result.map_err(|problem| {
            ConfigError::invalid(
                Origin::File {
                    path: path.to_path_buf(),
                    line,
                    key: "YAML".into(),
                },
                problem,
            )
        })?;
    }
    Ok(builder.root.unwrap_or(Node {
        path,
        line: 1,
        tag: None,
        kind: Kind::Map(Vec::new()),
    }))
}

/// `!Name` as `Name`; a `!!` (or verbatim) tag as its full name.
fn tag_name(handle: &str, suffix: &str) -> String {
    match handle {
        "!" => suffix.to_string(),
        "!!" => format!("tag:yaml.org,2002:{suffix}"),
        _ => format!("{handle}{suffix}"),
    }
}

/// A sequence or mapping being read.
struct Open {
    node: Node,
    anchor: usize,
    /// A mapping's key, read, waiting for its value.
    key: Option<(String, usize)>,
    /// `<<` merge keys' mappings, in the order they take precedence.
    merges: Vec<Vec<Entry>>,
}

struct Builder {
    path: Rc<Path>,
    open: Vec<Open>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    root: Option<Node>,
}

impl Builder {
    fn count(&mut self, nodes: usize) -> Result<(), String> {
        self.nodes += nodes;
        if self.nodes > MAX_NODES {
            return Err(format!(
                "more than {MAX_NODES} YAML nodes (aliases expanded), the most lrsched reads"
            ));
        }
        Ok(())
    }

    fn open(
        &mut self,
        line: usize,
        anchor: usize,
        tag: Option<String>,
        map: bool,
    ) -> Result<(), String> {
        if self.open.len() >= MAX_DEPTH {
            return Err(format!(
                "nested more than {MAX_DEPTH} levels deep, the most lrsched reads"
            ));
        }
        self.count(1)?;
        let kind = if map {
            Kind::Map(Vec::new())
        } else {
            Kind::Seq(Vec::new())
        };
        self.open.push(Open {
            node: Node {
                path: self.path.clone(),
                line,
                tag,
                kind,
            },
            anchor,
            key: None,
            merges: Vec::new(),
        });
        Ok(())
    }

    fn end(&mut self) -> Result<(), String> {
        let Some(mut open) = self.open.pop() else {
            return Ok(());
        };
        // PyYAML's `flatten_mapping`: merged keys first, so that the mapping's own win.
        if let Kind::Map(entries) = &mut open.node.kind
            && !open.merges.is_empty()
        {
            let own = std::mem::take(entries);
            for merged in open.merges.into_iter().rev() {
                entries.extend(merged);
            }
            entries.extend(own);
        }
        self.close(open.node, open.anchor)
    }

    fn alias(&mut self, id: usize) -> Result<(), String> {
        let node = self
            .anchors
            .get(&id)
            .cloned()
            .ok_or("an alias to an anchor not defined before it")?;
        self.count(size(&node))?;
        self.close(node, 0)
    }

    /// A finished node: the root, an item of the sequence being read, or a key or value of
    /// its mapping.
    fn close(&mut self, node: Node, anchor: usize) -> Result<(), String> {
        if let Kind::Scalar { .. } = node.kind {
            self.count(1)?;
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        let Some(parent) = self.open.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match (&mut parent.node.kind, parent.key.take()) {
            (Kind::Seq(items), _) => items.push(node),
            (Kind::Map(_), None) => match &node.kind {
                Kind::Scalar { text, .. } => parent.key = Some((text.clone(), node.line)),
                _ => return Err("a mapping key that is not a plain value".into()),
            },
            (Kind::Map(entries), Some((key, line))) => {
                if key == "<<" {
                    match node.kind {
                        Kind::Map(merged) => parent.merges.push(merged),
                        Kind::Seq(items) => {
                            for item in items {
                                match item.kind {
                                    Kind::Map(merged) => parent.merges.push(merged),
                                    _ => return Err("a merge key '<<' of a non-mapping".into()),
                                }
                            }
                        }
                        Kind::Scalar { .. } => {
                            return Err("a merge key '<<' of a non-mapping".into());
                        }
                    }
                } else {
                    entries.push(Entry {
                        key,
                        line,
                        value: node,
                    });
                }
            }
            (Kind::Scalar { .. }, _) => {}
        }
        Ok(())
    }
}

/// The nodes of a tree, for the budget an alias spends.
fn size(node: &Node) -> usize {
    match &node.kind {
        Kind::Scalar { .. } => 1,
        Kind::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Kind::Map(entries) => 1 + entries.iter().map(|e| 1 + size(&e.value)).sum::<usize>(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Node {
        parse(Path::new("t.yaml"), text).unwrap()
    }

    fn error(text: &str) -> String {
        parse(Path::new("t.yaml"), text).unwrap_err().to_string()
    }

    #[test]
    fn scalars_resolve_as_pyyaml() {
        let value = |text: &str| {
            doc(&format!("k: {text}\n"))
                .get("k")
                .unwrap()
                .value
                .scalar()
        };
        assert_eq!(value("0.02"), Some(Scalar::Float(0.02)));
        assert_eq!(value("1.0e-3"), Some(Scalar::Float(0.001)));
        assert_eq!(value("1e-3"), Some(Scalar::Str("1e-3".into())));
        assert_eq!(value("1.0e3"), Some(Scalar::Str("1.0e3".into())));
        assert_eq!(value(".5"), Some(Scalar::Float(0.5)));
        assert_eq!(value("1_000"), Some(Scalar::Int(1000)));
        assert_eq!(value("010"), Some(Scalar::Int(8)));
        assert_eq!(value("0x10"), Some(Scalar::Int(16)));
        assert_eq!(value("1:30"), Some(Scalar::Int(90)));
        assert_eq!(value("-7"), Some(Scalar::Int(-7)));
        assert_eq!(value("yes"), Some(Scalar::Bool(true)));
        assert_eq!(value("Off"), Some(Scalar::Bool(false)));
        assert_eq!(value("~"), Some(Scalar::Null));
        assert_eq!(value(""), Some(Scalar::Null));
        assert_eq!(value("\"0.02\""), Some(Scalar::Str("0.02".into())));
        assert_eq!(value("!!float 1e-3"), Some(Scalar::Float(0.001)));
        assert_eq!(
            value("(60000, 80000)"),
            Some(Scalar::Str("(60000, 80000)".into()))
        );
    }

    #[test]
    fn nodes_keep_lines_and_tags() {
        let root = doc("a:\n  - !PiecewiseDecay\n    gamma: 0.1\n  - 3\nb: [1, 2]\n");
        let a = &root.get("a").unwrap().value;
        let Kind::Seq(items) = &a.kind else {
            panic!("a list")
        };
        assert_eq!(items[0].tag.as_deref(), Some("PiecewiseDecay"));
        assert_eq!(items[0].get("gamma").unwrap().line, 3);
        assert_eq!(root.get("b").unwrap().line, 5);
        assert_eq!(root.get("b").unwrap().value.type_name(), "a list");
    }

    #[test]
    fn anchors_merge_keys_and_repeats() {
        let root = doc("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nk: 1\nk: 2\n");
        let c = &root.get("c").unwrap().value;
        assert_eq!(c.get("x").unwrap().value.scalar(), Some(Scalar::Int(1)));
        assert_eq!(c.get("y").unwrap().value.scalar(), Some(Scalar::Int(3)));
        assert_eq!(root.get("k").unwrap().value.scalar(), Some(Scalar::Int(2)));
        assert!(matches!(doc("").kind, Kind::Map(ref entries) if entries.is_empty()));
    }

    #[test]
    fn bad_yaml_and_bombs_are_one_line() {
        assert!(
            error("a: [1, 2\nb: 3\n").starts_with("t.yaml:"),
            "{}",
            error("a: [1, 2\n")
        );
        assert_eq!(
            error("a: 1\n---\nb: 2\n"),
            "t.yaml:2:1: invalid YAML: a second document: a config is one YAML document\n  2 | ---"
        );
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(
            error(&deep),
            "t.yaml:1: YAML: nested more than 128 levels deep, the most lrsched reads"
        );
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 0..8 {
            let name = format!("l{level}");
            let prev = if level == 0 {
                "a".to_string()
            } else {
                format!("l{}", level - 1)
            };
            bomb.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(
            error(&bomb).ends_with(
                "more than 1000000 YAML nodes (aliases expanded), the most lrsched reads"
            )
        );
    }
}

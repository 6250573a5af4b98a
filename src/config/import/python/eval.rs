//! Reads statements and evaluates expressions in one pass: each assignment's value is computed
//! as it is read, from the names bound before it, as Python would run the module.

use std::path::Path;
use std::rc::Rc;

use super::lex::{self, Tok, Token};
mod comprehension;
mod expr;

use super::{Dict, Host, Kind, Loc, MAX_NODES, Value};
use crate::config::error::ConfigError;

/// Statements that open a block: outside the subset, since they can change any name.
const BLOCKS: [&str; 9] = [
    "def", "class", "if", "for", "while", "try", "with", "async", "match",
];
const OTHER_STATEMENTS: [&str; 9] = [
    "del", "assert", "global", "nonlocal", "raise", "return", "yield", "print", "exec",
];
/// Words that end an element: what follows them is outside the subset.
const CLAUSES: [&str; 7] = ["if", "else", "for", "or", "and", "in", "is"];

struct Reader<'a> {
    file: Rc<Path>,
    tokens: Vec<Token>,
    pos: usize,
    names: Dict,
    host: &'a mut dyn Host,
    depth: usize,
    /// Elements built or copied so far, against [`MAX_NODES`].
    nodes: usize,
}

pub fn read_module(file: Rc<Path>, text: &str, host: &mut dyn Host) -> Result<Dict, ConfigError> {
    let tokens = lex::tokens(text).map_err(|(line, problem)| {
        Loc {
            file: file.clone(),
            line,
        }
        .error("syntax", problem)
    })?;
    let mut reader = Reader {
        file,
        tokens,
        pos: 0,
        names: Dict::new(),
        host,
        depth: 0,
        nodes: 0,
    };
    while reader.peek() != &Tok::End {
        reader.statement()?;
    }
    Ok(reader.names)
}

impl Reader<'_> {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].tok
    }

    fn here(&self) -> Loc {
        lex::loc(&self.file, &self.tokens[self.pos])
    }

    fn next(&mut self) -> Token {
        let token = self.tokens[self.pos].clone();
        if token.tok != Tok::End {
            self.pos += 1;
        }
        token
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }

    fn eat(&mut self, op: &str) -> bool {
        let found = self.is_op(op);
        if found {
            self.pos += 1;
        }
        found
    }

    fn syntax(&self, problem: impl Into<String>) -> ConfigError {
        self.here().error("syntax", problem)
    }

    fn expect(&mut self, op: &str) -> Result<(), ConfigError> {
        if self.eat(op) {
            return Ok(());
        }
        Err(self.syntax(format!("expected '{op}', found {}", describe(self.peek()))))
    }

    fn end_statement(&mut self) -> Result<(), ConfigError> {
        if self.eat(";") || matches!(self.peek(), Tok::Newline) {
            if matches!(self.peek(), Tok::Newline) {
                self.pos += 1;
            }
            return Ok(());
        }
        if self.peek() == &Tok::End {
            return Ok(());
        }
        Err(self.syntax(format!(
            "expected the end of the statement, found {}",
            describe(self.peek())
        )))
    }

    /// Charges a copy of `value` against [`MAX_NODES`].
    fn count(&mut self, value: &Value) -> Result<(), ConfigError> {
        self.charge(value.size(), &value.at)
    }

    fn charge(&mut self, nodes: usize, at: &Loc) -> Result<(), ConfigError> {
        self.nodes += nodes;
        if self.nodes > MAX_NODES {
            return Err(at.error(
                "size",
                format!("the config builds more than {MAX_NODES} values; lrsched stops reading"),
            ));
        }
        Ok(())
    }

    fn statement(&mut self) -> Result<(), ConfigError> {
        let at = self.here();
        match self.peek().clone() {
            Tok::Name(word) if word == "import" || word == "from" => self.import(),
            Tok::Name(word) if word == "with" && self.read_base_follows() => Err(at.error(
                "with read_base()",
                "mmengine's pure-Python config style (with read_base(): from ... import *) is \
                 not supported; write _base_ = [...] instead",
            )),
            Tok::Name(word) if BLOCKS.contains(&word.as_str()) => Err(at.error(
                &word,
                format!(
                    "a '{word}' statement is outside the Python subset lrsched reads (configs \
                     are read, never run): only assignments and imports"
                ),
            )),
            Tok::Name(word) if OTHER_STATEMENTS.contains(&word.as_str()) => Err(at.error(
                &word,
                format!("a '{word}' statement is outside the Python subset lrsched reads"),
            )),
            Tok::Name(word) if word == "pass" => {
                self.pos += 1;
                self.end_statement()
            }
            // A docstring.
            Tok::Str(_) => {
                self.expression()?;
                self.end_statement()
            }
            Tok::Op("@") => Err(at.error("@", "a decorator is outside the Python subset")),
            Tok::Indent => {
                Err(at.error("syntax", "unexpected indentation (a block of statements)"))
            }
            Tok::Name(_) => self.assignment(),
            other => Err(self.syntax(format!(
                "a statement cannot start with {}",
                describe(&other)
            ))),
        }
    }

    fn read_base_follows(&self) -> bool {
        matches!(&self.tokens.get(self.pos + 1).map(|t| &t.tok), Some(Tok::Name(n)) if n == "read_base")
    }

    /// `import a.b [as c]`, `from .m import x [as y], ...`, `from m import (x, y)`.
    fn import(&mut self) -> Result<(), ConfigError> {
        let at = self.here();
        let Tok::Name(keyword) = self.next().tok else {
            unreachable!("called on import or from");
        };
        if keyword == "import" {
            loop {
                let module = self.dotted()?;
                let bound = if self.eat_word("as") {
                    self.name()?
                } else {
                    module.split('.').next().unwrap_or(&module).to_string()
                };
                let value = self.host.import(&module, "", &at)?;
                self.names.insert(bound, value);
                if !self.eat(",") {
                    break;
                }
            }
            return self.end_statement();
        }
        let mut module = String::new();
        while self.is_op(".") || self.is_op("...") {
            if let Tok::Op(dots) = self.next().tok {
                module.push_str(dots);
            }
        }
        if !self.is_word("import") {
            module.push_str(&self.dotted()?);
        }
        if !self.eat_word("import") {
            return Err(self.syntax("expected 'import'"));
        }
        if self.eat("*") {
            return Err(at.error(
                "import *",
                format!("'from {module} import *' binds names lrsched cannot list"),
            ));
        }
        let parenthesized = self.eat("(");
        loop {
            let name = self.name()?;
            let bound = if self.eat_word("as") {
                self.name()?
            } else {
                name.clone()
            };
            let value = self.host.import(&module, &name, &at)?;
            self.count(&value)?;
            self.names.insert(bound, value);
            if !self.eat(",") || (parenthesized && self.is_op(")")) {
                break;
            }
        }
        if parenthesized {
            self.expect(")")?;
        }
        self.end_statement()
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == word)
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.is_word(word);
        if found {
            self.pos += 1;
        }
        found
    }

    fn name(&mut self) -> Result<String, ConfigError> {
        match self.peek().clone() {
            Tok::Name(name) => {
                self.pos += 1;
                Ok(name)
            }
            other => Err(self.syntax(format!("expected a name, found {}", describe(&other)))),
        }
    }

    fn dotted(&mut self) -> Result<String, ConfigError> {
        let mut path = self.name()?;
        while self.eat(".") {
            path.push('.');
            path.push_str(&self.name()?);
        }
        Ok(path)
    }

    /// A target: `name`, `name.attr...` or `name["key"]...`, if one starts here and is
    /// followed by `=` or an augmented assignment; else the position is left as it was.
    fn target(&mut self) -> Result<Option<(Vec<String>, Loc)>, ConfigError> {
        let start = self.pos;
        let at = self.here();
        let Tok::Name(first) = self.peek().clone() else {
            return Ok(None);
        };
        self.pos += 1;
        let mut path = vec![first];
        loop {
            if self.eat(".") {
                path.push(self.name()?);
            } else if self.is_op("[") && matches!(self.tokens[self.pos + 1].tok, Tok::Str(_)) {
                self.pos += 1;
                if let Tok::Str(key) = self.next().tok {
                    path.push(key);
                }
                self.expect("]")?;
            } else {
                break;
            }
        }
        let assigns = matches!(self.peek(), Tok::Op(op) if *op == "=" || augmented(op).is_some());
        if !assigns {
            self.pos = start;
            return Ok(None);
        }
        Ok(Some((path, at)))
    }

    fn assignment(&mut self) -> Result<(), ConfigError> {
        let mut targets = Vec::new();
        let operator = loop {
            let Some(target) = self.target()? else {
                break None;
            };
            targets.push(target);
            let Tok::Op(op) = self.next().tok else {
                unreachable!("target() checked the operator");
            };
            if op != "=" {
                break augmented(op);
            }
        };
        if targets.is_empty() {
            let at = self.here();
            let what = describe(self.peek());
            return Err(at.error(
                "statement",
                format!("a statement that is not an assignment (starting with {what}) is outside the Python subset lrsched reads"),
            ));
        }
        let value = self.expression_list()?;
        self.end_statement()?;
        for (path, at) in targets {
            let value = match operator {
                Some(op) => {
                    let current = self.get(&path, &at)?;
                    self.count(&current)?;
                    self.binary(op, current, value.clone(), &at)?
                }
                None => value.clone(),
            };
            self.set(&path, value, &at)?;
        }
        Ok(())
    }

    fn get(&self, path: &[String], at: &Loc) -> Result<Value, ConfigError> {
        let mut value = self.names.get(&path[0]).ok_or_else(|| {
            at.error(
                &path.join("."),
                format!("'{}' is not defined before this line", path[0]),
            )
        })?;
        for key in &path[1..] {
            value = match &value.kind {
                Kind::Dict(dict) => dict.get(key).ok_or_else(|| {
                    at.error(&path.join("."), format!("there is no '{key}' to update"))
                })?,
                _ => return Ok(value.clone()),
            };
        }
        Ok(value.clone())
    }

    /// Binds `path` to the value: a name, or a key inside a dict bound before.
    fn set(&mut self, path: &[String], value: Value, at: &Loc) -> Result<(), ConfigError> {
        let key = path.join(".");
        let Some((last, parents)) = path.split_last() else {
            return Ok(());
        };
        if parents.is_empty() {
            self.names.insert(last.clone(), value);
            return Ok(());
        }
        let mut slot = self.names.get_mut(&parents[0]).ok_or_else(|| {
            at.error(
                &key,
                format!("'{}' is not defined before this line", parents[0]),
            )
        })?;
        for name in &parents[1..] {
            slot = match &mut slot.kind {
                Kind::Dict(dict) => dict.get_mut(name).ok_or_else(|| {
                    at.error(&key, format!("there is no '{name}' to set a key in"))
                })?,
                // Setting a key inside something lrsched does not read leaves it unread.
                Kind::Opaque(_) => return Ok(()),
                _ => return Err(at.error(&key, format!("'{name}' is not a dict"))),
            };
        }
        match &mut slot.kind {
            Kind::Dict(dict) => {
                dict.insert(last.clone(), value);
                Ok(())
            }
            Kind::Opaque(_) => Ok(()),
            _ => Err(at.error(&key, format!("{} has no keys to set", slot.type_name()))),
        }
    }
}

fn augmented(op: &str) -> Option<&'static str> {
    Some(match op {
        "+=" => "+",
        "-=" => "-",
        "*=" => "*",
        "/=" => "/",
        "//=" => "//",
        "%=" => "%",
        "**=" => "**",
        _ => return None,
    })
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Name(name) => format!("'{name}'"),
        Tok::Int(text) | Tok::Float(text) => format!("the number {text}"),
        Tok::Str(_) => "a string".into(),
        Tok::Unsupported(what) => what.to_string(),
        Tok::Op(op) => format!("'{op}'"),
        Tok::Newline => "the end of the line".into(),
        Tok::Indent => "an indented line".into(),
        Tok::End => "the end of the file".into(),
    }
}

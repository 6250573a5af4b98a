//! `[EXPR for NAME in ITERABLE]`: the one comprehension real configs write for a schedule
//! (detectron2's LSJ configs scale the milestones they import: `[m * 2 for m in milestones]`).
//! The element is read again for each item with NAME bound to it, as Python runs it; every
//! read charges its tokens against the value budget, so a comprehension costs what it builds
//! and re-reads, and nested ones stop at the same bound.

use super::Reader;
use crate::config::error::ConfigError;
use crate::config::import::python::lex::Tok;
use crate::config::import::python::{Kind, Loc, Value};

impl Reader<'_> {
    /// Where the element that starts here turns out to be a comprehension: the position of
    /// its `for`, if one comes before the element's `,` or closing bracket.
    pub(super) fn comprehension_for(&self) -> Option<usize> {
        let mut depth = 0usize;
        for (offset, token) in self.tokens[self.pos..].iter().enumerate() {
            match &token.tok {
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}" | ",") if depth == 0 => return None,
                Tok::Op(")" | "]" | "}") => depth -= 1,
                Tok::Name(word) if depth == 0 && word == "for" => return Some(self.pos + offset),
                Tok::End => return None,
                _ => {}
            }
        }
        None
    }

    /// The list `[EXPR for NAME in ITERABLE]`, read from EXPR (here) to past its `]`; `at` is
    /// the `[`. Another form (an `if`, a second `for`, a tuple of names) is opaque.
    pub(super) fn list_comprehension(
        &mut self,
        at: Loc,
        for_pos: usize,
    ) -> Result<Value, ConfigError> {
        let element = self.pos;
        self.pos = for_pos + 1;
        let name = match (
            self.peek().clone(),
            self.tokens.get(self.pos + 1).map(|t| &t.tok),
        ) {
            (Tok::Name(name), Some(Tok::Name(word))) if word == "in" => name,
            _ => return self.opaque_comprehension(at, "a comprehension over more than one name"),
        };
        self.pos += 2;
        let iterable = self.arithmetic()?;
        let construct = match self.peek() {
            Tok::Op("]") => None,
            Tok::Name(word) if word == "if" => Some("a comprehension with 'if'".to_string()),
            Tok::Name(word) if word == "for" => {
                Some("a comprehension with more than one 'for'".to_string())
            }
            Tok::Name(word) => Some(format!("an expression with '{word}'")),
            Tok::Op(op) => Some(format!("an expression with '{op}'")),
            _ => None,
        };
        if let Some(construct) = construct {
            return self.opaque_comprehension(at, &construct);
        }
        self.expect("]")?;
        let end = self.pos;
        let items = match iterable.kind {
            Kind::List(items) | Kind::Tuple(items) => items,
            Kind::Opaque(what) => return Ok(Value::new(Kind::Opaque(what), at)),
            _ => {
                let what = format!("a comprehension over {}", iterable.type_name());
                return Ok(Value::new(Kind::Opaque(what), at));
            }
        };
        let tokens = for_pos - element;
        let mut list = Vec::with_capacity(items.len());
        if items.is_empty() {
            // Python never reads the element; lrsched reads it once, for its syntax.
            let unbound = Value::new(
                Kind::Opaque(format!("'{name}' of an empty list")),
                at.clone(),
            );
            self.element((element, for_pos), &name, unbound, (tokens, &at))?;
        }
        for item in items {
            list.push(self.element((element, for_pos), &name, item, (tokens, &at))?);
        }
        self.pos = end;
        self.charge(1, &at)?;
        Ok(Value::new(Kind::List(list), at))
    }

    /// Reads the element from `start` to `end` with `name` bound to `item`, as the
    /// comprehension's own scope does (the name is unbound again afterwards), charging its
    /// `tokens` to the comprehension at `at`.
    fn element(
        &mut self,
        (start, end): (usize, usize),
        name: &str,
        item: Value,
        (tokens, at): (usize, &Loc),
    ) -> Result<Value, ConfigError> {
        self.charge(tokens, at)?;
        let outer = self.names.insert(name.to_string(), item);
        self.pos = start;
        let value = self.expression()?;
        if self.pos != end {
            return Err(self.syntax(format!(
                "expected 'for', found {}",
                super::describe(self.peek())
            )));
        }
        match outer {
            Some(outer) => self.names.insert(name.to_string(), outer),
            None => self.names.remove(name),
        };
        Ok(value)
    }

    fn opaque_comprehension(&mut self, at: Loc, construct: &str) -> Result<Value, ConfigError> {
        self.skip_rest("]")?;
        Ok(Value::new(Kind::Opaque(construct.to_string()), at))
    }
}

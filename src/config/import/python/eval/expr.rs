//! Expressions: arithmetic by Python's precedence, atoms, containers and calls; anything else
//! becomes an opaque value for the element it is in.

use super::{CLAUSES, Reader, describe};
use crate::config::error::ConfigError;
use crate::config::import::python::lex::Tok;
use crate::config::import::python::{Dict, Kind, Loc, MAX_DEPTH, Value, arith};

impl Reader<'_> {
    /// `a` or `a, b, ...` (a tuple without brackets).
    pub(super) fn expression_list(&mut self) -> Result<Value, ConfigError> {
        let at = self.here();
        let first = self.expression()?;
        if !self.is_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(",") {
            if matches!(self.peek(), Tok::Newline | Tok::End) || self.is_op(";") {
                break;
            }
            items.push(self.expression()?);
        }
        Ok(Value::new(Kind::Tuple(items), at))
    }

    /// One element: arithmetic, or, when it goes on into a clause outside the subset (a
    /// comparison, `x if c else y`, a lambda), an opaque value for the whole element.
    pub(super) fn expression(&mut self) -> Result<Value, ConfigError> {
        let at = self.here();
        if self.is_word("lambda") || self.is_word("not") || self.is_word("await") {
            return self.opaque_element(at, "a lambda or boolean expression");
        }
        let value = self.arithmetic()?;
        let construct = match self.peek() {
            Tok::Name(word) if word == "for" => return Ok(value),
            Tok::Name(word) if CLAUSES.contains(&word.as_str()) || word == "not" => {
                format!("an expression with '{word}'")
            }
            Tok::Op(
                op @ ("==" | "!=" | "<" | ">" | "<=" | ">=" | "|" | "&" | "^" | "<<" | ">>" | ":="),
            ) => {
                format!("an expression with '{op}'")
            }
            _ => return Ok(value),
        };
        self.opaque_element(at, &construct)
    }

    /// Skips the rest of the element (to the next `,` or closing bracket at this level, or
    /// the end of the statement) and stands for it as an opaque value.
    fn opaque_element(&mut self, at: Loc, construct: &str) -> Result<Value, ConfigError> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}") if depth == 0 => break,
                Tok::Op(")" | "]" | "}") => depth -= 1,
                Tok::Op(",") if depth == 0 => break,
                Tok::Newline | Tok::End => break,
                _ => {}
            }
            self.pos += 1;
        }
        Ok(Value::new(Kind::Opaque(construct.to_string()), at))
    }

    pub(super) fn arithmetic(&mut self) -> Result<Value, ConfigError> {
        let mut left = self.term()?;
        while let Tok::Op(op @ ("+" | "-")) = *self.peek() {
            let at = self.here();
            self.pos += 1;
            let right = self.term()?;
            left = self.binary(op, left, right, &at)?;
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Value, ConfigError> {
        let mut left = self.unary()?;
        while let Tok::Op(op @ ("*" | "/" | "//" | "%" | "@")) = *self.peek() {
            let at = self.here();
            self.pos += 1;
            let right = self.unary()?;
            left = self.binary(op, left, right, &at)?;
        }
        Ok(left)
    }

    fn deeper(&mut self) -> Result<(), ConfigError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.here().error(
                "nesting",
                format!("brackets and operators nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<Value, ConfigError> {
        let Tok::Op(op @ ("-" | "+" | "~")) = *self.peek() else {
            return self.power();
        };
        let at = self.here();
        self.pos += 1;
        self.deeper()?;
        let operand = self.unary()?;
        self.depth -= 1;
        let kind = match (op, operand.kind) {
            ("-", Kind::Int(n)) => {
                Kind::Int(n.checked_neg().ok_or_else(|| at.error("-", "past i128"))?)
            }
            ("-", Kind::Float(x)) => Kind::Float(-x),
            ("+", kind @ (Kind::Int(_) | Kind::Float(_))) => kind,
            (_, Kind::Opaque(what)) => Kind::Opaque(what),
            (op, other) => Kind::Opaque(format!(
                "'{op}' on {}",
                Value::new(other, at.clone()).type_name()
            )),
        };
        Ok(Value::new(kind, at))
    }

    fn power(&mut self) -> Result<Value, ConfigError> {
        let base = self.primary()?;
        if !self.is_op("**") {
            return Ok(base);
        }
        let at = self.here();
        self.pos += 1;
        self.deeper()?;
        // Right-associative, and binds tighter than a unary minus on its left: -2 ** 2 = -4.
        let exponent = self.unary()?;
        self.depth -= 1;
        self.binary("**", base, exponent, &at)
    }

    pub(super) fn binary(
        &mut self,
        op: &str,
        left: Value,
        right: Value,
        at: &Loc,
    ) -> Result<Value, ConfigError> {
        let kind = match (&left.kind, &right.kind) {
            (Kind::Opaque(what), _) | (_, Kind::Opaque(what)) => Kind::Opaque(what.clone()),
            (a, b) => match arith::binary(op, a, b) {
                Some(Ok(kind)) => kind,
                Some(Err(problem)) => return Err(at.error(op, problem)),
                None => Kind::Opaque(format!(
                    "'{op}' between {} and {}",
                    left.type_name(),
                    right.type_name()
                )),
            },
        };
        let value = Value::new(kind, at.clone());
        self.count(&value)?;
        Ok(value)
    }

    /// Skips to the bracket that closes the one just opened, and past it.
    pub(super) fn skip_rest(&mut self, close: &str) -> Result<(), ConfigError> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}") if depth == 0 => return self.expect(close),
                Tok::Op(")" | "]" | "}") => depth -= 1,
                Tok::End => return self.expect(close),
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// An atom and its trailers: `.name`, calls, subscripts.
    fn primary(&mut self) -> Result<Value, ConfigError> {
        let at = self.here();
        // `{{_base_.a.b}}`: mmengine's and mmcv's reference into the inherited config.
        if self.is_op("{") && matches!(self.tokens[self.pos + 1].tok, Tok::Op("{")) {
            return self.base_reference(at);
        }
        let mut name = match self.peek() {
            Tok::Name(n) => Some(n.clone()),
            _ => None,
        };
        let mut value = self.atom()?;
        loop {
            let at = self.here();
            if self.eat(".") {
                let attribute = self.name()?;
                value = match (value.kind, name.as_deref()) {
                    (_, Some("_base_")) => self.base_attribute(attribute, at)?,
                    (Kind::Dict(mut dict), _) => dict.remove(&attribute).unwrap_or_else(|| {
                        Value::new(Kind::Opaque(format!("a missing key '{attribute}'")), at)
                    }),
                    (Kind::Symbol(path), _) => {
                        Value::new(Kind::Symbol(format!("{path}.{attribute}")), at)
                    }
                    (Kind::Opaque(what), _) => Value::new(Kind::Opaque(what), at),
                    (_, _) => Value::new(Kind::Opaque(format!("the attribute '.{attribute}'")), at),
                };
                name = None;
            } else if self.eat("(") {
                value = self.call(value, name.take(), at)?;
            } else if self.eat("[") {
                let key = match (self.peek().clone(), &self.tokens[self.pos + 1].tok) {
                    (Tok::Str(key), Tok::Op("]")) => Some(key),
                    _ => None,
                };
                self.skip_rest("]")?;
                value = match (value.kind, key) {
                    (Kind::Dict(mut dict), Some(key)) => dict.remove(&key).unwrap_or_else(|| {
                        Value::new(Kind::Opaque(format!("a missing key '{key}'")), at)
                    }),
                    (Kind::Opaque(what), _) => Value::new(Kind::Opaque(what), at),
                    _ => Value::new(Kind::Opaque("a subscript".into()), at),
                };
                name = None;
            } else {
                return Ok(value);
            }
        }
    }

    fn base_attribute(&mut self, first: String, at: Loc) -> Result<Value, ConfigError> {
        let mut path = vec![first];
        while self.is_op(".") && matches!(self.tokens[self.pos + 1].tok, Tok::Name(_)) {
            self.pos += 1;
            path.push(self.name()?);
        }
        let value = self.host.base_var(&path).ok_or_else(|| {
            at.error(
                &format!("_base_.{}", path.join(".")),
                "the inherited config has no such key",
            )
        })?;
        self.count(&value)?;
        Ok(value)
    }

    fn base_reference(&mut self, at: Loc) -> Result<Value, ConfigError> {
        self.pos += 2;
        if !self.eat_word("_base_") {
            return Err(self.syntax("expected _base_ after '{{'"));
        }
        self.expect(".")?;
        let first = self.name()?;
        let value = self.base_attribute(first, at)?;
        self.expect("}")?;
        self.expect("}")?;
        Ok(value)
    }

    fn atom(&mut self) -> Result<Value, ConfigError> {
        let at = self.here();
        let token = self.next();
        let kind = match token.tok {
            Tok::Int(text) => Kind::Int(int_literal(&text).ok_or_else(|| {
                at.error(
                    "number",
                    format!("'{text}' is past the integers lrsched reads (i128)"),
                )
            })?),
            Tok::Float(text) => Kind::Float(
                text.parse()
                    .map_err(|_| at.error("number", format!("'{text}' is not a number")))?,
            ),
            Tok::Str(mut text) => {
                // Adjacent literals join: "a" "b" is "ab".
                while let Tok::Str(more) = self.peek() {
                    text.push_str(more);
                    self.pos += 1;
                }
                Kind::Str(text)
            }
            Tok::Unsupported(what) => Kind::Opaque(what.to_string()),
            Tok::Name(name) => match name.as_str() {
                "True" => Kind::Bool(true),
                "False" => Kind::Bool(false),
                "None" => Kind::None,
                _ => match self.names.get(&name) {
                    Some(value) => {
                        let value = value.clone();
                        self.count(&value)?;
                        return Ok(value);
                    }
                    None if name == "dict" || name == "_base_" => Kind::Symbol(name),
                    None => Kind::Opaque(format!("the name '{name}', not defined in this file")),
                },
            },
            Tok::Op("(") => return self.bracketed(at, ")"),
            Tok::Op("[") => return self.bracketed(at, "]"),
            Tok::Op("{") => return self.braces(at),
            Tok::Op("...") => Kind::Opaque("'...'".into()),
            other => {
                self.pos -= 1;
                return Err(self.syntax(format!("expected a value, found {}", describe(&other))));
            }
        };
        Ok(Value::new(kind, at))
    }

    /// `(...)` or `[...]` after its opening bracket: a parenthesized value, a tuple or a list.
    fn bracketed(&mut self, at: Loc, close: &'static str) -> Result<Value, ConfigError> {
        self.deeper()?;
        let mut items = Vec::new();
        let mut comma = false;
        if close == "]"
            && let Some(for_pos) = self.comprehension_for()
        {
            let list = self.list_comprehension(at, for_pos);
            self.depth -= 1;
            return list;
        }
        while !self.eat(close) {
            if self.eat("*") {
                let spread = self.expression()?;
                items.push(Value::new(
                    Kind::Opaque("a '*' unpacking".into()),
                    spread.at,
                ));
            } else {
                items.push(self.expression()?);
            }
            if self.is_word("for") {
                self.skip_rest(close)?;
                self.depth -= 1;
                return Ok(Value::new(Kind::Opaque("a comprehension".into()), at));
            }
            if !self.eat(",") {
                self.expect(close)?;
                break;
            }
            comma = true;
        }
        self.depth -= 1;
        let kind = match close {
            "]" => Kind::List(items),
            _ if items.len() == 1 && !comma => return Ok(items.remove(0)),
            _ => Kind::Tuple(items),
        };
        self.charge(1, &at)?;
        Ok(Value::new(kind, at))
    }

    /// `{...}` after its opening brace: a dict with string keys.
    fn braces(&mut self, at: Loc) -> Result<Value, ConfigError> {
        self.deeper()?;
        let mut dict = Dict::new();
        while !self.eat("}") {
            if self.eat("**") {
                let spread = self.expression()?;
                spread_into(&mut dict, spread);
            } else {
                let key = self.expression()?;
                let construct = if !self.eat(":") {
                    Some("a set".to_string())
                } else {
                    let value = self.expression()?;
                    match key.kind {
                        _ if self.is_word("for") => Some("a dict comprehension".to_string()),
                        Kind::Str(key) => {
                            dict.insert(key, value);
                            None
                        }
                        _ => Some(format!("a dict with a key of {}", key.type_name())),
                    }
                };
                if let Some(what) = construct {
                    self.skip_rest("}")?;
                    self.depth -= 1;
                    return Ok(Value::new(Kind::Opaque(what), at));
                }
            }
            if !self.eat(",") {
                self.expect("}")?;
                break;
            }
        }
        self.depth -= 1;
        self.charge(1, &at)?;
        Ok(Value::new(Kind::Dict(dict), at))
    }

    /// A call after its `(`: `dict(...)`, or a symbol the host knows.
    fn call(
        &mut self,
        function: Value,
        name: Option<String>,
        at: Loc,
    ) -> Result<Value, ConfigError> {
        self.deeper()?;
        let mut args = Vec::new();
        let mut kwargs = Dict::new();
        while !self.eat(")") {
            if self.eat("**") {
                let spread = self.expression()?;
                spread_into(&mut kwargs, spread);
            } else if matches!(self.peek(), Tok::Name(_))
                && matches!(self.tokens[self.pos + 1].tok, Tok::Op("="))
            {
                let key = self.name()?;
                self.pos += 1;
                let value = self.expression()?;
                kwargs.insert(key, value);
            } else {
                if self.eat("*") {
                    let spread = self.expression()?;
                    args.push(Value::new(
                        Kind::Opaque("a '*' unpacking".into()),
                        spread.at,
                    ));
                } else {
                    args.push(self.expression()?);
                }
                if self.is_word("for") {
                    self.skip_rest(")")?;
                    self.depth -= 1;
                    let what = "a generator expression".to_string();
                    return Ok(Value::new(Kind::Opaque(what), at));
                }
            }
            if !self.eat(",") {
                self.expect(")")?;
                break;
            }
        }
        self.depth -= 1;
        let shown = name.clone().unwrap_or_else(|| "a value".into());
        let kind = match function.kind {
            Kind::Symbol(symbol) if symbol == "dict" => match args.as_slice() {
                [] => Kind::Dict(kwargs),
                [
                    Value {
                        kind: Kind::Dict(first),
                        ..
                    },
                ] => {
                    let mut dict = first.clone();
                    dict.extend(kwargs);
                    Kind::Dict(dict)
                }
                _ => Kind::Opaque("dict() of something other than a dict".into()),
            },
            Kind::Symbol(symbol) => match self.host.call(&symbol, &args, &kwargs, &at) {
                Some(result) => {
                    let value = result?;
                    self.count(&value)?;
                    return Ok(value);
                }
                None => Kind::Opaque(format!("a call of '{symbol}'")),
            },
            Kind::Opaque(what) => Kind::Opaque(what),
            _ => Kind::Opaque(format!("a call of {shown}")),
        };
        self.charge(1, &at)?;
        Ok(Value::new(kind, at))
    }
}

/// `**spread` into a dict: its keys, or, if it is not a dict, an opaque marker.
fn spread_into(dict: &mut Dict, spread: Value) {
    match spread.kind {
        Kind::Dict(entries) => dict.extend(entries),
        _ => {
            dict.insert(
                "**".into(),
                Value::new(Kind::Opaque("a '**' unpacking".into()), spread.at),
            );
        }
    }
}
fn int_literal(text: &str) -> Option<i128> {
    let lower = text.to_ascii_lowercase();
    let (digits, radix) = match lower.get(..2) {
        Some("0x") => (&lower[2..], 16),
        Some("0o") => (&lower[2..], 8),
        Some("0b") => (&lower[2..], 2),
        _ => (lower.as_str(), 10),
    };
    i128::from_str_radix(digits, radix).ok()
}

//! A value of a YAML config under its full key (`LearningRate.schedulers[0].gamma`), for
//! messages that name the key and line, and the typed reads the YAML formats share.

use super::yaml::{Kind, Node, Scalar};
use crate::config::error::{ConfigError, Origin};

pub struct Keyed<'a> {
    pub node: &'a Node,
    pub key: String,
}

impl<'a> Keyed<'a> {
    /// The root's key `key`.
    pub fn top(root: &'a Node, key: &str) -> Option<Keyed<'a>> {
        root.get(key).map(|entry| Keyed {
            node: &entry.value,
            key: key.to_string(),
        })
    }

    pub fn at(&self) -> Origin {
        self.node.origin(&self.key)
    }

    pub fn error(&self, problem: impl Into<String>) -> ConfigError {
        ConfigError::invalid(self.at(), problem)
    }

    pub fn field(&self, name: &str) -> Option<Keyed<'a>> {
        self.node.get(name).map(|entry| Keyed {
            node: &entry.value,
            key: format!("{}.{name}", self.key),
        })
    }

    pub fn number(&self) -> Result<f64, ConfigError> {
        match self.node.scalar() {
            Some(Scalar::Float(x)) => Ok(x),
            Some(Scalar::Int(n)) => Ok(n as f64),
            _ => Err(self.error(format!(
                "expected a number, found {}",
                self.node.type_name()
            ))),
        }
    }

    pub fn whole(&self) -> Result<u64, ConfigError> {
        match self.node.scalar() {
            Some(Scalar::Int(n)) => u64::try_from(n)
                .map_err(|_| self.error(format!("must be a whole number >= 0, got {n}"))),
            _ => Err(self.error(format!(
                "expected a whole number, found {}",
                self.node.type_name()
            ))),
        }
    }

    pub fn items(&self) -> Result<Vec<Keyed<'a>>, ConfigError> {
        match &self.node.kind {
            Kind::Seq(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, node)| Keyed {
                    node,
                    key: format!("{}[{i}]", self.key),
                })
                .collect()),
            _ => Err(self.error(format!("expected a list, found {}", self.node.type_name()))),
        }
    }

    pub fn null(&self) -> bool {
        matches!(self.node.scalar(), Some(Scalar::Null))
    }
}

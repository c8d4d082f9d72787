//! Where a key sits in a TOML file: line numbers for error messages.
//!
//! Errors found while deserialising carry a byte span; errors found while
//! validating carry a dotted key path (`algorithm.replicas`, `grid.n[2]`).
//! Both are turned into a 1-based line by walking the spanned syntax tree of
//! the file (`toml::de::DeTable`).

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A parsed file with its spans.
pub struct Located<'i> {
    source: &'i str,
    root: Option<Spanned<DeTable<'i>>>,
}

/// One step of a key path.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Step::Key(key));
        }
        while let Some(close) = rest.find(']') {
            if let Ok(index) = rest[1..close].parse() {
                out.push(Step::Index(index));
            }
            rest = &rest[close + 1..];
        }
    }
    out
}

impl<'i> Located<'i> {
    /// Parses `source` (a file that does not parse gets lines from byte spans only).
    pub fn new(source: &'i str) -> Self {
        Self {
            source,
            root: DeTable::parse(source).ok(),
        }
    }

    /// The 1-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.source.len());
        self.source[..end].bytes().filter(|&b| b == b'\n').count() + 1
    }

    /// The span of the value at `path` (or of the deepest part of the path that exists).
    fn span_of(&self, path: &str) -> Option<Range<usize>> {
        let root = self.root.as_ref()?;
        let mut span: Option<Range<usize>> = None;
        let mut table: Option<&DeTable<'i>> = Some(root.get_ref());
        let mut value: Option<&DeValue<'i>> = None;
        for step in steps(path) {
            match step {
                Step::Key(key) => {
                    let current = match (table, value) {
                        (Some(t), _) => Some(t),
                        (None, Some(v)) => v.as_table(),
                        _ => None,
                    };
                    let Some(entry) =
                        current.and_then(|t| t.iter().find(|(k, _)| k.get_ref().as_ref() == key))
                    else {
                        break;
                    };
                    span = Some(if entry.1.get_ref().is_table() {
                        entry.0.span()
                    } else {
                        entry.1.span()
                    });
                    table = None;
                    value = Some(entry.1.get_ref());
                }
                Step::Index(index) => {
                    let Some(item) = value.and_then(|v| v.as_array()).and_then(|a| a.get(index))
                    else {
                        break;
                    };
                    span = Some(item.span());
                    value = Some(item.get_ref());
                }
            }
        }
        span
    }

    /// The 1-based line of the key `path` (line 1 if it is absent).
    pub fn line_of_key(&self, path: &str) -> usize {
        self.span_of(path)
            .map_or(1, |span| self.line_of(span.start))
    }

    /// Whether `path` is written in the file.
    pub fn has_key(&self, path: &str) -> bool {
        let Some(root) = self.root.as_ref() else {
            return false;
        };
        let mut table = root.get_ref();
        let parts: Vec<&str> = path.split('.').collect();
        for (i, part) in parts.iter().enumerate() {
            let Some((_, value)) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *part) else {
                return false;
            };
            if i + 1 == parts.len() {
                return true;
            }
            match value.get_ref().as_table() {
                Some(t) => table = t,
                None => return false,
            }
        }
        false
    }

    /// The dotted path of the innermost key whose entry contains byte `offset`.
    pub fn key_at(&self, offset: usize) -> Option<String> {
        fn search(table: &DeTable<'_>, offset: usize, prefix: &str) -> Option<String> {
            for (key, value) in table.iter() {
                let name = if prefix.is_empty() {
                    key.get_ref().to_string()
                } else {
                    format!("{prefix}.{}", key.get_ref())
                };
                let inside = |span: Range<usize>| {
                    span.start <= offset && offset < span.end.max(span.start + 1)
                };
                if let Some(inner) = value.get_ref().as_table() {
                    if let Some(found) = search(inner, offset, &name) {
                        return Some(found);
                    }
                    if inside(key.span()) {
                        return Some(name);
                    }
                } else if inside(key.span()) || inside(value.span()) {
                    return Some(name);
                }
            }
            None
        }
        search(self.root.as_ref()?.get_ref(), offset, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "name = \"x\"\n\n[model]\nmodel = \"sk\"\n\n[grid]\nn = [8,\n  -3]\n";

    #[test]
    fn lines_of_keys_and_array_items() {
        let located = Located::new(SOURCE);
        assert_eq!(located.line_of_key("name"), 1);
        assert_eq!(located.line_of_key("model.model"), 4);
        assert_eq!(located.line_of_key("grid.n"), 7);
        assert_eq!(located.line_of_key("grid.n[1]"), 8);
        assert_eq!(located.line_of_key("grid"), 6);
        assert!(located.has_key("model.model"));
        assert!(!located.has_key("model.n"));
    }

    #[test]
    fn key_at_an_offset() {
        let located = Located::new(SOURCE);
        let offset = SOURCE.find("\"sk\"").unwrap();
        assert_eq!(located.key_at(offset).as_deref(), Some("model.model"));
    }
}

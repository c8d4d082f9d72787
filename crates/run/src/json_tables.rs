//! Tidy tables from a JSON document: how `quench theory --out` stores any result.
//!
//! A theory result serialises to one JSON object. Its scalar fields (numbers,
//! booleans, strings), with nested objects flattened to dotted names
//! (`solution.energy`), make the one-row table `summary`. Every array of
//! objects becomes its own table named by its dotted path
//! (`solution.order_parameter`, one row per element; nested arrays inside
//! the elements are not expanded; an empty array gives no table), and every
//! array of numbers a table with one column `value`. A column holds numbers (booleans as 0 and 1, NaN where
//! a row lacks the field) unless some row holds text.
//!
//! Table names become file names, and file systems that ignore case
//! (macOS, Windows) would store `q` and `Q` (the deep network's layer
//! overlaps) in one file: a name equal to an earlier one but for case gets
//! `-2` (then `-3`, ...) appended.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::table::{Column, Table};

/// One flattened row: dotted name to value.
type Row = BTreeMap<String, Value>;

/// The tables of `document`: `summary` first, then the arrays in the order met.
pub fn tables_from_json(document: &Value) -> Vec<(String, Table)> {
    let mut summary = Row::new();
    let mut arrays: Vec<(String, Vec<Row>)> = Vec::new();
    flatten(document, "", &mut summary, &mut arrays, true);
    let mut tables = vec![("summary".to_string(), table_of(&[summary]))];
    for (name, rows) in arrays {
        let taken = |candidate: &str| {
            tables
                .iter()
                .any(|(other, _): &(String, Table)| other.eq_ignore_ascii_case(candidate))
        };
        let mut unique = name.clone();
        let mut suffix = 2;
        while taken(&unique) {
            unique = format!("{name}-{suffix}");
            suffix += 1;
        }
        tables.push((unique, table_of(&rows)));
    }
    tables
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Adds the scalars of `value` to `row` under `prefix`; arrays go to `arrays`
/// when `collect_arrays` (at the top level) and are skipped otherwise.
fn flatten(
    value: &Value,
    prefix: &str,
    row: &mut Row,
    arrays: &mut Vec<(String, Vec<Row>)>,
    collect_arrays: bool,
) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                flatten(field, &join(prefix, key), row, arrays, collect_arrays);
            }
        }
        Value::Array(items) => {
            if !collect_arrays || items.is_empty() {
                return;
            }
            let name = if prefix.is_empty() { "items" } else { prefix };
            let rows = items
                .iter()
                .map(|item| {
                    let mut element = Row::new();
                    match item {
                        Value::Object(_) => flatten(item, "", &mut element, &mut Vec::new(), false),
                        scalar => {
                            element.insert("value".into(), scalar.clone());
                        }
                    }
                    element
                })
                .collect();
            arrays.push((name.to_string(), rows));
        }
        scalar => {
            row.insert(prefix.to_string(), scalar.clone());
        }
    }
}

/// The table of `rows`; its columns are the union of their names, sorted.
fn table_of(rows: &[Row]) -> Table {
    let mut names: Vec<&String> = rows.iter().flat_map(|r| r.keys()).collect();
    names.sort();
    names.dedup();
    let columns = names
        .iter()
        .map(|&name| {
            let values: Vec<Option<&Value>> = rows.iter().map(|r| r.get(name)).collect();
            let textual = values
                .iter()
                .any(|v| matches!(v, Some(Value::String(_)) | Some(Value::Array(_))));
            let column = if textual {
                Column::Text(
                    values
                        .iter()
                        .map(|v| match v {
                            Some(Value::String(s)) => s.clone(),
                            Some(Value::Null) | None => String::new(),
                            Some(other) => other.to_string(),
                        })
                        .collect(),
                )
            } else {
                Column::Number(
                    values
                        .iter()
                        .map(|v| match v {
                            Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
                            Some(Value::Bool(b)) => f64::from(u8::from(*b)),
                            _ => f64::NAN,
                        })
                        .collect(),
                )
            };
            (name.as_str(), column)
        })
        .collect();
    Table::new(columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_make_a_summary_row_and_arrays_their_own_tables() {
        let document = json!({
            "temperature": 0.5,
            "stable": true,
            "name": "sk",
            "solution": {
                "energy": -0.7,
                "order_parameter": [
                    {"overlap": 0.1, "x_low": 0.0, "x_high": 0.3},
                    {"overlap": 0.4, "x_low": 0.3, "x_high": 1.0, "note": "plateau"},
                ],
            },
            "convergence": [1.0, 2.0, 3.0],
            "unused": [],
        });
        let tables = tables_from_json(&document);
        let names: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(
            names,
            ["summary", "convergence", "solution.order_parameter"]
        );
        let summary = &tables[0].1;
        assert_eq!(summary.rows(), 1);
        assert_eq!(summary.numbers("solution.energy"), [-0.7]);
        assert_eq!(summary.numbers("stable"), [1.0]);
        assert_eq!(summary.texts("name"), ["sk"]);
        assert_eq!(tables[1].1.numbers("value"), [1.0, 2.0, 3.0]);
        let steps = &tables[2].1;
        assert_eq!(steps.numbers("overlap"), [0.1, 0.4]);
        assert_eq!(steps.texts("note"), ["", "plateau"]);
    }

    /// `quench theory deep-network --out` wrote `q.parquet` and `Q.parquet`,
    /// one file on a file system that ignores case.
    #[test]
    fn table_names_equal_but_for_case_do_not_share_a_file() {
        let document = json!({"q": [1.0, 0.5], "Q": [1.0, 0.7], "SUMMARY": [2.0]});
        let tables = tables_from_json(&document);
        let names: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(names, ["summary", "Q", "SUMMARY-2", "q-2"]);
        assert_eq!(tables[3].1.numbers("value"), [1.0, 0.5]);
    }
}

//! Tidy tables in Parquet: named columns of integers, numbers or text.
//!
//! Files are written atomically, with Snappy compression and without
//! timestamps, so the same data always gives the same bytes; pandas
//! (`pandas.read_parquet`), polars and Arrow read them.

use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, Float64Array, RecordBatch, RecordBatchReader, StringArray, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::atomic::write_atomically;
use crate::error::RunError;

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Unsigned integers (indices, sizes, counts).
    Integer(Vec<u64>),
    /// Numbers (NaN where a value does not apply).
    Number(Vec<f64>),
    /// Text (observable and curve names).
    Text(Vec<String>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Integer(v) => v.len(),
            Column::Number(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }
}

/// A table: columns of equal length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
}

impl Table {
    /// A table with the given columns (all of the same length).
    pub fn new(columns: Vec<(&str, Column)>) -> Self {
        let (names, columns) = columns.into_iter().map(|(n, c)| (n.to_string(), c)).unzip();
        let table = Self { names, columns };
        debug_assert!(table.columns.windows(2).all(|w| w[0].len() == w[1].len()));
        table
    }

    /// The columns with their names, in order (for handing a table on whole,
    /// to Python say, without copying it column by column).
    pub fn into_columns(self) -> Vec<(String, Column)> {
        self.names.into_iter().zip(self.columns).collect()
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    fn column(&self, name: &str) -> Option<&Column> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.columns[i])
    }

    /// An integer column (empty if absent or of another type).
    pub fn integers(&self, name: &str) -> &[u64] {
        match self.column(name) {
            Some(Column::Integer(v)) => v,
            _ => &[],
        }
    }

    /// A number column (empty if absent or of another type).
    pub fn numbers(&self, name: &str) -> &[f64] {
        match self.column(name) {
            Some(Column::Number(v)) => v,
            _ => &[],
        }
    }

    /// A text column (empty if absent or of another type).
    pub fn texts(&self, name: &str) -> &[String] {
        match self.column(name) {
            Some(Column::Text(v)) => v,
            _ => &[],
        }
    }

    fn batch(&self) -> Result<RecordBatch, String> {
        let fields: Vec<Field> = self
            .names
            .iter()
            .zip(&self.columns)
            .map(|(name, column)| {
                let data_type = match column {
                    Column::Integer(_) => DataType::UInt64,
                    Column::Number(_) => DataType::Float64,
                    Column::Text(_) => DataType::Utf8,
                };
                Field::new(name, data_type, false)
            })
            .collect();
        let arrays: Vec<ArrayRef> = self
            .columns
            .iter()
            .map(|column| -> ArrayRef {
                match column {
                    Column::Integer(v) => Arc::new(UInt64Array::from(v.clone())),
                    Column::Number(v) => Arc::new(Float64Array::from(v.clone())),
                    Column::Text(v) => Arc::new(StringArray::from(v.clone())),
                }
            })
            .collect();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| e.to_string())
    }

    /// The table as Parquet bytes.
    pub fn to_parquet(&self) -> Result<Vec<u8>, String> {
        let batch = self.batch()?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let mut bytes = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), Some(properties))
            .map_err(|e| e.to_string())?;
        writer.write(&batch).map_err(|e| e.to_string())?;
        writer.close().map_err(|e| e.to_string())?;
        Ok(bytes)
    }

    /// Writes the table to `path` atomically.
    pub fn write(&self, path: &Path) -> Result<(), RunError> {
        let bytes = self.to_parquet().map_err(|reason| RunError::Table {
            path: path.to_path_buf(),
            reason,
        })?;
        write_atomically(path, &bytes)
    }

    /// Reads a table written by [`Table::write`] (or any Parquet file of such columns).
    pub fn read(path: &Path) -> Result<Self, RunError> {
        let failure = |reason: String| RunError::Table {
            path: path.to_path_buf(),
            reason,
        };
        let file = std::fs::File::open(path).map_err(RunError::io(path))?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.build())
            .map_err(|e| failure(e.to_string()))?;
        let schema = reader.schema();
        let mut columns: Vec<Column> = schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::UInt64 => Ok(Column::Integer(Vec::new())),
                DataType::Float64 => Ok(Column::Number(Vec::new())),
                DataType::Utf8 => Ok(Column::Text(Vec::new())),
                other => Err(failure(format!(
                    "column {} has unsupported type {other}",
                    f.name()
                ))),
            })
            .collect::<Result<_, _>>()?;
        let names = schema.fields().iter().map(|f| f.name().clone()).collect();
        for batch in reader {
            let batch = batch.map_err(|e| failure(e.to_string()))?;
            for (column, array) in columns.iter_mut().zip(batch.columns()) {
                let any = array.as_any();
                match column {
                    Column::Integer(v) => v.extend(
                        any.downcast_ref::<UInt64Array>()
                            .ok_or_else(|| failure("integer column".into()))?
                            .values()
                            .iter(),
                    ),
                    Column::Number(v) => v.extend(
                        any.downcast_ref::<Float64Array>()
                            .ok_or_else(|| failure("number column".into()))?
                            .values()
                            .iter(),
                    ),
                    Column::Text(v) => {
                        let strings = any
                            .downcast_ref::<StringArray>()
                            .ok_or_else(|| failure("text column".into()))?;
                        v.extend((0..strings.len()).map(|i| strings.value(i).to_string()));
                    }
                }
            }
        }
        Ok(Self { names, columns })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parquet_round_trip_is_exact_and_deterministic() {
        let table = Table::new(vec![
            ("point", Column::Integer(vec![0, 1, 2])),
            ("mean", Column::Number(vec![-0.5, f64::NAN, 1e-300])),
            (
                "observable",
                Column::Text(vec!["energy".into(), "q2".into(), "".into()]),
            ),
        ]);
        let directory = std::env::temp_dir().join(format!("quench-table-{}", std::process::id()));
        std::fs::create_dir_all(&directory).unwrap();
        let path = directory.join("t.parquet");
        table.write(&path).unwrap();
        let back = Table::read(&path).unwrap();
        assert_eq!(back.names(), table.names());
        assert_eq!(back.integers("point"), &[0, 1, 2]);
        assert_eq!(back.texts("observable"), table.texts("observable"));
        let (a, b) = (table.numbers("mean"), back.numbers("mean"));
        assert!(a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()));
        assert_eq!(table.to_parquet().unwrap(), table.to_parquet().unwrap());
        std::fs::remove_dir_all(&directory).unwrap();
    }
}

//! Reading columns into domain types. A value the domain does not accept (a
//! status this binary does not know, a priority out of range, JSON that does not
//! parse) means the row is corrupt: it becomes [`CorruptRow`], an error whose
//! message names the table, the row and the column, so the API answers 500 and
//! the log says where to look. Nothing is silently changed into a default.

use rusqlite::types::Type;
use std::fmt;

/// A row whose stored value the domain refuses.
#[derive(Debug)]
pub struct CorruptRow {
    pub table: &'static str,
    pub row: i64,
    pub detail: String,
}

impl fmt::Display for CorruptRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "corrupt row: {} row {}: {}",
            self.table, self.row, self.detail
        )
    }
}

impl std::error::Error for CorruptRow {}

/// Where a value was read from, for the error when it does not parse.
#[derive(Debug, Clone, Copy)]
pub struct At {
    pub table: &'static str,
    pub row: i64,
}

impl At {
    pub fn new(table: &'static str, row: i64) -> At {
        At { table, row }
    }

    /// `parsed` as a row-mapping result: `Err` names this table, row and `column`.
    pub fn check<T, E: fmt::Display>(
        self,
        column: &str,
        parsed: Result<T, E>,
    ) -> rusqlite::Result<T> {
        parsed.map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                Type::Text,
                Box::new(CorruptRow {
                    table: self.table,
                    row: self.row,
                    detail: format!("{column}: {e}"),
                }),
            )
        })
    }

    /// Like [`At::check`] for parsers that answer `Option`.
    pub fn some<T>(
        self,
        column: &str,
        value: impl fmt::Debug,
        parsed: Option<T>,
    ) -> rusqlite::Result<T> {
        let shown = format!("{value:?} is not a valid value");
        self.check(column, parsed.ok_or(shown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;

    #[test]
    fn a_corrupt_value_names_its_table_row_and_column() {
        let r: rusqlite::Result<i64> = At::new("tickets", 42).check("status", Err("unknown \"x\""));
        let e = StoreError::from(r.unwrap_err());
        let text = e.to_string();
        assert!(text.contains("tickets row 42"), "{text}");
        assert!(text.contains("status"), "{text}");
        assert!(matches!(e, StoreError::Corrupt(_)));
    }
}

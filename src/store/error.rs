//! `StoreError`: every way the storage layer can fail. The API layer turns these
//! into `ApiError`s (see `api::error`); the detail goes to the log.

use std::fmt;

/// A storage failure.
#[derive(Debug)]
pub enum StoreError {
    /// SQLite refused or failed a statement.
    Sqlite(rusqlite::Error),
    /// A UNIQUE or PRIMARY KEY constraint refused a row (a duplicate e-mail, slug...).
    Duplicate(String),
    /// The data directory could not be created.
    Io(std::io::Error),
    /// The database was written by a newer binary; we refuse to touch it.
    NewerSchema { found: u32, known: u32 },
    /// A stored value the domain refuses; names the table and row.
    Corrupt(super::row::CorruptRow),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "database: {e}"),
            StoreError::Duplicate(what) => write!(f, "duplicate: {what}"),
            StoreError::Corrupt(row) => row.fmt(f),
            StoreError::Io(e) => write!(f, "data directory: {e}"),
            StoreError::NewerSchema { found, known } => write!(
                f,
                "this database was written by a newer helpdesk (schema {found}; \
                 this binary knows {known}); upgrade helpdesk or restore an older backup"
            ),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        if let rusqlite::Error::FromSqlConversionFailure(column, kind, inner) = e {
            return match inner.downcast::<super::row::CorruptRow>() {
                Ok(row) => StoreError::Corrupt(*row),
                Err(inner) => StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(
                    column, kind, inner,
                )),
            };
        }
        match &e {
            rusqlite::Error::SqliteFailure(err, msg)
                if err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                StoreError::Duplicate(msg.clone().unwrap_or_default())
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> StoreError {
        StoreError::Io(e)
    }
}

impl StoreError {
    /// True when a unique constraint on `column` (such as `users.email`) refused the row.
    pub fn is_duplicate_of(&self, column: &str) -> bool {
        matches!(self, StoreError::Duplicate(msg) if msg.contains(column))
    }
}

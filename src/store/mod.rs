//! SQLite storage: opening the database, pragmas, migrations, and one file per
//! aggregate holding all of its SQL. Only this module writes SQL.

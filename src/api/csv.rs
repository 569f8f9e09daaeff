//! CSV for spreadsheet users (RFC 4180): comma-separated, CRLF line ends, every
//! field quoted when it holds a comma, quote, CR or LF, quotes doubled.
//!
//! # Security
//! A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a
//! formula to Excel and LibreOffice, and user text (a name, a ticket title) could
//! run one on the admin's machine ("CSV injection"). Such cells get a leading
//! `'`, which spreadsheets show as text and do not evaluate.

/// One CSV field.
pub fn field(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if neutral.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One CSV record, CRLF-terminated.
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields
        .iter()
        .map(|f| field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_per_rfc_4180() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(record(&["a", "b"]), "a,b\r\n");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-2"), "'-2");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tx"), "'\tx");
    }
}

//! FTS5's `snippet` and `highlight` output, marked with control characters, as
//! plain text parts the browser shows with `textContent` (see the parent's
//! Security section).

use serde::Serialize;

// Snippet markers: control characters that never appear in text people type
// (and if one did, it would only shift a highlight; the output is still text).
pub(super) const OPEN: char = '\u{2}';
pub(super) const CLOSE: char = '\u{3}';

/// A run of snippet text; `hit` when it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub text: String,
    pub hit: bool,
}

/// Splits FTS5 `snippet`/`highlight` output at the markers into parts.
pub fn parts(marked: &str) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    let mut hit = false;
    let mut text = String::new();
    for c in marked.chars() {
        if c == OPEN || c == CLOSE {
            if !text.is_empty() {
                out.push(Part {
                    text: std::mem::take(&mut text),
                    hit,
                });
            }
            hit = c == OPEN;
        } else {
            text.push(c);
        }
    }
    if !text.is_empty() {
        out.push(Part { text, hit });
    }
    out
}

/// Article text is Markdown; its markup characters say nothing in a one-line snippet.
pub(super) fn without_markup(parts: Vec<Part>) -> Vec<Part> {
    let strip = |text: &str| {
        let inner = text
            .replace(['#', '*', '`', '>'], "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if inner.is_empty() {
            return " ".to_string();
        }
        let lead = if text.starts_with(char::is_whitespace) {
            " "
        } else {
            ""
        };
        let trail = if text.ends_with(char::is_whitespace) {
            " "
        } else {
            ""
        };
        format!("{lead}{inner}{trail}")
    };
    parts
        .into_iter()
        .map(|p| Part {
            text: strip(&p.text),
            hit: p.hit,
        })
        .collect()
}

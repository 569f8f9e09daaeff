//! What a person types into a search box, turned into an SQLite FTS5 query.
//!
//! The expression is built here from tokens, never passed through: every word and
//! every phrase is wrapped in double quotes, so FTS5 operators (`AND`, `NEAR`,
//! `*`, `:`, `^`, parentheses, stray quotes) in the input are plain text and an
//! FTS5 syntax error cannot happen. The rules a person can rely on:
//!
//! - every word must appear (AND); words are split on anything that is not a
//!   letter or digit, exactly like the index's `unicode61` tokenizer splits them;
//! - `"two words"` in double quotes must appear together, in that order;
//! - the last word, when it is not inside quotes and has at least
//!   [`PREFIX_MIN`] characters, also matches as a prefix (`print` finds `printer`),
//!   so results follow a person who is still typing;
//! - accents are folded by the index (`remove_diacritics 2`), so `cafe` finds `café`.
//!
//! Suggestions ([`suggestion_expression`]) are looser: any of the distinctive
//! words may match (OR), best first by bm25.
//!
//! # Why a prefix becomes whole words
//! FTS5 answers `"printer"*` by first copying the list of every row holding any
//! word that starts with `printer` (114,000 tickets in a million: ~17 ms), even
//! when only the newest 1,000 are read. Whole words are read lazily, newest first,
//! and stop when enough are found. So the ticket search looks the prefix up in the
//! index's word list (`store::search::completions`) and searches
//! [`Term::AnyOf`] those words instead ([`complete`]); only when a prefix has too
//! many completions does it fall back to FTS5's own prefix query.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Words per query; more are ignored (a search box, not a document).
pub const MAX_TERMS: usize = 16;
/// The last word matches as a prefix from this many characters; a one- or
/// two-letter prefix expands to thousands of index terms and finds nothing useful.
pub const PREFIX_MIN: usize = 3;
/// Words a suggestion query keeps (title words first).
pub const SUGGEST_TERMS: usize = 12;

/// One part of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A word; `prefix` when it is the last bare word and long enough.
    Word { text: String, prefix: bool },
    /// Words that must appear together, in order.
    Phrase(Vec<String>),
    /// Any one of these whole words: a prefix, completed from the index's words.
    AnyOf(Vec<String>),
}

impl Term {
    /// The word of a prefix term, to be completed.
    pub fn prefix(&self) -> Option<&str> {
        match self {
            Term::Word { text, prefix: true } => Some(text),
            _ => None,
        }
    }
}

/// A word as the index stores it: lower case, accents removed (what
/// `unicode61 remove_diacritics 2` does to Latin letters).
pub fn fold(word: &str) -> String {
    word.to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect()
}

/// The distinct folded words of `text`, for the index's word list.
pub fn index_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = words(text).map(fold).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// `terms` with the prefix term replaced by any of `completions` (whole words the
/// index holds that start with it; the word itself is always one of them).
pub fn complete(terms: &[Term], completions: &[String]) -> Vec<Term> {
    terms
        .iter()
        .map(|t| match t.prefix() {
            Some(word) => {
                let word = fold(word);
                let mut any = vec![word.clone()];
                any.extend(completions.iter().filter(|c| **c != word).cloned());
                Term::AnyOf(any)
            }
            None => t.clone(),
        })
        .collect()
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The terms of `q`; empty when it holds no word at all (only operators,
/// quotes or punctuation).
pub fn parse(q: &str) -> Vec<Term> {
    let mut terms = Vec::new();
    // Splitting on '"' alternates outside/inside quotes; an unclosed quote
    // simply quotes the rest.
    for (i, part) in q.split('"').enumerate() {
        if i % 2 == 1 {
            // A quoted single word is a one-word phrase: exact, never a prefix.
            let phrase: Vec<String> = words(part).map(str::to_string).collect();
            if !phrase.is_empty() {
                terms.push(Term::Phrase(phrase));
            }
        } else {
            terms.extend(words(part).map(|w| Term::Word {
                text: w.to_string(),
                prefix: false,
            }));
        }
    }
    terms.truncate(MAX_TERMS);
    // Only a bare last word is a prefix: a quoted one was finished on purpose.
    if let Some(Term::Word { text, prefix }) = terms.last_mut() {
        *prefix = text.chars().count() >= PREFIX_MIN;
    }
    terms
}

fn quote(words: &[String]) -> String {
    // Words hold only letters and digits, so no quote can appear inside.
    format!("\"{}\"", words.join(" "))
}

fn term_expression(t: &Term) -> String {
    match t {
        Term::Word { text, prefix } => {
            let q = quote(std::slice::from_ref(text));
            if *prefix {
                format!("{q}*")
            } else {
                q
            }
        }
        Term::Phrase(ws) => quote(ws),
        Term::AnyOf(ws) => {
            let any: Vec<String> = ws.iter().map(|w| quote(std::slice::from_ref(w))).collect();
            format!("({})", any.join(" OR "))
        }
    }
}

/// The FTS5 expression requiring every term, limited to `columns` (FTS5 column
/// names, fixed by the caller). `None` when there is no term.
pub fn expression(terms: &[Term], columns: &[&str]) -> Option<String> {
    if terms.is_empty() {
        return None;
    }
    let body = terms
        .iter()
        .map(term_expression)
        .collect::<Vec<_>>()
        .join(" AND ");
    Some(format!("{{{}}} : ({body})", columns.join(" ")))
}

/// [`expression`] of what a person typed. `None` when `q` has no word.
pub fn match_expression(q: &str, columns: &[&str]) -> Option<String> {
    expression(&parse(q), columns)
}

/// Common words that say nothing about a problem; dropped from suggestion queries
/// so that "my printer is not working" asks about "printer" and "working".
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "but", "by", "can", "cannot", "could", "did", "do", "does", "for", "from", "get",
    "got", "had", "has", "have", "he", "her", "hi", "him", "his", "how", "i", "if", "in", "into",
    "is", "it", "its", "just", "me", "my", "no", "not", "of", "on", "or", "our", "please", "she",
    "so", "some", "that", "the", "their", "them", "then", "there", "they", "this", "to", "up",
    "us", "was", "we", "were", "what", "when", "where", "which", "while", "who", "why", "will",
    "with", "would", "you", "your",
];

/// A looser expression for suggestions while a ticket is typed: any of up to
/// [`SUGGEST_TERMS`] distinct, non-trivial words (OR), the last one as a prefix
/// when long enough. `None` when nothing distinctive was typed yet.
pub fn suggestion_expression(q: &str, columns: &[&str]) -> Option<String> {
    let mut seen: Vec<String> = Vec::new();
    for w in words(q) {
        let lower = w.to_lowercase();
        if lower.chars().count() < 2 || STOPWORDS.contains(&lower.as_str()) {
            continue;
        }
        if !seen.contains(&lower) {
            seen.push(lower);
        }
        if seen.len() == SUGGEST_TERMS {
            break;
        }
    }
    if seen.is_empty() {
        return None;
    }
    let last_is_prefix = q.ends_with(char::is_alphanumeric);
    let n = seen.len();
    let body = seen
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let q = quote(std::slice::from_ref(w));
            if i + 1 == n && last_is_prefix && w.chars().count() >= PREFIX_MIN {
                format!("{q}*")
            } else {
                q
            }
        })
        .collect::<Vec<_>>()
        .join(" OR ");
    Some(format!("{{{}}} : ({body})", columns.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_match_and_the_last_is_a_prefix() {
        assert_eq!(
            match_expression("VPN drops", &["title"]).unwrap(),
            "{title} : (\"VPN\" AND \"drops\"*)"
        );
    }

    #[test]
    fn quoted_words_are_a_phrase_and_end_the_prefix() {
        assert_eq!(
            match_expression("\"blue screen\" after update", &["a", "b"]).unwrap(),
            "{a b} : (\"blue screen\" AND \"after\" AND \"update\"*)"
        );
        assert_eq!(
            match_expression("printer \"jam\"", &["a"]).unwrap(),
            "{a} : (\"printer\" AND \"jam\")"
        );
    }

    #[test]
    fn fts_operators_and_stray_quotes_are_plain_text() {
        let e = match_expression("NEAR(a b) OR title:x^ \"unclosed", &["t"]).unwrap();
        assert_eq!(
            e,
            "{t} : (\"NEAR\" AND \"a\" AND \"b\" AND \"OR\" AND \"title\" AND \"x\" AND \"unclosed\")"
        );
    }

    #[test]
    fn a_query_of_only_operators_or_quotes_has_no_terms() {
        for q in ["", "   ", "\"\"", "* - ( ) : ^", "\"*\" \"", "AND"] {
            if q == "AND" {
                // A word, even one that is an FTS keyword, is searched for.
                assert!(match_expression(q, &["t"]).is_some());
            } else {
                assert!(match_expression(q, &["t"]).is_none(), "{q:?}");
            }
        }
    }

    #[test]
    fn short_last_words_are_not_prefixes() {
        assert_eq!(
            parse("fix pc"),
            vec![
                Term::Word {
                    text: "fix".into(),
                    prefix: false
                },
                Term::Word {
                    text: "pc".into(),
                    prefix: false
                }
            ]
        );
    }

    #[test]
    fn accented_words_stay_whole_for_the_tokenizer_to_fold() {
        assert_eq!(
            match_expression("café", &["t"]).unwrap(),
            "{t} : (\"café\"*)"
        );
    }

    #[test]
    fn a_completed_prefix_is_any_of_its_whole_words_and_keeps_itself() {
        let terms = complete(&parse("Paper PRINT"), &["print".into(), "printer".into()]);
        assert_eq!(
            expression(&terms, &["t"]).unwrap(),
            "{t} : (\"Paper\" AND (\"print\" OR \"printer\"))"
        );
        // Nothing to complete: the typed word alone, as a whole word.
        let terms = complete(&parse("Café"), &[]);
        assert_eq!(expression(&terms, &["t"]).unwrap(), "{t} : ((\"cafe\"))");
        // Quoted and short words are not prefixes and stay as typed.
        assert_eq!(
            complete(&parse("\"jam\" pc"), &["pcs".into()]),
            parse("\"jam\" pc")
        );
    }

    #[test]
    fn index_words_are_folded_and_distinct() {
        assert_eq!(
            index_words("Café: CAFE, résumé wi-fi Wi-Fi"),
            vec!["cafe", "fi", "resume", "wi"]
        );
    }

    #[test]
    fn suggestions_drop_common_words_and_keep_any_match() {
        assert_eq!(
            suggestion_expression("My printer is not working", &["t"]).unwrap(),
            "{t} : (\"printer\" OR \"working\"*)"
        );
        assert!(suggestion_expression("it is a", &["t"]).is_none());
        assert!(suggestion_expression("\"*()", &["t"]).is_none());
    }
}

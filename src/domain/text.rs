//! Text people type that other people will read and compare: names, e-mail
//! addresses and ticket titles. Each passes through [`clean`] before its own rules.
//!
//! # Security
//! Two strings that look the same must be the same string, and what a string
//! shows must be what it says:
//! - **NFC.** "é" typed as one code point and as "e" plus a combining accent are
//!   one letter to a reader; normalizing to NFC (Unicode's composed form, what
//!   keyboards produce) makes them one e-mail address, one name.
//! - **Invisible and direction characters are refused**, not silently removed,
//!   so the person learns their text held something odd: zero-width spaces and
//!   joiners, the bidirectional embeddings, overrides and isolates (U+202E turns
//!   "txt.exe" into "exe.txt" on screen), byte-order marks, tags, and every
//!   control character, NUL included.
//! - **E-mail addresses use one alphabet** ([`single_script`]): "pаypal" with a
//!   Cyrillic "а" is a different address that reads the same. Digits and
//!   punctuation go with any alphabet.

use unicode_normalization::UnicodeNormalization;

/// The NFC form of `raw`, or a sentence saying which character is not allowed.
/// `what` names the field for the message ("The name").
pub fn clean(raw: &str, what: &str) -> Result<String, String> {
    if let Some(c) = raw.chars().find(|&c| is_hidden(c)) {
        let kind = if c.is_control() {
            "a control character"
        } else if is_bidi(c) {
            "a text-direction character"
        } else {
            "an invisible character"
        };
        return Err(format!(
            "{what} contains {kind} (U+{:04X}). Retype it without that character.",
            c as u32
        ));
    }
    Ok(raw.nfc().collect())
}

/// Characters that change how text is shown without showing themselves.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || is_bidi(c)
        || matches!(c,
            '\u{00AD}'                      // soft hyphen
            | '\u{034F}'                    // combining grapheme joiner
            | '\u{115F}' | '\u{1160}'       // Hangul fillers
            | '\u{17B4}' | '\u{17B5}'       // Khmer inherent vowels
            | '\u{180B}'..='\u{180F}'       // Mongolian selectors and vowel separator
            | '\u{200B}'..='\u{200D}'       // zero-width space, non-joiner, joiner
            | '\u{2060}'..='\u{2065}'       // word joiner, invisible operators
            | '\u{206A}'..='\u{206F}'       // deprecated format characters
            | '\u{3164}' | '\u{FFA0}'       // Hangul fillers
            | '\u{FEFF}'                    // byte-order mark, zero-width no-break space
            | '\u{FFF9}'..='\u{FFFB}'       // interlinear annotation
            | '\u{1D173}'..='\u{1D17A}'     // musical formatting
            | '\u{E0000}'..='\u{E007F}' // tags
        )
}

/// The bidirectional marks, embeddings, overrides and isolates.
fn is_bidi(c: char) -> bool {
    matches!(c,
        '\u{061C}'                  // Arabic letter mark
        | '\u{200E}' | '\u{200F}'   // left-to-right and right-to-left marks
        | '\u{202A}'..='\u{202E}'   // embeddings and overrides
        | '\u{2066}'..='\u{2069}' // isolates
    )
}

/// The alphabet a letter belongs to, coarsely: enough to tell Latin from the
/// Greek and Cyrillic letters that look like it. Letters of other scripts are
/// grouped by their 128-code-point block, which keeps each script apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
    Block(u32),
}

fn script(c: char) -> Option<Script> {
    if !c.is_alphabetic() {
        return None; // digits and punctuation go with any alphabet
    }
    Some(match c as u32 {
        0x0000..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => Script::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        n => Script::Block(n >> 7),
    })
}

/// True when every letter of `s` is from one alphabet.
pub fn single_script(s: &str) -> bool {
    let mut scripts = s.chars().filter_map(script);
    match scripts.next() {
        Some(first) => scripts.all(|s| s == first),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_and_decomposed_forms_become_one_string() {
        assert_eq!(
            clean("Jose\u{301}", "The name").unwrap(),
            clean("Jos\u{e9}", "The name").unwrap()
        );
    }

    #[test]
    fn invisible_direction_and_control_characters_are_refused_with_their_code() {
        for (bad, says) in [
            ("ann\u{200B}", "invisible character (U+200B)"),
            (
                "invoice\u{202E}fdp.exe",
                "text-direction character (U+202E)",
            ),
            ("a\u{0}b", "control character (U+0000)"),
            ("\u{FEFF}bom", "U+FEFF"),
        ] {
            let e = clean(bad, "The title").unwrap_err();
            assert!(e.contains(says), "{bad:?}: {e}");
        }
        assert_eq!(clean("Zoë 😀 O'Brien", "x").unwrap(), "Zoë 😀 O'Brien");
    }

    #[test]
    fn e_mail_letters_must_share_one_alphabet() {
        assert!(single_script("ann.lee-2@example.com"));
        assert!(single_script("josé@exemple.fr"));
        assert!(single_script("иван@пример.рф"));
        assert!(!single_script("p\u{430}ypal@example.com"), "Cyrillic а");
        assert!(!single_script("\u{3bf}scar@example.com"), "Greek ο");
    }
}

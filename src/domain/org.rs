//! Organization fields: the name, the URL slug derived from it, and the join code
//! people register with.

use super::account::Name;

/// An organization's display name (same rules as a person's name).
pub type OrgName = Name;

/// Letters and digits a join code is made of: no 0/O or 1/I/L to misread.
pub const JOIN_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// 12 symbols of 31: about 59 bits, far beyond guessing under sign-up throttling.
pub const JOIN_CODE_LEN: usize = 12;

/// A join code as stored: uppercase, no separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinCode(String);

impl JoinCode {
    /// Normalizes what a person typed: case, spaces and dashes do not matter.
    pub fn parse(raw: &str) -> Option<JoinCode> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let ok = s.len() == JOIN_CODE_LEN && s.bytes().all(|b| JOIN_CODE_ALPHABET.contains(&b));
        ok.then_some(JoinCode(s))
    }

    /// Builds a code from random bytes (the caller supplies a CSPRNG's output).
    pub fn from_random(bytes: &[u8; JOIN_CODE_LEN]) -> JoinCode {
        let n = JOIN_CODE_ALPHABET.len();
        // 256 is not a multiple of 31, so reduce from a wide value to keep the
        // bias negligible instead of `byte % 31`.
        JoinCode(
            bytes
                .iter()
                .map(|b| JOIN_CODE_ALPHABET[(*b as usize * n) >> 8] as char)
                .collect(),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A URL slug from a name: lowercase ASCII letters and digits joined by dashes.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "org".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_codes_ignore_case_spaces_and_dashes() {
        let code = JoinCode::from_random(&[7u8; JOIN_CODE_LEN]);
        let typed = format!(" {}-{} ", &code.as_str()[..6], &code.as_str()[6..]).to_lowercase();
        assert_eq!(JoinCode::parse(&typed), Some(code));
        assert_eq!(JoinCode::parse("short"), None);
        assert_eq!(
            JoinCode::parse("OOOOOOOOOOOO"),
            None,
            "O is not in the alphabet"
        );
    }

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(slugify("ACME IT — Support!"), "acme-it-support");
        assert_eq!(slugify("!!!"), "org");
    }
}

//! Account fields, parsed once at the API edge: e-mail, name, phone, password.

use std::fmt;

/// Shortest password we accept (NIST SP 800-63B asks for at least 8; we ask 10).
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest password we hash: long enough for any passphrase, short enough that
/// hashing it costs no more than a normal one.
pub const PASSWORD_MAX_BYTES: usize = 1024;
pub const NAME_MAX_CHARS: usize = 100;
pub const EMAIL_MAX_BYTES: usize = 254;
pub const PHONE_MAX_CHARS: usize = 40;

/// An e-mail address, trimmed, NFC-normalized and lowercased (addresses are
/// unique regardless of case), in one alphabet (see [`super::text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for Email {
    type Error = String;
    fn try_from(raw: &str) -> Result<Email, String> {
        let s = super::text::clean(raw.trim(), "The e-mail address")?.to_lowercase();
        let shaped = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
        if !shaped
            || s.len() > EMAIL_MAX_BYTES
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err("Enter an e-mail address such as name@example.com.".into());
        }
        if !super::text::single_script(&s) {
            return Err(
                "Write the e-mail address in one alphabet: it mixes letters of \
                        different alphabets (such as Latin and Cyrillic) that look alike."
                    .into(),
            );
        }
        Ok(Email(s))
    }
}

/// A person's (or organization's) display name: trimmed, NFC, 1 to 100
/// characters, no invisible or text-direction characters (see [`super::text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for Name {
    type Error = String;
    fn try_from(raw: &str) -> Result<Name, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter a name.".into());
        }
        if s.chars().count() > NAME_MAX_CHARS {
            return Err(format!("Keep the name under {NAME_MAX_CHARS} characters."));
        }
        if s.chars().any(char::is_control) {
            return Err("The name contains control characters.".into());
        }
        Ok(Name(super::text::clean(s, "The name")?))
    }
}

/// A phone number as people type it; empty means none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for Phone {
    type Error = String;
    fn try_from(raw: &str) -> Result<Phone, String> {
        let s = raw.trim();
        let allowed = |c: char| c.is_ascii_digit() || " +-().x/".contains(c);
        if s.chars().count() > PHONE_MAX_CHARS || !s.chars().all(allowed) {
            return Err("Enter a phone number with digits, spaces and + - ( ).".into());
        }
        Ok(Phone(s.to_string()))
    }
}

/// A new password that meets the length rules. No composition rules: length is
/// what makes a password strong, and rules push people to predictable patterns.
///
/// # Security
/// `Debug` never prints the password, so it cannot leak through a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

impl TryFrom<&str> for Password {
    type Error = String;
    fn try_from(raw: &str) -> Result<Password, String> {
        if raw.len() > PASSWORD_MAX_BYTES {
            return Err(format!("Use at most {PASSWORD_MAX_BYTES} bytes."));
        }
        if raw.chars().count() < PASSWORD_MIN_CHARS {
            return Err(format!("Use at least {PASSWORD_MIN_CHARS} characters."));
        }
        Ok(Password(raw.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_need_an_at_and_a_domain() {
        assert_eq!(
            Email::try_from("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "@example.com",
            "ann@",
            "a b@example.com",
            "a@b@c",
        ] {
            assert!(Email::try_from(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_need_ten_characters_and_at_most_1024_bytes() {
        assert!(Password::try_from("123456789").is_err());
        assert!(Password::try_from("1234567890").is_ok());
        assert!(
            Password::try_from("ééééééééé€").is_ok(),
            "characters, not bytes"
        );
        assert!(Password::try_from("x".repeat(1024).as_str()).is_ok());
        assert!(Password::try_from("x".repeat(1025).as_str()).is_err());
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let p = Password::try_from("correct horse battery").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn names_are_trimmed_and_not_empty() {
        assert_eq!(Name::try_from(" Ann ").unwrap().as_str(), "Ann");
        assert!(Name::try_from("   ").is_err());
        assert!(Name::try_from("x".repeat(101).as_str()).is_err());
    }
}

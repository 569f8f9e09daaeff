//! Id newtypes, so a user id can never be passed where an organization id is meant.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// Parses a path segment; only positive decimal integers are ids.
        impl FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(());
                }
                s.parse::<i64>().ok().filter(|n| *n > 0).map($name).ok_or(())
            }
        }
    };
}

id_type!(
    /// A user's row id.
    UserId
);
id_type!(
    /// An organization's row id.
    OrgId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_decimal_numbers_are_ids() {
        assert_eq!("42".parse::<UserId>(), Ok(UserId(42)));
        assert!("0".parse::<UserId>().is_err());
        assert!("-1".parse::<UserId>().is_err());
        assert!("+1".parse::<UserId>().is_err());
        assert!("1e3".parse::<OrgId>().is_err());
        assert!("99999999999999999999".parse::<OrgId>().is_err());
    }
}

//! Time spent: staff log whole minutes on a ticket, with a reply or alone; the
//! ticket shows the total.

/// The most one entry may log: a day. A larger figure is a typo (hours typed as
/// minutes, an extra zero) far more often than real work.
pub const MAX_MINUTES: i64 = 24 * 60;

/// A checked number of minutes, 1..=[`MAX_MINUTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minutes(i64);

impl Minutes {
    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for Minutes {
    type Error = String;
    fn try_from(n: i64) -> Result<Minutes, String> {
        if n < 1 {
            return Err("Enter the minutes spent: a whole number, at least 1.".into());
        }
        if n > MAX_MINUTES {
            return Err(format!(
                "Log at most {MAX_MINUTES} minutes (a day) in one entry."
            ));
        }
        Ok(Minutes(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_are_positive_and_at_most_a_day() {
        assert!(Minutes::try_from(-5).is_err());
        assert!(Minutes::try_from(0).is_err());
        assert_eq!(Minutes::try_from(90).map(Minutes::get), Ok(90));
        assert!(Minutes::try_from(MAX_MINUTES + 1).is_err());
    }
}

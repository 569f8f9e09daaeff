//! A ticket's own values, parsed once at the edge: its per-organization number,
//! priority, support tier, title, description, contact and resolution log. What one
//! viewer may do with a ticket is [`super::access`]; the status workflow lives in
//! [`super::status`].

pub use super::status::{check_move, MoveRefusal, Mover, Status};
use std::fmt;

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 20_000;
pub const CONTACT_FIELD_MAX: usize = 200;
pub const RESOLUTION_FIELD_MAX: usize = 10_000;

/// A ticket's number within its organization (1, 2, 3, ...): the id in every URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TicketNumber(pub i64);

impl TryFrom<&str> for TicketNumber {
    type Error = ();
    /// Parses a path segment; anything but a positive integer is "no such ticket".
    fn try_from(s: &str) -> Result<TicketNumber, ()> {
        match s.parse::<i64>() {
            Ok(n) if n > 0 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(TicketNumber(n)),
            _ => Err(()),
        }
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How urgent a ticket is. Ordered: `Low < Normal < High < Urgent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// A number that sorts like the priority (stored in the database).
    pub fn rank(self) -> i64 {
        self as i64
    }

    pub fn from_rank(rank: i64) -> Option<Priority> {
        Priority::ALL.get(usize::try_from(rank).ok()?).copied()
    }
}

impl TryFrom<&str> for Priority {
    type Error = String;
    fn try_from(s: &str) -> Result<Priority, String> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| "Choose low, normal, high or urgent.".to_string())
    }
}

/// The support tier working a ticket is the same scale as an agent's tier.
pub use super::role::Tier;

/// Trims `raw` and checks it is present and at most `max` characters.
pub fn bounded_text(raw: &str, max: usize, what: &str) -> Result<String, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(format!("Enter {what}."));
    }
    if t.chars().count() > max {
        return Err(format!("Keep {what} under {max} characters."));
    }
    Ok(t.to_string())
}

/// A ticket's title: one trimmed line, 1..=200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for Title {
    type Error = String;
    fn try_from(raw: &str) -> Result<Title, String> {
        let t = bounded_text(raw, TITLE_MAX, "a short title")?;
        if t.contains(['\n', '\r']) {
            return Err("Keep the title on one line.".into());
        }
        Ok(Title(super::text::clean(&t, "The title")?))
    }
}

/// How much of a chat's first message becomes its ticket's title.
pub const CHAT_TITLE_CHARS: usize = 60;

impl Title {
    /// A title for a ticket filed from a chat: the start of the first message's
    /// first line, cut at a word when it is long (with "…"). `None` when the
    /// message has no text.
    pub fn from_message(message: &str) -> Option<Title> {
        let line = message.trim().lines().next()?.trim();
        if line.chars().count() <= CHAT_TITLE_CHARS {
            return Title::try_from(line).ok();
        }
        let cut: String = line.chars().take(CHAT_TITLE_CHARS).collect();
        let at_word = match cut.rfind(char::is_whitespace) {
            Some(i) if i > CHAT_TITLE_CHARS / 2 => &cut[..i],
            _ => cut.as_str(),
        };
        Title::try_from(format!("{}…", at_word.trim_end()).as_str()).ok()
    }
}

/// What is wrong, in the requester's words: 1..=20,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for Description {
    type Error = String;
    fn try_from(raw: &str) -> Result<Description, String> {
        bounded_text(raw, DESCRIPTION_MAX, "a description").map(Description)
    }
}

/// Who to reach about a ticket. Name is required; e-mail must look like one when
/// given; phone is free text.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub phone: String,
}

impl Contact {
    /// Parses a contact, returning per-field messages keyed `contact.<field>`.
    pub fn parse(name: &str, email: &str, phone: &str) -> Result<Contact, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let name = bounded_text(name, CONTACT_FIELD_MAX, "a contact name")
            .map_err(|e| errors.push(("contact.name".to_string(), e)))
            .unwrap_or_default();
        let email = email.trim().to_string();
        if email.chars().count() > CONTACT_FIELD_MAX
            || (!email.is_empty() && !looks_like_email(&email))
        {
            errors.push((
                "contact.email".to_string(),
                "Enter an e-mail address like name@example.com.".to_string(),
            ));
        }
        let phone = phone.trim().to_string();
        if phone.chars().count() > 50 {
            errors.push((
                "contact.phone".to_string(),
                "Keep the phone number under 50 characters.".to_string(),
            ));
        }
        if errors.is_empty() {
            Ok(Contact { name, email, phone })
        } else {
            Err(errors)
        }
    }
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// The resolution log: what was wrong and the steps that fixed it. Kept with the
/// ticket so the knowledge base can be built from it later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub cause: String,
    pub steps: String,
}

impl Resolution {
    /// Parses a resolution, returning messages keyed `resolution.cause` / `.steps`.
    pub fn parse(cause: &str, steps: &str) -> Result<Resolution, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let cause = bounded_text(cause, RESOLUTION_FIELD_MAX, "what caused the problem")
            .map_err(|e| errors.push(("resolution.cause".to_string(), e)));
        let steps = bounded_text(steps, RESOLUTION_FIELD_MAX, "the steps that fixed it")
            .map_err(|e| errors.push(("resolution.steps".to_string(), e)));
        match (cause, steps) {
            (Ok(cause), Ok(steps)) => Ok(Resolution { cause, steps }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_title_is_the_start_of_the_first_line_cut_at_a_word() {
        let short = Title::from_message("  Printer jams\nsince Monday").unwrap();
        assert_eq!(short.as_str(), "Printer jams");
        let long = "My laptop will not connect to the office wifi after the update last night";
        let title = Title::from_message(long).unwrap();
        assert_eq!(
            title.as_str(),
            "My laptop will not connect to the office wifi after the…"
        );
        assert!(Title::from_message(" \n ").is_none());
    }

    #[test]
    fn ticket_numbers_are_positive_integers_only() {
        assert_eq!(TicketNumber::try_from("42"), Ok(TicketNumber(42)));
        for bad in ["0", "-1", "+3", "4x", "", "1e3"] {
            assert!(TicketNumber::try_from(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn priorities_sort_from_low_to_urgent_and_round_trip() {
        assert!(Priority::Low < Priority::Urgent);
        for p in Priority::ALL {
            assert_eq!(Priority::try_from(p.as_str()), Ok(p));
            assert_eq!(Priority::from_rank(p.rank()), Some(p));
        }
        assert!(Priority::try_from("critical").is_err());
    }

    #[test]
    fn escalation_climbs_three_tiers_and_stops() {
        let t2 = Tier::FIRST.next().unwrap();
        assert_eq!(t2.get(), 2);
        assert_eq!(t2.next(), Some(Tier::TOP));
        assert_eq!(Tier::TOP.next(), None);
        assert!(Tier::try_from(4).is_err());
    }

    #[test]
    fn a_title_is_trimmed_one_line_and_bounded() {
        assert_eq!(Title::try_from("  VPN down ").unwrap().as_str(), "VPN down");
        assert!(Title::try_from("   ").is_err());
        assert!(Title::try_from("a\nb").is_err());
        assert!(Title::try_from(&"x".repeat(TITLE_MAX + 1)[..]).is_err());
        assert!(Title::try_from(&"é".repeat(TITLE_MAX)[..]).is_ok());
    }

    #[test]
    fn a_description_is_required() {
        assert!(Description::try_from("").is_err());
        assert!(Description::try_from("It beeps.").is_ok());
    }

    #[test]
    fn a_contact_needs_a_name_and_a_plausible_email() {
        assert!(Contact::parse("Ann", "ann@example.com", "").is_ok());
        assert!(Contact::parse("Ann", "", "").is_ok());
        let errors = Contact::parse("", "nope", "").unwrap_err();
        let keys: Vec<_> = errors.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["contact.name", "contact.email"]);
    }

    #[test]
    fn a_resolution_needs_both_cause_and_steps() {
        assert!(Resolution::parse("Expired password", "Reset it").is_ok());
        let errors = Resolution::parse("", " ").unwrap_err();
        assert_eq!(errors.len(), 2);
    }
}

//! Canned replies: who may manage which, and filling in their placeholders.
//!
//! Shared replies belong to the organization and only admins change them;
//! personal ones belong to one agent or admin. A body may name
//! `{{requester.name}}`, `{{ticket.number}}` and `{{agent.name}}` (the person
//! inserting it); anything else in braces is left as written, so a typo shows
//! instead of vanishing.

use super::ticket::bounded_text;
use super::Actor;

pub const TITLE_MAX: usize = 120;
pub const BODY_MAX: usize = 20_000;

/// A checked title and body.
pub fn parse(title: &str, body: &str) -> (Result<String, String>, Result<String, String>) {
    (
        bounded_text(title, TITLE_MAX, "a title"),
        bounded_text(body, BODY_MAX, "the reply"),
    )
}

/// Whether `actor` may change a reply owned by `owner` (`None`: shared).
pub fn may_manage(actor: &Actor, owner: Option<i64>) -> bool {
    match owner {
        None => actor.is_admin(),
        Some(id) => actor.user_id().is_some_and(|me| me.0 == id),
    }
}

/// What the placeholders stand for on one ticket.
pub struct Fill<'a> {
    pub requester_name: &'a str,
    pub ticket_number: i64,
    pub agent_name: &'a str,
}

/// `body` with its known placeholders filled in.
pub fn fill(body: &str, f: &Fill<'_>) -> String {
    body.replace("{{requester.name}}", f.requester_name)
        .replace("{{ticket.number}}", &f.ticket_number.to_string())
        .replace("{{agent.name}}", f.agent_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrgId, Role, UserId};

    #[test]
    fn placeholders_are_filled_and_unknown_ones_stay() {
        let f = Fill {
            requester_name: "Alice",
            ticket_number: 42,
            agent_name: "Tom",
        };
        assert_eq!(
            fill(
                "Hi {{requester.name}}, #{{ticket.number}} is done. {{agent.name}} {{oops}}",
                &f
            ),
            "Hi Alice, #42 is done. Tom {{oops}}"
        );
    }

    #[test]
    fn admins_manage_shared_replies_and_everyone_their_own() {
        let agent = Actor::person(UserId(7), OrgId(1), Role::Agent, None);
        let admin = Actor::person(UserId(1), OrgId(1), Role::Admin, None);
        assert!(!may_manage(&agent, None));
        assert!(may_manage(&admin, None));
        assert!(may_manage(&agent, Some(7)));
        assert!(
            !may_manage(&admin, Some(7)),
            "personal replies are personal"
        );
    }
}

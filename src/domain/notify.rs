//! Who hears about what: the rules of notifications, with no I/O.
//!
//! Something happened on a ticket ([`Happening`]); the people around it
//! ([`TicketPeople`]) and who acted decide who is told, and under which
//! [`Kind`] (which is what preferences choose by). The API gathers the facts
//! after a change commits (`api/notify.rs`) and asks [`recipients`]; the store
//! then writes the bell's rows and the e-mail outbox.
//!
//! The rules (issue 16): the requester hears of public replies, status changes
//! and resolution; the assignee of being assigned, of the requester's replies
//! and of SLA warnings and breaches; watchers of public replies and status
//! changes; admins of tickets waiting for an agent. Staff also hear of internal
//! notes on tickets they are assigned to or watch.
//!
//! # Security
//! Nobody hears of their own action, and a requester hears only of public
//! events: an internal note never reaches one, whatever their relation to the
//! ticket ([`recipients`] is tested for both).

use super::UserId;

/// A kind of notification; each person chooses in-app and e-mail per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A ticket was assigned to you.
    Assigned,
    /// A reply (or, for staff, an internal note) on a ticket you follow.
    Reply,
    /// A ticket you follow changed status.
    Status,
    /// Your ticket was resolved.
    Resolved,
    /// An SLA warning or breach on a ticket assigned to you.
    Sla,
    /// A ticket waits for an agent (admins).
    Waiting,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Assigned,
        Kind::Reply,
        Kind::Status,
        Kind::Resolved,
        Kind::Sla,
        Kind::Waiting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Assigned => "assigned",
            Kind::Reply => "reply",
            Kind::Status => "status",
            Kind::Resolved => "resolved",
            Kind::Sla => "sla",
            Kind::Waiting => "waiting",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How the preferences page names it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Assigned => "A ticket is assigned to me",
            Kind::Reply => "Replies on my tickets and tickets I watch",
            Kind::Status => "Status changes",
            Kind::Resolved => "My ticket is resolved",
            Kind::Sla => "SLA warnings and breaches on my tickets",
            Kind::Waiting => "Tickets waiting for an agent (admins)",
        }
    }
}

/// What happened on a ticket, as far as notifications care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happening {
    /// A reply (`internal: false`) or an internal note.
    Reply { internal: bool },
    /// The status moved; `resolved` when it moved to resolved.
    Status { resolved: bool },
    /// The ticket was assigned to this person.
    Assigned { to: UserId },
    /// An SLA warning or breach.
    Sla,
    /// The ticket waits for an agent: nobody could take it.
    Waiting,
}

/// The people around a ticket at the moment of the change.
#[derive(Debug, Clone, Default)]
pub struct TicketPeople {
    pub requester: Option<UserId>,
    pub assignee: Option<UserId>,
    /// Watchers, each with whether they are staff.
    pub watchers: Vec<(UserId, bool)>,
    /// The organization's active admins.
    pub admins: Vec<UserId>,
    /// Staff among every person named above (the requester may be staff).
    pub staff: Vec<UserId>,
}

impl TicketPeople {
    fn is_staff(&self, u: UserId) -> bool {
        self.staff.contains(&u) || self.watchers.iter().any(|&(w, s)| w == u && s)
    }
}

/// Who hears of `what`, and as which kind: each person once, never `actor`
/// (`None` is the help desk itself, which is nobody), and never a requester
/// for something only staff may see.
pub fn recipients(
    what: &Happening,
    people: &TicketPeople,
    actor: Option<UserId>,
) -> Vec<(UserId, Kind)> {
    let mut out: Vec<(UserId, Kind)> = Vec::new();
    let mut add = |u: Option<UserId>, kind: Kind, staff_only: bool| {
        let Some(u) = u else { return };
        if Some(u) == actor || out.iter().any(|(v, _)| *v == u) {
            return;
        }
        if staff_only && !people.is_staff(u) {
            return;
        }
        out.push((u, kind));
    };
    let watchers = people.watchers.iter().map(|&(w, _)| w);
    match what {
        Happening::Reply { internal: false } => {
            add(people.requester, Kind::Reply, false);
            // The assignee hears of the requester's replies, not a colleague's.
            if actor.is_some() && actor == people.requester {
                add(people.assignee, Kind::Reply, true);
            }
            watchers.for_each(|w| add(Some(w), Kind::Reply, false));
        }
        Happening::Reply { internal: true } => {
            add(people.assignee, Kind::Reply, true);
            watchers.for_each(|w| add(Some(w), Kind::Reply, true));
        }
        Happening::Status { resolved } => {
            let kind = if *resolved {
                Kind::Resolved
            } else {
                Kind::Status
            };
            add(people.requester, kind, false);
            watchers.for_each(|w| add(Some(w), Kind::Status, false));
        }
        Happening::Assigned { to } => add(Some(*to), Kind::Assigned, true),
        Happening::Sla => add(people.assignee, Kind::Sla, true),
        Happening::Waiting => people
            .admins
            .iter()
            .for_each(|a| add(Some(*a), Kind::Waiting, true)),
    }
    out
}

/// A person's choice for one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channels {
    pub in_app: bool,
    pub email: bool,
}

impl Channels {
    /// With no choice made by the person or the admins: both.
    pub const DEFAULT: Channels = Channels {
        in_app: true,
        email: true,
    };
}

/// Text for a mail header or a one-line title: CR, LF and other control
/// characters become spaces, so nothing a person typed can start a header.
///
/// # Security
/// Names and ticket titles go into `Subject`, `From`, `To`; a CR/LF in them
/// would otherwise let a user add headers (or a body) to a message.
pub fn one_line(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `max` characters of `s` on one line, with "…" when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let line = one_line(s);
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: UserId = UserId(1);
    const AGENT: UserId = UserId(2);
    const OTHER_AGENT: UserId = UserId(3);
    const WATCHING_REQ: UserId = UserId(4);
    const ADMIN: UserId = UserId(5);

    fn people() -> TicketPeople {
        TicketPeople {
            requester: Some(REQ),
            assignee: Some(AGENT),
            watchers: vec![(WATCHING_REQ, false), (OTHER_AGENT, true)],
            admins: vec![ADMIN],
            staff: vec![AGENT, OTHER_AGENT, ADMIN],
        }
    }

    fn who(v: &[(UserId, Kind)]) -> Vec<UserId> {
        v.iter().map(|(u, _)| *u).collect()
    }

    #[test]
    fn an_agents_public_reply_reaches_the_requester_and_watchers_but_not_the_agent() {
        let r = recipients(
            &Happening::Reply { internal: false },
            &people(),
            Some(AGENT),
        );
        assert_eq!(who(&r), vec![REQ, WATCHING_REQ, OTHER_AGENT]);
        assert!(r.iter().all(|(_, k)| *k == Kind::Reply));
    }

    #[test]
    fn the_requesters_reply_reaches_the_assignee_and_not_the_requester() {
        let r = recipients(&Happening::Reply { internal: false }, &people(), Some(REQ));
        assert_eq!(who(&r), vec![AGENT, WATCHING_REQ, OTHER_AGENT]);
    }

    #[test]
    fn an_internal_note_never_reaches_a_requester_even_one_who_watches() {
        let r = recipients(
            &Happening::Reply { internal: true },
            &people(),
            Some(OTHER_AGENT),
        );
        assert_eq!(who(&r), vec![AGENT]);
        let mut p = people();
        p.assignee = Some(REQ); // a corrupt row must not leak either
        let r = recipients(&Happening::Reply { internal: true }, &p, Some(AGENT));
        assert!(!who(&r).contains(&REQ));
        assert!(!who(&r).contains(&WATCHING_REQ));
    }

    #[test]
    fn resolution_is_its_own_kind_for_the_requester_and_a_status_change_for_watchers() {
        let r = recipients(
            &Happening::Status { resolved: true },
            &people(),
            Some(AGENT),
        );
        assert_eq!(
            r,
            vec![
                (REQ, Kind::Resolved),
                (WATCHING_REQ, Kind::Status),
                (OTHER_AGENT, Kind::Status)
            ]
        );
    }

    #[test]
    fn assignment_sla_and_waiting_reach_staff_only_and_never_the_actor() {
        let p = people();
        let r = recipients(&Happening::Assigned { to: AGENT }, &p, None);
        assert_eq!(r, vec![(AGENT, Kind::Assigned)]);
        assert!(recipients(&Happening::Assigned { to: AGENT }, &p, Some(AGENT)).is_empty());
        assert!(recipients(&Happening::Assigned { to: REQ }, &p, None).is_empty());
        assert_eq!(
            recipients(&Happening::Sla, &p, None),
            vec![(AGENT, Kind::Sla)]
        );
        assert_eq!(
            recipients(&Happening::Waiting, &p, Some(REQ)),
            vec![(ADMIN, Kind::Waiting)]
        );
        assert!(recipients(&Happening::Waiting, &p, Some(ADMIN)).is_empty());
    }

    #[test]
    fn a_person_in_two_roles_hears_once() {
        let mut p = people();
        p.watchers.push((REQ, false));
        let r = recipients(&Happening::Reply { internal: false }, &p, Some(AGENT));
        assert_eq!(r.iter().filter(|(u, _)| *u == REQ).count(), 1);
    }

    #[test]
    fn one_line_removes_every_line_break_and_control_character() {
        assert_eq!(
            one_line("Printer\r\nBcc: victim@example.com\n\tjam"),
            "Printer Bcc: victim@example.com jam"
        );
        assert!(!one_line("a\u{0}b\u{85}c").chars().any(char::is_control));
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("ab", 3), "ab");
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("nope"), None);
    }
}

//! Roles and agent tiers: who may do what inside an organization.

use serde::{Serialize, Serializer};
use std::fmt;

/// A person's role in their organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Submits and follows their own tickets.
    Requester,
    /// Works the organization's queue.
    Agent,
    /// An agent who also runs the desk: users, settings.
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "requester" => Some(Role::Requester),
            "agent" => Some(Role::Agent),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Requester => "requester",
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }

    /// Agents and admins: people who work tickets.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Admin)
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Role {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A support tier, 1 (first line) to 3: an agent's level, and the level a ticket
/// needs. Escalation raises a ticket's tier; an assignee must be at least as high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tier(u8);

impl Tier {
    pub const FIRST: Tier = Tier(1);
    /// Admins start here: they take escalations at any tier.
    pub const TOP: Tier = Tier(3);

    pub fn get(self) -> u8 {
        self.0
    }

    /// The tier an escalation moves to; `None` at the top.
    pub fn next(self) -> Option<Tier> {
        (self.0 < 3).then_some(Tier(self.0 + 1))
    }
}

impl Serialize for Tier {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

impl TryFrom<i64> for Tier {
    type Error = String;
    fn try_from(n: i64) -> Result<Tier, String> {
        match n {
            1..=3 => Ok(Tier(n as u8)),
            _ => Err("Tier must be 1, 2 or 3.".into()),
        }
    }
}

/// The tier someone has in `role`, given the role they had before (`None` for a
/// new account), the tier asked for and the tier they have. Requesters have none.
/// A new admin (created, or promoted from another role) gets the tier asked for,
/// else the top one, because admins take escalations at any tier. Everyone else on
/// the staff keeps their tier, or starts at 1.
pub fn tier_for(
    role: Role,
    was: Option<Role>,
    wanted: Option<Tier>,
    current: Option<Tier>,
) -> Option<Tier> {
    match role {
        Role::Requester => None,
        Role::Admin if was != Some(Role::Admin) => Some(wanted.unwrap_or(Tier::TOP)),
        Role::Agent | Role::Admin => Some(wanted.or(current).unwrap_or(Tier::FIRST)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_only_agents_and_admins_are_staff() {
        for role in [Role::Requester, Role::Agent, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert!(!Role::Requester.is_staff());
        assert!(Role::Agent.is_staff() && Role::Admin.is_staff());
    }

    #[test]
    fn tiers_are_one_to_three_and_only_staff_have_one() {
        assert!(Tier::try_from(0).is_err());
        assert!(Tier::try_from(4).is_err());
        let two = Tier::try_from(2).ok();
        let (agent, req) = (Some(Role::Agent), Some(Role::Requester));
        assert_eq!(tier_for(Role::Agent, req, None, None), Some(Tier::FIRST));
        assert_eq!(tier_for(Role::Agent, agent, None, two), two);
        assert_eq!(tier_for(Role::Requester, agent, two, two), None);
    }

    #[test]
    fn a_new_admin_starts_at_the_top_tier_unless_told_otherwise() {
        let two = Tier::try_from(2).ok();
        let admin = Some(Role::Admin);
        assert_eq!(tier_for(Role::Admin, None, None, None), Some(Tier::TOP));
        assert_eq!(
            tier_for(Role::Admin, Some(Role::Agent), None, Some(Tier::FIRST)),
            Some(Tier::TOP)
        );
        assert_eq!(tier_for(Role::Admin, Some(Role::Agent), two, None), two);
        assert_eq!(tier_for(Role::Admin, admin, None, two), two, "kept");
        assert_eq!(
            tier_for(Role::Agent, admin, None, Some(Tier::TOP)),
            Some(Tier::TOP),
            "a demoted admin keeps their tier"
        );
    }
}

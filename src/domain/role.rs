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

/// An agent's support tier: 1 (first line) to 3; escalation raises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tier(u8);

impl Tier {
    pub const FIRST: Tier = Tier(1);

    pub fn get(self) -> u8 {
        self.0
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

/// Staff keep a tier (defaulting to 1); requesters have none.
pub fn tier_for(role: Role, wanted: Option<Tier>, current: Option<Tier>) -> Option<Tier> {
    if role.is_staff() {
        Some(wanted.or(current).unwrap_or(Tier::FIRST))
    } else {
        None
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
        assert_eq!(tier_for(Role::Agent, None, None), Some(Tier::FIRST));
        assert_eq!(tier_for(Role::Agent, None, two), two);
        assert_eq!(tier_for(Role::Requester, two, two), None);
    }
}

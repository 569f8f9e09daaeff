//! `Actor`: who is acting, in which organization, with which powers. Either a
//! signed-in person (the guards in `auth/` build one from a session) or the
//! **system actor**: the help desk itself, doing work nobody asked for in a
//! request (automatic assignment, SLA marks, notifications).
//!
//! Every store function that touches an organization's data takes an `Actor` and
//! filters by [`Actor::org_id`]. History records the system actor as the help desk
//! (with the rule's name), never as a person.

use super::{OrgId, Role, Tier, UserId};

/// Who is acting, in which organization, with which powers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub org_id: OrgId,
    pub role: Role,
    pub tier: Option<Tier>,
    pub who: Who,
}

/// A person, or the help desk itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// A signed-in user.
    Person(UserId),
    /// The help desk acting by itself, under the named rule
    /// (such as "automatic assignment"), shown in history instead of a person.
    System(&'static str),
}

/// How history names the system actor.
pub const SYSTEM_NAME: &str = "Help desk";

impl Actor {
    /// A signed-in person.
    pub fn person(user_id: UserId, org_id: OrgId, role: Role, tier: Option<Tier>) -> Actor {
        Actor {
            org_id,
            role,
            tier,
            who: Who::Person(user_id),
        }
    }

    /// The help desk acting in `org_id` under `rule`. It has an admin's reach in
    /// its own organization (it may assign, mark and move any ticket there) and
    /// none outside it.
    pub fn system(org_id: OrgId, rule: &'static str) -> Actor {
        Actor {
            org_id,
            role: Role::Admin,
            tier: None,
            who: Who::System(rule),
        }
    }

    /// The person acting, or `None` for the system actor.
    pub fn user_id(&self) -> Option<UserId> {
        match self.who {
            Who::Person(id) => Some(id),
            Who::System(_) => None,
        }
    }

    /// True when `user` is the person acting (never for the system actor).
    pub fn is(&self, user: UserId) -> bool {
        self.user_id() == Some(user)
    }

    /// The rule's name when the system acts, for history's actor label.
    pub fn rule(&self) -> Option<&'static str> {
        match self.who {
            Who::Person(_) => None,
            Who::System(rule) => Some(rule),
        }
    }

    pub fn is_system(&self) -> bool {
        matches!(self.who, Who::System(_))
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    pub fn is_admin(&self) -> bool {
        self.role.is_admin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_actor_is_staff_of_its_organization_and_nobody_in_particular() {
        let a = Actor::system(OrgId(3), "automatic assignment");
        assert!(a.is_staff() && a.is_system());
        assert_eq!(a.user_id(), None);
        assert!(!a.is(UserId(1)));
        assert_eq!(a.rule(), Some("automatic assignment"));
    }

    #[test]
    fn a_person_is_themselves() {
        let a = Actor::person(UserId(7), OrgId(1), Role::Requester, None);
        assert!(a.is(UserId(7)) && !a.is(UserId(8)) && !a.is_staff());
        assert_eq!(a.rule(), None);
    }
}

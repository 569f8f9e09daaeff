//! `Actor`: the signed-in user a request acts as. Every store function that
//! touches an organization's data takes one, and filters by `org_id`.

use super::SessionHash;
use crate::domain::{OrgId, Role, Tier, UserId};

/// Who is acting, in which organization, with which powers.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    pub org_id: OrgId,
    pub role: Role,
    pub tier: Option<Tier>,
    /// The session this request came with (to end it, or to keep it while
    /// ending the others).
    pub session: SessionHash,
}

impl Actor {
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    pub fn is_admin(&self) -> bool {
        self.role.is_admin()
    }
}

//! `AuthError`: every way a guard or the CSRF check can refuse a request, without
//! knowing HTTP. `api/` maps each variant to a status and a message in one
//! `From<AuthError> for ApiError`; the store's detail goes to the log there.

use crate::store::StoreError;
use std::fmt;

/// A refusal by `auth/`.
#[derive(Debug)]
pub enum AuthError {
    /// No live session (none sent, unknown, expired or its user deactivated).
    NotSignedIn,
    /// Signed in, but an agent or admin is needed.
    NotStaff,
    /// Signed in, but an admin is needed.
    NotAdmin,
    /// A read-scoped API token on a request that changes state.
    ReadOnlyToken,
    /// A state-changing request that may come from another site
    /// (`Sec-Fetch-Site` or `Origin` say so).
    CrossSite,
    /// A state-changing request whose body is not declared `application/json`.
    NotJson,
    /// The sessions table could not be read or written.
    Store(StoreError),
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::NotSignedIn => f.write_str("not signed in"),
            AuthError::NotStaff => f.write_str("needs an agent or admin"),
            AuthError::NotAdmin => f.write_str("needs an admin"),
            AuthError::ReadOnlyToken => f.write_str("read-only API token used to write"),
            AuthError::CrossSite => f.write_str("cross-site request"),
            AuthError::NotJson => f.write_str("state-changing request without a JSON body"),
            AuthError::Store(e) => write!(f, "sessions: {e}"),
        }
    }
}

impl std::error::Error for AuthError {}

impl From<StoreError> for AuthError {
    fn from(e: StoreError) -> AuthError {
        AuthError::Store(e)
    }
}

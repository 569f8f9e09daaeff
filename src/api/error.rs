//! `ApiError`: every way an API call can fail, and the one place that maps each to
//! a status code and the JSON body clients see:
//! `{"error": {"code": "...", "message": "...", "fields": {...}}}`.
//! Internal detail goes to the log, never to the client.

use crate::http::{Response, Status};
use std::collections::BTreeMap;
use std::fmt;

/// Per-field validation messages, keyed by the JSON field name.
pub type FieldErrors = BTreeMap<String, String>;

/// An API failure.
#[derive(Debug)]
pub enum ApiError {
    /// The body is not the JSON we expect (syntax, wrong types): 400.
    BadRequest(String),
    /// The JSON is well formed but some fields are invalid: 422.
    Validation(FieldErrors),
    /// No valid session: 401.
    Unauthorized,
    /// Sign-in with an unknown e-mail, a wrong password or a deactivated account
    /// (one answer for all three, so it reveals nothing): 401.
    InvalidCredentials,
    /// Signed in, but the role is not enough: 403.
    Forbidden(String),
    /// A cross-site or non-JSON state-changing request: 403.
    Csrf,
    /// Missing, or in another organization (indistinguishable on purpose): 404.
    NotFound,
    /// The request conflicts with the current state (a refused status move): 409.
    Conflict(String),
    /// An appointment clashes with its participants' calendars: 409 with
    /// `error.conflicts`, one object per clash, until the request says `force`.
    Conflicts(serde_json::Value),
    /// 415: a state-changing request without `Content-Type: application/json`.
    UnsupportedMediaType,
    /// 429 with `Retry-After`.
    TooManyRequests { retry_after_secs: u64 },
    /// 503 with `Retry-After`: the server is saturated (too many password checks
    /// at once) and the request was turned away rather than queued.
    Busy { retry_after_secs: u64 },
    /// A failure on our side; the detail is logged, the client gets a generic 500.
    Internal(String),
}

impl ApiError {
    /// A 422 for a single field.
    pub fn field(name: &str, message: impl Into<String>) -> ApiError {
        let mut fields = FieldErrors::new();
        fields.insert(name.to_string(), message.into());
        ApiError::Validation(fields)
    }

    /// The single mapping from error to status code.
    pub fn status(&self) -> Status {
        match self {
            ApiError::BadRequest(_) => Status::BAD_REQUEST,
            ApiError::Validation(_) => Status::UNPROCESSABLE,
            ApiError::Unauthorized | ApiError::InvalidCredentials => Status::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Csrf => Status::FORBIDDEN,
            ApiError::NotFound => Status::NOT_FOUND,
            ApiError::Conflict(_) | ApiError::Conflicts(_) => Status::CONFLICT,
            ApiError::UnsupportedMediaType => Status::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => Status::TOO_MANY_REQUESTS,
            ApiError::Busy { .. } => Status::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => Status::INTERNAL_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Validation(_) => "validation_failed",
            ApiError::Unauthorized => "unauthorized",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Csrf => "csrf_rejected",
            ApiError::NotFound => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::Conflicts(_) => "scheduling_conflict",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Busy { .. } => "busy",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The message a person reads.
    pub fn message(&self) -> String {
        match self {
            ApiError::BadRequest(m) | ApiError::Forbidden(m) | ApiError::Conflict(m) => m.clone(),
            ApiError::Validation(_) => "Some fields need attention.".into(),
            ApiError::Unauthorized => "Please sign in.".into(),
            ApiError::InvalidCredentials => {
                "That e-mail address and password do not match an active account.".into()
            }
            ApiError::Csrf => {
                "This request was refused because it did not come from the help desk's own pages."
                    .into()
            }
            ApiError::NotFound => "Not found.".into(),
            ApiError::Conflicts(_) => {
                "This clashes with someone's calendar; send \"force\": true to book it anyway."
                    .into()
            }
            ApiError::UnsupportedMediaType => {
                "Send the request body as JSON (Content-Type: application/json).".into()
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                format!("Too many attempts. Try again in {retry_after_secs} seconds.")
            }
            ApiError::Busy { .. } => {
                "The help desk is busy signing people in. Please try again in a moment.".into()
            }
            ApiError::Internal(_) => "Something went wrong on the server. Please try again.".into(),
        }
    }

    pub fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            log::error!("internal error: {detail}");
        }
        let mut error = serde_json::json!({ "code": self.code(), "message": self.message() });
        if let ApiError::Validation(fields) = &self {
            error["fields"] = serde_json::json!(fields);
        }
        if let ApiError::Conflicts(list) = &self {
            error["conflicts"] = list.clone();
        }
        let mut resp = Response::json(self.status(), &serde_json::json!({ "error": error }));
        if let ApiError::TooManyRequests { retry_after_secs }
        | ApiError::Busy { retry_after_secs } = self
        {
            resp = resp.with_header("Retry-After", retry_after_secs.to_string());
        }
        resp
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Internal(detail) => write!(f, "internal: {detail}"),
            other => write!(f, "{}: {}", other.code(), other.message()),
        }
    }
}

impl std::error::Error for ApiError {}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::from(crate::store::StoreError::from(e))
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> ApiError {
        match e {
            crate::store::StoreError::Duplicate(_) => {
                ApiError::Conflict("That already exists.".into())
            }
            // Search expressions are built from quoted tokens
            // (`domain::search_query`), so this should not happen; if it ever
            // does, it is the query's fault and must not read as a server failure.
            other if other.to_string().contains("fts5:") => {
                log::warn!("search query refused by FTS5: {other}");
                ApiError::BadRequest("The search could not be understood; try plain words.".into())
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<crate::domain::ticket_rules::Refusal> for ApiError {
    fn from(r: crate::domain::ticket_rules::Refusal) -> ApiError {
        use crate::domain::ticket_rules::Refusal;
        match r {
            Refusal::Forbidden(m) => ApiError::Forbidden(m),
            Refusal::Conflict(m) => ApiError::Conflict(m),
        }
    }
}

/// The one mapping from `auth/`'s refusals to answers.
impl From<crate::auth::AuthError> for ApiError {
    fn from(e: crate::auth::AuthError) -> ApiError {
        use crate::auth::AuthError;
        match e {
            AuthError::NotSignedIn => ApiError::Unauthorized,
            AuthError::NotStaff => {
                ApiError::Forbidden("This needs an agent or admin account.".into())
            }
            AuthError::NotAdmin => ApiError::Forbidden("This needs an admin account.".into()),
            AuthError::ReadOnlyToken => ApiError::Forbidden(
                "This API token may only read; make a read-and-write token to change things."
                    .into(),
            ),
            AuthError::CrossSite => ApiError::Csrf,
            AuthError::NotJson => ApiError::UnsupportedMediaType,
            AuthError::Store(e) => ApiError::from(e),
        }
    }
}

impl From<crate::auth::password::HashError> for ApiError {
    fn from(e: crate::auth::password::HashError) -> ApiError {
        match e {
            crate::auth::password::HashError::Busy => ApiError::Busy {
                retry_after_secs: 1,
            },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_name_each_field() {
        let mut fields = FieldErrors::new();
        fields.insert("email".into(), "Enter an e-mail address.".into());
        let resp = ApiError::Validation(fields).into_response();
        assert_eq!(resp.status, Status::UNPROCESSABLE);
        let body: serde_json::Value = serde_json::from_slice(resp.body.as_bytes()).unwrap();
        assert_eq!(body["error"]["code"], "validation_failed");
        assert_eq!(body["error"]["fields"]["email"], "Enter an e-mail address.");
    }

    #[test]
    fn a_saturated_password_hasher_is_a_503_with_retry_after() {
        let resp = ApiError::from(crate::auth::password::HashError::Busy).into_response();
        assert_eq!(resp.status, Status::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers.get("retry-after"), Some("1"));
    }

    #[test]
    fn internal_detail_never_reaches_the_client() {
        let resp = ApiError::Internal("disk I/O error at /secret".into()).into_response();
        assert_eq!(resp.status, Status::INTERNAL_ERROR);
        assert!(!String::from_utf8_lossy(resp.body.as_bytes()).contains("secret"));
    }
}

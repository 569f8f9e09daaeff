//! Reading JSON request bodies.
//!
//! [`parse_body`] turns the body into a raw `Deserialize` struct (400 when it is
//! not JSON of that shape). Endpoints then turn the raw struct into domain types,
//! collecting a message per bad field (422) with [`Fields`].

use super::{ApiError, FieldErrors};
use crate::http::Request;
use serde::de::DeserializeOwned;

/// The body as `T`; an empty body reads as `{}` so optional-only bodies may be sent empty.
/// Every body of this API is a JSON object: serde would read a struct whose fields
/// all have defaults from `[]` too, so anything else is refused here first.
pub fn parse_body<T: DeserializeOwned>(req: &Request) -> Result<T, ApiError> {
    let body: &[u8] = if req.body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &req.body
    };
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::BadRequest(
            "The request body must be a JSON object.".into(),
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::BadRequest(format!(
            "The request body is not valid JSON for this call: {e}"
        ))
    })
}

/// For a call that takes no input: an empty body or `{}` passes; anything else
/// (`null`, a list, unknown fields) is the same 400 every other call gives.
pub fn no_body(req: &Request) -> Result<(), ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Nothing {}
    parse_body::<Nothing>(req).map(|_| ())
}

/// Collects per-field validation failures so one answer names every bad field.
#[derive(Default)]
pub struct Fields(FieldErrors);

impl Fields {
    pub fn new() -> Fields {
        Fields::default()
    }

    /// Parses `raw` with `TryFrom`, recording the message under `name` on failure.
    pub fn parse<'a, T: TryFrom<&'a str, Error = String>>(
        &mut self,
        name: &str,
        raw: &'a str,
    ) -> Option<T> {
        match T::try_from(raw) {
            Ok(v) => Some(v),
            Err(m) => {
                self.0.insert(name.to_string(), m);
                None
            }
        }
    }

    /// Records a failure by hand.
    pub fn add(&mut self, name: &str, message: impl Into<String>) {
        self.0.insert(name.to_string(), message.into());
    }

    /// The 422 naming every failed field; use when a required field is missing:
    /// `let (Some(a), Some(b)) = (a, b) else { return Err(fields.error()) };`
    pub fn error(self) -> ApiError {
        ApiError::Validation(self.0)
    }

    /// `Err(422)` when any field failed.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

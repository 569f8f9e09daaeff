//! Attachments: `POST /api/tickets/:number/attachments?name=FILE[&comment=ID]`
//! with the raw file as the body, `GET` and `DELETE /api/attachments/:id`.
//!
//! The upload's body never sits in memory: [`admit`] (called by `App` before a
//! byte of body is read) checks the session, the ticket and the size against
//! the organization's limit, and has the server write the body into
//! `data/attachments/tmp/` as it arrives. [`upload`] then hashes it, checks its
//! type against its first bytes (`domain::attachment`), and keeps it by content
//! (`store::blobs`) in the transaction that inserts its row.
//!
//! # Security
//! - Cross-site uploads: the body is the file, not JSON, so the usual CSRF
//!   rule (JSON content type) cannot apply; `auth::csrf::check_upload` requires
//!   a custom header instead, which a cross-site page cannot send without a
//!   CORS preflight that we never answer.
//! - Downloads pass the same visibility check as the ticket (another
//!   organization, or a ticket the requester may not see: 404), and an
//!   attachment on an internal note is 404 for requesters.
//! - Served with `X-Content-Type-Options: nosniff`, `Content-Security-Policy:
//!   sandbox` (an HTML file opened directly runs no script, with no origin) and
//!   `Content-Disposition: attachment`, except allow-listed raster images, which
//!   are `inline` so the web app can show thumbnails.
//!
//! After the commit, open pages hear `attachment.added` / `attachment.removed`
//! (`news.rs`), with the audience of the file's comment: staff only for a file
//! on an internal note.

use super::guard::require_user;
use super::news::News;
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::assets::etag;
use crate::config::DEFAULT_ATTACHMENT_LIMIT;
use crate::domain::attachment::{detect, FileName, SNIFF_BYTES};
use crate::domain::ticket::TicketNumber;
use crate::domain::ticket_rules;
use crate::domain::Actor;
use crate::http::range::{self, ByteRange};
use crate::http::{FileBody, Request, Response, Status};
use crate::server::SinkSpec;
use crate::store::attachments::{self, NewAttachment};
use crate::store::blobs::{Blobs, Sha256Hex};
use crate::store::now_ms;
use crate::store::tickets::TicketRef;
use rusqlite::Connection;
use serde_json::json;

/// The organization's upload limit: its admin's choice, or 25 MiB, never over
/// the operator's ceiling.
pub fn limit_for(state: &State, conn: &Connection, actor: &Actor) -> Result<u64, ApiError> {
    let chosen = attachments::org_limit(conn, actor)?.unwrap_or(DEFAULT_ATTACHMENT_LIMIT as u64);
    Ok(chosen.min(state.config.attachment_ceiling as u64))
}

/// Before the body is read: who is uploading, to which ticket, and how much
/// they may send. A refusal here is answered without reading the body.
pub fn admit(state: &State, req: &Request) -> Result<SinkSpec, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let limit = state.db.read(|c| {
        find(c, &actor, n)?;
        limit_for(state, c, &actor)
    })?;
    Ok(SinkSpec {
        dir: state.blobs.temp_dir(),
        limit,
    })
}

/// `POST /api/tickets/:number/attachments?name=FILE[&comment=ID]`: 201
/// `{attachment}`.
pub fn upload(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let query = req.query();
    let value = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let name = FileName::parse(value("name").unwrap_or(""))
        .map_err(|e| ApiError::field("name", e.to_string()))?;
    let comment_id = value("comment")
        .map(|v| v.parse::<i64>())
        .transpose()
        .map_err(|_| ApiError::field("comment", "Give the id of a reply on this ticket."))?;
    let upload = match &req.upload {
        Some(upload) if !upload.is_empty() => upload,
        _ => return Err(ApiError::field("file", "The file is empty.")),
    };
    let digested = Blobs::digest(upload.path(), SNIFF_BYTES)
        .map_err(|e| ApiError::Internal(format!("reading an upload: {e}")))?;
    let file_type =
        detect(&name, &digested.head).map_err(|e| ApiError::field("file", e.to_string()))?;
    let new = NewAttachment {
        comment_id,
        name: name.as_str(),
        content_type: file_type.content_type,
        size: upload.len(),
        sha256: &digested.sha256,
    };
    let now = now_ms();
    let _turn = state.blobs.lock();
    let mut placed = false;
    let saved = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        let internal = match comment_id {
            Some(id) => {
                let (author, internal) = attachments::comment_on(tx, &t, id)?
                    .ok_or_else(|| ApiError::field("comment", "No such reply on this ticket."))?;
                if actor.user_id().map(|u| u.0) != Some(author) {
                    return Err(ApiError::Forbidden(
                        "Files can only be added to your own replies.".into(),
                    ));
                }
                internal
            }
            None => false,
        };
        // Adding a file is saying something on the ticket: the reply rules apply.
        ticket_rules::reply(t.relation, t.status, internal)?;
        let row = attachments::insert(tx, &actor, &t, &new, internal, now)?;
        let mut news = News::about(tx, &actor, &t)?;
        news.attachment_added(&row);
        placed = state.blobs.place(upload.path(), &digested.sha256)?;
        Ok::<_, ApiError>((row, news))
    });
    match saved {
        Ok((row, news)) => {
            state.tell(news);
            Ok(Response::json(
                Status::CREATED,
                &json!({ "attachment": row }),
            ))
        }
        Err(e) => {
            // The row did not commit: a file this upload stored is nobody's.
            if placed {
                state.blobs.remove(&digested.sha256);
            }
            Err(e)
        }
    }
}

/// The attachment if the actor may see it: its ticket visible to them, and not
/// on an internal note unless they are staff. Anything else is 404.
fn visible(
    conn: &Connection,
    actor: &Actor,
    req: &Request,
) -> Result<(attachments::Found, TicketRef), ApiError> {
    let id: i64 = req
        .param("id")
        .and_then(|v| v.parse().ok())
        .ok_or(ApiError::NotFound)?;
    let found = attachments::find(conn, actor, id)?.ok_or(ApiError::NotFound)?;
    let t = find(conn, actor, TicketNumber(found.ticket_number))?;
    if found.attachment.internal && !actor.is_staff() {
        return Err(ApiError::NotFound);
    }
    Ok((found, t))
}

/// `GET /api/attachments/:id`: the file, with `ETag`, `If-None-Match` (304) and
/// one `Range` (206, 416).
pub fn download(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let (found, _) = state.db.read(|c| visible(c, &actor, req))?;
    let a = &found.attachment;
    let sha = Sha256Hex::parse(&a.sha256)
        .ok_or_else(|| ApiError::Internal(format!("attachment {} has a bad hash", a.id)))?;
    // The content never changes under an id, so its hash is a strong validator.
    let tag = format!("\"{}\"", sha.as_str());
    let base = |status| {
        Response::empty(status)
            .with_header("ETag", tag.clone())
            // Private: it is someone's file. Revalidated each time, so a
            // permission change takes effect at once (a 304 is cheap).
            .with_header("Cache-Control", "private, no-cache")
            .with_header("Content-Security-Policy", "sandbox")
            .with_header("X-Content-Type-Options", "nosniff")
            .with_header("Accept-Ranges", "bytes")
    };
    if etag::none_match(req.headers.get_all("if-none-match"), &tag) {
        return Ok(base(Status::NOT_MODIFIED));
    }
    let file = std::fs::File::open(state.blobs.path_of(&sha))
        .map_err(|e| ApiError::Internal(format!("attachment {}: {e}", a.id)))?;
    let len = a.size as u64;
    // `If-Range` with another validator: the client's partial copy is stale.
    let wanted = match req.header("if-range") {
        Some(v) if v.trim() != tag => ByteRange::Full,
        _ => range::parse(req.header("range"), len),
    };
    let disposition = disposition(a.content_type.starts_with("image/"), &a.name);
    let (status, start, count) = match wanted {
        ByteRange::Full => (Status::OK, 0, len),
        ByteRange::Part { start, len: n } => (Status::PARTIAL_CONTENT, start, n),
        ByteRange::Unsatisfiable => {
            return Ok(base(Status::RANGE_NOT_SATISFIABLE)
                .with_header("Content-Range", format!("bytes */{len}"))
                .with_header("Content-Type", "application/json")
                .with_body(crate::http::Body::Bytes(
                    br#"{"error":{"code":"range_not_satisfiable","message":"The range is outside the file."}}"#
                        .to_vec(),
                )));
        }
    };
    let body = FileBody::new(file, start, count)
        .map_err(|e| ApiError::Internal(format!("attachment {}: {e}", a.id)))?;
    let mut response = base(status)
        .with_header("Content-Type", a.content_type.clone())
        .with_header("Content-Disposition", disposition)
        .with_body(crate::http::Body::File(body));
    if status == Status::PARTIAL_CONTENT {
        let end = start + count - 1;
        response = response.with_header("Content-Range", format!("bytes {start}-{end}/{len}"));
    }
    Ok(response)
}

/// `DELETE /api/attachments/:id`: 204. The uploader or staff; the file goes
/// with its last reference.
pub fn delete(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let now = now_ms();
    let _turn = state.blobs.lock();
    let (gone, news) = state.db.write(|tx| {
        let (found, t) = visible(tx, &actor, req)?;
        if !actor.is_staff() && actor.user_id().map(|u| u.0) != Some(found.attachment.uploader.id) {
            return Err(ApiError::Forbidden(
                "Only the person who added a file, or the help desk, can remove it.".into(),
            ));
        }
        let mut news = News::about(tx, &actor, &t)?;
        news.attachment_removed(&found.attachment);
        Ok::<_, ApiError>((attachments::delete(tx, &actor, &found, now)?, news))
    })?;
    if let Some(sha) = gone {
        state.blobs.remove(&sha);
    }
    state.tell(news);
    Ok(Response::empty(Status::NO_CONTENT))
}

/// `inline` for images (thumbnails), `attachment` for the rest, with the name
/// in both an ASCII fallback and RFC 8187 UTF-8 (RFC 6266 section 4.3).
fn disposition(inline: bool, name: &str) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disposition_names_the_file_safely_in_ascii_and_utf8() {
        assert_eq!(
            disposition(false, "Rapport été \"final\".pdf"),
            "attachment; filename=\"Rapport _t_ _final_.pdf\"; \
             filename*=UTF-8''Rapport%20%C3%A9t%C3%A9%20%22final%22.pdf"
        );
        assert!(disposition(true, "a.png").starts_with("inline; "));
    }
}

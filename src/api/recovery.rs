//! Accounts that need e-mail: `POST /api/auth/forgot` (a reset link by
//! e-mail), `POST /api/auth/reset` (use it), and `POST /api/invitations` (an
//! admin adds a person and e-mails them the link that sets their password).
//! The links are the one-time links of [`super::onboarding`]; without a relay
//! an admin hands them over instead (`POST /api/users/:id/password-link`).
//!
//! # Security
//! - `forgot` answers the same 202 whether or not the address has an account.
//!   The e-mail is only queued here (the mail thread sends it later), so the
//!   two cases differ by a few small inserts inside one short transaction, not
//!   by a conversation with the relay: the timing does not tell either. It is
//!   throttled per address and IP.
//! - A reset link by e-mail works once and for [`FORGOT_HOURS`] hour; only the
//!   SHA-256 of its token is stored (see `store::password_links`).

use super::json::parse_body;
use super::onboarding::{add_person, make_link_at};
use super::{ApiError, State};
use crate::domain::notify::one_line;
use crate::http::{Request, Response, Status};
use crate::mail::{domain_of, new_message_id};
use crate::store::mail::{self as outbox, NewMail, SmtpSettings};
use crate::store::{orgs, users};
use serde::Deserialize;
use serde_json::json;

/// How long a reset link sent by e-mail works.
pub const FORGOT_HOURS: i64 = 1;

#[derive(Deserialize)]
struct ForgotBody {
    #[serde(default)]
    email: String,
}

/// `POST /api/auth/forgot {email}` (anyone): always 202 `{queued: true}`.
pub fn forgot(state: &State, req: &Request) -> Result<Response, ApiError> {
    let body: ForgotBody = parse_body(req)?;
    let email = body.email.trim().to_lowercase();
    if email.is_empty() || email.len() > 254 {
        return Err(ApiError::field("email", "Give your e-mail address."));
    }
    let ip = req.peer.ip();
    state
        .signup_throttle
        .check(Some(&email), ip)
        .map_err(|secs| ApiError::TooManyRequests {
            retry_after_secs: secs,
        })?;
    // Counted as a failure: every request, so a script cannot flood an inbox.
    state.signup_throttle.failed(Some(&email), ip);
    let now = state.now_ms();
    let queued = state.db.write(|tx| {
        let Some((user, _)) = users::credentials(tx, &email)?.filter(|(u, _)| u.active) else {
            return Ok::<_, ApiError>(false);
        };
        let Some(relay) = outbox::settings(tx, user.org_id)? else {
            return Ok(false);
        };
        let link = make_link_at(tx, user.id, "reset", FORGOT_HOURS, now, false)?;
        let path = link["path"]
            .as_str()
            .unwrap_or_default()
            .replacen("/welcome", "/reset", 1);
        let base = state.notifier.link_base(&relay.link_base);
        let org = orgs::of_user_org(tx, user.org_id)?;
        let lines = [
            format!("Hello {},", one_line(&user.name)),
            format!(
                "someone (we hope it was you) asked to reset your password for the {} help desk. \
                 The link below works once, for one hour. If you did not ask, ignore this e-mail: \
                 your password stays as it is.",
                one_line(&org.name)
            ),
        ];
        let subject = "Reset your help desk password";
        queue_link(
            tx,
            &relay,
            &user,
            subject,
            &lines,
            &format!("{base}{path}"),
            now,
        )?;
        Ok(true)
    })?;
    if queued {
        state.notifier.mail.nudge();
    }
    Ok(Response::json(Status::ACCEPTED, &json!({ "queued": true })))
}

/// Queues an e-mail carrying a one-time link to `user`, due at once.
fn queue_link(
    tx: &rusqlite::Connection,
    relay: &SmtpSettings,
    user: &users::User,
    subject: &str,
    lines: &[String],
    link: &str,
    now: i64,
) -> Result<(), ApiError> {
    outbox::enqueue(
        tx,
        &NewMail {
            org: user.org_id,
            to_addr: &user.email,
            to_name: &user.name,
            subject,
            lines,
            link,
            merge_key: None,
            thread_id: None,
            message_id: &new_message_id(&domain_of(&relay.sender)),
            now,
            send_after: now,
        },
    )?;
    Ok(())
}

/// `POST /api/auth/reset {token, password}` (anyone): sets the password
/// through a reset (or invitation) link and signs in; as
/// `POST /api/password-links/use`.
pub fn reset(state: &State, req: &Request) -> Result<Response, ApiError> {
    super::onboarding::use_link(state, req)
}

/// `POST /api/invitations {name, email, role, tier?}` (admin): creates the
/// person and e-mails them their invitation link when a relay is set:
/// 201 `{user, link, emailed}`. Without a relay the admin hands `link` over.
pub fn invite(state: &State, req: &Request) -> Result<Response, ApiError> {
    let (actor, user, link) = add_person(state, req)?;
    let now = state.now_ms();
    let path = link["path"].as_str().unwrap_or_default().to_string();
    let emailed = state.db.write(|tx| {
        let Some(relay) = outbox::settings(tx, actor.org_id)? else {
            return Ok::<_, ApiError>(false);
        };
        let org = orgs::of_user_org(tx, actor.org_id)?;
        let who = match actor.user_id() {
            Some(me) => users::get(tx, &actor, me)?.map(|u| u.name),
            None => None,
        }
        .unwrap_or_else(|| "An administrator".into());
        let lines = [
            format!("Hello {},", one_line(&user.name)),
            format!(
                "{} invited you to the {} help desk. Open the link below to choose your \
                 password; it works once.",
                one_line(&who),
                one_line(&org.name)
            ),
        ];
        let base = state.notifier.link_base(&relay.link_base);
        let subject = format!("You are invited to the {} help desk", one_line(&org.name));
        queue_link(
            tx,
            &relay,
            &user,
            &subject,
            &lines,
            &format!("{base}{path}"),
            now,
        )?;
        Ok(true)
    })?;
    if emailed {
        state.notifier.mail.nudge();
    }
    Ok(Response::json(
        Status::CREATED,
        &json!({ "user": user, "link": link, "emailed": emailed }),
    ))
}

//! `POST /api/chats {category_id, message}`: "Chat with IT now". A requester picks
//! a category and types a first message; this files a ticket with it and the web
//! app opens the ticket's chat window. The chat *is* the ticket's conversation,
//! so nothing here is a separate kind of record.
//!
//! The ticket's title is the start of the message ([`Title::from_message`]), its
//! description the whole message, its priority the category's default and its
//! contact the person's profile. The category's questions are waived: someone
//! who asks for a chat wants to talk, and staff ask what they need in the chat
//! (the answers can still be filled in on the ticket later).

use super::guard::require_user;
use super::json::{parse_body, Fields};
use super::tickets::file;
use super::{ApiError, State};
use crate::domain::ticket::{Description, Priority, Title};
use crate::http::{Request, Response};
use crate::store::categories;
use crate::store::tickets::{self, NewTicket};
use serde::Deserialize;

#[derive(Deserialize)]
struct ChatBody {
    category_id: Option<i64>,
    #[serde(default)]
    message: String,
}

/// `POST /api/chats`: 201 with the new ticket (the Ticket shape).
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let body: ChatBody = parse_body(req)?;
    let mut fields = Fields::new();
    let description = Description::try_from(body.message.as_str())
        .map_err(|e| fields.add("message", e.replace("a description", "a message")))
        .ok();
    let title = Title::from_message(&body.message);
    let category_id = body.category_id.unwrap_or(0);
    let (category, contact) = state.db.read(|c| {
        let category = categories::get(c, &actor, category_id)?.filter(|c| c.active);
        Ok::<_, ApiError>((category, tickets::profile_contact(c, &actor)?))
    })?;
    if category.is_none() {
        fields.add("category_id", "Choose a category.");
    }
    fields.finish()?;
    let (Some(category), Some(description), Some(title)) = (category, description, title) else {
        return Err(ApiError::field("message", "Enter a message."));
    };
    let new = NewTicket {
        category_id: category.id,
        title,
        description,
        priority: Priority::try_from(category.default_priority).unwrap_or(Priority::Normal),
        answers: Vec::new(),
        contact,
    };
    file(state, &actor, &new)
}

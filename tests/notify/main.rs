//! Integration tests for notifications (issue 16): the bell, preferences, and
//! e-mail through a real SMTP server (`sink`, Python's aiosmtpd) with the
//! server's clock in the test's hand for merging and back-off.

#[path = "../support/mod.rs"]
mod support;

#[path = "../tickets/helpers.rs"]
#[allow(dead_code)]
mod helpers;

#[path = "../live/stream.rs"]
#[allow(dead_code)]
mod stream;

mod accounts;
mod bell;
mod email;
mod sink;

//! helpdesk: a self-hosted IT help desk in one binary.
//!
//! The crate is layered; each layer only calls the ones below it:
//! `main -> server -> router -> api -> jobs -> (store, auth) -> domain`, and everyone may
//! use `http` types.
//!
//! - `http` depends on nothing of ours; `server` knows only `http` (and `config`)
//!   and takes a `Handler`.
//! - `api` is the only layer that knows both HTTP and the help desk: it parses
//!   and validates input before any write, gets the actor from `api::guard`,
//!   asks `domain` for the rules, calls `store`, and composes the JSON.
//! - `auth` knows the database (sessions) but not `api`: it answers its own
//!   `AuthError`, which `api` maps to a response.
//! - `store` holds all SQL and returns typed rows; it knows `domain`, not `auth`.
//! - `jobs` is the background thread for timed work (waiting tickets, SLA
//!   marks), acting as the system actor, plus a second one of the same kind
//!   that sends the e-mail outbox; `api` nudges them.
//! - `mail` turns an outbox row into a MIME message and talks to the SMTP relay
//!   (`lettre`, blocking, rustls); `jobs` and `api` call it.
//! - `domain` knows nothing of ours but itself: `Actor` (a person or the system
//!   actor), statuses and who may move them, assignment and reply rules.
//!
//! Read `http` then `server` to learn how the HTTP/1.1 server works.

pub mod api;
pub mod assets;
pub mod auth;
pub mod config;
pub mod domain;
pub mod http;
pub mod jobs;
pub mod live;
pub mod mail;
pub mod markdown;
pub mod router;
pub mod server;
pub mod store;
pub mod tls;

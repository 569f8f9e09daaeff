//! helpdesk: a self-hosted IT help desk in one binary.
//!
//! The crate is layered; each layer only calls the ones below it:
//! `main -> server -> router -> api -> (domain, store, auth) -> http`.
//! Read `http` then `server` to learn how the HTTP/1.1 server works.

pub mod api;
pub mod assets;
pub mod auth;
pub mod config;
pub mod domain;
pub mod http;
pub mod markdown;
pub mod router;
pub mod server;
pub mod store;

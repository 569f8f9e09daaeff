//! The API layer: the only code that knows both HTTP and the help desk.
//!
//! [`App`] is the [`Handler`] the server calls. For each request it:
//! 1. sends `/api/...` and `/healthz` through the [`Router`] to an [`Endpoint`],
//!    and answers unknown API paths with a JSON 404 (or 405 with `Allow`);
//! 2. serves every other `GET` from the embedded frontend ([`Assets`]), falling back
//!    to `index.html` so the web app owns its own URLs.
//!
//! An endpoint is a plain function: parse and validate input (before any write
//! transaction starts), get the actor from a [`guard`], ask `domain` for the
//! rules, call `store` (which returns typed rows), compose the response shape
//! (adding the viewer's `can`), and return a `Response` or an [`ApiError`].
//! One file per resource. `auth/` and `store/` never see `ApiError` or `State`:
//! their errors are mapped here, in `error.rs`.

pub mod audit;
pub mod auth;
pub mod bulk;
pub mod canned;
pub mod categories;
pub mod comments;
pub mod csv;
pub mod error;
pub mod guard;
pub mod health;
pub mod history;
pub mod hosts;
pub mod json;
pub mod me;
pub mod merge;
pub mod onboarding;
pub mod openapi;
pub mod org;
pub mod people;
pub mod satisfaction;
pub mod setup;
pub mod tasks;
pub mod ticket_delete;
pub mod ticket_status;
pub mod tickets;
pub mod time_spent;
pub mod tokens;
pub mod users;
pub mod views;
pub mod watchers;

pub use error::{ApiError, FieldErrors};

use crate::assets::Assets;
use crate::auth::hasher::Hasher;
use crate::auth::rate::{OrgCreationRate, SignInRate};
use crate::auth::throttle::Throttle;
use crate::config::Config;
use crate::http::{Method, Request, Response, Status};
use crate::router::{allow_header, Match, Router};
use crate::server::Handler;
use crate::store::Db;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Shared state every endpoint can reach. The [`App`] holds it in an `Arc` so
/// threads other than the workers (background jobs, the event hub) can reach the
/// database too: `Db` opens one connection per thread.
pub struct State {
    pub config: Config,
    pub started: Instant,
    pub db: Db,
    /// The first-run setup token: `config.setup_token`, or random per start.
    pub setup_token: String,
    /// Failed sign-ins, per account and per address.
    pub login_throttle: Throttle,
    /// Failed registrations (wrong join codes, taken e-mails), per address.
    pub signup_throttle: Throttle,
    /// Every sign-in attempt, per account and per address (see `auth::rate`).
    pub sign_in_rate: SignInRate,
    /// Organizations created, per address.
    pub org_rate: OrgCreationRate,
    /// Password hashing, bounded by the worker count (see `auth::hasher`).
    pub hasher: Hasher,
    /// The `Host` names API requests may use; set once the server is bound.
    pub hosts: OnceLock<hosts::AllowedHosts>,
}

/// An API endpoint.
pub type Endpoint = fn(&State, &Request) -> Result<Response, ApiError>;

/// The help desk as a [`Handler`].
pub struct App {
    router: Router<Endpoint>,
    assets: Assets,
    state: Arc<State>,
}

impl App {
    /// Builds the application: routes, assets, state. Fails when the data
    /// directory or database cannot be opened.
    pub fn new(config: Config) -> Result<App, String> {
        let assets = match &config.public_dir {
            Some(dir) => Assets::from_dir(dir.clone()),
            None => Assets::embedded(),
        };
        let db = Db::open(&config.data_dir, config.sync_full).map_err(|e| e.to_string())?;
        let setup_token = config
            .setup_token
            .clone()
            .unwrap_or_else(crate::auth::random_token);
        Ok(App {
            router: routes(),
            assets,
            state: Arc::new(State {
                started: Instant::now(),
                db,
                setup_token,
                login_throttle: Throttle::new(),
                signup_throttle: Throttle::new(),
                sign_in_rate: SignInRate::default(),
                org_rate: OrgCreationRate::default(),
                hasher: Hasher::new(config.workers),
                hosts: OnceLock::new(),
                config,
            }),
        })
    }

    /// Shared state, for `main` (the setup link), tests, and the threads that
    /// work beside the server (clone the `Arc`).
    pub fn state(&self) -> &Arc<State> {
        &self.state
    }

    /// Tells the app where the server listens, so it knows which `Host` names
    /// are its own (see [`hosts`]). Call once, after binding and before serving.
    pub fn listening_on(&self, local: SocketAddr) {
        let printed = crate::server::addresses_to_open(local);
        let allowed =
            hosts::AllowedHosts::new(local, &printed, self.state.config.public_url.as_deref());
        let _ = self.state.hosts.set(allowed);
    }

    /// The route table, for the OpenAPI coverage test.
    pub fn router(&self) -> &Router<Endpoint> {
        &self.router
    }
}

/// Every API route, in one table a reader can scan.
pub fn routes() -> Router<Endpoint> {
    let mut r: Router<Endpoint> = Router::new();
    r.add(Method::Get, "/healthz", health::healthz);
    r.add(Method::Get, "/api/openapi.json", openapi::document);
    // Accounts and organizations.
    r.add(Method::Get, "/api/setup", setup::status)
        .add(Method::Post, "/api/setup", setup::create)
        .add(Method::Post, "/api/auth/register", auth::register)
        .add(Method::Post, "/api/auth/login", auth::login)
        .add(Method::Post, "/api/auth/logout", auth::logout)
        .add(Method::Get, "/api/me", me::show)
        .add(Method::Patch, "/api/me", me::update)
        .add(Method::Post, "/api/me/password", me::change_password)
        .add(Method::Get, "/api/me/tokens", tokens::list_mine)
        .add(Method::Post, "/api/me/tokens", tokens::create)
        .add(Method::Delete, "/api/me/tokens/:id", tokens::revoke_mine)
        .add(Method::Get, "/api/audit", audit::list)
        .add(Method::Get, "/api/audit.csv", audit::export)
        .add(Method::Get, "/api/tokens", tokens::list_all)
        .add(Method::Delete, "/api/tokens/:id", tokens::revoke_any)
        .add(Method::Get, "/api/users", users::list)
        .add(Method::Post, "/api/users", onboarding::create_user)
        .add(Method::Patch, "/api/users/:id", users::update)
        .add(
            Method::Post,
            "/api/users/:id/password-link",
            onboarding::reset_link,
        )
        .add(Method::Post, "/api/password-links/check", onboarding::check)
        .add(
            Method::Post,
            "/api/password-links/use",
            onboarding::use_link,
        )
        .add(Method::Get, "/api/agents", users::agents)
        .add(Method::Get, "/api/people", people::search)
        .add(Method::Get, "/api/org", org::show)
        .add(Method::Patch, "/api/org", org::update)
        .add(Method::Post, "/api/org/join-code", org::rotate_join_code)
        .add(Method::Post, "/api/organizations", org::create);
    ticket_routes(&mut r);
    r
}

/// The help desk itself: categories, tickets and everything inside a ticket.
fn ticket_routes(r: &mut Router<Endpoint>) {
    use Method::{Delete, Get, Patch, Post};
    r.add(Get, "/api/categories", categories::list);
    r.add(Post, "/api/categories", categories::create);
    r.add(Patch, "/api/categories/:id", categories::update);
    r.add(Delete, "/api/categories/:id", categories::delete);
    r.add(Get, "/api/canned-replies", canned::list);
    r.add(Post, "/api/canned-replies", canned::create);
    r.add(Patch, "/api/canned-replies/:id", canned::update);
    r.add(Delete, "/api/canned-replies/:id", canned::delete);
    r.add(Get, "/api/tickets", tickets::list);
    r.add(Post, "/api/tickets", tickets::create);
    r.add(Post, "/api/tickets/bulk", bulk::apply);
    r.add(Get, "/api/tickets/:number", tickets::get);
    r.add(Patch, "/api/tickets/:number", tickets::update);
    r.add(Delete, "/api/tickets/:number", ticket_delete::delete);
    r.add(
        Post,
        "/api/tickets/:number/status",
        ticket_status::set_status,
    );
    r.add(Post, "/api/tickets/:number/assign", ticket_status::assign);
    r.add(
        Post,
        "/api/tickets/:number/escalate",
        ticket_status::escalate,
    );
    r.add(Post, "/api/tickets/:number/watchers", watchers::add);
    r.add(
        Delete,
        "/api/tickets/:number/watchers/:user_id",
        watchers::remove,
    );
    r.add(Get, "/api/tickets/:number/comments", comments::list);
    r.add(Post, "/api/tickets/:number/comments", comments::create);
    r.add(Get, "/api/tickets/:number/tasks", tasks::list);
    r.add(Post, "/api/tickets/:number/tasks", tasks::create);
    r.add(Patch, "/api/tickets/:number/tasks/:id", tasks::update);
    r.add(Delete, "/api/tickets/:number/tasks/:id", tasks::delete);
    r.add(Get, "/api/tickets/:number/history", history::list);
    r.add(Post, "/api/tickets/:number/rating", satisfaction::rate);
    r.add(Post, "/api/tickets/:number/merge", merge::merge);
    r.add(Post, "/api/tickets/:number/links", merge::link);
    r.add(Delete, "/api/tickets/:number/links/:other", merge::unlink);
    r.add(
        Get,
        "/api/tickets/:number/canned-replies",
        canned::for_ticket,
    );
    r.add(Get, "/api/tickets/:number/time", time_spent::list);
    r.add(Post, "/api/tickets/:number/time", time_spent::add);
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path == "/healthz"
}

impl Handler for App {
    fn admit(&self, request: &Request, default: usize) -> Result<usize, Response> {
        if !is_api(request.path()) {
            return Ok(default);
        }
        match self.router.lookup(request.method, request.path()) {
            Match::Found { body_limit, .. } => Ok(body_limit.unwrap_or(default)),
            _ if request.method == Method::Options => Ok(default),
            // Unknown routes are answered before their body is read (a rare
            // path, and the request has no body yet, so the copy is cheap).
            _ => Err(self.handle_api(request.clone())),
        }
    }

    fn handle(&self, request: Request) -> Response {
        if is_api(request.path()) {
            return self.handle_api(request);
        }
        match request.method {
            Method::Get | Method::Head => self.assets.serve(&request),
            Method::Options => {
                Response::empty(Status::NO_CONTENT).with_header("Allow", "GET, HEAD, OPTIONS")
            }
            _ => Response::error(
                Status::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "This page only answers GET.",
            )
            .with_header("Allow", "GET, HEAD, OPTIONS"),
        }
    }
}

impl App {
    /// Answers an API call. Every answer is `Cache-Control: no-store` unless the
    /// endpoint chose its own (the OpenAPI document does): API answers carry
    /// personal data that no browser or proxy cache should keep.
    fn handle_api(&self, request: Request) -> Response {
        let response = self.route_api(request);
        if response.headers.contains("Cache-Control") {
            response
        } else {
            response.with_header("Cache-Control", "no-store")
        }
    }

    fn route_api(&self, mut request: Request) -> Response {
        if request.method == Method::Options {
            let allow = self.router.allowed(request.path());
            if allow.is_empty() {
                return ApiError::NotFound.into_response();
            }
            return Response::empty(Status::NO_CONTENT).with_header("Allow", allow_header(&allow));
        }
        match self.router.lookup(request.method, request.path()) {
            Match::Found {
                handler, params, ..
            } => {
                // Only under our own host names (DNS rebinding), then every
                // state-changing call, sign-in included, passes CSRF, except a
                // script's bearer-token call: it carries no cookie, so no other
                // site can make it for the user (see `auth::bearer`).
                if let Err(refused) = hosts::check(self.state.hosts.get(), &request) {
                    return refused;
                }
                if !crate::auth::bearer::is_bearer_only(&request) {
                    if let Err(e) = crate::auth::csrf::check(&request) {
                        return ApiError::from(e).into_response();
                    }
                }
                request.params = params;
                handler(&self.state, &request).unwrap_or_else(ApiError::into_response)
            }
            Match::MethodNotAllowed { allow } => Response::error(
                Status::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                &format!("This address answers {}.", allow_header(&allow)),
            )
            .with_header("Allow", allow_header(&allow)),
            Match::NotFound => {
                Response::error(Status::NOT_FOUND, "not_found", "No such API endpoint.")
            }
            Match::BadPath => Response::error(
                Status::BAD_REQUEST,
                "bad_path",
                "The path has an invalid percent-escape.",
            ),
        }
    }
}

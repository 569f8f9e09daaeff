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

pub mod appointments;
pub mod articles;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod availability;
pub mod bulk;
pub mod calendar;
pub mod canned;
pub mod categories;
pub mod chats;
pub mod comments;
pub mod csv;
pub mod error;
pub mod events;
pub mod guard;
pub mod health;
pub mod history;
pub mod hosts;
pub mod json;
pub mod me;
pub mod merge;
pub mod metrics;
pub mod news;
pub mod notifications;
pub mod notify;
pub mod onboarding;
pub mod openapi;
pub mod org;
pub mod people;
pub mod presence;
pub mod recovery;
pub mod reports;
pub mod satisfaction;
pub mod schedules;
pub mod search;
pub mod setup;
pub mod sla;
pub mod smtp;
pub mod tasks;
pub mod ticket_delete;
pub mod ticket_status;
pub mod tickets;
pub mod tickets_csv;
pub mod time_spent;
pub mod tokens;
pub mod traffic;
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
use crate::jobs::{Clock, Jobs, SystemClock};
use crate::live::{LiveHub, Presence};
use crate::router::{allow_header, Match, Router};
use crate::server::{Admission, Handler, StreamHub};
use crate::store::blobs::Blobs;
use crate::store::Db;
use events::StreamKey;
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
    /// The server's stream hub: owns the event streams' sockets. Give it to the
    /// server with `Server::with_stream_hub(app.stream_hub())`.
    pub streams: StreamHub,
    /// Who listens to the organization's live events, and the replay logs.
    pub live: Arc<LiveHub<StreamKey>>,
    /// Who has a ticket open and who is typing: in memory only.
    pub presence: Presence,
    /// Requests by route and status class, and their latency, for `/metrics`.
    pub traffic: traffic::Traffic,
    /// The server's connection and queue figures, for `/metrics`; set once the
    /// server is bound ([`App::watch_server`]).
    pub server: OnceLock<crate::server::Stats>,
    /// Every sign-in attempt, per account and per address (see `auth::rate`).
    pub sign_in_rate: SignInRate,
    /// Organizations created, per address.
    pub org_rate: OrgCreationRate,
    /// Password hashing, bounded by the worker count (see `auth::hasher`).
    pub hasher: Hasher,
    /// The `Host` names API requests may use; set once the server is bound.
    pub hosts: OnceLock<hosts::AllowedHosts>,
    /// Attachment files, by content (`data/attachments/`).
    pub blobs: Blobs,
    /// Where "now" comes from for timed decisions (automatic assignment); a
    /// `ManualClock` in tests.
    pub clock: Arc<dyn Clock>,
    /// The server's time zone: organizations that set none compute in it.
    pub server_zone: jiff::tz::TimeZone,
    /// The jobs thread, to nudge after changes that may make work due.
    pub jobs: Jobs,
    /// Notifications: the bell, its live count, and the e-mail outbox (whose
    /// thread is `notifier.mail`).
    pub notifier: notify::Notifier,
}

impl State {
    /// The current time from [`State::clock`], as UTC Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
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
    /// Builds the application: routes, assets, state, and starts the jobs
    /// thread (stopped by [`App::shutdown`] or when the app is dropped). Fails
    /// when the data directory or database cannot be opened.
    pub fn new(config: Config) -> Result<App, String> {
        App::with_clock(config, Arc::new(SystemClock))
    }

    /// [`App::new`] with another clock: tests pass a
    /// [`ManualClock`](crate::jobs::ManualClock) and drive the jobs thread with
    /// [`Jobs::run_pass`].
    pub fn with_clock(config: Config, clock: Arc<dyn Clock>) -> Result<App, String> {
        let assets = match &config.public_dir {
            Some(dir) => Assets::from_dir(dir.clone()),
            None => Assets::embedded(),
        };
        let server_zone = server_zone(config.time_zone.as_deref());
        let db = Db::open(&config.data_dir, config.sync_full)
            .map_err(|e| e.to_string())?
            .with_server_zone(crate::domain::zone::zone_name(&server_zone));
        let blobs = Blobs::new(&config.data_dir);
        // No upload is under way before we serve: what is left in the arrival
        // folder was cut short by a crash, and a stored file no row names was
        // left by a crash before its commit or by a demo reset.
        blobs.sweep_temp();
        let orphans = db
            .read(|c| blobs.remove_unreferenced(c))
            .map_err(|e| e.to_string())?;
        if orphans > 0 {
            log::info!("removed {orphans} attachment files no attachment names");
        }
        let setup_token = config
            .setup_token
            .clone()
            .unwrap_or_else(crate::auth::random_token);
        let streams = StreamHub::new(&config.limits).map_err(|e| e.to_string())?;
        let live = Arc::new(events::live_hub(&streams));
        let mail = Jobs::start_named(
            "mail",
            vec![Box::new(crate::jobs::mail::MailJob::new(db.clone()))],
            Arc::clone(&clock),
        )
        .map_err(|e| format!("cannot start the mail thread: {e}"))?;
        let notifier = notify::Notifier {
            db: db.clone(),
            live: Arc::clone(&live),
            mail,
            public_url: config.public_url.clone(),
        };
        let sla_marks = {
            let notifier = notifier.clone();
            crate::jobs::sla::SlaJob::new(Box::new(move |now| {
                sla::fire_marks(&notifier, now).map(|(_, next)| next)
            }))
        };
        let assigned = {
            let notifier = notifier.clone();
            let hook: crate::jobs::assign::OnAssigned =
                Box::new(move |org, done, now| notifier.assigned(org, done, now));
            hook
        };
        let jobs = Jobs::start(
            vec![
                Box::new(crate::jobs::assign::AssignJob::new(
                    db.clone(),
                    server_zone.clone(),
                    assigned,
                )),
                Box::new(sla_marks),
            ],
            Arc::clone(&clock),
        )
        .map_err(|e| format!("cannot start the jobs thread: {e}"))?;
        let router = routes();
        let traffic = traffic::Traffic::new(router.routes());
        let state = Arc::new(State {
            started: Instant::now(),
            db,
            setup_token,
            login_throttle: Throttle::new(),
            signup_throttle: Throttle::new(),
            clock,
            server_zone,
            jobs,
            notifier,
            sign_in_rate: SignInRate::default(),
            org_rate: OrgCreationRate::default(),
            hasher: Hasher::new(config.workers),
            hosts: OnceLock::new(),
            blobs,
            config,
            streams,
            live,
            presence: Presence::default(),
            traffic,
            server: OnceLock::new(),
        });
        events::forget_closed_streams(&state);
        Ok(App {
            router,
            assets,
            state,
        })
    }

    /// The stream hub the server must use (`Server::with_stream_hub`), so the
    /// streams this application opens are the ones the server serves.
    pub fn stream_hub(&self) -> StreamHub {
        self.state.streams.clone()
    }

    /// Stops the jobs and mail threads (after the server stopped serving).
    pub fn shutdown(&self) {
        self.state.jobs.shutdown();
        self.state.notifier.mail.shutdown();
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

    /// Lets `/metrics` show the server's connections and queue. Call once,
    /// after binding (and after `with_stream_hub`).
    pub fn watch_server(&self, stats: crate::server::Stats) {
        let _ = self.state.server.set(stats);
    }

    /// The route table, for the OpenAPI coverage test.
    pub fn router(&self) -> &Router<Endpoint> {
        &self.router
    }
}

/// The server's zone: the configured one, else the host's (`/etc/timezone`,
/// the `/etc/localtime` link), else UTC. Only names the bundled database knows
/// count, so every host computes alike.
pub fn server_zone(configured: Option<&str>) -> jiff::tz::TimeZone {
    use crate::domain::zone::parse_time_zone;
    if let Some(name) = configured {
        match parse_time_zone(name) {
            Ok(tz) => return tz,
            Err(e) => log::warn!("HELPDESK_TIME_ZONE/TZ ignored: {e}"),
        }
    }
    let from_file = std::fs::read_to_string("/etc/timezone").ok();
    let from_link = std::fs::read_link("/etc/localtime").ok().and_then(|p| {
        let p = p.to_string_lossy().into_owned();
        p.split_once("zoneinfo/").map(|(_, name)| name.to_string())
    });
    [from_file, from_link]
        .into_iter()
        .flatten()
        .find_map(|name| parse_time_zone(&name).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC)
}

/// Every API route, in one table a reader can scan.
pub fn routes() -> Router<Endpoint> {
    let mut r: Router<Endpoint> = Router::new();
    r.add(Method::Get, "/healthz", health::healthz);
    r.add(Method::Get, "/api/openapi.json", openapi::document);
    r.add(Method::Get, "/metrics", metrics::metrics);
    // Accounts and organizations.
    r.add(Method::Get, "/api/setup", setup::status)
        .add(Method::Post, "/api/setup", setup::create)
        .add(Method::Post, "/api/auth/register", auth::register)
        .add(Method::Post, "/api/auth/login", auth::login)
        .add(Method::Post, "/api/auth/logout", auth::logout)
        .add(Method::Post, "/api/auth/forgot", recovery::forgot)
        .add(Method::Post, "/api/auth/reset", recovery::reset)
        .add(Method::Post, "/api/invitations", recovery::invite)
        .add(Method::Get, "/api/notifications", notifications::list)
        .add(
            Method::Post,
            "/api/notifications/read",
            notifications::mark_read,
        )
        .add(
            Method::Get,
            "/api/me/notification-settings",
            notifications::get_settings,
        )
        .add(
            Method::Put,
            "/api/me/notification-settings",
            notifications::put_settings,
        )
        .add(Method::Get, "/api/settings/smtp", smtp::get)
        .add(Method::Put, "/api/settings/smtp", smtp::put)
        .add(Method::Post, "/api/settings/smtp/test", smtp::test)
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
        .add(Method::Get, "/api/users/:id/schedule", schedules::show)
        .add(Method::Put, "/api/users/:id/schedule", schedules::update)
        .add(Method::Get, "/api/users/:id/time-off", schedules::time_off)
        .add(
            Method::Post,
            "/api/users/:id/time-off",
            schedules::add_time_off,
        )
        .add(
            Method::Delete,
            "/api/users/:id/time-off/:time_off_id",
            schedules::delete_time_off,
        )
        .add(Method::Put, "/api/me/availability", availability::switch)
        .add(Method::Get, "/api/availability", availability::board)
        .add(Method::Get, "/api/people", people::search)
        .add(Method::Get, "/api/org", org::show)
        .add(Method::Patch, "/api/org", org::update)
        .add(Method::Post, "/api/org/join-code", org::rotate_join_code)
        .add(Method::Post, "/api/organizations", org::create)
        .add(Method::Get, "/api/business-hours", sla::get_business_hours)
        .add(Method::Put, "/api/business-hours", sla::put_business_hours)
        .add(Method::Get, "/api/sla", sla::get_sla)
        .add(Method::Put, "/api/sla", sla::put_sla);
    // Live updates and chat.
    r.add(Method::Get, "/api/events", events::stream)
        .add(Method::Post, "/api/chats", chats::create)
        .add(
            Method::Post,
            "/api/tickets/:number/typing",
            presence::typing,
        )
        .add(
            Method::Post,
            "/api/tickets/:number/presence",
            presence::presence,
        );
    ticket_routes(&mut r);
    calendar_routes(&mut r);
    knowledge_routes(&mut r);
    report_routes(&mut r);
    r
}

/// The staff calendar: appointments, the window the views draw, and the
/// personal iCalendar feeds (outside `/api/`: calendar apps subscribe to them).
fn calendar_routes(r: &mut Router<Endpoint>) {
    use Method::{Delete, Get, Patch, Post};
    r.add(Get, "/api/calendar", calendar::show);
    r.add(Post, "/api/appointments", appointments::create);
    r.add(Patch, "/api/appointments/:id", appointments::update);
    r.add(Delete, "/api/appointments/:id", appointments::cancel);
    r.add(
        Get,
        "/api/tickets/:number/appointments",
        appointments::for_ticket,
    );
    r.add(Get, "/api/me/calendar-feed", calendar::feed_status);
    r.add(Post, "/api/me/calendar-feed", calendar::rotate_feed);
    r.add(Delete, "/api/me/calendar-feed", calendar::delete_feed);
    r.add(Get, "/cal/:file", calendar::feed);
}

/// The knowledge base, the one search and the editor's preview.
fn knowledge_routes(r: &mut Router<Endpoint>) {
    use Method::{Delete, Get, Patch, Post};
    r.add(Get, "/api/search", search::search);
    r.add(Post, "/api/markdown", search::preview);
    r.add(Get, "/api/articles", articles::list);
    r.add(Post, "/api/articles", articles::create);
    // Before `/api/articles/:id`: routes match in order.
    r.add(Get, "/api/articles/suggest", articles::suggest);
    r.add(Get, "/api/articles/:id", articles::get);
    r.add(Patch, "/api/articles/:id", articles::update);
    r.add(Delete, "/api/articles/:id", articles::delete);
    r.add(Get, "/api/articles/:id/revisions", articles::revisions);
    r.add(
        Post,
        "/api/articles/:id/revisions/:revision/restore",
        articles::restore,
    );
    r.add(Post, "/api/articles/:id/solved", articles::solved);
    r.add(Post, "/api/tickets/:number/article", articles::from_ticket);
}

/// Reports for staff: the dashboard's figures and their CSV files.
fn report_routes(r: &mut Router<Endpoint>) {
    use Method::Get;
    r.add(Get, "/api/reports/summary", reports::summary);
    r.add(Get, "/api/reports/series", reports::series);
    r.add(Get, "/api/reports/summary.csv", reports::summary_csv);
    r.add(Get, "/api/reports/series.csv", reports::series_csv);
    r.add(Get, "/api/reports/breakdown.csv", reports::breakdown_csv);
    r.add(Get, "/api/tickets.csv", tickets_csv::download);
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
    r.add(Patch, "/api/tickets/:number/comments/:id", comments::update);
    r.add(Get, "/api/tickets/:number/tasks", tasks::list);
    r.add(Post, "/api/tickets/:number/tasks", tasks::create);
    r.add(Patch, "/api/tickets/:number/tasks/:id", tasks::update);
    r.add(Delete, "/api/tickets/:number/tasks/:id", tasks::delete);
    r.add(Get, "/api/tickets/:number/history", history::list);
    r.add_sink(
        Post,
        "/api/tickets/:number/attachments",
        attachments::upload,
    );
    r.add(Get, "/api/attachments/:id", attachments::download);
    r.add(Delete, "/api/attachments/:id", attachments::delete);
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
    r.add(Method::Put, "/api/tickets/:number/sla", sla::put_ticket_due);
}

fn is_api(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || path.starts_with("/cal/")
        || path == "/healthz"
        || path == "/metrics"
}

impl Handler for App {
    fn admit_body(&self, request: &Request, default: usize) -> Result<Admission, Response> {
        if !is_api(request.path()) {
            return Ok(Admission::Memory(default));
        }
        match self.router.lookup(request.method, request.path()) {
            Match::Found {
                sink: true,
                pattern,
                ..
            } => {
                // A refused upload is answered here; the metrics count it too.
                let started = Instant::now();
                self.admit_upload(request)
                    .inspect_err(|response| self.count(request, pattern, response, started))
            }
            Match::Found { body_limit, .. } => Ok(Admission::Memory(body_limit.unwrap_or(default))),
            _ if request.method == Method::Options => Ok(Admission::Memory(default)),
            // Unknown routes are answered before their body is read (a rare
            // path, and the request has no body yet, so the copy is cheap).
            _ => {
                let started = Instant::now();
                let (response, route) = self.handle_api(request.clone());
                self.count(request, route, &response, started);
                Err(response)
            }
        }
    }

    fn handle(&self, request: Request) -> Response {
        let started = Instant::now();
        let method = request.method;
        let (response, route) = if is_api(request.path()) {
            self.handle_api(request)
        } else {
            (self.serve_web(request), traffic::STATIC)
        };
        let took = started.elapsed();
        self.state
            .traffic
            .record(method, route, response.status.0, took);
        response
    }
}

impl App {
    fn count(&self, request: &Request, route: &str, response: &Response, started: Instant) {
        self.state
            .traffic
            .record(request.method, route, response.status.0, started.elapsed());
    }

    /// The web app's files, for every path outside the API.
    fn serve_web(&self, request: Request) -> Response {
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
    /// An upload is checked in full before its body is read (host, CSRF,
    /// session, ticket, size), so a refused upload never costs its bytes.
    fn admit_upload(&self, request: &Request) -> Result<Admission, Response> {
        hosts::check(self.state.hosts.get(), request)?;
        let refuse = |e: ApiError| e.into_response().with_header("Cache-Control", "no-store");
        crate::auth::csrf::check_upload(request).map_err(|e| refuse(ApiError::from(e)))?;
        let mut request = request.clone();
        if let Match::Found { params, .. } = self.router.lookup(request.method, request.path()) {
            request.params = params;
        }
        attachments::admit(&self.state, &request)
            .map(Admission::Sink)
            .map_err(refuse)
    }

    /// Answers an API call, with the route pattern that matched (the metrics'
    /// label). Every answer is `Cache-Control: no-store` unless the endpoint
    /// chose its own (the OpenAPI document does): API answers carry personal
    /// data that no browser or proxy cache should keep.
    fn handle_api(&self, request: Request) -> (Response, &str) {
        let (response, route) = self.route_api(request);
        if response.headers.contains("Cache-Control") {
            (response, route)
        } else {
            (response.with_header("Cache-Control", "no-store"), route)
        }
    }

    fn route_api(&self, mut request: Request) -> (Response, &str) {
        if request.method == Method::Options {
            let allow = self.router.allowed(request.path());
            if allow.is_empty() {
                return (ApiError::NotFound.into_response(), traffic::UNMATCHED);
            }
            let response =
                Response::empty(Status::NO_CONTENT).with_header("Allow", allow_header(&allow));
            return (response, traffic::UNMATCHED);
        }
        let response = match self.router.lookup(request.method, request.path()) {
            Match::Found {
                handler,
                params,
                sink,
                pattern,
                ..
            } => {
                // Only under our own host names (DNS rebinding), then every
                // state-changing call, sign-in included, passes CSRF, except a
                // script's bearer-token call: it carries no cookie, so no other
                // site can make it for the user (see `auth::bearer`). Uploads
                // have their own rule: their body is a file, not JSON.
                if let Err(refused) = hosts::check(self.state.hosts.get(), &request) {
                    return (refused, pattern);
                }
                let csrf = if crate::auth::bearer::is_bearer_only(&request) {
                    Ok(())
                } else if sink {
                    crate::auth::csrf::check_upload(&request)
                } else {
                    crate::auth::csrf::check(&request)
                };
                if let Err(e) = csrf {
                    return (ApiError::from(e).into_response(), pattern);
                }
                request.params = params;
                let response =
                    handler(&self.state, &request).unwrap_or_else(ApiError::into_response);
                return (response, pattern);
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
        };
        (response, traffic::UNMATCHED)
    }
}

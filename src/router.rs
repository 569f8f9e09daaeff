//! The router: (method, path) to a handler value and its path parameters.
//!
//! Patterns are literal segments and `:name` captures, such as
//! `/api/tickets/:number/comments`. Matching splits the raw path on `/` first and
//! percent-decodes each segment after, so an encoded `%2F` stays inside its segment
//! instead of becoming a separator.
//!
//! The router knows nothing about what a handler is: it stores any `H` and hands
//! back a reference. It does know HTTP's rules for a near miss (RFC 9110 section
//! 15.5.6): a path that exists under other methods is `405` with an `Allow` list,
//! and `HEAD` is answered by `GET` routes.

use crate::http::url::percent_decode;
use crate::http::Method;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

struct Route<H> {
    method: Method,
    pattern: String,
    segments: Vec<Segment>,
    handler: H,
    body_limit: Option<usize>,
}

/// The result of looking up a request.
pub enum Match<'r, H> {
    Found {
        handler: &'r H,
        params: Vec<(String, String)>,
        /// A route's own body limit, when it differs from the server default.
        body_limit: Option<usize>,
        /// The pattern that matched (`/api/tickets/:number`): the metrics' label,
        /// which never holds an id.
        pattern: &'r str,
    },
    /// The path exists, but not for this method.
    MethodNotAllowed {
        allow: Vec<Method>,
    },
    NotFound,
    /// A segment had an invalid percent-escape.
    BadPath,
}

/// A table of routes, matched in the order they were added.
pub struct Router<H> {
    routes: Vec<Route<H>>,
}

impl<H> Default for Router<H> {
    fn default() -> Self {
        Router { routes: Vec::new() }
    }
}

impl<H> Router<H> {
    pub fn new() -> Router<H> {
        Router::default()
    }

    /// Adds a route.
    ///
    /// # Panics
    /// If `pattern` does not start with `/`: routes are written by us at start-up,
    /// so a bad one is a programming error worth stopping for.
    pub fn add(&mut self, method: Method, pattern: &str, handler: H) -> &mut Self {
        self.add_with_limit(method, pattern, handler, None)
    }

    /// Adds a route whose requests may carry a body up to `limit` bytes.
    pub fn add_with_limit(
        &mut self,
        method: Method,
        pattern: &str,
        handler: H,
        limit: Option<usize>,
    ) -> &mut Self {
        assert!(
            pattern.starts_with('/'),
            "route pattern {pattern:?} must start with /"
        );
        let segments = split(pattern)
            .map(|s| match s.strip_prefix(':') {
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(s.to_string()),
            })
            .collect();
        self.routes.push(Route {
            method,
            pattern: pattern.to_string(),
            segments,
            handler,
            body_limit: limit,
        });
        self
    }

    /// Every (method, pattern) pair, for the OpenAPI document test.
    pub fn routes(&self) -> impl Iterator<Item = (Method, &str)> {
        self.routes.iter().map(|r| (r.method, r.pattern.as_str()))
    }

    /// Finds the route for `method` and a raw (still percent-encoded) `path`.
    pub fn lookup(&self, method: Method, path: &str) -> Match<'_, H> {
        let mut decoded = Vec::new();
        for raw in split(path) {
            match percent_decode(raw) {
                Some(s) => decoded.push(s),
                None => return Match::BadPath,
            }
        }
        let wanted = if method == Method::Head {
            Method::Get
        } else {
            method
        };
        let mut allow: Vec<Method> = Vec::new();
        for route in &self.routes {
            let Some(params) = match_segments(&route.segments, &decoded) else {
                continue;
            };
            if route.method == wanted {
                return Match::Found {
                    handler: &route.handler,
                    params,
                    body_limit: route.body_limit,
                    pattern: &route.pattern,
                };
            }
            if !allow.contains(&route.method) {
                allow.push(route.method);
            }
        }
        if allow.is_empty() {
            return Match::NotFound;
        }
        if allow.contains(&Method::Get) {
            allow.push(Method::Head);
        }
        allow.push(Method::Options);
        Match::MethodNotAllowed { allow }
    }

    /// The methods a path answers to, for `OPTIONS` (empty when the path is unknown).
    pub fn allowed(&self, path: &str) -> Vec<Method> {
        match self.lookup(Method::Options, path) {
            Match::MethodNotAllowed { allow } => allow,
            Match::Found { .. } => vec![Method::Options],
            _ => Vec::new(),
        }
    }
}

/// Formats methods for an `Allow` header.
pub fn allow_header(methods: &[Method]) -> String {
    methods
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

fn match_segments(pattern: &[Segment], path: &[String]) -> Option<Vec<(String, String)>> {
    if pattern.len() != path.len() {
        return None;
    }
    let mut params = Vec::new();
    for (seg, value) in pattern.iter().zip(path) {
        match seg {
            Segment::Literal(lit) if lit == value => {}
            Segment::Literal(_) => return None,
            Segment::Param(name) => params.push((name.clone(), value.clone())),
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router() -> Router<&'static str> {
        let mut r = Router::new();
        r.add(Method::Get, "/api/tickets", "list")
            .add(Method::Post, "/api/tickets", "create")
            .add(Method::Get, "/api/tickets/:number", "show")
            .add(Method::Get, "/api/tickets/:number/comments", "comments");
        r
    }

    #[test]
    fn captures_params_and_decodes_segments() {
        match router().lookup(Method::Get, "/api/tickets/a%2Fb") {
            Match::Found {
                handler, params, ..
            } => {
                assert_eq!(*handler, "show");
                assert_eq!(params, vec![("number".to_string(), "a/b".to_string())]);
            }
            _ => panic!("expected a match"),
        }
    }

    #[test]
    fn wrong_method_is_405_with_allow_and_unknown_path_is_404() {
        match router().lookup(Method::Delete, "/api/tickets") {
            Match::MethodNotAllowed { allow } => {
                assert_eq!(allow_header(&allow), "GET, POST, HEAD, OPTIONS")
            }
            _ => panic!("expected 405"),
        }
        assert!(matches!(
            router().lookup(Method::Get, "/api/nope"),
            Match::NotFound
        ));
        assert!(matches!(
            router().lookup(Method::Get, "/api/tickets/%zz"),
            Match::BadPath
        ));
    }

    #[test]
    fn head_is_answered_by_get_routes() {
        assert!(matches!(
            router().lookup(Method::Head, "/api/tickets/7"),
            Match::Found { .. }
        ));
    }
}

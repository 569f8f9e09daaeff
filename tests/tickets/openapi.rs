//! The OpenAPI document covers every ticket route the router serves.

use helpdesk::api::routes;
use serde_json::Value;

#[test]
fn the_openapi_document_describes_every_ticket_route() {
    let doc: Value = serde_json::from_str(helpdesk::api::openapi::DOCUMENT).unwrap();
    let mut missing = Vec::new();
    let mut seen = 0;
    let router = routes();
    for (method, pattern) in router.routes() {
        if !(pattern.starts_with("/api/tickets") || pattern.starts_with("/api/categories")) {
            continue;
        }
        // Router `:param` is OpenAPI `{param}`.
        let path: Vec<String> = pattern
            .split('/')
            .map(|s| match s.strip_prefix(':') {
                Some(p) => format!("{{{p}}}"),
                None => s.to_string(),
            })
            .collect();
        let path = path.join("/");
        seen += 1;
        let m = method.as_str().to_ascii_lowercase();
        if doc["paths"][&path][&m].is_null() {
            missing.push(format!("{m} {path}"));
        }
    }
    assert_eq!(seen, 37, "every ticket and category route was checked");
    assert!(missing.is_empty(), "not in openapi.json: {missing:?}");
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "paths stay sorted");
}

//! The OpenAPI document and the router must describe the same API.

use crate::support::{spawn_app, test_config, TempDir};
use helpdesk::api::App;
use std::collections::BTreeSet;

#[test]
fn the_openapi_document_lists_exactly_the_routes_the_router_serves() {
    let dir = TempDir::new("openapi");
    let app = App::new(test_config(&dir)).unwrap();
    let routed: BTreeSet<(String, String)> = app
        .router()
        .routes()
        .map(|(method, pattern)| {
            let path = pattern
                .split('/')
                .map(|seg| match seg.strip_prefix(':') {
                    Some(name) => format!("{{{name}}}"),
                    None => seg.to_string(),
                })
                .collect::<Vec<_>>()
                .join("/");
            (method.as_str().to_ascii_lowercase(), path)
        })
        .collect();
    let doc: serde_json::Value = serde_json::from_str(helpdesk::api::openapi::DOCUMENT).unwrap();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi.json: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "openapi.json paths with no route: {unrouted:?}"
    );
}

#[test]
fn the_document_is_served_as_openapi_3_1_with_paths_sorted() {
    let server = spawn_app();
    let resp = server.client().get("/api/openapi.json");
    assert_eq!(resp.status, 200);
    let doc = resp.json();
    assert_eq!(doc["openapi"], "3.1.0");
    // serde_json sorts object keys itself, so read the order from the file text.
    let text = helpdesk::api::openapi::DOCUMENT;
    let mut at: Vec<(usize, &String)> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|p| (text.find(&format!("\"{p}\": {{")).unwrap(), p))
        .collect();
    at.sort();
    let in_file: Vec<&String> = at.iter().map(|(_, p)| *p).collect();
    let mut sorted = in_file.clone();
    sorted.sort();
    assert_eq!(in_file, sorted, "keep openapi.json sorted by path");
}

#[test]
fn docs_api_md_lists_every_route_the_router_serves() {
    let dir = TempDir::new("api-md");
    let app = App::new(test_config(&dir)).unwrap();
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/api.md")).unwrap();
    let missing: Vec<String> = app
        .router()
        .routes()
        .map(|(method, pattern)| format!("| {} | {pattern} |", method.as_str()))
        .filter(|row| !doc.contains(row.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from docs/api.md: {missing:?}"
    );
}

//! Sign-ins cannot take the machine: a flood of correct sign-ins leaves a worker
//! for everyone else, successful sign-ins are rate-limited per account, and
//! open sign-up cannot create organizations in a loop.

use crate::helpers::*;
use crate::support::{spawn_app_with, Client};
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn a_flood_of_correct_sign_ins_leaves_health_checks_fast() {
    let server = spawn_app_with(|c| c.workers = 4);
    let (_, code) = set_up(&server);
    let accounts: Vec<String> = (0..8).map(|i| format!("flood{i}@acme.test")).collect();
    for email in &accounts {
        register(&server, &code, email);
    }
    let addr = server.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let signed_in = Arc::new(AtomicUsize::new(0));
    let flooders: Vec<_> = (0..16)
        .map(|t| {
            let (stop, signed_in) = (stop.clone(), signed_in.clone());
            let email = accounts[t % accounts.len()].clone();
            std::thread::spawn(move || {
                let mut c = Client::new(addr);
                while !stop.load(Ordering::Relaxed) {
                    let r = c.post_json(
                        "/api/auth/login",
                        &json!({"email": email, "password": PASSWORD}),
                    );
                    match r.status {
                        200 => {
                            signed_in.fetch_add(1, Ordering::Relaxed);
                        }
                        // Refused at once: busy hashing, or over the rate limit.
                        503 | 429 => assert!(r.header("retry-after").is_some()),
                        other => panic!("{other}: {}", r.text()),
                    }
                }
            })
        })
        .collect();
    // Wait until hashing is under way, then time fresh health checks.
    while signed_in.load(Ordering::Relaxed) < 2 {
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut slowest = Duration::ZERO;
    for _ in 0..20 {
        let started = Instant::now();
        let r = Client::new(addr).get("/healthz");
        slowest = slowest.max(started.elapsed());
        assert_eq!(r.status, 200);
        std::thread::sleep(Duration::from_millis(25));
    }
    stop.store(true, Ordering::Relaxed);
    for f in flooders {
        f.join().unwrap();
    }
    assert!(
        slowest < Duration::from_millis(100),
        "a health check took {slowest:?} during a sign-in flood"
    );
}

#[test]
fn correct_sign_ins_to_one_account_are_rate_limited_too() {
    let server = spawn_app_with(|_| {});
    let (_, code) = set_up(&server);
    register(&server, &code, "loop@acme.test");
    register(&server, &code, "colleague@acme.test");
    let mut c = server.client();
    let limited = (0..30)
        .map(|_| {
            c.post_json(
                "/api/auth/login",
                &json!({"email": "loop@acme.test", "password": PASSWORD}),
            )
        })
        .find(|r| r.status != 200)
        .expect("thirty sign-ins in a row are not all let through");
    assert_eq!(limited.status, 429, "{}", limited.text());
    assert_eq!(limited.error_code(), "too_many_requests");
    assert!(limited.header("retry-after").is_some());
    let (_, status) = sign_in(&server, "colleague@acme.test", PASSWORD);
    assert_eq!(
        status, 200,
        "another account from the same address still signs in"
    );
}

#[test]
fn open_sign_up_limits_organizations_created_from_one_address() {
    let server = spawn_app_with(|c| c.open_signup = true);
    set_up(&server);
    let statuses: Vec<u16> = (0..6)
        .map(|i| {
            let r = server.client().post_json(
                "/api/organizations",
                &json!({"name": format!("Spam {i}"),
                        "admin": {"name": "S", "email": format!("s{i}@spam.test"), "password": PASSWORD}}),
            );
            if r.status == 429 {
                assert!(r.header("retry-after").is_some());
            }
            r.status
        })
        .collect();
    assert_eq!(&statuses[..3], &[201, 201, 201], "{statuses:?}");
    assert!(statuses[3..].iter().all(|&s| s == 429), "{statuses:?}");
}

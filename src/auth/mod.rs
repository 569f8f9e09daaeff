//! Security: password hashing, session tokens, cookies, CSRF checks and sign-in
//! throttling.

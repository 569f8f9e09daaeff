//! Types and rules with no I/O: roles and permissions, ticket status moves,
//! validation. Unit-tested without a database or a socket.

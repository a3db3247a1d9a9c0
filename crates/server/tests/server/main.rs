//! The sync server over real HTTP against a real PostgreSQL. Run through the harness:
//! `bash scripts/with-postgres.sh cargo test -p stockflow-server`.

mod util;

// Sign-in: passwords, tokens, the throttle.
mod login;
// The protocol window, health check and the JSON shape of every refusal.
mod protocol;
// Push and pull: paging, idempotence, the refusals that write nothing.
mod push_pull;
// No account reaches another's company, whatever ids it sends; grants.
mod tenancy;
// Compressed bodies both ways, and the size limit.
mod bodies;
// Seq order is commit order; two instances on one database.
mod concurrency;
// The real binary: migrate, account add, grant, serve, kill -9 and restart.
mod binary;

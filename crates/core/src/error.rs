//! The one error type of the core. Each variant is something a caller handles differently:
//! show it on a field, say what is missing, name what collides, refuse a sale.

use std::fmt;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: `field` names the input at fault, `reason` says what is wrong in words a
    /// shop owner understands.
    #[error("{reason}")]
    Validation { field: String, reason: String },

    #[error("{entity} not found: {id}")]
    NotFound { entity: Entity, id: String },

    /// A uniqueness rule: `field` is the input that collides, `value` what was asked for.
    #[error("{}", conflict_message(*entity, field, value))]
    Conflict {
        entity: Entity,
        field: String,
        value: String,
    },

    #[error("not enough stock of {sku} in {warehouse}: {requested} requested, {on_hand} on hand")]
    InsufficientStock {
        sku: String,
        warehouse: String,
        requested: i64,
        on_hand: i64,
    },

    /// A row of an import file was refused: which file, line and column, and why.
    #[error("In {file}, line {line}{}: {source}", if column.is_empty() { String::new() } else { format!(", column {column}") })]
    Import {
        file: String,
        line: u64,
        column: String,
        source: Box<Error>,
    },

    /// One line of a sale or a purchase order was refused: which (counting from 1), and why.
    /// The code and field are the reason's.
    #[error("line {line}: {source}")]
    Line { line: usize, source: Box<Error> },

    /// Allowed, but only once the user says so (an over-receipt, a new supplier link): the UI
    /// asks and repeats the call with the confirmation set.
    #[error("{reason}")]
    ConfirmationRequired { field: String, reason: String },

    /// The signed-in user's role does not allow this: `reason` names the role and the action
    /// ("a clerk cannot change the catalog").
    #[error("{reason}")]
    Forbidden { reason: String },

    /// Nobody is signed in, or the session locked after the idle time.
    #[error("{reason}")]
    Unauthenticated { reason: String },

    /// Wrong email or password (never says which), or a disabled account after a correct
    /// password.
    #[error("{reason}")]
    SignInFailed { reason: String },

    /// Too many failed sign-ins for this email: the next attempt must wait.
    #[error("Too many failed attempts. Try again in {wait_seconds} {}.", if *wait_seconds == 1 { "second" } else { "seconds" })]
    Throttled { wait_seconds: u64 },

    /// A rule between existing rows that a uniqueness message cannot word (the last owner of
    /// a company cannot be demoted). Code `conflict`.
    #[error("{reason}")]
    Refused { field: String, reason: String },

    /// The file was written by a newer StockFlow; it is left untouched.
    #[error(
        "this database was written by a newer version of StockFlow (schema {found}, this version knows up to {supported}); update StockFlow to open it"
    )]
    DatabaseTooNew { found: i64, supported: i64 },

    #[error("storage error: {0}")]
    Storage(#[source] rusqlite::Error),

    /// Another writer (a long import, the CLI beside the app) held the database longer than a
    /// write waits for it. Nothing was written; the same call later goes through.
    #[error("the database is busy with another operation, such as an import; nothing was saved, try again in a moment")]
    Busy,

    /// The database file is read-only (its permissions, a read-only medium): it can be read,
    /// not changed. Nothing was written.
    #[error("this database file is read-only: it can be read but not changed; check its permissions, or copy it somewhere writable")]
    ReadOnly,

    /// A failure that is no one's input: its detail is for the log.
    #[error("internal error: {0}")]
    Internal(String),

    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),

    #[error("cannot open the database at {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a [`Error::NotFound`] or [`Error::Conflict`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Company,
    Warehouse,
    ProductType,
    Product,
    Reason,
    Sale,
    Supplier,
    PurchaseOrder,
    CountSession,
    User,
    /// A change in the sync outbox.
    Change,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Entity::Company => "company",
            Entity::Warehouse => "warehouse",
            Entity::ProductType => "product type",
            Entity::Product => "product",
            Entity::Reason => "adjustment reason",
            Entity::Sale => "sale",
            Entity::Supplier => "supplier",
            Entity::PurchaseOrder => "purchase order",
            Entity::CountSession => "count",
            Entity::User => "user",
            Entity::Change => "change",
        })
    }
}

fn conflict_message(entity: Entity, field: &str, value: &str) -> String {
    let scope = match entity {
        Entity::Company | Entity::User => "",
        _ => " in this company",
    };
    match field {
        "name" => format!("a {entity} named \"{value}\" already exists{scope}"),
        "sku" => format!("SKU \"{value}\" is already used by another product{scope}"),
        "barcode" => format!("barcode \"{value}\" is already used by another product{scope}"),
        _ => format!("a {entity} with {field} \"{value}\" already exists{scope}"),
    }
}

impl Error {
    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Validation {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn not_found(entity: Entity, id: impl Into<String>) -> Self {
        Error::NotFound {
            entity,
            id: id.into(),
        }
    }

    /// The stable, snake_case code callers switch on (IPC, CLI JSON). Never rename one.
    /// Every code [`Error::code`] answers with: the UI's list of codes is generated from it.
    pub const CODES: &'static [&'static str] = &[
        "validation",
        "not_found",
        "conflict",
        "insufficient_stock",
        "confirmation_required",
        "forbidden",
        "unauthenticated",
        "sign_in_failed",
        "throttled",
        "database_too_new",
        "busy",
        "read_only",
        "internal",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation { .. } => "validation",
            Error::NotFound { .. } => "not_found",
            Error::Conflict { .. } => "conflict",
            Error::InsufficientStock { .. } => "insufficient_stock",
            Error::ConfirmationRequired { .. } => "confirmation_required",
            Error::Import { source, .. } | Error::Line { source, .. } => source.code(),
            Error::Forbidden { .. } => "forbidden",
            Error::Unauthenticated { .. } => "unauthenticated",
            Error::SignInFailed { .. } => "sign_in_failed",
            Error::Throttled { .. } => "throttled",
            Error::Refused { .. } => "conflict",
            Error::DatabaseTooNew { .. } => "database_too_new",
            Error::Busy => "busy",
            Error::ReadOnly => "read_only",
            Error::Storage(_) | Error::Migration(_) | Error::Io { .. } | Error::Internal(_) => {
                "internal"
            }
        }
    }

    /// The input field at fault, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. }
            | Error::Conflict { field, .. }
            | Error::ConfirmationRequired { field, .. }
            | Error::Refused { field, .. } => Some(field),
            Error::Import { column, .. } if !column.is_empty() => Some(column),
            Error::Line { source, .. } => source.field(),
            _ => None,
        }
    }

    /// The line of a sale or order at fault (counting from 1), when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Error::Line { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// Names line `line` (counting from 1) as the place of a refusal about the line's input
    /// (what it asks for, what it names); other errors pass unchanged.
    pub(crate) fn at_line(self, line: usize) -> Error {
        match self {
            e @ (Error::Validation { .. } | Error::NotFound { .. } | Error::Conflict { .. }) => {
                Error::Line {
                    line,
                    source: Box::new(e),
                }
            }
            other => other,
        }
    }

    /// Whether the message may be shown to a user as it is. Storage details are for the log.
    pub fn is_internal(&self) -> bool {
        self.code() == "internal"
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                Error::Busy
            }
            Some(rusqlite::ErrorCode::ReadOnly) => Error::ReadOnly,
            _ => Error::Storage(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of each kind; a new variant fails to compile in `code` until it has a code,
    /// and here until it is listed, so that `CODES` stays complete.
    fn one_of_each() -> Vec<Error> {
        let text = || "x".to_owned();
        let samples = vec![
            Error::Validation {
                field: text(),
                reason: text(),
            },
            Error::NotFound {
                entity: Entity::Product,
                id: text(),
            },
            Error::Conflict {
                entity: Entity::Product,
                field: text(),
                value: text(),
            },
            Error::InsufficientStock {
                sku: text(),
                warehouse: text(),
                requested: 2,
                on_hand: 1,
            },
            Error::Import {
                file: text(),
                line: 2,
                column: text(),
                source: Box::new(Error::Validation {
                    field: text(),
                    reason: text(),
                }),
            },
            Error::Line {
                line: 2,
                source: Box::new(Error::Validation {
                    field: text(),
                    reason: text(),
                }),
            },
            Error::ConfirmationRequired {
                field: text(),
                reason: text(),
            },
            Error::Forbidden { reason: text() },
            Error::Unauthenticated { reason: text() },
            Error::SignInFailed { reason: text() },
            Error::Throttled { wait_seconds: 1 },
            Error::Refused {
                field: text(),
                reason: text(),
            },
            Error::DatabaseTooNew {
                found: 2,
                supported: 1,
            },
            Error::Storage(rusqlite::Error::InvalidQuery),
            Error::Busy,
            Error::ReadOnly,
            Error::Internal(text()),
            Error::Io {
                path: text(),
                source: std::io::Error::other("x"),
            },
        ];
        for e in &samples {
            // Exhaustive on purpose: a new variant must get a sample above.
            match e {
                Error::Validation { .. }
                | Error::NotFound { .. }
                | Error::Conflict { .. }
                | Error::InsufficientStock { .. }
                | Error::Import { .. }
                | Error::Line { .. }
                | Error::ConfirmationRequired { .. }
                | Error::Forbidden { .. }
                | Error::Unauthenticated { .. }
                | Error::SignInFailed { .. }
                | Error::Throttled { .. }
                | Error::Refused { .. }
                | Error::DatabaseTooNew { .. }
                | Error::Storage(_)
                | Error::Busy
                | Error::ReadOnly
                | Error::Internal(_)
                | Error::Migration(_)
                | Error::Io { .. } => {}
            }
        }
        samples
    }

    #[test]
    fn every_code_an_error_answers_with_is_listed_and_every_listed_code_is_used() {
        let used: Vec<&str> = one_of_each().iter().map(Error::code).collect();
        for code in &used {
            assert!(
                Error::CODES.contains(code),
                "{code} is missing from Error::CODES"
            );
        }
        for code in Error::CODES {
            assert!(
                used.contains(code),
                "{code} is listed in Error::CODES but no error has it"
            );
        }
    }
}

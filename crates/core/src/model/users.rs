//! Users, roles and sign-in.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// What a user may do in one company (each role can do everything the one below can).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Manager,
    Clerk,
}

/// A user's role in one company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct Membership {
    pub company_id: String,
    pub company_name: String,
    pub role: Role,
}

/// A user as the app and the CLI show it. Never carries the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub disabled: bool,
    pub created_at: String,
    pub memberships: Vec<Membership>,
}

/// What the app needs before its first screen: set up, sign in, or go on as whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AuthStatus {
    /// No user exists yet: the setup screen creates the owner.
    pub setup_required: bool,
    /// Who is signed in, if anyone.
    pub user: Option<User>,
    /// Minutes without activity before the session locks; 0 means never.
    pub idle_lock_minutes: u32,
    /// Part of a shop came down from a server and the join has not finished: the first run
    /// offers to continue it or start over (see `Store::start_join`).
    pub join_unfinished: bool,
}

/// A password as typed: read from a plain JSON string, never serialized back, and printed by
/// `Debug` as `<hidden>`, so that no log line or panic message can contain one. The inputs
/// below hold their passwords in it.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for hashing or checking it; never for printing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

/// The first run: the owner of everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SetupOwner {
    pub name: String,
    pub email: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub password: Secret,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SignIn {
    pub email: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub password: Secret,
}

/// A user added by an owner to one of their companies.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct NewUser {
    pub company_id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub password: Secret,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ChangePassword {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub current_password: Secret,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub new_password: Secret,
}

//! Who runs the command (`--user` and the password), and the `user` commands (issue #7).
//!
//! A database without users is in setup mode: every command runs as its owner, as before
//! users existed. Once a user exists, every command needs `--user EMAIL`; the password comes
//! from `STOCKFLOW_PASSWORD`, else from a prompt on the terminal (not echoed).

use std::io::IsTerminal;

use clap::Subcommand;
use stockflow_core::*;

use crate::output::{Out, Table};

/// The password of `--user`, and the default for a new user's password in setup mode.
pub const PASSWORD_VAR: &str = "STOCKFLOW_PASSWORD";
/// A new or reset password, when the caller's own is in `STOCKFLOW_PASSWORD`.
pub const NEW_PASSWORD_VAR: &str = "STOCKFLOW_NEW_PASSWORD";

#[derive(Subcommand)]
pub enum UserCmd {
    /// Add a user to a company (owners). The password: STOCKFLOW_NEW_PASSWORD, else
    /// STOCKFLOW_PASSWORD when it did not sign you in, else a prompt.
    Add {
        /// Company name or id.
        #[arg(long, value_name = "C")]
        company: String,
        #[arg(long, value_name = "E")]
        email: String,
        #[arg(long, value_name = "N")]
        name: String,
        /// owner, manager or clerk.
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Users of a company, or of every company you own.
    List {
        #[arg(long, value_name = "C")]
        company: Option<String>,
    },
    /// A disabled user cannot sign in.
    Disable { email: String },
    /// Let a disabled user sign in again.
    Enable { email: String },
    /// Set a user's role in a company (the user's only company by default).
    Role {
        email: String,
        #[arg(value_parser = parse_role)]
        role: Role,
        #[arg(long, value_name = "C")]
        company: Option<String>,
    },
    /// Set a new password for a user (the same sources as `user add`).
    ResetPassword { email: String },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("unknown role \"{text}\": owner, manager or clerk"))
}

/// Where the password that signed in came from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SignedIn {
    /// Setup mode: nobody signs in.
    Setup,
    FromVariable,
    FromPrompt,
}

fn refused(reason: impl Into<String>) -> Error {
    Error::Unauthenticated {
        reason: reason.into(),
    }
}

/// Reads a password from the terminal without echo; refuses when there is no terminal.
pub fn prompt(label: &str, hint: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        return Err(refused(format!(
            "{label} is needed and there is no terminal to ask on: set {hint}"
        )));
    }
    rpassword::prompt_password(format!("{label}: "))
        .map_err(|e| refused(format!("cannot read the password from the terminal: {e}")))
}

/// Signs in `--user` when the database has users; refuses without it.
pub fn sign_in(store: &mut Store, user: Option<&str>) -> Result<SignedIn> {
    let status = store.auth_status()?;
    let Some(email) = user else {
        if status.setup_required {
            return Ok(SignedIn::Setup);
        }
        return Err(refused(
            "this database has users: say who you are with --user EMAIL (the password from STOCKFLOW_PASSWORD or a prompt)",
        ));
    };
    let (password, source) = match std::env::var(PASSWORD_VAR) {
        Ok(p) => (p, SignedIn::FromVariable),
        Err(_) => (
            prompt(&format!("Password for {email}"), PASSWORD_VAR)?,
            SignedIn::FromPrompt,
        ),
    };
    store.sign_in(&SignIn {
        email: email.to_owned(),
        password: password.into(),
    })?;
    Ok(source)
}

/// A password being set for someone (a new user, a reset).
fn new_password(signed_in: SignedIn, whose: &str) -> Result<String> {
    if let Ok(p) = std::env::var(NEW_PASSWORD_VAR) {
        return Ok(p);
    }
    if signed_in != SignedIn::FromVariable {
        if let Ok(p) = std::env::var(PASSWORD_VAR) {
            return Ok(p);
        }
    }
    let hint = if signed_in == SignedIn::FromVariable {
        NEW_PASSWORD_VAR.to_owned()
    } else {
        format!("{PASSWORD_VAR} or {NEW_PASSWORD_VAR}")
    };
    let first = prompt(&format!("New password for {whose}"), &hint)?;
    let again = prompt("The same password again", &hint)?;
    if first != again {
        return Err(Error::validation(
            "password",
            "the two passwords typed differ; nothing was changed",
        ));
    }
    Ok(first)
}

fn roles(u: &User) -> String {
    u.memberships
        .iter()
        .map(|m| format!("{}: {}", m.company_name, m.role.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn table(users: &[User]) -> Table {
    let mut t = Table::new(["name", "email", "roles", "status", "id"]);
    for u in users {
        t.row([
            u.name.clone(),
            u.email.clone(),
            roles(u),
            if u.disabled { "disabled" } else { "active" }.into(),
            u.id.clone(),
        ]);
    }
    t
}

pub fn run(store: &mut Store, cmd: UserCmd, signed_in: SignedIn, out: &Out) -> Result<()> {
    match cmd {
        UserCmd::Add {
            company,
            email,
            name,
            role,
        } => {
            let company = store.find_company(&company)?;
            // Refused before asking for a password nobody may set.
            store.list_users(&company.id)?;
            let password = new_password(signed_in, &email)?;
            let u = store.add_user(&NewUser {
                company_id: company.id.clone(),
                email,
                name,
                role,
                password: password.into(),
            })?;
            out.created(
                &u,
                format!(
                    "Added {} <{}> to {} as {} ({})",
                    u.name,
                    u.email,
                    company.name,
                    role.as_str(),
                    u.id
                ),
            );
        }
        UserCmd::List { company } => {
            let users = match company {
                Some(c) => {
                    let company = store.find_company(&c)?;
                    store.list_users(&company.id)?
                }
                None => {
                    let mut all: Vec<User> = Vec::new();
                    let mut refusal = None;
                    for c in store.list_companies()? {
                        match store.list_users(&c.id) {
                            Ok(users) => {
                                for u in users {
                                    if !all.iter().any(|a| a.id == u.id) {
                                        all.push(u);
                                    }
                                }
                            }
                            Err(e @ Error::Forbidden { .. }) => refusal = Some(e),
                            Err(e) => return Err(e),
                        }
                    }
                    // Someone who owns none of their companies may not list users at all.
                    if let (true, Some(e)) = (all.is_empty(), refusal) {
                        return Err(e);
                    }
                    all.sort_by(|a, b| {
                        (a.name.to_lowercase(), &a.email).cmp(&(b.name.to_lowercase(), &b.email))
                    });
                    all
                }
            };
            out.list(&users, table(&users));
        }
        UserCmd::Disable { email } => {
            let u = store.find_user(&email)?;
            let u = store.set_user_disabled(&u.id, true)?;
            out.created(&u, format!("Disabled {} <{}>", u.name, u.email));
        }
        UserCmd::Enable { email } => {
            let u = store.find_user(&email)?;
            let u = store.set_user_disabled(&u.id, false)?;
            out.created(&u, format!("Enabled {} <{}>", u.name, u.email));
        }
        UserCmd::Role {
            email,
            role,
            company,
        } => {
            let u = store.find_user(&email)?;
            let company_id = match company {
                Some(c) => store.find_company(&c)?.id,
                None => match u.memberships.as_slice() {
                    [only] => only.company_id.clone(),
                    _ => {
                        return Err(Error::validation(
                            "company",
                            format!(
                                "{email} belongs to several companies: choose one with --company"
                            ),
                        ))
                    }
                },
            };
            let u = store.set_user_role(&u.id, &company_id, role)?;
            out.created(
                &u,
                format!("{} <{}> is now: {}", u.name, u.email, roles(&u)),
            );
        }
        UserCmd::ResetPassword { email } => {
            let u = store.find_user(&email)?;
            let password = new_password(signed_in, &u.email)?;
            store.reset_password(&u.id, &password)?;
            out.created(
                &serde_json::json!({ "id": u.id, "email": u.email, "password_reset": true }),
                format!("New password set for {} <{}>", u.name, u.email),
            );
        }
    }
    Ok(())
}

//! Users and their memberships: reading and writing them, and the owners' management of users.

use rusqlite::{params, Connection, OptionalExtension};

use crate::db::{Store, Tx};
use crate::error::{Entity, Error, Result};
use crate::lookup::get_company;
use crate::model::*;
use crate::validate::{self, MAX_NAME};

use super::*;

pub(super) const USER_COLUMNS: &str = "u.id, u.email, u.name, u.disabled, u.created_at";

pub(super) fn users_exist(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM users)")?
        .query_row([], |r| r.get(0))?)
}

/// The user's memberships, limited to companies `viewer` belongs to (all with no viewer).
pub(super) fn memberships(
    conn: &Connection,
    user_id: &str,
    viewer: Option<&str>,
) -> Result<Vec<Membership>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.company_id, c.name, m.role FROM memberships m
         JOIN companies c ON c.id = m.company_id
         WHERE m.user_id = ?1
           AND m.company_id NOT IN (SELECT company_id FROM pending_imports)
           AND (?2 IS NULL OR ?2 = ?1 OR m.company_id IN
                (SELECT company_id FROM memberships WHERE user_id = ?2))
         ORDER BY c.name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map(params![user_id, viewer], |r| {
        Ok(Membership {
            company_id: r.get(0)?,
            company_name: r.get(1)?,
            role: role_column(r, 2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        disabled: r.get(3)?,
        created_at: r.get(4)?,
        memberships: Vec::new(),
    })
}

pub(super) fn get_user(conn: &Connection, id: &str, viewer: Option<&str>) -> Result<User> {
    let mut user = conn
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = ?1"),
            [id],
            user_from_row,
        )
        .optional()?
        .ok_or_else(|| Error::not_found(Entity::User, id))?;
    user.memberships = memberships(conn, id, viewer)?;
    Ok(user)
}

/// A user's role in a company, if they are a member.
pub(super) fn role_in(conn: &Connection, user_id: &str, company_id: &str) -> Result<Option<Role>> {
    Ok(conn
        .prepare_cached("SELECT role FROM memberships WHERE user_id = ?1 AND company_id = ?2")?
        .query_row([user_id, company_id], |r| role_column(r, 0))
        .optional()?)
}

/// The user's highest role in any company; `None` without memberships.
pub(super) fn best_role(conn: &Connection, user_id: &str) -> Result<Option<Role>> {
    let mut stmt = conn.prepare_cached("SELECT role FROM memberships WHERE user_id = ?1")?;
    let roles = stmt
        .query_map([user_id], |r| role_column(r, 0))?
        .collect::<rusqlite::Result<Vec<Role>>>()?;
    Ok(roles.into_iter().max_by_key(|r| r.rank()))
}

/// Refuses a change that would leave a company without an enabled owner: `user_id` stops
/// being an owner of `company_id` (or of every company, with `None`: being disabled).
pub(super) fn ensure_other_owner(
    tx: &Tx<'_>,
    user_id: &str,
    company_id: Option<&str>,
) -> Result<()> {
    let mut stmt = tx.conn.prepare_cached(
        "SELECT c.name FROM memberships m JOIN companies c ON c.id = m.company_id
         WHERE m.user_id = ?1 AND m.role = 'owner' AND (?2 IS NULL OR m.company_id = ?2)
           AND NOT EXISTS (SELECT 1 FROM memberships o JOIN users u ON u.id = o.user_id
                           WHERE o.company_id = m.company_id AND o.role = 'owner'
                             AND o.user_id <> ?1 AND u.disabled = 0)
         ORDER BY c.name COLLATE NOCASE LIMIT 1",
    )?;
    let alone: Option<String> = stmt
        .query_row(params![user_id, company_id], |r| r.get(0))
        .optional()?;
    match alone {
        None => Ok(()),
        Some(company) => Err(Error::Refused {
            field: if company_id.is_some() {
                "role"
            } else {
                "disabled"
            }
            .to_owned(),
            reason: format!("This is the last owner of {company}: make another user owner first."),
        }),
    }
}

pub(super) fn insert_membership(
    tx: &mut Tx<'_>,
    user_id: &str,
    company_id: &str,
    role: Role,
) -> Result<()> {
    let id = crate::db::pair_id("membership", user_id, company_id);
    let exists = tx
        .conn
        .prepare_cached("SELECT 1 FROM memberships WHERE id = ?1")?
        .exists([&id])?;
    let before = tx.before(crate::outbox::Entity::Membership, &id)?;
    let hlc = tx.stamp();
    tx.conn.execute(
        "INSERT INTO memberships (id, user_id, company_id, role, updated_hlc) VALUES (?5, ?1, ?2, ?3, ?4)
         ON CONFLICT (user_id, company_id) DO UPDATE SET role = excluded.role,
             updated_hlc = excluded.updated_hlc",
        params![user_id, company_id, role.as_str(), hlc, id],
    )?;
    if exists {
        tx.updated(crate::outbox::Entity::Membership, &id, &hlc, before)
    } else {
        // The user travels to the company's other devices with their first membership of it.
        tx.queue_user_for_company(user_id, company_id)?;
        tx.inserted(crate::outbox::Entity::Membership, &id, &hlc)
    }
}

/// A signed-in user creating a company becomes its owner (in setup mode there is nobody to
/// record). Called by every company insert, the import's included.
pub(crate) fn own_new_company(tx: &mut Tx<'_>, company_id: &str) -> Result<()> {
    match tx.user_id().map(str::to_owned) {
        Some(user_id) => insert_membership(tx, &user_id, company_id, Role::Owner),
        None => Ok(()),
    }
}

pub(super) fn insert_user(tx: &mut Tx<'_>, name: &str, email: &str, hash: &str) -> Result<String> {
    let taken: bool = tx.conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE email = ?1 COLLATE NOCASE)",
        [email],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::Conflict {
            entity: Entity::User,
            field: "email".to_owned(),
            value: email.to_owned(),
        });
    }
    let id = crate::db::new_id();
    let hlc = tx.stamp();
    tx.conn.execute(
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, email, name, hash, tx.now, hlc],
    )?;
    tx.inserted(crate::outbox::Entity::User, &id, &hlc)?;
    Ok(id)
}

/// Makes `user_id` owner of every company (the first owner, in setup mode).
pub(super) fn own_everything(tx: &mut Tx<'_>, user_id: &str) -> Result<()> {
    let companies: Vec<String> = tx
        .conn
        .prepare("SELECT id FROM companies")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for company_id in companies {
        insert_membership(tx, user_id, &company_id, Role::Owner)?;
    }
    Ok(())
}

pub(super) fn set_hash(tx: &mut Tx<'_>, user_id: &str, hash: &str) -> Result<()> {
    let before = tx.before(crate::outbox::Entity::User, user_id)?;
    let hlc = tx.stamp();
    tx.conn.execute(
        "UPDATE users SET password_hash = ?2, updated_hlc = ?3 WHERE id = ?1",
        params![user_id, hash, hlc],
    )?;
    tx.updated(crate::outbox::Entity::User, user_id, &hlc, before)
}

pub(super) struct ValidUser {
    pub(super) name: String,
    pub(super) email: String,
}

impl ValidUser {
    pub(super) fn parse(name: &str, email: &str, pw: &str) -> Result<ValidUser> {
        let name = validate::required("name", "Name", name, MAX_NAME)?;
        let email = validate::email("email", "Email", email)?;
        password("password", pw)?;
        Ok(ValidUser { name, email })
    }
}

impl Store {
    /// The members of a company, by name.
    pub fn list_users(&self, company_id: &str) -> Result<Vec<User>> {
        self.authorize(company_id, Action::ManageUsers)?;
        let viewer = self.viewer()?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {USER_COLUMNS} FROM users u
             JOIN memberships m ON m.user_id = u.id AND m.company_id = ?1
             ORDER BY u.name COLLATE NOCASE, u.email COLLATE NOCASE"
        ))?;
        let mut users = stmt
            .query_map([company_id], user_from_row)?
            .collect::<rusqlite::Result<Vec<User>>>()?;
        for u in &mut users {
            u.memberships = memberships(&self.conn, &u.id, viewer.as_deref())?;
        }
        Ok(users)
    }

    /// A user by email (ignoring case) or id, as seen by an owner of one of their companies.
    pub fn find_user(&self, email_or_id: &str) -> Result<User> {
        self.authorize_anywhere(Action::ManageUsers)?;
        let id: String = self
            .conn
            .query_row(
                "SELECT id FROM users WHERE id = ?1 OR email = ?2 COLLATE NOCASE
                 ORDER BY id = ?1 DESC LIMIT 1",
                [email_or_id, email_or_id.trim()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::not_found(Entity::User, email_or_id))?;
        let viewer = self.authorize_over_user(&id)?;
        get_user(&self.conn, &id, viewer.as_deref())
    }

    /// An owner adds a user to their company. In setup mode the first user must be an owner,
    /// and becomes owner of every company (as [`Store::setup_owner`] does).
    pub fn add_user(&mut self, input: &NewUser) -> Result<User> {
        self.authorize(&input.company_id, Action::ManageUsers)?;
        let viewer = self.viewer()?;
        let v = ValidUser::parse(&input.name, &input.email, input.password.expose())?;
        get_company(&self.conn, &input.company_id)?;
        let setup = viewer.is_none();
        if setup && input.role != Role::Owner {
            return Err(Error::Refused {
                field: "role".to_owned(),
                reason: "The first user must be an owner.".to_owned(),
            });
        }
        let hash = hash_password(input.password.expose())?;
        let id = self.write(|tx| {
            if setup && users_exist(tx.conn)? {
                return Err(unauthenticated("Sign in to continue."));
            }
            let id = insert_user(tx, &v.name, &v.email, &hash)?;
            if setup {
                own_everything(tx, &id)?;
            } else {
                insert_membership(tx, &id, &input.company_id, input.role)?;
            }
            Ok(id)
        })?;
        tracing::info!(user_id = %id, role = input.role.as_str(), "user added");
        get_user(&self.conn, &id, viewer.as_deref())
    }

    /// Disables (or enables again) a user: a disabled user cannot sign in, and a session they
    /// have open ends at its next call. The last owner of a company cannot be disabled, nor can
    /// an owner disable themselves.
    pub fn set_user_disabled(&mut self, user_id: &str, disabled: bool) -> Result<User> {
        let viewer = self.authorize_over_user(user_id)?;
        if disabled && viewer.as_deref() == Some(user_id) {
            return Err(Error::Refused {
                field: "disabled".to_owned(),
                reason: "You cannot disable your own account.".to_owned(),
            });
        }
        self.write(|tx| {
            if disabled {
                ensure_other_owner(tx, user_id, None)?;
            }
            let before = tx.before(crate::outbox::Entity::User, user_id)?;
            let hlc = tx.stamp();
            tx.conn.execute(
                "UPDATE users SET disabled = ?2, updated_hlc = ?3 WHERE id = ?1",
                params![user_id, disabled, hlc],
            )?;
            tx.updated(crate::outbox::Entity::User, user_id, &hlc, before)
        })?;
        tracing::info!(%user_id, disabled, "user disabled state changed");
        get_user(&self.conn, user_id, viewer.as_deref())
    }

    /// Sets a user's role in a company (adding them to it if they were not a member). The last
    /// owner of a company cannot be demoted.
    pub fn set_user_role(&mut self, user_id: &str, company_id: &str, role: Role) -> Result<User> {
        self.authorize(company_id, Action::ManageUsers)?;
        let viewer = self.viewer()?;
        get_user(&self.conn, user_id, None)?;
        get_company(&self.conn, company_id)?;
        self.write(|tx| {
            if role != Role::Owner {
                ensure_other_owner(tx, user_id, Some(company_id))?;
            }
            insert_membership(tx, user_id, company_id, role)
        })?;
        tracing::info!(%user_id, %company_id, role = role.as_str(), "role set");
        get_user(&self.conn, user_id, viewer.as_deref())
    }

    /// An owner sets a new password for a user of their company (who forgot theirs); it also
    /// lifts the sign-in wait for that email.
    pub fn reset_password(&mut self, user_id: &str, new_password: &str) -> Result<()> {
        self.authorize_over_user(user_id)?;
        password("password", new_password)?;
        let hash = hash_password(new_password)?;
        self.write(|tx| set_hash(tx, user_id, &hash))?;
        let email: String =
            self.conn
                .query_row("SELECT email FROM users WHERE id = ?1", [user_id], |r| {
                    r.get(0)
                })?;
        clear_attempts(self, &attempt_key(&email))?;
        tracing::info!(%user_id, "password reset");
        Ok(())
    }
}

//! The role table: each action and the least role that may do it.

use crate::error::Error;
use crate::model::*;

/// The role table: each action (`edit_catalog`) and the least role that may do it. The UI's
/// `LEAST_ROLE` is generated from this (`src-tauri/bindings.rs`), so the window greys out
/// exactly what the core would refuse.
pub fn role_table() -> Vec<(String, Role)> {
    Action::ALL.iter().map(|a| (a.name(), a.least())).collect()
}

/// What an operation does, as far as roles are concerned (see [`Role::allows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// See anything of the company.
    Read,
    /// Sales and returns.
    Sell,
    /// Receive against a purchase order.
    ReceiveOrder,
    /// Stock count sessions: start, scan, pause, cancel, review, commit.
    Count,
    /// Products, product types, warehouses, kits, archiving, thresholds, adjustment reasons.
    EditCatalog,
    /// Suppliers and what they supply.
    EditSuppliers,
    /// Purchase orders: create, send, cancel, draft from alerts.
    ManageOrders,
    /// Adjustments, and absolute counts recorded outside a count session.
    Adjust,
    /// Receipts without a purchase order.
    ReceiveStock,
    Transfer,
    ManageUsers,
    /// A company's name and settings.
    EditCompany,
    CreateCompany,
    /// The CSV imports: a folder in the interchange format, products from a spreadsheet.
    Import,
    /// Receiving more than a purchase order has open (with the confirmation).
    OverReceive,
    /// This device's settings (the idle lock).
    Settings,
    /// Reading every company's ledger at once (the consistency checks).
    ReadEverything,
    /// Sending this device's changes to the sync server and applying the others'.
    Sync,
    /// A backup of the whole database file, and the list of automatic backups.
    Backup,
    /// Replacing the whole database with a backup.
    Restore,
    /// A company's data to files (the interchange format, CSV of a list).
    Export,
    /// Connecting this device's shop to a sync server, or disconnecting it.
    ConnectSync,
}

impl Action {
    /// Every action, for the role table the UI is generated from ([`role_table`]).
    pub(super) const ALL: [Action; 22] = [
        Action::Read,
        Action::Sell,
        Action::ReceiveOrder,
        Action::Count,
        Action::EditCatalog,
        Action::EditSuppliers,
        Action::ManageOrders,
        Action::Adjust,
        Action::ReceiveStock,
        Action::Transfer,
        Action::ManageUsers,
        Action::EditCompany,
        Action::CreateCompany,
        Action::Import,
        Action::OverReceive,
        Action::Settings,
        Action::ReadEverything,
        Action::Sync,
        Action::Backup,
        Action::Restore,
        Action::Export,
        Action::ConnectSync,
    ];

    /// `edit_catalog` for `EditCatalog`: the name the UI's generated role table uses.
    pub(super) fn name(self) -> String {
        let mut out = String::new();
        for (i, c) in format!("{self:?}").chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    /// The least role that may do it.
    pub(super) fn least(self) -> Role {
        match self {
            // A clerk may sync (their sales must reach the other devices); only an owner
            // chooses the server.
            Action::Read | Action::Sell | Action::ReceiveOrder | Action::Count | Action::Sync => {
                Role::Clerk
            }
            Action::EditCatalog
            | Action::EditSuppliers
            | Action::ManageOrders
            | Action::Adjust
            | Action::ReceiveStock
            | Action::Transfer
            | Action::OverReceive
            | Action::Backup
            | Action::Export => Role::Manager,
            Action::ManageUsers
            | Action::EditCompany
            | Action::CreateCompany
            | Action::Import
            | Action::Settings
            | Action::ReadEverything
            | Action::Restore
            | Action::ConnectSync => Role::Owner,
        }
    }

    /// "A clerk cannot <words>."
    pub(super) fn words(self) -> &'static str {
        match self {
            Action::Read => "see this company",
            Action::Sell => "record sales or returns",
            Action::ReceiveOrder => "receive purchase orders",
            Action::Count => "count stock",
            Action::Sync => "sync with the server",
            Action::ConnectSync => "connect or disconnect sync",
            Action::EditCatalog => "change the catalog",
            Action::EditSuppliers => "change suppliers",
            Action::ManageOrders => "manage purchase orders",
            Action::Adjust => "adjust stock",
            Action::ReceiveStock => "receive stock without a purchase order",
            Action::Transfer => "transfer stock",
            Action::ManageUsers => "manage users",
            Action::EditCompany => "change the company's settings",
            Action::CreateCompany => "create companies",
            Action::Import => "import data",
            Action::OverReceive => "receive more than an order has open",
            Action::Settings => "change the settings",
            Action::ReadEverything => "read every company's ledger",
            Action::Backup => "back up the database",
            Action::Restore => "restore a backup",
            Action::Export => "export the company's data",
        }
    }
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Clerk => "clerk",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Owner, Role::Manager, Role::Clerk]
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
    }

    pub(super) fn rank(self) -> u8 {
        match self {
            Role::Owner => 3,
            Role::Manager => 2,
            Role::Clerk => 1,
        }
    }

    pub(super) fn allows(self, action: Action) -> bool {
        self.rank() >= action.least().rank()
    }

    pub(super) fn cannot(self, action: Action) -> Error {
        let article = if self == Role::Owner { "An" } else { "A" };
        Error::Forbidden {
            reason: format!("{article} {} cannot {}.", self.as_str(), action.words()),
        }
    }
}

pub(super) fn role_column(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Role> {
    let text: String = r.get(idx)?;
    Role::parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown role {text}").into(),
        )
    })
}

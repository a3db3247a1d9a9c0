//! The domain types that leave the core: what the app's commands return and accept, what the
//! CLI prints. They are not row types: the storage modules read rows and build these.
//!
//! These types are serialized across the IPC boundary and printed by `stockflow-cli --json`,
//! which users script against: rename nothing, only add.
//!
//! One file per area, named like the core module that makes them; all are re-exported here
//! (and from the crate root), so a type's path does not say its file.

mod alerts;
mod catalog;
mod counts;
mod forecast;
mod history;
mod kits;
mod purchasing;
mod reorder;
mod sales;
mod stock;
mod sync;
mod users;

pub use alerts::*;
pub use catalog::*;
pub use counts::*;
pub use forecast::*;
pub use history::*;
pub use kits::*;
pub use purchasing::*;
pub use reorder::*;
pub use sales::*;
pub use stock::*;
pub use sync::*;
pub use users::*;

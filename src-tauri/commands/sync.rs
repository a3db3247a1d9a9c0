//! Sync in the app (issue #13): the status, "sync now", connecting and disconnecting this
//! device, joining a shop on first run, and the conflicts sync could not merge silently. The
//! syncing itself happens on the worker of `crate::sync`, never in a command.

use std::path::PathBuf;

use stockflow_core::*;
use tauri::State;

use crate::ipc::IpcError;
use crate::sync::{verify_login, SyncConnectInput, SyncService, SyncStatus};
use crate::AppState;

type Reply<T> = Result<T, IpcError>;

/// What the worker knows now. For anyone signed in; it reads the session without counting
/// as activity, so the top bar may poll it without keeping the session from locking.
#[tauri::command]
pub fn sync_status(state: State<'_, AppState>, sync: State<'_, SyncService>) -> Reply<SyncStatus> {
    let auth = state.with(|s| s.auth_status())?;
    // While a join brings the shop down its users arrive, before anyone can sign in.
    if auth.user.is_none() && !auth.setup_required && !sync.status().joining {
        return Err(IpcError::from(Error::Unauthenticated {
            reason: "Sign in to continue.".into(),
        }));
    }
    sync.set_actor(state.with(|s| Ok(s.actor_if_signed_in()))?);
    sync.start();
    Ok(sync.status())
}

/// Sync now (any role may): the worker starts at once, the answer does not wait for it.
#[tauri::command]
pub fn sync_now(state: State<'_, AppState>, sync: State<'_, SyncService>) -> Reply<SyncStatus> {
    state.with(|s| s.sync_summary())?;
    sync.set_actor(state.with(|s| Ok(s.actor_if_signed_in()))?);
    sync.kick();
    Ok(sync.status())
}

/// Connects this device's shop to a server (owners), or gives the password again. The
/// account is tried on the server first, off the main thread; nothing is saved if it is
/// refused. Then the worker pushes the shop, with progress in the status.
#[tauri::command]
pub async fn sync_connect(
    state: State<'_, AppState>,
    sync: State<'_, SyncService>,
    input: SyncConnectInput,
) -> Reply<SyncStatus> {
    let actor = state.with(|s| Ok(s.actor_if_signed_in()))?;
    let connection = connect(state.db_path.clone(), actor.clone(), input.clone(), false).await?;
    sync.keep_password(
        &connection.server_url,
        &connection.account,
        input.password.expose(),
    );
    sync.set_actor(actor);
    sync.kick();
    Ok(sync.status())
}

/// First run: this empty database joins a shop kept on a server. The account is tried first;
/// then the worker brings the shop down (progress in the status), and its users sign in.
#[tauri::command]
pub async fn join_shop(
    state: State<'_, AppState>,
    sync: State<'_, SyncService>,
    input: SyncConnectInput,
) -> Reply<SyncStatus> {
    let actor = state.with(|s| Ok(s.actor_if_signed_in()))?;
    let connection = connect(state.db_path.clone(), actor.clone(), input.clone(), true).await?;
    sync.keep_password(
        &connection.server_url,
        &connection.account,
        input.password.expose(),
    );
    sync.set_actor(actor);
    sync.kick_join();
    Ok(sync.status())
}

async fn connect(
    db_path: PathBuf,
    actor: Option<Actor>,
    input: SyncConnectInput,
    join: bool,
) -> Reply<SyncConnection> {
    tauri::async_runtime::spawn_blocking(move || -> Result<SyncConnection, ConnectError> {
        let mut store = Store::open(&db_path)?;
        store.set_actor(actor)?;
        if join {
            store.start_join()?;
        }
        let checked = store.check_sync_connection(&SyncConnectionInput {
            server_url: input.server_url.clone(),
            account: input.account.clone(),
        })?;
        verify_login(
            &checked.server_url,
            &checked.account,
            input.password.expose(),
        )?;
        Ok(store.connect_sync(&checked)?)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "the sync connection task failed");
        IpcError::from(Error::Internal("the sync connection task failed".into()))
    })?
    .map_err(|e: ConnectError| e.0)
}

/// Core and sync errors in one `?`.
struct ConnectError(IpcError);

impl From<Error> for ConnectError {
    fn from(e: Error) -> Self {
        ConnectError(IpcError::from(e))
    }
}

impl From<IpcError> for ConnectError {
    fn from(e: IpcError) -> Self {
        ConnectError(e)
    }
}

/// Stops syncing (owners). The shop's data and the changes waiting stay; the password is
/// removed from the keychain.
#[tauri::command]
pub fn sync_disconnect(
    state: State<'_, AppState>,
    sync: State<'_, SyncService>,
) -> Reply<SyncStatus> {
    let ended = state.with(|s| s.disconnect_sync())?;
    sync.forget_password(ended.as_ref());
    Ok(sync.status())
}

/// Products sync found holding the same SKU or barcode; fixed with `update_product` (rename)
/// or `set_product_archived`.
#[tauri::command]
pub fn list_sync_conflicts(
    state: State<'_, AppState>,
    company_id: String,
) -> Reply<Vec<SyncConflict>> {
    state.with(|s| s.sync_conflicts(&company_id))
}

/// Product fields edited on two computers at once: what the later edit overwrote.
#[tauri::command]
pub fn list_sync_overwrites(
    state: State<'_, AppState>,
    company_id: String,
) -> Reply<Vec<SyncOverwrite>> {
    state.with(|s| s.sync_overwrites(&company_id))
}

/// Keeps the product as it is now: the note of what was overwritten goes for good.
#[tauri::command]
pub fn keep_sync_overwrite(state: State<'_, AppState>, id: String) -> Reply<()> {
    state.with(|s| s.keep_sync_overwrite(&id))
}

/// Keeps a SKU (or barcode) conflict as it is: the product that lost the code keeps its
/// suffixed SKU (or no barcode) for good, on every computer.
#[tauri::command]
pub fn keep_sync_conflict(
    state: State<'_, AppState>,
    product_id: String,
    kind: String,
) -> Reply<()> {
    state.with(|s| s.keep_sync_conflict(&product_id, &kind))
}

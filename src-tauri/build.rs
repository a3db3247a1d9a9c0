//! The window's permissions: one per command of `command_list.rs`, granted in `capabilities/`
//! (a command missing from either is refused at run time).

/// `command_list.rs` as the names the permissions are generated for.
macro_rules! commands {
    ($($area:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

const COMMANDS: &[&str] = include!("command_list.rs");

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/command_list.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build: check tauri.conf.json, the icons and the capabilities");
}

//! `include_dir!` embeds `migrations/`, and rustc tracks the files it read, but not the folder
//! itself: a new migration left an incremental build with the old schema (measured: a new
//! folder, then `cargo build` rebuilt nothing). Cargo rescans a directory named here and
//! rebuilds when anything in it is added, removed or changed.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}

//! `include_dir!` embeds `migrations/` but does not tell Cargo about the files it read (that
//! needs a nightly feature), so a new or edited migration left an incremental build with the
//! old schema. Cargo rescans a directory named here and rebuilds when anything in it changes.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}

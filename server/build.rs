//! Rebuilds the crate when a migration is added or changed: they are embedded into the binary
//! (`embed_migrations!`), which Cargo does not track by itself.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}

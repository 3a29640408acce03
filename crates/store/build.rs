// `sqlx::migrate!` embeds the migration files at compile time; this makes a
// new or edited migration trigger a rebuild.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

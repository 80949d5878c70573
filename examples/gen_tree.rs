//! Writes a generated question tree to standard output, for benchmarks and scaling checks.
//!
//! ```sh
//! cargo run --release --example gen_tree -- 10000 > tree-10k.toml
//! cargo run --release --example gen_tree -- 10000 --lean > tree-10k-lean.toml
//! cargo run --release --example gen_tree -- 10000 --answers > answers-10k.toml
//! mlops-wizard validate tree-10k.toml
//! ```

#[path = "../benches/support/tree_gen.rs"]
mod tree_gen;

use std::io::Write as _;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(n) = args.first().and_then(|a| a.parse::<usize>().ok()) else {
        eprintln!("usage: gen_tree QUESTIONS [--answers | --lean] [--seed N]");
        std::process::exit(2);
    };
    let seed = args
        .iter()
        .position(|a| a == "--seed")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(42);
    let text = if args.iter().any(|a| a == "--answers") {
        tree_gen::answers(n)
    } else if args.iter().any(|a| a == "--lean") {
        tree_gen::generate_lean(n, seed)
    } else {
        tree_gen::generate(n, seed)
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

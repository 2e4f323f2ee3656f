//! Compiles `.bpmn` files and prints a summary (or, with `--json`, the records as JSON).
//!
//! `cargo run -p alstra-bpmn --example compile -- [--json] FILE.bpmn...`

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let mut failed = false;
    for file in args.iter().filter(|a| *a != "--json") {
        match alstra_bpmn::compile_file(file) {
            Ok(m) if json => println!("{}", m.to_json()),
            Ok(m) => println!("{file}: compiled: {}", m.summary()),
            Err(e) => {
                failed = true;
                eprintln!("{file}: refused: {e}");
            }
        }
    }
    std::process::exit(i32::from(failed));
}

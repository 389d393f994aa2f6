//! Instruction counts of hookmap's hot paths (docs/figures.md): N `map_json` calls or N
//! compiles of an example (the Spacelift one unless named), run under callgrind, e.g.
//! `valgrind --tool=callgrind target/release/examples/count . map 1000` (and `map 0` for the
//! fixed cost to subtract), `... count . compile 1000 github-pull-request`.
use mapper_core::{Mapper, MapperOptions};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (root, mode, n, example) = match &args[..] {
        [_, root, mode, n] => (
            std::path::Path::new(root),
            mode.as_str(),
            n.parse::<usize>(),
            "spacelift",
        ),
        [_, root, mode, n, example] => (
            std::path::Path::new(root),
            mode.as_str(),
            n.parse::<usize>(),
            example.as_str(),
        ),
        _ => {
            eprintln!("usage: count REPOSITORY_ROOT map|compile N [EXAMPLE]");
            std::process::exit(2);
        }
    };
    let Ok(n) = n else {
        eprintln!("N must be a number");
        std::process::exit(2);
    };
    let dir = root.join("examples").join(example);
    let config = std::fs::read_to_string(dir.join("config.json")).expect("the example config");
    let request = std::fs::read(dir.join("request.json")).expect("the example request");
    let mapper = Mapper::from_json(&config, MapperOptions::default()).expect("the example compiles");
    let mut k = 0;
    for _ in 0..n {
        if mode == "map" {
            k += mapper
                .map_json(std::hint::black_box(&request))
                .expect("maps")
                .entities
                .len();
        } else {
            k += Mapper::from_json(std::hint::black_box(&config), MapperOptions::default())
                .map(|_| 1)
                .expect("compiles");
        }
    }
    println!("{k}");
}

//! Runs the fuzz inputs given as files or directories once each and prints
//! how long that took (for tuning; `cargo run --release --example replay`).

fn main() {
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        let p = std::path::PathBuf::from(arg);
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().flatten().map(|e| e.path()));
        } else {
            files.push(p);
        }
    }
    let start = std::time::Instant::now();
    let mut n = 0;
    for f in &files {
        // A running fuzzer may have removed the file since it was listed.
        if let Ok(data) = std::fs::read(f) {
            spill_ring_fuzz::run_bytes(&data);
            n += 1;
        }
    }
    let t = start.elapsed();
    println!(
        "{} inputs in {:?} ({:.0} per second)",
        n,
        t,
        n as f64 / t.as_secs_f64()
    );
}

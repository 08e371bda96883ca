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
    for f in &files {
        spill_ring_fuzz::run_bytes(&std::fs::read(f).unwrap());
    }
    let t = start.elapsed();
    println!(
        "{} inputs in {:?} ({:.0} per second)",
        files.len(),
        t,
        files.len() as f64 / t.as_secs_f64()
    );
}

//! A thread-per-core worker pool: persistent threads with pre-warmed rings,
//! rounds started with `dispatch` (returns at once) and ended with `join`,
//! results taken with `collect`, and a panicking worker reported by id.
//!
//! Run with: cargo run --example worker_pool

use std::time::Instant;

use spill_ring::{CollectSpout, MpscRing};

fn main() {
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 4);
    let last = workers - 1;

    // Every worker owns rings of 4096 slots. The work function gets the
    // worker's ring, its id and the round's arguments.
    let mut pool = MpscRing::<u64, 4096>::pool(workers).spawn(move |ring, worker, count: &u64| {
        if *count == 0 && worker == last {
            panic!("worker {worker} was given nothing to do");
        }
        for i in 0..*count {
            ring.push(worker as u64 * 1_000_000 + i);
        }
    });
    println!(
        "started {} workers, rings of {} slots",
        pool.num_workers(),
        pool.capacity()
    );

    // dispatch returns at once; collect takes whatever is published already.
    let start = Instant::now();
    pool.dispatch(&1000);
    let mut early = CollectSpout::new();
    let got_early = pool.collect(&mut early).unwrap();
    pool.join().unwrap();
    let mut rest = CollectSpout::new();
    let got_rest = pool.collect(&mut rest).unwrap();
    println!(
        "round 1: {got_early} items collected while it ran, {got_rest} after join ({:?})",
        start.elapsed()
    );

    // run = dispatch + join.
    let mut total = 0;
    for _ in 0..10 {
        pool.run(&2000).unwrap();
        total += pool.collect(&mut CollectSpout::new()).unwrap();
    }
    println!("rounds 2..=11: {total} items");

    // A panicking work function is reported with the worker's id; the pool
    // stays usable. (A one-line panic message instead of the default one.)
    std::panic::set_hook(Box::new(|info| {
        eprintln!("  (caught on its worker: {info})")
    }));
    match pool.run(&0) {
        Err(panic) => println!("round 12 failed: {panic}"),
        Ok(()) => println!("round 12: no panic?"),
    }
    pool.run(&10).unwrap();
    println!(
        "round 13 after the panic: {} items",
        pool.collect(&mut CollectSpout::new()).unwrap()
    );
}

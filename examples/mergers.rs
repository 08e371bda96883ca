//! Multiple mergers: M `MergerHandle`s each own a disjoint subset of the
//! workers (round-robin) and drain them in parallel, each into its own
//! spout.
//!
//! Run with: cargo run --example mergers

use std::thread;

use spill_ring::{CollectSpout, MpscRing, UnorderedCollector};

fn main() {
    const WORKERS: usize = 8;
    const MERGERS: usize = 2;

    let mut pool = MpscRing::<u64, 256>::pool(WORKERS).spawn(|ring, worker, count: &u64| {
        for i in 0..*count {
            ring.push(worker as u64 * 1000 + i);
        }
    });

    pool.run(&50).unwrap();

    let report = pool.with_mergers(
        MERGERS,
        |_| UnorderedCollector::new(CollectSpout::new()),
        |mergers| {
            thread::scope(|s| {
                let running: Vec<_> = mergers
                    .iter_mut()
                    .map(|merger| {
                        s.spawn(move || {
                            let count = merger.collect().unwrap();
                            (merger.merger_id(), merger.workers().to_vec(), count)
                        })
                    })
                    .collect();
                running
                    .into_iter()
                    .map(|h| h.join().unwrap())
                    .collect::<Vec<_>>()
            })
        },
    );

    let mut total = 0;
    for (id, workers, count) in &report {
        println!("merger {id} drained workers {workers:?}: {count} items");
        total += count;
    }
    println!("total: {total} items from {WORKERS} workers");
}

//! The thread-per-core [`WorkerPool`] and its collection strategies.
//!
//! | Piece | What it is |
//! |---|---|
//! | [`PoolBuilder`] | workers, ring capacity, overflow spout, core pinning |
//! | [`WorkerPool`] | persistent threads running rounds: `dispatch`, `join`, `run`, `collect`, `into_consumer` |
//! | [`Collector`] | what receives the published batches: [`UnorderedCollector`], [`SequencedCollector`] |
//! | [`FanInSpout`] | one consumer draining every worker |
//! | [`MergerHandle`] | M consumers draining disjoint subsets of workers in parallel |
//!
//! Pipelines need nothing more: one pool's [`WorkerPool::collect`] feeds the
//! next pool's arguments (or any spout).

mod affinity;
mod args;
mod builder;
mod cell;
mod collector;
mod error;
mod fan_in;
mod merger;
mod sequenced;
mod signal;
mod slot;
mod worker;
mod worker_pool;

pub use builder::PoolBuilder;
pub use collector::{BatchInfo, Collector, UnorderedCollector};
pub use error::{PoolError, WorkerPanic};
pub use fan_in::FanInSpout;
pub use merger::MergerHandle;
pub use sequenced::SequencedCollector;
pub use worker_pool::WorkerPool;

//! The lanes of a concurrent MPSC: one SPSC ring each, and the producer
//! state of a free lane, parked until the next registration.

use core::sync::atomic::Ordering;

use crate::concurrent::primitive::{AtomicBool, AtomicU8, UnsafeCell};
use crate::concurrent::spsc::ProducerCore;

/// A lane no producer holds.
const FREE: u8 = 0;
/// A lane a registered producer holds.
const TAKEN: u8 = 1;

/// One lane.
struct Lane<T> {
    /// `FREE` or `TAKEN`; the compare-exchange `FREE -> TAKEN` gives the
    /// producer state to one registrant.
    state: AtomicU8,
    /// The producer state while the lane is free (`Some` exactly then).
    parked: UnsafeCell<Option<ProducerCore<T>>>,
}

/// Every lane of one MPSC.
pub(crate) struct Lanes<T> {
    lanes: Box<[Lane<T>]>,
    /// Set when the consumer closed the MPSC or was dropped.
    closed: AtomicBool,
}

// SAFETY: a lane's `parked` state is touched only by the thread that owns
// the lane: the registrant that won `FREE -> TAKEN` (acquire), or the
// producer giving it back before its release store of `FREE`.
unsafe impl<T: Send> Sync for Lanes<T> {}
// SAFETY: as for `Sync`; the producer states belong to the lanes.
unsafe impl<T: Send> Send for Lanes<T> {}

impl<T> Lanes<T> {
    /// Lanes parking the given producer states.
    pub(crate) fn new(cores: impl IntoIterator<Item = ProducerCore<T>>) -> Self {
        let lanes = cores
            .into_iter()
            .map(|core| Lane {
                state: AtomicU8::new(FREE),
                parked: UnsafeCell::new(Some(core)),
            })
            .collect();
        Lanes {
            lanes,
            closed: AtomicBool::new(false),
        }
    }

    /// Takes a free lane's producer state. Never gives out more lanes than
    /// there are, even for a moment.
    pub(crate) fn take(&self) -> Option<(usize, ProducerCore<T>)> {
        self.lanes.iter().enumerate().find_map(|(number, lane)| {
            lane.state
                .compare_exchange(FREE, TAKEN, Ordering::Acquire, Ordering::Relaxed)
                .ok()?;
            // SAFETY: winning the exchange made the lane ours (see `Sync`).
            let core = lane.parked.with_mut(|parked| unsafe { (*parked).take() });
            Some((number, core.expect("a free lane parks its producer state")))
        })
    }

    /// Parks `core` in lane `number` again and frees the lane.
    pub(crate) fn give_back(&self, number: usize, core: ProducerCore<T>) {
        let lane = &self.lanes[number];
        // SAFETY: we hold the lane until the release store below.
        lane.parked
            .with_mut(|parked| unsafe { *parked = Some(core) });
        lane.state.store(FREE, Ordering::Release);
    }

    /// How many lanes producers hold now.
    ///
    /// Acquire: seeing a lane `FREE` synchronizes with its producer's
    /// release in [`give_back`](Self::give_back), which follows its last
    /// publication; so once this counts a producer as gone, the consumer's
    /// next look at that lane sees every item it pushed.
    pub(crate) fn taken(&self) -> usize {
        self.lanes
            .iter()
            .filter(|lane| lane.state.load(Ordering::Acquire) == TAKEN)
            .count()
    }

    /// The number of lanes.
    pub(crate) fn len(&self) -> usize {
        self.lanes.len()
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}

//! Spouts written against the C ABI for the ffi tests: they record the
//! batches they receive, and can be told to refuse.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::ffi::{c_int, c_void, CStr};
use std::sync::Mutex;

use spill_ring::ffi::{spill_last_error, spill_spout, spill_status};

/// Records every batch of `T` it receives; refuses while `refuse` is set.
/// The test and the spout share it through `&` (interior mutability).
#[derive(Debug, Default)]
pub struct Recorder<T> {
    batches: RefCell<Vec<Vec<T>>>,
    pub flushes: Cell<usize>,
    pub refuse: Cell<bool>,
    pub fail_flush: Cell<bool>,
    /// Every send call, accepted or refused.
    pub sends: Cell<usize>,
}

impl<T: Copy> Recorder<T> {
    pub fn new() -> Box<Self> {
        Box::new(Recorder {
            batches: RefCell::new(Vec::new()),
            flushes: Cell::new(0),
            refuse: Cell::new(false),
            fail_flush: Cell::new(false),
            sends: Cell::new(0),
        })
    }

    /// A spout that feeds this recorder (which must outlive it).
    pub fn spout(&self) -> spill_spout {
        spill_spout {
            send: Some(record_send::<T>),
            flush: Some(record_flush::<T>),
            ctx: (self as *const Self).cast_mut().cast(),
        }
    }

    /// The batches received so far.
    pub fn batches(&self) -> Vec<Vec<T>> {
        self.batches.borrow().clone()
    }

    /// Forgets the batches received so far.
    pub fn clear(&self) {
        self.batches.borrow_mut().clear();
    }

    /// Every item received, in order.
    pub fn items(&self) -> Vec<T> {
        self.batches.borrow().concat()
    }
}

unsafe extern "C" fn record_send<T: Copy>(
    ctx: *mut c_void,
    items: *const c_void,
    count: usize,
) -> c_int {
    // SAFETY: `ctx` is the recorder `spout()` was called on, shared.
    let recorder = unsafe { &*ctx.cast::<Recorder<T>>() };
    recorder.sends.set(recorder.sends.get() + 1);
    if recorder.refuse.get() {
        return 42;
    }
    // SAFETY: the ring passes `count` items of `T`.
    let batch = unsafe { std::slice::from_raw_parts(items.cast::<T>(), count) };
    recorder.batches.borrow_mut().push(batch.to_vec());
    0
}

unsafe extern "C" fn record_flush<T: Copy>(ctx: *mut c_void) -> c_int {
    // SAFETY: `ctx` is the recorder `spout()` was called on, shared.
    let recorder = unsafe { &*ctx.cast::<Recorder<T>>() };
    recorder.flushes.set(recorder.flushes.get() + 1);
    c_int::from(recorder.fail_flush.get())
}

/// Records batches of packed byte elements.
#[derive(Debug)]
pub struct BytesRecorder {
    elem_size: usize,
    batches: RefCell<Vec<Vec<Vec<u8>>>>,
    pub flushes: Cell<usize>,
    pub refuse: Cell<bool>,
    /// Refuses every batch once this many were accepted.
    pub accept_only: Cell<Option<usize>>,
    /// Fails every flush while set.
    pub fail_flush: Cell<bool>,
    /// Every send call, accepted or refused.
    pub sends: Cell<usize>,
    /// Send calls whose items were not aligned as an array of C structs of
    /// `elem_size` bytes would be (to the largest power of two dividing the
    /// size, at most 16).
    pub misaligned: Cell<usize>,
}

impl BytesRecorder {
    pub fn new(elem_size: usize) -> Box<Self> {
        Box::new(BytesRecorder {
            elem_size,
            batches: RefCell::new(Vec::new()),
            flushes: Cell::new(0),
            refuse: Cell::new(false),
            accept_only: Cell::new(None),
            fail_flush: Cell::new(false),
            sends: Cell::new(0),
            misaligned: Cell::new(0),
        })
    }

    /// A spout that feeds this recorder (which must outlive it).
    pub fn spout(&self) -> spill_spout {
        spill_spout {
            send: Some(bytes_send),
            flush: Some(bytes_flush),
            ctx: (self as *const Self).cast_mut().cast(),
        }
    }

    /// The batches received so far, element by element.
    pub fn batches(&self) -> Vec<Vec<Vec<u8>>> {
        self.batches.borrow().clone()
    }

    /// Forgets the batches received so far.
    pub fn clear(&self) {
        self.batches.borrow_mut().clear();
    }

    /// Every element received, in order.
    pub fn items(&self) -> Vec<Vec<u8>> {
        self.batches.borrow().concat()
    }
}

unsafe extern "C" fn bytes_send(ctx: *mut c_void, items: *const c_void, count: usize) -> c_int {
    // SAFETY: `ctx` is the recorder, shared.
    let recorder = unsafe { &*ctx.cast::<BytesRecorder>() };
    recorder.sends.set(recorder.sends.get() + 1);
    let align = (1 << recorder.elem_size.trailing_zeros()).min(16);
    if items as usize % align != 0 {
        recorder.misaligned.set(recorder.misaligned.get() + 1);
    }
    if recorder.refuse.get() || recorder.accept_only.get() == Some(recorder.batches.borrow().len())
    {
        return 7;
    }
    // SAFETY: the ring passes `count` packed elements.
    let bytes =
        unsafe { std::slice::from_raw_parts(items.cast::<u8>(), count * recorder.elem_size) };
    recorder.batches.borrow_mut().push(
        bytes
            .chunks_exact(recorder.elem_size)
            .map(<[u8]>::to_vec)
            .collect(),
    );
    0
}

unsafe extern "C" fn bytes_flush(ctx: *mut c_void) -> c_int {
    // SAFETY: `ctx` is the recorder, shared.
    let recorder = unsafe { &*ctx.cast::<BytesRecorder>() };
    recorder.flushes.set(recorder.flushes.get() + 1);
    c_int::from(recorder.fail_flush.get())
}

/// The calling thread's last error message.
pub fn last_error() -> String {
    // SAFETY: spill_last_error returns a valid C string.
    unsafe { CStr::from_ptr(spill_last_error()) }
        .to_string_lossy()
        .into_owned()
}

/// Asserts a status, showing the last error when it differs.
#[track_caller]
pub fn expect(status: spill_status, expected: spill_status) {
    assert_eq!(status, expected, "last error: {}", last_error());
}

/// A buffer aligned to SPILL_RING_ALIGN with at least `size` bytes.
pub struct AlignedBuf {
    storage: Vec<u8>,
    offset: usize,
    pub size: usize,
}

impl AlignedBuf {
    pub fn new(size: usize) -> Self {
        let storage = vec![0xAB; size + spill_ring::ffi::SPILL_RING_ALIGN];
        let offset = storage
            .as_ptr()
            .align_offset(spill_ring::ffi::SPILL_RING_ALIGN);
        AlignedBuf {
            storage,
            offset,
            size,
        }
    }

    pub fn ptr(&mut self) -> *mut c_void {
        self.storage[self.offset..].as_mut_ptr().cast()
    }
}

/// A thread-safe spout of `u64`s for the threaded tests: every batch is
/// appended under a lock (the spouts of different threads' rings may be
/// one and the same).
#[derive(Debug, Default)]
pub struct SharedRecorder {
    items: Mutex<Vec<u64>>,
}

unsafe extern "C" fn shared_send(ctx: *mut c_void, items: *const c_void, count: usize) -> c_int {
    // SAFETY: `ctx` is a SharedRecorder (see `spout`); the library passes
    // `count` u64s at `items`.
    let (rec, items) = unsafe {
        (
            &*ctx.cast::<SharedRecorder>(),
            std::slice::from_raw_parts(items.cast::<u64>(), count),
        )
    };
    rec.items.lock().unwrap().extend_from_slice(items);
    0
}

impl SharedRecorder {
    /// A C spout over `self`, which must outlive every ring using it.
    pub fn spout(&self) -> spill_spout {
        spill_spout {
            send: Some(shared_send),
            flush: None,
            ctx: (self as *const Self).cast_mut().cast(),
        }
    }

    /// Every item received, in the order received.
    pub fn items(&self) -> Vec<u64> {
        self.items.lock().unwrap().clone()
    }
}

/// Raw pointers a test moves to its threads.
pub struct Ptr<T>(pub *mut T);
// SAFETY: each pointer is used by one thread at a time (a registry by any
// thread), as the C API asks.
unsafe impl<T> Send for Ptr<T> {}

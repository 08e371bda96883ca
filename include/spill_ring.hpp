/*
 * spill_ring.hpp: the C++ interface of spill-ring, header-only, over the C
 * interface in spill_ring.h. C++17; with a C++20 compiler spill::span is
 * std::span and the constraints are also offered as concepts.
 *
 *   spill::ring<T>          a ring of T: uint8_t, uint16_t, uint32_t, uint64_t,
 *                           float and double use their own family; any other
 *                           trivially copyable T of at most 4096 bytes (and
 *                           alignment at most 64) uses the bytes family with
 *                           elem_size == sizeof(T)
 *   spill::ring_ref<T>      a borrowed ring: an MPSC producer, a pool worker's ring
 *   spill::spout<T>         a borrowed C spout typed by its items: another
 *                           ring's as_spout(), a file_spout's, a callable's
 *   spill::file_spout<T>    the record-file spout; spill::read_file<T>() reads it back
 *   spill::mpsc<T>          per-producer rings (scalar T)
 *   spill::pool<T, Args>    worker threads running a callable per round (scalar T)
 *   spill::collector<T>     where a pool's batches go (unordered or sequenced)
 *   spill::spsc<T>          a concurrent (lock-free) ring's two halves,
 *                           spsc_producer<T> and spsc_consumer<T>, for two
 *                           threads; spill::spsc_options sizes it
 *   spill::cmpsc<T>         a concurrent MPSC: a cmpsc_registry<T> where
 *                           producers (spsc_producer<T>) register from any
 *                           thread, and the cmpsc_consumer<T> draining them
 *                           (both for any element type, as ring<T>)
 *   spill::slots<P>         the slot pointers of a reservation or a read
 *
 * Spouts from callables. Wherever a spout is expected, a callable may be
 * given instead: a lambda, a function object or spill::member<&C::f>(obj),
 * called as f(spill::span<const T> items) and returning void (accept) or bool
 * (true accepts, false refuses the batch). If it also has a flush() member
 * (returning void or bool), that is the spout's flush. The wrapper stores
 * the callable once, in a control block outside the C++ object (on the heap,
 * or in the caller's memory for init()), so handles stay movable while the
 * library holds the spout; calls go through one static function, with no
 * std::function and no allocation. An exception thrown by a callable is
 * caught before it reaches the library: the batch is refused, and the call
 * that evicted it returns SPILL_SPOUT_FAILED with the items kept.
 *
 * Errors, both ways:
 *  - the noexcept API: construction through static create()/init()/open()
 *    returning a spill::status, and every operation returning a status
 *    ([[nodiscard]]); usable with -fno-exceptions -fno-rtti;
 *  - the throwing API (when exceptions are enabled): the constructors and
 *    the *_or_throw operations throw spill::error, which carries the status
 *    and the text of spill_last_error().
 *
 * Handles are move-only RAII objects; the destructor frees (which flushes
 * the remaining items to the spout). Declare a spout's target (a ring used
 * as a spout, a file_spout, a callable's captures) before the rings that
 * spill into it, so that it outlives them.
 */
#ifndef SPILL_RING_HPP
#define SPILL_RING_HPP

#include "spill_ring.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#define SPILL_HPP_EXCEPTIONS 1
#include <optional>
#include <stdexcept>
#include <string>
#else
#define SPILL_HPP_EXCEPTIONS 0
#endif

#if __cplusplus >= 202002L && defined(__has_include)
#if __has_include(<span>)
#include <span>
#endif
#endif
#if defined(__cpp_lib_span) && __cpp_lib_span >= 202002L
#define SPILL_HPP_STD_SPAN 1
#else
#define SPILL_HPP_STD_SPAN 0
#endif
#if defined(__SANITIZE_THREAD__)
#define SPILL_HPP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SPILL_HPP_TSAN 1
#endif
#endif
#ifndef SPILL_HPP_TSAN
#define SPILL_HPP_TSAN 0
#endif
#if SPILL_HPP_TSAN
#include <sanitizer/tsan_interface.h>
#endif
#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
#define SPILL_HPP_CONCEPTS 1
#else
#define SPILL_HPP_CONCEPTS 0
#endif

namespace spill {

/// What a call did; SPILL_OK (zero) means success.
using status = spill_status;

/// The name of a status ("SPILL_FULL", ...).
inline const char *status_name(status s) noexcept { return spill_status_str(s); }
/// The message of the last failing library call on this thread.
inline const char *last_error() noexcept { return spill_last_error(); }
/// Whether retrying the call that returned `s` can succeed later.
inline bool is_retryable(status s) noexcept { return spill_status_is_retryable(s); }
/// The linked library's version, `(MAJOR << 16) | (MINOR << 8) | PATCH`;
/// compare it with header_version to detect a header/library mismatch.
inline std::uint32_t version() noexcept { return spill_version(); }
constexpr std::uint32_t header_version = SPILL_RING_VERSION;

// ---------------------------------------------------------------------------
// span

#if SPILL_HPP_STD_SPAN
/// A view of contiguous items: std::span in C++20.
template <class T> using span = std::span<T>;
#else
/// A view of contiguous items (the subset of std::span this header needs;
/// std::span itself in C++20).
template <class T> class span {
  public:
    using element_type = T;
    using value_type = std::remove_cv_t<T>;
    using size_type = std::size_t;
    using pointer = T *;
    using iterator = T *;

    constexpr span() noexcept = default;
    constexpr span(T *data, std::size_t size) noexcept : data_(data), size_(size) {}
    template <std::size_t N> constexpr span(T (&array)[N]) noexcept : data_(array), size_(N) {}
    /// From a contiguous container (std::vector, std::array, ...).
    template <class C, class = std::enable_if_t<
                           !std::is_same<std::remove_cv_t<std::remove_reference_t<C>>, span>::value &&
                           std::is_convertible<decltype(std::declval<C &>().data()), T *>::value>>
    constexpr span(C &&container) noexcept(noexcept(container.data()) && noexcept(container.size()))
        : data_(container.data()), size_(container.size()) {}
    /// span<U> converts to span<const U>.
    template <class U, class = std::enable_if_t<std::is_convertible<U (*)[], T (*)[]>::value>>
    constexpr span(const span<U> &other) noexcept : data_(other.data()), size_(other.size()) {}

    constexpr T *data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr T *begin() const noexcept { return data_; }
    constexpr T *end() const noexcept { return data_ + size_; }
    constexpr T &operator[](std::size_t i) const noexcept { return data_[i]; }
    constexpr T &front() const noexcept { return data_[0]; }
    constexpr T &back() const noexcept { return data_[size_ - 1]; }
    constexpr span first(std::size_t n) const noexcept { return span(data_, n); }
    constexpr span subspan(std::size_t offset) const noexcept {
        return span(data_ + offset, size_ - offset);
    }

  private:
    T *data_ = nullptr;
    std::size_t size_ = 0;
};
#endif

// ---------------------------------------------------------------------------
// errors (throwing API)

#if SPILL_HPP_EXCEPTIONS
/// Thrown by the throwing API: the status and spill_last_error() of the call.
class error : public std::runtime_error {
  public:
    error(status code, const char *call)
        : std::runtime_error(std::string(call) + ": " + spill_status_str(code) + ": " +
                             spill_last_error()),
          code_(code), detail_(spill_last_error()) {}
    /// The status the call returned.
    status code() const noexcept { return code_; }
    /// spill_last_error() when the call failed.
    const std::string &detail() const noexcept { return detail_; }

  private:
    status code_;
    std::string detail_;
};

/// Throws spill::error unless `s` is SPILL_OK.
inline void check(status s, const char *call) {
    if (s != SPILL_OK) throw error(s, call);
}
#endif

// ---------------------------------------------------------------------------
// element types and callables

namespace detail {

template <class T>
struct is_scalar_family
    : std::integral_constant<bool, std::is_same<T, std::uint8_t>::value ||
                                       std::is_same<T, std::uint16_t>::value ||
                                       std::is_same<T, std::uint32_t>::value ||
                                       std::is_same<T, std::uint64_t>::value ||
                                       std::is_same<T, float>::value ||
                                       std::is_same<T, double>::value> {};

template <class T>
struct is_element
    : std::integral_constant<bool, std::is_same<T, std::remove_cv_t<T>>::value &&
                                       std::is_trivially_copyable<T>::value &&
                                       sizeof(T) <= SPILL_RING_MAX_ELEM_SIZE &&
                                       alignof(T) <= SPILL_RING_ALIGN> {};

template <class T> constexpr bool check_element() noexcept {
    static_assert(is_element<T>::value,
                  "spill: the element type must be uint8_t, uint16_t, uint32_t, uint64_t, float "
                  "or double (each has its own family), or another trivially copyable, "
                  "non-const type of at most SPILL_RING_MAX_ELEM_SIZE (4096) bytes and alignment "
                  "at most SPILL_RING_ALIGN (64): such types use the bytes family with "
                  "elem_size == sizeof(T), copied as raw bytes");
    return true;
}

template <class T> constexpr bool check_scalar() noexcept {
    static_assert(is_scalar_family<T>::value,
                  "spill::mpsc, spill::pool and spill::collector exist for uint8_t, uint16_t, "
                  "uint32_t, uint64_t, float and double only (the C ABI has no bytes MPSC or pool)");
    return true;
}

template <class R>
struct is_accept_result
    : std::integral_constant<bool, std::is_void<R>::value || std::is_same<R, bool>::value> {};

template <class F, class T, class = void> struct is_spout_callable : std::false_type {};
template <class F, class T>
struct is_spout_callable<F, T, std::enable_if_t<std::is_invocable<F &, span<const T>>::value>>
    : is_accept_result<std::invoke_result_t<F &, span<const T>>> {};

template <class F, class = void> struct has_flush : std::false_type {};
template <class F>
struct has_flush<F, std::void_t<decltype(std::declval<F &>().flush())>>
    : is_accept_result<decltype(std::declval<F &>().flush())> {};

} // namespace detail

#if SPILL_HPP_CONCEPTS
/// A type a ring can hold.
template <class T>
concept element = detail::is_element<T>::value;
/// A callable usable as a spout of T items: f(span<const T>) -> void or bool.
template <class F, class T>
concept spout_callable = detail::is_spout_callable<std::remove_reference_t<F>, T>::value;
#endif

template <class T> class spout;

namespace detail {

// ThreadSanitizer and the pool's threads. The library is not built with
// ThreadSanitizer, so it cannot see how the library orders a pool's calls:
// what the driving thread did before dispatch, run, collect, merge or close
// happens before the work and spout callables those calls run on other
// threads, and what the callables did happens before join, run, collect,
// merge or close returns. Under ThreadSanitizer the wrapper states exactly
// these edges, on two addresses derived from the callable's context (never
// dereferenced): `handoff` (the driver releases, callables acquire) and
// `handback` (callables release, the driver acquires), so callables on
// different threads get no edge between them. Without ThreadSanitizer
// these functions do nothing.
// The ThreadSanitizer edges every annotation here is made of: release and
// acquire on an address (never dereferenced; NULL: no edge).
inline void tsan_release(const void *at) noexcept {
#if SPILL_HPP_TSAN
    if (at != nullptr) __tsan_release(const_cast<void *>(at));
#else
    (void)at;
#endif
}
inline void tsan_acquire(const void *at) noexcept {
#if SPILL_HPP_TSAN
    if (at != nullptr) __tsan_acquire(const_cast<void *>(at));
#else
    (void)at;
#endif
}
// The address one past `ctx`: the `handback` address of a context.
inline const void *handback_of(const void *ctx) noexcept {
    return ctx == nullptr ? nullptr : static_cast<const char *>(ctx) + 1;
}
inline void handoff(const void *ctx) noexcept { tsan_release(ctx); }
inline void take_handback(const void *ctx) noexcept { tsan_acquire(handback_of(ctx)); }
// Brackets a callable's run on behalf of the library.
#if SPILL_HPP_TSAN
class callback_scope {
  public:
    explicit callback_scope(const void *ctx) noexcept : ctx_(ctx) { tsan_acquire(ctx_); }
    ~callback_scope() { tsan_release(handback_of(ctx_)); }
    callback_scope(const callback_scope &) = delete;
    callback_scope &operator=(const callback_scope &) = delete;

  private:
    const void *ctx_;
};
#else
struct callback_scope {
    explicit callback_scope(const void *) noexcept {}
};
#endif

// 0 to accept, 1 to refuse; an exception refuses.
template <class Call> int accept(Call &&call) noexcept {
#if SPILL_HPP_EXCEPTIONS
    try {
#endif
        using R = decltype(call());
        if constexpr (std::is_void<R>::value) {
            call();
            return 0;
        } else {
            return call() ? 0 : 1;
        }
#if SPILL_HPP_EXCEPTIONS
    } catch (...) {
        return 1;
    }
#endif
}

template <class T, class F> int send_thunk(void *ctx, const void *items, std::size_t count) noexcept {
    const callback_scope scope(ctx);
    F &fn = *static_cast<F *>(ctx);
    const span<const T> batch(static_cast<const T *>(items), count);
    return accept([&]() -> decltype(auto) { return fn(batch); });
}

template <class F> int flush_thunk(void *ctx) noexcept {
    const callback_scope scope(ctx);
    F &fn = *static_cast<F *>(ctx);
    return accept([&]() -> decltype(auto) { return fn.flush(); });
}

// The C spout over a callable that lives at `fn` (not copied).
template <class T, class F> spill_spout c_spout(F &fn) noexcept {
    spill_flush_fn flush = nullptr;
    if constexpr (has_flush<F>::value) flush = &flush_thunk<F>;
    return spill_spout{&send_thunk<T, F>, flush,
                       const_cast<void *>(static_cast<const void *>(std::addressof(fn)))};
}

// A callable's control block: allocated once, never moved, so its address
// can be the C spout's context while the C++ handle moves.
struct holder_base {
    void (*destroy)(holder_base *) noexcept;
};

template <class F> struct holder final : holder_base {
    template <class A>
    holder(void (*d)(holder_base *) noexcept, A &&arg) noexcept(
        std::is_nothrow_constructible<F, A &&>::value)
        : holder_base{d}, fn(std::forward<A>(arg)) {}
    F fn;
};

template <class F> void delete_holder(holder_base *h) noexcept { delete static_cast<holder<F> *>(h); }
template <class F> void destroy_holder(holder_base *h) noexcept {
    static_cast<holder<F> *>(h)->~holder<F>();
}

// Owns a holder (frees or destroys it).
class owned_fn {
  public:
    owned_fn() noexcept = default;
    explicit owned_fn(holder_base *h) noexcept : h_(h) {}
    owned_fn(owned_fn &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    owned_fn &operator=(owned_fn &&o) noexcept {
        if (this != &o) {
            reset();
            h_ = std::exchange(o.h_, nullptr);
        }
        return *this;
    }
    owned_fn(const owned_fn &) = delete;
    owned_fn &operator=(const owned_fn &) = delete;
    ~owned_fn() { reset(); }
    void reset() noexcept {
        if (h_ == nullptr) return;
        holder_base *h = std::exchange(h_, nullptr);
        h->destroy(h);
    }

  private:
    holder_base *h_ = nullptr;
};

// An owning C handle plus the callables its spouts or work use: the move,
// close and destruction logic of mpsc, pool, collector. `Free` frees H.
template <class H, status (*Free)(H *) noexcept, std::size_t Callables> class owner {
  public:
    owner() noexcept = default;
    owner(owner &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {
        for (std::size_t i = 0; i < Callables; ++i) fn_[i] = std::move(o.fn_[i]);
    }
    owner &operator=(owner &&o) noexcept {
        if (this != &o) {
            (void)close();
            h_ = std::exchange(o.h_, nullptr);
            for (std::size_t i = 0; i < Callables; ++i) fn_[i] = std::move(o.fn_[i]);
        }
        return *this;
    }
    owner(const owner &) = delete;
    owner &operator=(const owner &) = delete;
    ~owner() { (void)close(); }

    // Frees the handle; SPILL_BUSY leaves it alive.
    status close() noexcept {
        if (h_ == nullptr) return SPILL_OK;
        const status s = Free(h_);
        if (s == SPILL_BUSY) return s;
        h_ = nullptr;
        for (std::size_t i = 0; i < Callables; ++i) fn_[i].reset();
        return s;
    }
    // Takes a new handle and its callables (closing the old ones) when `s`
    // is SPILL_OK; otherwise drops the callables.
    template <class... Fns> status adopt(status s, H *h, Fns &&...fns) noexcept {
        static_assert(sizeof...(Fns) <= Callables, "more callables than slots");
        if (s != SPILL_OK) return s;
        (void)close();
        h_ = h;
        std::size_t i = 0;
        ((fn_[i++] = std::move(fns)), ...);
        return SPILL_OK;
    }
    H *get() const noexcept { return h_; }

  private:
    H *h_ = nullptr;
    owned_fn fn_[Callables];
};

// Heap control block for a callable; nullptr when memory runs out. Throws
// only what F's constructor throws.
template <class F, class A>
holder<F> *new_holder(A &&arg) noexcept(std::is_nothrow_constructible<F, A &&>::value) {
    return new (std::nothrow) holder<F>(&delete_holder<F>, std::forward<A>(arg));
}

inline std::size_t align_up(std::size_t n, std::size_t a) noexcept { return (n + a - 1) / a * a; }

// The bytes caller memory needs for a ring of `ring_size` bytes plus the
// control block of F after it.
template <class F> std::size_t with_holder(std::size_t ring_size) noexcept {
    return align_up(ring_size, alignof(holder<F>)) + sizeof(holder<F>);
}

template <class F, class A>
holder<F> *place_holder(void *mem, std::size_t ring_size,
                        A &&arg) noexcept(std::is_nothrow_constructible<F, A &&>::value) {
    void *at = static_cast<unsigned char *>(mem) + align_up(ring_size, alignof(holder<F>));
    return ::new (at) holder<F>(&destroy_holder<F>, std::forward<A>(arg));
}

template <class F, class A> constexpr bool check_nothrow_callable() noexcept {
    static_assert(std::is_nothrow_constructible<F, A &&>::value,
                  "spill: the noexcept API stores the callable without throwing, so it must be "
                  "nothrow move- (or copy-) constructible from what is passed: std::move it in, "
                  "capture by reference, or use the throwing constructor");
    return true;
}

} // namespace detail

/// Calls a member function: spill::member<&Sink::write>(sink) is a callable
/// forwarding its arguments to sink.write(...); with a second method,
/// spill::member<&Sink::write, &Sink::sync>(sink), that one is its flush().
/// Borrows `obj`, which must outlive the callable.
template <class C, auto Send, auto Flush> class member_fn {
  public:
    explicit member_fn(C &obj) noexcept : obj_(&obj) {}
    template <class... A>
    auto operator()(A &&...args) const -> decltype((std::declval<C &>().*Send)(std::forward<A>(args)...)) {
        return (obj_->*Send)(std::forward<A>(args)...);
    }
    template <auto G = Flush,
              std::enable_if_t<!std::is_same<decltype(G), std::nullptr_t>::value, int> = 0>
    auto flush() const -> decltype((std::declval<C &>().*G)()) {
        return (obj_->*G)();
    }

  private:
    C *obj_;
};

template <auto Send, auto Flush = nullptr, class C> member_fn<C, Send, Flush> member(C &obj) noexcept {
    return member_fn<C, Send, Flush>(obj);
}

/// Caller memory for init(): `size` bytes at `data`, aligned to
/// SPILL_RING_ALIGN, used by nothing else until the handle is freed.
struct memory {
    void *data;
    std::size_t size;
};

// ---------------------------------------------------------------------------
// spout

/// A borrowed C spout receiving T items: another ring's as_spout(), a
/// file_spout's, a callable's (spout<T>::ref), or a raw spill_spout
/// (spout<T>::from_c). It owns nothing: what it refers to must outlive every
/// handle that uses it. A default-constructed spout has no send function
/// (creation refuses it); to drop evicted items, give no spout.
template <class T> class spout {
    static_assert(detail::check_element<T>(), "");

  public:
    constexpr spout() noexcept : c_{nullptr, nullptr, nullptr} {}
    /// Wraps a C spout whose batches hold T items (not checked).
    static spout from_c(const spill_spout &c) noexcept { return spout(c); }
    /// The spout over the callable `fn` (borrowed: it must outlive the users
    /// of the spout). See the header comment for what a callable may be.
    template <class F, std::enable_if_t<detail::is_spout_callable<F, T>::value, int> = 0>
    static spout ref(F &fn) noexcept {
        return spout(detail::c_spout<T>(fn));
    }
    /// The C spout.
    const spill_spout &c() const noexcept { return c_; }

  private:
    explicit spout(const spill_spout &c) noexcept : c_(c) {}
    spill_spout c_;
};

namespace detail {
template <class T, class F>
struct is_spout_arg : std::integral_constant<bool, !std::is_same<std::decay_t<F>, spout<T>>::value &&
                                                       is_spout_callable<std::decay_t<F>, T>::value> {};
} // namespace detail

// ---------------------------------------------------------------------------
// the ring families: one table per family, each entry one C call

namespace detail {

template <class T> struct ring_family; // the by-value families, below

#define SPILL_HPP_RING_FAMILY(FAM, CTYPE)                                                          \
    template <> struct ring_family<CTYPE> {                                                        \
        using handle = spill_ring_##FAM;                                                           \
        static status create(std::size_t cap, const spill_spout *s, handle **out) noexcept {       \
            return spill_ring_##FAM##_create(cap, s, out);                                          \
        }                                                                                          \
        static status memsize(std::size_t cap, std::size_t *out) noexcept {                        \
            return spill_ring_##FAM##_memsize(cap, out);                                           \
        }                                                                                          \
        static status init(void *m, std::size_t n, std::size_t cap, const spill_spout *s,          \
                           handle **out) noexcept {                                                \
            return spill_ring_##FAM##_init(m, n, cap, s, out);                                     \
        }                                                                                          \
        static status free(handle *h) noexcept { return spill_ring_##FAM##_free(h); }              \
        static status push(handle *h, const CTYPE &v) noexcept {                                   \
            return spill_ring_##FAM##_push(h, v);                                                  \
        }                                                                                          \
        static status try_push(handle *h, const CTYPE &v) noexcept {                               \
            return spill_ring_##FAM##_try_push(h, v);                                              \
        }                                                                                          \
        static status push_bulk(handle *h, const CTYPE *v, std::size_t n,                          \
                                std::size_t *done) noexcept {                                      \
            return spill_ring_##FAM##_push_bulk(h, v, n, done);                                    \
        }                                                                                          \
        static status pop(handle *h, CTYPE *out) noexcept { return spill_ring_##FAM##_pop(h, out); } \
        static status pop_bulk(handle *h, CTYPE *out, std::size_t max, std::size_t *done) noexcept { \
            return spill_ring_##FAM##_pop_bulk(h, out, max, done);                                 \
        }                                                                                          \
        static status peek(const handle *h, CTYPE *out) noexcept {                                 \
            return spill_ring_##FAM##_peek(h, out);                                                \
        }                                                                                          \
        static std::size_t len(const handle *h) noexcept { return spill_ring_##FAM##_len(h); }     \
        static std::size_t capacity(const handle *h) noexcept {                                    \
            return spill_ring_##FAM##_capacity(h);                                                 \
        }                                                                                          \
        static bool is_empty(const handle *h) noexcept { return spill_ring_##FAM##_is_empty(h); }  \
        static bool is_full(const handle *h) noexcept { return spill_ring_##FAM##_is_full(h); }    \
        static status flush(handle *h, std::size_t *n) noexcept {                                  \
            return spill_ring_##FAM##_flush(h, n);                                                 \
        }                                                                                          \
        static status drain(handle *h, const spill_spout *d, std::size_t *n) noexcept {            \
            return spill_ring_##FAM##_drain(h, d, n);                                              \
        }                                                                                          \
        static status clear(handle *h) noexcept { return spill_ring_##FAM##_clear(h); }            \
        static spill_spout as_spout(handle *h) noexcept { return spill_ring_##FAM##_as_spout(h); } \
    };

// The by-value families: C name, C++ type.
#define SPILL_HPP_BY_VALUE_FAMILIES(X)                                                             \
    X(u8, std::uint8_t)                                                                            \
    X(u16, std::uint16_t)                                                                          \
    X(u32, std::uint32_t)                                                                          \
    X(u64, std::uint64_t)                                                                          \
    X(f32, float)                                                                                  \
    X(f64, double)

SPILL_HPP_BY_VALUE_FAMILIES(SPILL_HPP_RING_FAMILY)
#undef SPILL_HPP_RING_FAMILY

// Any other element type: the bytes family with elem_size == sizeof(T).
template <class T> struct bytes_family {
    using handle = spill_ring_bytes;
    static status create(std::size_t cap, const spill_spout *s, handle **out) noexcept {
        return spill_ring_bytes_create(sizeof(T), cap, s, out);
    }
    static status memsize(std::size_t cap, std::size_t *out) noexcept {
        return spill_ring_bytes_memsize(sizeof(T), cap, out);
    }
    static status init(void *m, std::size_t n, std::size_t cap, const spill_spout *s,
                       handle **out) noexcept {
        return spill_ring_bytes_init(m, n, sizeof(T), cap, s, out);
    }
    static status free(handle *h) noexcept { return spill_ring_bytes_free(h); }
    static status push(handle *h, const T &v) noexcept { return spill_ring_bytes_push(h, &v); }
    static status try_push(handle *h, const T &v) noexcept {
        return spill_ring_bytes_try_push(h, &v);
    }
    static status push_bulk(handle *h, const T *v, std::size_t n, std::size_t *done) noexcept {
        return spill_ring_bytes_push_bulk(h, v, n, done);
    }
    static status pop(handle *h, T *out) noexcept { return spill_ring_bytes_pop(h, out); }
    static status pop_bulk(handle *h, T *out, std::size_t max, std::size_t *done) noexcept {
        return spill_ring_bytes_pop_bulk(h, out, max, done);
    }
    static status peek(const handle *h, T *out) noexcept { return spill_ring_bytes_peek(h, out); }
    static std::size_t len(const handle *h) noexcept { return spill_ring_bytes_len(h); }
    static std::size_t capacity(const handle *h) noexcept { return spill_ring_bytes_capacity(h); }
    static bool is_empty(const handle *h) noexcept { return spill_ring_bytes_is_empty(h); }
    static bool is_full(const handle *h) noexcept { return spill_ring_bytes_is_full(h); }
    static status flush(handle *h, std::size_t *n) noexcept { return spill_ring_bytes_flush(h, n); }
    static status drain(handle *h, const spill_spout *d, std::size_t *n) noexcept {
        return spill_ring_bytes_drain(h, d, n);
    }
    static status clear(handle *h) noexcept { return spill_ring_bytes_clear(h); }
    static spill_spout as_spout(handle *h) noexcept { return spill_ring_bytes_as_spout(h); }
};

template <class T>
using family_of = std::conditional_t<is_scalar_family<T>::value, ring_family<T>, bytes_family<T>>;

} // namespace detail

/// The C handle type of spill::ring<T>: spill_ring_u64 for uint64_t, ...,
/// spill_ring_bytes for other types.
template <class T> using ring_handle = typename detail::family_of<T>::handle;

// ---------------------------------------------------------------------------
// ring operations, shared by ring<T> (owning) and ring_ref<T> (borrowed)

/// The operations of a ring; `Derived` provides native_handle().
template <class Derived, class T> class ring_ops {
    static_assert(detail::check_element<T>(), "");
    using fam = detail::family_of<T>;

  public:
    using value_type = T;

    /// Appends `item`, evicting the oldest item to the spout when full.
    [[nodiscard]] status push(const T &item) noexcept { return fam::push(h(), item); }
    /// Appends `item` only if there is room (SPILL_FULL otherwise).
    [[nodiscard]] status try_push(const T &item) noexcept { return fam::try_push(h(), item); }
    /// Appends `count` items, oldest first, all or nothing.
    [[nodiscard]] status push_bulk(const T *items, std::size_t count,
                                   std::size_t *pushed = nullptr) noexcept {
        return fam::push_bulk(h(), items, count, pushed);
    }
    [[nodiscard]] status push_bulk(span<const T> items, std::size_t *pushed = nullptr) noexcept {
        return fam::push_bulk(h(), items.data(), items.size(), pushed);
    }
    /// Removes the oldest item into `out` (SPILL_EMPTY when there is none).
    [[nodiscard]] status pop(T &out) noexcept { return fam::pop(h(), &out); }
    /// Moves up to `max` oldest items to `out`; `popped` says how many.
    [[nodiscard]] status pop_bulk(T *out, std::size_t max, std::size_t &popped) noexcept {
        return fam::pop_bulk(h(), out, max, &popped);
    }
    [[nodiscard]] status pop_bulk(span<T> out, std::size_t &popped) noexcept {
        return fam::pop_bulk(h(), out.data(), out.size(), &popped);
    }
    /// Copies the oldest item into `out`, leaving it in the ring.
    [[nodiscard]] status peek(T &out) const noexcept { return fam::peek(h(), &out); }
    std::size_t size() const noexcept { return fam::len(h()); }
    std::size_t capacity() const noexcept { return fam::capacity(h()); }
    bool empty() const noexcept { return fam::is_empty(h()); }
    bool full() const noexcept { return fam::is_full(h()); }
    /// Sends every item to the ring's spout, then flushes it.
    [[nodiscard]] status flush(std::size_t *flushed = nullptr) noexcept {
        return fam::flush(h(), flushed);
    }
    /// Sends every item to `dst` (not the ring's spout).
    [[nodiscard]] status drain(const spout<T> &dst, std::size_t *drained = nullptr) noexcept {
        return fam::drain(h(), &dst.c(), drained);
    }
    /// Sends every item to the callable `fn`, called on this thread.
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    [[nodiscard]] status drain(F &&fn, std::size_t *drained = nullptr) noexcept {
        const spill_spout c = detail::c_spout<T>(fn);
        return fam::drain(h(), &c, drained);
    }
    /// Discards every item.
    [[nodiscard]] status clear() noexcept { return fam::clear(h()); }
    /// A spout pushing into this ring, for chaining: this ring must outlive
    /// the rings that spill into it. Stays valid when this object moves.
    spout<T> as_spout() noexcept { return spout<T>::from_c(fam::as_spout(h())); }

#if SPILL_HPP_EXCEPTIONS
    void push_or_throw(const T &item) { check(push(item), "push"); }
    /// false when the ring is full.
    bool try_push_or_throw(const T &item) {
        const status s = try_push(item);
        if (s == SPILL_FULL) return false;
        check(s, "try_push");
        return true;
    }
    void push_bulk_or_throw(span<const T> items) { check(push_bulk(items), "push_bulk"); }
    /// std::nullopt when the ring is empty.
    std::optional<T> pop_or_throw() {
        T item{};
        return item_or_empty(pop(item), item, "pop");
    }
    std::optional<T> peek_or_throw() const {
        T item{};
        return item_or_empty(peek(item), item, "peek");
    }
    /// How many items were popped (0 when the ring is empty).
    std::size_t pop_bulk_or_throw(span<T> out) {
        std::size_t n = 0;
        const status s = pop_bulk(out, n);
        if (s != SPILL_EMPTY) check(s, "pop_bulk");
        return n;
    }
    std::size_t flush_or_throw() {
        std::size_t n = 0;
        check(flush(&n), "flush");
        return n;
    }
    std::size_t drain_or_throw(const spout<T> &dst) {
        std::size_t n = 0;
        check(drain(dst, &n), "drain");
        return n;
    }
#endif

  private:
    ring_handle<T> *h() const noexcept { return static_cast<const Derived *>(this)->native_handle(); }
#if SPILL_HPP_EXCEPTIONS
    static std::optional<T> item_or_empty(status s, const T &item, const char *call) {
        if (s == SPILL_EMPTY) return std::nullopt;
        check(s, call);
        return item;
    }
#endif
};

/// A borrowed ring (an MPSC producer, a pool worker's ring): all the
/// operations, no ownership; copyable.
template <class T> class ring_ref : public ring_ops<ring_ref<T>, T> {
  public:
    ring_ref() noexcept = default;
    explicit ring_ref(ring_handle<T> *handle) noexcept : h_(handle) {}
    ring_handle<T> *native_handle() const noexcept { return h_; }
    explicit operator bool() const noexcept { return h_ != nullptr; }

  private:
    ring_handle<T> *h_ = nullptr;
};

// ---------------------------------------------------------------------------
// ring

/// An owning ring of T (move-only). See the header comment.
template <class T> class ring : public ring_ops<ring<T>, T> {
    using fam = detail::family_of<T>;
    using handle = ring_handle<T>;

  public:
    /// An empty handle (owns no ring). Moves keep the C handle and the
    /// callable's control block where they are; the destructor frees the
    /// ring (its remaining items go to the spout, see close()).
    ring() noexcept = default;

    // --- noexcept construction -------------------------------------------

    /// A ring of `capacity` items (a power of two) whose evicted items are dropped.
    [[nodiscard]] static status create(std::size_t capacity, ring &out) noexcept {
        return adopt(out, [&](handle **h) { return fam::create(capacity, nullptr, h); });
    }
    /// A ring evicting into `s` (borrowed).
    [[nodiscard]] static status create(std::size_t capacity, const spout<T> &s, ring &out) noexcept {
        return adopt(out, [&](handle **h) { return fam::create(capacity, &s.c(), h); });
    }
    /// A ring evicting into the callable `fn`, stored in a heap control block.
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    [[nodiscard]] static status create(std::size_t capacity, F &&fn, ring &out) noexcept {
        static_assert(detail::check_nothrow_callable<std::decay_t<F>, F>(), "");
        return create_owned(capacity, std::forward<F>(fn), out);
    }

    /// Bytes init() needs for a ring of `capacity` items (with a borrowed or no spout).
    [[nodiscard]] static status memsize(std::size_t capacity, std::size_t &out) noexcept {
        return fam::memsize(capacity, &out);
    }
    /// Bytes init() needs for a ring of `capacity` items with a callable of
    /// type F stored in the same memory.
    template <class F>
    [[nodiscard]] static status memsize_with(std::size_t capacity, std::size_t &out) noexcept {
        std::size_t n = 0;
        const status s = fam::memsize(capacity, &n);
        if (s == SPILL_OK) out = detail::with_holder<std::decay_t<F>>(n);
        return s;
    }
    /// Builds the ring in caller memory (see spill::memory); dropping spout.
    [[nodiscard]] static status init(memory mem, std::size_t capacity, ring &out) noexcept {
        return adopt(out, [&](handle **h) { return fam::init(mem.data, mem.size, capacity, nullptr, h); });
    }
    [[nodiscard]] static status init(memory mem, std::size_t capacity, const spout<T> &s,
                                     ring &out) noexcept {
        return adopt(out, [&](handle **h) { return fam::init(mem.data, mem.size, capacity, &s.c(), h); });
    }
    /// Builds the ring and stores the callable in caller memory of
    /// memsize_with<F>() bytes: nothing is allocated.
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    [[nodiscard]] static status init(memory mem, std::size_t capacity, F &&fn, ring &out) noexcept {
        using Fn = std::decay_t<F>;
        static_assert(detail::check_nothrow_callable<Fn, F>(), "");
        std::size_t ring_size = 0;
        status s = fam::memsize(capacity, &ring_size);
        if (s != SPILL_OK) return s;
        if (mem.data == nullptr) return SPILL_NULL_ARGUMENT;
        if (mem.size < detail::with_holder<Fn>(ring_size)) return SPILL_INVALID_ARGUMENT;
        auto *hold = detail::place_holder<Fn>(mem.data, ring_size, std::forward<F>(fn));
        detail::owned_fn owner(hold);
        const spill_spout c = detail::c_spout<T>(hold->fn);
        return adopt(
            out, [&](handle **h) { return fam::init(mem.data, ring_size, capacity, &c, h); },
            std::move(owner));
    }

    // --- throwing construction -------------------------------------------
#if SPILL_HPP_EXCEPTIONS
    explicit ring(std::size_t capacity) { check(create(capacity, *this), "spill::ring"); }
    ring(std::size_t capacity, const spout<T> &s) { check(create(capacity, s, *this), "spill::ring"); }
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    ring(std::size_t capacity, F &&fn) {
        check(create_owned(capacity, std::forward<F>(fn), *this), "spill::ring");
    }
    ring(memory mem, std::size_t capacity) { check(init(mem, capacity, *this), "spill::ring"); }
    ring(memory mem, std::size_t capacity, const spout<T> &s) {
        check(init(mem, capacity, s, *this), "spill::ring");
    }
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    ring(memory mem, std::size_t capacity, F &&fn) {
        check(init(mem, capacity, std::forward<F>(fn), *this), "spill::ring");
    }
#endif

    /// Frees the ring now: remaining items go to the spout, which is
    /// flushed. Returns SPILL_SPOUT_FAILED when the spout refused them
    /// (freed anyway); SPILL_BUSY from inside the ring's own spout (not
    /// freed). An empty handle returns SPILL_OK.
    [[nodiscard]] status close() noexcept { return h_.close(); }
#if SPILL_HPP_EXCEPTIONS
    void close_or_throw() { check(close(), "spill::ring::close"); }
#endif

    handle *native_handle() const noexcept { return h_.get(); }
    explicit operator bool() const noexcept { return h_.get() != nullptr; }
    /// A borrowed view of this ring.
    ring_ref<T> ref() const noexcept { return ring_ref<T>(h_.get()); }

  private:
    template <class F>
    static status create_owned(std::size_t capacity, F &&fn,
                               ring &out) noexcept(std::is_nothrow_constructible<std::decay_t<F>, F &&>::value) {
        using Fn = std::decay_t<F>;
        auto *hold = detail::new_holder<Fn>(std::forward<F>(fn));
        if (hold == nullptr) return SPILL_OUT_OF_MEMORY;
        detail::owned_fn owner(hold);
        const spill_spout c = detail::c_spout<T>(hold->fn);
        return adopt(out, [&](handle **h) { return fam::create(capacity, &c, h); }, std::move(owner));
    }
    // Runs a C constructor `make(handle **)` and gives `out` its handle and callable.
    template <class Make, class... Fns>
    static status adopt(ring &out, Make &&make, Fns &&...fns) noexcept {
        handle *h = nullptr;
        const status s = make(&h);
        return out.h_.adopt(s, h, std::move(fns)...);
    }

    detail::owner<handle, &fam::free, 1> h_;
};

// ---------------------------------------------------------------------------
// file spout

/// The record-file spout: appends every T it receives to the file at
/// `path` (records of sizeof(T) bytes). Declare it before the rings using
/// it: it must outlive them (they flush into it when freed).
template <class T> class file_spout {
    static_assert(detail::check_element<T>(), "");

  public:
    file_spout() noexcept = default;
    file_spout(file_spout &&o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    file_spout &operator=(file_spout &&o) noexcept {
        if (this != &o) {
            (void)close();
            h_ = std::exchange(o.h_, nullptr);
        }
        return *this;
    }
    file_spout(const file_spout &) = delete;
    file_spout &operator=(const file_spout &) = delete;
    ~file_spout() { (void)close(); }

    /// Opens (creating it if needed) the record file at `path`.
    [[nodiscard]] static status open(const char *path, file_spout &out) noexcept {
        spill_file_spout *h = nullptr;
        const status s = spill_file_spout_create(path, sizeof(T), &h);
        if (s != SPILL_OK) return s;
        (void)out.close();
        out.h_ = h;
        return SPILL_OK;
    }
#if SPILL_HPP_EXCEPTIONS
    explicit file_spout(const char *path) { check(open(path, *this), "spill::file_spout"); }
    void close_or_throw() { check(close(), "spill::file_spout::close"); }
#endif
    /// The spout appending to the file (stays valid when this object moves).
    spout<T> as_spout() noexcept { return spout<T>::from_c(spill_file_spout_as_spout(h_)); }
    /// Writes out buffered records and closes the file (SPILL_IO_ERROR when
    /// the last writes fail).
    [[nodiscard]] status close() noexcept {
        if (h_ == nullptr) return SPILL_OK;
        const status s = spill_file_spout_close(h_);
        if (s != SPILL_BUSY) h_ = nullptr;
        return s;
    }
    spill_file_spout *native_handle() const noexcept { return h_; }
    explicit operator bool() const noexcept { return h_ != nullptr; }

  private:
    spill_file_spout *h_ = nullptr;
};

/// Reads the record file at `path`, handing its T records, oldest first, to
/// `dst`; `count` (may be NULL) says how many `dst` accepted.
template <class T>
[[nodiscard]] status read_file(const char *path, const spout<T> &dst, std::size_t *count = nullptr) noexcept {
    static_assert(detail::check_element<T>(), "");
    return spill_file_read(path, sizeof(T), &dst.c(), count);
}
/// Reads the record file at `path` into the callable `fn`.
template <class T, class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
[[nodiscard]] status read_file(const char *path, F &&fn, std::size_t *count = nullptr) noexcept {
    static_assert(detail::check_element<T>(), "");
    const spill_spout c = detail::c_spout<T>(fn);
    return spill_file_read(path, sizeof(T), &c, count);
}

// ---------------------------------------------------------------------------
// MPSC, pool, collectors: the by-value families

namespace detail {

template <class T> struct mpsc_family;
template <class T> struct pool_family;

#define SPILL_HPP_SET_FAMILIES(FAM, CTYPE)                                                         \
    template <> struct mpsc_family<CTYPE> {                                                        \
        using handle = spill_mpsc_##FAM;                                                           \
        static status create(std::size_t producers, std::size_t cap, const spill_spout *s,         \
                             std::size_t n, handle **out) noexcept {                               \
            return spill_mpsc_##FAM##_create(producers, cap, s, n, out);                            \
        }                                                                                          \
        static spill_ring_##FAM *producer(handle *h, std::size_t id) noexcept {                    \
            return spill_mpsc_##FAM##_producer(h, id);                                             \
        }                                                                                          \
        static std::size_t producers(const handle *h) noexcept {                                   \
            return spill_mpsc_##FAM##_producers(h);                                                \
        }                                                                                          \
        static std::size_t len(const handle *h) noexcept { return spill_mpsc_##FAM##_len(h); }     \
        static status drain(handle *h, const spill_spout *d, std::size_t *n) noexcept {            \
            return spill_mpsc_##FAM##_drain(h, d, n);                                              \
        }                                                                                          \
        static status free(handle *h) noexcept { return spill_mpsc_##FAM##_free(h); }              \
    };                                                                                             \
    template <> struct pool_family<CTYPE> {                                                        \
        using handle = spill_pool_##FAM;                                                           \
        using ring = spill_ring_##FAM;                                                             \
        using collector = spill_collector_##FAM;                                                   \
        using work_fn = spill_pool_##FAM##_work_fn;                                                \
        static status create(std::size_t workers, std::size_t cap, work_fn w, void *ctx,           \
                             const spill_spout *overflow, handle **out) noexcept {                 \
            return spill_pool_##FAM##_create(workers, cap, w, ctx, overflow, out);                  \
        }                                                                                          \
        static status dispatch(handle *h, const void *a) noexcept {                                \
            return spill_pool_##FAM##_dispatch(h, a);                                              \
        }                                                                                          \
        static status join(handle *h) noexcept { return spill_pool_##FAM##_join(h); }              \
        static status run(handle *h, const void *a) noexcept { return spill_pool_##FAM##_run(h, a); } \
        static status collect(handle *h, collector *c, std::size_t *n) noexcept {                  \
            return spill_pool_##FAM##_collect(h, c, n);                                            \
        }                                                                                          \
        static status merge(handle *h, collector *const *c, std::size_t m,                         \
                            std::size_t *n) noexcept {                                             \
            return spill_pool_##FAM##_merge(h, c, m, n);                                           \
        }                                                                                          \
        static std::size_t workers(const handle *h) noexcept {                                     \
            return spill_pool_##FAM##_workers(h);                                                  \
        }                                                                                          \
        static std::size_t capacity(const handle *h) noexcept {                                    \
            return spill_pool_##FAM##_capacity(h);                                                 \
        }                                                                                          \
        static std::uint64_t spout_failures(const handle *h) noexcept {                            \
            return spill_pool_##FAM##_spout_failures(h);                                           \
        }                                                                                          \
        static status free(handle *h) noexcept { return spill_pool_##FAM##_free(h); }              \
        static status create_collector(const spill_spout *s, bool sequenced,                      \
                                       collector **out) noexcept {                                 \
            return spill_collector_##FAM##_create(s, sequenced, out);                              \
        }                                                                                          \
        static std::size_t pending(const collector *c) noexcept {                                  \
            return spill_collector_##FAM##_pending(c);                                             \
        }                                                                                          \
        static status release(collector *c, std::size_t *n) noexcept {                             \
            return spill_collector_##FAM##_release(c, n);                                          \
        }                                                                                          \
        static status free_collector(collector *c) noexcept {                                     \
            return spill_collector_##FAM##_free(c);                                                \
        }                                                                                          \
    };

SPILL_HPP_BY_VALUE_FAMILIES(SPILL_HPP_SET_FAMILIES)
#undef SPILL_HPP_SET_FAMILIES

// The concurrent families: one table per element type, each entry one C
// call. The SPSC halves, and the concurrent MPSC whose producers are SPSC
// producer handles.
template <class T> struct spsc_family; // the by-value families, below

#define SPILL_HPP_SPSC_FAMILY(FAM, CTYPE)                                                          \
    template <> struct spsc_family<CTYPE> {                                                        \
        using producer = spill_spsc_##FAM##_producer;                                              \
        using consumer = spill_spsc_##FAM##_consumer;                                              \
        using registry = spill_cmpsc_##FAM;                                                        \
        using mpsc_consumer = spill_cmpsc_##FAM##_consumer;                                        \
        static status create(std::size_t cap, std::size_t hold, std::uint32_t flags,               \
                             const spill_spout *s, producer **p, consumer **c) noexcept {          \
            return spill_spsc_##FAM##_create(cap, hold, flags, s, p, c);                           \
        }                                                                                          \
        static status push(producer *p, const CTYPE &v) noexcept {                                 \
            return spill_spsc_##FAM##_producer_push(p, v);                                         \
        }                                                                                          \
        static status try_push(producer *p, const CTYPE &v) noexcept {                             \
            return spill_spsc_##FAM##_producer_try_push(p, v);                                     \
        }                                                                                          \
        static status push_wait(producer *p, const CTYPE &v, std::uint64_t ns) noexcept {          \
            return spill_spsc_##FAM##_producer_push_wait(p, v, ns);                                \
        }                                                                                          \
        static status reserve(producer *p, std::size_t n, CTYPE **slots, std::size_t *got) noexcept { \
            return spill_spsc_##FAM##_producer_reserve(p, n, slots, got);                          \
        }                                                                                          \
        static status commit(producer *p, std::size_t n) noexcept {                                \
            return spill_spsc_##FAM##_producer_commit(p, n);                                       \
        }                                                                                          \
        static std::size_t producer_len(const producer *p) noexcept {                              \
            return spill_spsc_##FAM##_producer_len(p);                                             \
        }                                                                                          \
        static bool producer_abandoned(const producer *p) noexcept {                               \
            return spill_spsc_##FAM##_producer_is_abandoned(p);                                    \
        }                                                                                          \
        static bool producer_closed(const producer *p) noexcept {                                  \
            return spill_spsc_##FAM##_producer_is_closed(p);                                       \
        }                                                                                          \
        static status producer_free(producer *p) noexcept {                                        \
            return spill_spsc_##FAM##_producer_free(p);                                            \
        }                                                                                          \
        static status pop(consumer *c, CTYPE *out) noexcept {                                      \
            return spill_spsc_##FAM##_consumer_pop(c, out);                                        \
        }                                                                                          \
        static status pop_bulk(consumer *c, CTYPE *out, std::size_t max, std::size_t *n) noexcept { \
            return spill_spsc_##FAM##_consumer_pop_bulk(c, out, max, n);                           \
        }                                                                                          \
        static status read(consumer *c, std::size_t max, const CTYPE **slots,                      \
                           std::size_t *n) noexcept {                                              \
            return spill_spsc_##FAM##_consumer_read(c, max, slots, n);                             \
        }                                                                                          \
        static status release(consumer *c) noexcept { return spill_spsc_##FAM##_consumer_release(c); } \
        static std::size_t consumer_len(const consumer *c) noexcept {                              \
            return spill_spsc_##FAM##_consumer_len(c);                                             \
        }                                                                                          \
        static bool consumer_abandoned(const consumer *c) noexcept {                               \
            return spill_spsc_##FAM##_consumer_is_abandoned(c);                                    \
        }                                                                                          \
        static status consumer_close(consumer *c) noexcept { return spill_spsc_##FAM##_consumer_close(c); } \
        static status consumer_free(consumer *c) noexcept { return spill_spsc_##FAM##_consumer_free(c); } \
        static status create_mpsc(std::size_t producers, std::size_t cap, std::size_t hold,        \
                                  std::uint32_t flags, registry **r, mpsc_consumer **c) noexcept { \
            return spill_cmpsc_##FAM##_create(producers, cap, hold, flags, r, c);                  \
        }                                                                                          \
        static status register_producer(const registry *r, const spill_spout *s,                   \
                                        producer **p) noexcept {                                   \
            return spill_cmpsc_##FAM##_register(r, s, p);                                          \
        }                                                                                          \
        static std::size_t producers(const registry *r) noexcept {                                 \
            return spill_cmpsc_##FAM##_producers(r);                                               \
        }                                                                                          \
        static std::size_t max_producers(const registry *r) noexcept {                             \
            return spill_cmpsc_##FAM##_max_producers(r);                                           \
        }                                                                                          \
        static status registry_free(registry *r) noexcept { return spill_cmpsc_##FAM##_free(r); }  \
        static status mpsc_pop(mpsc_consumer *c, CTYPE *out) noexcept {                            \
            return spill_cmpsc_##FAM##_consumer_pop(c, out);                                       \
        }                                                                                          \
        static status mpsc_drain(mpsc_consumer *c, std::size_t quota, const spill_spout *d,        \
                                 std::size_t *n) noexcept {                                        \
            return spill_cmpsc_##FAM##_consumer_drain(c, quota, d, n);                             \
        }                                                                                          \
        static std::size_t mpsc_len(const mpsc_consumer *c) noexcept {                             \
            return spill_cmpsc_##FAM##_consumer_len(c);                                            \
        }                                                                                          \
        static status mpsc_close(mpsc_consumer *c) noexcept {                                      \
            return spill_cmpsc_##FAM##_consumer_close(c);                                          \
        }                                                                                          \
        static status mpsc_free(mpsc_consumer *c) noexcept {                                       \
            return spill_cmpsc_##FAM##_consumer_free(c);                                           \
        }                                                                                          \
    };

SPILL_HPP_BY_VALUE_FAMILIES(SPILL_HPP_SPSC_FAMILY)
#undef SPILL_HPP_SPSC_FAMILY

// Any other element type: the bytes families with elem_size == sizeof(T).
// The slot arrays are arrays of T pointers, which the C calls fill as
// arrays of void pointers (the same representation on every platform the
// library supports).
template <class T> struct spsc_bytes_family {
    using producer = spill_spsc_bytes_producer;
    using consumer = spill_spsc_bytes_consumer;
    using registry = spill_cmpsc_bytes;
    using mpsc_consumer = spill_cmpsc_bytes_consumer;
    static status create(std::size_t cap, std::size_t hold, std::uint32_t flags, const spill_spout *s,
                         producer **p, consumer **c) noexcept {
        return spill_spsc_bytes_create(sizeof(T), cap, hold, flags, s, p, c);
    }
    static status push(producer *p, const T &v) noexcept { return spill_spsc_bytes_producer_push(p, &v); }
    static status try_push(producer *p, const T &v) noexcept {
        return spill_spsc_bytes_producer_try_push(p, &v);
    }
    static status push_wait(producer *p, const T &v, std::uint64_t ns) noexcept {
        return spill_spsc_bytes_producer_push_wait(p, &v, ns);
    }
    static status reserve(producer *p, std::size_t n, T **slots, std::size_t *got) noexcept {
        return spill_spsc_bytes_producer_reserve(p, n, reinterpret_cast<void **>(slots), got);
    }
    static status commit(producer *p, std::size_t n) noexcept { return spill_spsc_bytes_producer_commit(p, n); }
    static std::size_t producer_len(const producer *p) noexcept { return spill_spsc_bytes_producer_len(p); }
    static bool producer_abandoned(const producer *p) noexcept {
        return spill_spsc_bytes_producer_is_abandoned(p);
    }
    static bool producer_closed(const producer *p) noexcept { return spill_spsc_bytes_producer_is_closed(p); }
    static status producer_free(producer *p) noexcept { return spill_spsc_bytes_producer_free(p); }
    static status pop(consumer *c, T *out) noexcept { return spill_spsc_bytes_consumer_pop(c, out); }
    static status pop_bulk(consumer *c, T *out, std::size_t max, std::size_t *n) noexcept {
        return spill_spsc_bytes_consumer_pop_bulk(c, out, max, n);
    }
    static status read(consumer *c, std::size_t max, const T **slots, std::size_t *n) noexcept {
        return spill_spsc_bytes_consumer_read(c, max, reinterpret_cast<const void **>(slots), n);
    }
    static status release(consumer *c) noexcept { return spill_spsc_bytes_consumer_release(c); }
    static std::size_t consumer_len(const consumer *c) noexcept { return spill_spsc_bytes_consumer_len(c); }
    static bool consumer_abandoned(const consumer *c) noexcept {
        return spill_spsc_bytes_consumer_is_abandoned(c);
    }
    static status consumer_close(consumer *c) noexcept { return spill_spsc_bytes_consumer_close(c); }
    static status consumer_free(consumer *c) noexcept { return spill_spsc_bytes_consumer_free(c); }
    static status create_mpsc(std::size_t producers, std::size_t cap, std::size_t hold, std::uint32_t flags,
                              registry **r, mpsc_consumer **c) noexcept {
        return spill_cmpsc_bytes_create(sizeof(T), producers, cap, hold, flags, r, c);
    }
    static status register_producer(const registry *r, const spill_spout *s, producer **p) noexcept {
        return spill_cmpsc_bytes_register(r, s, p);
    }
    static std::size_t producers(const registry *r) noexcept { return spill_cmpsc_bytes_producers(r); }
    static std::size_t max_producers(const registry *r) noexcept { return spill_cmpsc_bytes_max_producers(r); }
    static status registry_free(registry *r) noexcept { return spill_cmpsc_bytes_free(r); }
    static status mpsc_pop(mpsc_consumer *c, T *out) noexcept { return spill_cmpsc_bytes_consumer_pop(c, out); }
    static status mpsc_drain(mpsc_consumer *c, std::size_t quota, const spill_spout *d,
                             std::size_t *n) noexcept {
        return spill_cmpsc_bytes_consumer_drain(c, quota, d, n);
    }
    static std::size_t mpsc_len(const mpsc_consumer *c) noexcept { return spill_cmpsc_bytes_consumer_len(c); }
    static status mpsc_close(mpsc_consumer *c) noexcept { return spill_cmpsc_bytes_consumer_close(c); }
    static status mpsc_free(mpsc_consumer *c) noexcept { return spill_cmpsc_bytes_consumer_free(c); }
};

template <class T>
using spsc_family_of = std::conditional_t<is_scalar_family<T>::value, spsc_family<T>, spsc_bytes_family<T>>;
#undef SPILL_HPP_BY_VALUE_FAMILIES

// A C spout over a callable moved into a heap control block `owner_out`
// owns; false when memory runs out.
template <class T, class F>
bool owned_spout(F &&fn, spill_spout &c,
                 owned_fn &owner_out) noexcept(std::is_nothrow_constructible<std::decay_t<F>, F &&>::value) {
    auto *hold = new_holder<std::decay_t<F>>(std::forward<F>(fn));
    if (hold == nullptr) return false;
    owner_out = owned_fn(hold);
    c = c_spout<T>(hold->fn);
    return true;
}

} // namespace detail

/// Per-producer rings (move-only): producer(id) is a ring_ref<T> for one
/// thread at a time; drain() and size() only after the producers stopped.
template <class T> class mpsc {
    static_assert(detail::check_scalar<T>(), "");
    using fam = detail::mpsc_family<T>;
    using handle = typename fam::handle;

  public:
    mpsc() noexcept = default;

    /// `producers` rings of `capacity` items, evicted items dropped.
    [[nodiscard]] static status create(std::size_t producers, std::size_t capacity, mpsc &out) noexcept {
        return build(producers, capacity, nullptr, 0, out, {});
    }
    /// One spout for every producer: called from the producer threads at the
    /// same time, so it must be thread-safe.
    [[nodiscard]] static status create(std::size_t producers, std::size_t capacity,
                                       const spout<T> &shared, mpsc &out) noexcept {
        return build(producers, capacity, &shared.c(), 1, out, {});
    }
    /// One spout per producer: `spouts` holds `producers` spouts.
    [[nodiscard]] static status create(std::size_t producers, std::size_t capacity,
                                       span<const spout<T>> spouts, mpsc &out) noexcept {
        if (spouts.size() > 1 && spouts.size() != producers) return SPILL_INVALID_ARGUMENT;
        constexpr std::size_t local = 64;
        spill_spout on_stack[local];
        spill_spout *c = on_stack;
        if (spouts.size() > local) {
            c = new (std::nothrow) spill_spout[spouts.size()];
            if (c == nullptr) return SPILL_OUT_OF_MEMORY;
        }
        for (std::size_t i = 0; i < spouts.size(); ++i) c[i] = spouts[i].c();
        const status s = build(producers, capacity, spouts.empty() ? nullptr : c, spouts.size(), out, {});
        if (c != on_stack) delete[] c;
        return s;
    }
    /// One callable (stored once) for every producer: it is called from the
    /// producer threads at the same time, so it must be thread-safe.
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    [[nodiscard]] static status create(std::size_t producers, std::size_t capacity, F &&shared,
                                       mpsc &out) noexcept {
        static_assert(detail::check_nothrow_callable<std::decay_t<F>, F>(), "");
        return create_owned(producers, capacity, std::forward<F>(shared), out);
    }
#if SPILL_HPP_EXCEPTIONS
    mpsc(std::size_t producers, std::size_t capacity) {
        check(create(producers, capacity, *this), "spill::mpsc");
    }
    mpsc(std::size_t producers, std::size_t capacity, const spout<T> &shared) {
        check(create(producers, capacity, shared, *this), "spill::mpsc");
    }
    mpsc(std::size_t producers, std::size_t capacity, span<const spout<T>> spouts) {
        check(create(producers, capacity, spouts, *this), "spill::mpsc");
    }
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    mpsc(std::size_t producers, std::size_t capacity, F &&shared) {
        check(create_owned(producers, capacity, std::forward<F>(shared), *this), "spill::mpsc");
    }
    std::size_t drain_or_throw(const spout<T> &dst) {
        std::size_t n = 0;
        check(drain(dst, &n), "spill::mpsc::drain");
        return n;
    }
    void close_or_throw() { check(close(), "spill::mpsc::close"); }
#endif

    /// Producer `id`'s ring (an empty ring_ref for a bad id). Any thread.
    ring_ref<T> producer(std::size_t id) const noexcept {
        return ring_ref<T>(fam::producer(h_.get(), id));
    }
    std::size_t producers() const noexcept { return fam::producers(h_.get()); }
    /// Items all producers hold (only while no producer is in use).
    std::size_t size() const noexcept { return fam::len(h_.get()); }
    /// Sends every producer's items to `dst`, producer by producer.
    [[nodiscard]] status drain(const spout<T> &dst, std::size_t *drained = nullptr) noexcept {
        return fam::drain(h_.get(), &dst.c(), drained);
    }
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    [[nodiscard]] status drain(F &&fn, std::size_t *drained = nullptr) noexcept {
        const spill_spout c = detail::c_spout<T>(fn);
        return fam::drain(h_.get(), &c, drained);
    }
    /// Frees the set (remaining items go to their spouts, which are flushed).
    [[nodiscard]] status close() noexcept { return h_.close(); }
    handle *native_handle() const noexcept { return h_.get(); }
    explicit operator bool() const noexcept { return h_.get() != nullptr; }

  private:
    static status build(std::size_t producers, std::size_t capacity, const spill_spout *spouts,
                        std::size_t count, mpsc &out, detail::owned_fn fn) noexcept {
        handle *h = nullptr;
        const status s = fam::create(producers, capacity, spouts, count, &h);
        return out.h_.adopt(s, h, std::move(fn));
    }
    template <class F>
    static status create_owned(std::size_t producers, std::size_t capacity, F &&fn,
                               mpsc &out) noexcept(std::is_nothrow_constructible<std::decay_t<F>, F &&>::value) {
        spill_spout c{};
        detail::owned_fn owner;
        if (!detail::owned_spout<T>(std::forward<F>(fn), c, owner)) return SPILL_OUT_OF_MEMORY;
        return build(producers, capacity, &c, 1, out, std::move(owner));
    }

    detail::owner<handle, &fam::free, 1> h_;
};

/// Where a pool's batches go (move-only): unordered (as they come) or
/// sequenced (in dispatch order). Its spout runs on the thread calling
/// pool::collect, or on a merger thread during pool::merge.
template <class T> class collector {
    static_assert(detail::check_scalar<T>(), "");
    using fam = detail::pool_family<T>;
    using handle = typename fam::collector;

  public:
    enum class order { unordered, sequenced };

    collector() noexcept = default;
    [[nodiscard]] static status create(order o, const spout<T> &out_spout, collector &out) noexcept {
        return build(o, out_spout.c(), out, {});
    }
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    [[nodiscard]] static status create(order o, F &&fn, collector &out) noexcept {
        static_assert(detail::check_nothrow_callable<std::decay_t<F>, F>(), "");
        return create_owned(o, std::forward<F>(fn), out);
    }
#if SPILL_HPP_EXCEPTIONS
    collector(order o, const spout<T> &out_spout) {
        check(create(o, out_spout, *this), "spill::collector");
    }
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    collector(order o, F &&fn) {
        check(create_owned(o, std::forward<F>(fn), *this), "spill::collector");
    }
    std::size_t release_or_throw() {
        std::size_t n = 0;
        check(release(&n), "spill::collector::release");
        return n;
    }
#endif
    /// Items held: batches waiting for their round plus a refused batch.
    std::size_t pending() const noexcept { return fam::pending(h_.get()); }
    /// Sends everything held to the spout now, then flushes it.
    [[nodiscard]] status release(std::size_t *sent = nullptr) noexcept {
        return fam::release(h_.get(), sent);
    }
    [[nodiscard]] status close() noexcept { return h_.close(); }
    handle *native_handle() const noexcept { return h_.get(); }
    explicit operator bool() const noexcept { return h_.get() != nullptr; }

  private:
    static status build(order o, const spill_spout &c, collector &out, detail::owned_fn fn) noexcept {
        handle *h = nullptr;
        const status s = fam::create_collector(&c, o == order::sequenced, &h);
        if (s == SPILL_OK) out.ctx_ = c.ctx;
        return out.h_.adopt(s, h, std::move(fn));
    }
    template <class F>
    static status create_owned(order o, F &&fn,
                               collector &out) noexcept(std::is_nothrow_constructible<std::decay_t<F>, F &&>::value) {
        spill_spout c{};
        detail::owned_fn owner;
        if (!detail::owned_spout<T>(std::forward<F>(fn), c, owner)) return SPILL_OUT_OF_MEMORY;
        return build(o, c, out, std::move(owner));
    }

    template <class, class> friend class pool;
    detail::owner<handle, &fam::free_collector, 1> h_;
    const void *ctx_ = nullptr; // the spout's context (see detail::handoff)
};

namespace detail {

template <class W, class T, class Args, class = void> struct is_work_callable : std::false_type {};
template <class W, class T>
struct is_work_callable<W, T, void,
                        std::enable_if_t<std::is_invocable<W &, ring_ref<T>, std::size_t>::value>>
    : is_accept_result<std::invoke_result_t<W &, ring_ref<T>, std::size_t>> {};
template <class W, class T, class Args>
struct is_work_callable<
    W, T, Args,
    std::enable_if_t<!std::is_void<Args>::value &&
                     std::is_invocable<W &, ring_ref<T>, std::size_t, const Args &>::value>>
    : is_accept_result<std::invoke_result_t<W &, ring_ref<T>, std::size_t, const Args &>> {};

template <class T, class Args, class W>
int work_thunk(typename pool_family<T>::ring *r, std::size_t id, const void *args, void *ctx) noexcept {
    const callback_scope scope(ctx);
    W &work = *static_cast<W *>(ctx);
    const ring_ref<T> ring(r);
    if constexpr (std::is_void<Args>::value) {
        (void)args;
        return accept([&]() -> decltype(auto) { return work(ring, id); });
    } else {
        const Args &a = *static_cast<const Args *>(args);
        return accept([&]() -> decltype(auto) { return work(ring, id, a); });
    }
}

} // namespace detail

#if SPILL_HPP_CONCEPTS
/// A pool's work: w(ring_ref<T>, size_t worker) (Args void) or
/// w(ring_ref<T>, size_t worker, const Args &), returning void or bool.
template <class W, class T, class Args = void>
concept work_callable = detail::is_work_callable<std::remove_reference_t<W>, T, Args>::value;
#endif

/// A pool of worker threads (move-only), each pushing into its own ring of
/// T, running a work callable per round: work(ring_ref<T> ring, size_t
/// worker) when Args is void, work(ring, worker, const Args &args)
/// otherwise, returning void or bool (false, or an exception, marks the
/// worker's round as failed: join/run return SPILL_WORKER_PANICKED). The
/// work runs on several threads at once: it must be thread-safe. The
/// overflow spout, too, is called from the workers at the same time.
template <class T, class Args = void> class pool {
    static_assert(detail::check_scalar<T>(), "");
    using fam = detail::pool_family<T>;
    using handle = typename fam::handle;
    template <class W>
    using if_work = std::enable_if_t<detail::is_work_callable<std::decay_t<W>, T, Args>::value, int>;

  public:
    pool() noexcept = default;

    /// `workers` threads with rings of `capacity` items; overflow dropped.
    template <class W, if_work<W> = 0>
    [[nodiscard]] static status create(std::size_t workers, std::size_t capacity, W &&work,
                                       pool &out) noexcept {
        static_assert(detail::check_nothrow_callable<std::decay_t<W>, W>(), "");
        return create_owned(workers, capacity, std::forward<W>(work), nullptr, out, {});
    }
    /// Overflow into `overflow` (borrowed; thread-safe).
    template <class W, if_work<W> = 0>
    [[nodiscard]] static status create(std::size_t workers, std::size_t capacity, W &&work,
                                       const spout<T> &overflow, pool &out) noexcept {
        static_assert(detail::check_nothrow_callable<std::decay_t<W>, W>(), "");
        return create_owned(workers, capacity, std::forward<W>(work), &overflow.c(), out, {});
    }
    /// Overflow into the callable `overflow` (stored; thread-safe).
    template <class W, class O, if_work<W> = 0,
              std::enable_if_t<detail::is_spout_arg<T, O>::value, int> = 0>
    [[nodiscard]] static status create(std::size_t workers, std::size_t capacity, W &&work,
                                       O &&overflow, pool &out) noexcept {
        static_assert(detail::check_nothrow_callable<std::decay_t<W>, W>(), "");
        static_assert(detail::check_nothrow_callable<std::decay_t<O>, O>(), "");
        return create_with_overflow(workers, capacity, std::forward<W>(work),
                                    std::forward<O>(overflow), out);
    }
#if SPILL_HPP_EXCEPTIONS
    template <class W, if_work<W> = 0> pool(std::size_t workers, std::size_t capacity, W &&work) {
        check(create_owned(workers, capacity, std::forward<W>(work), nullptr, *this, {}), "spill::pool");
    }
    template <class W, if_work<W> = 0>
    pool(std::size_t workers, std::size_t capacity, W &&work, const spout<T> &overflow) {
        check(create_owned(workers, capacity, std::forward<W>(work), &overflow.c(), *this, {}),
              "spill::pool");
    }
    template <class W, class O, if_work<W> = 0,
              std::enable_if_t<detail::is_spout_arg<T, O>::value, int> = 0>
    pool(std::size_t workers, std::size_t capacity, W &&work, O &&overflow) {
        check(create_with_overflow(workers, capacity, std::forward<W>(work), std::forward<O>(overflow),
                                   *this),
              "spill::pool");
    }
#endif

    /// Starts a round and returns at once; `args` must stay valid and
    /// unchanged until join().
    template <class A = Args, std::enable_if_t<!std::is_void<A>::value, int> = 0>
    [[nodiscard]] status dispatch(const A &args) noexcept {
        hand_off();
        return fam::dispatch(h_.get(), &args);
    }
    template <class A = Args, std::enable_if_t<std::is_void<A>::value, int> = 0>
    [[nodiscard]] status dispatch() noexcept {
        hand_off();
        return fam::dispatch(h_.get(), nullptr);
    }
    /// Waits for the round in flight (SPILL_WORKER_PANICKED when a worker failed).
    [[nodiscard]] status join() noexcept { return take_back(fam::join(h_.get())); }
    /// dispatch, then join.
    template <class A = Args, std::enable_if_t<!std::is_void<A>::value, int> = 0>
    [[nodiscard]] status run(const A &args) noexcept {
        hand_off();
        return take_back(fam::run(h_.get(), &args));
    }
    template <class A = Args, std::enable_if_t<std::is_void<A>::value, int> = 0>
    [[nodiscard]] status run() noexcept {
        hand_off();
        return take_back(fam::run(h_.get(), nullptr));
    }
    /// Takes every published batch into `c` on this thread.
    [[nodiscard]] status collect(collector<T> &c, std::size_t *collected = nullptr) noexcept {
        detail::handoff(c.ctx_);
        const status s = fam::collect(h_.get(), c.native_handle(), collected);
        detail::take_handback(c.ctx_);
        return s;
    }
    /// Merger threads, one per collector, drain the workers in parallel.
    [[nodiscard]] status merge(span<collector<T>> collectors, std::size_t *collected = nullptr) noexcept {
        using chandle = typename fam::collector;
        constexpr std::size_t local = 64;
        chandle *on_stack[local];
        chandle **c = on_stack;
        if (collectors.size() > local) {
            c = new (std::nothrow) chandle *[collectors.size()];
            if (c == nullptr) return SPILL_OUT_OF_MEMORY;
        }
        for (std::size_t i = 0; i < collectors.size(); ++i) {
            c[i] = collectors[i].native_handle();
            detail::handoff(collectors[i].ctx_);
        }
        const status s = fam::merge(h_.get(), collectors.empty() ? nullptr : c, collectors.size(), collected);
        for (const collector<T> &each : collectors) detail::take_handback(each.ctx_);
        if (c != on_stack) delete[] c;
        return s;
    }
#if SPILL_HPP_EXCEPTIONS
    template <class A = Args, std::enable_if_t<!std::is_void<A>::value, int> = 0>
    void run_or_throw(const A &args) {
        check(run(args), "spill::pool::run");
    }
    template <class A = Args, std::enable_if_t<std::is_void<A>::value, int> = 0> void run_or_throw() {
        check(run(), "spill::pool::run");
    }
    void join_or_throw() { check(join(), "spill::pool::join"); }
    std::size_t collect_or_throw(collector<T> &c) {
        std::size_t n = 0;
        check(collect(c, &n), "spill::pool::collect");
        return n;
    }
    std::size_t merge_or_throw(span<collector<T>> collectors) {
        std::size_t n = 0;
        check(merge(collectors, &n), "spill::pool::merge");
        return n;
    }
    void close_or_throw() { check(close(), "spill::pool::close"); }
#endif
    std::size_t workers() const noexcept { return fam::workers(h_.get()); }
    std::size_t capacity() const noexcept { return fam::capacity(h_.get()); }
    /// Evicted items the overflow spout refused while folding (counted).
    std::uint64_t spout_failures() const noexcept { return fam::spout_failures(h_.get()); }
    /// Stops and joins the workers; the rings' items go to the overflow spout.
    [[nodiscard]] status close() noexcept {
        hand_off();
        return take_back(h_.close());
    }
    handle *native_handle() const noexcept { return h_.get(); }
    explicit operator bool() const noexcept { return h_.get() != nullptr; }

  private:
    template <class W>
    static status create_owned(std::size_t workers, std::size_t capacity, W &&work,
                               const spill_spout *overflow, pool &out,
                               detail::owned_fn overflow_owner) noexcept(std::is_nothrow_constructible<std::decay_t<W>, W &&>::value) {
        using Wd = std::decay_t<W>;
        auto *hold = detail::new_holder<Wd>(std::forward<W>(work));
        if (hold == nullptr) return SPILL_OUT_OF_MEMORY;
        detail::owned_fn work_owner(hold);
        handle *h = nullptr;
        void *ctx = static_cast<void *>(&hold->fn);
        const status s = fam::create(workers, capacity, &detail::work_thunk<T, Args, Wd>, ctx, overflow, &h);
        if (s == SPILL_OK) {
            out.work_ctx_ = ctx;
            out.overflow_ctx_ = overflow != nullptr ? overflow->ctx : nullptr;
        }
        return out.h_.adopt(s, h, std::move(work_owner), std::move(overflow_owner));
    }
    template <class W, class O>
    static status create_with_overflow(std::size_t workers, std::size_t capacity, W &&work, O &&overflow,
                                       pool &out) noexcept(std::is_nothrow_constructible<std::decay_t<W>, W &&>::value &&
                                                           std::is_nothrow_constructible<std::decay_t<O>, O &&>::value) {
        spill_spout c{};
        detail::owned_fn owner;
        if (!detail::owned_spout<T>(std::forward<O>(overflow), c, owner)) return SPILL_OUT_OF_MEMORY;
        return create_owned(workers, capacity, std::forward<W>(work), &c, out, std::move(owner));
    }

    // See detail::handoff: the edges the library's own synchronisation makes.
    void hand_off() const noexcept {
        detail::handoff(work_ctx_);
        detail::handoff(overflow_ctx_);
    }
    status take_back(status s) const noexcept {
        detail::take_handback(work_ctx_);
        detail::take_handback(overflow_ctx_);
        return s;
    }

    // The pool is freed (its workers joined) before the work and overflow
    // callables are destroyed.
    detail::owner<handle, &fam::free, 2> h_;
    const void *work_ctx_ = nullptr;
    const void *overflow_ctx_ = nullptr;
};

// ---------------------------------------------------------------------------
// concurrent rings: SPSC halves and the concurrent MPSC

/// How a concurrent ring (or each lane of a concurrent MPSC) is sized:
/// `capacity` items (a power of two); `hold`, how many items the consumer
/// may hold at once (the largest pop_bulk or read; 0 means `capacity`);
/// `waking`, whether the consumer wakes a producer parked in push_wait as
/// soon as it makes room (SPILL_WAKING; else a parked producer polls every
/// 50 microseconds). A plain capacity converts to it.
struct spsc_options {
    constexpr spsc_options(std::size_t capacity_items, std::size_t hold_items = 0,
                           bool wake = false) noexcept
        : capacity(capacity_items), hold(hold_items), waking(wake) {}
    std::size_t capacity;
    std::size_t hold;
    bool waking;
    constexpr std::uint32_t flags() const noexcept { return waking ? SPILL_WAKING : 0u; }
};

/// The slots of a reservation (P = T, written in place) or of a read (P =
/// const T, read in place): `size()` pointers, one per slot (the slots are
/// not contiguous); indexing and iteration give the items. A view of the
/// pointer storage given to reserve() or read(): valid until the commit or
/// the release.
template <class P> class slots {
  public:
    /// Iterates over the items (through their slot pointers).
    class iterator {
      public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::remove_cv_t<P>;
        using difference_type = std::ptrdiff_t;
        using pointer = P *;
        using reference = P &;
        iterator() noexcept = default;
        explicit iterator(P *const *at) noexcept : at_(at) {}
        P &operator*() const noexcept { return **at_; }
        P *operator->() const noexcept { return *at_; }
        iterator &operator++() noexcept {
            ++at_;
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator old = *this;
            ++at_;
            return old;
        }
        friend bool operator==(iterator a, iterator b) noexcept { return a.at_ == b.at_; }
        friend bool operator!=(iterator a, iterator b) noexcept { return a.at_ != b.at_; }

      private:
        P *const *at_ = nullptr;
    };

    slots() noexcept = default;
    slots(P *const *pointers, std::size_t count) noexcept : p_(pointers), n_(count) {}
    std::size_t size() const noexcept { return n_; }
    bool empty() const noexcept { return n_ == 0; }
    P &operator[](std::size_t i) const noexcept { return *p_[i]; }
    iterator begin() const noexcept { return iterator(p_); }
    iterator end() const noexcept { return iterator(p_ + n_); }
    /// The slot pointers.
    span<P *const> pointers() const noexcept { return span<P *const>(p_, n_); }

  private:
    P *const *p_ = nullptr;
    std::size_t n_ = 0;
};

namespace detail {

// ThreadSanitizer and the concurrent rings. The library orders the halves
// with atomics ThreadSanitizer does not see (it is not instrumented), so
// where C++ code on both sides touches the same memory the wrapper states
// the edges the library makes: a producer releases each slot it wrote in
// place before commit, the consumer acquires each slot read() claims; the
// consumer releases the slots it read before handing them back (release,
// or the next pop/pop_bulk/read), the producer acquires each slot
// reserve() gives it. Before freeing a half (or a concurrent MPSC's
// registry, consumer or producer), each releases then acquires one address
// shared by the handles of that ring or MPSC (never dereferenced), so the
// half that frees the memory last comes after everything the other did.
// Without ThreadSanitizer these do nothing.
template <class P> void tsan_release_slots(const slots<P> &s) noexcept {
#if SPILL_HPP_TSAN
    for (P *at : s.pointers()) tsan_release(at);
#else
    (void)s;
#endif
}
template <class P> void tsan_acquire_slots(const slots<P> &s) noexcept {
#if SPILL_HPP_TSAN
    for (P *at : s.pointers()) tsan_acquire(at);
#else
    (void)s;
#endif
}
inline void tsan_before_free(const void *shared) noexcept {
    tsan_release(shared);
    tsan_acquire(shared);
}

// A timeout for the C waiting calls: nanoseconds, rounded up; 0 or less is
// no wait; more than nanoseconds::max() (about 292 years) waits forever.
template <class Rep, class Period>
std::uint64_t timeout_ns(const std::chrono::duration<Rep, Period> &d) noexcept {
    using std::chrono::nanoseconds;
    if (d <= d.zero()) return 0;
    if (std::chrono::duration<double, std::nano>(d) >=
        std::chrono::duration<double, std::nano>(nanoseconds::max()))
        return SPILL_WAIT_FOREVER;
    const std::int64_t ns = std::chrono::ceil<nanoseconds>(d).count();
    return static_cast<std::uint64_t>(ns);
}

// A concurrent handle `H` freed by `Free`, plus one callable (a producer's
// spout) and the ThreadSanitizer address shared with the other handles of
// its ring (see tsan_before_free).
template <class H, status (*Free)(H *) noexcept> class concurrent_owner {
  public:
    concurrent_owner() noexcept = default;
    concurrent_owner(concurrent_owner &&o) noexcept
        : h_(std::move(o.h_)), shared_(std::exchange(o.shared_, nullptr)) {}
    concurrent_owner &operator=(concurrent_owner &&o) noexcept {
        if (this != &o) {
            (void)close();
            h_ = std::move(o.h_);
            shared_ = std::exchange(o.shared_, nullptr);
        }
        return *this;
    }
    concurrent_owner(const concurrent_owner &) = delete;
    concurrent_owner &operator=(const concurrent_owner &) = delete;
    ~concurrent_owner() { (void)close(); }

    status close() noexcept {
        if (h_.get() == nullptr) return SPILL_OK;
        tsan_before_free(shared_);
        return h_.close();
    }
    void adopt(H *h, const void *shared, owned_fn fn = {}) noexcept {
        (void)h_.adopt(SPILL_OK, h, std::move(fn));
        shared_ = shared;
    }
    H *get() const noexcept { return h_.get(); }
    const void *shared() const noexcept { return shared_; }

  private:
    owner<H, Free, 1> h_;
    const void *shared_ = nullptr;
};

} // namespace detail

template <class T> struct spsc;
template <class T> class cmpsc_registry;

/// The producer half of a concurrent ring of T (move-only), also what a
/// concurrent MPSC's register_producer() gives. Every call belongs to one
/// thread at a time (the handle may move to another thread with the usual
/// synchronisation, such as starting that thread); it runs at the same time
/// as the consumer's calls, without locks. Its spout (a callable it owns, or
/// a borrowed spout) is called on the producer thread. The destructor frees
/// it: the items it pushed stay for the consumer, the spout is flushed.
template <class T> class spsc_producer {
    static_assert(detail::check_element<T>(), "");
    using fam = detail::spsc_family_of<T>;
    using handle = typename fam::producer;

  public:
    using value_type = T;
    spsc_producer() noexcept = default;

    /// Appends `item`; when the ring is full, first evicts the oldest item
    /// to the spout. Never waits. SPILL_SPOUT_FAILED: the spout refused the
    /// evicted item (lost), `item` was pushed all the same.
    [[nodiscard]] status push(const T &item) noexcept { return fam::push(h(), item); }
    /// Appends `item` only if there is room (SPILL_FULL otherwise).
    [[nodiscard]] status try_push(const T &item) noexcept { return fam::try_push(h(), item); }
    /// Appends `item` without losing anything: when full, waits until the
    /// consumer makes room, at most `timeout` (SPILL_TIMEOUT), or until the
    /// consumer shuts the ring down (SPILL_CLOSED).
    template <class Rep, class Period>
    [[nodiscard]] status push_wait(const T &item, std::chrono::duration<Rep, Period> timeout) noexcept {
        return fam::push_wait(h(), item, detail::timeout_ns(timeout));
    }
    /// As push_wait, with no time limit.
    [[nodiscard]] status push_wait(const T &item) noexcept {
        return fam::push_wait(h(), item, SPILL_WAIT_FOREVER);
    }
    /// Reserves min(storage.size(), capacity) slots to write in place,
    /// evicting the oldest items to the spout as needed; `storage` receives
    /// a pointer to each slot and `out` views them. Nothing is visible to
    /// the consumer until commit(); until then the other element calls
    /// return SPILL_BUSY. SPILL_SPOUT_FAILED: reserved all the same.
    [[nodiscard]] status reserve(span<T *> storage, slots<T> &out) noexcept {
        std::size_t n = 0;
        const status s = fam::reserve(h(), storage.size(), storage.data(), &n);
        out = slots<T>(storage.data(), n);
        reserved_ = out;
        detail::tsan_acquire_slots(out);
        return s;
    }
    /// Publishes the first `written` reserved slots, in order (0 cancels);
    /// SPILL_INVALID_ARGUMENT for more than were reserved.
    [[nodiscard]] status commit(std::size_t written) noexcept {
        if (written <= reserved_.size()) detail::tsan_release_slots(slots<T>(reserved_.pointers().data(), written));
        const status s = fam::commit(h(), written);
        if (s == SPILL_OK) reserved_ = slots<T>();
        return s;
    }
    /// Items in the ring now (the consumer may be taking some).
    std::size_t size() const noexcept { return fam::producer_len(h()); }
    /// Whether the consumer was freed (pushes still evict; nobody pops).
    bool abandoned() const noexcept { return fam::producer_abandoned(h()); }
    /// Whether the consumer shut the ring down (push_wait returns SPILL_CLOSED).
    bool closed() const noexcept { return fam::producer_closed(h()); }
    /// Frees the producer now (SPILL_SPOUT_FAILED: the spout's flush
    /// failed, freed anyway; SPILL_BUSY from inside its own spout, not
    /// freed). An empty handle returns SPILL_OK.
    [[nodiscard]] status close() noexcept { return h_.close(); }

#if SPILL_HPP_EXCEPTIONS
    void push_or_throw(const T &item) { check(push(item), "spill::spsc_producer::push"); }
    /// false when the ring is full.
    bool try_push_or_throw(const T &item) {
        const status s = try_push(item);
        if (s == SPILL_FULL) return false;
        check(s, "spill::spsc_producer::try_push");
        return true;
    }
    /// false when the time ran out; throws on SPILL_CLOSED.
    template <class Rep, class Period>
    bool push_wait_or_throw(const T &item, std::chrono::duration<Rep, Period> timeout) {
        const status s = push_wait(item, timeout);
        if (s == SPILL_TIMEOUT) return false;
        check(s, "spill::spsc_producer::push_wait");
        return true;
    }
    void push_wait_or_throw(const T &item) { check(push_wait(item), "spill::spsc_producer::push_wait"); }
    /// Throws on failure, SPILL_SPOUT_FAILED included (the slots are
    /// reserved then: commit or cancel them).
    slots<T> reserve_or_throw(span<T *> storage) {
        slots<T> out;
        check(reserve(storage, out), "spill::spsc_producer::reserve");
        return out;
    }
    void commit_or_throw(std::size_t written) { check(commit(written), "spill::spsc_producer::commit"); }
    void close_or_throw() { check(close(), "spill::spsc_producer::close"); }
#endif

    handle *native_handle() const noexcept { return h_.get(); }
    explicit operator bool() const noexcept { return h_.get() != nullptr; }

  private:
    friend struct spsc<T>;
    friend class cmpsc_registry<T>;
    handle *h() const noexcept { return h_.get(); }

    detail::concurrent_owner<handle, &fam::producer_free> h_;
    slots<T> reserved_; // the open reservation (for the ThreadSanitizer edges)
};

/// The consumer half of a concurrent ring of T (move-only): every call
/// belongs to one thread at a time, which may differ from the producer's.
/// The destructor frees it (shutting the ring down: a waiting producer gets
/// SPILL_CLOSED); what it did not pop is dropped once the producer is freed.
template <class T> class spsc_consumer {
    static_assert(detail::check_element<T>(), "");
    using fam = detail::spsc_family_of<T>;
    using handle = typename fam::consumer;

  public:
    using value_type = T;
    spsc_consumer() noexcept = default;

    /// Removes the oldest item into `out` (SPILL_EMPTY when there is none).
    /// Releases what read() claimed first.
    [[nodiscard]] status pop(T &out) noexcept {
        hand_back();
        return fam::pop(h(), &out);
    }
    /// Removes up to out.size() (at most the hold) of the oldest items into
    /// `out`, oldest first; `popped` says how many (SPILL_EMPTY: none).
    [[nodiscard]] status pop_bulk(span<T> out, std::size_t &popped) noexcept {
        return pop_bulk(out.data(), out.size(), popped);
    }
    [[nodiscard]] status pop_bulk(T *out, std::size_t max, std::size_t &popped) noexcept {
        hand_back();
        return fam::pop_bulk(h(), out, max, &popped);
    }
    /// Claims up to storage.size() (at most the hold) of the oldest items to
    /// read in place: `storage` receives a pointer to each, oldest first,
    /// and `out` views them, until release() or the next pop, pop_bulk or
    /// read (SPILL_EMPTY: none).
    [[nodiscard]] status read(span<const T *> storage, slots<const T> &out) noexcept {
        hand_back();
        std::size_t n = 0;
        const status s = fam::read(h(), storage.size(), storage.data(), &n);
        out = slots<const T>(storage.data(), n);
        claimed_ = out;
        detail::tsan_acquire_slots(out);
        return s;
    }
    /// Gives back what read() claimed (its pointers become invalid).
    [[nodiscard]] status release() noexcept {
        hand_back();
        return fam::release(h());
    }
    /// Items in the ring now (the producer may be adding or evicting).
    std::size_t size() const noexcept { return fam::consumer_len(h()); }
    /// Whether the producer was freed: once empty, nothing more comes.
    bool abandoned() const noexcept { return fam::consumer_abandoned(h()); }
    /// Shuts the ring down: waiting pushes return SPILL_CLOSED from now on
    /// (a parked producer is woken); evicting pushes and pops go on.
    [[nodiscard]] status shutdown() noexcept { return fam::consumer_close(h()); }
    /// Frees the consumer now (shutting the ring down). An empty handle
    /// returns SPILL_OK.
    [[nodiscard]] status close() noexcept {
        hand_back();
        return h_.close();
    }

#if SPILL_HPP_EXCEPTIONS
    /// std::nullopt when the ring is empty.
    std::optional<T> pop_or_throw() {
        T item{};
        const status s = pop(item);
        if (s == SPILL_EMPTY) return std::nullopt;
        check(s, "spill::spsc_consumer::pop");
        return item;
    }
    /// How many items were popped (0 when the ring is empty).
    std::size_t pop_bulk_or_throw(span<T> out) {
        std::size_t n = 0;
        const status s = pop_bulk(out, n);
        if (s != SPILL_EMPTY) check(s, "spill::spsc_consumer::pop_bulk");
        return n;
    }
    /// Empty slots when the ring is empty.
    slots<const T> read_or_throw(span<const T *> storage) {
        slots<const T> out;
        const status s = read(storage, out);
        if (s != SPILL_EMPTY) check(s, "spill::spsc_consumer::read");
        return out;
    }
    void release_or_throw() { check(release(), "spill::spsc_consumer::release"); }
    void shutdown_or_throw() { check(shutdown(), "spill::spsc_consumer::shutdown"); }
#endif

    handle *native_handle() const noexcept { return h_.get(); }
    explicit operator bool() const noexcept { return h_.get() != nullptr; }

  private:
    friend struct spsc<T>;
    handle *h() const noexcept { return h_.get(); }
    // The claimed slots go back to the producer with the next call.
    void hand_back() noexcept {
        detail::tsan_release_slots(claimed_);
        claimed_ = slots<const T>();
    }

    detail::concurrent_owner<handle, &fam::consumer_free> h_;
    slots<const T> claimed_; // what read() claimed (for the ThreadSanitizer edges)
};

/// A concurrent single-producer single-consumer ring of T: its two halves,
/// each freed by its own thread in any order (the memory goes with the
/// last). T is uint8_t ... double (their own families) or another trivially
/// copyable type (the bytes family, elem_size == sizeof(T)).
///
///     auto [producer, consumer] = spill::spsc<Event>(1024, on_evicted);
///     std::thread t([p = std::move(producer)]() mutable { ... p.push(e) ... });
template <class T> struct spsc {
    static_assert(detail::check_element<T>(), "");
    using fam = detail::spsc_family_of<T>;

    spsc_producer<T> producer;
    spsc_consumer<T> consumer;

    spsc() noexcept = default;

    /// A ring whose evicted items are dropped.
    [[nodiscard]] static status create(spsc_options options, spsc &out) noexcept {
        return build(options, nullptr, out, {});
    }
    /// Evicted items go to `s` (borrowed), called on the producer thread.
    [[nodiscard]] static status create(spsc_options options, const spout<T> &s, spsc &out) noexcept {
        return build(options, &s.c(), out, {});
    }
    /// Evicted items go to the callable `fn`, stored once in a control block
    /// the producer owns, called on the producer thread.
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    [[nodiscard]] static status create(spsc_options options, F &&fn, spsc &out) noexcept {
        static_assert(detail::check_nothrow_callable<std::decay_t<F>, F>(), "");
        return create_owned(options, std::forward<F>(fn), out);
    }
#if SPILL_HPP_EXCEPTIONS
    explicit spsc(spsc_options options) { check(create(options, *this), "spill::spsc"); }
    spsc(spsc_options options, const spout<T> &s) { check(create(options, s, *this), "spill::spsc"); }
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    spsc(spsc_options options, F &&fn) {
        check(create_owned(options, std::forward<F>(fn), *this), "spill::spsc");
    }
#endif

  private:
    static status build(const spsc_options &o, const spill_spout *s, spsc &out, detail::owned_fn fn) noexcept {
        typename fam::producer *p = nullptr;
        typename fam::consumer *c = nullptr;
        const status st = fam::create(o.capacity, o.hold, o.flags(), s, &p, &c);
        if (st != SPILL_OK) return st;
        out.producer.h_.adopt(p, c, std::move(fn));
        out.consumer.h_.adopt(c, c);
        return SPILL_OK;
    }
    template <class F>
    static status create_owned(const spsc_options &o, F &&fn,
                               spsc &out) noexcept(std::is_nothrow_constructible<std::decay_t<F>, F &&>::value) {
        spill_spout c{};
        detail::owned_fn owner;
        if (!detail::owned_spout<T>(std::forward<F>(fn), c, owner)) return SPILL_OUT_OF_MEMORY;
        return build(o, &c, out, std::move(owner));
    }
};

/// The consumer of a concurrent MPSC of T (move-only): one thread at a
/// time. Pops and drains the producers' lanes fairly. The destructor frees
/// it (shutting the MPSC down).
template <class T> class cmpsc_consumer {
    static_assert(detail::check_element<T>(), "");
    using fam = detail::spsc_family_of<T>;
    using handle = typename fam::mpsc_consumer;

  public:
    using value_type = T;
    cmpsc_consumer() noexcept = default;

    /// Removes the oldest item of the next non-empty lane (round robin)
    /// into `out` (SPILL_EMPTY when every lane is empty).
    [[nodiscard]] status pop(T &out) noexcept { return fam::mpsc_pop(h(), &out); }
    /// One fair pass over the lanes: at most `quota` items (and at most
    /// the hold) of each lane, each lane's oldest first, to `dst` on this
    /// thread. SPILL_SPOUT_FAILED: `dst` refused a batch (lost; the pass
    /// went on). `drained` counts what `dst` accepted.
    [[nodiscard]] status drain(std::size_t quota, const spout<T> &dst, std::size_t *drained = nullptr) noexcept {
        return fam::mpsc_drain(h(), quota, &dst.c(), drained);
    }
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    [[nodiscard]] status drain(std::size_t quota, F &&fn, std::size_t *drained = nullptr) noexcept {
        const spill_spout c = detail::c_spout<T>(fn);
        return fam::mpsc_drain(h(), quota, &c, drained);
    }
    /// Items the lanes hold now.
    std::size_t size() const noexcept { return fam::mpsc_len(h()); }
    /// Shuts the MPSC down: registrations and waiting pushes return
    /// SPILL_CLOSED from now on; what the lanes hold can still be taken.
    [[nodiscard]] status shutdown() noexcept { return fam::mpsc_close(h()); }
    /// Frees the consumer now (shutting the MPSC down).
    [[nodiscard]] status close() noexcept { return h_.close(); }

#if SPILL_HPP_EXCEPTIONS
    /// std::nullopt when every lane is empty.
    std::optional<T> pop_or_throw() {
        T item{};
        const status s = pop(item);
        if (s == SPILL_EMPTY) return std::nullopt;
        check(s, "spill::cmpsc_consumer::pop");
        return item;
    }
    template <class D> std::size_t drain_or_throw(std::size_t quota, D &&dst) {
        std::size_t n = 0;
        check(drain(quota, std::forward<D>(dst), &n), "spill::cmpsc_consumer::drain");
        return n;
    }
    void shutdown_or_throw() { check(shutdown(), "spill::cmpsc_consumer::shutdown"); }
#endif

    handle *native_handle() const noexcept { return h_.get(); }
    explicit operator bool() const noexcept { return h_.get() != nullptr; }

  private:
    template <class> friend struct cmpsc;
    handle *h() const noexcept { return h_.get(); }
    detail::concurrent_owner<handle, &fam::mpsc_free> h_;
};

/// Where producers of a concurrent MPSC of T register (move-only): any
/// thread, at the same time. Each producer is a spsc_producer<T> with a lane
/// of its own, for one thread at a time; freeing it unregisters it (what it
/// pushed is still drained). The destructor frees the registry (no more
/// registrations; the producers and the consumer live on).
template <class T> class cmpsc_registry {
    static_assert(detail::check_element<T>(), "");
    using fam = detail::spsc_family_of<T>;
    using handle = typename fam::registry;

  public:
    cmpsc_registry() noexcept = default;

    /// Registers a producer whose evicted items are dropped. SPILL_FULL
    /// when every lane is taken (retryable), SPILL_CLOSED after shutdown.
    [[nodiscard]] status register_producer(spsc_producer<T> &out) const noexcept {
        return build(nullptr, out, {});
    }
    /// Evicted items go to `s` (borrowed), on the producer's thread.
    [[nodiscard]] status register_producer(const spout<T> &s, spsc_producer<T> &out) const noexcept {
        return build(&s.c(), out, {});
    }
    /// Evicted items go to the callable `fn`, stored in a control block the
    /// producer owns, on the producer's thread.
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    [[nodiscard]] status register_producer(F &&fn, spsc_producer<T> &out) const noexcept {
        static_assert(detail::check_nothrow_callable<std::decay_t<F>, F>(), "");
        return register_owned(std::forward<F>(fn), out);
    }
#if SPILL_HPP_EXCEPTIONS
    spsc_producer<T> register_producer_or_throw() const {
        spsc_producer<T> p;
        check(register_producer(p), "spill::cmpsc::register_producer");
        return p;
    }
    spsc_producer<T> register_producer_or_throw(const spout<T> &s) const {
        spsc_producer<T> p;
        check(register_producer(s, p), "spill::cmpsc::register_producer");
        return p;
    }
    template <class F, std::enable_if_t<detail::is_spout_arg<T, F>::value, int> = 0>
    spsc_producer<T> register_producer_or_throw(F &&fn) const {
        spsc_producer<T> p;
        check(register_owned(std::forward<F>(fn), p), "spill::cmpsc::register_producer");
        return p;
    }
#endif
    /// Producers registered now.
    std::size_t producers() const noexcept { return fam::producers(h_.get()); }
    /// The most producers registered at once.
    std::size_t max_producers() const noexcept { return fam::max_producers(h_.get()); }
    /// Frees the registry now.
    [[nodiscard]] status close() noexcept { return h_.close(); }
    handle *native_handle() const noexcept { return h_.get(); }
    explicit operator bool() const noexcept { return h_.get() != nullptr; }

  private:
    template <class> friend struct cmpsc;
    status build(const spill_spout *s, spsc_producer<T> &out, detail::owned_fn fn) const noexcept {
        typename fam::producer *p = nullptr;
        const status st = fam::register_producer(h_.get(), s, &p);
        if (st == SPILL_OK) out.h_.adopt(p, h_.shared(), std::move(fn));
        return st;
    }
    template <class F>
    status register_owned(F &&fn, spsc_producer<T> &out) const
        noexcept(std::is_nothrow_constructible<std::decay_t<F>, F &&>::value) {
        spill_spout c{};
        detail::owned_fn owner;
        if (!detail::owned_spout<T>(std::forward<F>(fn), c, owner)) return SPILL_OUT_OF_MEMORY;
        return build(&c, out, std::move(owner));
    }
    detail::concurrent_owner<handle, &fam::registry_free> h_;
};

/// A concurrent MPSC of T: producers register at run time from any thread
/// (registry.register_producer(), or register_producer() here), each with a
/// lane of `options` (every lane allocated at creation; nothing is
/// allocated on push); the consumer pops and drains them fairly. The
/// registry, the consumer and each producer are freed separately, in any
/// order, each by its own thread.
///
///     auto [registry, consumer] = spill::cmpsc<Record>(8, 1024);
template <class T> struct cmpsc {
    static_assert(detail::check_element<T>(), "");
    using fam = detail::spsc_family_of<T>;

    cmpsc_registry<T> registry;
    cmpsc_consumer<T> consumer;

    cmpsc() noexcept = default;
    /// Up to `max_producers` producers at once (1..SPILL_CMPSC_MAX_PRODUCERS).
    [[nodiscard]] static status create(std::size_t max_producers, spsc_options options, cmpsc &out) noexcept {
        typename fam::registry *r = nullptr;
        typename fam::mpsc_consumer *c = nullptr;
        const status st = fam::create_mpsc(max_producers, options.capacity, options.hold, options.flags(), &r, &c);
        if (st != SPILL_OK) return st;
        out.registry.h_.adopt(r, r);
        out.consumer.h_.adopt(c, r);
        return SPILL_OK;
    }
#if SPILL_HPP_EXCEPTIONS
    cmpsc(std::size_t max_producers, spsc_options options) {
        check(create(max_producers, options, *this), "spill::cmpsc");
    }
#endif
    /// registry.register_producer(...).
    template <class... A>
    [[nodiscard]] status register_producer(A &&...args) const
        noexcept(noexcept(std::declval<const cmpsc_registry<T> &>().register_producer(std::forward<A>(args)...))) {
        return registry.register_producer(std::forward<A>(args)...);
    }
};

} // namespace spill

#endif /* SPILL_RING_HPP */

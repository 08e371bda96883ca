/*
 * logging_thread.c - request handlers logging through a concurrent MPSC.
 *
 * Several request-handler threads write fixed-size log records (a C struct)
 * to one logging thread through spill_cmpsc_bytes. Each handler registers
 * itself from its own thread when it starts (there are more handlers than
 * lanes: a late handler waits for an earlier one to finish and free its
 * lane) and logs with the evicting push, so a handler never blocks on the
 * logger. When the logger falls behind and a handler's lane is full, the
 * oldest records of that lane go to the handler's overflow file (a file
 * spout, written on the handler's thread) instead of being lost.
 *
 * The logger drains the lanes fairly (a few records of each lane per pass)
 * and formats each record. At the end the overflow files are read back and
 * the program checks that every record ever produced was logged or is in an
 * overflow file, exactly once: logged + evicted = produced, per handler.
 */
#define _POSIX_C_SOURCE 200809L
#include <spill_ring.h>

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HANDLERS 5u          /* request-handler threads */
#define LANES 3u             /* registered at once (max_producers) */
#define REQUESTS 20000u      /* per handler */
#define LANE_CAPACITY 64u    /* records per lane */
#define DRAIN_QUOTA 8u       /* records per lane per fair pass */

/* One log record: 64 bytes, copied as raw bytes through the rings. */
struct log_record {
    uint64_t seq;        /* the handler's request number */
    uint64_t latency_ns; /* what the handler measured */
    uint32_t handler;
    uint32_t status;     /* an HTTP-like status code */
    char path[40];
};

/* What a handler thread gets and reports. */
struct handler {
    uint32_t id;
    spill_cmpsc_bytes *mpsc;
    char overflow_path[64];
    uint64_t produced;
    unsigned full_retries; /* registrations refused while every lane was taken */
    spill_status error;    /* SPILL_OK, or the first failure */
    const char *failed_call;
};

/* The logger's state, touched only by the logging thread (its spout runs
 * there) until it is joined. */
struct logger {
    spill_cmpsc_bytes_consumer *consumer;
    volatile int *handlers_done; /* read under `lock` */
    pthread_mutex_t *lock;
    uint64_t logged[HANDLERS];
    unsigned char *seen[HANDLERS]; /* seen[h][seq]: 1 logged, 2 evicted */
    uint64_t checksum;
    uint64_t passes;
    int duplicate;
    spill_status error;
};

static int fail(const char *what, spill_status status) {
    fprintf(stderr, "%s: %s (%s)\n", what, spill_status_str(status), spill_last_error());
    return 1;
}

/* The logger's "work" per record: format the line it would write out. */
static uint64_t format_record(const struct log_record *r) {
    char line[128];
    uint64_t hash = 1469598103934665603ull;
    int n = snprintf(line, sizeof line, "handler=%u seq=%llu status=%u latency=%lluns path=%s", r->handler,
                     (unsigned long long)r->seq, r->status, (unsigned long long)r->latency_ns, r->path);
    int i;
    for (i = 0; i < n && i < (int)sizeof line; i++) hash = (hash ^ (unsigned char)line[i]) * 1099511628211ull;
    return hash;
}

/* The logger's spout (spill_spout.send): a batch of whole records. */
static int log_batch(void *ctx, const void *items, size_t count) {
    struct logger *lg = (struct logger *)ctx;
    const struct log_record *records = (const struct log_record *)items;
    size_t i;
    for (i = 0; i < count; i++) {
        const struct log_record *r = &records[i];
        if (r->handler >= HANDLERS || r->seq >= REQUESTS || lg->seen[r->handler][r->seq] != 0) {
            lg->duplicate = 1;
            continue;
        }
        lg->seen[r->handler][r->seq] = 1;
        lg->logged[r->handler]++;
        lg->checksum += format_record(r);
    }
    return 0;
}

static int all_handlers_done(struct logger *lg) {
    int done;
    pthread_mutex_lock(lg->lock);
    done = *lg->handlers_done == (int)HANDLERS;
    pthread_mutex_unlock(lg->lock);
    return done;
}

static void *logging_thread(void *arg) {
    struct logger *lg = (struct logger *)arg;
    spill_spout dst;
    dst.send = log_batch;
    dst.flush = NULL;
    dst.ctx = lg;
    for (;;) {
        /* Read "done" before draining: whatever a finished handler pushed
         * is in its lane by then, so an empty pass after it means the end. */
        const int done = all_handlers_done(lg);
        size_t drained = 0;
        spill_status s = spill_cmpsc_bytes_consumer_drain(lg->consumer, DRAIN_QUOTA, &dst, &drained);
        if (s != SPILL_OK) {
            lg->error = s;
            break;
        }
        lg->passes++;
        if (drained == 0) {
            if (done) break;
            sched_yield();
        }
    }
    return NULL;
}

/* The handlers start together, so that more want a lane than there are. */
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_cond = PTHREAD_COND_INITIALIZER;
static int started = 0;

static void wait_for_start(void) {
    pthread_mutex_lock(&start_lock);
    while (!started) pthread_cond_wait(&start_cond, &start_lock);
    pthread_mutex_unlock(&start_lock);
}

/* A request's work (a microsecond or two); returns its "latency". */
static uint64_t handle_request(uint64_t seq) {
    uint64_t x = seq * 2654435761u + 1;
    int i;
    for (i = 0; i < 2000; i++) x = x * 6364136223846793005ull + 1442695040888963407ull;
    return 1000u + (x >> 40) % 5000u;
}

static void *handler_thread(void *arg) {
    struct handler *h = (struct handler *)arg;
    static const char *const paths[] = {"/index.html", "/api/users", "/api/orders", "/static/app.js"};
    spill_file_spout *overflow = NULL;
    spill_spsc_bytes_producer *log = NULL;
    spill_spout spout;
    spill_status s;
    uint64_t seq;

    h->error = spill_file_spout_create(h->overflow_path, sizeof(struct log_record), &overflow);
    if (h->error != SPILL_OK) {
        h->failed_call = "spill_file_spout_create";
        return NULL;
    }
    spout = spill_file_spout_as_spout(overflow);
    wait_for_start();
    /* Register at run time; every lane taken: wait for a handler to finish. */
    while ((s = spill_cmpsc_bytes_register(h->mpsc, &spout, &log)) == SPILL_FULL) {
        h->full_retries++;
        sched_yield();
    }
    if (s != SPILL_OK) {
        h->error = s;
        h->failed_call = "spill_cmpsc_bytes_register";
        (void)spill_file_spout_close(overflow);
        return NULL;
    }
    for (seq = 0; seq < REQUESTS; seq++) {
        struct log_record r;
        memset(&r, 0, sizeof r);
        r.seq = seq;
        r.handler = h->id;
        r.status = seq % 50 == 0 ? 500u : 200u;
        r.latency_ns = handle_request(seq);
        strcpy(r.path, paths[seq % 4]);
        /* Never blocks: when the lane is full the oldest record goes to the
         * overflow file first. */
        s = spill_spsc_bytes_producer_push(log, &r);
        if (s != SPILL_OK && h->error == SPILL_OK) {
            h->error = s;
            h->failed_call = "spill_spsc_bytes_producer_push";
        }
        h->produced++;
    }
    /* Unregisters (the lane's records stay for the logger) and flushes the
     * overflow file's buffer; then the file can be closed. */
    s = spill_spsc_bytes_producer_free(log);
    if (s != SPILL_OK && h->error == SPILL_OK) {
        h->error = s;
        h->failed_call = "spill_spsc_bytes_producer_free";
    }
    s = spill_file_spout_close(overflow);
    if (s != SPILL_OK && h->error == SPILL_OK) {
        h->error = s;
        h->failed_call = "spill_file_spout_close";
    }
    return NULL;
}

/* Reads an overflow file back: each record it holds was evicted. A lane
 * freed by a finished handler goes to the next handler that registers, with
 * the records the logger has not taken yet; if that handler's pushes evict
 * them, they land in its overflow file: records are counted by the handler
 * they name, whichever file holds them. */
struct evicted {
    struct logger *lg;
    uint64_t count[HANDLERS];
};

static int mark_evicted(void *ctx, const void *items, size_t count) {
    struct evicted *ev = (struct evicted *)ctx;
    const struct log_record *records = (const struct log_record *)items;
    size_t i;
    for (i = 0; i < count; i++) {
        const struct log_record *r = &records[i];
        if (r->handler >= HANDLERS || r->seq >= REQUESTS || ev->lg->seen[r->handler][r->seq] != 0) {
            ev->lg->duplicate = 1;
            continue;
        }
        ev->lg->seen[r->handler][r->seq] = 2;
        ev->count[r->handler]++;
    }
    return 0;
}

int main(void) {
    static struct handler handlers[HANDLERS];
    static struct logger lg;
    pthread_t handler_threads[HANDLERS], logger_thread;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    volatile int handlers_done = 0;
    spill_cmpsc_bytes *mpsc = NULL;
    uint64_t produced = 0, logged = 0, evicted = 0;
    struct evicted ev;
    spill_spout reader;
    spill_status s;
    uint32_t i;
    int ok = 1;

    s = spill_cmpsc_bytes_create(sizeof(struct log_record), LANES, LANE_CAPACITY, 0, 0, &mpsc, &lg.consumer);
    if (s != SPILL_OK) return fail("spill_cmpsc_bytes_create", s);
    lg.handlers_done = &handlers_done;
    lg.lock = &lock;
    for (i = 0; i < HANDLERS; i++) {
        lg.seen[i] = (unsigned char *)calloc(REQUESTS, 1);
        if (lg.seen[i] == NULL) return fail("calloc", SPILL_OUT_OF_MEMORY);
        handlers[i].id = i;
        handlers[i].mpsc = mpsc;
        sprintf(handlers[i].overflow_path, "logging_overflow_%u.rec", i);
        remove(handlers[i].overflow_path); /* the file spout appends */
    }

    if (pthread_create(&logger_thread, NULL, logging_thread, &lg) != 0) return fail("pthread_create", SPILL_PANIC);
    for (i = 0; i < HANDLERS; i++) {
        if (pthread_create(&handler_threads[i], NULL, handler_thread, &handlers[i]) != 0)
            return fail("pthread_create", SPILL_PANIC);
    }
    pthread_mutex_lock(&start_lock);
    started = 1;
    pthread_cond_broadcast(&start_cond);
    pthread_mutex_unlock(&start_lock);
    for (i = 0; i < HANDLERS; i++) {
        pthread_join(handler_threads[i], NULL);
        pthread_mutex_lock(&lock);
        handlers_done++;
        pthread_mutex_unlock(&lock);
    }
    pthread_join(logger_thread, NULL);
    /* No more registrations; the logger's consumer goes too. */
    (void)spill_cmpsc_bytes_free(mpsc);
    (void)spill_cmpsc_bytes_consumer_free(lg.consumer);
    if (lg.error != SPILL_OK) return fail("spill_cmpsc_bytes_consumer_drain", lg.error);

    memset(&ev, 0, sizeof ev);
    ev.lg = &lg;
    reader.send = mark_evicted;
    reader.flush = NULL;
    reader.ctx = &ev;
    for (i = 0; i < HANDLERS; i++) {
        if (handlers[i].error != SPILL_OK) return fail(handlers[i].failed_call, handlers[i].error);
        s = spill_file_read(handlers[i].overflow_path, sizeof(struct log_record), &reader, NULL);
        if (s != SPILL_OK) return fail("spill_file_read", s);
    }
    printf("| handler | produced | logged | evicted to file | registration retries |\n");
    printf("|--------:|---------:|-------:|----------------:|---------------------:|\n");
    for (i = 0; i < HANDLERS; i++) {
        const struct handler *h = &handlers[i];
        printf("| %7u | %8llu | %6llu | %15llu | %20u |\n", i, (unsigned long long)h->produced,
               (unsigned long long)lg.logged[i], (unsigned long long)ev.count[i], h->full_retries);
        if (lg.logged[i] + ev.count[i] != h->produced) ok = 0;
        produced += h->produced;
        logged += lg.logged[i];
        evicted += ev.count[i];
    }
    for (i = 0; i < HANDLERS; i++) {
        uint32_t seq;
        for (seq = 0; seq < REQUESTS; seq++) {
            if (lg.seen[i][seq] == 0) ok = 0; /* lost */
        }
        free(lg.seen[i]);
        remove(handlers[i].overflow_path);
    }
    printf("\nlogged %llu + evicted %llu = %llu, produced %llu (%llu fair passes, checksum %016llx)\n",
           (unsigned long long)logged, (unsigned long long)evicted, (unsigned long long)(logged + evicted),
           (unsigned long long)produced, (unsigned long long)lg.passes, (unsigned long long)lg.checksum);
    if (!ok || lg.duplicate || logged + evicted != produced) {
        fprintf(stderr, "conservation FAILED: a record was lost or seen twice\n");
        return 1;
    }
    printf("every record logged or kept in an overflow file, exactly once\n");
    return 0;
}

/* parsers._colscan: read the train records of one chunk of a log into columns, in C.

Why: the benchmark's logs can be hundreds of MB of near-identical record lines, and CPython's
regex engine reads them at about 130 MB/s: a 200 MB log took 3-5 s where `grep -c` counts its
records in 0.1 s. This module is the fast path of `parsers.core.scan_regex`: it follows a tiny
*record program* (a format's record layout, written in Python next to the format's regular
expression, see `parsers/fastpath.py`) over every occurrence of the format's marker in a chunk
and returns the columns the figures need.

It is deliberately conservative: it accepts a chunk only when every marker occurrence follows the
program exactly (strict decimal numbers: no NaN, no inf, no `1_000`, nothing a regular expression
could read differently) and returns None otherwise; the caller then reads that chunk with the
format's regular expression, record by record. So this module can make parsing faster but never
changes a figure: the property tests compare both paths on the same logs.

Numbers are converted with PyOS_string_to_double, the routine behind Python's float(): the same
double for the same digits.
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <float.h>
#include <math.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#ifndef Py_NewRef   /* Python < 3.10 */
static PyObject *Py_NewRef(PyObject *o) { Py_INCREF(o); return o; }
#endif

/* operations of a record program: (op, literal, role, add, terms) */
enum {
    OP_LIT = 1,        /* the literal must be here */
    OP_SEEK = 2,       /* find the literal ahead in the segment, continue after it */
    OP_SEEK_WS = 3,    /* as OP_SEEK, but the byte before the match must be ' ' or '\t' */
    OP_SEEK_LINE = 4,  /* a JSON key: the literal anywhere in the line (looked for ahead first, then
                          from the line's start: keys of a json.dumps line are unique) */
    OP_SPACES = 5,     /* skip spaces */
    OP_INT = 6,        /* digits -> role (+ add); followed by a byte of terms or the segment end if terms */
    OP_NUM = 7,        /* strict decimal -> role; followed by a byte of terms or the segment end */
    OP_SKIPTO = 8,     /* skip to the next byte of terms (or the segment end) */
    OP_OPT = 9,        /* the literal may be here: if not, skip the next op (its value is absent) */
    OP_OPT_WS = 10,    /* one or more spaces and the literal may be here (same rule) */
    OP_OPT_SEEK_LINE = 11, /* the literal may be in the line (same rule) */
    OP_NUM_OR_NULL = 12,   /* as OP_NUM, or the word null (value absent) */
    OP_BEFORE = 13,    /* the literal must end where the marker starts */
    OP_NOT_BEFORE = 14 /* the literal must not end where the marker starts */
};

enum { ROLE_NONE = 0, ROLE_EPOCH = 1, ROLE_ITER = 2, ROLE_N = 3, ROLE_TIME = 4, ROLE_MEM = 5 };

typedef struct {
    int op;
    const char *lit;
    Py_ssize_t litlen;
    Py_ssize_t anchor;      /* index of the literal's rarest byte: what memchr looks for */
    int role;
    long long add;
    const char *terms;
    Py_ssize_t nterms;
} Op;

#define MAX_OPS 32

static int in_terms(const Op *o, char c) {
    for (Py_ssize_t k = 0; k < o->nterms; k++) if (o->terms[k] == c) return 1;
    return 0;
}

/* The first c in p..end, or NULL. Why not memchr: the spans searched here are a record line or
   less (~20-200 bytes), where a library call's set-up costs more than the search; 16 bytes at a
   time inline (SSE2, in every x86-64) does not. */
static inline const char *find_byte(const char *p, const char *end, char c) {
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8(c);
    for (; end - p >= 16; p += 16) {
        int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), needle));
        if (mask) return p + __builtin_ctz((unsigned)mask);
    }
    for (; p < end; p++) if (*p == c) return p;
    return NULL;
#else
    return p < end ? memchr(p, c, (size_t)(end - p)) : NULL;
#endif
}

/* n bytes equal (short literals: inline rather than a memcmp call) */
static inline int same(const char *a, const char *b, Py_ssize_t n) {
    unsigned long long x, y;
    for (; n >= 8; n -= 8, a += 8, b += 8) {     /* 8 bytes at a time (memcpy: unaligned loads) */
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) return 0;
    }
    for (Py_ssize_t k = 0; k < n; k++) if (a[k] != b[k]) return 0;
    return 1;
}

/* The end of the text record whose marker starts at m: the first '\n' (or '\r' where cr) after
   it, found in the same pass that looks for a second marker in between (then *second is set).
   One pass over the line instead of two (segment end, then next marker). */
static const char *segment(const char *m, const char *end, int cr, const char *mk, Py_ssize_t mlen,
                           Py_ssize_t ma, int *second) {
    const char a = mk[ma];
    const char *p = m + 1 + ma;     /* the anchor of a marker starting after m is at or after this */
#if defined(__SSE2__)
    const __m128i vn = _mm_set1_epi8('\n'), vr = _mm_set1_epi8('\r'), va = _mm_set1_epi8(a);
    for (; end - p >= 16; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)p);
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, vn), _mm_cmpeq_epi8(v, va));
        unsigned mask;
        if (cr) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, vr));
        for (mask = (unsigned)_mm_movemask_epi8(hit); mask; mask &= mask - 1) {
            const char *x = p + __builtin_ctz(mask);
            if (*x == '\n' || (cr && *x == '\r')) return x;
            if (end - (x - ma) >= mlen && same(x - ma, mk, mlen)) { *second = 1; return x; }
        }
    }
#endif
    for (; p < end; p++) {
        if (*p == '\n' || (cr && *p == '\r')) return p;
        if (*p == a && end - (p - ma) >= mlen && same(p - ma, mk, mlen)) { *second = 1; return p; }
    }
    return end;
}

/* How common a byte is in training logs (lower: rarer); the search anchors on the rarest byte
   of a literal. Why not memmem: glibc's memmem builds a shift table on every call, which costs
   more than the ~200-byte searches of a record line; memchr + memcmp on a rare byte does not. */
static int commonness(unsigned char c) {
    if (c == ' ' || c == '"' || c == ',') return 9;
    if (c >= '0' && c <= '9') return 8;
    if (c >= 'a' && c <= 'z') return (c == 'e' || c == 't' || c == 'a' || c == 'o' || c == 'i' || c == 'r') ? 7 : 6;
    if (c == '.' || c == ':') return 5;
    if (c >= 'A' && c <= 'Z') return 4;
    return 3;   /* tabs, brackets, slashes, parentheses, underscores, ... */
}

static Py_ssize_t rarest(const char *lit, Py_ssize_t n) {
    Py_ssize_t k, best = 0;
    for (k = 1; k < n; k++)
        if (commonness((unsigned char)lit[k]) < commonness((unsigned char)lit[best])) best = k;
    return best;
}

/* The rarest byte of a literal in this log: counted in a sample of the chunk (ties: the static
   guess above). A byte that is rare in one format's lines can be everywhere in another's. */
static Py_ssize_t rarest_in(const char *lit, Py_ssize_t n, const unsigned *hist) {
    Py_ssize_t k, best = 0;
    for (k = 1; k < n; k++) {
        unsigned a = hist[(unsigned char)lit[k]], b = hist[(unsigned char)lit[best]];
        if (a < b || (a == b && commonness((unsigned char)lit[k]) < commonness((unsigned char)lit[best])))
            best = k;
    }
    return best;
}

static const char *find(const char *hay, const char *end, const char *lit, Py_ssize_t n, Py_ssize_t a) {
    const char *p, *last;
    if (end - hay < n) return NULL;
    last = end - n + a;                 /* the anchor byte of the last possible match */
    p = hay + a;
    while (p <= last && (p = find_byte(p, last + 1, lit[a]))) {
        const char *q = p - a;
        if (q[0] == lit[0] && q[n - 1] == lit[n - 1] && same(q, lit, n)) return q;
        p++;
    }
    return NULL;
}

/* a strict decimal number at p: [+-]?digits[.digits][(e|E)[+-]?digits]; returns its end or NULL */
static const char *decimal_end(const char *p, const char *end) {
    const char *q = p;
    int digits = 0;
    if (q < end && (*q == '-' || *q == '+')) q++;
    while (q < end && *q >= '0' && *q <= '9') { q++; digits++; }
    if (q < end && *q == '.') {
        q++;
        while (q < end && *q >= '0' && *q <= '9') { q++; digits++; }
    }
    if (!digits) return NULL;
    if (q < end && (*q == 'e' || *q == 'E')) {
        const char *r = q + 1;
        int ed = 0;
        if (r < end && (*r == '-' || *r == '+')) r++;
        while (r < end && *r >= '0' && *r <= '9') { r++; ed++; }
        if (!ed) return NULL;
        q = r;
    }
    return q;
}

static const double POW10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#if LDBL_MANT_DIG == 64
/* x87 extended precision: 10^k is exact up to 10^27 (5^27 < 2^64) */
static long double pow10l_exact(int k) {
    long double v = 1.0L;
    static long double table[28];
    static int ready = 0;
    if (!ready) {
        for (int j = 0; j < 28; j++) { table[j] = v; v *= 10.0L; }
        ready = 1;
    }
    return table[k];
}
#endif

/* The double nearest to the decimal number (-1)^neg * m / 10^frac, as Python's float() gives;
   m holds its digits (at most 19 significant ones). 0: not decided here.
   - At most 15 significant digits and at most 22 decimals (Clinger's fast path): the digits and
     the power of ten are exact doubles, so one IEEE division rounds correctly.
   - Up to 19 digits and 27 decimals where long double is the x87 64-bit-mantissa format: the
     division is exact-then-rounded to 64 bits, and rounding that to 53 bits is the correct
     double unless the 64-bit quotient lies exactly on a midpoint between two doubles (then the
     general path decides). This covers the 17-digit repr() numbers that mmengine writes. */
static int from_digits(int neg, unsigned long long m, int digits, int frac, double *out) {
    if (digits <= 15 && frac <= 22) {
        double v = (double)m;
        if (frac) v /= POW10[frac];
        *out = neg ? -v : v;
        return 1;
    }
#if LDBL_MANT_DIG == 64
    if (digits <= 19 && frac <= 27) {
        long double lq = (long double)m / pow10l_exact(frac);
        double d = (double)lq;
        long double rest = lq - (long double)d;     /* exact: d is lq rounded to 53 bits */
        if (rest != 0.0L) {
            long double up = ((long double)nextafter(d, INFINITY) - (long double)d) / 2;
            long double down = ((long double)d - (long double)nextafter(d, -INFINITY)) / 2;
            if (rest == up || rest == -down) return 0;   /* on a midpoint: ambiguous */
        }
        *out = neg ? -d : d;
        return 1;
    }
#endif
    return 0;
}

/* The general path: PyOS_string_to_double, the routine behind float(), on p..q. */
static int general_double(const char *p, const char *q, double *out) {
    char tmp[64];
    size_t n = (size_t)(q - p);
    char *e;
    if (n >= sizeof tmp) return 0;
    memcpy(tmp, p, n);
    tmp[n] = 0;
    *out = PyOS_string_to_double(tmp, &e, NULL);
    if (*out == -1.0 && PyErr_Occurred()) { PyErr_Clear(); return 0; }
    return e == tmp + n && isfinite(*out);
}

/* Read a strict decimal at p (before end) in one pass: its end in *qp and its value in *out.
   0: no number here, or not a finite one. Numbers without an exponent are read from their
   digits (from_digits); the rest go through general_double. */
static int read_number(const char *p, const char *end, const char **qp, double *out) {
    const char *r = p;
    int neg = 0, digits = 0, frac = 0, any = 0;
    unsigned long long m = 0;
    if (r < end && (*r == '-' || *r == '+')) neg = (*r++ == '-');
    for (; r < end && (unsigned char)(*r - '0') < 10; r++, any = 1) {
        if (m || *r != '0') digits++;
        if (digits <= 19) m = m * 10 + (unsigned long long)(*r - '0');
    }
    if (r < end && *r == '.') {
        for (r++; r < end && (unsigned char)(*r - '0') < 10; r++, any = 1) {
            if (m || *r != '0') digits++;
            if (digits <= 19) { m = m * 10 + (unsigned long long)(*r - '0'); frac++; }
        }
    }
    if (!any) return 0;
    if (r < end && (*r == 'e' || *r == 'E')) {       /* exponent: the general path */
        const char *q = decimal_end(p, end);
        if (!q) return 0;
        *qp = q;
        return general_double(p, q, out);
    }
    *qp = r;
    return from_digits(neg, m, digits, frac, out) || general_double(p, r, out);
}

/* Newlines in p..end. Why not a memchr per line: short lines make that a call per ~100 bytes;
   comparing 16 bytes at a time (SSE2, in every x86-64) counts a MB in a few tens of µs. */
#if defined(__SSE2__)
static Py_ssize_t count_newlines(const char *p, const char *end) {
    Py_ssize_t n = 0;
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (end - p >= 16) {
        __m128i acc = zero;
        int k;
        /* per-byte counters: at most 255 rounds before they are summed */
        for (k = 0; k < 255 && end - p >= 16; k++, p += 16)
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), nl));
        acc = _mm_sad_epu8(acc, zero);
        n += _mm_cvtsi128_si32(acc) + _mm_extract_epi16(acc, 4);
    }
    for (; p < end; p++) n += *p == '\n';
    return n;
}
#else
static Py_ssize_t count_newlines(const char *p, const char *end) {
    Py_ssize_t n = 0;
    for (; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++) n++;
    return n;
}
#endif

/* The times of one chunk: a buffer kept between calls (a fresh one per chunk would cost page
   faults on every chunk); the module is used under the GIL, one call at a time. */
static double *times_buf = NULL;
static Py_ssize_t times_cap = 0;

static int reserve(Py_ssize_t need) {
    Py_ssize_t cap = times_cap ? times_cap : 8192;
    double *t;
    while (cap < need) cap *= 2;
    if (cap == times_cap) return 1;
    t = PyMem_Realloc(times_buf, (size_t)cap * sizeof *t);
    if (!t) { PyErr_NoMemory(); return 0; }
    times_buf = t;
    times_cap = cap;
    return 1;
}

/* Run the program on the record whose marker ends at p. 1: a record; 0: not one of the layout. */
/* The start of the record's line, looked for only when an operation needs it: the last newline
   between lo (a bound known to be at or before it) and the marker. */
#define LINE() (line ? line : (line = memrchr(lo, '\n', (size_t)(mark - lo)), \
                               line = line ? line + 1 : lo))

static int run_program(const Op *ops, int nops, const char *lo, const char *line, const char *mark,
                       const char *p,
                       const char *seg_end,
                       long long vals[6], double *t, double *mem, int *has_mem) {
    int k;
    for (k = 0; k < nops; k++) {
        const Op *o = &ops[k];
        const char *q;
        switch (o->op) {
        case OP_LIT:
            if (seg_end - p < o->litlen || !same(p, o->lit, o->litlen)) return 0;
            p += o->litlen;
            break;
        case OP_SEEK:
            q = find(p, seg_end, o->lit, o->litlen, o->anchor);
            if (!q) return 0;
            p = q + o->litlen;
            break;
        case OP_SEEK_WS:
            for (q = p;; q++) {
                q = find(q, seg_end, o->lit, o->litlen, o->anchor);
                if (!q) return 0;
                if (q[-1] == ' ' || q[-1] == '\t') break;      /* q > mark: q[-1] is in the line */
            }
            p = q + o->litlen;
            break;
        case OP_SEEK_LINE:
        case OP_OPT_SEEK_LINE:
            q = find(p, seg_end, o->lit, o->litlen, o->anchor);
            if (!q) q = find(LINE(), p + o->litlen - 1 < seg_end ? p + o->litlen - 1 : seg_end, o->lit, o->litlen, o->anchor);
            if (!q) {
                if (o->op == OP_SEEK_LINE) return 0;
                k++;            /* the value is absent */
                break;
            }
            p = q + o->litlen;
            break;
        case OP_BEFORE:
            if (mark - LINE() < o->litlen || !same(mark - o->litlen, o->lit, o->litlen)) return 0;
            break;
        case OP_NOT_BEFORE:
            if (mark - LINE() >= o->litlen && same(mark - o->litlen, o->lit, o->litlen)) return 0;
            break;
        case OP_SPACES:
            while (p < seg_end && *p == ' ') p++;
            break;
        case OP_OPT:
            if (seg_end - p >= o->litlen && same(p, o->lit, o->litlen)) p += o->litlen;
            else k++;
            break;
        case OP_OPT_WS:
            q = p;
            while (q < seg_end && *q == ' ') q++;
            if (q > p && seg_end - q >= o->litlen && same(q, o->lit, o->litlen)) p = q + o->litlen;
            else k++;
            break;
        case OP_SKIPTO:
            if (o->nterms == 1) {
                q = find_byte(p, seg_end, o->terms[0]);
                p = q ? q : seg_end;
            } else {
                while (p < seg_end && !in_terms(o, *p)) p++;
            }
            break;
        case OP_INT: {
            long long v = 0;
            int d = 0;
            while (p < seg_end && *p >= '0' && *p <= '9') {
                if (++d > 18) return 0;
                v = v * 10 + (*p++ - '0');
            }
            if (!d) return 0;
            if (o->nterms && p < seg_end && !in_terms(o, *p)) return 0;
            v += o->add;
            if (o->role == ROLE_MEM) {
                if (!*has_mem || (double)v > *mem) *mem = (double)v;
                *has_mem = 1;
            } else if (o->role == ROLE_TIME) {
                *t = (double)v;
            } else {
                vals[o->role] = v;
            }
            break;
        }
        case OP_NUM:
        case OP_NUM_OR_NULL: {
            double v;
            if (o->op == OP_NUM_OR_NULL && seg_end - p >= 4 && !memcmp(p, "null", 4)) {
                p += 4;
                if (p < seg_end && !in_terms(o, *p)) return 0;
                if (o->role != ROLE_MEM) return 0;   /* only memory may be absent */
                break;
            }
            if (!read_number(p, seg_end, &q, &v)) return 0;
            if (q < seg_end && !in_terms(o, *q)) return 0;
            p = q;
            if (o->role == ROLE_TIME) *t = v;
            else if (o->role == ROLE_MEM) {
                if (!*has_mem || v > *mem) *mem = v;
                *has_mem = 1;
            } else if (o->role != ROLE_NONE) return 0;   /* positions are integers */
            break;
        }
        default:
            return 0;
        }
    }
    return 1;
}

static int load_program(PyObject *prog, Op *ops) {
    Py_ssize_t k, n;
    if (!PyTuple_Check(prog) || (n = PyTuple_GET_SIZE(prog)) > MAX_OPS) {
        PyErr_SetString(PyExc_TypeError, "program: a tuple of at most 32 ops");
        return -1;
    }
    for (k = 0; k < n; k++) {
        PyObject *lit, *terms;
        Op *o = &ops[k];
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(prog, k), "iSiLS", &o->op, &lit, &o->role, &o->add, &terms))
            return -1;
        o->lit = PyBytes_AS_STRING(lit);
        o->litlen = PyBytes_GET_SIZE(lit);
        o->terms = PyBytes_AS_STRING(terms);
        o->nterms = PyBytes_GET_SIZE(terms);
        o->anchor = 0;      /* set per chunk by scan() from the chunk's own bytes (rarest_in) */
        if (o->role < 0 || o->role > ROLE_MEM) {
            PyErr_SetString(PyExc_ValueError, "program: unknown role");
            return -1;
        }
    }
    return (int)n;
}

PyDoc_STRVAR(scan_doc,
"scan(buf, marker, program, cr_ends, every_line, json) -> None or a tuple\n\n"
"Read every occurrence of ``marker`` in ``buf`` as a train record laid out as ``program``.\n"
"None unless all of them are (the caller then reads the chunk with its regular expression).\n"
"Otherwise (n, first_epoch, first_iter, last_epoch, last_iter, last_n, times, max_mem, ordered,\n"
"first_gap, first_epoch_last_iter, max_iter, lines_after_last): last_n None when the\n"
"program reads no N, times as bytes of doubles, max_mem None when no record has memory,\n"
"ordered: (epoch, iter) strictly increases and iter <= N, first_gap: the first step between\n"
"consecutive iterations of one epoch that is not 1 (0: none), lines_after_last: the newlines\n"
"from the last record's marker to the end.\n"
"``cr_ends``: a '\\r' ends a record's text.\n"
"``every_line``: each line of buf must hold one record (JSON lines), else None. ``json``: at most\n"
"one record per line (a json.dumps line has no duplicate key); else a second marker in a\n"
"record's segment leaves the chunk to the regular expression.");

/* fold one record's values into the chunk's summary (the same for both walks of scan()) */
#define RECORD_VALUES() do { \
        if (n) { \
            if (vals[ROLE_EPOCH] < pe || (vals[ROLE_EPOCH] == pe && vals[ROLE_ITER] <= pi)) ordered = 0; \
            if (vals[ROLE_EPOCH] == pe && !first_gap && vals[ROLE_ITER] - pi != 1) \
                first_gap = vals[ROLE_ITER] - pi; \
        } else { \
            e0 = vals[ROLE_EPOCH]; \
            i0 = vals[ROLE_ITER]; \
        } \
        if (has_n && vals[ROLE_ITER] > vals[ROLE_N]) ordered = 0; \
        if (vals[ROLE_EPOCH] == e0) first_epoch_last = vals[ROLE_ITER]; \
        if (vals[ROLE_ITER] > max_iter) max_iter = vals[ROLE_ITER]; \
        pe = vals[ROLE_EPOCH]; \
        pi = vals[ROLE_ITER]; \
        pn = vals[ROLE_N]; \
        times_buf[n++] = t; \
    } while (0)

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer buf, mark;
    PyObject *prog;
    int cr_ends, every_line, json;
    Op ops[MAX_OPS];
    int nops, has_n = 0, ordered = 1, has_mem = 0;
    double mem = 0.0;
    long long first_gap = 0, first_epoch_last = 0, max_iter = 0;
    long long e0 = 0, i0 = 0, pe = 0, pi = 0, pn = 0;
    Py_ssize_t n = 0;
    PyObject *res = NULL;
    if (!PyArg_ParseTuple(args, "y*y*Oppp", &buf, &mark, &prog, &cr_ends, &every_line, &json)) return NULL;
    nops = load_program(prog, ops);
    if (nops < 0 || mark.len == 0) {
        if (nops >= 0) PyErr_SetString(PyExc_ValueError, "empty marker");
        goto done;
    }
    for (int k = 0; k < nops; k++)
        if (ops[k].op == OP_INT && ops[k].role == ROLE_N) has_n = 1;
    {
        const char *s = buf.buf, *end = s + buf.len;
        unsigned hist[256] = {0};
        Py_ssize_t ma;
        for (const char *h = s; h < s + (buf.len < 4096 ? buf.len : 4096); h++) hist[(unsigned char)*h]++;
        ma = rarest_in(mark.buf, mark.len, hist);
        for (int k = 0; k < nops; k++) if (ops[k].litlen) ops[k].anchor = rarest_in(ops[k].lit, ops[k].litlen, hist);
        /* prev_end: where to look back from for the start of a record's line */
        const char *m = find(s, end, mark.buf, mark.len, ma), *prev_end = s;
        Py_ssize_t last = -1, lines_after = 1;     /* every_line: the last record's own newline */
        if (every_line) {     /* each line must be a record: walk the lines, not the markers */
            if (buf.len == 0 || end[-1] != '\n') goto reject;
            m = NULL;
        }
        for (const char *line = s; every_line && line < end;) {
            const char *seg_end = find_byte(line, end, '\n');
            long long vals[6] = {0, 0, 0, 0, 0, 0};
            double t = NAN;
            const char *mk = find(line, seg_end, mark.buf, mark.len, ma);
            if (!mk || !run_program(ops, nops, line, line, mk, mk + mark.len, seg_end, vals, &t, &mem, &has_mem)
                || isnan(t)) goto reject;
            if (n == times_cap && !reserve(n + 1)) goto done;
            RECORD_VALUES();
            last = mk - s;
            line = seg_end + 1;
        }
        while (m) {
            const char *p = m + mark.len, *seg_end, *next;
            long long vals[6] = {0, 0, 0, 0, 0, 0};
            double t = NAN;
            if (!json) {
                int second = 0;
                seg_end = segment(m, end, cr_ends, mark.buf, mark.len, ma, &second);
                if (second) goto reject;    /* two records in one segment: leave it to the regex */
            } else {
                seg_end = find_byte(p, end, '\n');
                if (!seg_end) seg_end = end;
            }
            if (!run_program(ops, nops, prev_end, NULL, m, p, seg_end, vals, &t, &mem, &has_mem) || isnan(t))
                goto reject;
            if (!json) {
                /* a marker that starts its line (TSM) is most often right after this segment */
                if (seg_end + 1 + mark.len <= end && *seg_end == '\n' && (m == s || m[-1] == '\n')
                    && same(seg_end + 1, mark.buf, mark.len))
                    next = seg_end + 1;
                else
                    next = seg_end < end ? find(seg_end, end, mark.buf, mark.len, ma) : NULL;
            } else {
                /* one record per line (JSON lines: a duplicated key is not json.dumps output) */
                next = seg_end < end ? find(seg_end, end, mark.buf, mark.len, ma) : NULL;
            }
            if (n == times_cap && !reserve(n + 1)) goto done;
            RECORD_VALUES();
            last = m - s;
            m = next;
            if (seg_end < end && *seg_end == '\n') prev_end = seg_end;   /* the next line starts after it */
        }
        if (!every_line) {   /* the newlines after the last record's marker (its line number) */
            lines_after = count_newlines(last >= 0 ? s + last : s, end);
        }
        res = Py_BuildValue("(nLLLLNNNNLLLn)", n, e0, i0, pe, pi,
            has_n ? PyLong_FromLongLong(pn) : Py_NewRef(Py_None),
            PyBytes_FromStringAndSize((const char *)times_buf, n * (Py_ssize_t)sizeof(double)),
            has_mem ? PyFloat_FromDouble(mem) : Py_NewRef(Py_None),
            PyBool_FromLong(ordered), first_gap, first_epoch_last, max_iter, lines_after);
        goto done;
    }
reject:
    res = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&buf);
    PyBuffer_Release(&mark);
    return res;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* k-th smallest (0-based) of v[0..n) by quickselect; v is reordered */
static double select_kth(double *v, Py_ssize_t n, Py_ssize_t k) {
    Py_ssize_t lo = 0, hi = n - 1;
    while (hi > lo) {
        if (hi - lo < 32) {
            qsort(v + lo, (size_t)(hi - lo + 1), sizeof *v, cmp_double);
            return v[k];
        }
        /* median of three as pivot */
        Py_ssize_t mid = lo + (hi - lo) / 2;
        double a = v[lo], b = v[mid], d = v[hi], pivot;
        pivot = (a < b) ? ((b < d) ? b : (a < d ? d : a)) : ((a < d) ? a : (b < d ? d : b));
        Py_ssize_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                double tmp = v[i]; v[i] = v[j]; v[j] = tmp;
                i++; j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else return v[k];
    }
    return v[k];
}

PyDoc_STRVAR(median_doc,
"median(values) -> float\n\n"
"The exact median of a buffer of doubles (an array('d')), by selection on a copy: no Python\n"
"object per value. NaN values are not allowed (the caller keeps only finite times).");

/* the doubles of an array('d') (or another buffer of C doubles): their count, or -1 (error set) */
static Py_ssize_t doubles(PyObject *arg, Py_buffer *b, const char *who) {
    if (PyObject_GetBuffer(arg, b, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) return -1;
    if (!b->format || strcmp(b->format, "d") || b->itemsize != sizeof(double)) {
        PyBuffer_Release(b);
        PyErr_Format(PyExc_TypeError, "%s: an array('d') is needed", who);
        return -1;
    }
    return b->len / (Py_ssize_t)sizeof(double);
}

static PyObject *median(PyObject *self, PyObject *arg) {
    Py_buffer b;
    double *v, lo, hi;
    Py_ssize_t n;
    if ((n = doubles(arg, &b, "median")) < 0) return NULL;
    if (!n) { PyBuffer_Release(&b); Py_RETURN_NONE; }
    v = PyMem_Malloc((size_t)b.len);
    if (!v) { PyBuffer_Release(&b); return PyErr_NoMemory(); }
    memcpy(v, b.buf, (size_t)b.len);
    PyBuffer_Release(&b);
    hi = select_kth(v, n, n / 2);
    if (n % 2) lo = hi;
    else {
        /* the largest value below position n/2: the maximum of the lower part */
        Py_ssize_t k;
        lo = v[0];
        for (k = 1; k < n / 2; k++) if (v[k] > lo) lo = v[k];
    }
    PyMem_Free(v);
    return PyFloat_FromDouble((lo + hi) / 2);
}

PyDoc_STRVAR(to_double_doc,
"to_double(b) -> float or None\n\nA strict decimal as the fast path reads it (None: not one, or not\n"
"finite); for tests, which compare it with float() digit for digit.");

static PyObject *to_double(PyObject *self, PyObject *arg) {
    const char *p, *q;
    double v;
    if (!PyBytes_Check(arg)) { PyErr_SetString(PyExc_TypeError, "bytes needed"); return NULL; }
    p = PyBytes_AS_STRING(arg);
    if (!read_number(p, p + PyBytes_GET_SIZE(arg), &q, &v) || q != p + PyBytes_GET_SIZE(arg)) Py_RETURN_NONE;
    return PyFloat_FromDouble(v);
}

PyDoc_STRVAR(find_doc,
"find(buf, needle, start=0) -> int\n\nbytes.find, anchored on the needle's rarest byte (CPython's\n"
"two-way search is several times slower for the launch banners in a MB of log lines).");

static PyObject *find_py(PyObject *self, PyObject *args) {
    Py_buffer b, nd;
    Py_ssize_t start = 0, r = -1;
    const char *q;
    if (!PyArg_ParseTuple(args, "y*y*|n", &b, &nd, &start)) return NULL;
    if (start < 0) start = 0;
    if (nd.len > 0 && start <= b.len) {
        q = find((const char *)b.buf + start, (const char *)b.buf + b.len, nd.buf, nd.len, rarest(nd.buf, nd.len));
        if (q) r = q - (const char *)b.buf;
    } else if (nd.len == 0 && start <= b.len) r = start;
    PyBuffer_Release(&b);
    PyBuffer_Release(&nd);
    return PyLong_FromSsize_t(r);
}

PyDoc_STRVAR(keep_freed_memory_doc,
"keep_freed_memory() -> bool\n\nFor the command-line parsers only (a process that reads one big\n"
"file in 1 MiB chunks): glibc gives the freed chunk buffers back to the kernel and takes fresh\n"
"zeroed pages for the next ones, ~25k page faults for 200 MB. Raising its trim and mmap\n"
"thresholds keeps them for reuse. False where the C library is not glibc.");

static PyObject *keep_freed_memory(PyObject *self, PyObject *unused) {
#if defined(__GLIBC__) && defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD)
    int ok = mallopt(M_MMAP_THRESHOLD, 32 << 20) && mallopt(M_TRIM_THRESHOLD, 64 << 20);
    return PyBool_FromLong(ok);
#else
    Py_RETURN_FALSE;
#endif
}

PyDoc_STRVAR(count_lines_doc,
"count_lines(buf) -> int\n\nThe number of newlines in buf (count_newlines: faster than bytes.count).");

static PyObject *count_lines(PyObject *self, PyObject *arg) {
    Py_buffer b;
    const char *p, *end;
    Py_ssize_t n = 0;
    if (PyObject_GetBuffer(arg, &b, PyBUF_SIMPLE) < 0) return NULL;
    p = b.buf;
    end = p + b.len;
    n = count_newlines(p, end);
    PyBuffer_Release(&b);
    return PyLong_FromSsize_t(n);
}

static PyMethodDef methods[] = {
    {"count_lines", count_lines, METH_O, count_lines_doc},
    {"keep_freed_memory", keep_freed_memory, METH_NOARGS, keep_freed_memory_doc},
    {"find", find_py, METH_VARARGS, find_doc},
    {"to_double", to_double, METH_O, to_double_doc},
    {"scan", scan, METH_VARARGS, scan_doc},
    {"median", median, METH_O, median_doc},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "parsers._colscan",
    "Fast path of the log parsers: a chunk's train records as columns (see parsers/fastpath.py).",
    -1, methods
};

PyMODINIT_FUNC PyInit__colscan(void) {
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    PyModule_AddIntConstant(m, "VERSION", 1);
    return m;
}

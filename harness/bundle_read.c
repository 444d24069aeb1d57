/* Reading a bundle: every entry of the tar into memory, then the manifest checked against them. */
#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/bundle.h"

enum { MAX_ENTRIES = 4096 };
#define MAX_ENTRY_BYTES ((la_int64_t)1 << 30)
#define MANIFEST "manifest.json"

/* The reader's state: the bundle being filled and the manifest's text once found. */
typedef struct {
    rzb_bundle *b;
    struct archive *a;
    char *manifest;
    size_t manifest_len;
    char *err;
    size_t cap;
} reader;

static bool fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "PATH: " and the message; returns false. */
static bool fail(reader *r, const char *fmt, ...) {
    int used = snprintf(r->err, r->cap, "%s: ", r->b->path);
    va_list ap;
    va_start(ap, fmt);
    if (used >= 0 && (size_t)used < r->cap)
        vsnprintf(r->err + used, r->cap - (size_t)used, fmt, ap);
    va_end(ap);
    return false;
}

static const char *why(reader *r) {
    const char *s = archive_error_string(r->a);
    return s ? s : "no detail";
}

/* Reads the current entry's len bytes into a malloc'd buffer (NUL-terminated). */
static bool read_body(reader *r, const char *name, size_t len, unsigned char **out) {
    unsigned char *data = malloc(len + 1);
    if (!data) return fail(r, "%s: out of memory for %zu bytes", name, len);
    size_t got = 0;
    while (got < len) {
        la_ssize_t n = archive_read_data(r->a, data + got, len - got);
        if (n <= 0) {
            free(data);
            return fail(r, "%s: truncated: %zu of %zu bytes (libarchive: %s)", name, got, len,
                        n < 0 ? why(r) : "end of data");
        }
        got += (size_t)n;
    }
    data[len] = 0;
    *out = data;
    return true;
}

static bool keep(reader *r, const char *name, unsigned char *data, size_t len) {
    rzb_bundle *b = r->b;
    if (rzb_bundle_find(b, name) || (!strcmp(name, MANIFEST) && r->manifest)) {
        free(data);
        return fail(r, "%s: appears twice in the archive", name);
    }
    if (!strcmp(name, MANIFEST)) {
        r->manifest = (char *)data;
        r->manifest_len = len;
        return true;
    }
    rzb_bundle_file *f = realloc(b->files, (b->n_files + 1) * sizeof *f);
    if (!f) {
        free(data);
        return fail(r, "%s: out of memory", name);
    }
    b->files = f;
    f = &b->files[b->n_files++];
    snprintf(f->name, sizeof f->name, "%s", name);
    f->data = data;
    f->len = len;
    return true;
}

/* One entry: a directory is skipped, a regular file under the root is kept. */
static bool entry(reader *r, struct archive_entry *e) {
    const char *path = archive_entry_pathname(e);
    if (!path) return fail(r, "an entry without a name (corrupt archive)");
    if (archive_entry_filetype(e) == AE_IFDIR) return true;
    size_t root = strlen(RZB_BUNDLE_ROOT);
    if (strncmp(path, RZB_BUNDLE_ROOT, root) || !path[root] || strlen(path + root) >= 256)
        return fail(r, "%s: expected every file under %s", path, RZB_BUNDLE_ROOT);
    const char *name = path + root;
    if (archive_entry_filetype(e) != AE_IFREG) return fail(r, "%s: not a regular file", name);
    la_int64_t size = archive_entry_size(e);
    if (size < 0 || size > MAX_ENTRY_BYTES)
        return fail(r, "%s: size %lld is outside 0 to 1 GiB", name, (long long)size);
    unsigned char *data = NULL;
    return read_body(r, name, (size_t)size, &data) && keep(r, name, data, (size_t)size);
}

static bool read_entries(reader *r) {
    for (size_t n = 0;; n++) {
        struct archive_entry *e;
        int st = archive_read_next_header(r->a, &e);
        if (st == ARCHIVE_EOF) return true;
        if (st != ARCHIVE_OK && st != ARCHIVE_WARN)
            return n ? fail(r, "corrupt or truncated after %zu entries (libarchive: %s)", n, why(r))
                     : fail(r, "not a tar archive (libarchive: %s)", why(r));
        if (n == MAX_ENTRIES) return fail(r, "more than %d entries", MAX_ENTRIES);
        if (!entry(r, e)) return false;
    }
}

static bool listed(const cJSON *files, const char *name) {
    for (const cJSON *f = files->child; f; f = f->next)
        if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f, "name")), name)) return true;
    return false;
}

/* Each listed file is present with its size and sha256; nothing else is in the archive. */
static bool check_files(reader *r, const cJSON *files) {
    int i = 0;
    for (const cJSON *f = files->child; f; f = f->next, i++) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(f, "name"));
        const cJSON *bytes = cJSON_GetObjectItem(f, "bytes");
        const char *sha = cJSON_GetStringValue(cJSON_GetObjectItem(f, "sha256"));
        if (!name || !cJSON_IsNumber(bytes) || !sha)
            return fail(r, MANIFEST ": files[%d]: expected \"name\", \"bytes\" and \"sha256\"", i);
        const rzb_bundle_file *got = rzb_bundle_find(r->b, name);
        if (!got) return fail(r, "%s: listed in the manifest but absent from the archive", name);
        if ((double)got->len != bytes->valuedouble)
            return fail(r, "%s: %zu bytes, the manifest says %.0f", name, got->len,
                        bytes->valuedouble);
        char hex[65];
        rzb_bundle_sha256(got->data, got->len, hex);
        if (strcmp(hex, sha))
            return fail(r, "%s: sha256 mismatch (manifest %.64s, content %s)", name, sha, hex);
    }
    for (size_t k = 0; k < r->b->n_files; k++)
        if (!listed(files, r->b->files[k].name))
            return fail(r, "%s: in the archive but not listed in the manifest",
                        r->b->files[k].name);
    return true;
}

static bool check_manifest(reader *r) {
    if (!r->manifest) return fail(r, "no " RZB_BUNDLE_ROOT MANIFEST " (not an rzbench bundle)");
    const char *end = NULL;
    cJSON *m = cJSON_ParseWithLengthOpts(r->manifest, r->manifest_len, &end, false);
    if (!m || !cJSON_IsObject(m)) {
        cJSON_Delete(m);
        return fail(r, MANIFEST ": not a JSON object (parsing stopped at byte offset %ld of %zu)",
                    end ? (long)(end - r->manifest) : 0L, r->manifest_len);
    }
    r->b->manifest = m;
    const cJSON *v = cJSON_GetObjectItem(m, "bundle_version");
    const cJSON *files = cJSON_GetObjectItem(m, "files");
    if (!cJSON_IsNumber(v)) return fail(r, MANIFEST ": expected a \"bundle_version\" number");
    if (v->valuedouble != RZB_BUNDLE_VERSION)
        return fail(r, MANIFEST ": bundle_version %g is not known (this rzbench reads %d)",
                    v->valuedouble, RZB_BUNDLE_VERSION);
    if (!cJSON_GetStringValue(cJSON_GetObjectItem(m, "rz_commit")))
        return fail(r, MANIFEST ": expected an \"rz_commit\" string");
    if (!cJSON_IsArray(files)) return fail(r, MANIFEST ": expected a \"files\" array");
    return check_files(r, files);
}

bool rzb_bundle_open(const char *path, rzb_bundle *b, char *err, size_t cap) {
    memset(b, 0, sizeof *b);
    snprintf(b->path, sizeof b->path, "%s", path);
    reader r = {.b = b, .a = archive_read_new(), .err = err, .cap = cap};
    bool ok = r.a && archive_read_support_format_tar(r.a) == ARCHIVE_OK;
    if (!ok)
        fail(&r, "out of memory for the archive reader");
    else if (archive_read_open_filename(r.a, path, 1 << 16) != ARCHIVE_OK)
        ok = access(path, R_OK) == 0 ? fail(&r, "not a tar archive (libarchive: %s)", why(&r))
                                     : fail(&r, "cannot open (libarchive: %s)", why(&r));
    ok = ok && read_entries(&r) && check_manifest(&r);
    archive_read_free(r.a);
    free(r.manifest);
    if (!ok) rzb_bundle_close(b);
    return ok;
}

void rzb_bundle_close(rzb_bundle *b) {
    for (size_t i = 0; i < b->n_files; i++)
        free(b->files[i].data);
    free(b->files);
    cJSON_Delete(b->manifest);
    b->files = NULL;
    b->n_files = 0;
    b->manifest = NULL;
}

const rzb_bundle_file *rzb_bundle_find(const rzb_bundle *b, const char *name) {
    for (size_t i = 0; i < b->n_files; i++)
        if (!strcmp(b->files[i].name, name)) return &b->files[i];
    return NULL;
}

const char *rzb_bundle_field(const rzb_bundle *b, const char *key) {
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(b->manifest, key));
    return s ? s : "";
}

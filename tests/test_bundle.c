/* Run bundles in-process: the round trip of rzb_bundle_write and rzb_bundle_open, and the precise
 * error for a tampered, truncated, garbage or unknown-version archive (never a crash). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/bundle.h"
#include "tests/support/temp.h"

static char dir[64];

static void write_bytes(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    cr_assert(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static unsigned char *read_bytes(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    cr_assert(f, "%s", path);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    unsigned char *data = malloc(*len + 1);
    cr_assert_eq(fread(data, 1, *len, f), *len);
    fclose(f);
    return data;
}

static const char *at(const char *name) {
    static char path[2][256];
    static int k;
    k ^= 1;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

/* Five report files of claim R2 in dir, each with its own marker, and a bundle of them. */
static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/rzt-bundle-XXXXXX");
    cr_assert(rzt_temp_dir(dir));
    const char *suffixes[] = {"json", "html", "summary.csv", "verdicts.csv", "samples.csv"};
    for (int i = 0; i < 5; i++) {
        char name[64], text[128];
        snprintf(name, sizeof name, "R2.%s", suffixes[i]);
        snprintf(text, sizeof text, "report R2 tamper-me-%s\n", suffixes[i]);
        write_bytes(at(name), text, strlen(text));
    }
}

static bool make_bundle(const char *path, char *err, size_t cap) {
    rzb_fingerprint fp = {.n = 3};
    const char *kv[3][2] = {{"cpu", "Test CPU"},
                            {"isa_available", "sse4_2 avx avx2 fma"},
                            {"gpu", "none (no NVIDIA driver GPUs under /proc/driver/nvidia)"}};
    for (int i = 0; i < 3; i++) {
        snprintf(fp.key[i], sizeof fp.key[i], "%s", kv[i][0]);
        snprintf(fp.value[i], sizeof fp.value[i], "%s", kv[i][1]);
    }
    const rzb_claim *c = rzb_claim_find("R2");
    rzb_options opt = {.runs = 5, .warmup = -1};
    char *argv[] = {"rzbench", "claim", "R2", "--runs", "5"};
    rzb_bundle_run run = {.name = "R2",
                          .report_dir = dir,
                          .command = "rzbench claim R2 --runs 5",
                          .argc = 5,
                          .argv = argv,
                          .claims = &c,
                          .n_claims = 1,
                          .options = &opt,
                          .fp = &fp};
    return rzb_bundle_write(path, &run, err, cap);
}

/* Opens path, expecting failure with a message containing want. */
static void expect_error(const char *path, const char *want) {
    rzb_bundle b;
    char err[1024] = "";
    cr_assert_not(rzb_bundle_open(path, &b, err, sizeof err), "%s opened", path);
    cr_expect(strstr(err, want) != NULL, "expected '%s' in: %s", want, err);
    cr_expect(strncmp(err, path, strlen(path)) == 0, "the message names the file: %s", err);
}

TestSuite(bundle, .init = setup);

Test(bundle, round_trip) {
    char err[1024];
    cr_assert(make_bundle(at("b.tar"), err, sizeof err), "%s", err);
    rzb_bundle b;
    cr_assert(rzb_bundle_open(at("b.tar"), &b, err, sizeof err), "%s", err);
    cJSON *m = b.manifest;
    cr_expect_eq(cJSON_GetObjectItem(m, "bundle_version")->valueint, 1);
    cr_expect_eq(strlen(rzb_bundle_field(&b, "rz_commit")), 40, "%s",
                 rzb_bundle_field(&b, "rz_commit"));
    cr_expect_eq(strlen(rzb_bundle_field(&b, "machine")), 16);
    cr_expect_str_eq(rzb_bundle_field(&b, "isa"), "avx2");
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(m, "gpu")));
    cr_expect_str_eq(rzb_bundle_field(&b, "command"), "rzbench claim R2 --runs 5");
    cr_expect_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(m, "argv"), 2)->valuestring, "R2");
    cr_expect_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(m, "claims"), 0)->valuestring, "R2");
    const cJSON *opt = cJSON_GetObjectItem(m, "options");
    cr_expect_eq(cJSON_GetObjectItem(opt, "runs")->valueint, 5);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(opt, "iterations")), "a default is null");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(opt, "warmup")));
    cr_expect_str_eq(
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "fingerprint"), "cpu")),
        "Test CPU");
    const cJSON *data = cJSON_GetObjectItem(m, "data");
    cr_expect(cJSON_GetArraySize(data) >= 1, "one row per datasets/manifest.tsv line");
    for (const cJSON *d = data->child; d; d = d->next)
        cr_expect(cJSON_IsBool(cJSON_GetObjectItem(d, "present")));
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(m, "files")), 5);
    cr_expect_eq(b.n_files, 5);
    const rzb_bundle_file *f = rzb_bundle_find(&b, "reports/R2.json");
    cr_assert(f);
    cr_expect_str_eq((const char *)f->data, "report R2 tamper-me-json\n");
    char hex[65];
    rzb_bundle_sha256(f->data, f->len, hex);
    cr_expect_str_eq(
        hex, cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(m, "files"), 0), "sha256")
                 ->valuestring);
    rzb_bundle_close(&b);
}

Test(bundle, failed_write_leaves_the_previous_bundle) {
    char err[1024];
    cr_assert(make_bundle(at("b.tar"), err, sizeof err), "%s", err);
    cr_expect_not(make_bundle("/nonexistent-dir/b.tar", err, sizeof err));
    cr_expect(strstr(err, "/nonexistent-dir/b.tar: cannot create") != NULL, "%s", err);
    unlink(at("R2.samples.csv"));
    cr_expect_not(make_bundle(at("b.tar"), err, sizeof err));
    cr_expect(strstr(err, "R2.samples.csv") != NULL, "%s", err);
    rzb_bundle b;
    cr_expect(rzb_bundle_open(at("b.tar"), &b, err, sizeof err), "previous bundle: %s", err);
    rzb_bundle_close(&b);
}

Test(bundle, tampered_report_is_a_sha256_mismatch) {
    char err[1024];
    cr_assert(make_bundle(at("b.tar"), err, sizeof err), "%s", err);
    size_t len;
    unsigned char *tar = read_bytes(at("b.tar"), &len);
    unsigned char *hit = memmem(tar, len, "tamper-me-json", 14);
    cr_assert(hit);
    hit[0] = 'T';
    write_bytes(at("t.tar"), tar, len);
    expect_error(at("t.tar"), "t.tar: reports/R2.json: sha256 mismatch (manifest ");
    free(tar);
}

Test(bundle, truncated_or_flipped_archives_fail_without_a_crash) {
    char err[1024];
    cr_assert(make_bundle(at("b.tar"), err, sizeof err), "%s", err);
    size_t len;
    unsigned char *tar = read_bytes(at("b.tar"), &len);
    unsigned char *body = memmem(tar, len, "tamper-me-json", 14);
    cr_assert(body);
    write_bytes(at("cut.tar"), tar, (size_t)(body - tar) + 5);
    expect_error(at("cut.tar"), "cut.tar: reports/R2.json: truncated: ");
    for (size_t cut = 0; cut < len; cut += 97) {
        rzb_bundle b;
        write_bytes(at("cut.tar"), tar, cut);
        if (rzb_bundle_open(at("cut.tar"), &b, err, sizeof err)) rzb_bundle_close(&b);
    }
    for (size_t flip = 0; flip < len; flip += 211) {
        rzb_bundle b;
        tar[flip] ^= 0x5a;
        write_bytes(at("flip.tar"), tar, len);
        if (rzb_bundle_open(at("flip.tar"), &b, err, sizeof err)) rzb_bundle_close(&b);
        tar[flip] ^= 0x5a;
    }
    free(tar);
}

Test(bundle, garbage_is_not_a_tar_archive) {
    unsigned char junk[4096];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)((x = x * 1103515245u + 12345u) >> 16);
    write_bytes(at("junk.tar"), junk, sizeof junk);
    expect_error(at("junk.tar"), "junk.tar: not a tar archive (libarchive: ");
    write_bytes(at("empty.tar"), "", 0);
    expect_error(at("empty.tar"), "empty.tar: ");
    expect_error(at("absent.tar"), "absent.tar: cannot open (libarchive: ");
}

Test(bundle, manifest_without_a_version_or_with_an_unknown_one) {
    char err[1024];
    cr_assert(make_bundle(at("b.tar"), err, sizeof err), "%s", err);
    size_t len;
    unsigned char *tar = read_bytes(at("b.tar"), &len);
    unsigned char *hit = memmem(tar, len, "\"bundle_version\"", 16);
    cr_assert(hit);
    hit[14] = 'X';
    write_bytes(at("nov.tar"), tar, len);
    expect_error(at("nov.tar"), "nov.tar: manifest.json: expected a \"bundle_version\" number");
    free(tar);
    rzb_bundle b;
    cr_assert(rzb_bundle_open(at("b.tar"), &b, err, sizeof err), "%s", err);
    cJSON_ReplaceItemInObject(b.manifest, "bundle_version", cJSON_CreateNumber(2));
    cr_assert(rzb_bundle_pack(at("v2.tar"), b.manifest, b.files, b.n_files, err, sizeof err), "%s",
              err);
    rzb_bundle_close(&b);
    expect_error(at("v2.tar"), "v2.tar: manifest.json: bundle_version 2 is not known");
}

Test(bundle, widest_isa_and_gpu) {
    cr_expect_str_eq(rzb_bundle_isa("sse4_2 avx avx2 fma avx512f amx_tile amx_int8"), "amx");
    cr_expect_str_eq(rzb_bundle_isa("avx2 fma avx512f avx512bw"), "avx512");
    cr_expect_str_eq(rzb_bundle_isa("sse4_2 avx avx2 fma"), "avx2");
    cr_expect_str_eq(rzb_bundle_isa(""), "scalar");
    cr_expect(rzb_bundle_gpu("1 NVIDIA GPU(s) visible to the driver"));
    cr_expect_not(rzb_bundle_gpu("none (no NVIDIA driver GPUs under /proc/driver/nvidia)"));
}

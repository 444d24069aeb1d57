/* rz serve's front door, as a process: API keys (Bearer or X-Api-Key, from the command line and
 * from a key file; /health open, /metrics and the model routes closed; 401 in OpenAI's error
 * shape with WWW-Authenticate), a non-loopback --host refused without a key, POST bodies that
 * are not JSON refused with 415, and HTTPS with a self-signed certificate (when the openssl and
 * curl CLIs are there). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/support/http_client.h"
#include "tests/support/support.h"
#include "tests/support/temp.h"

static char errbuf[65536];

static const char *key_file(void) {
    static char path[4096];
    const char text[] = "# keys of rz serve\n\n  second-key  \r\nthird-key";
    snprintf(path, sizeof path, "%s", rzt_write_temp(text, sizeof text - 1, ".keys"));
    return path;
}

/* METHOD path with extra header lines (each ending "\r\n") and an optional body. */
static rzt_http_response request(int port, const char *method, const char *path,
                                 const char *headers, const char *body) {
    char req[2048];
    int n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s",
                     method, path, headers);
    if (body)
        n += snprintf(req + n, sizeof req - (size_t)n, "Content-Length: %zu\r\n", strlen(body));
    n += snprintf(req + n, sizeof req - (size_t)n, "\r\n%s", body ? body : "");
    rzt_http_response r;
    cr_assert_eq(rzt_http_raw(port, req, (size_t)n, &r), 0, "%s", r.error);
    return r;
}

static void expect_status(int port, const char *method, const char *path, const char *headers,
                          const char *body, int status, const char *code) {
    rzt_http_response r = request(port, method, path, headers, body);
    cr_expect_eq(r.status, status, "%s %s with '%s': %s", method, path, headers, r.body);
    if (code) {
        cJSON *j = cJSON_Parse(r.body);
        const cJSON *e = cJSON_GetObjectItem(j, "error");
        cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(e, "code")), code);
        cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(e, "type")),
                         "invalid_request_error");
        cr_expect(cJSON_IsNull(cJSON_GetObjectItem(e, "param")), "%s", r.body);
        cr_expect(strlen(cJSON_GetStringValue(cJSON_GetObjectItem(e, "message"))) > 0);
        cJSON_Delete(j);
    }
    char auth[64];
    if (status == 401) {
        cr_expect_eq(rzt_http_header(&r, "WWW-Authenticate", auth, sizeof auth), 0);
        cr_expect_str_eq(auth, "Bearer");
    }
    rzt_http_free(&r);
}

Test(serve_auth, keys_guard_every_route_but_health) {
    char *argv[] = {(char *)rzt_bin("rz"),
                    "serve",
                    "-m",
                    (char *)rzt_apr_file(),
                    "--port",
                    "0",
                    "--api-key",
                    "first-key",
                    "--api-key-file",
                    (char *)key_file(),
                    NULL};
    rzt_server s;
    cr_assert_eq(rzt_server_start(argv, 20, &s, errbuf, sizeof errbuf), 0, "%s", errbuf);
    int p = s.port;
    expect_status(p, "GET", "/health", "", NULL, 200, NULL);
    expect_status(p, "GET", "/metrics", "", NULL, 401, "missing_api_key");
    expect_status(p, "GET", "/v1/models", "Authorization: Bearer wrong-key\r\n", NULL, 401,
                  "invalid_api_key");
    expect_status(p, "GET", "/v1/models", "Authorization: Basic Zmlyc3Qta2V5\r\n", NULL, 401,
                  "missing_api_key");
    expect_status(p, "GET", "/v1/models", "Authorization: Bearer first-ke\r\n", NULL, 401,
                  "invalid_api_key");
    expect_status(p, "GET", "/v1/models", "Authorization: Bearer first-keyy\r\n", NULL, 401,
                  "invalid_api_key");
    expect_status(p, "GET", "/nope", "", NULL, 401, "missing_api_key");
    expect_status(p, "GET", "/v1/models", "Authorization: Bearer first-key\r\n", NULL, 200, NULL);
    expect_status(p, "GET", "/metrics", "authorization: bearer second-key\r\n", NULL, 200, NULL);
    expect_status(p, "GET", "/v1/models", "X-Api-Key: third-key\r\n", NULL, 200, NULL);
    const char *body = "{\"input\": [1, 1, 1]}";
    expect_status(p, "POST", "/v1/predict",
                  "X-Api-Key: first-key\r\nContent-Type: application/json; charset=utf-8\r\n", body,
                  200, NULL);
    expect_status(p, "POST", "/v1/predict", "X-Api-Key: first-key\r\nContent-Type: text/plain\r\n",
                  body, 415, "unsupported_media_type");
    expect_status(p, "POST", "/v1/predict",
                  "X-Api-Key: first-key\r\nContent-Type: application/jsonx\r\n", body, 415,
                  "unsupported_media_type");
    expect_status(p, "POST", "/v1/predict", "X-Api-Key: first-key\r\n", body, 415,
                  "unsupported_media_type");
    expect_status(p, "POST", "/v1/predict", "Content-Type: application/json\r\n", body, 401,
                  "missing_api_key");
    cr_expect_eq(rzt_server_stop(&s, SIGTERM, errbuf, sizeof errbuf), 0, "%s", errbuf);
}

Test(serve_auth, an_open_server_must_be_loopback_or_say_so) {
    char out[4096];
    char *open[] = {
        (char *)rzt_bin("rz"), "serve", "-m", (char *)rzt_apr_file(), "--host", "0.0.0.0", NULL};
    cr_expect_eq(rzt_run(open, out, sizeof out, errbuf, sizeof errbuf), 2);
    cr_expect(strstr(errbuf, "--insecure-no-key") != NULL, "%s", errbuf);
    char *v6[] = {
        (char *)rzt_bin("rz"), "serve", "-m", (char *)rzt_apr_file(), "--host", "::", NULL};
    cr_expect_eq(rzt_run(v6, out, sizeof out, errbuf, sizeof errbuf), 2);
    char *no_file[] = {(char *)rzt_bin("rz"),
                       "serve",
                       "-m",
                       (char *)rzt_apr_file(),
                       "--port",
                       "0",
                       "--api-key-file",
                       "/nonexistent.keys",
                       NULL};
    cr_expect_eq(rzt_run(no_file, out, sizeof out, errbuf, sizeof errbuf), 1);
    cr_expect(strstr(errbuf, "/nonexistent.keys: cannot open") != NULL, "%s", errbuf);
    const char *model = rzt_apr_file();
    char empty[4096];
    snprintf(empty, sizeof empty, "%s", rzt_write_temp("# none\n\n", 8, ".keys"));
    char *no_key[] = {(char *)rzt_bin("rz"), "serve", "-m", (char *)model, "--port", "0",
                      "--api-key-file",      empty,   NULL};
    cr_expect_eq(rzt_run(no_key, out, sizeof out, errbuf, sizeof errbuf), 1);
    cr_expect(strstr(errbuf, "no API key in it") != NULL, "%s", errbuf);
    char *half_tls[] = {(char *)rzt_bin("rz"), "serve", "-m", (char *)rzt_apr_file(),
                        "--tls-cert",          "c.pem", NULL};
    cr_expect_eq(rzt_run(half_tls, out, sizeof out, errbuf, sizeof errbuf), 2);
    cr_expect(strstr(errbuf, "--tls-key") != NULL, "%s", errbuf);
}

static bool have(const char *path) {
    return access(path, X_OK) == 0;
}

Test(serve_auth, https_with_a_self_signed_certificate, .timeout = 60) {
    const char *openssl = "/usr/bin/openssl", *curl = "/usr/bin/curl";
    if (!have(openssl) || !have(curl)) cr_skip_test("the openssl or curl CLI is absent");
    char dir[] = "/tmp/rzt-tls-XXXXXX", cert[64], key[64], out[4096];
    cr_assert(rzt_temp_dir(dir) != NULL);
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    char *make[] = {(char *)openssl,
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-keyout",
                    key,
                    "-out",
                    cert,
                    "-days",
                    "1",
                    "-subj",
                    "/CN=localhost",
                    NULL};
    cr_assert_eq(rzt_run(make, out, sizeof out, errbuf, sizeof errbuf), 0, "%s", errbuf);
    char *argv[] = {(char *)rzt_bin("rz"),
                    "serve",
                    "-m",
                    (char *)rzt_apr_file(),
                    "--port",
                    "0",
                    "--tls-cert",
                    cert,
                    "--tls-key",
                    key,
                    "--api-key",
                    "k",
                    NULL};
    rzt_server s;
    int rc = rzt_server_start(argv, 20, &s, errbuf, sizeof errbuf);
    if (rc && strstr(errbuf, "built without TLS")) cr_skip_test("libmicrohttpd without TLS");
    cr_assert_eq(rc, 0, "%s", errbuf);
    char url[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/v1/models", s.port);
    char *get[] = {(char *)curl, "-sS", "-k", "-H", "Authorization: Bearer k", url, NULL};
    cr_expect_eq(rzt_run(get, out, sizeof out, errbuf, sizeof errbuf), 0, "%s", errbuf);
    cr_expect(strstr(out, "\"object\":\"list\"") != NULL, "%s", out);
    char *nokey[] = {(char *)curl, "-sS", "-k", "-o", "/dev/null", "-w", "%{http_code}", url, NULL};
    cr_expect_eq(rzt_run(nokey, out, sizeof out, errbuf, sizeof errbuf), 0, "%s", errbuf);
    cr_expect_str_eq(out, "401");
    rzt_http_response r;
    cr_expect_neq(rzt_http(s.port, "GET", "/health", NULL, &r), 0, "plain HTTP on the TLS port");
    rzt_http_free(&r);
    cr_expect_eq(rzt_server_stop(&s, SIGTERM, errbuf, sizeof errbuf), 0, "%s", errbuf);
}

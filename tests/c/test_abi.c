/*
 * The C ABI proven from C: compiled with the system compiler against include/modulpos.h, linked
 * to the cdylib, run under valgrind by tests/c/run.sh. Exercises every export, NULL / bad UTF-8 /
 * malformed / deep / huge inputs, a full flow against the sandbox, and one handle shared by
 * several threads.
 *
 * Needs MODULPOS_TEST_BASE_URL pointing at a running modulpos-sandbox (run.sh starts one); the
 * client is created with {"test_mode":true}, so the library's own env lookup is tested too.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "modulpos.h"

#define ACCOUNT_LOGIN "sandbox-login"
#define ACCOUNT_PASSWORD "sandbox-password"
#define RETAIL_POINT "11111111-2222-4333-8444-555555555555"
#define THREADS 6
#define ROUNDS_PER_THREAD 5

static int passed = 0;
static int failed = 0;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static void record(int ok, const char *what, const char *detail) {
    pthread_mutex_lock(&count_lock);
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL: %s\n      %s\n", what, detail ? detail : "");
    }
    pthread_mutex_unlock(&count_lock);
}

/* Check that an envelope contains every needle, then free it. NULL ends the needles. */
static void expect(char *envelope, const char *what, ...) {
    if (envelope == NULL) {
        record(0, what, "the call returned NULL");
        return;
    }
    va_list ap;
    va_start(ap, what);
    int ok = 1;
    const char *needle;
    while ((needle = va_arg(ap, const char *)) != NULL) {
        if (strstr(envelope, needle) == NULL) {
            ok = 0;
        }
    }
    va_end(ap);
    record(ok, what, envelope);
    mk_string_free(envelope);
}

/* Like expect(), and also check that `absent` is not in the envelope. */
static void expect_without(char *envelope, const char *what, const char *needle, const char *absent) {
    if (envelope == NULL) {
        record(0, what, "the call returned NULL");
        return;
    }
    int ok = strstr(envelope, needle) != NULL && strstr(envelope, absent) == NULL;
    record(ok, what, envelope);
    mk_string_free(envelope);
}

/* Copy the string value of "key":"..." out of a JSON text (values here have no escapes). */
static int json_string(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *start = strstr(json, pattern);
    if (start == NULL) {
        return 0;
    }
    start += strlen(pattern);
    const char *end = strchr(start, '"');
    if (end == NULL || (size_t)(end - start) >= size) {
        return 0;
    }
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return 1;
}

static void unique_id(char *out, size_t size, const char *prefix) {
    static unsigned counter = 0;
    pthread_mutex_lock(&count_lock);
    unsigned n = counter++;
    pthread_mutex_unlock(&count_lock);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(out, size, "%s-%ld-%ld-%u", prefix, (long)getpid(), (long)ts.tv_nsec, n);
}

static void receipt(char *out, size_t size, const char *id) {
    snprintf(out, size,
             "{\"id\":\"%s\",\"docNum\":\"C-1\",\"docType\":\"SALE\","
             "\"checkoutDateTime\":\"2026-11-28T10:00:00+03:00\",\"email\":\"+79001234567\","
             "\"inventPositions\":[{\"name\":\"\xd0\xa7\xd0\xb0\xd0\xb9\",\"price\":0.1,"
             "\"quantity\":3,\"vatTag\":1105}],"
             "\"moneyPositions\":[{\"paymentType\":\"CASH\",\"sum\":0.3}]}",
             id);
}

/* ------------------------------------------------------------------------------------------- */

static void test_static_exports(void) {
    record(mk_abi_version() == 1, "mk_abi_version() == 1", NULL);
    const char *version = mk_version();
    record(version != NULL && strchr(version, '.') != NULL, "mk_version() is a version", version);
    /* The header's version macros (cargo xtask headers, from Cargo.toml) are the library's. */
    record(version != NULL && strcmp(version, MODULPOS_VERSION) == 0,
           "mk_version() == MODULPOS_VERSION (" MODULPOS_VERSION ")", version);
    char numeric[64];
    snprintf(numeric, sizeof numeric, "%d.%d.%d", MODULPOS_VERSION_MAJOR, MODULPOS_VERSION_MINOR,
             MODULPOS_VERSION_PATCH);
    size_t numeric_length = strlen(numeric);
    record(version != NULL && strncmp(version, numeric, numeric_length) == 0 &&
               (version[numeric_length] == '\0' || version[numeric_length] == '-' ||
                version[numeric_length] == '+'),
           "MODULPOS_VERSION_MAJOR.MINOR.PATCH is mk_version()'s MAJOR.MINOR.PATCH", numeric);
    expect(mk_tables(), "mk_tables", "\"ok\":true", "\"doc_types\"", "\"vat_tags\"",
           "\"error_codes\"", "\"internal\"", NULL);
    mk_string_free(NULL);
    mk_client_free(NULL);
    record(1, "mk_string_free(NULL) and mk_client_free(NULL) are no-ops", NULL);
}

static void test_null_arguments(void) {
    expect(mk_client_new(NULL, NULL), "mk_client_new without out_client",
           "\"code\":\"invalid_argument\"", "\"field\":\"out_client\"", NULL);
    const char *doc = "{}";
    expect(mk_associate(NULL, doc), "mk_associate(NULL)", "\"field\":\"client\"", NULL);
    expect(mk_delete_association(NULL), "mk_delete_association(NULL)", "\"field\":\"client\"", NULL);
    expect(mk_service_status(NULL), "mk_service_status(NULL)", "\"field\":\"client\"", NULL);
    expect(mk_send_check(NULL, doc), "mk_send_check(NULL)", "\"field\":\"client\"", NULL);
    expect(mk_status(NULL, "x"), "mk_status(NULL)", "\"field\":\"client\"", NULL);
    expect(mk_requeue(NULL, "x"), "mk_requeue(NULL)", "\"field\":\"client\"", NULL);
    expect(mk_validate(NULL, NULL), "mk_validate(NULL)", "\"code\":\"invalid_argument\"",
           "\"field\":\"document_json\"", NULL);

    MkClient *client = NULL;
    expect(mk_client_new("{\"base_url\":\"http://127.0.0.1:9/api/fn\"}", &client),
           "mk_client_new for NULL tests", "\"ok\":true", NULL);
    if (client == NULL) {
        record(0, "client handle set", NULL);
        return;
    }
    expect(mk_associate(client, NULL), "mk_associate(client, NULL)", "\"field\":\"request_json\"", NULL);
    expect(mk_send_check(client, NULL), "mk_send_check(client, NULL)", "\"field\":\"document_json\"", NULL);
    expect(mk_status(client, NULL), "mk_status(client, NULL)", "\"field\":\"document_id\"", NULL);
    expect(mk_requeue(client, NULL), "mk_requeue(client, NULL)", "\"field\":\"document_id\"", NULL);
    expect(mk_status(client, ""), "mk_status(client, \"\")", "\"field\":\"document_id\"", NULL);
    /* No association credentials: refused before any network use. */
    expect(mk_service_status(client), "mk_service_status without credentials",
           "\"code\":\"invalid_argument\"", "\"field\":\"login\"", NULL);
    mk_client_free(client);
}

static void test_bad_inputs(void) {
    MkClient *client = (MkClient *)0x1;
    expect(mk_client_new("{\"timeout_ms\":", &client), "malformed config JSON",
           "\"code\":\"invalid_argument\"", "\"field\":\"config_json\"", NULL);
    record(client == NULL, "handle reset to NULL on error", NULL);
    expect(mk_client_new("{\"timeout_ms\":\"soon\"}", &client), "wrong config type",
           "\"field\":\"timeout_ms\"", NULL);
    expect(mk_client_new("{\"colour\":\"red\"}", &client), "unknown config key",
           "\"field\":\"colour\"", NULL);
    expect(mk_client_new("{\"base_url\":\"http://example.com/fn\"}", &client),
           "plain http to a remote host", "\"field\":\"base_url\"", NULL);
    expect(mk_client_new("{\"login\":\"u\",\"password\":12345678}", &client),
           "non-string password is not echoed", "\"field\":\"password\"", NULL);

    const char bad_utf8[] = {'{', '"', 'i', 'd', '"', ':', '"', (char)0xC3, (char)0x28, '"', '}', 0};
    expect(mk_validate(bad_utf8, NULL), "invalid UTF-8", "\"code\":\"invalid_argument\"", "UTF-8",
           NULL);

    size_t huge_size = (size_t)MK_MAX_INPUT_BYTES + 16;
    char *huge = malloc(huge_size + 1);
    memset(huge, ' ', huge_size);
    huge[0] = '{';
    huge[huge_size - 1] = '}';
    huge[huge_size] = '\0';
    expect(mk_validate(huge, NULL), "input over 1 MiB", "\"code\":\"invalid_argument\"", NULL);
    free(huge);

    size_t depth = 200000;
    char *deep = malloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    expect(mk_validate(deep, NULL), "deeply nested JSON", "\"code\":\"invalid_argument\"", NULL);
    free(deep);

    expect(mk_validate("[1,2,3]", NULL), "a document that is not an object", "\"ok\":false", NULL);
    expect(mk_validate("{\"id\":5,\"inventPositions\":\"none\"}", NULL), "wrong field types",
           "\"code\":\"validation\"", "\"issues\":[{", NULL);
    expect(mk_validate("{}", "{\"allow_unknown_values\":\"yes\"}"), "bad options",
           "\"field\":\"allow_unknown_values\"", NULL);
}

static void test_validate(void) {
    char doc[1024];
    receipt(doc, sizeof doc, "c-validate-1");
    /* 0.1 × 3 is exactly 0.30 in kopecks, whatever a double would say. */
    expect(mk_validate(doc, NULL), "a valid receipt", "\"ok\":true", "\"id\":\"c-validate-1\"", NULL);
    char *bad = strdup(doc);
    char *at = strstr(bad, "+79001234567");
    memcpy(at, "+7900123456x", 12);
    expect(mk_validate(bad, "{\"allow_unknown_values\":false}"), "a bad phone",
           "\"code\":\"validation\"", "\"field\":\"email\"", NULL);
    free(bad);
}

/* ------------------------------------------------------------------------------------------- */

struct shared {
    const MkClient *client;
    int failures;
};

static void *worker(void *arg) {
    struct shared *s = arg;
    for (int i = 0; i < ROUNDS_PER_THREAD; i++) {
        char id[96], doc[1024];
        unique_id(id, sizeof id, "c-thread");
        receipt(doc, sizeof doc, id);
        char *sent = mk_send_check(s->client, doc);
        char *status = mk_status(s->client, id);
        char *service = mk_service_status(s->client);
        int ok = sent && strstr(sent, "\"outcome\":\"accepted\"") && status &&
                 strstr(status, "\"ok\":true") && service && strstr(service, "\"READY\"");
        if (!ok) {
            fprintf(stderr, "thread call failed:\n  %s\n  %s\n  %s\n", sent ? sent : "NULL",
                    status ? status : "NULL", service ? service : "NULL");
            s->failures++;
        }
        mk_string_free(sent);
        mk_string_free(status);
        mk_string_free(service);
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------------- */

/* What the log callback saw: lines are copied, since json_line is valid only during the call. */
struct log_sink {
    pthread_mutex_t lock;
    int lines;
    char last[1024];
    char all[8192];
};

static void on_log(uint32_t level, const char *json_line, void *user_data) {
    struct log_sink *sink = user_data;
    pthread_mutex_lock(&sink->lock);
    sink->lines++;
    snprintf(sink->last, sizeof sink->last, "%u %s", level, json_line);
    size_t used = strlen(sink->all);
    snprintf(sink->all + used, sizeof sink->all - used, "%s\n", json_line);
    pthread_mutex_unlock(&sink->lock);
}

/* The audit trail through the log callback, and trusted callbacks, on a live handle. */
static void test_log_and_callbacks(MkClient *client, const char *id, const char *password) {
    expect(mk_client_set_log_callback(NULL, on_log, NULL), "mk_client_set_log_callback(NULL)",
           "\"field\":\"client\"", NULL);
    expect(mk_callback_url(NULL), "mk_callback_url(NULL)", "\"field\":\"request_json\"", NULL);
    expect(mk_callback_verify(NULL, "{}"), "mk_callback_verify(NULL, ...)", "\"field\":\"client\"", NULL);
    expect(mk_callback_verify(client, NULL), "mk_callback_verify(client, NULL)",
           "\"field\":\"request_json\"", NULL);

    static struct log_sink sink = {PTHREAD_MUTEX_INITIALIZER, 0, "", ""};
    expect(mk_client_set_log_callback(client, on_log, &sink), "mk_client_set_log_callback",
           "{\"ok\":true,\"data\":null}", NULL);
    expect(mk_status(client, id), "mk_status with a log callback", "\"ok\":true", NULL);
    expect(mk_status(client, "c-no-such-document"), "a failing call with a log callback",
           "\"code\":\"not_found\"", NULL);
    record(sink.lines == 2, "one log line per HTTP request", sink.all);
    record(strstr(sink.all, "\"endpoint\":\"document_status\"") != NULL &&
               strstr(sink.all, id) != NULL && strstr(sink.all, "\"http_status\":200") != NULL &&
               strstr(sink.all, "\"outcome\":\"ok\"") != NULL,
           "the log line names endpoint, document, status and outcome", sink.all);
    record(strncmp(sink.last, "2 {", 3) == 0 && strstr(sink.last, "\"error_code\":\"not_found\"") != NULL,
           "a failed request is logged at level 2 (warn) with its error code", sink.last);

    /* A signed URL for the document, checked as the service would call it. */
    char request[1024], url[700] = "";
    snprintf(request, sizeof request,
             "{\"secret\":\"c-shop-secret-0123456789\",\"base_url\":\"http://127.0.0.1:1/cb?o=1\","
             "\"document_id\":\"%s\"}",
             id);
    char *made = mk_callback_url(request);
    int got = made && json_string(made, "url", url, sizeof url);
    record(got && strstr(url, "http://127.0.0.1:1/cb?o=1&mk_doc=") == url && strstr(url, "&mk_sig=") != NULL &&
               strstr(made, "c-shop-secret") == NULL,
           "mk_callback_url signs the URL and does not show the secret", made);
    mk_string_free(made);
    snprintf(request, sizeof request,
             "{\"secret\":\"c-shop-secret-0123456789\",\"request\":\"%s&status=SUCCESS\"}", url);
    char expected_id[128];
    snprintf(expected_id, sizeof expected_id, "\"document_id\":\"%s\"", id);
    expect(mk_callback_verify(client, request), "mk_callback_verify of a genuine callback", "\"ok\":true",
           expected_id, "\"document_status\":{", "\"claimed\":{", NULL);
    record(strstr(sink.last, "\"operation\":\"confirm_callback\"") != NULL,
           "the confirmation's request is in the audit trail", sink.last);
    int lines_before = sink.lines;
    snprintf(request, sizeof request,
             "{\"secret\":\"another-secret-0123456789\",\"request\":\"%s&status=SUCCESS\"}", url);
    expect_without(mk_callback_verify(client, request), "mk_callback_verify with another secret",
                   "\"code\":\"callback_signature\"", "another-secret");
    expect(mk_callback_verify(client, "{\"secret\":\"c-shop-secret-0123456789\",\"request\":"
                                      "\"mk_doc=x&status=SUCCESS\"}"),
           "mk_callback_verify without a signature", "\"code\":\"callback_signature\"", NULL);
    expect(mk_callback_url("{\"secret\":\"short\",\"base_url\":\"http://h/\",\"document_id\":\"d\"}"),
           "a short secret is refused", "\"field\":\"secret\"", NULL);
    record(sink.lines == lines_before, "a refused callback makes no request", sink.all);

    expect(mk_client_set_log_callback(client, NULL, NULL), "the log callback removed", "\"ok\":true", NULL);
    expect(mk_status(client, id), "mk_status after removing the callback", "\"ok\":true", NULL);
    record(sink.lines == lines_before, "no line after the callback was removed", NULL);
    record(strstr(sink.all, password) == NULL && strstr(sink.all, "Basic ") == NULL &&
               strstr(sink.all, "uthorization") == NULL,
           "no password or Authorization header in the log", sink.all);
}

static void test_live(const char *base_url) {
    MkClient *plain = NULL;
    expect(mk_client_new("{\"test_mode\":true}", &plain), "test_mode takes MODULPOS_TEST_BASE_URL",
           "\"ok\":true", base_url, NULL);
    if (plain == NULL) {
        return;
    }
    expect_without(mk_associate(plain, "{\"login\":\"" ACCOUNT_LOGIN "\",\"password\":\"Wr0ng-Pass-C\","
                                       "\"retail_point_id\":\"" RETAIL_POINT "\"}"),
                   "wrong account password: authentication, password not echoed",
                   "\"code\":\"authentication\"", "Wr0ng-Pass-C");
    expect(mk_associate(plain, "{\"login\":\"" ACCOUNT_LOGIN "\",\"password\":\"" ACCOUNT_PASSWORD
                               "\",\"retail_point_id\":\"00000000-0000-4000-8000-000000000000\"}"),
           "unknown retail point", "\"code\":\"not_found\"", "\"http_status\":404", NULL);
    expect(mk_associate(plain, "{\"login\":\"x\"}"), "associate request without a password",
           "\"field\":\"password\"", NULL);

    char *assoc = mk_associate(plain, "{\"login\":\"" ACCOUNT_LOGIN "\",\"password\":\"" ACCOUNT_PASSWORD
                                      "\",\"retail_point_id\":\"" RETAIL_POINT "\",\"client_id\":\"c-test\"}");
    char login[128] = "", password[128] = "";
    int got = assoc && json_string(assoc, "userName", login, sizeof login) &&
              json_string(assoc, "password", password, sizeof password);
    record(got, "mk_associate returns userName and password", assoc);
    mk_string_free(assoc);
    mk_client_free(plain);
    if (!got) {
        return;
    }

    char config[512];
    snprintf(config, sizeof config,
             "{\"test_mode\":true,\"login\":\"%s\",\"password\":\"%s\",\"retry_backoff_ms\":10}", login,
             password);
    MkClient *client = NULL;
    expect(mk_client_new(config, &client), "client with association credentials", "\"ok\":true", NULL);
    if (client == NULL) {
        return;
    }
    expect(mk_service_status(client), "mk_service_status", "\"ok\":true", "\"status\":\"READY\"",
           "\"dateTime\"", NULL);

    char id[96], doc[1024];
    unique_id(id, sizeof id, "c-live");
    receipt(doc, sizeof doc, id);
    expect(mk_send_check(client, doc), "mk_send_check", "\"ok\":true", "\"outcome\":\"accepted\"",
           "\"attempts\":1", "\"status\":\"QUEUED\"", NULL);
    expect(mk_document_status(client, id), "mk_document_status", "\"ok\":true", "\"status\":\"", NULL);
    expect(mk_status(client, id), "mk_status (the earlier name)", "\"ok\":true", "\"status\":\"", NULL);
    expect(mk_requeue(client, id), "mk_requeue of a document that did not fail",
           "\"code\":\"rejected\"", "\"http_status\":400", NULL);
    expect(mk_status(client, "c-no-such-document"), "mk_status of an unknown id",
           "\"code\":\"not_found\"", NULL);
    expect(mk_send_check(client, "{\"id\":\"c-invalid\"}"), "an invalid receipt is not sent",
           "\"code\":\"validation\"", "\"retryable\":false", NULL);

    struct shared shared[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        shared[t].client = client;
        shared[t].failures = 0;
        pthread_create(&threads[t], NULL, worker, &shared[t]);
    }
    int thread_failures = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        thread_failures += shared[t].failures;
    }
    record(thread_failures == 0, "one handle used by several threads at once", NULL);
    test_log_and_callbacks(client, id, password);

    expect(mk_delete_association(client), "mk_delete_association", "{\"ok\":true,\"data\":null}", NULL);
    expect_without(mk_service_status(client), "revoked credentials: authentication, no password",
                   "\"code\":\"authentication\"", password);
    mk_client_free(client);
}

int main(void) {
    test_static_exports();
    test_null_arguments();
    test_bad_inputs();
    test_validate();
    const char *base_url = getenv("MODULPOS_TEST_BASE_URL");
    if (base_url != NULL && base_url[0] != '\0') {
        test_live(base_url);
    } else {
        record(0, "MODULPOS_TEST_BASE_URL is set (run through tests/c/run.sh)", NULL);
    }
    printf("C ABI: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

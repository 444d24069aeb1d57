#include "server/chat_template.h"

#include <string.h>

/* true when needle occurs in s[0..len). */
static int contains(const char *s, size_t len, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(s + i, needle, n)) return 1;
    return 0;
}

rz_status rz_chat_detect(const char *tmpl, size_t len, const char *arch, rz_chat_kind *out,
                         rz_error *err) {
    if (!tmpl) {
        *out = arch && !strncmp(arch, "gemma", 5) ? RZ_CHAT_GEMMA : RZ_CHAT_CHATML;
        return RZ_OK;
    }
    if (contains(tmpl, len, "<|im_start|>")) {
        *out = RZ_CHAT_CHATML;
        return RZ_OK;
    }
    if (contains(tmpl, len, "<start_of_turn>")) {
        *out = RZ_CHAT_GEMMA;
        return RZ_OK;
    }
    return rz_fail(
        err, RZ_EUNSUPPORTED,
        "tokenizer.chat_template: unknown template (expected ChatML's <|im_start|> or Gemma's <start_of_turn>): '%.*s%s'",
        (int)(len < 80 ? len : 80), tmpl, len > 80 ? "..." : "");
}

const char *rz_chat_kind_name(rz_chat_kind k) {
    return k == RZ_CHAT_GEMMA ? "gemma" : "chatml";
}

static rz_status put(rz_tok_bytes *out, const char *s, size_t n, rz_error *err) {
    return rz_tok_bytes_append(out, s, n, err);
}

static rz_status puts_(rz_tok_bytes *out, const char *s, rz_error *err) {
    return put(out, s, strlen(s), err);
}

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends s without leading and trailing whitespace. */
static rz_status put_trimmed(rz_tok_bytes *out, const char *s, rz_error *err) {
    size_t a = 0, b = strlen(s);
    while (a < b && is_space(s[a]))
        a++;
    while (b > a && is_space(s[b - 1]))
        b--;
    return put(out, s + a, b - a, err);
}

static rz_status chatml(const rz_chat_message *msgs, size_t n, rz_tok_bytes *out, rz_error *err) {
    rz_status st = RZ_OK;
    for (size_t i = 0; i < n && !st; i++) {
        st = puts_(out, "<|im_start|>", err);
        if (!st) st = puts_(out, msgs[i].role, err);
        if (!st) st = puts_(out, "\n", err);
        if (!st) st = puts_(out, msgs[i].content, err);
        if (!st) st = puts_(out, "<|im_end|>\n", err);
    }
    return st ? st : puts_(out, "<|im_start|>assistant\n", err);
}

static rz_status gemma(const rz_chat_message *msgs, size_t n, rz_tok_bytes *out, rz_error *err) {
    rz_status st = RZ_OK;
    const char *system = NULL;
    for (size_t i = 0; i < n && !st; i++) {
        if (!strcmp(msgs[i].role, "system")) {
            system = msgs[i].content;
            continue;
        }
        int model = !strcmp(msgs[i].role, "assistant");
        st = puts_(out, model ? "<start_of_turn>model\n" : "<start_of_turn>user\n", err);
        if (!st && system && !model) {
            st = put_trimmed(out, system, err);
            if (!st) st = puts_(out, "\n\n", err);
            system = NULL;
        }
        if (!st) st = put_trimmed(out, msgs[i].content, err);
        if (!st) st = puts_(out, "<end_of_turn>\n", err);
    }
    return st ? st : puts_(out, "<start_of_turn>model\n", err);
}

rz_status rz_chat_format(rz_chat_kind k, const rz_chat_message *msgs, size_t n, rz_tok_bytes *out,
                         rz_error *err) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(msgs[i].role, "system") && strcmp(msgs[i].role, "user") &&
            strcmp(msgs[i].role, "assistant"))
            return rz_fail(
                err, RZ_EINVAL,
                "messages[%zu].role: expected \"system\", \"user\" or \"assistant\", got \"%.40s\"",
                i, msgs[i].role);
    return k == RZ_CHAT_GEMMA ? gemma(msgs, n, out, err) : chatml(msgs, n, out, err);
}

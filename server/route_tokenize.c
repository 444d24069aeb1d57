/* POST /tokenize (llama.cpp server's): {"content": text, "add_special": bool (true),
 * "parse_special": bool (true)} -> {"tokens": [ids]}. */
#include <string.h>

#include "engine/tokenizer/tokenizer.h"
#include "server/internal.h"
#include "server/json_field.h"
#include "server/reply.h"

enum MHD_Result rz_srv_route_tokenize(rz_server *s, struct MHD_Connection *c, rz_srv_request *r) {
    rz_srv_fault f;
    const char *content = NULL;
    bool add_special = true, parse_special = true;
    cJSON *o = rz_srv_json_object(r->body.data, r->body.len, &f);
    bool ok = o && rz_srv_json_string(o, "content", true, &content, &f) &&
              rz_srv_json_bool(o, "add_special", &add_special, &f) &&
              rz_srv_json_bool(o, "parse_special", &parse_special, &f);
    rz_tok_ids ids = {0};
    rz_error err;
    if (ok && rz_tok_tokenize(&s->model.vocab, content, strlen(content),
                              (add_special ? RZ_TOK_ADD_SPECIAL : 0) |
                                  (parse_special ? RZ_TOK_PARSE_SPECIAL : 0),
                              &ids, &err))
        ok = rz_srv_fail(&f, 400, "invalid_value", "'content': %s", err.msg);
    cJSON_Delete(o);
    if (!ok) {
        rz_tok_ids_free(&ids);
        return rz_srv_reply_fault(c, r, &f, NULL);
    }
    cJSON *root = cJSON_CreateObject(), *tokens = cJSON_AddArrayToObject(root, "tokens");
    for (size_t i = 0; i < ids.n; i++)
        cJSON_AddItemToArray(tokens, cJSON_CreateNumber(ids.ids[i]));
    rz_tok_ids_free(&ids);
    return rz_srv_reply_json(c, r, 200, root);
}

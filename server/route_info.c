/* GET /health, GET /metrics, GET /v1/models. */
#include <cjson/cJSON.h>

#include "server/internal.h"
#include "server/reply.h"

enum MHD_Result rz_srv_route_health(rz_server *s, struct MHD_Connection *c, rz_srv_request *r) {
    return rz_srv_reply_response(c, r, 200, s->health);
}

enum MHD_Result rz_srv_route_metrics(rz_server *s, struct MHD_Connection *c, rz_srv_request *r) {
    rz_tok_bytes text = {0};
    rz_error err;
    enum MHD_Result ret = MHD_NO;
    if (!rz_srv_metrics_render(&s->metrics, &text, &err))
        ret = rz_srv_reply(c, r, 200, "text/plain; version=0.0.4; charset=utf-8", text.data,
                           text.len);
    rz_tok_bytes_free(&text);
    return ret;
}

enum MHD_Result rz_srv_route_models(rz_server *s, struct MHD_Connection *c, rz_srv_request *r) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "object", "list");
    cJSON *m = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "data"), m);
    cJSON_AddStringToObject(m, "id", s->model.id);
    cJSON_AddStringToObject(m, "object", "model");
    cJSON_AddNumberToObject(m, "created", 0);
    cJSON_AddStringToObject(m, "owned_by", "rz");
    if (s->model.kind == RZ_SRV_APR) {
        cJSON_AddStringToObject(m, "kind", "apr");
        cJSON_AddNumberToObject(m, "n_features", (double)s->model.logreg.n_features);
    } else if (s->model.kind == RZ_SRV_BERT) {
        cJSON_AddStringToObject(m, "kind", "bert");
        cJSON_AddNumberToObject(m, "dimensions", s->model.bert.config.dim);
        cJSON_AddNumberToObject(m, "max_tokens", s->model.bert.config.max_seq);
    } else {
        cJSON_AddStringToObject(m, "kind", "gguf");
        cJSON_AddStringToObject(m, "architecture", rz_llama_arch_name(s->model.llama.config.arch));
        cJSON_AddStringToObject(m, "chat_template", rz_chat_kind_name(s->model.chat));
        cJSON_AddNumberToObject(m, "context_length", s->n_ctx);
    }
    return rz_srv_reply_json(c, r, 200, root);
}

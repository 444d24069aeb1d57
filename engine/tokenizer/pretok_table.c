#include "engine/tokenizer/pretok_table.h"

#include <string.h>

#define CONTRACTIONS "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
#define GPT2 "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"
#define TAIL "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
#define LLAMA3 CONTRACTIONS "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}" TAIL
#define QWEN2 CONTRACTIONS "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}" TAIL
#define CJK "[一-龥ࠀ-一가-퟿]+"
#define NORDIC " ?[^(\\s|.,!?…。，、।۔،)]+"
#define UPPER_THEN_LOWER "((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+"
#define UPPER_THEN_ANY "((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*"
#define LEAD "[^\\r\\n\\p{L}\\p{N}]?"
/* llama.cpp's \p{S} leaves out '~' (its collapsed ASCII table lacks it). */
#define PS "(?:(?!~)[\\p{P}\\p{S}])"
#define NOT_LPS "(?:~|[^\\r\\n\\p{L}\\p{P}\\p{S}])"

enum {
    PRE_DEFAULT,
    PRE_LLAMA3,
    PRE_DEEPSEEK_LLM,
    PRE_DEEPSEEK_CODER,
    PRE_DEEPSEEK3,
    PRE_FALCON,
    PRE_STARCODER,
    PRE_GPT2,
    PRE_QWEN2,
    PRE_PORO,
    PRE_VIKING,
    PRE_TEKKEN,
    PRE_GPT4O,
    PRE_SUPERBPE,
    PRE_BAILINGMOE,
    PRE_SEED_CODER,
    PRE_COUNT
};

/* clang-format keeps re-splitting these UTF-8 literals and never settles: left as written. */
/* clang-format off */
static const rz_tok_regex_set sets[PRE_COUNT] = {
    [PRE_DEFAULT] = {{"[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"}},
    [PRE_LLAMA3] = {{LLAMA3}},
    [PRE_DEEPSEEK_LLM] = {{
        "[\\r\\n]",
        "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
        "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
        "\\s+$",
        CJK,
        "\\p{N}+",
    }},
    [PRE_DEEPSEEK_CODER] = {{"[\\r\\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK, "\\p{N}"}},
    [PRE_DEEPSEEK3] = {{
        "\\p{N}{1,3}",
        "[一-龥぀-ゟ゠-ヿ]+",
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|" NOT_LPS "?[\\p{L}\\p{M}]+| ?" PS
        "+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    }},
    [PRE_FALCON] = {{"[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"}},
    [PRE_STARCODER] = {{"\\p{N}", GPT2}},
    [PRE_GPT2] = {{GPT2}},
    [PRE_QWEN2] = {{QWEN2}},
    [PRE_PORO] = {{NORDIC}},
    [PRE_VIKING] = {{NORDIC, "\\p{N}"}},
    [PRE_TEKKEN] = {{LEAD UPPER_THEN_LOWER
                     "|" LEAD UPPER_THEN_ANY
                     "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}},
    [PRE_GPT4O] =
        {{LEAD UPPER_THEN_LOWER CONTRACTIONS
          "?|" LEAD UPPER_THEN_ANY CONTRACTIONS
          "?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}},
    [PRE_SUPERBPE] = {{"\\p{N}+", "(?=(\\d{3})+(?!\\d))"}},
    [PRE_BAILINGMOE] =
        {{"'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|" LEAD
          "\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"}},
    [PRE_SEED_CODER] =
        {{CONTRACTIONS
          "|" LEAD "\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}},
};
/* clang-format on */

/* Settings bits. */
enum { KEEP_SPACES = 1, IGNORE_MERGES = 2, ADD_BOS = 4, ADD_SEP = 8, NO_BOS = 16 };

static const struct {
    const char *name;
    int set;
    int flags;
} names[] = {
    {"default", PRE_DEFAULT, 0},
    {"llama3", PRE_LLAMA3, IGNORE_MERGES | ADD_BOS},
    {"llama-v3", PRE_LLAMA3, IGNORE_MERGES | ADD_BOS},
    {"llama-bpe", PRE_LLAMA3, IGNORE_MERGES | ADD_BOS},
    {"falcon3", PRE_LLAMA3, IGNORE_MERGES | ADD_BOS},
    {"falcon-h1", PRE_LLAMA3, IGNORE_MERGES | ADD_BOS},
    {"pixtral", PRE_LLAMA3, IGNORE_MERGES | ADD_BOS},
    {"midm-2.0", PRE_LLAMA3, IGNORE_MERGES | ADD_BOS},
    {"lfm2", PRE_LLAMA3, IGNORE_MERGES | ADD_BOS},
    {"dbrx", PRE_LLAMA3, 0},
    {"smaug-bpe", PRE_LLAMA3, 0},
    {"chatglm-bpe", PRE_LLAMA3, NO_BOS},
    {"glm4", PRE_LLAMA3, NO_BOS},
    {"deepseek-llm", PRE_DEEPSEEK_LLM, KEEP_SPACES},
    {"deepseek-coder", PRE_DEEPSEEK_CODER, KEEP_SPACES},
    {"deepseek-v3", PRE_DEEPSEEK3, KEEP_SPACES},
    {"hunyuan-dense", PRE_DEEPSEEK3, KEEP_SPACES},
    {"falcon", PRE_FALCON, 0},
    {"mpt", PRE_GPT2, 0},
    {"olmo", PRE_GPT2, 0},
    {"jais", PRE_GPT2, 0},
    {"gpt-2", PRE_GPT2, 0},
    {"phi-2", PRE_GPT2, 0},
    {"jina-es", PRE_GPT2, 0},
    {"jina-de", PRE_GPT2, 0},
    {"gigachat", PRE_GPT2, 0},
    {"jina-v2-es", PRE_GPT2, 0},
    {"jina-v2-de", PRE_GPT2, 0},
    {"a.x-4.0", PRE_GPT2, 0},
    {"mellum", PRE_GPT2, 0},
    {"exaone4", PRE_GPT2, 0},
    {"jina-v1-en", PRE_GPT2, ADD_SEP},
    {"jina-v2-code", PRE_GPT2, ADD_SEP},
    {"roberta-bpe", PRE_GPT2, ADD_SEP},
    {"trillion", PRE_GPT2, KEEP_SPACES},
    {"granite-docling", PRE_GPT2, KEEP_SPACES},
    {"starcoder", PRE_STARCODER, 0},
    {"refact", PRE_STARCODER, 0},
    {"command-r", PRE_STARCODER, KEEP_SPACES},
    {"smollm", PRE_STARCODER, KEEP_SPACES},
    {"codeshell", PRE_STARCODER, 0},
    {"exaone", PRE_STARCODER, 0},
    {"minerva-7b", PRE_STARCODER, 0},
    {"qwen2", PRE_QWEN2, KEEP_SPACES},
    {"deepseek-r1-qwen", PRE_QWEN2, KEEP_SPACES},
    {"megrez", PRE_QWEN2, 0},
    {"stablelm2", PRE_QWEN2, 0},
    {"hunyuan", PRE_QWEN2, KEEP_SPACES},
    {"grok-2", PRE_QWEN2, KEEP_SPACES},
    {"poro-chat", PRE_PORO, KEEP_SPACES},
    {"bloom", PRE_PORO, 0},
    {"gpt3-finnish", PRE_PORO, 0},
    {"viking", PRE_VIKING, KEEP_SPACES},
    {"tekken", PRE_TEKKEN, KEEP_SPACES | IGNORE_MERGES | ADD_BOS},
    {"gpt-4o", PRE_GPT4O, KEEP_SPACES},
    {"llama4", PRE_GPT4O, KEEP_SPACES},
    {"superbpe", PRE_SUPERBPE, KEEP_SPACES},
    {"bailingmoe", PRE_BAILINGMOE, KEEP_SPACES},
    {"bailingmoe2", PRE_BAILINGMOE, KEEP_SPACES},
    {"llada-moe", PRE_BAILINGMOE, KEEP_SPACES},
    {"seed-coder", PRE_SEED_CODER, KEEP_SPACES},
};

const rz_tok_regex_set *rz_tok_pre_lookup(const char *name, rz_tok_pre_info *info) {
    if (!name || !*name) name = "default";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i].name, name)) continue;
        int f = names[i].flags;
        *info = (rz_tok_pre_info){
            .clean_spaces = !(f & KEEP_SPACES),
            .ignore_merges = f & IGNORE_MERGES,
            .add_bos = f & ADD_BOS,
            .add_sep = f & ADD_SEP,
            .no_bos = f & NO_BOS,
        };
        return &sets[names[i].set];
    }
    return NULL;
}

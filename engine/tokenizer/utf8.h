/* UTF-8 as llama.cpp's tokenizers see it, and GPT-2's byte <-> unicode table.
 * Contract: decoding never fails. A malformed sequence (stray continuation byte, truncated
 * sequence, lead byte 0xF8..0xFF, a value above U+10FFFF) yields U+FFFD and consumes one byte;
 * overlong forms and surrogates decode to their value, exactly as llama.cpp's
 * unicode_cpt_from_utf8 does. No allocation, no global mutable state. */
#ifndef RZ_TOKENIZER_UTF8_H
#define RZ_TOKENIZER_UTF8_H

#include <stddef.h>
#include <stdint.h>

enum { RZ_TOK_REPLACEMENT = 0xFFFD };

/* Length implied by the lead byte's high nibble (1 for continuation bytes), as llama.cpp's
 * unicode_len_utf8. */
size_t rz_tok_utf8_len(uint8_t lead);

/* Decodes one code point of s[*pos..n) (pos < n) and advances *pos. */
uint32_t rz_tok_utf8_decode(const uint8_t *s, size_t n, size_t *pos);

/* Encodes cp (<= 0x10FFFF, surrogates included) into out (4 bytes room); returns the length. */
size_t rz_tok_utf8_encode(uint32_t cp, uint8_t *out);

/* GPT-2's byte-level alphabet: the code point that stands for byte b. */
uint32_t rz_tok_byte_to_cp(uint8_t b);

/* The byte a GPT-2 alphabet code point stands for, or -1 when cp is not in the alphabet. */
int rz_tok_cp_to_byte(uint32_t cp);

#endif

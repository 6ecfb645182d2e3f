/*
 * sniff_int.h - helpers shared by the files of src/sniff/ (not part of its interface).
 */
#ifndef LB_SNIFF_INT_H
#define LB_SNIFF_INT_H

#include <stddef.h>
#include <stdint.h>

/* 1 when the bytes are text: ASCII, UTF-8, ISO-2022-JP, Shift_JIS/CP932 or EUC-JP, few control bytes, no NUL. */
int sniff_is_text(const uint8_t *p, size_t n);
/* 1 when the bytes are UTF-16 text (with a BOM, or without one when every other byte is NUL). */
int sniff_utf16_text(const uint8_t *p, size_t n);
/* 1 when text made only of base64 or hex digits decodes to statistically random bytes. */
int sniff_encoded_random(const uint8_t *p, size_t n);
/* 1 when a head without known structure is statistically random (size-aware). */
int sniff_head_random(const uint8_t *p, size_t n);
/* Case-insensitive search of an ASCII needle in bytes; returns its offset or -1. */
long sniff_find_ci(const uint8_t *p, size_t n, const char *needle);

#endif /* LB_SNIFF_INT_H */

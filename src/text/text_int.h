/*
 * text_int.h - helpers shared between the files of src/text/ only (not part of its interface).
 */
#ifndef LB_TEXT_INT_H
#define LB_TEXT_INT_H

#include "text.h"

/*
 * Half-width katakana (U+FF61..U+FF9F) to full-width. When next is a half-width voiced or semi-voiced mark that
 * composes with cp, the composed kana is returned and *used_next set to 1. Other code points come back unchanged.
 */
uint32_t kana_half_to_full(uint32_t cp, uint32_t next, int *used_next);

#endif

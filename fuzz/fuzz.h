/*
 * fuzz.h - shared by the fuzz targets: each defines LLVMFuzzerTestOneInput,
 * built either with libFuzzer (meson -Dfuzzing=true, `make fuzz`) or with
 * replay.c, which runs a checked-in corpus in the normal test suite.
 */
#ifndef SZ_FUZZ_H
#define SZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits an input into pieces of a size chosen by its first byte, so the
 * streaming parsers see every way of being cut. */
static inline size_t fuzz_piece(const uint8_t **data, size_t *size)
{
	if (*size == 0)
		return 1;
	size_t piece = (size_t)(*data)[0] * 7 + 1;
	(*data)++;
	(*size)--;
	return piece;
}

#endif

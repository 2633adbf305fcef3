/* fuzz_config.c - the instance settings file: any input is accepted with
 * every value in range, or refused with a message. */
#include <assert.h>
#include <string.h>

#include "core/config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct sz_config c;
	struct sz_err err;
	sz_config_defaults(&c);
	if (sz_config_parse(&c, (const char *)in, size, &err) == 0) {
		assert(c.max_file_mb >= 1 && c.argon2_memlimit_mb >= 8);
		assert(strchr(c.listen_source, ':') != NULL);
		/* public_url goes into feeds' attributes as it is */
		assert(c.public_url[0] == '\0' ||
			strncmp(c.public_url, "http", 4) == 0);
		assert(strpbrk(c.public_url, "\"'<> ") == NULL);
	} else {
		assert(err.msg[0] != '\0');
	}
	return 0;
}

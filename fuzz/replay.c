/*
 * replay.c - runs a fuzz target over every file of its corpus directories
 * (without libFuzzer), printing TAP, so corpus findings stay fixed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_MAX_INPUT (4u << 20)

static int n;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(REPLAY_MAX_INPUT);
	if (f == NULL || buf == NULL) {
		printf("not ok %d - cannot read %s\n", ++n, path);
		if (f)
			fclose(f);
		free(buf);
		return;
	}
	size_t len = fread(buf, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	printf("ok %d - %s\n", ++n, path);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			printf("not ok %d - missing %s\n", ++n, argv[i]);
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			run_file(argv[i]);
			continue;
		}
		struct dirent **list;
		int k = scandir(argv[i], &list, NULL, alphasort);
		for (int j = 0; j < k; j++) {
			if (list[j]->d_name[0] != '.') {
				char path[4096];
				snprintf(path, sizeof(path), "%s/%s", argv[i],
					list[j]->d_name);
				run_file(path);
			}
			free(list[j]);
		}
		free(list);
	}
	printf("1..%d\n", n);
	return 0;
}

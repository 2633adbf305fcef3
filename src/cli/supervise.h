/*
 * supervise.h - `samizdat serve` without --face: one process per face,
 * watched and restarted (supervise.c).
 */
#ifndef SZ_CLI_SUPERVISE_H
#define SZ_CLI_SUPERVISE_H

/* Serves every face of the face table for the instance in dir until
 * SIGTERM, SIGINT or SIGHUP; returns an exit status. */
int sz_supervise(const char *dir);

#endif

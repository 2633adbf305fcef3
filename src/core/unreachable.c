/* unreachable.c - the calling thread's "database unreachable" flag
 * (unreachable.h); nothing more. */
#include "core/unreachable.h"

static _Thread_local bool flag;

void sz_unreachable_note(void)
{
	flag = true;
}

void sz_unreachable_clear(void)
{
	flag = false;
}

bool sz_unreachable(void)
{
	return flag;
}

"""peak.py LOG CMD... - runs CMD, then appends to LOG one line: the
seconds it took, the peak resident memory (kB) of it and every process
it waited for (samizdat-doc included), and its exit status; exits with
that status.  What the bomb tests measure a refusal by."""
import os
import resource
import subprocess
import sys
import time

log, cmd = sys.argv[1], sys.argv[2:]
fd = os.environ.get("SAMIZDAT_PROGRESS_FD")
start = time.monotonic()
r = subprocess.run(cmd, pass_fds=(int(fd),) if fd and fd.isdigit() else ())
took = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(log, "a") as f:
    f.write(f"{took:.2f} {peak} {r.returncode}\n")
sys.exit(r.returncode)

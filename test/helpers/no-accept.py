# A listener that never accepts: with a backlog of 0 and its queue filled by one connection, the kernel leaves
# further SYNs unanswered, which is a connect timeout on loopback. Prints the port; exits after argv[1] seconds.
import socket
import sys
import time

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(0)
print(listener.getsockname()[1], flush=True)
time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 30)
